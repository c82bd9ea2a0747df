"""Files only the person running the console may read: the links' tokens and ``links.txt``.

Anyone who reads a token can see (or, with the co-moderator's, drive) the session, so these
files are kept private by each system's means:

- Linux, macOS: created mode 0600 and put back to 0600 if someone loosened them.
- Windows has no mode bits (``chmod`` only sets "read-only"): a file takes the permissions of its
  folder. Under the profile folder (``C:\\Users\\you``, where Windows Terminal opens) only the user,
  SYSTEM and the administrators may read it. ``icacls`` then removes what the file inherited from
  its folder and grants the user alone, so a run in a shared folder stays private too; where
  ``icacls`` cannot (a FAT USB stick has no permissions at all), the folder's permissions stay.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from moderator.files import BINARY, write_atomic

PRIVATE_MODE = 0o600
ICACLS_SECONDS = 10


def write_private(path: Path, text: str, *, platform: str = sys.platform,
                  run: Callable[..., Any] = subprocess.run) -> None:
    """Replace ``path`` with ``text`` atomically; the file is readable by its owner only."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | BINARY, PRIVATE_MODE))
    with contextlib.suppress(OSError):
        os.chmod(path, PRIVATE_MODE)
    write_atomic(path, text)  # keeps the mode the file has (POSIX)
    if platform == "win32":
        owner_only_on_windows(path, run=run)  # the file renamed into place has its folder's permissions


def owner_only_on_windows(path: Path, *, run: Callable[..., Any] = subprocess.run) -> bool:
    """Windows: ``icacls PATH /inheritance:r /grant:r DOMAIN\\USER:F``, the user alone may read or
    write ``path``. Best effort (False when it could not): the folder's permissions still apply."""
    user = os.environ.get("USERNAME")
    if not user:
        return False
    domain = os.environ.get("USERDOMAIN")
    who = f"{domain}\\{user}" if domain else user
    try:
        done = run(["icacls", str(path), "/inheritance:r", "/grant:r", f"{who}:F"],
                   capture_output=True, timeout=ICACLS_SECONDS, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return getattr(done, "returncode", 1) == 0
