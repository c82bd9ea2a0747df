"""A seat's connection with no network, for the seat engine's tests (unit and Pilot).

``LoopbackSeat`` keeps ``share.remote_engine.SeatConnection``: a command the seat sends runs on a
real host engine through the host's own dispatch (``share.dispatch.run_command``: the role table,
exactly once per id), and the host's events come back to the seat as the WebSocket client
receives them. ``connected`` can be switched off to play a seat offline.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moderator.session.clock import Clock
from moderator.session.engine import Engine
from moderator.session.events import Event
from moderator.session.state import State
from moderator.share.dispatch import Outcome, SeatIdentity, run_command
from moderator.share.outbox import Pending
from moderator.share.tokens import Role


@dataclass
class FixedOffset:
    value: float | None


class LoopbackSeat:
    def __init__(self, host: Engine, role: Role, clock: Clock, *, seat_id: str = "seat-0123abcd",
                 name: str | None = "Ana") -> None:
        self.host = host
        self.programme_text: str | None = Path(host.programme.path).read_text(encoding="utf-8")
        self.generation = 0
        self.events: list[Event] = list(host.history)
        self.role = role
        self.name = name
        self.seat_id = seat_id
        self.connected = True
        self.revoked = False
        self.offset = FixedOffset(host.now_t() - clock.monotonic())
        self.sent: list[tuple[str, dict[str, Any]]] = []
        """Every command that left the seat, in order (timer commands and notes alike)."""
        self.outcomes: list[Outcome] = []
        self._outbox: dict[str, Pending] = {}
        self._listeners: list[Callable[[str, dict[str, Any]], None]] = []
        host.subscribe(self._host_event)

    def _host_event(self, event: Event, _: State) -> None:
        self.events.append(event)
        self._tell("event")

    def _tell(self, kind: str) -> None:
        for listener in self._listeners:
            listener(kind, {})

    def subscribe(self, listener: Callable[[str, dict[str, Any]], None]) -> None:
        self._listeners.append(listener)

    def _deliver(self, pending: Pending) -> None:
        self.sent.append((pending.type, pending.args))
        who = SeatIdentity(self.seat_id, self.name, self.role)
        self.outcomes.append(run_command(self.host, who, pending.id, pending.type, pending.args))
        self._outbox.pop(pending.id, None)
        self._tell("ack")

    def send_now(self, command: str, args: dict[str, Any]) -> str | None:
        if not self.connected:
            return None
        pending = Pending(str(uuid.uuid4()), command, args)
        self._deliver(pending)
        return pending.id

    def send_durable(self, command: str, args: dict[str, Any]) -> Pending:
        pending = Pending(str(uuid.uuid4()), command, args)
        self._outbox[pending.id] = pending
        if self.connected:
            self._deliver(pending)
        return pending

    def reconnect(self) -> None:
        """Back online: what waited in the outbox goes, in order."""
        self.connected = True
        for pending in list(self._outbox.values()):
            self._deliver(pending)

    def waiting(self) -> list[Pending]:
        return list(self._outbox.values())
