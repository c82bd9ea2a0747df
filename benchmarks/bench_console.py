"""The console itself: how soon it draws, what it costs while the timer runs, how soon a note shows.

* **First frame.** The console on the demo programme (``moderator rehearse <demo>``) and the
  bare Textual app of ``bare_app.py``, each spawned in a real pseudo-terminal (120x40,
  ``TERM=xterm-256color``). The clock starts just before the spawn and stops when the first
  full frame has been written: Textual paints a new screen top to bottom, so the title on
  the first line and then the start of the last line. A second figure waits for the
  footer's keys as well, which Textual fills in a moment after that first paint.
* **CPU share.** The console, the bare app idle and the bare app ticking like a countdown
  (``--ticking``) started together, each in its own terminal; the console's timer is started
  with a space key and moved to a 10-minute speaker slot; after a warm-up, user + system
  CPU time is read from ``/proc/<pid>/stat`` at t0 and t0 + ``seconds``, while every
  terminal is drained.
* **Space -> frame.** The console on the demo, in a real pseudo-terminal (120x40): space is
  sent, and the clock stops when the terminal has been written the words of the new state
  ("left" once started or resumed, "PAUSED" once paused): start, then pause and resume in
  turn, a moment apart. Issue 12 asks for one frame (Textual draws at most 60 a second).
* **Enter -> note on screen.** ``ModeratorApp`` under ``run_test()`` (headless), on a live run
  that already holds ``notes`` notes added through the engine, with its live report and its
  4 Hz tick running on the system clock. Each note's text is put in the note box, then
  Enter is sent; the time runs until the note's line is in the notes log. Between notes
  the live report is left to finish (a rapporteur takes seconds to type a note).

Run ``python -m benchmarks.bench_console`` for a quick look; ``python -m benchmarks`` runs it all.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.bare_app import TITLE_MARKER
from benchmarks.harness import TERMINAL_SIZE, PtyProcess, log, median, percentile, ratio

if TYPE_CHECKING:
    from moderator.tui.widgets import NotesLog

FOOTER_MARKER = "palette"
"""Both apps' footers end with the command palette's key (``^p palette``) once filled in."""
LAST_ROW = f"\x1b[{TERMINAL_SIZE[1]};1H"
"""The cursor moved to the start of the terminal's last line: a full paint has reached the bottom."""

_NOTE_TEXTS = (
    "networks pool resources no single cooperative has",
    '"Local governments must convene, not control."',
    "! send the SSEGOV charter to the participants",
    "? how do municipalities fund incubators (from the chat)",
    "@leyton WISE incubators in three municipalities since 2019",
    "recovery depends on alliances beyond the social economy",
)


def demo_programme() -> Path:
    from moderator.tui.launch import demo_path

    return demo_path()


def _title_marker() -> str:
    from moderator.programme import load_programme

    return load_programme(demo_programme()).session.title[:24]


def console_argv(out: Path) -> list[str]:
    return [sys.executable, "-m", "moderator", "rehearse", str(demo_programme()), "--out", str(out)]


def bare_argv() -> list[str]:
    return [sys.executable, "-m", "benchmarks.bare_app"]


def floor_argv() -> list[str]:
    return [sys.executable, "-m", "benchmarks.floor_app"]


# --------------------------------------------------------------------------- first frame


def _first_frame(argv: list[str], title: str | None, cwd: Path) -> tuple[float, float]:
    """Seconds from spawn to the first full frame, and to the frame with the footer's keys
    (``title`` ``None``: an app with no title and no footer, the floor; its last row is its frame)."""
    with PtyProcess(argv, cwd=cwd) as terminal:
        if title is None:
            frame = terminal.wait_for(LAST_ROW, timeout=60)
            return frame, frame
        frame = terminal.wait_for(title, LAST_ROW, timeout=60)
        settled = terminal.wait_for(FOOTER_MARKER, timeout=60)
    return frame, max(frame, settled)


