"""The seat's outbox: a note is on the seat's own disk before it is "sending", until the host acks it.

One JSON Lines file per link and seat, in the user's state folder
(``$XDG_STATE_HOME/moderator/outbox/<link>-<seat>.jsonl``, ``~/.local/state`` by default). A command
line ``{"id", "type", "args"}`` is appended and fsync'd before ``put`` returns; an
acknowledgement appends ``{"acked": id}`` (no fsync needed: resending an acknowledged command is
harmless, the host answers it with its original seq). When nothing is waiting the file is emptied,
so it stays small. A torn last line (the seat killed mid-write) was never shown as sending and is
dropped. The commands left are resent, in order, on start and on every reconnect.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moderator.files import BINARY

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


class Outbox:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._pending: dict[str, Pending] = {}
        self._acked_lines = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            self._load()
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | BINARY, 0o600)

    def _load(self) -> None:
        for raw in self.path.read_bytes().split(b"\n"):
            try:
                record = json.loads(raw)
            except ValueError:
                continue  # a torn last line: never fsync'd, so never shown as sending
            if not isinstance(record, dict):
                continue
            if isinstance(record.get("acked"), str):
                self._pending.pop(record["acked"], None)
            elif isinstance(record.get("id"), str) and isinstance(record.get("type"), str):
                args = record.get("args")
                self._pending[record["id"]] = Pending(record["id"], record["type"], args if isinstance(args, dict)
                                                      else {})
        self._rewrite()

    def put(self, command: Pending) -> None:
        """Make ``command`` durable on this machine; only then may it be shown or sent."""
        self._append({"id": command.id, "type": command.type, "args": command.args}, sync=True)
        self._pending[command.id] = command

    def acked(self, command_id: str) -> bool:
        """The host has it (or refused it): forget it. Returns whether it was waiting here."""
        if self._pending.pop(command_id, None) is None:
            return False
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
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        os.write(self._fd, line)
        if sync:
            os.fsync(self._fd)

    def _rewrite(self) -> None:
        """Only what still waits, written aside and renamed over the file (atomic, fsync'd)."""
        temporary = self.path.with_name(self.path.name + ".tmp")
        with open(temporary, "wb") as handle:
            for command in self._pending.values():
                record = {"id": command.id, "type": command.type, "args": command.args}
                handle.write((json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)
        if getattr(self, "_fd", None) is not None:
            os.close(self._fd)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | BINARY, 0o600)
        self._acked_lines = 0

    def close(self) -> None:
        os.close(self._fd)
