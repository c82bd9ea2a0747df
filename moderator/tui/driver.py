"""The terminal driver: Textual's Linux driver, reading input so that no bytes can stop it.

Textual's input thread decodes the terminal's bytes as strict UTF-8: one invalid byte (a
bracketed paste holding ``ED A0 80`` or ``FF``) raised in that thread and ended the console.
And a paste the terminal does not bracket arrives as one key per character: 100 KB of it
kept the console busy for minutes, typing one character (and redrawing) at a time.

``ModeratorDriver`` is the same driver (Textual's public ``driver_class`` hook) with its
input loop decoding with ``errors="replace"`` (an invalid byte becomes U+FFFD) and passing
what follows the first ``BURST`` printable keys of one read of the terminal (more than anyone
types between two reads) as one ``Paste``, which the note box takes in one go. Only ``run_input_thread`` differs from
Textual 8's ``LinuxDriver`` in reading; it still uses Textual's own parser. It also passes the
keys through the ``TypingGuard`` (``typing_guard.py``): a sentence typed while the note box is not
focused goes into the box, never runs as commands.

And a terminal that goes away must never hold the console. Closing a terminal (SIGHUP; in tmux,
``kill-session``) hung one console in four forever, holding the journal's lock. A stack dump showed
why: the kernel sends SIGCONT with SIGHUP to the session's leader, and Textual's SIGCONT handler
(meant for coming back from ``ctrl+z``) started application mode a second time, with a second
writer thread; that thread's first write to the dead terminal raised ``EIO`` and ended it, its
queue (30 writes) filled, and the main thread's next write waited forever in ``Queue.put``
(``LinuxDriver.close`` -> ``WriterThread.stop`` -> ``Queue.put``), with the first writer thread
still waiting on its own queue. So here:

- SIGCONT resumes only a console this driver suspended (``ctrl+z``); any other SIGCONT is ignored;
- the writer (``TerminalWriter``) survives a failed write: the terminal is then gone, further
  writes are dropped, and the App is told (``terminal_gone``), once;
- once the console is closing, a write waits at most ``CLOSING_PATIENCE`` for room in the queue
  and ``stop`` at most that long for the thread: nothing written to a terminal nobody reads blocks;
- the input loop takes end-of-file or an error reading the terminal (a pty whose other side was
  closed without SIGHUP reads as EOF/``EIO`` at once, forever: 100 % of a core) as the terminal
  gone: it stops reading and tells the App.
"""

from __future__ import annotations

import contextlib
import os
import queue
import selectors
import threading
import time
from codecs import getincrementaldecoder
from collections.abc import Callable, Iterable
from typing import IO, Any

from textual import events
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from moderator.tui.textual_private import ParseError, WriterThread, XTermParser
from moderator.tui.typing_guard import TypingGuard

BURST = 24
"""Printable keys in one read of the terminal beyond which they are a paste, not typing:
a fast typist's keys arrive one or two per read."""
READ_SIZE = 4096
CLOSING_PATIENCE = 0.5
"""Seconds a write (or the writer's stop) may wait once the console is closing."""


def coalesce(messages: Iterable[Message], burst: int = BURST) -> list[Message]:
    """``messages`` with each run of printable keys beyond its first ``burst`` made one ``Paste``.

    The first keys stay keys: the console's shortcuts are printable (``i`` opens the note box,
    ``n`` moves on), and a script or a fast terminal may send ``i`` and a note in one read; the
    ``Paste`` then reaches the box that ``i`` focused, after the keys, in order."""
    result: list[Message] = []
    run: list[events.Key] = []

    def close_run() -> None:
        result.extend(run[:burst])
        if len(run) > burst:
            result.append(events.Paste("".join(key.character or "" for key in run[burst:])))
        run.clear()

    for message in messages:
        if isinstance(message, events.Key) and message.is_printable and message.character is not None:
            run.append(message)
            continue
        close_run()
        result.append(message)
    close_run()
    return result


