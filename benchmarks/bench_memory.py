"""Peak memory of the console holding a long session: a measurement, not a test.

A child process resumes a live run of the demo programme that already holds ``notes`` notes
(added through the engine), opens the console on it headless (``run_test()``, 120x40) with
its live report, waits until the report of all those notes is written, and prints its peak
resident set size (``VmHWM`` of ``/proc/self/status``; ``ru_maxrss`` would report the parent's
size for a child started from a bigger process). The baseline is the same figure for the bare
Textual app of ``bare_app.py`` mounted headless.
Each is the median over several child processes.

``python -m benchmarks.bench_memory`` prints the figure for 5,000 notes.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.harness import child_env, median, peak_rss_kib, ratio


async def _console_rss(out: Path) -> int:
    from moderator.programme import load_programme
    from moderator.report.live import LiveReport
    from moderator.session.clock import SystemClock
    from moderator.session.runs import open_run
    from moderator.tui.app import ModeratorApp
    from moderator.tui.launch import demo_path

    programme = load_programme(demo_path())
    run = open_run(programme, out, SystemClock())
    report = LiveReport(programme, run.report_path, run.engine.state)
    run.engine.subscribe(report.on_event)
    app = ModeratorApp(run, report=report)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            if not report.flush(timeout=60):
                raise RuntimeError("the report was not written in time")
            await pilot.press("space")  # pause the timer: one more event, one more report
            report.flush(timeout=60)
            await pilot.pause()
    finally:
        report.close()
        if run.journal is not None:
            run.journal.close()
    return peak_rss_kib()


def _child(argv: list[str]) -> int:
    completed = subprocess.run([sys.executable, *argv], env=child_env(), capture_output=True, text=True,
                               check=False, timeout=300)
    if completed.returncode != 0:
        raise RuntimeError(f"{argv} failed: {completed.stderr[-2000:]}")
    return int(completed.stdout.strip().splitlines()[-1])


def measure_peak_memory(notes: int = 5000, runs: int = 5, *, prepared: Path | None = None) -> dict[str, Any]:
    """Peak RSS in MiB of the console holding ``notes`` notes vs the bare app; medians of ``runs`` children."""
    from benchmarks.bench_console import copies_of_a_noted_run

    console_kib: list[int] = []
    bare_kib: list[int] = []
    for out in copies_of_a_noted_run(notes, runs, "moderator-bench-memory-", prepared):
        console_kib.append(_child(["-m", "benchmarks.bench_memory", "--child", str(out)]))
        bare_kib.append(_child(["-m", "benchmarks.bare_app", "--headless-rss"]))
    console_mib = median(console_kib) / 1024
    bare_mib = median(bare_kib) / 1024
    return {
        "notes": notes,
        "runs": runs,
        "console_mib": console_mib,
        "bare_mib": bare_mib,
        "ratio": ratio(console_mib, bare_mib),
        "how": "peak RSS (VmHWM) of a child process: console headless, its live report written",
    }


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--child"]:
        print(asyncio.run(_console_rss(Path(args[1]))), flush=True)
        return
    result = measure_peak_memory(5000, 3)
    print(f"peak memory with {result['notes']} notes: {result['console_mib']:.1f} MiB "
          f"(bare app {result['bare_mib']:.1f} MiB, ratio {result['ratio']:.2f})")


if __name__ == "__main__":
    main()
