"""``moderator timing``: planned against actual timing of one run, or of several side by side.

The command loads the journals, asks ``moderator.report.timing`` for the analysis, and
draws it with rich (the comparison, where each run ended, the largest overruns, and one bar
per segment), or prints it as JSON (``moderator.commands.timing_json``) with ``--json``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pendulum

from moderator.commands.output import deliver, terminal_console
from moderator.commands.timing_json import to_json
from moderator.i18n import Translate, ngettext, translator
from moderator.problems import ModeratorError, about_session, say
from moderator.programme.durations import format_duration, whole_seconds
from moderator.programme.zones import ZoneError, check_zone, city_label, zone
from moderator.report.timing import (
    ON_TIME,
    RunTiming,
    SegmentResult,
    TimingAnalysis,
    analyse_by_programme,
    unique_labels,
)
from moderator.session.runs import JOURNAL_SUFFIX, LoadedRun, load_run
from moderator.session.snapshot import SegmentStatus
from moderator.text import json_safe, visible

BAR_HALF = 12
"""Characters on each side of the bars' axis."""
SEGMENT_WIDTH = 36
RUN_CELL_WIDTH = 27
"""actual, dev and cum (8 + 7 + 7 and spaces) and a short mark."""


def _signed(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = whole_seconds(seconds)
    if whole == 0:
        return "00:00"
    return format_duration(whole, signed=True)


def _plain(console: Any) -> bool:
    """No colour to tell over from under: the bars then draw with + and - instead."""
    return console.no_color or console.color_system is None


def render(analysis: TimingAnalysis, console: Any, zone_name: str | None = None) -> None:
    """Draw ``analysis`` on a rich console: the comparison, the ends, the overruns, the bars.

    Headings and words are in the session's language; times of day in ``zone_name`` (default:
    the session's zone)."""
    from rich.table import Table
    from rich.text import Text

    _ = translator(analysis.language)
    plain = _plain(console)
    zone_name = zone_name or analysis.timezone
    console.print(Text(analysis.title, style="bold"))
    first = analysis.runs[0]
    console.print(f"{first.printed_start.in_timezone(zone(zone_name)):%Y-%m-%d %H:%M} "
                  f"{city_label(zone_name, analysis.language)} ({zone_name}) · "
                  + ngettext(analysis.language, "{n} segment", "{n} segments", len(analysis.rows)).format(
                      n=len(analysis.rows)) + " · "
                  + ngettext(analysis.language, "{n} run", "{n} runs", len(analysis.runs)).format(
                      n=len(analysis.runs)))
    for note in analysis.notes:
        console.print(Text(_("note: {note}").format(note=say(note, _)), style="yellow"))
    console.print()

    table = Table(title=_("Planned and actual, per segment"), title_justify="left")
    table.add_column("#", justify="right", no_wrap=True)
    # Titles wrap in their column, never cut: at 100 columns a long Spanish title is read whole.
    table.add_column(_("segment"), overflow="fold", min_width=12, max_width=SEGMENT_WIDTH)
    table.add_column(f"{_('printed')}\n{city_label(zone_name, analysis.language)}  {_('plan')}", no_wrap=True,
                     min_width=12)
    for run in analysis.runs:
        table.add_column(f"{run.label}\n{_('actual'):>8} {_('dev'):>7} {_('cum'):>7}", no_wrap=True,
                         min_width=RUN_CELL_WIDTH)
    for row in analysis.rows:
        cells: list[Any] = [
            str(row.number), row.title,
            f"{row.printed_start.in_timezone(zone(zone_name)):%H:%M}  {format_duration(row.planned):>5}",
        ]
        for run in analysis.runs:
            cells.append(_run_cell(run.segment(row.index), plain, analysis.same_programme, _))
        table.add_row(*cells)
    console.print(table)
    console.print(Text(_("dev: actual - planned running time (pauses excluded);  ×N: visited N times;  ‖: paused")
                       + "\n" + _("cum: how late the session is at the end of the segment (late start, pauses and "
                                   "skipped segments included)"), style="dim"))
    console.print()

    ends = Table(title=_("Where each run ended"), title_justify="left")
    for number, name in enumerate((_("run"), _("started"), _("late start"), _("ended"), _("planned end"),
                                   _("against plan"))):
        ends.add_column(name, no_wrap=True, justify="left" if number == 0 else "right")
    for run in analysis.runs:
        ends.add_row(*_end_cells(run, zone_name, plain, _, analysis.language))
    console.print(ends)
    for run in analysis.runs:
        remarks = _remarks(run, _, zone_name, analysis.language)
        if remarks:
            console.print(f"  {run.label}: " + "; ".join(remarks))
    console.print()

    if analysis.top_overruns:
        top = Table(title=_("Most overtime"), title_justify="left")
        for number, name in enumerate(("", _("run"), "#", _("segment"), _("planned"), _("actual"), _("over"))):
            top.add_column(name, justify="right" if number in (2, 4, 5, 6) else "left",
                           no_wrap=number != 3, overflow="fold", max_width=SEGMENT_WIDTH if number == 3 else None)
        for rank, item in enumerate(analysis.top_overruns, start=1):
            top.add_row(f"{rank}.", item.run, str(item.number), item.title, format_duration(item.planned),
                        format_duration(item.actual), _styled(_signed(item.deviation), item.deviation, plain))
        console.print(top)
    else:
        console.print(_("No segment ran over its planned time."))
    console.print()

    scale = analysis.largest_deviation
    legend = _("+ over, - under") if plain else _("red over, green under")
    console.print(Text(_("Deviation per segment (bars scaled to {scale}; {legend})").format(
        scale=format_duration(whole_seconds(scale)), legend=legend), style="bold"))
    for run in analysis.runs:
        bars = Table(title=run.label, title_justify="left", box=None, show_header=False, pad_edge=False)
        bars.add_column(justify="right", no_wrap=True)
        bars.add_column(overflow="fold", max_width=SEGMENT_WIDTH)
        bars.add_column(no_wrap=True)
        bars.add_column(justify="right", no_wrap=True)
        for segment in run.segments:
            bars.add_row(str(segment.number), segment.title, *_bar(segment, scale, plain, _))
        console.print(bars)


def _styled(text: str, seconds: float | None, plain: bool) -> Any:
    from rich.text import Text

    if plain or seconds is None or abs(seconds) < ON_TIME:
        return Text(text)
    return Text(text, style="red" if seconds > 0 else "green")


def _run_cell(segment: SegmentResult | None, plain: bool, same_programme: bool, _: Translate) -> Any:
    from rich.text import Text

    cell = Text(no_wrap=True)
    if segment is None:
        cell.append(f"{'(none)':>8}", style="dim")
        return cell
    if segment.status is SegmentStatus.UPCOMING:
        cell.append(f"{'—':>8}", style="dim")
        return cell
    if segment.status is SegmentStatus.SKIPPED:
        cell.append(f"{_('skipped'):>8} {'':>7} ")
        cell.append_text(_styled(f"{_signed(segment.cumulative):>7}", segment.cumulative, plain))
        return cell
    cell.append(f"{format_duration(segment.actual):>8} ")
    cell.append_text(_styled(f"{_signed(segment.deviation):>7}", segment.deviation, plain))
    cell.append(" ")
    cell.append_text(_styled(f"{_signed(segment.cumulative):>7}", segment.cumulative, plain))
    marks = []
    if segment.repeated:
        marks.append(f"×{segment.visits}")
    if segment.paused >= ON_TIME:
        marks.append("‖")
    if segment.status is SegmentStatus.CURRENT:
        marks.append(_("(open)"))
    if not same_programme:
        marks.append(f"/{format_duration(segment.planned)}")
    if marks:
        cell.append(" " + " ".join(marks), style="yellow" if not plain else "")
    return cell


def _end_cells(run: RunTiming, zone_name: str, plain: bool, _: Translate, language: str = "en") -> list[Any]:
    """The run's row: short cells (times; a date only when the day changed, its month in the session's
    language), so that the table fits 100 columns in every language; the details go to the remarks."""
    late = _signed(run.late_start) if run.started is not None else "—"
    against = "—"
    if run.end_offset is not None:
        word = _("late") if run.end_offset >= ON_TIME else _("early") if run.end_offset <= -ON_TIME else ""
        against = f"{_signed(run.end_offset)} {word}" if word else _("on time")
    elif run.started is not None:  # never ended: no end to compare; where it stopped is in the remarks
        against = _("unfinished")
    return [
        run.label, _when(run, run.started, zone_name, language), _styled(late, run.late_start, plain),
        _when(run, run.ended, zone_name, language), _when(run, run.planned_end, zone_name, language),
        _styled(against, run.end_offset, plain),
    ]


def _when(run: RunTiming, moment: pendulum.DateTime | None, zone_name: str, language: str) -> str:
    """``18:42:10``, or ``06 dic 18:42`` on another day than the printed start's (the month in ``language``)."""
    if moment is None:
        return "—"
    local = moment.in_timezone(zone(zone_name))
    if local.date() != run.printed_start.in_timezone(zone(zone_name)).date():
        return f"{day_and_month(local, language)} {local:%H:%M}"
    return f"{local:%H:%M:%S}"


def day_and_month(moment: pendulum.DateTime, language: str) -> str:
    """``06 Dec``, ``06 dic``, ``06 déc`` (babel's abbreviated month, without its dot)."""
    from babel.dates import format_date

    return format_date(moment.date(), "dd MMM", locale=language).rstrip(".")


def _remarks(run: RunTiming, _: Translate, zone_name: str = "UTC", language: str = "en") -> list[str]:
    remarks: list[str] = []
    if run.started is None:
        remarks.append(_("never started"))
    elif not run.finished:
        stopped = run.stopped_in
        remarks.append(_("not ended: measured to its last event ({time})").format(
            time=_when(run, run.ended, zone_name, language))
            + (", " + _("in segment {n}").format(n=stopped.number) if stopped else ""))
    if run.mode != "live":  # (a live run away from its day: the note above the table says so, once)
        remarks.append(_("{mode}: plan laid from its own start").format(mode=_(run.mode)))
    visited = [s.number for s in run.segments if s.visits]
    if run.finished and visited and visited[-1] < len(run.segments):
        remarks.append(_("ended after segment {n} of {total}").format(n=visited[-1], total=len(run.segments)))
    if run.skipped:
        remarks.append(_("skipped {numbers}").format(numbers=_numbers(run.skipped)))
    if run.repeated:
        remarks.append(_("repeated {numbers}").format(numbers=_numbers(run.repeated)))
    if run.not_reached and run.started is not None:
        remarks.append(_("not reached {numbers}").format(numbers=_numbers(run.not_reached)))
    return remarks


def _numbers(segments: Sequence[SegmentResult]) -> str:
    return ", ".join(str(s.number) for s in segments)


def _bar(segment: SegmentResult, scale: float, plain: bool, _: Translate) -> list[Any]:
    from rich.text import Text

    axis = "|" if plain else "│"
    if segment.deviation is None:
        label = {SegmentStatus.SKIPPED: _("skipped"), SegmentStatus.UPCOMING: _("not reached")}.get(segment.status, "")
        return [Text(" " * BAR_HALF + axis + " " * BAR_HALF), Text(label, style="dim")]
    deviation = segment.deviation
    length = 0
    if abs(deviation) >= ON_TIME and scale > 0:
        length = max(1, round(abs(deviation) / scale * BAR_HALF))
    bar = Text()
    if deviation < 0 and length:
        bar.append(" " * (BAR_HALF - length))
        bar.append(("-" if plain else "█") * length, style="" if plain else "green")
    else:
        bar.append(" " * BAR_HALF)
    bar.append(axis)
    if deviation > 0 and length:
        bar.append(("+" if plain else "█") * length, style="" if plain else "red")
        bar.append(" " * (BAR_HALF - length))
    else:
        bar.append(" " * BAR_HALF)
    return [bar, _styled(_signed(deviation), deviation, plain)]


def journal_label(path: Path) -> str:
    """``reports/.../rehearsal-20211004-153000.journal.jsonl`` -> ``rehearsal-20211004-153000``."""
    name = path.name
    return name[: -len(JOURNAL_SUFFIX)] if name.endswith(JOURNAL_SUFFIX) else path.stem


def run_timing(journals: list[Path], as_json: bool = False, *, console: Any = None,
               zone_name: str | None = None, programme: Path | None = None) -> int:
    """Load every journal (a missing or broken one is a ``ModeratorError``: exit status 2);
    ``programme`` overrides the programme each journal names.

    Runs of different programmes are never mixed: each programme's runs are compared apart,
    one after the other (in the JSON, ``programmes`` then lists one document per programme).
    """
    if zone_name is not None:
        try:
            zone_name = check_zone(zone_name)
        except ZoneError as error:
            raise ModeratorError("--zone: {error} ({hint})", error=error.words, hint=error.hint) from None
    runs: list[LoadedRun] = []
    for path in journals:  # a later journal's problem said in the language of the sessions compared
        with about_session(runs[0].programme.session.language if runs else None):
            runs.append(load_run(path, programme))
    labels = [journal_label(path) for path in journals]
    analyses = analyse_by_programme(runs, labels)
    paths = {label: path for label, path in zip(unique_labels(labels), journals, strict=True)}
    if as_json:
        documents = []
        for analysis in analyses:
            _ = translator(analysis.language)  # the notes are for people: in the session's language
            for note in analysis.notes:
                print(visible("moderator: " + _("note: {note}").format(note=say(note, _))), file=sys.stderr)
            document = to_json(analysis)
            document["runs"] = [{"label": entry.pop("label"), "journal": str(paths[entry_label]), **entry}
                                for entry, entry_label in ((e, e["label"]) for e in document["runs"])]
            documents.append(document)
        output = documents[0] if len(documents) == 1 else {"version": documents[0]["version"],
                                                           "programmes": documents}
        deliver(json_safe(json.dumps(output, ensure_ascii=False, indent=2) + "\n"), None)
        return 0
    if console is None:
        console = terminal_console()
        if not console.is_terminal:
            # A file or a pipe: keep the side-by-side columns whole rather than squeezed into 80
            # (terminal_console trims the spaces rich pads the lines with).
            widest = max(len(analysis.runs) for analysis in analyses)
            console = terminal_console(piped_width=max(console.width, 70 + (RUN_CELL_WIDTH + 3) * widest))
    for number, analysis in enumerate(analyses):
        if len(analyses) > 1:
            from rich.text import Text

            _ = translator(analysis.language)
            console.rule(Text(_("Programme {n} of {total}: {title}").format(
                n=number + 1, total=len(analyses), title=visible(analysis.title))))
        render(analysis, console, zone_name)
        if number + 1 < len(analyses):
            console.print()
    console.file.flush()
    return 0
