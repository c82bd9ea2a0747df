"""``python -m benchmarks``: the project's goals, measured on this machine (issue #7).

Every figure is a median of several runs; where it has a baseline, the baseline is measured
in the same run and the ratio is what the goal is about. The table goes to stdout, progress
to stderr; ``--json FILE`` keeps the figures (figure name -> value, unit, baseline, ratio,
goal, met, runs, note); ``--quick`` runs every section with few and short samples (two to three
minutes; CI runs it): its figures are rougher, its CPU share one 8-second round. A section that
raises is reported by name and the run exits 1, after the other sections have run.

Sections (``--only first_frame,second,...`` runs some of them): first_frame, space, second,
echo, first_frame_journal, note_fsync, enter_note, report, check, replay, memory, and one more per
network benchmark found.

Benchmarks plug in: any module ``benchmarks/bench_<name>.py`` that defines ``SECTION`` (its
name here) and ``run(quick: bool, scratch: Path) -> list[Figure]`` is found and run after the
others, in the order of the modules' names, its figures in the same table (the stage view's
update p99 and 200 viewers' CPU and memory, a remote seat's note ack p99 and catch-up time, the
host's event-loop lag under load...). Nothing else to register: add the module. ``quick`` asks
for a few seconds' worth (CI runs it); ``scratch`` is a temporary folder shared by the run.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import tempfile
import traceback
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from benchmarks.harness import Figure, Timer, load_average, log, machine, output_console, table, write_json


@dataclass(frozen=True)
class Sizes:
    quick: bool
    frame_runs: int
    cpu_seconds: float
    cpu_rounds: int
    echo_samples: int
    echo_runs: int
    fsync_runs: int
    fsync_samples: int
    enter_runs: int
    enter_samples: int
    render_repeats: int
    check_runs: int
    replay_repeats: int
    memory_runs: int
    space_presses: int = 60
    space_runs: int = 3


FULL = Sizes(quick=False, frame_runs=7, cpu_seconds=30, cpu_rounds=3, echo_samples=60, echo_runs=2,
             fsync_runs=5, fsync_samples=500, enter_runs=1, enter_samples=40, render_repeats=7, check_runs=7,
             replay_repeats=7, memory_runs=3)
QUICK = Sizes(quick=True, frame_runs=2, cpu_seconds=8, cpu_rounds=1, echo_samples=8, echo_runs=1,
              fsync_runs=2, fsync_samples=100, enter_runs=1, enter_samples=10, render_repeats=3, check_runs=2,
              replay_repeats=3, memory_runs=1, space_presses=16, space_runs=1)
"""Every section, each as short as still measures something (about two to three minutes on a
loaded machine: CI runs it so that a broken section fails there; its figures are rough)."""
NOTES = 20_000
"""A long day's session, far beyond the seeds: what a note must cost no more at than at the first."""


def first_frame(sizes: Sizes, _: Path) -> list[Figure]:
    from benchmarks.bench_console import measure_first_frame

    result = measure_first_frame(sizes.frame_runs)
    return [
        Figure("first_frame", "First full frame, demo, pty 120x40", result["console_ms"], "ms",
               baseline=result["floor_ms"], baseline_label="floor", ratio=result["floor_ratio"],
               goal_max=GOAL_FIRST_FRAME, goal_on="ratio", runs=sizes.frame_runs,
               peer=result["bare_ms"], peer_label="bare Textual app", peer_ratio=result["ratio"],
               note="spawn -> first paint of the whole screen (title line to last line) written; "
                    "floor: one Digits"),
        Figure("first_frame_settled", "… with the footer's keys", result["console_settled_ms"], "ms",
               baseline=result["bare_settled_ms"], baseline_label="bare Textual app",
               ratio=result["settled_ratio"], runs=sizes.frame_runs,
               note="spawn -> the footer's keys written (Textual fills them in a moment later)"),
    ]


GOAL_FIRST_FRAME = 1.5
"""The console's first frame against the floor's (issue 27)."""
GOAL_CPU = 1.5
"""A second's CPU against the floor's (issue 27)."""
GOAL_BYTES = 1.5
"""A second's bytes to the terminal against termdown's (issue 27)."""
_STATES = {"console": "demo", "overtime": "demo in overtime", "long": "300 segments"}


