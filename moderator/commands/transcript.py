"""``moderator transcript JOURNAL FILE.vtt [--started TIME] [--zone Z]``: the recording's words, kept with the run.

Zoom times a transcript's cues from the recording's start. Given that start (``--started``, a
clock time in ``--zone``, the session's zone by default, or an ISO instant), or else the run's own
start (said), each cue is placed in the segment that was running, its speaker matched to the
programme's people, and kept in the journal as ``transcript_line`` events, apart from the notes.
Cues that fall outside the run are counted and said, not placed. Importing the file again adds
nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pendulum

from moderator.i18n import translator
from moderator.problems import ModeratorError, Words, about_session, say
from moderator.programme.zones import ZoneError, check_zone, zone
from moderator.session.chat import run_bounds
from moderator.session.chat_follow import chat_zone
from moderator.session.clock import parse_wall
from moderator.session.runs import open_for_adding
from moderator.session.state import State
from moderator.session.transcript import (
    TranscriptFileError,
    TranscriptParse,
    decode_transcript_bytes,
    parse_transcript,
    place_cues,
)
from moderator.text import visible

_STARTED = re.compile(r"^(?:(?P<date>\d{4}-\d{2}-\d{2})[T ])?(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?$")
"""``21:30``, ``21:30:15``, ``2021-10-07 21:30``, ``2021-10-07T21:30:15``: a clock time in ``--zone``."""


def read_transcript(path: Path) -> TranscriptParse:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ModeratorError("{path}: cannot read the transcript: {reason}", path=str(path),
                             reason=error.strerror or str(error)) from None
    try:
        return parse_transcript(decode_transcript_bytes(data))
    except TranscriptFileError as error:
        raise ModeratorError("{path}: {problem}", path=str(path),
                             problem=Words(error.template, **error.words)) from None


def recording_start(started: str | None, zone_name: str, state: State) -> tuple[dt.datetime, Words]:
    """When the recording began (aware UTC), and a sentence saying where that came from.

    Without ``started``: the run's own start. A clock time without a date is taken on the day, among
    the one before, of and after the run's start, that puts it nearest that start."""
    tz = zone(zone_name)
    if started is None:
        if state.started_wall is None:
            raise ModeratorError("the session never started: give the recording's start with --started")
        begin = parse_wall(state.started_wall)
        return begin, Words("cues placed from the run's start, {time} ({zone}); use --started if the recording "
                            "began at another time", time=f"{begin.in_timezone(tz):%H:%M:%S}", zone=zone_name)
    match = _STARTED.match(started.strip())
    if match is None:
        raise ModeratorError("--started: {value} is not a time (HH:MM, HH:MM:SS or YYYY-MM-DD HH:MM)",
                             value=repr(started))
    hours, minutes, seconds = int(match["h"]), int(match["m"]), int(match["s"] or 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        raise ModeratorError("--started: no such time of day {value}", value=repr(started))
    if match["date"]:
        try:
            days = [dt.date.fromisoformat(match["date"])]
        except ValueError:
            raise ModeratorError("--started: no such date {value}", value=repr(match["date"])) from None
    elif state.started_wall is not None:
        day = parse_wall(state.started_wall).in_timezone(tz).date()
        days = [day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)]
    else:
        raise ModeratorError("the session never started: give --started with its date (YYYY-MM-DD HH:MM)")
    candidates = [pendulum.datetime(d.year, d.month, d.day, hours, minutes, seconds, tz=tz) for d in days]
    anchor = parse_wall(state.started_wall) if state.started_wall else candidates[0]
    moment = min(candidates, key=lambda c: abs((c - anchor).total_seconds()))
    return moment.in_timezone("UTC"), Words("recording started at {time} ({zone}, --started)",
                                            time=f"{moment:%Y-%m-%d %H:%M:%S}", zone=zone_name)


def transcript_zone(zone_name: str | None, session_zone: str) -> str:
    if zone_name is None:
        return session_zone
    return chat_zone(zone_name)[0]


def run_transcript(journal: Path, vtt: Path, started: str | None = None, zone_name: str | None = None) -> int:
    target = open_for_adding(journal, busy_hint=Words("import the transcript once the console is closed"))
    language = target.run.programme.session.language
    _ = translator(language)
    try:
        with about_session(language):  # the options' and the file's problems in the session's language
            if zone_name is not None:
                try:
                    check_zone(zone_name)
                except ZoneError as error:
                    raise ModeratorError("--zone: {error} ({hint})", error=error.words, hint=error.hint) from None
            parsed = read_transcript(vtt)
            state = target.engine.state
            programme = target.run.programme
            where = transcript_zone(zone_name, programme.session.timezone)
            begin, placed_from = recording_start(started, where, state)
        placed = place_cues(parsed.cues, begin, programme)
        bounds = run_bounds(state.started_wall, state.ended_wall, state.last_wall)
        inside = [cue for cue in placed if bounds is not None and bounds[0] <= cue.at <= bounds[1]]
        outside = len(placed) - len(inside)
        added = target.engine.add_transcript(inside)
    finally:
        target.journal.close()
    print(visible(f"moderator: {say(placed_from, _)}"), file=sys.stderr)
    names = {cue.cue.name for cue in inside if cue.cue.name}
    unknown = sorted({cue.cue.name for cue in inside if cue.cue.name and cue.person is None}, key=str.casefold)
    said = [_("{file}: {n} cues").format(file=vtt, n=len(parsed.cues)),
            _("{added} added, {already} already in the journal").format(added=added, already=len(inside) - added),
            _("{matched} of {names} names matched to the programme").format(matched=len(names) - len(unknown),
                                                                              names=len(names))]
    if outside:
        said.append(_("{n} outside the run, not added (is the recording's start right? give it with --started "
                      "HH:MM)").format(n=outside))
    if parsed.unreadable:
        said.append(_("{n} unreadable cues left out").format(n=parsed.unreadable))
    if parsed.cut:
        said.append(_("{n} cues cut to their first characters").format(n=parsed.cut))
    print(visible("; ".join(said)))
    if unknown:
        print(visible(_("kept as written: {names}").format(
            names=", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else ""))))
    return 0
