"""Files only the person running the console may read: the links' tokens and ``links.txt``.

Anyone who reads a token can see (or, with the co-moderator's, drive) the session, so these
files are created mode 0600 and put back to 0600 if someone loosened them.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from moderator.files import BINARY, write_atomic

PRIVATE_MODE = 0o600


def write_private(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically; the file is readable by its owner only."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | BINARY, PRIVATE_MODE))
    with contextlib.suppress(OSError):
        os.chmod(path, PRIVATE_MODE)
    write_atomic(path, text)  # keeps the mode the file has
