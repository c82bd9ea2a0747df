"""Textual's private parts this console relies on, named in one place (``driver.py`` takes the
parser from here) and pinned by ``tests/console/test_textual_private.py``, which fails when the
pinned Textual changes any of them:

- ``rebind``: a screen's or the App's key bindings (Textual's private ``_bindings``, which the
  Footer, the key panel and the palette read) rewritten after Textual built them from
  ``BINDINGS``: in the session's language, and for a seat's role;
- ``XTermParser`` and ``ParseError``: the terminal's parser, used by ``driver.ModeratorDriver``,
  whose ``run_input_thread`` is a copy of ``LinuxDriver.run_input_thread`` with two changes
  (bytes decoded with ``errors="replace"``; long key bursts made one paste). The driver stays in
  its own module because it subclasses ``LinuxDriver``, which exists only where ``termios``
  does: this module imports on every system;
- ``WriterThread``: Textual's thread that writes to the terminal, which the driver's
  ``TerminalWriter`` extends so that a terminal gone neither kills nor blocks the console.
"""

from __future__ import annotations

from collections.abc import Callable

from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.binding import BindingsMap
from textual.dom import DOMNode
from textual.drivers._writer_thread import WriterThread

__all__ = ["ParseError", "WriterThread", "XTermParser", "rebind"]


def rebind(node: DOMNode, change: Callable[[BindingsMap], BindingsMap]) -> None:
    """Replace ``node``'s bindings (built by Textual from ``BINDINGS``) with ``change(bindings)``."""
    node._bindings = change(node._bindings)
