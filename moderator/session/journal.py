"""The journal: an append-only JSON Lines file of everything that happened in a session.

It is the source of truth: the engine's state and the report are rebuilt from it.
Every event is written, flushed and ``fsync``'d before ``append`` returns, so anything the
console acknowledged survives a crash or a power cut. If the journal's folder becomes
unwritable, events continue in a fallback file (named in ``fallback_path``) that holds the
whole journal so far, rather than being lost.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from moderator.files import fsync_dir as _fsync_dir
from moderator.problems import ModeratorError
from moderator.session.events import Event, EventError, EventType, UnknownEventType, decode_line, encode


class JournalError(ModeratorError):
    """An event could not be made durable; the command that produced it did not happen."""


@dataclass
class JournalContents:
    events: list[Event]
    warnings: list[str] = field(default_factory=list)
    torn_tail: bytes = b""


def read_journal(path: str | Path) -> JournalContents:
    """Read every whole event; skip a torn last line (and any unreadable line) with a warning."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise JournalError(f"{path}: no such journal") from None
    except OSError as error:
        raise JournalError(f"{path}: cannot read: {error.strerror}") from None
    contents = JournalContents(events=[])
    body, newline, tail = data.rpartition(b"\n")
    if not newline:
        body, tail = b"", data
    if tail.strip():
        contents.torn_tail = tail
        contents.warnings.append(
            f"{path}: the last line was cut off mid-write ({len(tail)} bytes) and was skipped; "
            "the command it recorded was never acknowledged"
        )
    for number, raw in enumerate(body.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            contents.events.append(decode_line(raw))
        except UnknownEventType as error:
            contents.warnings.append(f"{path}:{number}: {error} (written by a newer version?), skipped")
        except EventError as error:
            contents.warnings.append(f"{path}:{number}: not a journal event ({error}), skipped")
    if contents.events and contents.events[0].TYPE is not EventType.OPENED:
        raise JournalError(f"{path}: not a moderator journal (it does not begin with 'opened')")
    return contents


class Journal:
    """Appends events durably. Open an existing file to continue it (a resumed session)."""

    def __init__(self, path: str | Path, *, fallback_dir: str | Path | None = None) -> None:
        self.path = Path(path)
        self.fallback_dir = Path(fallback_dir) if fallback_dir else Path(tempfile.gettempdir()) / "moderator"
        self.fallback_path: Path | None = None
        self._lines: list[bytes] = []
        self._fd: int | None = None
        self._open_primary()

    def _open_primary(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            existed = self.path.exists()
            if existed:
                self._drop_torn_tail()
                self._lines = [line + b"\n" for line in self.path.read_bytes().split(b"\n") if line]
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            if not existed:
                _fsync_dir(self.path.parent)
        except OSError as error:
            raise JournalError(f"{self.path}: cannot open the journal: {error.strerror}") from None

    def _drop_torn_tail(self) -> None:
        """A half-written last event was never acknowledged; keep its bytes aside, then cut it."""
        data = self.path.read_bytes()
        cut = data.rfind(b"\n") + 1
        if cut == len(data):
            return
        with open(self.path.with_name(self.path.name + ".torn"), "ab") as aside:
            aside.write(data[cut:] + b"\n")
        with open(self.path, "r+b") as handle:
            handle.truncate(cut)
            handle.flush()
            os.fsync(handle.fileno())

    @property
    def active_path(self) -> Path:
        return self.fallback_path or self.path

    def append(self, event: Event) -> None:
        """Write one event and make it durable; raise ``JournalError`` if no copy could be made."""
        line = encode(event)
        try:
            self._write(line)
        except OSError as primary_error:
            try:
                self._switch_to_fallback()
                self._write(line)
            except OSError as error:
                raise JournalError(
                    f"could not save to {self.path} ({primary_error.strerror}) "
                    f"nor to {self.fallback_path or self.fallback_dir} ({error.strerror})"
                ) from None
        self._lines.append(line)

    def _write(self, line: bytes) -> None:
        if self._fd is None:
            raise OSError(9, "journal is closed")
        view = memoryview(line)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        os.fsync(self._fd)

    def _switch_to_fallback(self) -> None:
        """Start a complete copy of the journal elsewhere, so nothing depends on the old file."""
        self.fallback_dir.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=self.path.stem + "-", suffix=".jsonl", dir=self.fallback_dir)
        os.write(handle, b"".join(self._lines))
        os.fsync(handle)
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
        self._fd = handle
        self.fallback_path = Path(name)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