def second(sizes: Sizes, _: Path) -> list[Figure]:
    """What a second costs with the timer running, against the floor and termdown, every screen."""
    from benchmarks.bench_terminal import SCREENS, measure_cost_of_a_second

    result = measure_cost_of_a_second(sizes.cpu_seconds, sizes.cpu_rounds)["figures"]
    figures = []
    for subject, state in _STATES.items():
        for screen in SCREENS:
            entry = result[(subject, screen.label)]
            floor = result[("floor", screen.label)]
            termdown = result.get(("termdown", screen.label))
            for metric, unit, goal, goal_on, what in (("cpu_percent", "% core", GOAL_CPU, "ratio", "CPU"),
                                                      ("bytes_per_s", "B/s", GOAL_BYTES, "peer_ratio", "Bytes/s")):
                figures.append(Figure(
                    f"second_{subject}_{metric}_{screen.columns}x{screen.rows}_{'tc' if screen.truecolor else '256'}",
                    f"{what}, {state}, {screen.label}", entry[metric], unit,
                    baseline=floor[metric], baseline_label="floor", ratio=entry[f"{metric}_ratio_floor"],
                    goal_max=goal, goal_on=goal_on, runs=sizes.cpu_rounds,
                    peer=None if termdown is None else termdown[metric], peer_label="termdown 10m",
                    peer_ratio=entry.get(f"{metric}_ratio_termdown"),
                    note=f"{sizes.cpu_seconds:g} s a round, timer running; floor: one Digits set once a second"))
    return figures


def echo(sizes: Sizes, scratch: Path) -> list[Figure]:
    from benchmarks.bench_terminal import measure_echo

    figures = []
    empty = measure_echo(0, sizes.echo_samples, sizes.echo_runs)
    full = measure_echo(NOTES, sizes.echo_samples, sizes.echo_runs, prepared=_noted_run(scratch))
    note = (f"Enter sent in a pty (120x40 truecolour) -> the note's line written to it; {sizes.echo_samples} "
            "notes a run, a typist's pause before each Enter, live report on")
    for result, label in ((empty, "0 notes"), (full, f"{NOTES:,} notes")):
        figures.append(Figure(f"echo_p50_{result['notes']}", f"Enter -> echo in a pty, p50, {label}",
                              result["p50_ms"], "ms", runs=sizes.echo_runs, note=note))
        figures.append(Figure(f"echo_p99_{result['notes']}", f"Enter -> echo in a pty, p99, {label}",
                              result["p99_ms"], "ms", goal_max=50, runs=sizes.echo_runs, note=note,
                              baseline=None if result is empty else empty["p99_ms"], baseline_label="0 notes",
                              ratio=None if result is empty else full["p99_ms"] / empty["p99_ms"]))
    figures.append(Figure(f"report_lag_{NOTES}", f"Report holds the last note, {NOTES:,} notes",
                          full["report_lag_ms"], "ms", goal_max=2000, runs=sizes.echo_runs,
                          note="from the last Enter until the report file holds that note"))
    return figures


def first_frame_journal(sizes: Sizes, scratch: Path) -> list[Figure]:
    from benchmarks.bench_terminal import measure_first_frame_with_journal

    result = measure_first_frame_with_journal(NOTES, sizes.frame_runs, prepared=_noted_run(scratch))
    return [Figure(f"first_frame_{NOTES}", f"First full frame, resuming {NOTES:,} notes", result["full_ms"], "ms",
                   baseline=result["empty_ms"], baseline_label="empty journal", ratio=result["ratio"],
                   goal_max=1.2, goal_on="ratio", runs=sizes.frame_runs,
                   note="moderator run in a pty 120x40: spawn -> first paint of the whole screen")]


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
        Figure(f"note_fsync_p50_{NOTES}", f"Note fsync'd, p50, {NOTES:,} notes before", full["p50_ms"], "ms",
               baseline=empty["p50_ms"], baseline_label="0 notes", ratio=full["p50_ms"] / empty["p50_ms"],
               runs=sizes.fsync_runs, note=note),
        Figure(f"note_fsync_p99_{NOTES}", f"Note fsync'd, p99, {NOTES:,} notes before", full["p99_ms"], "ms",
               baseline=empty["p99_ms"], baseline_label="0 notes", ratio=full["p99_ms"] / empty["p99_ms"],
               goal_max=NOTE_TARGET_P99_MS, runs=sizes.fsync_runs, note=note),
    ]


