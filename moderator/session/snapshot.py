"""Everything a screen or a report shows about timing, derived from state and one clock reading.

Nothing here keeps time: every value is computed from ``now`` and the recorded events,
so two calls with the same reading agree, and a countdown can never drift.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

import pendulum

from moderator.programme import Programme, Segment
from moderator.programme.plan import session_start
from moderator.session.clock import parse_wall
from moderator.session.state import State, Status

LIVE_ANCHOR_WINDOW = 12 * 3600
"""A live run that starts within this many seconds of its planned start is measured against
the printed plan (a late start counts as 'behind'); otherwise, as in every rehearsal, the
plan is laid from the actual start."""


class Level(StrEnum):
    OK = "ok"
    WARN = "warn"
    DANGER = "danger"
    OVER = "over"


class SegmentStatus(StrEnum):
    DONE = "done"
    CURRENT = "current"
    UPCOMING = "upcoming"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class SegmentTiming:
    index: int
    segment: Segment
    planned_start: pendulum.DateTime
    planned: int
    allowed: int
    """Planned plus minutes added or removed by the moderator."""
    actual: float
    status: SegmentStatus
    actual_start: str | None
    actual_end: str | None

    @property
    def overrun(self) -> float:
        """Seconds beyond the planned duration (negative: finished early)."""
        return self.actual - self.planned


@dataclass(frozen=True)
class Snapshot:
    status: Status
    current: int | None
    segment: Segment | None
    next_segment: Segment | None
    remaining: float
    """Seconds left in the current segment; negative in overtime."""
    level: Level
    segment_elapsed: float
    segment_allowed: int
    session_elapsed: float
    offset: float
    """Projected end minus planned end, in seconds: positive means behind."""
    planned_end: pendulum.DateTime
    projected_end: pendulum.DateTime
    now: pendulum.DateTime
    timings: tuple[SegmentTiming, ...]
    on_stage: Segment | None
    """The segment on stage now: the current one (the last one run, once ended); before the
    start, the first one, waiting. Every face shows this one (console, pages, the chat signal)."""
    up_next: Segment | None
    """The segment after it (None after the last one and once ended)."""

    @property
    def progress(self) -> float:
        if self.segment_allowed <= 0:
            return 1.0
        return min(1.0, max(0.0, self.segment_elapsed / self.segment_allowed))


def level_for(remaining: float, segment: Segment) -> Level:
    if remaining <= 0:
        return Level.OVER
    if remaining <= segment.danger:
        return Level.DANGER
    if remaining <= segment.warn:
        return Level.WARN
    return Level.OK


def segment_elapsed(state: State, index: int, now_t: float) -> float:
    """Running seconds spent in segment ``index`` so far, the open stretch included."""
    if index >= len(state.segments):
        return 0.0
    spent = state.segments[index].spent
    if index == state.current and state.status is Status.RUNNING and state.stretch_start_t is not None:
        spent += max(0.0, now_t - state.stretch_start_t)
    return spent


def remaining_seconds(programme: Programme, state: State, now_t: float) -> float:
    """The countdown's value; cheap enough to call several times a second."""
    if state.status is Status.NOT_STARTED:
        return float(programme.segments[0].duration)
    if state.current is None or state.status is Status.ENDED:
        return 0.0
    if state.current >= len(programme.segments):
        return 0.0  # a journal of a longer programme, read without resuming it (report, timing)
    segment = programme.segments[state.current]
    allowed = segment.duration + state.segments[state.current].added
    return allowed - segment_elapsed(state, state.current, now_t)


def plan_anchor(programme: Programme, state: State, now: pendulum.DateTime) -> pendulum.DateTime:
    """Where the plan is laid: the printed start for a live run on its day, else the actual start."""
    printed = session_start(programme)
    if state.mode == "live":
        reference = parse_wall(state.started_wall) if state.started_wall else now
        if abs((reference - printed).total_seconds()) <= LIVE_ANCHOR_WINDOW:
            return printed
    if state.started_wall:
        return parse_wall(state.started_wall)
    return now


def session_now(state: State, now_t: float, now: pendulum.DateTime) -> pendulum.DateTime:
    """The wall time as the session's own clock tells it: its actual start plus monotonic time
    since. A wall clock corrected mid-session (NTP, a time-zone change) then moves neither
    the projected end nor the offset; only the clock in the header shows the jump."""
    if state.started_wall is None or state.started_t is None:
        return now
    started = parse_wall(state.started_wall)
    return started.add(microseconds=round((now_t - state.started_t) * 1_000_000))


