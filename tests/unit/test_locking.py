"""One writer per file on every system (``moderator.locking``): POSIX's ``flock`` for real here,
Windows' ``msvcrt.locking`` through a stand-in module that behaves as Windows documents it."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

from moderator.locking import (
    LOCKED_BYTE,
    FileLock,
    LockHeld,
    PosixLocks,
    WindowsLocks,
    backend_for,
    is_locked,
    lock_path,
    read_holder,
)
from moderator.session.journal import Journal, JournalBusy, ensure_not_running


def test_one_holder_at_a_time_even_in_one_process(tmp_path: Path) -> None:
    target = tmp_path / "journal.jsonl"
    first, second = FileLock(target, role="console"), FileLock(target)
    assert first.try_acquire() and first.held
    assert not second.try_acquire() and not second.held
    assert is_locked(target)
    first.release()
    assert not is_locked(target)
    assert second.try_acquire()
    second.release()
    assert lock_path(target).exists(), "the lock file stays: deleting it would let two hold the lock"


def test_the_holder_is_named_in_the_refusal(tmp_path: Path) -> None:
    target = tmp_path / "journal.jsonl"
    with FileLock(target, role="console"):
        holder = read_holder(lock_path(target))
        assert holder is not None and holder.pid == os.getpid() and holder.role == "console"
        with pytest.raises(LockHeld) as refused:
            FileLock(target).acquire()
        assert refused.value.holder == holder
        assert f"process {os.getpid()}" in str(refused.value) and "console" in str(refused.value)


def test_acquire_waits_for_a_previous_holder_then_gives_up(tmp_path: Path) -> None:
    target = tmp_path / "outbox.jsonl"
    previous = FileLock(target).acquire()
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    with pytest.raises(LockHeld):
        FileLock(target).acquire(wait=1.0, poll=0.25, sleep=sleep, monotonic=lambda: now[0])
    assert slept == [0.25] * 4

    def release_while_waiting(seconds: float) -> None:
        previous.release()  # the previous console finished closing
        sleep(seconds)

    taken = FileLock(target).acquire(wait=5.0, poll=0.5, sleep=release_while_waiting, monotonic=lambda: now[0])
    assert taken.held
    taken.release()


def test_the_os_releases_the_lock_of_a_killed_process(tmp_path: Path) -> None:
    target = tmp_path / "journal.jsonl"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from moderator.locking import FileLock
            FileLock(Path({str(target)!r})).acquire()
            print("held", flush=True)
            time.sleep(30)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert is_locked(target)
        assert (read_holder(lock_path(target)) or pytest.fail("no holder")).pid == holder.pid
    finally:
        holder.kill()
        holder.wait(timeout=10)
    assert not is_locked(target)
    assert FileLock(target).try_acquire()


def test_checking_creates_nothing_and_refuses_no_lock_file(tmp_path: Path) -> None:
    target = tmp_path / "journal.jsonl"
    assert not is_locked(target)
    assert not lock_path(target).exists()


@pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW"), reason="POSIX: the lock file is opened with O_NOFOLLOW")
def test_a_lock_file_that_is_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "journal.jsonl"
    elsewhere = tmp_path / "elsewhere"
    lock_path(target).symlink_to(elsewhere)
    with pytest.raises(OSError) as refused:
        FileLock(target).try_acquire()
    assert refused.value.errno == errno.ELOOP
    assert not elsewhere.exists()


class FakeMsvcrt(types.ModuleType):
    """``msvcrt.locking`` as Windows documents ``_locking``: it locks ``nbytes`` from the file's
    current position; ``LK_NBLCK`` fails at once with EACCES when another handle holds a byte of it;
    ``LK_UNLCK`` frees what this handle holds. Locks are per handle, even within one process."""

    LK_UNLCK, LK_LOCK, LK_NBLCK = 0, 1, 2

    def __init__(self) -> None:
        super().__init__("msvcrt")
        self.held: dict[tuple[int, int, int], int] = {}  # (device, inode, byte) -> fd
        self.positions: list[int] = []

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        status = os.fstat(fd)
        start = os.lseek(fd, 0, os.SEEK_CUR)
        self.positions.append(start)
        keys = [(status.st_dev, status.st_ino, start + n) for n in range(nbytes)]
        if mode == self.LK_UNLCK:
            for key in keys:
                if self.held.get(key) == fd:
                    del self.held[key]
            return
        if any(self.held.get(key, fd) != fd for key in keys):
            raise PermissionError(errno.EACCES, "Permission denied")
        for key in keys:
            self.held[key] = fd


def test_each_system_gets_its_own_lock() -> None:
    fake = FakeMsvcrt()
    asked: list[str] = []

    def importer(name: str) -> types.ModuleType:
        asked.append(name)
        return fake if name == "msvcrt" else __import__(name)

    assert isinstance(backend_for("win32", importer), WindowsLocks)
    assert isinstance(backend_for("darwin", importer), PosixLocks)
    assert isinstance(backend_for("linux", importer), PosixLocks)
    assert asked == ["msvcrt", "fcntl", "fcntl"]


def test_windows_branch_one_holder_and_readable_details(tmp_path: Path) -> None:
    fake = FakeMsvcrt()
    backend = backend_for("win32", lambda name: fake)
    target = tmp_path / "journal.jsonl"
    first, second = FileLock(target, role="console", backend=backend), FileLock(target, backend=backend)
    assert first.try_acquire()
    assert not second.try_acquire()
    assert is_locked(target, backend=backend)
    assert set(fake.positions) == {LOCKED_BYTE}, "the lock sits past the holder's details, which others read"
    holder = read_holder(lock_path(target))
    assert holder is not None and holder.pid == os.getpid()
    assert lock_path(target).stat().st_size < LOCKED_BYTE
    with pytest.raises(LockHeld) as refused:
        second.acquire()
    assert refused.value.holder == holder
    first.release()
    assert not fake.held
    assert second.try_acquire()
    second.release()


def test_windows_branch_reports_other_errors(tmp_path: Path) -> None:
    class Broken(FakeMsvcrt):
        def locking(self, fd: int, mode: int, nbytes: int) -> None:
            raise OSError(errno.EBADF, "Bad file descriptor")

    with pytest.raises(OSError) as failed:
        FileLock(tmp_path / "x", backend=WindowsLocks(Broken())).try_acquire()
    assert failed.value.errno == errno.EBADF


def test_a_journal_held_by_a_console_is_refused_with_who_holds_it(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    with Journal(path):
        with pytest.raises(JournalBusy, match=rf"process {os.getpid()}.*end its process \({os.getpid()}\)"):
            Journal(path)
        with pytest.raises(JournalBusy):
            ensure_not_running(path)
    ensure_not_running(path)
    Journal(path).close()


def test_a_journal_keeps_its_lock_when_written_again(tmp_path: Path) -> None:
    """The lock is beside the journal, not on it: a journal set aside and recreated stays held."""
    from moderator.session.events import Paused

    path = tmp_path / "journal.jsonl"
    with Journal(path) as journal:
        path.unlink()
        journal.append(Paused(t=1.0, wall="2021-10-08T09:00:00+00:00"))
        assert path.exists() and journal.take_notices()
        with pytest.raises(JournalBusy):
            Journal(path)


def test_a_symbolic_link_is_not_a_journal(tmp_path: Path) -> None:
    real = tmp_path / "real.jsonl"
    real.write_bytes(b"")
    path = tmp_path / "journal.jsonl"
    path.symlink_to(real)
    from moderator.session.journal import JournalError

    with pytest.raises(JournalError, match="symbolic link"):
        Journal(path)
