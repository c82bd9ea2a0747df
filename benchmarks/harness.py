"""What every benchmark shares: a figure with its goal, medians, a real terminal (pty) to run
the console in, CPU time read from ``/proc``, and the table and JSON the runner prints.

A figure is always the median of several runs; where it has a baseline, the baseline was
measured in the same run, on the same machine, and the ratio is the comparison that counts
(a shared, noisy machine changes both sides alike).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import platform
import re
import select
import signal
import socket
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
TERMINAL_SIZE = (120, 40)
"""Columns, rows: the wide layout, everything on screen at once."""


# --------------------------------------------------------------------------- figures


@dataclass
class Figure:
    """One measured figure. ``goal_max`` applies to the value (``goal_on == "value"``), to the ratio
    to the baseline (``"ratio"``) or to the ratio to the peer (``"peer_ratio"``: bytes against
    termdown, say). A goal on a ratio whose side was not measured is neither met nor missed."""

    name: str
    label: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_label: str = ""
    ratio: float | None = None
    goal_max: float | None = None
    goal_on: str = "value"
    runs: int = 1
    note: str = ""
    peer: float | None = None
    """A second peer measured in the same run (``termdown``, say), shown beside the baseline."""
    peer_label: str = ""
    peer_ratio: float | None = None

    @property
    def goal(self) -> str | None:
        if self.goal_max is None:
            return None
        if self.goal_on == "ratio":
            return f"ratio <= {self.goal_max:g}"
        if self.goal_on == "peer_ratio":
            return f"ratio to {self.peer_label or 'the peer'} <= {self.goal_max:g}"
        return f"<= {self.goal_max:g} {self.unit}"

    @property
    def met(self) -> bool | None:
        if self.goal_max is None:
            return None
        measured = {"ratio": self.ratio, "peer_ratio": self.peer_ratio}.get(self.goal_on, self.value)
        if measured is None:
            return None
        return measured <= self.goal_max

    def as_json(self) -> dict[str, Any]:
        return {
            "value": _round(self.value),
            "unit": self.unit,
            "baseline": _round(self.baseline),
            "ratio": _round(self.ratio),
            "goal": self.goal,
            "met": self.met,
            "runs": self.runs,
            "note": self.note,
            "peer": _round(self.peer),
            "peer_label": self.peer_label or None,
            "peer_ratio": _round(self.peer_ratio),
        }


FIGURE_KEYS = ("value", "unit", "baseline", "ratio", "goal")
"""The keys every figure has in ``--json`` output (``met``, ``runs`` and ``note`` come too)."""


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile, interpolated between the closest ranks (as numpy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ratio(value: float, baseline: float) -> float:
    return value / baseline if baseline > 0 else float("inf")


# --------------------------------------------------------------------------- a real terminal


def child_env(size: tuple[int, int] = TERMINAL_SIZE, *, truecolor: bool = False, **extra: str) -> dict[str, str]:
    """The environment a benchmark child runs in: this interpreter's, the repo importable, a fixed TERM
    (``xterm-256color``; with ``truecolor``, ``COLORTERM=truecolor`` too, as most terminals of today set)."""
    paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths), TERM="xterm-256color",
               COLUMNS=str(size[0]), LINES=str(size[1]))
    # Bytecode caching on, as after any install: with PYTHONDONTWRITEBYTECODE set (as on some
    # CI machines) the console would compile its own sources at every start, while Textual's
    # come precompiled from the wheel, and the start-up comparison would measure the compiler.
    for name in ("TEXTUAL", "TEXTUAL_DEBUG", "TEXTUAL_DEVTOOLS_PORT", "NO_COLOR", "PYTHONDONTWRITEBYTECODE",
                 "COLORTERM"):
        env.pop(name, None)
    if truecolor:
        env["COLORTERM"] = "truecolor"
    env.update(extra)
    return env


class PtyProcess:
    """A process whose terminal is a pseudo-terminal of a fixed size; its output drained by a thread.

    ``started`` is taken just before the process is spawned. ``wait_for`` returns the
    seconds from then until each of the given texts had been written to the terminal.
    """

    def __init__(self, argv: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
                 size: tuple[int, int] = TERMINAL_SIZE, keep: int = 1 << 16) -> None:
        master, slave = os.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self._master = master
        self._keep = keep
        self._tail = b""
        self._lock = threading.Condition()
        self._seen: dict[bytes, float] = {}
        self._watch: set[bytes] = set()
        self.bytes_read = 0
        self.closed = False
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            list(argv), stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env or child_env(size),
            start_new_session=True, close_fds=True,
        )
        os.close(slave)
        self.pid = self.process.pid
        self._reader = threading.Thread(target=self._drain, name=f"pty-{self.pid}", daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self._master], [], [], 0.2)
            except (OSError, ValueError):
                break
            if not ready:
                if self.process.poll() is not None:
                    break
                continue
            try:
                data = os.read(self._master, 65536)
            except OSError:  # EIO: the child side was closed
                break
            if not data:
                break
            now = time.perf_counter() - self.started
            with self._lock:
                self.bytes_read += len(data)
                window = self._tail + data
                for text in self._watch:
                    if text not in self._seen and text in window:
                        self._seen[text] = now
                self._tail = window[-self._keep:]
                self._lock.notify_all()
        with self._lock:
            self.closed = True
            self._lock.notify_all()

    def watch(self, *texts: str) -> None:
        """Note when each text is first written from now on (call before it can appear)."""
        with self._lock:
            self._watch.update(t.encode() for t in texts)
            for text in texts:
                if text.encode() in self._tail:
                    self._seen.setdefault(text.encode(), time.perf_counter() - self.started)

    def wait_for(self, *texts: str, timeout: float = 30.0) -> float:
        """Seconds from spawn until the last of ``texts`` had been written; raises on timeout or exit."""
        encoded = [t.encode() for t in texts]
        with self._lock:
            missing = [t for t in encoded if t not in self._watch]
            self._watch.update(missing)
            for text in missing:
                if text in self._tail:
                    self._seen.setdefault(text, time.perf_counter() - self.started)
            done = self._lock.wait_for(lambda: all(t in self._seen for t in encoded) or self.closed, timeout)
            if not done or not all(t in self._seen for t in encoded):
                tail = self._tail[-2000:].decode("utf-8", "replace")
                raise RuntimeError(f"{self.process.args!r}: {texts} never appeared "
                                   f"(exit status {self.process.poll()}); last output:\n{tail}")
            return max(self._seen[t] for t in encoded)

    def mark(self) -> int:
        """How many bytes have been written so far: pass it to ``wait_for_pattern`` as ``since``."""
        with self._lock:
            return self.bytes_read

    def wait_for_pattern(self, pattern: re.Pattern[bytes], since: int, timeout: float = 30.0) -> float:
        """``time.perf_counter()`` when output written after byte ``since`` first matched ``pattern``
        (within the last ``keep`` bytes); raises on timeout or exit."""

        def found() -> bool:
            start = max(0, since - (self.bytes_read - len(self._tail)))
            return pattern.search(self._tail, start) is not None

        with self._lock:
            done = self._lock.wait_for(lambda: found() or self.closed, timeout)
            seen = time.perf_counter()
            if not done or not found():
                tail = self._tail[-2000:].decode("utf-8", "replace")
                raise RuntimeError(f"{self.process.args!r}: {pattern.pattern!r} never appeared; last output:\n{tail}")
            return seen

    def wait_for_output(self, timeout: float = 30.0) -> None:
        """Until the process has written anything at all (for apps with no text to wait for)."""
        with self._lock:
            if not self._lock.wait_for(lambda: self.bytes_read > 0 or self.closed, timeout) or not self.bytes_read:
                raise RuntimeError(f"{self.process.args!r} wrote nothing (exit status {self.process.poll()})")

    def send(self, data: str) -> None:
        os.write(self._master, data.encode())

    def send_and_wait(self, data: str, text: str, timeout: float = 10.0) -> float:
        """Seconds from sending ``data`` until ``text`` is written after it (what was written
        before the send does not count)."""
        encoded = text.encode()
        with self._lock:
            self._tail = b""
            self._seen.pop(encoded, None)
            self._watch.add(encoded)
            sent = time.perf_counter()
            os.write(self._master, data.encode())
            done = self._lock.wait_for(lambda: encoded in self._seen or self.closed, timeout)
        if not done or encoded not in self._seen:
            raise RuntimeError(f"{self.process.args!r}: {text!r} never appeared after {data!r}")
        return self._seen[encoded] - (sent - self.started)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def kill(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._reader.join(timeout=5)
        with contextlib.suppress(OSError):
            os.close(self._master)

    def __enter__(self) -> PtyProcess:
        return self

    def __exit__(self, *_: object) -> None:
        self.kill()


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def free_port() -> int:
    """A loopback port nobody listens on now, for a host the benchmark starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_links(out: Path, roles: Sequence[str] = ("stage",), timeout: float = 60.0) -> dict[str, str]:
    """Role -> URL from the ``links.txt`` a console writes under ``out`` once it shares, when every
    role in ``roles`` is there."""
    from moderator.share.links import LINKS_FILE, read_links

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in out.glob(f"*/{LINKS_FILE}"):
            found = read_links(path.read_text(encoding="utf-8"))
            if all(role in found for role in roles):
                return found
        time.sleep(0.05)
    raise RuntimeError(f"the console never wrote {LINKS_FILE} with {', '.join(roles)}")


