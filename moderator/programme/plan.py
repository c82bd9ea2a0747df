"""The planned timeline of a programme, as time-zone-aware datetimes.

Arithmetic happens in UTC and is converted to each zone only for display, so a session
that crosses a daylight-saving change or midnight keeps its real durations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pendulum

from moderator.problems import Problem, Severity
from moderator.programme.model import Programme, Segment
from moderator.programme.zones import zone


@dataclass(frozen=True)
class PlannedSegment:
    segment: Segment
    start: pendulum.DateTime
    """Planned start, in UTC."""
    end: pendulum.DateTime

    def start_in(self, zone_name: str) -> pendulum.DateTime:
        return self.start.in_timezone(zone(zone_name))

    def end_in(self, zone_name: str) -> pendulum.DateTime:
        return self.end.in_timezone(zone(zone_name))


def session_start(programme: Programme) -> pendulum.DateTime:
    """The planned start in UTC (a local time skipped by a DST change moves forward)."""
    info = programme.session
    local = pendulum.datetime(
        info.date.year, info.date.month, info.date.day,
        info.start.hour, info.start.minute, info.start.second, tz=zone(info.timezone),
    )
    return local.in_timezone("UTC")


def plan(programme: Programme) -> tuple[PlannedSegment, ...]:
    cursor = session_start(programme)
    planned = []
    for segment in programme.segments:
        end = cursor.add(seconds=segment.duration)
        planned.append(PlannedSegment(segment, cursor, end))
        cursor = end
    return tuple(planned)


def planned_end(programme: Programme) -> pendulum.DateTime:
    return session_start(programme).add(seconds=programme.total_duration)


def day_marker(moment: pendulum.DateTime, reference: dt.date) -> str:
    """``"+1"`` or ``"-1"`` when ``moment`` falls on another calendar day than ``reference``."""
    # Ordinals, not ``Date - date``: pendulum's Date only subtracts another pendulum Date.
    delta = moment.date().toordinal() - reference.toordinal()
    return f"{delta:+d}" if delta else ""


def plan_warnings(programme: Programme) -> list[Problem]:
    """Where the plan disagrees with what the source printed: ``at`` times and ``end``."""
    problems: list[Problem] = []
    session_zone = programme.session.timezone
    timeline = plan(programme)
    for item in timeline:
        segment = item.segment
        if segment.at is None:
            continue
        local = item.start_in(session_zone)
        printed = local.replace(hour=segment.at.hour, minute=segment.at.minute, second=segment.at.second)
        if (local.hour, local.minute, local.second) != (segment.at.hour, segment.at.minute, segment.at.second):
            difference = int((local - printed).total_seconds() // 60)
            problems.append(Problem(
                programme.path, segment.line,
                f"segment {segment.index + 1} ({segment.title}) is planned at {local:%H:%M} "
                f"but the programme prints at = \"{segment.at:%H:%M}\"",
                f"{abs(difference)} min {'later' if difference > 0 else 'earlier'} than printed; "
                "check the durations before it",
                severity=Severity.WARNING,
            ))
    end = programme.session.end
    if end is not None and timeline:
        start_local = session_start(programme).in_timezone(zone(session_zone))
        wanted = start_local.replace(hour=end.hour, minute=end.minute, second=end.second)
        if wanted <= start_local:
            wanted = wanted.add(days=1)
        actual = timeline[-1].end_in(session_zone)
        gap = int((wanted - actual).total_seconds())
        if gap:
            what = "leave" if gap > 0 else "overrun"
            problems.append(Problem(
                programme.path, programme.session.end_line,
                f"the segments end at {actual:%H:%M} but [session].end is {end:%H:%M}: "
                f"they {what} {abs(gap) // 60} min" + (f" {abs(gap) % 60} s" if abs(gap) % 60 else ""),
                f"segments add up to {programme.total_duration // 60} min; "
                f"start..end is {int((wanted - start_local).total_seconds()) // 60} min",
                severity=Severity.WARNING,
            ))
    return problems
