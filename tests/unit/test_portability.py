"""Nothing imported at a module's top exists on one system only (issue 24): every module of the
package imports in a Python where the POSIX-only and the Windows-only modules are missing, as
Windows lacks the first and Linux and macOS the second."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ONE_SYSTEM_MODULES = ("fcntl", "termios", "tty", "pty", "pwd", "grp", "resource", "syslog",
                      "msvcrt", "winreg", "winsound", "_winapi")

POSIX_ONLY = {"moderator.tui.driver": "termios"}
"""Modules for one system by design, imported only behind a guard (``ModeratorApp.get_driver_class``)."""


def test_every_module_imports_without_any_system_only_module() -> None:
    script = textwrap.dedent(f"""
        import importlib, pkgutil, sys
        for name in {ONE_SYSTEM_MODULES!r}:
            sys.modules[name] = None  # "import fcntl" now raises ImportError, as on Windows
        import moderator
        for info in pkgutil.walk_packages(moderator.__path__, "moderator."):
            if info.name == "moderator.__main__":
                continue  # it runs the console
            try:
                importlib.import_module(info.name)
            except ImportError as error:
                print(info.name, error, sep="\\t")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    failures = dict(line.split("\t", 1) for line in done.stdout.splitlines())
    assert set(failures) == set(POSIX_ONLY), failures
    for module, needs in POSIX_ONLY.items():
        assert needs in failures[module]


def test_version_says_the_system_and_its_clock(capsys: pytest.CaptureFixture[str]) -> None:
    from moderator import __version__
    from moderator.cli import main
    from moderator.session.clock import sleep_clocks

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    first, second = capsys.readouterr().out.splitlines()
    assert first == f"moderator {__version__}"
    assert f"clock: {sleep_clocks().name}" in second


def test_a_seat_keeps_its_outbox_in_each_system_own_place(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from moderator.share.outbox import state_dir

    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "AppData" / "Local"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert state_dir("win32") == tmp_path / "AppData" / "Local" / "moderator"
    assert state_dir("linux") == tmp_path / "state" / "moderator"
    assert state_dir("darwin") == tmp_path / "state" / "moderator"
    monkeypatch.delenv("XDG_STATE_HOME")
    assert state_dir("darwin") == Path.home() / ".local" / "state" / "moderator"


def test_private_files_are_the_owners_on_each_system(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import subprocess

    from moderator.share.private_files import write_private

    calls: list[list[str]] = []

    def icacls(argv: list[str], **_: object) -> subprocess.CompletedProcess[bytes]:
        calls.append(argv)
        return subprocess.CompletedProcess(argv, 0)

    posix = tmp_path / "links.txt"
    write_private(posix, "stage http://x/stage/t\n", platform="linux", run=icacls)
    assert posix.stat().st_mode & 0o777 == 0o600 and not calls
    assert posix.read_bytes() == b"stage http://x/stage/t\n", "LF on every system"

    monkeypatch.setenv("USERNAME", "ana")
    monkeypatch.setenv("USERDOMAIN", "LAPTOP")
    windows = tmp_path / "tokens.json"
    write_private(windows, "{}\n", platform="win32", run=icacls)
    assert calls == [["icacls", str(windows), "/inheritance:r", "/grant:r", "LAPTOP\\ana:F"]]
    assert windows.read_bytes() == b"{}\n"


def test_private_files_on_windows_without_icacls_are_still_written(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    from moderator.share.private_files import owner_only_on_windows, write_private

    def missing(argv: list[str], **_: object) -> object:
        raise FileNotFoundError(2, "icacls")

    monkeypatch.setenv("USERNAME", "ana")
    path = tmp_path / "links.txt"
    write_private(path, "x\n", platform="win32", run=missing)
    assert path.read_text(encoding="utf-8") == "x\n"
    assert not owner_only_on_windows(path, run=missing)
    monkeypatch.delenv("USERNAME")
    assert not owner_only_on_windows(path, run=missing)


def test_every_file_opened_with_os_open_is_opened_binary() -> None:
    """Windows' ``os.open`` is in text mode unless given ``O_BINARY`` (cpython#52646): ``\\n`` written
    would become ``\\r\\n`` and a journal's sizes would no longer match what was written. Every
    ``os.open`` of a file carries ``files.BINARY``; a folder (fsync), the null device and the terminal
    need not."""
    import ast

    import moderator

    package = Path(moderator.__file__).parent
    not_files = {("files.py", "folder"), ("commands/output.py", "os.devnull"),
                 ("share/link_input.py", "/dev/tty")}  # a terminal, not a file (absent on Windows: skipped)
    missing, seen = [], 0
    for path in sorted(package.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and ast.unparse(node.func) == "os.open"):
                continue
            seen += 1
            call = ast.get_source_segment(source, node) or ""
            where = path.relative_to(package).as_posix()
            if any(where == name and what in call for name, what in not_files):
                continue
            if "BINARY" not in call and "_OPEN_FLAGS" not in call:
                missing.append(f"{where}:{node.lineno}: {call}")
    assert seen >= 10 and not missing, (seen, missing)


def test_files_are_written_where_fchmod_and_folder_fsync_do_not_exist(monkeypatch: pytest.MonkeyPatch,
                                                                       tmp_path: Path) -> None:
    """Windows has no ``os.fchmod`` and cannot open a folder: an atomic write works all the same."""
    import os

    from moderator import files

    opened: list[str] = []
    real_open = os.open

    def recording_open(path: object, flags: int, *args: object) -> int:
        opened.append(str(path))
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.delattr(os, "fchmod")
    monkeypatch.setattr(os, "open", recording_open)
    target = tmp_path / "report.md"
    files.write_atomic(target, "a\nb\n")
    assert target.read_bytes() == b"a\nb\n"
    opened.clear()
    files.fsync_dir(tmp_path, platform="win32")
    assert str(tmp_path) not in opened, "no folder is opened on Windows"
    files.fsync_dir(tmp_path, platform="linux")
    assert str(tmp_path) in opened


@pytest.mark.parametrize(("platform", "device", "flags"), [
    ("linux", "/dev/tty", os.O_RDONLY), ("darwin", "/dev/tty", os.O_RDONLY), ("win32", "CONIN$", os.O_RDWR)])
def test_a_piped_link_leaves_the_console_the_terminal_s_keys_on_each_system(
        platform: str, device: str, flags: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``moderator join --link-file -`` read the link from a pipe: file 0 (and on Windows the standard
    input handle the console driver reads) becomes the terminal's keyboard."""
    from moderator.share import link_input

    keys = tmp_path / "keys"
    keys.write_bytes(b"typed\n")
    opened: list[tuple[str, int]] = []
    pointed: list[int] = []

    def opener(path: str, flag: int) -> int:
        opened.append((path, flag))
        return os.open(keys, os.O_RDONLY)

    monkeypatch.setattr(sys, "stdin", sys.stdin)
    saved = os.dup(0)
    try:
        link_input._terminal_as_stdin(platform, opener=opener, point_std_input=pointed.append)
        assert os.read(0, 6) == b"typed\n"
    finally:
        os.dup2(saved, 0)
        os.close(saved)
    assert opened == [(device, flags)]
    assert pointed == ([0] if platform == "win32" else [])
