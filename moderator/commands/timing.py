"""``moderator timing``: planned against actual timing of one run, or of several side by side.

``analyse_runs`` is a pure function of loaded runs (journal + programme) and returns plain
dataclasses; ``render`` draws them with rich, ``to_json`` gives tools a stable document.

Two measures per segment:

* the *deviation*: running time spent in the segment (pauses excluded, every visit counted)
  minus its planned duration. It says how long the segment itself ran over or under.
* the *cumulative offset*: how late the session is at the end of that segment, against the
  plan laid where the snapshot lays it (the printed start for a live run on its day, so a
  late start counts from the first segment; a rehearsal's own start otherwise). It adds up
  the late start, every deviation, the pauses, and the planned time a skipped segment saved,
  so on a finished run the last value is exactly where the run ended against the planned end.

Durations come from the session axis ``t`` only, like everywhere else in the engine.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pendulum

from moderator.commands.output import deliver
from moderator.programme.durations import format_duration
from moderator.programme.plan import plan, session_start
from moderator.programme.zones import short_zone_label, zone
from moderator.session.runs import JOURNAL_SUFFIX, LoadedRun, load_run
from moderator.session.snapshot import SegmentStatus, plan_anchor, take_snapshot
from moderator.session.state import State, Status

JSON_VERSION = 1
TOP_OVERRUNS = 3
ON_TIME = 1.0
"""Deviations under a second are noise (the journal rounds ``t`` to milliseconds)."""

DONE = "done"
CURRENT = "current"
SKIPPED = "skipped"
NOT_REACHED = "not_reached"


# --------------------------------------------------------------------------- analysis


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
    actual: float
    """Running seconds spent in the segment over all its visits, pauses excluded."""
    paused: float
    visits: int
    status: str
    """``done``, ``current`` (the run stopped in it without ending), ``skipped`` (never visited
    although a later segment was), ``not_reached``."""
    deviation: float | None
    """``actual - planned``; ``None`` when the segment was skipped or not reached."""
    cumulative: float | None
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
        return self.status == SKIPPED


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
    late_start: float
    """Seconds between the anchor and the actual start (0 when the plan is laid from the start)."""
    planned_end: pendulum.DateTime
    ended: pendulum.DateTime | None
    """When the run ended, or its last event if it never did (``finished`` is then false)."""
    end_offset: float | None
    """``ended - planned_end`` in seconds: positive means late."""
    finished: bool
    segments: tuple[SegmentResult, ...]
    warnings: tuple[str, ...] = ()

    @property
    def skipped(self) -> tuple[SegmentResult, ...]:
        return tuple(s for s in self.segments if s.status == SKIPPED)

    @property
    def repeated(self) -> tuple[SegmentResult, ...]:
        return tuple(s for s in self.segments if s.repeated)

    @property
    def not_reached(self) -> tuple[SegmentResult, ...]:
        return tuple(s for s in self.segments if s.status == NOT_REACHED)

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
    actual: float
    deviation: float

    @property
    def number(self) -> int:
        return self.index + 1


@dataclass(frozen=True)
class TimingAnalysis:
    title: str
    timezone: str
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
    names = _unique(names)
    timings = tuple(_analyse_run(run, name) for run, name in zip(runs, names, strict=True))
    reference = runs[0].programme
    digests = {run.state.programme_sha256 or run.programme.sha256 for run in runs}
    counts = {len(run.programme.segments) for run in runs}
    same = len(digests) == 1 and len(counts) == 1
    notes: list[str] = []
    if not same:
        detail = ", ".join(f"{t.label}: {len(r.programme.segments)} segments"
                           for t, r in zip(timings, runs, strict=True))
        notes.append(f"the runs' programmes differ ({detail}); segments are compared by number, "
                     "titles and planned times are the first run's")
    for timing in timings:
        if not timing.anchored_on_printed_start and timing.mode == "live" and timing.started is not None:
            notes.append(f"{timing.label}: started away from the programme's day, so it is measured "
                         "from its own start")
        notes.extend(f"{timing.label}: {warning}" for warning in timing.warnings)
    return TimingAnalysis(
        title=reference.session.title,
        timezone=reference.session.timezone,
        same_programme=same,
        rows=_rows(runs),
        runs=timings,
        top_overruns=_top_overruns(timings),
        notes=tuple(notes),
    )


def _default_labels(runs: Sequence[LoadedRun]) -> list[str]:
    return [run.state.mode or "run" for run in runs]


def _unique(names: list[str]) -> list[str]:
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


def _analyse_run(run: LoadedRun, label: str) -> RunTiming:
    programme, state = run.programme, run.state
    last_wall = _parse(state.last_wall)
    snapshot = take_snapshot(programme, state, state.last_t, last_wall)
    printed = session_start(programme)
    anchor = plan_anchor(programme, state, last_wall)
    started = _parse(state.started_wall) if state.started_wall else None
    late = (started - anchor).total_seconds() if started is not None else 0.0
    results: list[SegmentResult] = []
    cumulative = late
    for timing in snapshot.timings:
        actual_record = state.segments[timing.index] if timing.index < len(state.segments) else None
        visits = actual_record.visits if actual_record else 0
        paused = _paused(state, timing.index)
        status = _status(timing.status)
        deviation: float | None = None
        reached: float | None = None
        if status in (DONE, CURRENT):
            deviation = timing.actual - timing.planned
            cumulative += timing.actual + paused - timing.planned
            reached = cumulative
        elif status == SKIPPED:
            cumulative -= timing.planned
            reached = cumulative
        results.append(SegmentResult(
            index=timing.index, kind=timing.segment.kind, title=timing.segment.title,
            planned=timing.planned, planned_start=timing.planned_start, allowed=timing.allowed,
            actual=timing.actual if status in (DONE, CURRENT) else 0.0, paused=paused, visits=visits,
            status=status, deviation=deviation, cumulative=reached,
            actual_start=timing.actual_start, actual_end=timing.actual_end,
        ))
    planned_end = anchor.add(seconds=programme.total_duration)
    ended: pendulum.DateTime | None = None
    end_offset: float | None = None
    if started is not None and state.started_t is not None:
        end_t = state.ended_t if state.ended_t is not None else state.last_t
        end_offset = late + (end_t - state.started_t) - programme.total_duration
        ended = planned_end.add(microseconds=round(end_offset * 1_000_000))
    return RunTiming(
        label=label, mode=state.mode, status=str(state.status), title=programme.session.title,
        timezone=programme.session.timezone, programme_path=programme.path,
        programme_sha256=state.programme_sha256 or programme.sha256,
        printed_start=printed, anchor=anchor, anchored_on_printed_start=state.mode == "live" and anchor == printed,
        started=started, late_start=late, planned_end=planned_end, ended=ended,
        end_offset=end_offset, finished=state.status is Status.ENDED,
        segments=tuple(results), warnings=tuple(run.warnings),
    )


def _parse(text: str) -> pendulum.DateTime:
    return pendulum.parse(text).in_timezone("UTC")  # type: ignore[union-attr]


def _paused(state: State, index: int) -> float:
    if index >= len(state.segments):
        return 0.0
    paused = state.segments[index].paused_seconds
    if index == state.current and state.status is Status.PAUSED and state.pause_start_t is not None:
        paused += max(0.0, state.last_t - state.pause_start_t)
    return paused


def _status(status: SegmentStatus) -> str:
    return {
        SegmentStatus.DONE: DONE,
        SegmentStatus.CURRENT: CURRENT,
        SegmentStatus.SKIPPED: SKIPPED,
        SegmentStatus.UPCOMING: NOT_REACHED,
    }[status]


def _top_overruns(runs: Sequence[RunTiming]) -> tuple[Overrun, ...]:
    over = [
        Overrun(run.label, s.index, s.title, s.planned, s.actual, s.deviation)
        for run in runs for s in run.segments
        if s.deviation is not None and s.deviation >= ON_TIME
    ]
    # Stable: equal overruns keep the runs' order and the segments' order.
    over.sort(key=lambda o: -o.deviation)
    return tuple(over[:TOP_OVERRUNS])


# --------------------------------------------------------------------------- JSON


def to_json(analysis: TimingAnalysis) -> dict[str, Any]:
    """A document for other tools: stable keys, durations in seconds, instants in ISO 8601 UTC."""
    return {
        "version": JSON_VERSION,
        "title": analysis.title,
        "timezone": analysis.timezone,
        "same_programme": analysis.same_programme,
        "notes": list(analysis.notes),
        "segments": [
            {"index": row.index, "number": row.number, "kind": row.kind, "title": row.title,
             "planned": row.planned, "printed_start": _iso(row.printed_start)}
            for row in analysis.rows
        ],
        "runs": [_run_json(run) for run in analysis.runs],
        "top_overruns": [
            {"run": o.run, "index": o.index, "number": o.number, "title": o.title, "planned": o.planned,
             "actual": _seconds(o.actual), "deviation": _seconds(o.deviation)}
            for o in analysis.top_overruns
        ],
    }


def _run_json(run: RunTiming) -> dict[str, Any]:
    return {
        "label": run.label,
        "mode": run.mode,
        "status": run.status,
        "finished": run.finished,
        "title": run.title,
        "programme": run.programme_path,
        "sha256": run.programme_sha256,
        "printed_start": _iso(run.printed_start),
        "anchor": _iso(run.anchor),
        "anchored_on_printed_start": run.anchored_on_printed_start,
        "started": _iso(run.started),
        "late_start": _seconds(run.late_start),
        "planned_end": _iso(run.planned_end),
        "ended": _iso(run.ended),
        "end_offset": _seconds(run.end_offset),
        "skipped": [s.index for s in run.skipped],
        "repeated": [s.index for s in run.repeated],
        "not_reached": [s.index for s in run.not_reached],
        "warnings": list(run.warnings),
        "segments": [
            {"index": s.index, "number": s.number, "kind": s.kind, "title": s.title,
             "status": s.status, "planned": s.planned, "planned_start": _iso(s.planned_start),
             "allowed": s.allowed, "actual": _seconds(s.actual), "paused": _seconds(s.paused),
             "deviation": _seconds(s.deviation), "cumulative": _seconds(s.cumulative),
             "visits": s.visits, "repeated": s.repeated, "skipped": s.skipped,
             "actual_start": _iso_text(s.actual_start), "actual_end": _iso_text(s.actual_end)}
            for s in run.segments
        ],
    }


def _iso(moment: pendulum.DateTime | None) -> str | None:
    if moment is None:
        return None
    return moment.in_timezone("UTC").isoformat().replace("+00:00", "Z")


def _iso_text(text: str | None) -> str | None:
    return _iso(_parse(text)) if text else None


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


# --------------------------------------------------------------------------- drawing


BAR_HALF = 12
"""Characters on each side of the bars' axis."""
SEGMENT_WIDTH = 36
RUN_CELL_WIDTH = 27
"""actual, dev and cum (8 + 7 + 7 and spaces) and a short mark."""