def enter_note(sizes: Sizes, scratch: Path) -> list[Figure]:
    from benchmarks.bench_console import measure_enter_to_note

    result = measure_enter_to_note(NOTES, sizes.enter_samples, sizes.enter_runs, prepared=_noted_run(scratch),
                                  warmup=1 if sizes.quick else 5)
    note = (f"Enter sent -> line in the notes log; headless, live report on; {sizes.enter_samples} notes a run, "
            "median of runs")
    return [
        Figure(f"enter_to_note_p50_{NOTES}", f"Enter -> note in the log, headless, p50, {NOTES:,} notes",
               result["p50_ms"], "ms", runs=sizes.enter_runs, note=note),
        Figure(f"enter_to_note_p99_{NOTES}", f"Enter -> note in the log, headless, p99, {NOTES:,} notes",
               result["p99_ms"], "ms",
               goal_max=50, runs=sizes.enter_runs, note=note),
    ]


FRAME_MS = 1000 / 60
"""One frame at Textual's 60 frames a second: the space key's goal (issue 12)."""


def space(sizes: Sizes, _: Path) -> list[Figure]:
    from benchmarks.bench_console import measure_space_to_frame

    result = measure_space_to_frame(sizes.space_presses, sizes.space_runs)
    note = (f"space sent -> the new state's words written (pty 120x40, demo); start, then pause/resume; "
            f"{sizes.space_presses} presses a run, median of runs")
    return [
        Figure("space_to_frame_p50", "Space -> frame, p50", result["p50_ms"], "ms", runs=sizes.space_runs, note=note),
        Figure("space_to_frame_p99", "Space -> frame, p99", result["p99_ms"], "ms", goal_max=FRAME_MS,
               runs=sizes.space_runs, note=note),
    ]


GOAL_NOTE_COST = 1.5
"""A note at 20,000 notes against a note at 20 (issue 27: "the same"; 1.5x leaves room for noise)."""


def report(sizes: Sizes, _: Path) -> list[Figure]:
    from benchmarks.bench_report import TARGET_MS, measure_render, measure_rewrite_after_a_note

    result = measure_render(2000, sizes.render_repeats)
    few, many = (measure_rewrite_after_a_note(n, sizes.render_repeats) for n in (20, NOTES))
    note = ("CPU of the live report's rewrite after one new note, its RenderMemo kept from the last render "
            f"(from nothing: {few['plain_ms']:.1f} ms at 20 notes, {many['plain_ms']:.0f} ms at {NOTES:,})")
    return [Figure("report_render_2000", "Report render (md), 2,000 notes", result["median_ms"], "ms",
                   goal_max=TARGET_MS, runs=sizes.render_repeats, note=f"{result['bytes']:,} bytes"),
            Figure("report_note_20", "Live report rewrite after a note, 20 notes", few["memo_ms"], "ms CPU",
                   runs=sizes.render_repeats, note=note),
            Figure(f"report_note_{NOTES}", f"Live report rewrite after a note, {NOTES:,} notes", many["memo_ms"],
                   "ms CPU", baseline=few["memo_ms"], baseline_label="20 notes",
                   ratio=many["memo_ms"] / few["memo_ms"], goal_max=GOAL_NOTE_COST, goal_on="ratio",
                   peer=many["plain_ms"], peer_label="no memo",
                   peer_ratio=many["memo_ms"] / many["plain_ms"], runs=sizes.render_repeats, note=note)]


def check(sizes: Sizes, _: Path) -> list[Figure]:
    from benchmarks.bench_cli import measure_check

    result = measure_check(300, sizes.check_runs)
    return [Figure("check_300", "moderator check, 300 segments", result["check_ms"], "ms",
                   baseline=result["import_ms"], baseline_label="import rich, pendulum",
                   ratio=result["ratio"], goal_max=2, goal_on="ratio", runs=sizes.check_runs,
                   note=f"its imports alone take {result['check_imports_ms']:.0f} ms")]


def replay(sizes: Sizes, _: Path) -> list[Figure]:
    from benchmarks.bench_journal import REPLAY_TARGET_MS, measure_replay

    result = measure_replay(10_000, sizes.replay_repeats)
    return [Figure("replay_10000", "Replay, 10,000 events (read + rebuild)", result["median_ms"], "ms",
                   goal_max=REPLAY_TARGET_MS, runs=sizes.replay_repeats)]


