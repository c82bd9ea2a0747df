"""Where a command's document goes: standard output, or a file written atomically."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from moderator.files import write_atomic
from moderator.problems import ModeratorError


def deliver(data: str | bytes, output: Path | None, *, what: str = "the output") -> None:
    """Print ``data``, or write it to ``output`` in one atomic step (never half a file)."""
    if output is None:
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
            sys.stdout.flush()
        return
    try:
        write_atomic(output, data.decode("utf-8") if isinstance(data, bytes) else data)
    except OSError as error:
        raise ModeratorError(f"{output}: cannot write {what}: {error.strerror or error}") from None


def reader_went_away() -> int:
    """``moderator ... | head``: the reader closed the pipe. Stop quietly with status 1, as
    Python's documentation advises, and keep the flush at exit from failing again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 1
