"""Planned against actual timing of one run, or of several side by side: the analysis.

``analyse_runs`` is a pure function of loaded runs (journal + programme) and returns plain
dataclasses; ``moderator timing`` draws them (``moderator.commands.timing``) or encodes them
for other tools (``moderator.commands.timing_json``).

Two measures per segment:

* the *deviation*: running time spent in the segment (pauses excluded, every visit counted)
  minus its planned duration. It says how long the segment itself ran over or under.
* the *cumulative offset*: how late the session is at the end of that segment, against the
  plan laid where the snapshot lays it (the printed start for a live run on its day, so a
  late start counts from the first segment; a rehearsal's own start otherwise). It adds up
  the late start, every deviation, the pauses, and the planned time a skipped segment saved,
  so on a finished run the last value is exactly where the run ended against the planned end.

A segment's status is the snapshot's ``SegmentStatus``; at the end of a run, ``UPCOMING``
means the run never reached it. Durations come from the session axis ``t`` only, like
everywhere else in the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pendulum

from moderator.problems import Words
from moderator.programme.durations import whole_seconds
from moderator.programme.model import Programme
from moderator.programme.plan import plan, session_start
from moderator.session.clock import parse_wall
from moderator.session.runs import LoadedRun
from moderator.session.snapshot import SegmentStatus, plan_anchor, take_snapshot
from moderator.session.state import State, Status

TOP_OVERRUNS = 3
ON_TIME = 1.0
"""Deviations under a second are noise (the journal rounds ``t`` to milliseconds)."""
RAN = (SegmentStatus.DONE, SegmentStatus.CURRENT)
"""The statuses of a segment the run spent time in."""


@dataclass(frozen=True)
class SegmentResult:
    """One planned segment in one run."""

    index: int
    kind: str
    title: str
    planned: int
    """Planned duration, seconds."""
    planned_start: pendulum.DateTime
    """Where this run's plan put the segment's start (UTC)."""
    allowed: int
    """Planned plus the time the moderator added or removed with + and -."""
    actual: int
    """Running seconds spent in the segment over all its visits, pauses excluded (``whole_seconds``)."""
    paused: int
    visits: int
    status: SegmentStatus
    """``DONE``, ``CURRENT`` (the run stopped in it without ending), ``SKIPPED`` (never visited
    although a later segment was) or ``UPCOMING`` (the run never reached it)."""
    deviation: int | None
    """``actual - planned``; ``None`` when the segment was skipped or not reached."""
    cumulative: int | None
    """How late the session was at the end of this segment; ``None`` when not reached."""
    actual_start: str | None
    actual_end: str | None

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def repeated(self) -> bool:
        return self.visits > 1

    @property
    def skipped(self) -> bool:
        return self.status is SegmentStatus.SKIPPED


@dataclass(frozen=True)
class RunTiming:
    """One journal's run against its plan."""

    label: str
    mode: str
    status: str
    """The run's state: ``not_started``, ``running``, ``paused`` or ``ended``."""
    title: str
    timezone: str
    programme_path: str
    programme_sha256: str
    printed_start: pendulum.DateTime
    anchor: pendulum.DateTime
    """Where the plan is laid (UTC): the printed start, or the run's own start."""
    anchored_on_printed_start: bool
    started: pendulum.DateTime | None
    late_start: int
    """Seconds between the anchor and the actual start (0 when the plan is laid from the start)."""
    planned_end: pendulum.DateTime
    ended: pendulum.DateTime | None
    """When the run ended, or its last event if it never did (``finished`` is then false)."""
    end_offset: int | None
    """Where a finished run ended against its planned end, in seconds (positive: late): the sum of
    the late start, every deviation, the pauses and the skipped segments' saved time. ``None``
    for a run that never ended."""
    finished: bool
    segments: tuple[SegmentResult, ...]
    warnings: tuple[str, ...] = ()

    @property
    def skipped(self) -> tuple[SegmentResult, ...]:
        return tuple(s for s in self.segments if s.status is SegmentStatus.SKIPPED)

    @property
    def stopped_in(self) -> SegmentResult | None:
        """The segment an unfinished run stopped in."""
        return next((s for s in self.segments if s.status is SegmentStatus.CURRENT), None)

    @property
    def repeated(self) -> tuple[SegmentResult, ...]:
        return tuple(s for s in self.segments if s.repeated)

    @property
    def not_reached(self) -> tuple[SegmentResult, ...]:
        return tuple(s for s in self.segments if s.status is SegmentStatus.UPCOMING)

    def segment(self, index: int) -> SegmentResult | None:
        return self.segments[index] if 0 <= index < len(self.segments) else None