def measure_first_frame(runs: int = 7) -> dict[str, Any]:
    """Milliseconds from spawn to the first full frame, console (demo), the floor (``floor_app``: one
    ``Digits``) and the bare app (the console's widget types); medians of ``runs``.

    The first full frame is the first paint of the whole screen: the title on its first line,
    and its last line written (Textual paints a new screen top to bottom, one line after another).
    ``*_settled_ms`` waits for the footer's keys too, which Textual fills in a moment later.
    One run of each is made first and thrown away (cold caches, ``.pyc`` files). They take
    turns, in an order that changes every run, so that a busy moment on the machine hits all.
    """
    title = _title_marker()
    times: dict[str, list[float]] = {name: [] for name in ("console", "bare", "floor", "console_settled",
                                                          "bare_settled", "floor_settled")}
    orders = (("bare", "floor", "console"), ("console", "bare", "floor"), ("floor", "console", "bare"))
    with tempfile.TemporaryDirectory(prefix="moderator-bench-frame-") as scratch:
        root = Path(scratch)
        for attempt in range(runs + 1):
            out = root / f"run-{attempt}"  # a fresh folder each time: a first start, never a resume
            out.mkdir()
            for which in orders[attempt % len(orders)]:
                if which == "console":
                    frame, settled = _first_frame(console_argv(out), title, out)
                elif which == "bare":
                    frame, settled = _first_frame(bare_argv(), TITLE_MARKER, out)
                else:
                    frame, settled = _first_frame(floor_argv(), None, out)
                if attempt:
                    times[which].append(frame * 1000)
                    times[f"{which}_settled"].append(settled * 1000)
    result: dict[str, Any] = {"runs": runs}
    for name, values in times.items():
        result[f"{name}_ms"] = median(values)
        result[f"{name}_all_ms"] = values
    result["ratio"] = ratio(result["console_ms"], result["bare_ms"])
    result["floor_ratio"] = ratio(result["console_ms"], result["floor_ms"])
    result["settled_ratio"] = ratio(result["console_settled_ms"], result["bare_settled_ms"])
    return result


# --------------------------------------------------------------------------- space -> frame

def measure_space_to_frame(presses: int = 60, runs: int = 3) -> dict[str, Any]:
    """Milliseconds from space sent to the new state's words written to the terminal: p50 and
    p99 over ``presses`` presses a run (start, then pause / resume in turn), median of ``runs``."""
    import random

    title = _title_marker()
    p50s, p99s, every = [], [], []
    with tempfile.TemporaryDirectory(prefix="moderator-bench-space-") as scratch:
        for run in range(runs):
            out = Path(scratch) / f"run-{run}"
            out.mkdir()
            with PtyProcess(console_argv(out), cwd=out) as terminal:
                terminal.wait_for(title, LAST_ROW, FOOTER_MARKER, timeout=60)
                time.sleep(0.5)
                samples = [terminal.send_and_wait(" ", "left")]
                for press in range(presses - 1):
                    time.sleep(random.uniform(0.05, 0.25))  # not in step with the countdown's ticks
                    samples.append(terminal.send_and_wait(" ", "PAUSED" if press % 2 == 0 else "left"))
            millis = [sample * 1000 for sample in samples]
            every += millis
            p50s.append(percentile(millis, 50))
            p99s.append(percentile(millis, 99))
    return {"runs": runs, "presses": presses, "p50_ms": median(p50s), "p99_ms": median(p99s),
            "max_ms": max(every)}


# --------------------------------------------------------------------------- CPU share

SEGMENT_FOR_CPU = 3
"""The demo's fourth segment: a 10-minute speaker slot, the console's usual state."""


