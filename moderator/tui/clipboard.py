"""The system clipboard, where one is reachable, beside the terminal's (OSC 52).

OSC 52 asks the terminal to set the clipboard; macOS Terminal.app ignores it, and so does
tmux without ``set-clipboard on``: the moderator would see "copied" and paste nothing into
Zoom. So the chat signal also goes to the operating system's clipboard through the first
tool found on the PATH (``pbcopy``, ``wl-copy``, ``xclip``, ``xsel``, ``clip.exe``), and the
console says which way it went and shows the text to copy by hand.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

TIMEOUT = 1.0
"""Seconds a clipboard tool may take; the console does not wait longer than that."""

TOOLS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("pbcopy", (), ""),
    ("wl-copy", (), "WAYLAND_DISPLAY"),
    ("xclip", ("-selection", "clipboard"), "DISPLAY"),
    ("xsel", ("--clipboard", "--input"), "DISPLAY"),
    ("clip.exe", (), ""),
)
"""(program, arguments, the environment variable it needs to reach a display)."""


@dataclass(frozen=True)
class Copied:
    tool: str | None
    """The program that took the text, or None: only OSC 52 was tried."""


def copy_text(text: str) -> Copied:
    """Give ``text`` to the first clipboard tool that takes it (exit status 0)."""
    for program, arguments, needs in TOOLS:
        if needs and not os.environ.get(needs):
            continue
        path = shutil.which(program)
        if path is None:
            continue
        encoding = "utf-16-le" if program == "clip.exe" else "utf-8"
        try:
            done = subprocess.run([path, *arguments], input=text.encode(encoding), timeout=TIMEOUT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return Copied(program)
    return Copied(None)
