"""The fault suite: the installed console in a real terminal (tmux), attacked while it runs.

Each test types notes and counts one as acknowledged only once it shows in the Notes panel;
then it attacks (a full file system freed again, the run folder removed, the journal replaced,
SIGTERM, SIGHUP, SIGKILL, the wall clock jumping two hours, bytes that are not UTF-8, 100 KB
pasted as keystrokes), goes on typing, stops, and ends with the same check: every
acknowledged note is in the journal on disk exactly once. Ids refer to docs/RELIABILITY.md.
"""

from __future__ import annotations

import collections
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import WORKSHOP
from disk_helpers import fill, small_tmpfs
from system.test_e2e_tmux import MODERATOR, TMUX, Terminal, _tmux

from moderator.session.events import NoteAdded
from moderator.session.journal import read_journal

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)"),
    pytest.mark.skipif(not MODERATOR.exists(), reason="the moderator script is not installed in this environment"),
]

FAKETIME = shutil.which("faketime")


class Console:
    """``moderator run`` in tmux, in a shell that stays to show the exit status and the terminal's state."""

    def __init__(self, cwd: Path, out: Path, *, prefix: str = "", env: dict[str, str] | None = None) -> None:
        self.cwd = cwd
        self.out = out
        (cwd / "tmp").mkdir(exist_ok=True)
        variables = {"TMPDIR": str(cwd / "tmp"), **(env or {})}  # the journal's fallback copies go here
        exports = " ".join(f"{name}={shlex.quote(value)}" for name, value in variables.items())
        command = f"{prefix}{MODERATOR} run {WORKSHOP} --out {shlex.quote(str(out))}"
        script = f"env {exports} {command}; echo EXIT=$?; sleep 60"
        self.terminal = Terminal(f"sh -c {shlex.quote(script)}", cwd)
        self.acknowledged: list[str] = []

    def start(self) -> None:
        self.terminal.wait_for("press space to start")
        self.terminal.keys("Space")
        self.terminal.wait_for("left")
        self.terminal.keys("i")
        time.sleep(0.3)

    def note(self, text: str) -> None:
        """Type a note; it is acknowledged when the Notes panel shows it."""
        self.terminal.type(text)
        self.terminal.keys("Enter")
        # In the Notes panel, not merely in the box or a toast; the start of it: a toast may cover the end.
        self.terminal.wait_for(f"• {text}"[:40])
        self.acknowledged.append(text)

    def quit(self) -> str:
        self.terminal.keys("Escape")
        self.terminal.keys("C-q")
        self.terminal.wait_for("Quit?")
        self.terminal.keys("y")
        return self.terminal.wait_for("EXIT=")

    def console_pid(self) -> int:
        """The moderator process under the shell (pane pid is the shell)."""
        shell = self.terminal.pid()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            children = subprocess.run(["pgrep", "-P", str(shell)], capture_output=True, text=True).stdout.split()
            for child in children:
                grandchildren = subprocess.run(["pgrep", "-P", child], capture_output=True, text=True).stdout.split()
                for pid in [child, *grandchildren]:
                    if "moderator" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                        return int(pid)
            time.sleep(0.1)
        raise AssertionError("the console process was not found")

    def journal(self) -> Path:
        return next(self.out.glob("*/live.journal.jsonl"))

    def assert_every_acknowledged_note_on_disk_exactly_once(self) -> None:
        notes = collections.Counter(e.text for e in read_journal(self.journal()).events if isinstance(e, NoteAdded))
        assert self.acknowledged, "the test acknowledged no note"
        for text in self.acknowledged:
            assert notes[text] == 1, f"{text!r} is in the journal {notes[text]} times"

    def terminal_restored(self) -> bool:
        state = _tmux("display-message", "-p", "-t", self.terminal.name, "#{alternate_on} #{mouse_any_flag}")
        return state.split() == ["0", "0"]