def _signed(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = round(seconds)
    if whole == 0:
        return "00:00"
    return format_duration(whole, signed=True)


def _plain(console: Any) -> bool:
    """No colour to tell over from under: the bars then draw with + and - instead."""
    return console.no_color or console.color_system is None


def render(analysis: TimingAnalysis, console: Any) -> None:
    """Draw ``analysis`` on a rich console: the comparison, the ends, the overruns, the bars."""
    from rich.table import Table
    from rich.text import Text

    plain = _plain(console)
    zone_name = analysis.timezone
    console.print(Text(analysis.title, style="bold"))
    first = analysis.runs[0]
    console.print(f"{first.printed_start.in_timezone(zone(zone_name)):%Y-%m-%d %H:%M} {zone_name} · "
                  f"{len(analysis.rows)} segments · "
                  f"{len(analysis.runs)} run{'s' if len(analysis.runs) > 1 else ''}")
    for note in analysis.notes:
        console.print(Text(f"note: {note}", style="yellow"))
    console.print()

    table = Table(title="Planned and actual, per segment", title_justify="left")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("segment", overflow="ellipsis", no_wrap=True, min_width=12, max_width=SEGMENT_WIDTH)
    table.add_column(f"printed\n{short_zone_label(zone_name)}  plan", no_wrap=True, min_width=12)
    for run in analysis.runs:
        table.add_column(f"{run.label}\n{'actual':>8} {'dev':>7} {'cum':>7}", no_wrap=True,
                         min_width=RUN_CELL_WIDTH)
    for row in analysis.rows:
        cells: list[Any] = [
            str(row.number), row.title,
            f"{row.printed_start.in_timezone(zone(zone_name)):%H:%M}  {format_duration(row.planned):>5}",
        ]
        for run in analysis.runs:
            cells.append(_run_cell(run.segment(row.index), plain, analysis.same_programme))
        table.add_row(*cells)
    console.print(table)
    console.print(Text("dev: actual - planned running time (pauses excluded);  ×N: visited N times;  ‖: paused\n"
                       "cum: how late the session is at the end of the segment (late start, pauses and "
                       "skipped segments included)", style="dim"))
    console.print()

    ends = Table(title="Where each run ended", title_justify="left")
    for name in ("run", "started", "late start", "ended", "planned end", "against plan"):
        ends.add_column(name, no_wrap=True, justify="left" if name == "run" else "right")
    for run in analysis.runs:
        ends.add_row(*_end_cells(run, zone_name, plain))
    console.print(ends)
    for run in analysis.runs:
        remarks = _remarks(run)
        if remarks:
            console.print(f"  {run.label}: " + "; ".join(remarks))
    console.print()

    if analysis.top_overruns:
        top = Table(title="Most overtime", title_justify="left")
        for name in ("", "run", "#", "segment", "planned", "actual", "over"):
            top.add_column(name, justify="right" if name in ("#", "planned", "actual", "over") else "left",
                           no_wrap=True, overflow="ellipsis", max_width=SEGMENT_WIDTH if name == "segment" else None)
        for rank, item in enumerate(analysis.top_overruns, start=1):
            top.add_row(f"{rank}.", item.run, str(item.number), item.title, format_duration(item.planned),
                        format_duration(round(item.actual)), _styled(_signed(item.deviation), item.deviation, plain))
        console.print(top)
    else:
        console.print("No segment ran over its planned time.")
    console.print()

    scale = analysis.largest_deviation
    console.print(Text(f"Deviation per segment (bars scaled to {format_duration(round(scale))}; "
                       f"{'+ over, - under' if plain else 'red over, green under'})", style="bold"))
    for run in analysis.runs:
        bars = Table(title=run.label, title_justify="left", box=None, show_header=False, pad_edge=False)
        bars.add_column(justify="right", no_wrap=True)
        bars.add_column(overflow="ellipsis", no_wrap=True, max_width=SEGMENT_WIDTH)
        bars.add_column(no_wrap=True)
        bars.add_column(justify="right", no_wrap=True)
        for segment in run.segments:
            bars.add_row(str(segment.number), segment.title, *_bar(segment, scale, plain))
        console.print(bars)


def _styled(text: str, seconds: float | None, plain: bool) -> Any:
    from rich.text import Text

    if plain or seconds is None or abs(seconds) < ON_TIME:
        return Text(text)
    return Text(text, style="red" if seconds > 0 else "green")


def _run_cell(segment: SegmentResult | None, plain: bool, same_programme: bool) -> Any:
    from rich.text import Text

    cell = Text(no_wrap=True)
    if segment is None:
        cell.append(f"{'(none)':>8}", style="dim")
        return cell
    if segment.status == NOT_REACHED:
        cell.append(f"{'—':>8}", style="dim")
        return cell
    if segment.status == SKIPPED:
        cell.append(f"{'skipped':>8} {'':>7} ")
        cell.append_text(_styled(f"{_signed(segment.cumulative):>7}", segment.cumulative, plain))
        return cell
    cell.append(f"{format_duration(round(segment.actual)):>8} ")
    cell.append_text(_styled(f"{_signed(segment.deviation):>7}", segment.deviation, plain))
    cell.append(" ")
    cell.append_text(_styled(f"{_signed(segment.cumulative):>7}", segment.cumulative, plain))
    marks = []
    if segment.repeated:
        marks.append(f"×{segment.visits}")
    if segment.paused >= ON_TIME:
        marks.append("‖")
    if segment.status == CURRENT:
        marks.append("(open)")
    if not same_programme:
        marks.append(f"/{format_duration(segment.planned)}")
    if marks:
        cell.append(" " + " ".join(marks), style="yellow" if not plain else "")
    return cell


def _end_cells(run: RunTiming, zone_name: str, plain: bool) -> list[Any]:
    def when(moment: pendulum.DateTime | None) -> str:
        if moment is None:
            return "—"
        local = moment.in_timezone(zone(zone_name))
        if local.date() != run.printed_start.in_timezone(zone(zone_name)).date():
            return f"{local:%d %b %H:%M:%S}"
        return f"{local:%H:%M:%S}"

    late = _signed(run.late_start) if run.started is not None else "—"
    against = "—"
    if run.end_offset is not None:
        word = "late" if run.end_offset >= ON_TIME else "early" if run.end_offset <= -ON_TIME else "on time"
        against = f"{_signed(run.end_offset)} {word}" if word != "on time" else "on time"
    return [
        run.label, when(run.started), _styled(late, run.late_start, plain), when(run.ended),
        when(run.planned_end), _styled(against, run.end_offset, plain),
    ]


def _remarks(run: RunTiming) -> list[str]:
    remarks: list[str] = []
    if run.started is None:
        remarks.append("never started")
    elif not run.finished:
        remarks.append("not ended: measured to its last event")
    if run.mode != "live" or not run.anchored_on_printed_start:
        remarks.append(f"{run.mode}: plan laid from its own start")
    visited = [s.number for s in run.segments if s.visits]
    if run.finished and visited and visited[-1] < len(run.segments):
        remarks.append(f"ended after segment {visited[-1]} of {len(run.segments)}")
    if run.skipped:
        remarks.append("skipped " + _numbers(run.skipped))
    if run.repeated:
        remarks.append("repeated " + _numbers(run.repeated))
    if run.not_reached and run.started is not None:
        remarks.append("not reached " + _numbers(run.not_reached))
    return remarks


def _numbers(segments: Sequence[SegmentResult]) -> str:
    return ", ".join(str(s.number) for s in segments)


def _bar(segment: SegmentResult, scale: float, plain: bool) -> list[Any]:
    from rich.text import Text

    axis = "|" if plain else "│"
    if segment.deviation is None:
        label = {SKIPPED: "skipped", NOT_REACHED: "not reached"}.get(segment.status, "")
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


# --------------------------------------------------------------------------- command


def journal_label(path: Path) -> str:
    """``reports/.../rehearsal-20211004-153000.journal.jsonl`` -> ``rehearsal-20211004-153000``."""
    name = path.name
    return name[: -len(JOURNAL_SUFFIX)] if name.endswith(JOURNAL_SUFFIX) else path.stem


def run_timing(journals: list[Path], as_json: bool = False, *, console: Any = None) -> int:
    """Load every journal (a missing or broken one is a ``ModeratorError``: exit status 2)."""
    runs = [load_run(path) for path in journals]
    analysis = analyse_runs(runs, [journal_label(path) for path in journals])
    if as_json:
        for note in analysis.notes:
            print(f"moderator: note: {note}", file=sys.stderr)
        document = to_json(analysis)
        document["runs"] = [{"label": entry.pop("label"), "journal": str(path), **entry}
                            for entry, path in zip(document["runs"], journals, strict=True)]
        deliver(json.dumps(document, ensure_ascii=False, indent=2) + "\n", None)
        return 0
    if console is None:
        from rich.console import Console

        console = Console(highlight=False)
        if not console.is_terminal:
            # A file or a pipe: keep the side-by-side columns whole rather than squeezed into 80.
            console.width = max(console.width, 70 + (RUN_CELL_WIDTH + 3) * len(analysis.runs))
    render(analysis, console)
    console.file.flush()
    return 0