class TerminalWriter(WriterThread):
    """Textual's writer thread, which neither dies on a terminal that is gone nor blocks its callers
    once the console closes (see the module's docstring)."""

    def __init__(self, file: IO[str], on_gone: Callable[[], None]) -> None:
        super().__init__(file)
        self.gone = threading.Event()
        self.closing = threading.Event()
        self._on_gone = on_gone

    def write(self, text: str) -> None:
        """Queue ``text``; while the console runs, wait for room as Textual does (a slow terminal is
        still a terminal), but never once it is gone, and not long once the console closes."""
        while not self.gone.is_set():
            try:
                self._queue.put(text, timeout=CLOSING_PATIENCE)
                return
            except queue.Full:
                if self.closing.is_set():
                    return  # nobody reads the terminal any more: drop it

    def run(self) -> None:
        try:
            super().run()
        except (OSError, ValueError):  # EIO, EPIPE, a closed file: the terminal is gone
            self._lost()

    def _lost(self) -> None:
        self.gone.set()
        with contextlib.suppress(queue.Empty):  # make room for anyone waiting to put
            while True:
                self._queue.get_nowait()
        self._on_gone()

    def stop(self) -> None:
        """Stop the thread; wait for it a bounded time (it may be blocked writing to a stalled terminal)."""
        self.closing.set()
        if not self.gone.is_set():
            with contextlib.suppress(queue.Full):
                self._queue.put(None, timeout=CLOSING_PATIENCE)
        self.join(CLOSING_PATIENCE)


class ModeratorDriver(LinuxDriver):
    _terminal_writer: TerminalWriter | None = None
    _suspended_here = False
    _gone_told = False

    @property
    def _writer_thread(self) -> WriterThread | None:
        return self._terminal_writer

    @_writer_thread.setter
    def _writer_thread(self, writer: WriterThread | None) -> None:
        """Textual makes its writer in ``start_application_mode`` (and starts it right after): ours
        takes its place, on the same file, before it starts."""
        if writer is not None and not isinstance(writer, TerminalWriter):
            writer = TerminalWriter(writer._file, self._terminal_gone)
        self._terminal_writer = writer

    def closing(self) -> None:
        """The console is closing: from now on no write may wait long."""
        if self._terminal_writer is not None:
            self._terminal_writer.closing.set()

    def stop_application_mode(self) -> None:
        self.closing()
        super().stop_application_mode()

    def close(self) -> None:
        self.closing()
        super().close()

    def _sigtstp_application(self, *args: Any) -> None:
        self._suspended_here = True
        super()._sigtstp_application(*args)

    def _sigcont_application(self, *args: Any) -> None:
        """Resume only after our own suspension: the SIGCONT that comes with SIGHUP when the
        terminal closes must not start application mode again (see the module's docstring)."""
        if self._suspended_here:
            self._suspended_here = False
            super()._sigcont_application(*args)

    def _terminal_gone(self) -> None:
        """Tell the App, once, on its own loop, from whichever thread found the terminal gone."""
        if self._gone_told:
            return
        self._gone_told = True
        self.closing()
        app: Any = self._app
        callback = getattr(app, "terminal_gone", None) or app.exit
        with contextlib.suppress(RuntimeError):  # the loop already closed: the console is ending anyway
            self._loop.call_soon_threadsafe(callback)

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events (Textual's loop, with the two changes above)."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")(errors="replace").decode
        guard = TypingGuard()
        app: Any = self._app
        keys_are_commands = getattr(app, "keys_are_commands", lambda: False)

        def deliver(messages: Iterable[Message]) -> None:
            found = list(messages)
            if not found:
                return
            commands = keys_are_commands()
            for message in guard.feed(found, time.monotonic(), keys_are_commands=commands):
                self.process_message(message)

        def process(selector_events: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> bool:
            """Deliver what the terminal sent; ``False`` once it is gone (end of file, or an error)."""
            for number, (_key, mask) in enumerate(selector_events, start=1):
                if mask & selectors.EVENT_READ:
                    try:
                        data = os.read(fileno, READ_SIZE)
                    except OSError:  # EIO: the terminal hung up
                        return False
                    if not data:
                        return False  # end of file: the terminal (or the pipe) closed
                    text = decode(data, final=final and number == len(selector_events))
                    deliver(coalesce(parser.feed(text)))
            deliver(parser.tick())
            for message in guard.due(time.monotonic()):
                self.process_message(message)
            return True

        try:
            while not self.exit_event.is_set():
                if not process(selector.select(guard.timeout(time.monotonic(), 0.1))):
                    self._terminal_gone()
                    return
            selector.unregister(self.fileno)
            process(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _ in parser.feed(""):
                    pass
            except (EOFError, ParseError):  # the parser at end of input: what Textual's own loop catches
                pass

