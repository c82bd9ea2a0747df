"""Where ``moderator join`` finds its link, so that a token need not sit in the process list.

A command line is visible to every user of the machine (``ps``) and kept in shell histories; a
link holds a token, which is a password. So the link may come, in this order, from:

- the ``URL`` argument (simple; visible in ``ps``);
- ``--link-file FILE``: the first line of FILE (``-``: standard input, read without echo at a
  terminal, or the first line of a pipe);
- the ``MODERATOR_LINK`` environment variable.

Whatever the source, a mistake is said without the link itself.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from moderator.files import require_regular_file
from moderator.problems import ModeratorError

ENVIRONMENT_VARIABLE = "MODERATOR_LINK"
MAX_LINK_FILE = 64 * 1024


def find_link(url: str | None, link_file: str | None, environ: dict[str, str] | None = None,
              stdin: TextIO | None = None) -> str:
    """The link to join, from the first source given (see the module's docstring)."""
    environ = dict(os.environ) if environ is None else environ
    if url and url != "-":
        return url.strip()
    if url == "-" or link_file == "-":
        return _from_stdin(stdin or sys.stdin)
    if link_file:
        return _from_file(Path(link_file))
    found = environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if found:
        return found
    raise ModeratorError("no link: give it as URL, with --link-file FILE (- for standard input), "
                         f"or in the environment variable {ENVIRONMENT_VARIABLE}")


def _first_line(text: str, where: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    raise ModeratorError(f"{where}: no link in it")


def _from_file(path: Path) -> str:
    try:
        require_regular_file(path)
        with path.open("rb") as handle:
            data = handle.read(MAX_LINK_FILE + 1)
    except OSError as error:
        raise ModeratorError(f"--link-file {path}: cannot read it ({error.strerror})") from None
    if len(data) > MAX_LINK_FILE:
        raise ModeratorError(f"--link-file {path}: too large to hold a link")
    return _first_line(data.decode("utf-8", "replace"), f"--link-file {path}")


def _from_stdin(stdin: TextIO) -> str:
    if stdin.isatty():
        import getpass

        return _first_line(getpass.getpass("Link (not shown): "), "standard input")
    line = stdin.readline(MAX_LINK_FILE)
    _terminal_as_stdin()
    return _first_line(line, "standard input")


def terminal_device(platform: str = sys.platform) -> str:
    """The terminal's keyboard, whatever standard input is: ``CONIN$`` on Windows, ``/dev/tty`` on
    macOS and Linux."""
    return "CONIN$" if platform == "win32" else "/dev/tty"


def _terminal_as_stdin(platform: str = sys.platform, *, opener: Callable[[str, int], int] = os.open,
                       point_std_input: Callable[[int], None] | None = None) -> None:
    """The link came through a pipe; the console still needs the terminal's keys. On Windows the
    console driver reads the handle Windows gives as standard input, not file 0: it is pointed at
    the console too (``point_std_input``; a test stands in for Windows' own)."""
    try:
        fd = opener(terminal_device(platform), os.O_RDWR if platform == "win32" else os.O_RDONLY)
    except OSError:
        return  # no terminal at all (a test, a script): the console will say so itself
    os.dup2(fd, 0)
    os.close(fd)
    if platform == "win32":
        (point_std_input or _point_windows_std_input)(0)
    sys.stdin = open(0, encoding="utf-8", errors="surrogateescape", closefd=False)  # noqa: SIM115


STD_INPUT_HANDLE = -10


def _point_windows_std_input(fd: int) -> None:
    """``SetStdHandle(STD_INPUT_HANDLE, <the handle of fd>)``: Windows only, imported here."""
    import ctypes
    import importlib

    handle = importlib.import_module("msvcrt").get_osfhandle(fd)
    getattr(ctypes, "windll").kernel32.SetStdHandle(STD_INPUT_HANDLE, handle)  # noqa: B009 - absent elsewhere
