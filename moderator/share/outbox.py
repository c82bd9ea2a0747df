"""The seat's outbox: a note is on the seat's own disk before it is "sending", until the host acks it.

One JSON Lines file per link and seat, in the user's state folder
(``$XDG_STATE_HOME/moderator/outbox/<link>-<seat>.jsonl``, ``~/.local/state`` by default). A command
line ``{"id", "type", "args"}`` is appended and fsync'd before ``put`` returns; an
acknowledgement appends ``{"acked": id}`` (no fsync needed: resending an acknowledged command is
harmless, the host answers it with its original seq). When nothing is waiting the file is emptied,
so it stays small. A torn last line (the seat killed mid-write) was never shown as sending and is
dropped. The commands left are resent, in order, on start and on every reconnect.

What it shows it keeps: a line is written whole (a short write is continued) and ``fsync``'d before
``put`` returns; a write that fails (disk full, no permission) is cut back off the file, so the next
line is never glued to half of it, and ``put`` raises ``OutboxError`` (a ``JournalError``: the
console leaves the note in the box and says NOT SAVED). One process per outbox: the file is locked
(``moderator.locking``, the journal's portable lock) while a seat uses it; a second ``join`` on the
same link, name and computer is refused with who holds it. A damaged line in the middle of the
file (not the torn last one) is kept aside in ``<outbox>.damaged`` and counted in ``damaged``, for
the seat to say.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moderator.files import BINARY
from moderator.locking import FileLock, LockHeld
from moderator.problems import ModeratorError, Words
from moderator.session.journal import JournalError

COMPACT_AFTER = 256
"""Acknowledgement lines kept before the file is rewritten with only what still waits."""


def state_dir(platform: str = sys.platform) -> Path:
    """Where a seat keeps its outbox: ``%LOCALAPPDATA%`` on Windows (in the profile, the user's only by
    its default permissions), ``$XDG_STATE_HOME`` (``~/.local/state``) elsewhere."""
    if platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "moderator"
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "moderator"


@dataclass(frozen=True)
class Pending:
    id: str
    type: str
    args: dict[str, Any] = field(default_factory=dict)

    def as_message(self) -> dict[str, Any]:
        return {"type": "command", "id": self.id, "command": self.type, "args": self.args}


class OutboxError(JournalError):
    """A command could not be made durable in the seat's outbox: it was not sent, nor shown as sending."""


class OutboxBusy(ModeratorError):
    """Another process on this computer uses this outbox (the same link and name)."""


class Outbox:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._pending: dict[str, Pending] = {}
        self._acked_lines = 0
        self.damaged = 0
        """Damaged lines found at start (kept aside in ``damaged_path``, not sent)."""
        self.damaged_path = path.with_name(path.name + ".damaged")
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(path, role="seat")
        try:
            self._lock.acquire()
        except LockHeld as held:
            raise OutboxBusy("another `moderator join` on this computer is already using this link under this name "
                             "({holder}); close it, or join with another --name",
                             holder=held.holder.describe() if held.holder else Words("another process")) from None
        try:
            if path.exists():
                self._load()
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | BINARY, 0o600)
        except OSError as error:
            self._lock.release()
            raise OutboxError("{path}: cannot open the seat's outbox: {reason}", path=str(path),
                              reason=error.strerror) from None

    def _load(self) -> None:
        lines = self.path.read_bytes().split(b"\n")
        damaged: list[bytes] = []
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except ValueError:
                if number < len(lines):  # a whole line (it has its line break) that does not read
                    damaged.append(raw)
                continue  # else a torn last line: never fsync'd, so never shown as sending
            if not isinstance(record, dict):
                damaged.append(raw)
                continue
            if isinstance(record.get("acked"), str):
                self._pending.pop(record["acked"], None)
            elif isinstance(record.get("id"), str) and isinstance(record.get("type"), str):
                args = record.get("args")
                self._pending[record["id"]] = Pending(record["id"], record["type"], args if isinstance(args, dict)
                                                      else {})
            else:
                damaged.append(raw)
        if damaged:
            self._keep_aside(damaged)
        with contextlib.suppress(OSError):  # a full disk: the file as it is still holds everything
            self._rewrite()

    def _keep_aside(self, damaged: list[bytes]) -> None:
        """Damaged lines are not sent (they cannot be read), but not thrown away either."""
        self.damaged = len(damaged)
        with contextlib.suppress(OSError):
            fd = os.open(self.damaged_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | BINARY, 0o600)
            try:
                _write_all(fd, b"".join(line + b"\n" for line in damaged))
                os.fsync(fd)
            finally:
                os.close(fd)

    def put(self, command: Pending) -> None:
        """Make ``command`` durable on this machine; only then may it be shown or sent.
        ``OutboxError`` if it could not be (nothing of it is left in the file then)."""
        try:
            self._append({"id": command.id, "type": command.type, "args": command.args}, sync=True)
        except OSError as error:
            raise OutboxError("not kept on this computer ({reason}): {path}", reason=error.strerror,
                              path=str(self.path)) from None
        self._pending[command.id] = command

    def acked(self, command_id: str) -> bool:
        """The host has it (or refused it): forget it. Returns whether it was waiting here."""
        if self._pending.pop(command_id, None) is None:
            return False
        # Writing the acknowledgement down may fail (a full disk): it is then sent again after a
        # restart, which the host answers with its first answer. Nothing to tell.
        with contextlib.suppress(OSError):
            if not self._pending:
                os.ftruncate(self._fd, 0)
                self._acked_lines = 0
            else:
                self._append({"acked": command_id}, sync=False)
                self._acked_lines += 1
                if self._acked_lines > COMPACT_AFTER:
                    self._rewrite()
        return True

    def waiting(self) -> list[Pending]:
        """What the host has not acknowledged yet, oldest first."""
        return list(self._pending.values())

    def __len__(self) -> int:
        return len(self._pending)

    def _append(self, record: dict[str, Any], *, sync: bool) -> None:
        """The line whole, or nothing: a write that fails midway is cut back off the file."""
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        size = os.fstat(self._fd).st_size
        try:
            _write_all(self._fd, line)
            if sync:
                os.fsync(self._fd)
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, size)
            raise

    def _rewrite(self) -> None:
        """Only what still waits, written aside and renamed over the file (atomic, fsync'd)."""
        temporary = self.path.with_name(self.path.name + ".tmp")
        try:
            with open(temporary, "wb") as handle:
                for command in self._pending.values():
                    record = {"id": command.id, "type": command.type, "args": command.args}
                    handle.write((json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode())
                handle.flush()
                os.fsync(handle.fileno())
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
        os.replace(temporary, self.path)
        if getattr(self, "_fd", None) is not None:
            os.close(self._fd)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | BINARY, 0o600)
        self._acked_lines = 0

    def close(self) -> None:
        os.close(self._fd)
        self._lock.release()


def _write_all(fd: int, data: bytes) -> None:
    """``os.write`` may write part of ``data`` (a disk nearly full, a signal): go on until all is written."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]
