"""The console as a user meets it, in real terminals, side by side with its peers (issue #17).

* **A second's cost.** Every subject runs at once, each in its own pseudo-terminal, for every
  terminal of ``SCREENS`` (120x40 and 80x24, with ``COLORTERM=truecolor`` and with 256
  colours): the floor (``floor_app.py``: one ``Digits`` set from the monotonic clock once a
  second), ``termdown 10m`` when it is installed (the ``bench`` extra), and the console
  within time (the demo's fourth segment, a 10-minute slot), in overtime (the same slot with
  eleven minutes taken off) and on a 300-segment programme. After a warm-up, user + system CPU
  time is read from ``/proc/<pid>/stat`` and the bytes each wrote to its terminal are counted
  over the same seconds. Ratios are the medians of each round's own ratios.
* **Enter -> echo.** The console in a pty (120x40, truecolour) resumes a live run holding
  ``notes`` notes, with its live report. A note is typed (written to the terminal as keys),
  and once the note box shows it, Enter is sent after a typist's pause; the time runs until the
  note's line (its bullet, then its text) has been written to the terminal by the notes log.
  After the last note, the time until the report file holds it.
* **First frame with a journal.** Spawn -> first full frame of ``moderator run`` on a fresh
  folder and on one whose live journal holds ``notes`` notes (resumed).
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.harness import PtyProcess, child_env, log, median, percentile, ratio

COUNTDOWN_SEGMENT = 3
"""The demo's fourth segment: a 10-minute speaker slot, the console's usual state."""
OVERTIME_PRESSES = 11
"""``-`` pressed this many times on that 10-minute slot. ``-`` takes a minute off but never more
than the time left (``Engine.adjust``): ten presses bring the slot to 0 s left (the tenth takes
what remains), the eleventh is refused, and the running clock goes into overtime at once."""
OVERTIME_ADJUSTED = 10
"""The ``adjusted`` events those presses log: the ones that took time off."""
OVERTIME_MARKER = "OVERTIME"
"""The pace line's word once the slot is over (``TimerPanel``)."""
LONG_PROGRAMME_SEGMENTS = 300


@dataclass(frozen=True)
class Screen:
    columns: int
    rows: int
    truecolor: bool

    @property
    def label(self) -> str:
        return f"{self.columns}x{self.rows} {'truecolour' if self.truecolor else '256 colours'}"

    @property
    def size(self) -> tuple[int, int]:
        return self.columns, self.rows

    @property
    def last_row(self) -> str:
        return f"\x1b[{self.rows};1H"

    def env(self) -> dict[str, str]:
        return child_env(self.size, truecolor=self.truecolor)


SCREENS = (Screen(120, 40, True), Screen(120, 40, False), Screen(80, 24, True), Screen(80, 24, False))


def termdown_argv() -> list[str] | None:
    """``termdown 10m`` from this interpreter's environment (the ``bench`` extra), or ``None``.

    Ten minutes, as the console's own state here (a 10-minute speaker's slot): termdown draws
    ``1:29:59`` of a ``90m`` countdown in a font too wide for 80 columns, and there it redrew no
    digit at all, only its window's title once a second (15 B/s): no countdown to compare with."""
    found = shutil.which("termdown", path=str(Path(sys.executable).parent)) or shutil.which("termdown")
    return [found, "10m"] if found else None


def demo_programme() -> Path:
    from moderator.tui.launch import demo_path

    return demo_path()


def _title(programme: Path) -> str:
    from moderator.programme import load_programme

    return load_programme(programme).session.title[:24]


