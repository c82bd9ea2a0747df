"""One writer per file, on every system: an OS lock held in a small ``.lock`` file beside it.

A console holds its journal's lock while it runs (two writers would give two events one place);
a seat holds its outbox's. The lock is the operating system's, not a file's existence: the OS lets
it go when the process ends, even killed (``kill -9``, a crash, the laptop's battery), so there is
never a stale lock to remove by hand.

- POSIX (Linux, macOS): ``fcntl.flock``, exclusive, not waiting, on the whole ``.lock`` file.
- Windows: ``msvcrt.locking`` (``LockFile``), not waiting, on one byte at ``LOCKED_BYTE``, past the
  holder's details (Windows locks are mandatory: a locked byte cannot even be read by others).

The lock lives in its own file rather than on the file it guards: a journal that is set aside and
written again (``Journal._recreate``) keeps its lock, and Windows' mandatory lock would otherwise
forbid the writer its own appends. The ``.lock`` file is never deleted (deleting it while another
process opens it would let two hold "the" lock); it holds the holder's details (pid, host, since),
written once the lock is taken, so a refusal can say who holds it.

Written by hand rather than with ``filelock``/``portalocker``: neither records who holds a lock,
``filelock`` deletes the lock file on release on Windows (the race above), and the branch for each
system must be chosen by the tests (``backend_for``), which ``msvcrt`` being absent here needs.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import json
import os
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from moderator.files import BINARY, NOFOLLOW
from moderator.problems import Words

LOCK_SUFFIX = ".lock"
LOCKED_BYTE = 4096
"""Where Windows' one-byte lock sits: past the holder's details, which others read."""
HOLDER_SIZE = 1024
"""Bytes of holder details, padded with spaces: always written whole in place, so the file is never
cut (truncating under a lock is one thing Windows may refuse)."""
_BUSY_ERRNOS = {errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK, getattr(errno, "EDEADLOCK", errno.EDEADLK)}


class LockBackend(Protocol):
    """How one system takes and gives back an exclusive, non-waiting lock on an open file."""

    def try_lock(self, fd: int) -> bool:
        """Take the lock: True if taken, False if another holder has it; OSError otherwise."""
        ...

    def unlock(self, fd: int) -> None:
        ...


class PosixLocks:
    """``flock`` (Linux, macOS, the BSDs): per open file, released by the OS with the process."""

    def __init__(self, fcntl_module: ModuleType | None = None) -> None:
        self._fcntl: Any = fcntl_module or importlib.import_module("fcntl")

    def try_lock(self, fd: int) -> bool:
        try:
            self._fcntl.flock(fd, self._fcntl.LOCK_EX | self._fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in _BUSY_ERRNOS:
                return False
            raise
        return True

    def unlock(self, fd: int) -> None:
        self._fcntl.flock(fd, self._fcntl.LOCK_UN)


class WindowsLocks:
    """``msvcrt.locking`` on one byte at ``LOCKED_BYTE``: ``LK_NBLCK`` fails at once (EACCES) when
    another handle holds it; Windows releases it when the handle is closed or the process ends."""

    def __init__(self, msvcrt_module: ModuleType | None = None) -> None:
        self._msvcrt: Any = msvcrt_module or importlib.import_module("msvcrt")

    def try_lock(self, fd: int) -> bool:
        os.lseek(fd, LOCKED_BYTE, os.SEEK_SET)
        try:
            self._msvcrt.locking(fd, self._msvcrt.LK_NBLCK, 1)
        except OSError as error:
            if error.errno in _BUSY_ERRNOS:
                return False
            raise
        return True

    def unlock(self, fd: int) -> None:
        os.lseek(fd, LOCKED_BYTE, os.SEEK_SET)
        self._msvcrt.locking(fd, self._msvcrt.LK_UNLCK, 1)


def backend_for(platform: str = sys.platform, importer: Callable[[str], ModuleType] = importlib.import_module,
                ) -> LockBackend:
    """The lock of ``platform`` (``sys.platform``'s spelling); ``importer`` loads its module, so a
    test can choose Windows' branch on Linux with a stand-in ``msvcrt``."""
    if platform == "win32":
        return WindowsLocks(importer("msvcrt"))
    return PosixLocks(importer("fcntl"))


@dataclass(frozen=True)
class Holder:
    """Who holds a lock, as the holder wrote it when it took it."""

    pid: int
    host: str
    since: str
    """ISO 8601, UTC."""
    role: str = ""

    def describe(self) -> Words:
        """"console, process 4242 on laptop-2, since …": ``Words``, said in the session's language
        where a refusal names the holder (``journal.busy_message``)."""
        elsewhere = bool(self.host) and self.host != socket.gethostname()
        where = (Words("process {pid} on {host}", pid=self.pid, host=self.host) if elsewhere
                 else Words("process {pid}", pid=self.pid))
        role: str | None = _ROLES.get(self.role, self.role)  # a role a newer version wrote: as it is
        if role:
            return Words("{role}, {where}, since {since}", role=role, where=where, since=self.since)
        return Words("{where}, since {since}", where=where, since=self.since)


_ROLES = {"console": Words("console"), "seat": Words("seat")}
"""The roles a holder writes (``FileLock(role=...)``), as a person reads them."""


class LockHeld(Exception):
    """Another process holds the lock; ``holder`` says who, when it could be read."""

    def __init__(self, path: Path, holder: Holder | None) -> None:
        super().__init__(f"{path} is held by {holder.describe() if holder else 'another process'}")
        self.path = path
        self.holder = holder


def lock_path(target: Path) -> Path:
    """The lock file that guards ``target``: beside it, named after it."""
    return target.with_name(target.name + LOCK_SUFFIX)


_OPEN_FLAGS = os.O_RDWR | os.O_CREAT | NOFOLLOW | BINARY | getattr(os, "O_NOINHERIT", 0)


class FileLock:
    """An exclusive lock on ``target`` (held in ``lock_path(target)``), taken by ``acquire``.

    One per process and target: a second ``FileLock`` on the same target, even in this process,
    is refused (as another console would be)."""

    def __init__(self, target: Path, *, role: str = "", backend: LockBackend | None = None) -> None:
        self.target = Path(target)
        self.path = lock_path(self.target)
        self.role = role
        self._backend = backend or backend_for()
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self) -> bool:
        """Take the lock if it is free (True); False if another holds it. Never waits."""
        if self._fd is not None:
            return True
        fd = os.open(self.path, _OPEN_FLAGS, 0o644)
        try:
            taken = self._backend.try_lock(fd)
        except BaseException:
            os.close(fd)
            raise
        if not taken:
            os.close(fd)
            return False
        self._fd = fd
        with contextlib.suppress(OSError):  # the details are a courtesy; the lock is what counts
            self._write_holder(fd)
        return True

    def acquire(self, *, wait: float = 0.0, poll: float = 0.1, sleep: Callable[[float], None] = time.sleep,
                monotonic: Callable[[], float] = time.monotonic) -> FileLock:
        """Take the lock, trying again for up to ``wait`` seconds (a previous holder still closing);
        raise ``LockHeld`` (saying who holds it) if it is still held then."""
        deadline = monotonic() + wait
        while not self.try_acquire():
            if monotonic() >= deadline:
                raise LockHeld(self.path, self.holder())
            sleep(poll)
        return self

    def release(self) -> None:
        """Give the lock back (closing the descriptor alone would too); the file stays."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            with contextlib.suppress(OSError):
                self._backend.unlock(fd)
        finally:
            os.close(fd)

    def holder(self) -> Holder | None:
        """Who holds the lock, as written in the lock file (None when unreadable or never written)."""
        return read_holder(self.path)

    def _write_holder(self, fd: int) -> None:
        details = {"pid": os.getpid(), "host": socket.gethostname(), "role": self.role,
                   "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        data = json.dumps(details, ensure_ascii=True).encode("ascii")[: HOLDER_SIZE - 1] + b"\n"
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data.ljust(HOLDER_SIZE, b" "))

    def __enter__(self) -> FileLock:
        return self.acquire()

    def __exit__(self, *_: object) -> None:
        self.release()


def is_locked(target: Path, *, backend: LockBackend | None = None) -> bool:
    """Whether another process holds ``target``'s lock now: tried and given back at once.

    Opens the lock file read-only and without creating it: no lock file means no holder ever ran
    here, and a read-only folder (a journal on a CD, a shared drive) can still be checked."""
    backend = backend or backend_for()
    try:
        fd = os.open(lock_path(target), os.O_RDONLY | NOFOLLOW | BINARY)
    except FileNotFoundError:
        return False
    try:
        if not backend.try_lock(fd):
            return True
        with contextlib.suppress(OSError):
            backend.unlock(fd)
        return False
    finally:
        os.close(fd)


def read_holder(path: Path) -> Holder | None:
    """The holder's details in lock file ``path``; None when absent, empty or not ours."""
    try:
        fd = os.open(path, os.O_RDONLY | NOFOLLOW | BINARY)
    except OSError:
        return None
    try:
        raw = os.read(fd, HOLDER_SIZE)
    except OSError:
        return None
    finally:
        os.close(fd)
    try:
        details = json.loads(raw.split(b"\n", 1)[0])
    except ValueError:
        return None
    if not isinstance(details, dict) or not isinstance(details.get("pid"), int):
        return None
    return Holder(pid=details["pid"], host=str(details.get("host", "")), since=str(details.get("since", "")),
                  role=str(details.get("role", "")))