def memory(sizes: Sizes, scratch: Path) -> list[Figure]:
    from benchmarks.bench_memory import measure_peak_memory

    result = measure_peak_memory(NOTES, sizes.memory_runs, prepared=_noted_run(scratch))
    return [Figure(f"peak_memory_{NOTES}", f"Peak memory, console with {NOTES:,} notes", result["console_mib"], "MiB",
                   baseline=result["bare_mib"], baseline_label="bare app", ratio=result["ratio"],
                   runs=sizes.memory_runs, note=result["how"])]


def _noted_run(scratch: Path) -> Path:
    """One live run holding ``NOTES`` notes, built once and copied by each measurement that resumes it."""
    from benchmarks.bench_terminal import noted_live_run

    prepared = scratch / "noted-run"
    if not prepared.exists():
        log(f"writing a live run of {NOTES:,} notes ...")
        noted_live_run(prepared, NOTES)
    return prepared


Runner = Callable[[Sizes, Path], list[Figure]]
RUNNERS: dict[str, Runner] = {
    "first_frame": first_frame, "space": space, "second": second, "echo": echo,
    "first_frame_journal": first_frame_journal,
    "note_fsync": note_fsync, "enter_note": enter_note, "report": report, "check": check, "replay": replay,
    "memory": memory,
}


def plugged_runners(taken: Collection[str] = ()) -> dict[str, Runner]:
    """The sections of the benchmark modules that plug in (``bench_*.py`` defining ``SECTION`` and
    ``run``), by their ``SECTION``."""
    import benchmarks

    found: dict[str, Runner] = {}
    for module_info in sorted(pkgutil.iter_modules(benchmarks.__path__), key=lambda m: m.name):
        if not module_info.name.startswith("bench_"):
            continue
        module = importlib.import_module(f"benchmarks.{module_info.name}")
        if not hasattr(module, "SECTION") or not callable(getattr(module, "run", None)):
            continue

        def runner(sizes: Sizes, scratch: Path, run: Callable[[bool, Path], list[Figure]] = module.run) -> list[Figure]:
            return run(sizes.quick, scratch)

        section = str(module.SECTION)
        if section in found or section in taken:  # two modules, one name: one would hide the other
            raise RuntimeError(f"benchmarks/{module_info.name}.py: section {section!r} is taken already")
        found[section] = runner
    return found


RUNNERS.update(plugged_runners(taken=tuple(RUNNERS)))
SECTIONS = tuple(RUNNERS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="every section, few and short samples (2-3 minutes; what CI runs)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures as JSON too")
    parser.add_argument("--only", metavar="SECTIONS", help=f"comma-separated, of: {', '.join(SECTIONS)}")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    wanted = SECTIONS if not args.only else tuple(s.strip() for s in args.only.split(",") if s.strip())
    unknown = [s for s in wanted if s not in RUNNERS]
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)} (use {', '.join(SECTIONS)})")
    figures: list[Figure] = []
    broken: dict[str, str] = {}
    total = Timer()
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="moderator-bench-") as scratch:
        for section in wanted:
            timer = Timer()
            log(f"{section} ...")
            try:
                found = RUNNERS[section](sizes, Path(scratch))
            except Exception as error:  # one broken section must not hide the others' figures
                broken[section] = f"{type(error).__name__}: {error}"
                log(f"{section} FAILED after {timer.seconds():.0f} s:\n{traceback.format_exc()}")
                continue
            if not found:
                broken[section] = "it measured nothing"
            figures.extend(found)
            log(f"{section} done in {timer.seconds():.0f} s")
    about = machine()
    console = output_console()
    console.print(table(figures, title=f"moderator benchmarks{' (quick)' if args.quick else ''}"))
    console.print(f"{about['cpus']} × {about['cpu']}, Python {about['python']}, {about['system']}, {about['date']}; "
                  f"{total.seconds():.0f} s in all; load average (1, 5, 15 min) before {load_before}, "
                  f"after {load_average()}", highlight=False)
    if args.json:
        write_json(figures, args.json)
        console.print(f"figures written to {args.json}", highlight=False)
    for section, reason in broken.items():
        console.print(f"section {section} is broken: {reason}", highlight=False, markup=False)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