def _wait_journal(out: Path, wanted: dict[str, int], timeout: float = 15.0) -> None:
    """Until the console's journal holds the wanted events (the keys sent were taken)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for journal in out.glob("*/rehearsal-*.journal.jsonl"):
            text = journal.read_text(encoding="utf-8")
            if all(text.count(f'"type":"{kind}"') >= count for kind, count in wanted.items()):
                return
        time.sleep(0.05)
    raise RuntimeError(f"the console in {out} never logged {wanted}")


def cpu_round(seconds: float, warmup: float = 3.0) -> dict[str, Any]:
    """One round, three apps side by side for ``seconds``: the console with its timer running in a
    speaker's slot, the bare app idle, and the bare app ticking like a countdown (``--ticking``)."""
    title = _title_marker()
    with tempfile.TemporaryDirectory(prefix="moderator-bench-cpu-") as scratch:
        out = Path(scratch)
        with (PtyProcess(console_argv(out), cwd=out) as console,
              PtyProcess(bare_argv(), cwd=out) as bare,
              PtyProcess([*bare_argv(), "--ticking"], cwd=out) as ticking):
            console.wait_for(title, FOOTER_MARKER, timeout=60)
            bare.wait_for(TITLE_MARKER, FOOTER_MARKER, timeout=60)
            ticking.wait_for(TITLE_MARKER, FOOTER_MARKER, timeout=60)
            console.send(" ")
            _wait_journal(out, {"started": 1})
            for _ in range(SEGMENT_FOR_CPU):
                console.send("n")
            _wait_journal(out, {"started": 1, "moved": SEGMENT_FOR_CPU})
            time.sleep(warmup)
            apps = {"console": console, "bare": bare, "ticking": ticking}
            before = {name: app.cpu_seconds() for name, app in apps.items()}
            written = {name: app.bytes_read for name, app in apps.items()}
            began = time.perf_counter()
            time.sleep(seconds)
            after = {name: app.cpu_seconds() for name, app in apps.items()}
            wall = time.perf_counter() - began
            rates = {name: (app.bytes_read - written[name]) / wall for name, app in apps.items()}
            if any(app.process.poll() is not None for app in apps.values()):
                raise RuntimeError("an app exited during the CPU measurement")
    share = {name: (after[name] - before[name]) / wall * 100 for name in apps}
    return {
        "seconds": wall,
        "console_percent": share["console"],
        "bare_percent": share["bare"],
        "ticking_percent": share["ticking"],
        "ratio": ratio(share["console"], share["bare"]),
        "ratio_ticking": ratio(share["console"], share["ticking"]),
        "console_bytes_per_s": rates["console"],
        "bare_bytes_per_s": rates["bare"],
        "ticking_bytes_per_s": rates["ticking"],
    }


def measure_cpu_share(seconds: float = 60.0, rounds: int = 5, warmup: float = 3.0) -> dict[str, Any]:
    """Percent of one core over ``seconds``: the console with its timer running vs the bare app idle
    (and vs the bare app ticking like a countdown).

    Ratios are the medians of the rounds' own ratios (each round measures the apps at the same
    time, so a busy neighbour weighs on all of them); the shares are medians over the rounds.
    CPU time is read in clock ticks (10 ms), so short rounds of a near-idle app are coarse.
    """
    results = []
    for number in range(rounds):
        result = cpu_round(seconds, warmup)
        results.append(result)
        log(f"cpu round {number + 1}/{rounds}: console {result['console_percent']:.2f} %, "
            f"bare {result['bare_percent']:.2f} %, bare ticking {result['ticking_percent']:.2f} %; "
            f"console writes {result['console_bytes_per_s']:.0f} B/s")
    summary = {"rounds": rounds, "seconds": seconds, "rounds_all": results}
    for key in ("console_percent", "bare_percent", "ticking_percent", "ratio", "ratio_ticking",
                "console_bytes_per_s", "bare_bytes_per_s", "ticking_bytes_per_s"):
        summary[key] = median([r[key] for r in results])
    return summary


# --------------------------------------------------------------------------- a run full of notes


