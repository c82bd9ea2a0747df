"""Rendering the live report in a process of its own, so a long session's report never
competes with the console for its interpreter.

At 20,000 notes one render of the report takes most of a second of CPU. In a thread of the
console's process it holds the interpreter lock for all that time, and every key the
rapporteur types waits behind it. Here it runs in a child process on another core; the
console's side only sends the events (small, immutable) and receives the finished text.

The child is started with the programme and a copy of the state, then receives batches of
events; for each batch it applies them with the same reducer (``state.apply``) and answers
with the report's text. Messages are length-prefixed pickles on the child's stdin and
stdout: a private pipe between two processes of this program, never a file or a socket.

``python -m moderator.report.render_process`` is the child; ``RenderProcess`` its parent side.
"""

from __future__ import annotations

import contextlib
import pickle
import struct
import subprocess
import sys
from typing import IO, Any

from moderator.programme import Programme
from moderator.session.events import Event
from moderator.session.state import State

_LENGTH = struct.Struct("!Q")


class RenderProcessError(Exception):
    """The child could not be started, or stopped answering."""


def _send(stream: IO[bytes], message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    header = stream.read(_LENGTH.size)
    if len(header) < _LENGTH.size:
        raise EOFError("the other side closed the pipe")
    (length,) = _LENGTH.unpack(header)
    data = stream.read(length)
    if len(data) < length:
        raise EOFError("the other side closed the pipe mid-message")
    return pickle.loads(data)


class RenderProcess:
    """The parent's side: ``render(events)`` applies them in the child and returns the report."""

    def __init__(self, programme: Programme, state: State, fmt: str = "md") -> None:
        try:
            self._child = subprocess.Popen(
                [sys.executable, "-m", "moderator.report.render_process"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            )
            assert self._child.stdin is not None and self._child.stdout is not None
            self._to: IO[bytes] = self._child.stdin
            self._from: IO[bytes] = self._child.stdout
            _send(self._to, (programme, state, fmt))
        except (OSError, pickle.PickleError) as error:
            raise RenderProcessError(f"cannot start the report's process: {error}") from None

    def render(self, events: list[Event]) -> str:
        """The report after ``events``; raises ``RenderProcessError`` if the child is gone, and
        re-raises (as ``RuntimeError``) what went wrong in rendering."""
        try:
            _send(self._to, events)
            status, payload = _receive(self._from)
        except (OSError, EOFError, pickle.PickleError) as error:
            raise RenderProcessError(f"the report's process stopped: {error}") from None
        if status != "ok":
            raise RuntimeError(payload)
        return str(payload)

    def close(self) -> None:
        for stream in (self._to, self._from):
            with contextlib.suppress(OSError):
                stream.close()
        try:
            self._child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._child.kill()
            self._child.wait()


def serve(incoming: IO[bytes], outgoing: IO[bytes]) -> None:
    """The child: keep a state, apply each batch of events, answer with the rendered report."""
    from moderator.report.memo import RenderMemo
    from moderator.report.render import render_report
    from moderator.session.state import apply

    programme, state, fmt = _receive(incoming)
    memo = RenderMemo()  # one programme for the child's life: a rewrite costs what changed
    while True:
        try:
            events = _receive(incoming)
        except EOFError:
            return
        for event in events:
            apply(state, event)
        try:
            answer: tuple[str, str] = ("ok", render_report(programme, state, fmt, memo))
        except Exception as error:  # told to the parent, which says so and keeps the journal safe
            answer = ("error", f"{type(error).__name__}: {error}")
        _send(outgoing, answer)


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