@dataclass(frozen=True)
class PlannedRow:
    """A row of the comparison: a segment number and what the (first) programme prints for it."""

    index: int
    kind: str
    title: str
    planned: int
    printed_start: pendulum.DateTime

    @property
    def number(self) -> int:
        return self.index + 1


@dataclass(frozen=True)
class Overrun:
    run: str
    index: int
    title: str
    planned: int
    actual: int
    deviation: int

    @property
    def number(self) -> int:
        return self.index + 1


@dataclass(frozen=True)
class TimingAnalysis:
    title: str
    timezone: str
    language: str
    same_programme: bool
    rows: tuple[PlannedRow, ...]
    runs: tuple[RunTiming, ...]
    top_overruns: tuple[Overrun, ...]
    notes: tuple[str, ...] = ()

    @property
    def largest_deviation(self) -> float:
        """The largest absolute deviation of any segment of any run (the bars' scale)."""
        return max((abs(s.deviation) for r in self.runs for s in r.segments if s.deviation is not None),
                   default=0.0)


def analyse_runs(runs: Sequence[LoadedRun], labels: Sequence[str] | None = None) -> TimingAnalysis:
    """Compare one or several runs with their plans; ``labels`` name the runs (journal names)."""
    if not runs:
        raise ValueError("analyse_runs needs at least one run")
    names = list(labels) if labels is not None else _default_labels(runs)
    if len(names) != len(runs):
        raise ValueError("one label per run")
    names = unique_labels(names)
    timings = tuple(_analyse_run(run, name) for run, name in zip(runs, names, strict=True))
    reference = runs[0].programme
    digests = {run.state.programme_sha256 or run.programme.sha256 for run in runs}
    counts = {len(run.programme.segments) for run in runs}
    same = len(digests) == 1 and len(counts) == 1
    notes: list[str] = []  # ``Words``: said in the session's language by the face that prints them
    if not same:
        detail = ", ".join(f"{t.label}: {len(r.programme.segments)}" for t, r in zip(timings, runs, strict=True))
        notes.append(Words("the runs' programmes differ (segments: {detail}); segments are compared by number, "
                           "titles and planned times are the first run's", detail=detail))
    for timing in timings:
        if not timing.anchored_on_printed_start and timing.mode == "live" and timing.started is not None:
            notes.append(Words("{run}: started away from the programme's day, so it is measured from its own start",
                               run=timing.label))
        notes.extend(Words("{run}: {warning}", run=timing.label, warning=warning)  # the journal's own words
                     for warning in timing.warnings)
    return TimingAnalysis(
        title=reference.session.title,
        timezone=reference.session.timezone,
        language=reference.session.language,
        same_programme=same,
        rows=_rows(runs),
        runs=timings,
        top_overruns=_top_overruns(timings),
        notes=tuple(notes),
    )


def programme_key(run: LoadedRun) -> tuple[str, int]:
    """What makes two runs comparable segment by segment: the same programme text (its digest at
    the time of the run) and the same number of segments."""
    return (run.state.programme_sha256 or run.programme.sha256, len(run.programme.segments))


def analyse_by_programme(runs: Sequence[LoadedRun], labels: Sequence[str] | None = None) -> tuple[TimingAnalysis, ...]:
    """One analysis per programme, in the order each first appears: runs of different programmes
    are never compared segment by segment (their segment 3 need not be the same thing)."""
    names = unique_labels(list(labels) if labels is not None else _default_labels(runs))
    groups: dict[tuple[str, int], list[int]] = {}
    for position, run in enumerate(runs):
        groups.setdefault(programme_key(run), []).append(position)
    return tuple(analyse_runs([runs[i] for i in members], [names[i] for i in members])
                 for members in groups.values())


def _default_labels(runs: Sequence[LoadedRun]) -> list[str]:
    return [run.state.mode or "run" for run in runs]