def take_snapshot(programme: Programme, state: State, now_t: float, now: pendulum.DateTime,
                  memo: TimelineMemo | None = None) -> Snapshot:
    """``memo``: the caller's own memo of the timeline (the engine keeps one: its console asks
    once a second); without one, the timeline is laid afresh."""
    segments = programme.segments
    anchor = plan_anchor(programme, state, now)
    planned_end = anchor.add(seconds=programme.total_duration)
    remaining = remaining_seconds(programme, state, now_t)
    timings, slack = _timings(programme, state, now_t, anchor, memo or TimelineMemo())
    current = state.current if state.status is not Status.NOT_STARTED else None
    if current is not None and current >= len(segments):
        current = len(segments) - 1
    segment = segments[current] if current is not None else None
    if state.status is Status.NOT_STARTED:
        upcoming: Segment | None = segments[0]
    elif current is not None and current + 1 < len(segments) and state.status is not Status.ENDED:
        upcoming = segments[current + 1]
    else:
        upcoming = None
    if state.status is Status.NOT_STARTED:
        projected_end = max(now, anchor).add(seconds=programme.total_duration)
    elif state.status is Status.ENDED:
        projected_end = parse_wall(state.ended_wall or state.last_wall)
    else:
        left = max(0.0, remaining) + slack
        projected_end = session_now(state, now_t, now).add(microseconds=round(left * 1_000_000))
    elapsed_in = segment_elapsed(state, current, now_t) if current is not None else 0.0
    session_elapsed = 0.0
    if state.started_t is not None:
        session_elapsed = (state.ended_t if state.ended_t is not None else now_t) - state.started_t
    return Snapshot(
        status=state.status,
        current=current,
        segment=segment,
        next_segment=upcoming,
        remaining=remaining,
        level=level_for(remaining, segment) if segment and state.status is not Status.ENDED else Level.OK,
        segment_elapsed=elapsed_in,
        segment_allowed=(max(0, segment.duration + state.segments[current].added)
                         if segment and current is not None else 0),
        session_elapsed=session_elapsed,
        offset=(projected_end - planned_end).total_seconds(),
        planned_end=planned_end,
        projected_end=projected_end,
        now=now,
        timings=timings,
        on_stage=segments[0] if state.status is Status.NOT_STARTED and segments else segment,
        up_next=(segments[1] if len(segments) > 1 else None) if state.status is Status.NOT_STARTED else upcoming,
    )


@dataclass(frozen=True)
class _Laid:
    """The timeline as of one state of the session: every row but the running one's time is
    fixed until the next event (or a new anchor), so the console's second recomputes one row,
    not the whole programme (pendulum arithmetic per segment, once a second, at 300 segments)."""

    programme: Programme
    state: State
    key: tuple[object, ...]
    rows: tuple[SegmentTiming, ...]
    slack: float
    """Seconds allowed but not yet used in the segments after the current one."""


class TimelineMemo:
    """The last timeline laid, kept by its owner (one engine; never shared between threads: the
    live report's thread lays its own)."""

    def __init__(self) -> None:
        self.laid: _Laid | None = None


def _timings(programme: Programme, state: State, now_t: float, anchor: pendulum.DateTime,
             memo: TimelineMemo) -> tuple[tuple[SegmentTiming, ...], float]:
    """Every segment's timing at ``now_t``, and the slack of the segments after the current one."""
    key = (state.events, state.status, state.current, anchor, len(programme.segments))
    laid = memo.laid
    if laid is None or laid.programme is not programme or laid.state is not state or laid.key != key:
        rows = _all_timings(programme, state, now_t, anchor)
        current = state.current if state.status is not Status.ENDED else None
        slack = sum(max(0.0, t.allowed - t.actual) for t in rows if current is not None and t.index > current)
        memo.laid = laid = _Laid(programme, state, key, rows, slack)
    index = state.current
    if state.status is not Status.RUNNING or index is None or not 0 <= index < len(laid.rows):
        return laid.rows, laid.slack
    running = replace(laid.rows[index], actual=segment_elapsed(state, index, now_t))
    return (*laid.rows[:index], running, *laid.rows[index + 1:]), laid.slack


def _all_timings(programme: Programme, state: State, now_t: float,
                 anchor: pendulum.DateTime) -> tuple[SegmentTiming, ...]:
    rows = []
    cursor = anchor
    furthest = max((i for i, a in enumerate(state.segments) if a.visited), default=-1)
    for segment in programme.segments:
        index = segment.index
        actual = state.segments[index] if index < len(state.segments) else None
        if state.status is not Status.ENDED and index == state.current:
            status = SegmentStatus.CURRENT
        elif state.status is not Status.ENDED and state.current is not None and index > state.current:
            # Still ahead: going back (``p``, or a segment picked further up) does not mark the
            # segment left as done; it will run again when the session gets there.
            status = SegmentStatus.UPCOMING
        elif actual is not None and actual.visited:
            status = SegmentStatus.DONE
        elif index < furthest or state.status is Status.ENDED:
            status = SegmentStatus.SKIPPED
        else:
            status = SegmentStatus.UPCOMING
        rows.append(SegmentTiming(
            index=index,
            segment=segment,
            planned_start=cursor,
            planned=segment.duration,
            allowed=max(0, segment.duration + (actual.added if actual else 0)),
            actual=segment_elapsed(state, index, now_t),
            status=status,
            actual_start=actual.first_started_wall if actual else None,
            actual_end=actual.last_left_wall if actual else None,
        ))
        cursor = cursor.add(seconds=segment.duration)
    return tuple(rows)
