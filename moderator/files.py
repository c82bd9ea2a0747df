"""Writing files so that a crash, a power cut or a reader at the wrong moment never sees half of one."""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import stat
import sys
import tempfile
from pathlib import Path

DEFAULT_MODE = 0o644

BINARY = getattr(os, "O_BINARY", 0)
"""Windows: ``os.open`` is in text mode unless asked (the C runtime would turn ``\\n`` into ``\\r\\n`` and
stop reading at a ctrl+Z); 0 elsewhere. Every ``os.open`` of a file we write or read carries it."""
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
"""POSIX: refuse to open through a symbolic link; Windows has no flag (``refuse_link`` checks first)."""
NONBLOCK = getattr(os, "O_NONBLOCK", 0)
"""POSIX: a FIFO opens at once instead of waiting for a writer; Windows has no FIFOs on disk."""

PROGRAMME_LIMIT = 4 * 1024 * 1024
"""Bytes: a real programme is a few kilobytes; 4 MB is a thousand times that."""
JOURNAL_LIMIT = 64 * 1024 * 1024
"""Bytes: a day of notes typed without pause is under 5 MB."""
CHAT_LIMIT = 16 * 1024 * 1024
"""Bytes: a saved Zoom chat of a long session is well under 1 MB."""


class FileTooLarge(OSError):
    """A file bigger than anything of its kind could be: refused before it fills the memory."""


def _megabytes(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB"


def refuse_link(path: str | Path) -> None:
    """Refuse a symbolic link where ``NOFOLLOW`` cannot (Windows); a no-op for a plain file or none."""
    if os.path.islink(path):
        raise OSError(errno.ELOOP, "is a symbolic link, not a file")


def require_regular_file(path: str | Path) -> None:
    """Refuse FIFOs, devices and sockets (``/dev/zero``, a pipe that never ends) by their type."""
    status = os.stat(path)
    if stat.S_ISDIR(status.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a file")
    if not stat.S_ISREG(status.st_mode):
        raise OSError(errno.EINVAL, "not a regular file (a pipe, a device or a socket); only files are read")


def read_bounded(path: str | Path, limit: int = JOURNAL_LIMIT) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; ``OSError`` (with a ``strerror``
    fit for one line) otherwise.

    Opened without blocking, so that a FIFO is refused at once instead of waiting forever for
    a writer; checked by ``fstat`` on what was opened, then read to at most ``limit`` + 1 bytes,
    so a file that grows while read is refused too.
    """
    fd = os.open(path, os.O_RDONLY | NONBLOCK | BINARY | getattr(os, "O_NOCTTY", 0))
    try:
        status = os.fstat(fd)
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory, not a file")
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a pipe, a device or a socket); only files are read")
        if status.st_size > limit:
            raise FileTooLarge(errno.EFBIG, f"larger than {_megabytes(limit)}, the most a file of its kind can be")
        chunks = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1024 * 1024, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise FileTooLarge(errno.EFBIG, f"larger than {_megabytes(limit)}, the most a file of its kind can be")
        return b"".join(chunks)
    finally:
        os.close(fd)


def fsync_dir(folder: Path, *, platform: str = sys.platform) -> None:
    """Make a new or renamed file's name itself durable (best effort: not every system allows it).

    Windows cannot open a folder with ``os.open`` (nor ``fsync`` one): NTFS journals the names of
    files itself, so there is nothing to do there."""
    if platform == "win32":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_TEMPORARY_SUFFIX = ".tmp"


def _temporary_prefix(target: Path) -> str:
    return f".{target.name}."


def remove_leftovers(path: str | Path) -> list[Path]:
    """Delete the temporary files that ``write_atomic(path, ...)`` left behind when the process
    was killed (or the power cut) between creating one and renaming it; return them.

    Nothing else can clean them up: the process that made them is gone. Call it before the
    first write of ``path``, from the only writer of ``path``.
    """
    target = Path(path)
    removed = []
    for leftover in target.parent.glob(glob.escape(_temporary_prefix(target)) + "*" + _TEMPORARY_SUFFIX):
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed.append(leftover)
    return removed


def write_atomic(path: str | Path, text: str | bytes) -> None:
    """Replace ``path`` with ``text`` (UTF-8) in one step: readers see the old file or the new one.

    The text goes to a temporary file in the same folder, is flushed and ``fsync``'d, then
    renamed over ``path`` (``os.replace`` is atomic on one file system), and the folder is
    ``fsync``'d so that the rename survives a power cut. Raises ``OSError`` when any step fails;
    ``path`` is then left as it was and no temporary file is left behind.
    """
    target = Path(path)
    folder = target.parent
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        mode = DEFAULT_MODE
    fd, temporary = tempfile.mkstemp(prefix=_temporary_prefix(target), suffix=_TEMPORARY_SUFFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            handle.flush()
            if hasattr(os, "fchmod"):  # not on Windows
                with contextlib.suppress(OSError):  # nor on every file system
                    os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    fsync_dir(folder)
