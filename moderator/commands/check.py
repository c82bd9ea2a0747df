"""``moderator check FILE...``: validate programmes and print their run sheet.

Run the night before a session, this is where a moderator learns about a typo, a slot
planned at 05:00 for a speaker on another continent, or durations that do not add up
to the printed end, while there is still time to fix them. Mistakes go to stderr in the
``FILE:LINE: message`` form editors understand; the run sheet and the warnings go to
stdout, readable in a terminal and when piped into a file or a mail.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pendulum
from rich.console import Console
from rich.text import Text

from moderator.commands.columns import Column, lay_out
from moderator.commands.output import terminal_console
from moderator.i18n import Translate, translator
from moderator.problems import Problem, ProgrammeError, Severity, Words
from moderator.programme import Programme, Speaker, load_programme
from moderator.programme.durations import humanize_minutes
from moderator.programme.model import SEGMENT_KIND_LABELS
from moderator.programme.plan import PlannedSegment, day_marker, plan, plan_warnings, planned_end
from moderator.programme.zones import short_zone_label, zone
from moderator.text import visible


def _english(text: str) -> str:
    return text


EXIT_OK = 0
EXIT_ERRORS = 2

PIPED_WIDTH = 120
"""Width when stdout is not a terminal: rich would assume 80 and fold the title column."""

NIGHT_STARTS = dt.time(23, 0)
NIGHT_ENDS = dt.time(6, 0)
"""A speaker's slot starting in [23:00, 06:00) local time is worth a second look."""


@dataclass(frozen=True)
class SpeakerShare:
    """How much of the session one speaker holds the floor, and when they first speak."""

    speaker: Speaker
    seconds: float
    """Seconds of ``speaker`` segments; a shared slot counts equally for each of its speakers."""
    percent: float
    """``seconds`` as a percentage of the whole session."""
    first: PlannedSegment | None
    """The first segment naming the speaker, whatever its kind: when they must be awake."""


def run_check(files: list[Path]) -> int:
    """Check every file (not stopping at the first bad one) and return the exit status.

    Warnings never fail a run: they are often deliberate (a programme that leaves a gap
    before the printed end); only errors, which stop a programme from loading, give 2.
    """
    console = make_console()
    status = EXIT_OK
    for number, path in enumerate(files):
        try:
            programme = load_programme(path)
        except ProgrammeError as error:  # said in the language the programme declares, as far as it was read
            print_problems(error.problems, sys.stderr, translator(error.language or "en"))
            status = EXIT_ERRORS
            continue
        if number:
            console.print()
        print_run_sheet(console, programme)
    return status


def make_console() -> Console:
    """A console for stdout with rich's own detection of colour, ``NO_COLOR`` and width.

    Only when stdout is not a terminal do we fix the width, since rich then falls back
    to 80 columns, too narrow for a run sheet with three zones.
    """
    return terminal_console(piped_width=PIPED_WIDTH)


def print_problems(problems: Iterable[Problem], stream: TextIO, tr: Translate = _english) -> None:
    """One ``FILE:LINE: message (hint)`` line per problem, as compilers print them, in ``tr``'s language."""
    for problem in problems:
        print(problem.said(tr), file=stream)


def print_run_sheet(console: Console, programme: Programme) -> None:
    """Header, segment table, totals, speakers' shares, then every warning. The sheet's words are in
    the session's language (its organizers read it); the warnings stay ``FILE:LINE: message`` lines,
    the form editors and the programme's author read in every language."""
    timeline = plan(programme)
    shares = speaker_shares(programme, timeline)
    tr = translator(programme.session.language)
    console.print(header(programme, tr))
    console.print()
    console.print(segment_table(programme, timeline, console.width, tr), soft_wrap=True)
    console.print()
    console.print(totals(programme, tr))
    if shares:
        console.print()
        console.print(share_table(programme, shares, console.width, tr), soft_wrap=True)
    warnings = all_warnings(programme, shares)
    if warnings:
        console.print()
        for problem in warnings:
            # soft_wrap: never fold a problem line, so editors and grep see it whole
            console.print(Text(problem.said(tr), style="yellow"), soft_wrap=True)


# --------------------------------------------------------------------------- data


def speaker_shares(programme: Programme,
                   timeline: Sequence[PlannedSegment] | None = None) -> list[SpeakerShare]:
    """Each speaker's floor time from ``speaker`` segments, in the order they are defined."""
    timeline = plan(programme) if timeline is None else timeline
    seconds = {speaker.id: 0.0 for speaker in programme.speakers}
    first: dict[str, PlannedSegment] = {}
    for item in timeline:
        segment = item.segment
        for speaker_id in segment.speaker_ids:
            first.setdefault(speaker_id, item)
        if segment.kind == "speaker" and segment.speaker_ids:
            part = segment.duration / len(segment.speaker_ids)
            for speaker_id in segment.speaker_ids:
                seconds[speaker_id] = seconds.get(speaker_id, 0.0) + part
    total = programme.total_duration
    return [
        SpeakerShare(
            speaker=speaker,
            seconds=seconds[speaker.id],
            percent=100 * seconds[speaker.id] / total if total else 0.0,
            first=first.get(speaker.id),
        )
        for speaker in programme.speakers
    ]


