"""Where a command's document goes: standard output, or a file written atomically.

An output can never destroy an input: ``-o`` refuses the journal or programme being read
(under any name: the same file by another path, a link), and anything that is neither a
regular file nor a new path (a folder, a FIFO, a device, a symbolic link), which writing
a file in its place would silently replace.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, TextIO, cast

from moderator.files import write_atomic
from moderator.problems import ModeratorError, Words
from moderator.text import visible

if TYPE_CHECKING:
    from rich.console import Console


def terminal_console(*, piped_width: int | None = None) -> Console:
    """A rich console on which user text can only ever be text.

    Markup and emoji codes are off, so ``[/]`` in a title is printed, not parsed; and every
    piece of text is passed through ``visible`` just before it is written (a render hook on
    the segments rich produces), so an escape sequence in a programme or a journal shows as
    ``␛`` instead of retitling or clearing the terminal. Styles rich adds itself are kept.
    When standard output is not a terminal (a file, a pipe) the console writes ``piped_width``
    columns (rich's default when not given) through a ``TrailingSpaceTrimmer``, so lines come
    without the spaces rich pads them with.
    """
    from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderHook, RenderResult
    from rich.segment import Segment

    class _Visible:
        def __init__(self, inner: ConsoleRenderable) -> None:
            self.inner = inner

        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            for segment in console.render(self.inner, options):
                if segment.control:
                    yield segment
                else:
                    yield Segment(visible(segment.text, keep_newlines=True), segment.style)

    class _VisibleHook(RenderHook):
        def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
            return [_Visible(renderable) for renderable in renderables]

    console = Console(highlight=False, markup=False, emoji=False)
    if not console.is_terminal:
        console = Console(highlight=False, markup=False, emoji=False, width=piped_width or console.width,
                          file=cast(IO[str], TrailingSpaceTrimmer(sys.stdout)))
    console.push_render_hook(_VisibleHook())
    return console


THE_OUTPUT = Words("the output")


def check_output(output: Path, inputs: Sequence[Path] = (), *, what: str = THE_OUTPUT) -> None:
    """Refuse (``ModeratorError``, one line) an ``output`` that would overwrite an input or a non-file.
    ``what``: what would be written ("the report"; ``Words`` to be said in the session's language)."""
    try:
        info = os.lstat(output)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise ModeratorError("{output}: cannot write {what} there: {reason}", output=str(output), what=what,
                             reason=error.strerror or str(error)) from None
    for source in inputs:
        if _same_file(output, source):
            raise ModeratorError("{output}: is the file being read; refusing to write {what} over it (choose another "
                                 "-o file)", output=str(output), what=what)
    if info is None:
        return
    if stat.S_ISLNK(info.st_mode):
        raise ModeratorError("{output}: is a symbolic link; refusing to replace it with {what} (give the file's own "
                             "path, or a new one)", output=str(output), what=what)
    if not stat.S_ISREG(info.st_mode):
        raise ModeratorError("{output}: is not a regular file; refusing to replace it with {what} (give a file's "
                             "path, or a new one)", output=str(output), what=what)


def _same_file(output: Path, source: Path) -> bool:
    try:
        return os.path.samefile(output, source)
    except OSError:
        return Path(os.path.abspath(output)) == Path(os.path.abspath(source))


def deliver(data: str | bytes, output: Path | None, *, what: str = THE_OUTPUT,
            inputs: Sequence[Path] = ()) -> None:
    """Print ``data``, or write it to ``output`` in one atomic step (never half a file).

    ``inputs`` are the files the command read: ``output`` may not be one of them.
    """
    if output is None:
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
            sys.stdout.flush()
        return
    check_output(output, inputs, what=what)
    try:
        write_atomic(output, data)
    except OSError as error:
        raise ModeratorError("{output}: cannot write {what}: {reason}", output=str(output), what=what,
                             reason=error.strerror or str(error)) from None


def refuse_binary_on_terminal(fmt: str) -> None:
    """A Word file printed on a terminal is noise (and can upset it): ask for ``-o`` instead."""
    if sys.stdout.isatty():
        raise ModeratorError("a .{format} file cannot be shown on a terminal (write it with -o FILE.{format}, or "
                             "redirect standard output)", format=fmt)


class TrailingSpaceTrimmer:
    """A text stream that passes lines on without the spaces rich pads them with to its width,
    so that piped output diffs and greps cleanly. Wraps ``sys.stdout`` for a piped console."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._pending = ""

    def write(self, text: str) -> int:
        lines = (self._pending + text).split("\n")
        self._pending = lines.pop()
        for line in lines:
            self.stream.write(line.rstrip(" ") + "\n")
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self.stream.write(self._pending.rstrip(" "))
            self._pending = ""
        self.stream.flush()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self.stream.fileno()


def reader_went_away() -> int:
    """``moderator ... | head``: the reader closed the pipe. Stop quietly with status 1, as
    Python's documentation advises, and keep the flush at exit from failing again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 1