def cpu_seconds(pid: int) -> float:
    """CPU time of a process (all its threads) so far: the nanoseconds the scheduler counts for each
    of its threads (``/proc/<pid>/task/*/schedstat``), or, where the kernel keeps no schedstat,
    user + system time from ``/proc/<pid>/stat`` in clock ticks (10 ms: too coarse for an app that
    uses half a percent of a core over ten seconds). Threads that ended are counted by the second
    way only; the apps measured keep theirs running."""
    precise = _scheduled_seconds(pid)
    return precise if precise is not None else _ticked_seconds(pid)


def _scheduled_seconds(pid: int) -> float | None:
    total = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
        for task in tasks:
            with (contextlib.suppress(FileNotFoundError, ProcessLookupError),  # a thread that just ended
                  open(f"/proc/{pid}/task/{task}/schedstat", "rb") as handle):
                total += int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return total / 1e9 if tasks else None


def _ticked_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", "rb") as handle:
        stat = handle.read()
    fields = stat[stat.rindex(b")") + 2:].split()
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / _TICKS


def peak_rss_kib() -> int:
    """This process's peak resident set size in KiB: ``VmHWM`` from ``/proc/self/status``.

    Not ``getrusage().ru_maxrss``: on Linux that keeps the high-water mark of the process
    image replaced by ``exec``, so a child started from a big parent reports the parent's size.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_wall(argv: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> float:
    """Wall seconds of one subprocess run to completion (its output discarded); it must succeed."""
    began = time.perf_counter()
    completed = subprocess.run(list(argv), cwd=cwd, env=env or child_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - began
    if completed.returncode != 0:
        raise RuntimeError(f"{argv} failed ({completed.returncode}): {completed.stderr.decode()[-2000:]}")
    return elapsed


# --------------------------------------------------------------------------- output


def machine() -> dict[str, str]:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": str(os.cpu_count()),
        "cpu": model,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def load_average() -> str:
    """The machine's load average over 1, 5 and 15 minutes (``uptime``'s), to print beside the figures."""
    try:
        return "{:.2f}, {:.2f}, {:.2f}".format(*os.getloadavg())
    except OSError:
        return "unknown"


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    if value == float("inf"):
        return "∞"
    magnitude = abs(value)
    text = f"{value:.0f}" if magnitude >= 100 else f"{value:.1f}" if magnitude >= 10 else f"{value:.2f}"
    return f"{text} {unit}".strip()


def table(figures: Sequence[Figure], *, title: str = "moderator benchmarks") -> Table:
    from rich.table import Table

    grid = Table(title=title, title_justify="left")
    grid.add_column("Figure")
    grid.add_column("Value", justify="right")
    grid.add_column("Peer(s)", justify="right")
    grid.add_column("Ratio(s)", justify="right")
    grid.add_column("Goal", justify="right")
    grid.add_column("", justify="center")
    for figure in figures:
        baseline = _number(figure.baseline, figure.unit)
        if figure.baseline_label and figure.baseline is not None:
            baseline = f"{baseline} ({figure.baseline_label})"
        ratios = "–" if figure.ratio is None else f"{figure.ratio:.2f}×"
        if figure.peer is not None:
            baseline += f" / {_number(figure.peer, figure.unit)} ({figure.peer_label})"
            ratios += " / " + ("–" if figure.peer_ratio is None else f"{figure.peer_ratio:.2f}×")
        met = figure.met
        verdict = "–" if met is None else ("[green]pass[/]" if met else "[bold red]miss[/]")
        grid.add_row(figure.label, _number(figure.value, figure.unit), baseline, ratios, _goal_text(figure), verdict)
    return grid


def _goal_text(figure: Figure) -> str:
    if figure.goal_max is None:
        return "–"
    if figure.goal_on == "ratio":
        return f"≤ {figure.goal_max:g}×"
    if figure.goal_on == "peer_ratio":
        return f"≤ {figure.goal_max:g}× {figure.peer_label.split()[0] if figure.peer_label else 'peer'}"
    return f"≤ {figure.goal_max:g} {figure.unit}"


def output_console() -> Console:
    """The terminal, or a wide enough page when the output goes to a file or a pipe."""
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=170)


def plain_table(figures: Sequence[Figure]) -> str:
    """The table as plain text (for a README), at a fixed width."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, width=170, color_system=None, force_terminal=False).print(table(figures))
    return buffer.getvalue()


def write_json(figures: Sequence[Figure], path: Path) -> None:
    data = {figure.name: figure.as_json() for figure in figures}
    Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def log(message: str) -> None:
    print(f"  · {message}", file=sys.stderr, flush=True)


@dataclass
class Timer:
    """Wall time of a whole benchmark section, for the progress lines."""

    began: float = field(default_factory=time.perf_counter)

    def seconds(self) -> float:
        return time.perf_counter() - self.began
