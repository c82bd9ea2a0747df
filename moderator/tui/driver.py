"""The terminal driver: Textual's Linux driver, reading input so that no bytes can stop it.

Textual's input thread decodes the terminal's bytes as strict UTF-8: one invalid byte (a
bracketed paste holding ``ED A0 80`` or ``FF``) raised in that thread and ended the console.
And a paste the terminal does not bracket arrives as one key per character: 100 KB of it
kept the console busy for minutes, typing one character (and redrawing) at a time.

``ModeratorDriver`` is the same driver (Textual's public ``driver_class`` hook) with its
input loop decoding with ``errors="replace"`` (an invalid byte becomes U+FFFD) and passing
what follows the first ``BURST`` printable keys of one read of the terminal (more than anyone
types between two reads) as one ``Paste``, which the note box takes in one go. Only ``run_input_thread`` differs from
Textual 8's ``LinuxDriver``; it still uses Textual's own parser.
"""

from __future__ import annotations

import selectors
from codecs import getincrementaldecoder
from collections.abc import Iterable

from textual import events
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from moderator.tui.textual_private import ParseError, XTermParser

BURST = 24
"""Printable keys in one read of the terminal beyond which they are a paste, not typing:
a fast typist's keys arrive one or two per read."""
READ_SIZE = 4096


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


class ModeratorDriver(LinuxDriver):
    def run_input_thread(self) -> None:
        """Wait for input and dispatch events (Textual's loop, with the two changes above)."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")(errors="replace").decode

        def process(selector_events: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
            for number, (_key, mask) in enumerate(selector_events, start=1):
                if mask & selectors.EVENT_READ:
                    text = decode(_read(fileno), final=final and number == len(selector_events))
                    if not text:
                        break  # standard input is a pipe that closed
                    for message in coalesce(parser.feed(text)):
                        self.process_message(message)
            for message in parser.tick():
                self.process_message(message)

        try:
            while not self.exit_event.is_set():
                process(selector.select(0.1))
            selector.unregister(self.fileno)
            process(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _ in parser.feed(""):
                    pass
            except (EOFError, ParseError):  # the parser at end of input: what Textual's own loop catches
                pass


def _read(fileno: int) -> bytes:
    import os

    return os.read(fileno, READ_SIZE)