def is_night(moment: dt.time) -> bool:
    """True from 23:00 up to (not including) 06:00."""
    return moment >= NIGHT_STARTS or moment < NIGHT_ENDS


def night_warnings(programme: Programme, shares: Iterable[SpeakerShare]) -> list[Problem]:
    """A warning for every speaker whose first slot starts at night where they sit."""
    problems: list[Problem] = []
    for share in shares:
        zone_name = share.speaker.timezone
        if zone_name is None or share.first is None:
            continue
        local = share.first.start_in(zone_name)
        if not is_night(local.time()):
            continue
        problems.append(Problem(
            programme.path, share.first.segment.line,
            Words("{name}'s slot starts at {time} in {zone}", name=share.speaker.name, time=f"{local:%H:%M}",
                  zone=zone_name),
            Words("segment {n}; between {start} and {end} there: confirm they can attend",
                  n=share.first.segment.index + 1, start=f"{NIGHT_STARTS:%H:%M}", end=f"{NIGHT_ENDS:%H:%M}"),
            severity=Severity.WARNING,
        ))
    return problems


def all_warnings(programme: Programme, shares: Iterable[SpeakerShare]) -> list[Problem]:
    """The loader's warnings (unknown keys), then the plan's, then the speakers' nights."""
    return [*programme.warnings, *plan_warnings(programme), *night_warnings(programme, shares)]


# --------------------------------------------------------------------------- rendering


def clock(moment: pendulum.DateTime, reference: dt.date) -> str:
    """``"18:00"``, or ``"00:10 +1"`` when ``moment`` falls on another day than the session's."""
    marker = day_marker(moment, reference)
    return f"{moment:%H:%M}" + (f" {marker}" if marker else "")


def header(programme: Programme, tr: Translate = _english) -> Text:
    """Title, event and type, date, start and zones, moderator: what the sheet is about."""
    info = programme.session
    text = Text()
    text.append(info.title, style="bold")
    text.append("\n")
    kind = " · ".join(part for part in (info.event, info.type) if part)
    if kind:
        text.append(kind + "\n")
    text.append(f"{info.date.isoformat()} {info.start:%H:%M} {info.timezone}")
    if len(info.zones) > 1:
        text.append(" (" + tr("also shown: {zones}").format(zones=", ".join(info.zones[1:])) + ")")
    text.append("\n")
    text.append(tr("Moderator: {name}").format(name=programme.moderator.name))
    if programme.rapporteur is not None:
        text.append(" · " + tr("Rapporteur: {name}").format(name=programme.rapporteur.name))
    text.append(f"\n{programme.path}", style="dim")
    return text


def segment_table(programme: Programme, timeline: Sequence[PlannedSegment], width: int,
                  tr: Translate = _english) -> Text:
    """One row per segment: its planned start in every zone, duration, kind, title, speakers.
    Laid out in one pass (``columns``): rich's Table was most of check's time on long programmes."""
    info = programme.session
    columns = [
        Column("#", right=True),
        *(Column(short_zone_label(zone_name)) for zone_name in info.zones),
        Column(tr("Dur."), right=True),
        Column(tr("Kind")),
        Column(tr("Title"), ratio=2),
        Column(tr("Speakers"), ratio=1, min_width=12),
    ]
    rows = [
        [
            str(item.segment.index + 1),
            *(clock(item.start_in(z), info.date) for z in info.zones),
            humanize_minutes(item.segment.duration),
            tr(SEGMENT_KIND_LABELS.get(item.segment.kind, item.segment.kind)),
            visible(item.segment.title),
            visible(", ".join(s.name for s in programme.segment_speakers(item.segment))),
        ]
        for item in timeline
    ]
    return lay_out(columns, rows, width)


def totals(programme: Programme, tr: Translate = _english) -> Text:
    """Total planned duration and the planned end in every zone."""
    info = programme.session
    end = planned_end(programme)
    ends = ", ".join(
        f"{clock(end.in_timezone(zone(z)), info.date)} {short_zone_label(z)}" for z in info.zones
    )
    return Text(tr("Total {duration}, planned end {ends}").format(duration=humanize_minutes(programme.total_duration),
                                                                   ends=ends))


def share_table(programme: Programme, shares: Sequence[SpeakerShare], width: int,
                tr: Translate = _english) -> Text:
    """Speakers' floor time and, where their zone is known, their local start."""
    info = programme.session
    with_zones = any(share.speaker.timezone for share in shares)
    columns = [Column(tr("Speaker")), Column(tr("Floor"), right=True), Column(tr("Share"), right=True)]
    if with_zones:
        columns.append(Column(tr("Local start")))
    rows = []
    for share in shares:
        cells = [
            visible(share.speaker.name),
            humanize_minutes(round(share.seconds)) if share.seconds else "-",
            f"{share.percent:.1f}%",
        ]
        if with_zones:
            cells.append(_local_start(share, info.date))
        rows.append(cells)
    return lay_out(columns, rows, width)


def _local_start(share: SpeakerShare, reference: dt.date) -> str:
    """``"05:41 America/Toronto"``; empty when the speaker's zone or slot is unknown."""
    if not share.speaker.timezone or share.first is None:
        return ""
    moment = share.first.start_in(share.speaker.timezone)
    return f"{clock(moment, reference)} {share.speaker.timezone}"