def build_noted_run(out: Path, notes: int) -> Path:
    """A live run of the demo programme in ``out`` holding ``notes`` notes, each added through the
    engine (and so fsync'd in its journal), spread over the segments. Returns the journal's path."""
    from moderator.programme import load_programme
    from moderator.session.clock import SystemClock
    from moderator.session.runs import open_run

    programme = load_programme(demo_programme())
    run = open_run(programme, out, SystemClock())
    engine = run.engine
    try:
        engine.start()
        per_segment = max(1, notes // len(programme.segments))
        for n in range(notes):
            if n and n % per_segment == 0 and (engine.state.current or 0) < len(programme.segments) - 1:
                engine.next()
            engine.add_note(f"{_NOTE_TEXTS[n % len(_NOTE_TEXTS)]} ({n})")
    finally:
        if run.journal is not None:
            run.journal.close()
    return run.journal_path


def copies_of_a_noted_run(notes: int, runs: int, prefix: str,
                          prepared: Path | None = None) -> Iterator[Path]:
    """``runs`` fresh copies of one run holding ``notes`` notes (built once, or ``prepared``):
    each measurement resumes its own copy, since resuming makes a journal grow."""
    with tempfile.TemporaryDirectory(prefix=prefix) as scratch:
        root = Path(scratch)
        if prepared is None:
            prepared = root / "prepared"
            build_noted_run(prepared, notes)
        for number in range(runs):
            out = root / f"run-{number}"
            shutil.copytree(prepared, out, dirs_exist_ok=True)
            yield out
            shutil.rmtree(out, ignore_errors=True)


async def _enter_to_note(out: Path, samples: int, warmup: int) -> list[float]:
    from textual import events

    from moderator.host import Host, HostOptions
    from moderator.tui.app import ModeratorApp
    from moderator.tui.note_box import NoteBox
    from moderator.tui.widgets import NotesLog

    host = Host(HostOptions(demo_programme(), out=out), report_delay=0.0)  # the console's own host, no terminal
    run, report = host.run, host.report
    assert run.resumed, "the prepared run should have been resumed"
    app = ModeratorApp(run, host=host, report=report)
    timings: list[float] = []
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("i")
            box = app.query_one(NoteBox)
            notes_log = app.query_one(NotesLog)
            assert app.focused is box
            driver = app._driver
            assert driver is not None
            for n in range(warmup + samples):
                token = f"k{n:05d}"
                text = f"{token} {_NOTE_TEXTS[n % len(_NOTE_TEXTS)]}"
                box.value = text
                box.cursor_position = len(text)
                await pilot.pause()
                # A rapporteur takes seconds to type a note: the report of the last one is written by now.
                report.flush(timeout=30)
                key = events.Key("enter", "\r")
                key.set_sender(app)
                began = time.perf_counter()
                driver.send_message(key)
                deadline = began + 10
                while not _shown(notes_log, token):
                    if time.perf_counter() > deadline:
                        raise RuntimeError(f"note {token} never showed in the notes log")
                    await asyncio.sleep(0)
                if n >= warmup:
                    timings.append((time.perf_counter() - began) * 1000)
            assert box.value == ""
    finally:
        host.close(lambda: 30.0)
    return timings


def _shown(notes_log: NotesLog, token: str) -> bool:
    """The note's line is among the notes log's last screen lines: wrapped at the panel's width,
    ready to draw (``NotesLog.lines`` are kept as wrapped, so polling them in a loop costs nothing
    the console would not do; the last 40 lines hold the newest note)."""
    return any(token in line.text for line in notes_log.lines[-40:])


def measure_enter_to_note(notes: int = 5000, samples: int = 200, runs: int = 5, *, warmup: int = 5,
                          prepared: Path | None = None) -> dict[str, Any]:
    """Milliseconds from Enter to the note's line in the notes log, with ``notes`` notes already in
    the journal; p50 and p99 of each run's ``samples`` notes, medians over ``runs``."""
    p50s: list[float] = []
    p99s: list[float] = []
    every: list[float] = []
    for out in copies_of_a_noted_run(notes, runs, "moderator-bench-notes-", prepared):
        timings = asyncio.run(_enter_to_note(out, samples, warmup))
        p50s.append(percentile(timings, 50))
        p99s.append(percentile(timings, 99))
        every.extend(timings)
    return {
        "notes_before": notes,
        "samples": samples,
        "runs": runs,
        "p50_ms": median(p50s),
        "p99_ms": median(p99s),
        "max_ms": max(every),
        "p99_all_ms": p99s,
    }


def main() -> None:
    frame = measure_first_frame(3)
    print(f"first frame: console {frame['console_ms']:.0f} ms, bare {frame['bare_ms']:.0f} ms, "
          f"ratio {frame['ratio']:.2f}")
    cpu = measure_cpu_share(10, 1)
    print(f"cpu: console {cpu['console_percent']:.2f} %, bare {cpu['bare_percent']:.2f} %, ratio {cpu['ratio']:.2f}")
    space = measure_space_to_frame(30, 1)
    print(f"space -> frame: p50 {space['p50_ms']:.1f} ms, p99 {space['p99_ms']:.1f} ms")
    note = measure_enter_to_note(5000, 100, 1)
    print(f"enter -> note: p50 {note['p50_ms']:.1f} ms, p99 {note['p99_ms']:.1f} ms")


if __name__ == "__main__":
    main()
