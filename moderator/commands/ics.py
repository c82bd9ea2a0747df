"""``moderator ics``: the session (and optionally each segment) as an iCalendar file.

Times are written in the session's own zone, with its VTIMEZONE, so that calendars show
the session where it happens; a fixed offset such as ``UTC-3`` has no IANA name, so its
events are written in UTC. A local time that occurs twice (the hour repeated when
daylight saving ends) would be read as its *first* occurrence (RFC 5545, 3.3.5): when the
plan puts an instant in the second one, that time is written in UTC instead.

UIDs are hashes of the session's title and date and the segment's number, so importing
a regenerated file updates the events rather than adding copies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import pendulum

from moderator import __version__
from moderator.commands.output import deliver
from moderator.i18n import translator
from moderator.programme import Programme, Segment, SegmentKind, load_programme
from moderator.programme.durations import humanize_minutes
from moderator.programme.model import SEGMENT_KIND_LABELS
from moderator.programme.plan import PlannedSegment, plan, planned_end, session_start
from moderator.programme.zones import city_label, zone
from moderator.text import visible_lines

PRODID = f"-//moderator//moderator {__version__}//EN"
UID_DOMAIN = "moderator.invalid"
"""RFC 5545 suggests ``id@domain``; this names no real host (RFC 2606)."""



def event_uid(programme: Programme, index: int | None) -> str:
    """A stable UID: the same title, date and segment number give the same UID in every export."""
    part = "session" if index is None else f"segment-{index}"
    key = f"{programme.session.title}\n{programme.session.date.isoformat()}\n{part}"
    return f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@{UID_DOMAIN}"


def default_stamp() -> dt.datetime:
    """DTSTAMP: now, or ``SOURCE_DATE_EPOCH`` when set (reproducible output)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def build_calendar(programme: Programme, segments: bool = False, *,
                   stamp: dt.datetime | None = None) -> icalendar.Calendar:
    """The session as one VEVENT (plus one per segment when ``segments``), with its VTIMEZONE."""
    stamp = (stamp or default_stamp()).astimezone(dt.UTC)
    info = programme.session
    tz = _ical_zone(info.timezone)
    timeline = plan(programme)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", info.title)

    event = _event(programme, None, stamp)
    event.add("summary", info.title)
    event.add("dtstart", _when(session_start(programme), tz))
    event.add("dtend", _when(planned_end(programme), tz))
    if info.platform:
        event.add("location", info.platform)
    event.add("description", _session_description(programme, timeline))
    calendar.add_component(event)

    if segments:
        for item in timeline:
            part = _event(programme, item.segment.index, stamp)
            part.add("summary", _segment_summary(programme, item.segment))
            part.add("dtstart", _when(item.start, tz))
            part.add("dtend", _when(item.end, tz))
            if info.platform:
                part.add("location", info.platform)
            part.add("description", _segment_description(programme, item))
            part.add("related-to", event_uid(programme, None))
            calendar.add_component(part)

    if tz is not None:
        start = session_start(programme).date()
        end = planned_end(programme).date()
        # One VTIMEZONE covering the session's year(s): both sides of any change in it.
        calendar.add_missing_timezones(dt.date(start.year, 1, 1), dt.date(end.year + 1, 1, 1))
    return calendar


