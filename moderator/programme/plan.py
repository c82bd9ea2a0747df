"""The planned timeline of a programme, as time-zone-aware datetimes.

Arithmetic happens in UTC and is converted to each zone only for display, so a session
that crosses a daylight-saving change or midnight keeps its real durations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pendulum

from moderator.problems import Problem, Severity, Words
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
    """Where the plan disagrees with what the source printed (``at`` times and ``end``), a segment amber
    from its first second, and a clock change in the middle of the session."""
    problems: list[Problem] = [*_threshold_warnings(programme), *_clock_change_warnings(programme)]
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
            hint = "{n} min later than printed; check the durations before it" if difference > 0 else \
                "{n} min earlier than printed; check the durations before it"
            problems.append(Problem(
                programme.path, segment.line,
                Words('segment {n} ({title}) is planned at {planned} but the programme prints at = "{printed}"',
                      n=segment.index + 1, title=segment.title, planned=f"{local:%H:%M}",
                      printed=f"{segment.at:%H:%M}"),
                Words(hint, n=abs(difference)),
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
            message = "the segments end at {actual} but [session].end is {end}: they leave {gap}" if gap > 0 else \
                "the segments end at {actual} but [session].end is {end}: they overrun {gap}"
            problems.append(Problem(
                programme.path, programme.session.end_line,
                Words(message, actual=f"{actual:%H:%M}", end=f"{end:%H:%M}", gap=_minutes(abs(gap))),
                Words("segments add up to {total} min; start..end is {span} min", total=programme.total_duration // 60,
                      span=int((wanted - start_local).total_seconds()) // 60),
                severity=Severity.WARNING,
            ))
    return problems


def _threshold_warnings(programme: Programme) -> list[Problem]:
    """A segment whose warning (or danger) time is as long as the segment itself: its timer is amber
    (or red) from its first second, and the colour no longer says anything."""
    problems = []
    for segment in programme.segments:
        for name, threshold in (("warn", segment.warn), ("danger", segment.danger)):
            if threshold >= segment.duration:
                message = ("segment {n} ({title}) lasts {duration} but its warn time is {threshold}: its timer is "
                           "amber from its first second") if name == "warn" else \
                    "segment {n} ({title}) lasts {duration} but its danger time is {threshold}: its timer is red " \
                    "from its first second"
                problems.append(Problem(
                    programme.path, segment.line,
                    Words(message, n=segment.index + 1, title=segment.title, duration=_minutes(segment.duration),
                          threshold=_minutes(threshold)),
                    Words('give the segment a shorter {key} = "..."', key=name),
                    severity=Severity.WARNING,
                ))
                break  # danger is shorter than warn: one warning says it
    return problems


def _minutes(seconds: int) -> str:
    return f"{seconds // 60} min" + (f" {seconds % 60} s" if seconds % 60 else "")


def _clock_change_warnings(programme: Programme) -> list[Problem]:
    """Daylight saving begins or ends during the session, in its own zone or one shown beside it: the
    times there jump by an hour in the middle, and people join an hour early or late after a break."""
    problems: list[Problem] = []
    if not programme.segments:
        return problems
    timeline = plan(programme)
    for zone_name in programme.session.zones:
        tz = zone(zone_name)
        before = timeline[0].start.in_timezone(tz).utcoffset()
        after = timeline[-1].end.in_timezone(tz).utcoffset()
        if before is None or after is None or before == after:
            continue
        shift = int((after - before).total_seconds() // 60)
        changed = next((item for item in timeline  # (a change at a segment's very end is the next one's)
                        if item.end.subtract(seconds=1).in_timezone(tz).utcoffset() != before), timeline[-1])
        segment = changed.segment
        problems.append(Problem(
            programme.path, segment.line,
            Words("the clocks change in {zone} during segment {n} ({title}): {shift} min (daylight saving); times "
                  "there jump by as much", zone=zone_name, n=segment.index + 1, title=segment.title,
                  shift=f"{'+' if shift > 0 else '-'}{abs(shift)}"),
            Words("tell the people who join from there, or move the session"),
            severity=Severity.WARNING,
        ))
    return problems