def unique_labels(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return result


def _rows(runs: Sequence[LoadedRun]) -> tuple[PlannedRow, ...]:
    rows: list[PlannedRow] = []
    count = max(len(run.programme.segments) for run in runs)
    plans = [plan(run.programme) for run in runs]
    for index in range(count):
        item = next(p[index] for p in plans if index < len(p))
        segment = item.segment
        rows.append(PlannedRow(index, segment.kind, segment.title, segment.duration, item.start))
    return tuple(rows)


def end_of_run(programme: Programme, state: State) -> tuple[pendulum.DateTime | None, int | None]:
    """When a run ended (its last event, if it never did) and, if it ended, how late against its planned
    end in seconds, exactly as ``moderator timing`` says them: the report prints the same figures."""
    timing = _analyse_run(LoadedRun(programme, state, [], []), "")
    return timing.ended, timing.end_offset


def _analyse_run(run: LoadedRun, label: str) -> RunTiming:
    programme, state = run.programme, run.state
    last_wall = parse_wall(state.last_wall)
    snapshot = take_snapshot(programme, state, state.last_t, last_wall)
    printed = session_start(programme)
    anchor = plan_anchor(programme, state, last_wall)
    started = parse_wall(state.started_wall) if state.started_wall else None
    late = whole_seconds((started - anchor).total_seconds()) if started is not None else 0
    results: list[SegmentResult] = []
    cumulative = late
    for timing in snapshot.timings:
        actual_record = state.segments[timing.index] if timing.index < len(state.segments) else None
        visits = actual_record.visits if actual_record else 0
        paused = whole_seconds(_paused(state, timing.index))
        status = timing.status
        actual = whole_seconds(timing.actual) if status in RAN else 0
        deviation: int | None = None
        reached: int | None = None
        if status in RAN:
            deviation = actual - timing.planned
            cumulative += deviation + paused
            reached = cumulative
        elif status is SegmentStatus.SKIPPED:
            cumulative -= timing.planned
            reached = cumulative
        results.append(SegmentResult(
            index=timing.index, kind=timing.segment.kind, title=timing.segment.title,
            planned=timing.planned, planned_start=timing.planned_start, allowed=timing.allowed,
            actual=actual, paused=paused, visits=visits,
            status=status, deviation=deviation, cumulative=reached,
            actual_start=timing.actual_start, actual_end=timing.actual_end,
        ))
    planned_end = anchor.add(seconds=programme.total_duration)
    ended: pendulum.DateTime | None = None
    end_offset: int | None = None
    if started is not None and state.started_t is not None:
        end_t = state.ended_t if state.ended_t is not None else state.last_t
        ended = started.add(microseconds=round((end_t - state.started_t) * 1_000_000))
        # The sum of the rounded pieces (late start, every segment, pauses, skips): the table adds up.
        # An unfinished run has no end to measure: how late it was at its last event is its cumulative.
        end_offset = cumulative if state.status is Status.ENDED else None
    return RunTiming(
        label=label, mode=state.mode, status=str(state.status), title=programme.session.title,
        timezone=programme.session.timezone, programme_path=programme.path,
        programme_sha256=state.programme_sha256 or programme.sha256,
        printed_start=printed, anchor=anchor, anchored_on_printed_start=state.mode == "live" and anchor == printed,
        started=started, late_start=late, planned_end=planned_end, ended=ended,
        end_offset=end_offset, finished=state.status is Status.ENDED,
        segments=tuple(results), warnings=tuple(run.warnings),
    )



def _paused(state: State, index: int) -> float:
    if index >= len(state.segments):
        return 0.0
    paused = state.segments[index].paused_seconds
    if index == state.current and state.status is Status.PAUSED and state.pause_start_t is not None:
        paused += max(0.0, state.last_t - state.pause_start_t)
    return paused



def _top_overruns(runs: Sequence[RunTiming]) -> tuple[Overrun, ...]:
    over = [
        Overrun(run.label, s.index, s.title, s.planned, s.actual, s.deviation)
        for run in runs for s in run.segments
        if s.deviation is not None and s.deviation >= ON_TIME
    ]
    # Stable: equal overruns keep the runs' order and the segments' order.
    over.sort(key=lambda o: -o.deviation)
    return tuple(over[:TOP_OVERRUNS])
