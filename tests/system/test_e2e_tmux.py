"""End to end, as a person would: the installed ``moderator`` in a real terminal (tmux).

Start a live session, type a note, kill the process with SIGKILL mid-session, start it
again: it resumes where it was and the note is still there.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from conftest import WORKSHOP

pytestmark = pytest.mark.e2e

TMUX = shutil.which("tmux")
MODERATOR = Path(sys.executable).with_name("moderator")
SOCKET = f"moderator-tests-{os.getpid()}"
"""A tmux server of this test process's own: tests running side by side never share one."""


def _tmux(*args: str) -> str:
    return str(subprocess.run([str(TMUX), "-L", SOCKET, *args], check=True, capture_output=True, text=True).stdout)


class Terminal:
    """One tmux session running one command; the screen read back as text."""

    def __init__(self, command: str, cwd: Path, width: int = 110, height: int = 34) -> None:
        self.name = f"moderator-e2e-{uuid.uuid4().hex[:8]}"
        env = f"TERM=xterm-256color COLUMNS={width} LINES={height}"
        for attempt in range(5):  # the server may be exiting, its last session just closed: retry
            try:
                _tmux("new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height),
                      "-c", str(cwd), f"exec env {env} {command}")
                break
            except subprocess.CalledProcessError:
                if attempt == 4:
                    raise
                time.sleep(0.2)

    def screen(self) -> str:
        try:
            return _tmux("capture-pane", "-p", "-t", self.name)
        except subprocess.CalledProcessError:
            return ""

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared on screen; last screen:\n{screen}")

    def keys(self, *keys: str) -> None:
        _tmux("send-keys", "-t", self.name, *keys)

    def type(self, text: str) -> None:
        _tmux("send-keys", "-t", self.name, "-l", text)

    def pid(self) -> int:
        return int(_tmux("list-panes", "-t", self.name, "-F", "#{pane_pid}").split()[0])

    def close(self) -> None:
        subprocess.run([TMUX, "-L", SOCKET, "kill-session", "-t", self.name],  # type: ignore[list-item]
                       capture_output=True)


@pytest.fixture
def terminals():
    opened: list[Terminal] = []
    yield opened
    for terminal in opened:
        terminal.close()


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")
@pytest.mark.skipif(not MODERATOR.exists(), reason="the moderator script is not installed in this environment")
def test_kill_and_resume_in_a_real_terminal(tmp_path: Path, terminals: list[Terminal]) -> None:
    command = f"{MODERATOR} run {WORKSHOP} --out reports"
    first = Terminal(command, tmp_path)
    terminals.append(first)
    first.wait_for("press space to start")
    first.keys("Space")
    first.wait_for("left")
    first.keys("n")
    first.wait_for("Introduction of the moderator · 2/")  # moved (a lone key runs 0.25 s after it is pressed)
    # Typed without pause, as a fast rapporteur (or a paste) would: nothing may be lost or glued.
    first.keys("i")
    first.type("the moderator opens with a story from Phnom Penh")
    first.keys("Enter")
    first.type("second note, typed straight after")
    first.keys("Enter")
    first.wait_for("second note, typed straight after")
    journal = next((tmp_path / "reports").glob("*/live.journal.jsonl"))
    notes = [json.loads(line)["text"] for line in journal.read_text(encoding="utf-8").splitlines()
             if '"note_added"' in line]
    assert notes == ["the moderator opens with a story from Phnom Penh", "second note, typed straight after"]

    os.kill(first.pid(), signal.SIGKILL)
    time.sleep(0.5)

    second = Terminal(command, tmp_path)
    terminals.append(second)
    screen = second.wait_for("Resumed at segment 2")
    assert "Introduction of the moderator" in screen
    second.wait_for("a story from Phnom Penh")
    second.keys("C-q")
    second.wait_for("Quit?")
    second.keys("y")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and second.screen():
        time.sleep(0.2)
    report = next((tmp_path / "reports").glob("*/live.report.md"))
    assert "Phnom Penh" in report.read_text(encoding="utf-8")
