"""Where a command's document goes: standard output, or a file written atomically."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from moderator.files import write_atomic
from moderator.problems import ModeratorError
from moderator.text import visible

if TYPE_CHECKING:
    from rich.console import Console


def terminal_console(*, piped_width: int | None = None) -> Console:
    """A rich console on which user text can only ever be text.

    Markup and emoji codes are off, so ``[/]`` in a title is printed, not parsed; and every
    piece of text is passed through ``visible`` just before it is written (a render hook on
    the segments rich produces), so an escape sequence in a programme or a journal shows as
    ``␛`` instead of retitling or clearing the terminal. Styles rich adds itself are kept.
    ``piped_width`` is the width to use when standard output is not a terminal.
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
    if piped_width is not None and not console.is_terminal:
        console = Console(highlight=False, markup=False, emoji=False, width=piped_width)
    console.push_render_hook(_VisibleHook())
    return console


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
