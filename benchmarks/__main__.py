"""``python -m benchmarks``: the project's goals, measured on this machine (issue #7).

Every figure is a median of several runs; where it has a baseline, the baseline is measured
in the same run and the ratio is what the goal is about. The table goes to stdout, progress
to stderr; ``--json FILE`` keeps the figures (figure name -> value, unit, baseline, ratio,
goal, met, runs, note); ``--quick`` is a smoke run of under a minute (fewer and shorter runs:
its figures are rougher, its CPU share one 10-second round).

Sections (``--only first_frame,cpu,...`` runs some of them): first_frame, cpu, note_fsync,
enter_note, report, check, replay, memory.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.harness import Figure, Timer, log, machine, output_console, table, write_json


@dataclass(frozen=True)
class Sizes:
    frame_runs: int
    cpu_seconds: float
    cpu_rounds: int
    fsync_runs: int
    fsync_samples: int
    enter_runs: int
    enter_samples: int
    render_repeats: int
    check_runs: int
    replay_repeats: int
    memory_runs: int


FULL = Sizes(frame_runs=7, cpu_seconds=60, cpu_rounds=5, fsync_runs=5, fsync_samples=500, enter_runs=5,
             enter_samples=200, render_repeats=7, check_runs=7, replay_repeats=7, memory_runs=5)
QUICK = Sizes(frame_runs=3, cpu_seconds=10, cpu_rounds=1, fsync_runs=3, fsync_samples=100, enter_runs=1,
              enter_samples=40, render_repeats=5, check_runs=3, replay_repeats=5, memory_runs=3)
SECTIONS = ("first_frame", "cpu", "note_fsync", "enter_note", "report", "check", "replay", "memory")
NOTES = 5000


def first_frame(sizes: Sizes, _: Path) -> list[Figure]:
    from benchmarks.bench_console import measure_first_frame

    result = measure_first_frame(sizes.frame_runs)
    return [
        Figure("first_frame", "First full frame, demo, pty 120x40", result["console_ms"], "ms",
               baseline=result["bare_ms"], baseline_label="bare Textual app", ratio=result["ratio"],
               goal_max=1.3, goal_on="ratio", runs=sizes.frame_runs,
               note="spawn -> first paint of the whole screen (title line to last line) written"),
        Figure("first_frame_settled", "… with the footer's keys", result["console_settled_ms"], "ms",
               baseline=result["bare_settled_ms"], baseline_label="bare Textual app",
               ratio=result["settled_ratio"], runs=sizes.frame_runs,
               note="spawn -> the footer's keys written (Textual fills them in a moment later)"),
    ]


def cpu(sizes: Sizes, _: Path) -> list[Figure]:
    from benchmarks.bench_console import measure_cpu_share

    result = measure_cpu_share(sizes.cpu_seconds, sizes.cpu_rounds)
    seconds = f"{sizes.cpu_seconds:g} s"
    return [
        Figure("cpu_share", f"CPU, timer running, {seconds}", result["console_percent"], "% core",
               baseline=result["bare_percent"], baseline_label="bare app idle", ratio=result["ratio"],
               goal_max=1.5, goal_on="ratio", runs=sizes.cpu_rounds,
               note=f"console writes {result['console_bytes_per_s']:.0f} B/s to the terminal"),
        Figure("cpu_share_vs_ticking", f"CPU, timer running, {seconds}", result["console_percent"], "% core",
               baseline=result["ticking_percent"], baseline_label="bare app ticking 4 Hz, digits 1 Hz",
               ratio=result["ratio_ticking"], runs=sizes.cpu_rounds,
               note="the floor of any countdown drawn in Textual"),
    ]


def note_fsync(sizes: Sizes, _: Path) -> list[Figure]:
    from benchmarks.bench_journal import NOTE_TARGET_P99_MS, measure_note_durability
    from benchmarks.harness import median

    figures: dict[int, dict[str, float]] = {}
    for before in (0, NOTES):
        runs = [measure_note_durability(before, sizes.fsync_samples) for _ in range(sizes.fsync_runs)]
        figures[before] = {key: median([r[key] for r in runs]) for key in ("p50_ms", "p99_ms")}
    note = f"add_note called -> returned (fsync'd); {sizes.fsync_samples} notes a run, median of runs"
    empty, full = figures[0], figures[NOTES]
    return [
        Figure("note_fsync_p50_0", "Note fsync'd, p50, 0 notes before", empty["p50_ms"], "ms",
               runs=sizes.fsync_runs, note=note),
        Figure("note_fsync_p99_0", "Note fsync'd, p99, 0 notes before", empty["p99_ms"], "ms",
               runs=sizes.fsync_runs, note=note),
        Figure("note_fsync_p50_5000", "Note fsync'd, p50, 5,000 notes before", full["p50_ms"], "ms",
               baseline=empty["p50_ms"], baseline_label="0 notes", ratio=full["p50_ms"] / empty["p50_ms"],
               runs=sizes.fsync_runs, note=note),
        Figure("note_fsync_p99_5000", "Note fsync'd, p99, 5,000 notes before", full["p99_ms"], "ms",
               baseline=empty["p99_ms"], baseline_label="0 notes", ratio=full["p99_ms"] / empty["p99_ms"],
               goal_max=NOTE_TARGET_P99_MS, runs=sizes.fsync_runs, note=note),
    ]


def enter_note(sizes: Sizes, scratch: Path) -> list[Figure]:
    from benchmarks.bench_console import measure_enter_to_note

    result = measure_enter_to_note(NOTES, sizes.enter_samples, sizes.enter_runs, prepared=_noted_run(scratch))
    note = (f"Enter sent -> line in the notes log; headless, live report on; {sizes.enter_samples} notes a run, "
            "median of runs")
    return [
        Figure("enter_to_note_p50_5000", "Enter -> note on screen, p50, 5,000 notes", result["p50_ms"], "ms",
               runs=sizes.enter_runs, note=note),
        Figure("enter_to_note_p99_5000", "Enter -> note on screen, p99, 5,000 notes", result["p99_ms"], "ms",
               goal_max=50, runs=sizes.enter_runs, note=note),
    ]


def report(sizes: Sizes, _: Path) -> list[Figure]:
    from benchmarks.bench_report import TARGET_MS, measure_render

    result = measure_render(2000, sizes.render_repeats)
    return [Figure("report_render_2000", "Report render (md), 2,000 notes", result["median_ms"], "ms",
                   goal_max=TARGET_MS, runs=sizes.render_repeats, note=f"{result['bytes']:,} bytes")]


def check(sizes: Sizes, _: Path) -> list[Figure]:
    from benchmarks.bench_cli import measure_check

    result = measure_check(300, sizes.check_runs)
    return [Figure("check_300", "moderator check, 300 segments", result["check_ms"], "ms",
                   baseline=result["import_ms"], baseline_label="python -c 'import moderator'",
                   ratio=result["ratio"], runs=sizes.check_runs,
                   note=f"its imports alone take {result['check_imports_ms']:.0f} ms")]


def replay(sizes: Sizes, _: Path) -> list[Figure]:
    from benchmarks.bench_journal import REPLAY_TARGET_MS, measure_replay

    result = measure_replay(10_000, sizes.replay_repeats)
    return [Figure("replay_10000", "Replay, 10,000 events (read + rebuild)", result["median_ms"], "ms",
                   goal_max=REPLAY_TARGET_MS, runs=sizes.replay_repeats)]


def memory(sizes: Sizes, scratch: Path) -> list[Figure]:
    from benchmarks.bench_memory import measure_peak_memory

    result = measure_peak_memory(NOTES, sizes.memory_runs, prepared=_noted_run(scratch))
    return [Figure("peak_memory_5000", "Peak memory, console with 5,000 notes", result["console_mib"], "MiB",
                   baseline=result["bare_mib"], baseline_label="bare app", ratio=result["ratio"],
                   runs=sizes.memory_runs, note=result["how"])]


def _noted_run(scratch: Path) -> Path:
    """One live run holding 5,000 notes, built once and copied by each measurement that resumes it."""
    from benchmarks.bench_console import build_noted_run

    prepared = scratch / "noted-run"
    if not prepared.exists():
        log(f"adding {NOTES:,} notes through the engine (each fsync'd) ...")
        build_noted_run(prepared, NOTES)
    return prepared


RUNNERS = {
    "first_frame": first_frame, "cpu": cpu, "note_fsync": note_fsync, "enter_note": enter_note,
    "report": report, "check": check, "replay": replay, "memory": memory,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer, shorter runs (under a minute)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures as JSON too")
    parser.add_argument("--only", metavar="SECTIONS", help=f"comma-separated, of: {', '.join(SECTIONS)}")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    wanted = SECTIONS if not args.only else tuple(s.strip() for s in args.only.split(",") if s.strip())
    unknown = [s for s in wanted if s not in RUNNERS]
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)} (use {', '.join(SECTIONS)})")
    figures: list[Figure] = []
    total = Timer()
    with tempfile.TemporaryDirectory(prefix="moderator-bench-") as scratch:
        for section in wanted:
            timer = Timer()
            log(f"{section} ...")
            figures.extend(RUNNERS[section](sizes, Path(scratch)))
            log(f"{section} done in {timer.seconds():.0f} s")
    about = machine()
    console = output_console()
    console.print(table(figures, title=f"moderator benchmarks{' (quick)' if args.quick else ''}"))
    console.print(f"{about['cpus']} × {about['cpu']}, Python {about['python']}, {about['system']}, {about['date']}; "
                  f"{total.seconds():.0f} s in all", highlight=False)
    if args.json:
        write_json(figures, args.json)
        console.print(f"figures written to {args.json}", highlight=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
