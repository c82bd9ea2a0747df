"""A small disk that really fills, for the full-disk faults (docs/RELIABILITY.md F1, F12).

A folder filled by a file is not a full disk (the rest of the machine's disk is still there), so a
fault test mounts a tmpfs of a few megabytes and writes it to its last byte. Mounting needs root:
anywhere else the test is skipped, saying why.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def small_tmpfs(mount_point: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` (``"2m"``) at ``mount_point``, unmounted afterwards; skips when not root."""
    mount_point.mkdir(parents=True, exist_ok=True)
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)],
        capture_output=True).returncode == 0
    if not mounted:
        pytest.skip("cannot mount a small tmpfs here (not root, or not permitted)")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def fill(folder: Path) -> Path:
    """Fill the file system under ``folder`` to its last byte; unlink the returned file to free it."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for size in (65536, 4096, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)
    return filler
