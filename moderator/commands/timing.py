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
from moderator.programme.durations import format_duration
from moderator.programme.zones import short_zone_label, zone
from moderator.report.timing import ON_TIME, RunTiming, SegmentResult, TimingAnalysis, analyse_runs
from moderator.session.runs import JOURNAL_SUFFIX, load_run
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
    if segment.status is SegmentStatus.UPCOMING:
        cell.append(f"{'—':>8}", style="dim")
        return cell
    if segment.status is SegmentStatus.SKIPPED:
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
    if segment.status is SegmentStatus.CURRENT:
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
        label = {SegmentStatus.SKIPPED: "skipped", SegmentStatus.UPCOMING: "not reached"}.get(segment.status, "")
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
               programme: Path | None = None) -> int:
    """Load every journal (a missing or broken one is a ``ModeratorError``: exit status 2);
    ``programme`` overrides the programme each journal names."""
    runs = [load_run(path, programme) for path in journals]
    analysis = analyse_runs(runs, [journal_label(path) for path in journals])
    if as_json:
        for note in analysis.notes:
            print(visible(f"moderator: note: {note}"), file=sys.stderr)
        document = to_json(analysis)
        document["runs"] = [{"label": entry.pop("label"), "journal": str(path), **entry}
                            for entry, path in zip(document["runs"], journals, strict=True)]
        deliver(json_safe(json.dumps(document, ensure_ascii=False, indent=2) + "\n"), None)
        return 0
    if console is None:
        console = terminal_console()
        if not console.is_terminal:
            # A file or a pipe: keep the side-by-side columns whole rather than squeezed into 80.
            console.width = max(console.width, 70 + (RUN_CELL_WIDTH + 3) * len(analysis.runs))
    render(analysis, console)
    console.file.flush()
    return 0