@pytest.fixture
def consoles() -> Iterator[list[Console]]:
    opened: list[Console] = []
    yield opened
    for console in opened:
        console.terminal.close()


def _open(consoles: list[Console], cwd: Path, out: Path | None = None, **options: object) -> Console:
    console = Console(cwd, out or cwd / "reports", **options)  # type: ignore[arg-type]
    consoles.append(console)
    console.start()
    return console


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs (root only)."""
    with small_tmpfs(tmp_path / "disk", "2m") as disk:
        yield disk


@pytest.mark.attack("F1")
def test_a_full_disk_then_freed(tmp_path: Path, consoles: list[Console], small_disk: Path) -> None:
    console = _open(consoles, tmp_path, small_disk / "reports")
    console.note("before the disk filled")
    filler = fill(small_disk)
    # The journal's last page may still have room: type until a write is refused.
    for number in range(40):
        console.note(f"while the disk is full {number:02d} " + "y" * 60)
        if "cannot be written" in console.terminal.screen():
            break
    console.terminal.wait_for("cannot be written")
    filler.unlink()
    console.note("after the disk was freed")
    console.quit()
    console.assert_every_acknowledged_note_on_disk_exactly_once()
    assert not read_journal(console.journal()).warnings, "a half line was left in the journal"
    assert not list((tmp_path / "tmp" / "moderator").glob("*.jsonl")), "the fallback copy was not written back"


@pytest.mark.attack("F2")
def test_the_run_folder_removed(tmp_path: Path, consoles: list[Console]) -> None:
    console = _open(consoles, tmp_path)
    console.note("before the folder went")
    shutil.rmtree(console.journal().parent)
    console.note("after the folder went")
    console.terminal.wait_for("was removed")
    console.quit()
    console.assert_every_acknowledged_note_on_disk_exactly_once()


@pytest.mark.attack("F3")
def test_the_journal_replaced_by_an_old_copy(tmp_path: Path, consoles: list[Console]) -> None:
    console = _open(consoles, tmp_path)
    console.note("the old copy has this")
    old = console.journal().read_bytes()
    console.note("only the live journal has this")
    replacement = tmp_path / "old.jsonl"
    replacement.write_bytes(old)
    os.replace(replacement, console.journal())
    console.note("typed after the replacement")
    console.terminal.wait_for("replaced")
    console.quit()
    console.assert_every_acknowledged_note_on_disk_exactly_once()
    assert (console.journal().parent / "live.journal.jsonl.replaced").read_bytes() == old


@pytest.mark.attack("F4")
@pytest.mark.attack("A09")
@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_close_it_like_ctrl_q(tmp_path: Path, consoles: list[Console],
                                                 number: signal.Signals) -> None:
    console = _open(consoles, tmp_path)
    console.note(f"before {number.name}")
    os.kill(console.console_pid(), number)
    screen = console.terminal.wait_for("EXIT=")
    assert f"EXIT={128 + number}" in screen
    if number is signal.SIGTERM:
        assert "Stopped by SIGTERM" in screen
    assert console.terminal_restored(), "alternate screen or mouse tracking left on"
    console.assert_every_acknowledged_note_on_disk_exactly_once()
    report = next(console.out.glob("*/live.report.md")).read_text(encoding="utf-8")
    assert f"before {number.name}" in report


@pytest.mark.attack("F5")
def test_sigkill_then_resume(tmp_path: Path, consoles: list[Console]) -> None:
    first = _open(consoles, tmp_path)
    first.note("typed before the kill")
    os.kill(first.console_pid(), signal.SIGKILL)
    first.terminal.wait_for("EXIT=")
    second = Console(tmp_path, tmp_path / "reports")
    consoles.append(second)
    second.terminal.wait_for("Resumed")
    second.terminal.keys("i")
    time.sleep(0.3)
    second.acknowledged = list(first.acknowledged)
    second.note("typed after the resume")
    second.quit()
    second.assert_every_acknowledged_note_on_disk_exactly_once()


@pytest.mark.attack("F6")
@pytest.mark.skipif(FAKETIME is None, reason="faketime is not installed (apt install faketime)")
def test_the_wall_clock_jumps_two_hours(tmp_path: Path, consoles: list[Console]) -> None:
    stamp = tmp_path / "faketime"
    stamp.write_text("+0\n")
    env = {"FAKETIME_TIMESTAMP_FILE": str(stamp), "FAKETIME_NO_CACHE": "1", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
           "LD_PRELOAD": _libfaketime()}
    console = _open(consoles, tmp_path, env=env)
    console.note("before the jump")
    stamp.write_text("+2h\n")
    time.sleep(1.5)
    console.note("after the jump")
    assert "slept" not in console.terminal.screen(), "a wall-clock jump is not sleep"
    console.quit()
    console.assert_every_acknowledged_note_on_disk_exactly_once()
    notes = [e for e in read_journal(console.journal()).events if isinstance(e, NoteAdded)]
    assert notes[1].t - notes[0].t < 60, "the session's time jumped with the wall clock"


def _libfaketime() -> str:
    for candidate in ("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
                      "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1", "/usr/lib/faketime/libfaketime.so.1"):
        if Path(candidate).exists():
            return candidate
    pytest.skip("libfaketime not found")


@pytest.mark.attack("F7")
@pytest.mark.attack("A07")
@pytest.mark.attack("A05")
def test_bytes_that_are_not_utf8_and_markup_from_the_terminal(tmp_path: Path, consoles: list[Console]) -> None:
    console = _open(consoles, tmp_path)
    # a bracketed paste of a lone surrogate's bytes and of 0xFF, then typed markup
    paste = "1b 5b 32 30 30 7e ed a0 80 41 ff 1b 5b 32 30 31 7e"  # ESC[200~ .. ESC[201~
    console.terminal.keys("-H", *paste.split())
    console.terminal.keys("Enter")
    console.terminal.wait_for("\ufffd")
    console.note("[bold red]RED[/] typed")
    console.terminal.type("@[/] unknown speaker")
    console.terminal.keys("Enter")  # refused in a toast that shows the text, given back to the box
    console.terminal.wait_for("@[/]")
    time.sleep(0.5)
    console.quit()
    console.assert_every_acknowledged_note_on_disk_exactly_once()


@pytest.mark.attack("F8")
@pytest.mark.attack("A08")
def test_100_kb_pasted_as_keystrokes(tmp_path: Path, consoles: list[Console]) -> None:
    console = _open(consoles, tmp_path)
    console.note("before the flood")
    flood = tmp_path / "flood.txt"
    flood.write_text("x" * 100_000)
    _tmux("load-buffer", "-b", "flood", str(flood))
    began = time.monotonic()
    _tmux("paste-buffer", "-b", "flood", "-t", console.terminal.name)  # no -p: not a bracketed paste
    console.terminal.wait_for("at most")
    console.terminal.keys("Enter")
    console.terminal.wait_for("xxxxxxxxxxxxxxxxxxxx")
    assert time.monotonic() - began < 30, "the console took too long to take the paste"
    console.note("after the flood")
    console.quit()
    console.assert_every_acknowledged_note_on_disk_exactly_once()


@pytest.mark.attack("A06")
def test_a_crashed_console_exits_non_zero(tmp_path: Path) -> None:
    """The console raising inside Textual (here: its screen cannot be built) ends with status 1."""
    script = (
        "import sys; from moderator.tui import console; "
        "console.ConsoleScreen.compose = lambda self: (_ for _ in ()).throw(RuntimeError('boom')); "
        "from moderator.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    shell = f"{sys.executable} -c {shlex.quote(script)} run {WORKSHOP}; echo EXIT=$?; sleep 30"
    terminal = Terminal(f"sh -c {shlex.quote(shell)}", tmp_path)
    try:
        screen = terminal.wait_for("EXIT=")
        assert "EXIT=1" in screen
    finally:
        terminal.close()
