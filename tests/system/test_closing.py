"""The console always ends: closing its terminal at any moment, a terminal gone without SIGHUP,
SIGTERM under a flood of keys. Each must end the process within 3 s, leave nothing running and let
the next ``moderator run`` resume at once.

The close loop runs ``MODERATOR_CLOSES`` times (6 by default, to keep the suite's cost down; the
release check runs it with ``MODERATOR_CLOSES=100``). It is seeded (``MODERATOR_CLOSES_SEED``).
"""

from __future__ import annotations

import contextlib
import os
import pty
import random
import select
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from moderator.session.journal import read_journal
from tests.conftest import WORKSHOP
from tests.system.test_e2e_tmux import MODERATOR, TMUX, Terminal, _tmux

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)"),
    pytest.mark.skipif(not MODERATOR.exists(), reason="the moderator script is not installed in this environment"),
]

ENDS_WITHIN = 3.0
CLOSES = int(os.environ.get("MODERATOR_CLOSES", "6"))
SEED = int(os.environ.get("MODERATOR_CLOSES_SEED", "22"))


def _alive(pid: int) -> bool:
    """Running (a zombie no one has reaped yet has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z"


def _ended_within(pid: int, seconds: float) -> float | None:
    """Seconds the process took to end, or None if it still runs after ``seconds``."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if not _alive(pid):
            return time.monotonic() - started
        time.sleep(0.02)
    return None if _alive(pid) else time.monotonic() - started


def _run_in(folder: Path, width: int, height: int) -> Terminal:
    """``moderator run`` as the pane's own process (``exec``): closing the pane hangs up its terminal."""
    return Terminal(f"{MODERATOR} run {WORKSHOP} --out reports", folder, width=width, height=height)


@pytest.mark.attack("F9")
def test_closing_the_terminal_at_random_moments_always_ends_the_console(tmp_path: Path) -> None:
    """Close the terminal (tmux ``kill-session``: SIGHUP and SIGCONT, the pty gone) at random moments:
    while the console starts, idles, redraws at 80x24, or rewrites the report after a note."""
    chance = random.Random(SEED)
    durations: list[float] = []
    stuck: list[str] = []
    moments = ("starting", "idle", "mid-redraw", "report-rewrite")
    started = False
    for number in range(CLOSES):
        moment = moments[number % len(moments)] if number < len(moments) else chance.choice(moments)
        width, height = (80, 24) if moment == "mid-redraw" else chance.choice([(80, 24), (100, 30), (120, 40)])
        terminal = _run_in(tmp_path, width, height)
        pid = terminal.pid()
        try:
            if moment == "starting":
                time.sleep(chance.uniform(0.05, 1.0))
            else:
                terminal.wait_for("Resumed" if started else "press space to start", timeout=30)
                if not started:
                    terminal.keys("Space")
                    terminal.wait_for("left")
                    started = True
                if moment == "mid-redraw":
                    terminal.keys("n", "p", "+", "-")  # each key redraws the agenda and the timer
                    _tmux("resize-window", "-t", terminal.name, "-x", "81", "-y", "25")
                    time.sleep(chance.uniform(0.0, 0.05))
                elif moment == "report-rewrite":
                    terminal.keys("i")
                    terminal.type(f"note {number} before the close")
                    terminal.keys("Enter")  # the report is rewritten for it, now
                    time.sleep(chance.uniform(0.0, 0.3))
                else:
                    time.sleep(chance.uniform(0.0, 1.0))
        finally:
            terminal.close()
        took = _ended_within(pid, ENDS_WITHIN)
        if took is None:
            stuck.append(f"close {number} ({moment}, {width}x{height}): pid {pid} still runs")
            os.kill(pid, signal.SIGKILL)
        else:
            durations.append(took)
    assert not stuck, "\n".join(stuck)
    print(f"{CLOSES} closes: slowest {max(durations):.2f} s, mean {sum(durations) / len(durations):.2f} s")
    # The next run opens at once and resumes where the session was.
    final = _run_in(tmp_path, 100, 30)
    try:
        final.wait_for("Resumed", timeout=30)
    finally:
        final.close()
    journal = next((tmp_path / "reports").glob("*/live.journal.jsonl"))
    assert read_journal(journal).events


@pytest.mark.attack("F10")
def test_a_terminal_gone_without_sighup_ends_the_console_without_spinning(tmp_path: Path) -> None:
    """The pty's other side closed while the console is not its session's leader (no SIGHUP): reads
    give end-of-file or EIO at once, forever. CPU at most 5 % within 5 s, then the process ends."""
    controller, terminal = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    process = subprocess.Popen([str(MODERATOR), "run", str(WORKSHOP), "--out", "reports"], cwd=tmp_path,
                               stdin=terminal, stdout=terminal, stderr=terminal, env=env,
                               start_new_session=True)  # the pty is not its controlling terminal
    os.close(terminal)
    try:
        screen = b""
        deadline = time.monotonic() + 30
        while b"press space" not in screen and time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.2)
            if ready:
                with contextlib.suppress(OSError):
                    screen = (screen + os.read(controller, 65536))[-200_000:]
        assert b"press space" in screen, "the console never drew"
        os.close(controller)
        closed = time.monotonic()
        took = _ended_within(process.pid, 5.0)
        if took is None:  # still there: it must at least not spin
            ticks = os.sysconf("SC_CLK_TCK")
            before = _cpu_ticks(process.pid)
            time.sleep(1.0)
            share = (_cpu_ticks(process.pid) - before) / ticks
            pytest.fail(f"still running {time.monotonic() - closed:.1f} s after the pty closed, "
                        f"using {share:.0%} of a core")
        process.wait(5)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


@pytest.mark.attack("F11")
def test_sigterm_under_a_flood_of_keys_ends_the_console(tmp_path: Path) -> None:
    """Keys pour in (and redraw) while SIGTERM comes: the console still ends within 3 s, status 143."""
    script = f"{MODERATOR} run {WORKSHOP} --out reports; echo EXIT=$?; sleep 60"
    terminal = Terminal(f"sh -c '{script}'", tmp_path)
    try:
        terminal.wait_for("press space to start")
        terminal.keys("Space")
        terminal.wait_for("left")
        shell = terminal.pid()
        console = int(subprocess.run(["pgrep", "-P", str(shell)], capture_output=True, text=True).stdout.split()[0])
        flooding = threading.Event()

        def flood() -> None:
            keys = ["n", "p", "+", "-", "Space", "Space", "g", "x", "y", "z"] * 10
            while not flooding.is_set():
                with contextlib.suppress(subprocess.CalledProcessError):
                    _tmux("send-keys", "-t", terminal.name, *keys)

        flooder = threading.Thread(target=flood, daemon=True)
        flooder.start()
        time.sleep(1.0)
        os.kill(console, signal.SIGTERM)
        took = _ended_within(console, ENDS_WITHIN)
        flooding.set()
        flooder.join(5)
        assert took is not None, "the console still runs 3 s after SIGTERM"
        assert "EXIT=143" in terminal.wait_for("EXIT=")
    finally:
        terminal.close()
