"""Writing files so that a crash, a power cut or a reader at the wrong moment never sees half of one."""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
from pathlib import Path

DEFAULT_MODE = 0o644


def fsync_dir(folder: Path) -> None:
    """Make a new or renamed file's name itself durable (best effort: not every system allows it)."""
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


def write_atomic(path: str | Path, text: str) -> None:
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
            handle.write(text.encode("utf-8"))
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