def _event(programme: Programme, index: int | None, stamp: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", event_uid(programme, index))
    event.add("dtstamp", stamp)
    return event


def _ical_zone(name: str) -> ZoneInfo | None:
    """The zone events are written in, or ``None`` for UTC (fixed offsets and UTC itself)."""
    if name.upper() in ("UTC", "GMT", "Z") or name.upper().startswith(("UTC+", "UTC-", "GMT+", "GMT-")):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _when(moment: pendulum.DateTime, tz: ZoneInfo | None) -> dt.datetime:
    """A plain datetime for icalendar: local with TZID when that reads back as the same instant."""
    u = moment.in_timezone("UTC")
    utc = dt.datetime(u.year, u.month, u.day, u.hour, u.minute, u.second, tzinfo=dt.UTC)
    if tz is None:
        return utc
    local = utc.astimezone(tz)
    # Written as wall time + TZID, a reader takes the first occurrence of an ambiguous time.
    wall = local.replace(fold=0)
    if wall.astimezone(dt.UTC) != utc:
        return utc
    return wall


def _slot(start: pendulum.DateTime, end: pendulum.DateTime, zone_name: str) -> str:
    local_start = start.in_timezone(zone(zone_name))
    local_end = end.in_timezone(zone(zone_name))
    text = f"{local_start:%H:%M}-{local_end:%H:%M}"
    if local_end.date() != local_start.date():
        text += f" (+{(local_end.date() - local_start.date()).days}d)"
    return text


def _session_description(programme: Programme, timeline: tuple[PlannedSegment, ...]) -> str:
    """The invitation's text, in the session's language (its words from the gettext catalogs)."""
    info = programme.session
    _ = translator(info.language)
    lines: list[str] = []
    heading = " · ".join(part for part in (info.event, info.type) if part)
    if heading:
        lines.append(heading)
    lines.append(_("Moderator: {name}").format(name=programme.moderator.name))
    starts = " / ".join(
        f"{session_start(programme).in_timezone(zone(z)):%H:%M} {city_label(z, info.language)}" for z in info.zones
    )
    lines.append(_("Starts: {times}").format(times=starts))
    if info.main_question:
        lines += ["", _("Main question: {question}").format(question=info.main_question)]
    lines += ["", _("Running order ({zone}):").format(zone=info.timezone)]
    for item in timeline:
        lines.append(f"{item.start_in(info.timezone):%H:%M}  {_segment_summary(programme, item.segment)}"
                     f" ({humanize_minutes(item.segment.duration)})")
    lines.append(f"{planned_end(programme).in_timezone(zone(info.timezone)):%H:%M}  {_('End')}")
    return "\n".join(lines)


def _segment_summary(programme: Programme, segment: Segment) -> str:
    """``Speaker: <title> — <names>``; the kind is left out when the title already says it
    (``Introduction of the moderator``, ``Internet connection check``) or says nothing more
    than its title would (``other``)."""
    names = ", ".join(s.name for s in programme.segment_speakers(segment))
    _ = translator(programme.session.language)
    kind = "" if segment.kind == SegmentKind.OTHER else _(SEGMENT_KIND_LABELS[segment.kind])
    title = segment.title.lower()
    redundant = not kind or title.startswith(kind.lower()) or title.endswith(kind.lower())
    text = segment.title if redundant else f"{kind}: {segment.title}"
    if names and names not in segment.title:
        text += f" — {names}"
    return text


def _segment_description(programme: Programme, item: PlannedSegment) -> str:
    info = programme.session
    _ = translator(info.language)
    segment = item.segment
    lines = [f"{info.title}", _("Segment {n} of {total}, {duration}: {slot}").format(
        n=segment.index + 1, total=len(programme.segments), duration=humanize_minutes(segment.duration),
        slot=f"{_slot(item.start, item.end, info.timezone)} {info.timezone}")]
    speakers = programme.segment_speakers(segment)
    for speaker in speakers:
        where = speaker.timezone or info.timezone
        line = f"{speaker.name}: {_slot(item.start, item.end, where)} {where}"
        local_day = item.start.in_timezone(zone(where)).date()
        session_day = item.start_in(info.timezone).date()
        if local_day != session_day:
            line += f" ({local_day:%a %d %b})"
        if speaker.topic and speaker.topic != segment.title:
            line += f" — {speaker.topic}"
        lines.append(line)
    if info.main_question:
        lines += ["", _("Main question: {question}").format(question=info.main_question)]
    return "\n".join(lines)


def run_ics(file: Path, output: Path | None = None, segments: bool = False) -> int:
    """Write the calendar to ``output`` or standard output; a bad programme raises ``ProgrammeError``."""
    programme = load_programme(file)
    said = translator(programme.session.language)
    for warning in programme.warnings:
        print(warning.said(said), file=sys.stderr)  # in the session's language, its line made visible
    calendar = build_calendar(programme, segments).to_ical().decode("utf-8")
    deliver(visible_lines(calendar, "\r\n").encode("utf-8"), output, what="the calendar", inputs=(file,))
    return 0