def _wait_journal(out: Path, wanted: dict[str, int], timeout: float = 60.0) -> None:
    """Until a journal under ``out`` holds the wanted events (the keys sent were taken)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for journal in out.glob("*/*.journal.jsonl"):
            text = journal.read_text(encoding="utf-8")
            if all(text.count(f'"type":"{kind}"') >= count for kind, count in wanted.items()):
                return
        time.sleep(0.05)
    raise RuntimeError(f"the console in {out} never logged {wanted}")


# --------------------------------------------------------------------------- subjects


@dataclass(frozen=True)
class Subject:
    """Something that shows a running countdown: how to start it, and how to get it counting."""

    name: str
    argv: Callable[[Path], list[str]]
    ready: Callable[[PtyProcess], None]
    prepare: Callable[[PtyProcess, Path], None] = lambda _terminal, _out: None


def _console(programme: Callable[[Path], Path], overtime: bool = False) -> tuple[
        Callable[[Path], list[str]], Callable[[PtyProcess], None], Callable[[PtyProcess, Path], None]]:
    def argv(out: Path) -> list[str]:
        return [sys.executable, "-m", "moderator", "rehearse", str(programme(out)), "--out", str(out)]

    def ready(terminal: PtyProcess) -> None:
        terminal.wait_for("Timer", timeout=120)  # the Footer is filled in

    def prepare(terminal: PtyProcess, out: Path) -> None:
        terminal.send(" ")
        _wait_journal(out, {"started": 1})
        terminal.send("n" * COUNTDOWN_SEGMENT)
        _wait_journal(out, {"started": 1, "moved": COUNTDOWN_SEGMENT})
        if overtime:
            terminal.send("-" * OVERTIME_PRESSES)
            _wait_journal(out, {"adjusted": OVERTIME_ADJUSTED})
            terminal.wait_for(OVERTIME_MARKER, timeout=30)

    return argv, ready, prepare


def _long_programme(out: Path) -> Path:
    from benchmarks.bench_cli import programme_text

    path = out / "long.toml"
    if not path.exists():
        path.write_text(programme_text(LONG_PROGRAMME_SEGMENTS, duration="20m"), encoding="utf-8")
    return path


def subjects() -> list[Subject]:
    found = [Subject("floor", lambda _out: [sys.executable, "-m", "benchmarks.floor_app"],
                     lambda terminal: terminal.wait_for_output(timeout=120))]
    termdown = termdown_argv()
    if termdown is not None:
        found.append(Subject("termdown", lambda _out: termdown, lambda terminal: terminal.wait_for_output(timeout=60)))
    else:
        log("termdown is not installed (pip install -e '.[bench]'): its column stays empty")
    found.append(Subject("console", *_console(lambda _out: demo_programme())))
    found.append(Subject("overtime", *_console(lambda _out: demo_programme(), overtime=True)))
    found.append(Subject("long", *_console(_long_programme)))
    return found


def cost_round(seconds: float, warmup: float = 3.0) -> dict[tuple[str, str], dict[str, float]]:
    """One round: every subject in every screen at once; CPU % of a core and bytes/s over ``seconds``."""
    chosen = subjects()
    with tempfile.TemporaryDirectory(prefix="moderator-bench-second-") as scratch:
        root = Path(scratch)
        running: dict[tuple[str, str], tuple[Subject, PtyProcess, Path]] = {}
        try:
            for screen in SCREENS:
                for subject in chosen:
                    out = root / f"{subject.name}-{screen.columns}x{screen.rows}-{int(screen.truecolor)}"
                    out.mkdir()
                    terminal = PtyProcess(subject.argv(out), cwd=out, env=screen.env(), size=screen.size)
                    running[(subject.name, screen.label)] = (subject, terminal, out)
            for subject, terminal, _out in running.values():
                subject.ready(terminal)
            for subject, terminal, out in running.values():
                subject.prepare(terminal, out)
            time.sleep(warmup)
            before = {key: (terminal.cpu_seconds(), terminal.bytes_read) for key, (_, terminal, _) in running.items()}
            began = time.perf_counter()
            time.sleep(seconds)
            after = {key: (terminal.cpu_seconds(), terminal.bytes_read) for key, (_, terminal, _) in running.items()}
            wall = time.perf_counter() - began
            for key, (_, terminal, _) in running.items():
                if terminal.process.poll() is not None:
                    raise RuntimeError(f"{key} exited during the measurement")
        finally:
            for _, terminal, _ in running.values():
                terminal.kill()
    return {key: {"cpu_percent": (after[key][0] - before[key][0]) / wall * 100,
                  "bytes_per_s": (after[key][1] - before[key][1]) / wall}
            for key in running}


def measure_cost_of_a_second(seconds: float = 60.0, rounds: int = 3, warmup: float = 3.0) -> dict[str, Any]:
    """Medians over ``rounds``: per (subject, screen) the CPU share and bytes/s, and per console
    subject its ratios to the floor and to termdown (medians of each round's own ratio)."""
    results = []
    for number in range(rounds):
        result = cost_round(seconds, warmup)
        results.append(result)
        log(f"cost of a second, round {number + 1}/{rounds}: " + ", ".join(
            f"{name} {screen[:6]} {figures['cpu_percent']:.2f} %/{figures['bytes_per_s']:.0f} B/s"
            for (name, screen), figures in result.items() if screen.startswith("120x40 true")))
    summary: dict[str, Any] = {"rounds": rounds, "seconds": seconds, "figures": {}}
    for key in results[0]:
        name, screen = key
        entry = {metric: median([r[key][metric] for r in results]) for metric in ("cpu_percent", "bytes_per_s")}
        for peer in ("floor", "termdown"):
            if (peer, screen) in results[0] and name not in ("floor", "termdown"):
                for metric in ("cpu_percent", "bytes_per_s"):
                    entry[f"{metric}_ratio_{peer}"] = median(
                        [ratio(r[key][metric], r[(peer, screen)][metric]) for r in results])
        summary["figures"][key] = entry
    return summary


# --------------------------------------------------------------------------- a live run full of notes


def noted_live_run(out: Path, notes: int) -> Path:
    """A live run of the demo in ``out`` whose journal holds ``notes`` notes spread over the segments,
    the last of them a moment ago (made by a real engine on a fake clock, written at once)."""
    import pendulum

    from benchmarks.bench_journal import _Collector, _write
    from moderator.programme import load_programme
    from moderator.session.clock import FakeClock
    from moderator.session.engine import Engine
    from moderator.session.runs import JOURNAL_SUFFIX, LIVE_NAME, session_folder

    programme = load_programme(demo_programme())
    step = 0.1
    clock = FakeClock(wall=pendulum.now("UTC").subtract(seconds=notes * step + 5))
    collector = _Collector()
    engine = Engine.create(programme, clock, collector, mode="live")  # type: ignore[arg-type]
    engine.start()
    per_segment = max(1, notes // len(programme.segments) + 1)
    for n in range(notes):
        if n and n % per_segment == 0:
            engine.next()
        clock.advance(step)
        engine.add_note(f"{('networks pool resources', '! send the charter', '? how is it funded')[n % 3]} ({n})")
    path = session_folder(programme, out) / (LIVE_NAME + JOURNAL_SUFFIX)
    _write(path, collector.events)
    return path


def _copy(prepared: Path, into: Path) -> Path:
    shutil.copytree(prepared, into)
    return into


def live_argv(out: Path) -> list[str]:
    return [sys.executable, "-m", "moderator", "run", str(demo_programme()), "--out", str(out)]


# --------------------------------------------------------------------------- Enter -> echo

BULLET = "•".encode()
_TYPED = ("networks pool resources no single cooperative has", "! send the SSEGOV charter to the participants",
          "? how do municipalities fund incubators")


def _echo_run(out: Path, samples: int, pause: float, screen: Screen) -> tuple[list[float], float]:
    timings: list[float] = []
    with PtyProcess(live_argv(out), cwd=out, env=screen.env(), size=screen.size) as terminal:
        terminal.wait_for("Timer", timeout=120)  # the Footer is filled in
        time.sleep(1.5)  # the live report's first write
        terminal.send("i")
        time.sleep(0.3)
        token = ""
        for n in range(samples):
            token = f"zq{n:04d}x"
            since = terminal.mark()
            terminal.send(f"{_TYPED[n % len(_TYPED)].lstrip('!? ')} {token}")
            terminal.wait_for_pattern(re.compile(re.escape(token.encode())), since, timeout=30)
            time.sleep(pause)
            # The log line: its bullet, maybe styles, then the text; the note box never shows a bullet.
            line = re.compile(BULLET + rb"[^\n]{0,400}?" + re.escape(token.encode()))
            since = terminal.mark()
            began = time.perf_counter()
            terminal.send("\r")
            timings.append((terminal.wait_for_pattern(line, since, timeout=30) - began) * 1000)
        sent = time.perf_counter()
        report = next(out.glob("*/live.report.md"), None)
        deadline = sent + 30
        current = float("nan")
        while time.perf_counter() < deadline:
            report = report or next(out.glob("*/live.report.md"), None)
            if report is not None and token in report.read_text(encoding="utf-8", errors="replace"):
                current = (time.perf_counter() - sent) * 1000
                break
            time.sleep(0.02)
    return timings, current


def measure_echo(notes: int, samples: int = 60, runs: int = 1, pause: float = 0.4,
                 prepared: Path | None = None) -> dict[str, Any]:
    """Enter -> the note's line written to the terminal, p50/p99 over each run's ``samples``
    (medians over ``runs``), with ``notes`` notes in the journal; and the report's lag."""
    p50s, p99s, maxima, lags = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="moderator-bench-echo-") as scratch:
        root = Path(scratch)
        if prepared is None:
            prepared = root / "prepared"
            noted_live_run(prepared, notes)
        for number in range(runs):
            out = _copy(prepared, root / f"run-{number}")
            timings, lag = _echo_run(out, samples, pause, SCREENS[0])
            p50s.append(percentile(timings, 50))
            p99s.append(percentile(timings, 99))
            maxima.append(max(timings))
            lags.append(lag)
    return {"notes": notes, "samples": samples, "runs": runs, "p50_ms": median(p50s), "p99_ms": median(p99s),
            "max_ms": max(maxima), "report_lag_ms": median(lags)}


# --------------------------------------------------------------------------- first frame with a journal


def _first_frame(out: Path, title: str, screen: Screen) -> float:
    with PtyProcess(live_argv(out), cwd=out, env=screen.env(), size=screen.size) as terminal:
        return terminal.wait_for(title, screen.last_row, timeout=120)


def measure_first_frame_with_journal(notes: int, runs: int = 5, prepared: Path | None = None) -> dict[str, Any]:
    """Milliseconds to the first full frame of ``moderator run``: a fresh folder, and resuming ``notes``
    notes; taking turns, one of each thrown away first."""
    title = _title(demo_programme())
    screen = SCREENS[0]
    times: dict[str, list[float]] = {"empty": [], "full": []}
    with tempfile.TemporaryDirectory(prefix="moderator-bench-frame-journal-") as scratch:
        root = Path(scratch)
        if prepared is None:
            prepared = root / "prepared"
            noted_live_run(prepared, notes)
        for attempt in range(runs + 1):
            for which in ("empty", "full") if attempt % 2 else ("full", "empty"):
                out = root / f"{which}-{attempt}"
                if which == "full":
                    _copy(prepared, out)
                else:
                    out.mkdir()
                seconds = _first_frame(out, title, screen)
                if attempt:
                    times[which].append(seconds * 1000)
                shutil.rmtree(out, ignore_errors=True)
    empty, full = median(times["empty"]), median(times["full"])
    return {"notes": notes, "runs": runs, "empty_ms": empty, "full_ms": full, "ratio": ratio(full, empty)}


def main() -> None:
    cost = measure_cost_of_a_second(10, 1)
    for (name, screen), figures in cost["figures"].items():
        print(f"{name:9} {screen:22} {figures['cpu_percent']:.2f} % {figures['bytes_per_s']:.0f} B/s")
    for notes in (0, 2000):
        echo = measure_echo(notes, 20)
        print(f"echo at {notes} notes: p50 {echo['p50_ms']:.1f} ms, p99 {echo['p99_ms']:.1f} ms, "
              f"report current after {echo['report_lag_ms']:.0f} ms")
    frame = measure_first_frame_with_journal(2000, 2)
    print(f"first frame: empty {frame['empty_ms']:.0f} ms, 2,000 notes {frame['full_ms']:.0f} ms")


if __name__ == "__main__":
    main()
