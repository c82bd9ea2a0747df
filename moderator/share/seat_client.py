"""A seat's connection to the host: follow its journal, send commands, survive faults.

The client keeps a copy of the host's journal events (``events``, in order; ``seq`` is a
position in it), asks on every (re)connect for what it does not have yet, and reconnects by itself
with a growing, jittered delay. Notes and their corrections go through the ``Outbox`` (on disk,
fsync'd, resent in order after every reconnect until acknowledged); timer commands are sent only
while connected. The host's clock is measured NTP-style: of the ``ping``/``pong`` samples the one
with the smallest round trip gives the offset, and a sample that disagrees with it by more than the
round trips explain (a laptop that slept, a host that restarted) starts the measure again.

No Textual here: the console's ``RemoteEngine`` and the headless tests use the same client.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import random
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from moderator.problems import ModeratorError
from moderator.session.events import Event, EventError, decode
from moderator.share.outbox import Outbox, Pending, state_dir

PROTOCOL = 1
BACKOFF_FIRST = 0.1
BACKOFF_MAX = 5.0
PING_EVERY = 2.0
FIRST_PINGS = 5
MAX_RECEIVED = 256 * 1024 * 1024
"""A welcome carries every event a seat lacks: a long session's journal fits."""

Listener = Callable[[str, dict[str, Any]], None]
"""Told ``(kind, message)``: kind is welcome, event, ack, refused, connected or disconnected."""


@dataclass(frozen=True)
class SeatLink:
    websocket_url: str
    token: str


def parse_link(url: str) -> SeatLink:
    """The WebSocket address of a seat link: ``http(s)://host:port/.../<token>`` (as printed by the
    host) or ``ws(s)://host:port/seat/<token>``."""
    parts = urlsplit(url.strip())
    schemes = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}
    token = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if parts.scheme not in schemes or not parts.netloc or not token:
        raise ModeratorError(f"{url}: not a seat link (expected http://HOST:PORT/.../TOKEN, as the host printed it)")
    return SeatLink(urlunsplit((schemes[parts.scheme], parts.netloc, f"/seat/{token}", "", "")), token)


def stable_seat_id(link: SeatLink, name: str | None, folder: Path) -> str:
    """This machine's seat on this link under this name: the same after a restart (its outbox and
    its notes stay its own), different for another person or machine using the same link."""
    key = hashlib.sha256(f"{link.token}\0{name or ''}".encode()).hexdigest()[:16]
    path = folder / "seats" / f"{key}.id"
    if path.exists():
        kept = path.read_text(encoding="ascii", errors="replace").strip()
        if kept.isalnum() and len(kept) <= 32:
            return kept
    path.parent.mkdir(parents=True, exist_ok=True)
    seat_id = secrets.token_hex(8)
    path.write_text(seat_id + "\n", encoding="ascii")
    return seat_id


class ClockOffset:
    """host session time = local monotonic time + ``value``, from the smallest-round-trip sample."""

    def __init__(self) -> None:
        self.value: float | None = None
        self.rtt: float | None = None

    def sample(self, sent: float, received: float, host_t: float) -> None:
        rtt = max(0.0, received - sent)
        offset = host_t - (sent + rtt / 2)
        if self.value is None or self.rtt is None:
            self.value, self.rtt = offset, rtt
            return
        jumped = abs(offset - self.value) > (rtt + self.rtt) / 2 + 0.25
        if jumped or rtt <= self.rtt:
            self.value, self.rtt = offset, rtt

    def reset(self) -> None:
        self.value = self.rtt = None


class SeatClient:
    def __init__(self, url: str, *, name: str | None = None, folder: Path | None = None,
                 seat_id: str | None = None) -> None:
        self.link = parse_link(url)
        self.name = name
        folder = folder or state_dir()
        self.seat_id = seat_id or stable_seat_id(self.link, name, folder)
        link_key = hashlib.sha256(self.link.token.encode()).hexdigest()[:16]
        self.outbox = Outbox(folder / "outbox" / f"{link_key}-{self.seat_id}.jsonl")
        self.events: list[Event] = []
        self.generation = 0
        """Grows when ``events`` had to be started again (another journal): followers rebuild."""
        self.session: str | None = None
        self.programme_text: str | None = None
        self.programme_sha256: str | None = None
        self.role: str | None = None
        self.connected = False
        self.offset = ClockOffset()
        self.acked: dict[str, int] = {}
        self.refused: dict[str, str] = {}
        self.last_error: str | None = None
        self._listeners: list[Listener] = []
        self._queue: asyncio.Queue[str] | None = None
        self._stopping = False
        self._welcomed = asyncio.Event()

    # ------------------------------------------------------------------ use

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def send_durable(self, command: str, args: dict[str, Any]) -> Pending:
        """A note or its correction: on disk first, then on the wire if connected; resent until acked."""
        pending = Pending(str(uuid.uuid4()), command, args)
        self.outbox.put(pending)
        self._send(pending.as_message())
        return pending

    def send_now(self, command: str, args: dict[str, Any]) -> str | None:
        """A timer command: only while connected (offline, driving the timer makes no sense)."""
        if not self.connected:
            return None
        command_id = str(uuid.uuid4())
        self._send(Pending(command_id, command, args).as_message())
        return command_id

    def waiting(self) -> list[Pending]:
        return self.outbox.waiting()

    async def wait_welcomed(self, timeout: float | None = None) -> None:
        await asyncio.wait_for(self._welcomed.wait(), timeout)

    def stopping(self) -> bool:
        return self._stopping

    def stop(self) -> None:
        self._stopping = True
        if self._queue is not None:
            self._queue.put_nowait("")

    def close(self) -> None:
        self.outbox.close()

    # ------------------------------------------------------------------ connection

    async def run(self) -> None:
        """Connect, follow, and reconnect after any failure until ``stop``."""
        delay = BACKOFF_FIRST
        async with aiohttp.ClientSession() as http:
            while not self.stopping():
                began = time.monotonic()
                try:
                    await self._session(http)
                except (aiohttp.ClientError, OSError, TimeoutError, ConnectionError, ValueError) as error:
                    self.last_error = str(error) or type(error).__name__
                self._set_connected(False)
                if self.stopping():
                    return
                if time.monotonic() - began > 10:
                    delay = BACKOFF_FIRST  # it was a working connection: try again soon
                await asyncio.sleep(delay * (0.5 + random.random()))
                delay = min(BACKOFF_MAX, delay * 2)

    async def _session(self, http: aiohttp.ClientSession) -> None:
        async with http.ws_connect(self.link.websocket_url, max_msg_size=MAX_RECEIVED, heartbeat=15.0,
                                   timeout=aiohttp.ClientWSTimeout(ws_close=2.0)) as ws:
            queue: asyncio.Queue[str] = asyncio.Queue()
            self._queue = queue
            await ws.send_str(json.dumps({
                "type": "hello", "protocol": PROTOCOL, "seat_id": self.seat_id, "seat_name": self.name,
                "have_seq": len(self.events) - 1, "session": self.session,
            }))
            writer = asyncio.ensure_future(self._write(ws, queue))
            pinger = asyncio.ensure_future(self._ping(queue))
            try:
                async for message in ws:
                    if message.type is not aiohttp.WSMsgType.TEXT:
                        break
                    self._receive(json.loads(message.data), queue)
                    if writer.done():
                        break
            finally:
                self._queue = None
                pinger.cancel()
                writer.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await writer

    async def _write(self, ws: aiohttp.ClientWebSocketResponse, queue: asyncio.Queue[str]) -> None:
        while True:
            text = await queue.get()
            if not text:
                await ws.close()
                return
            await ws.send_str(text)

    async def _ping(self, queue: asyncio.Queue[str]) -> None:
        for count in range(1_000_000_000):
            queue.put_nowait(json.dumps({"type": "ping", "sent": time.monotonic()}))
            await asyncio.sleep(0.05 if count < FIRST_PINGS else PING_EVERY)

    def _send(self, message: dict[str, Any]) -> None:
        if self.connected and self._queue is not None:
            self._queue.put_nowait(json.dumps(message, ensure_ascii=False, separators=(",", ":")))

    def _set_connected(self, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            self._tell("connected" if connected else "disconnected", {})

    # ------------------------------------------------------------------ messages from the host

    def _receive(self, body: Any, queue: asyncio.Queue[str]) -> None:
        if not isinstance(body, dict):
            raise ValueError("not a message")
        kind = body.get("type")
        if kind == "welcome":
            self._welcome(body)
            for pending in self.outbox.waiting():  # in order, before anything typed from now on
                queue.put_nowait(json.dumps(pending.as_message(), ensure_ascii=False, separators=(",", ":")))
            self._set_connected(True)
            self._welcomed.set()
            self._tell("welcome", body)
        elif kind == "event":
            seq = body.get("seq")
            if seq != len(self.events):
                if isinstance(seq, int) and seq < len(self.events):
                    return  # already have it
                raise ValueError("a gap in the host's events")  # reconnect and catch up
            self.events.append(decode(body.get("event")))
            self._tell("event", body)
        elif kind == "pong":
            sent, host_t = body.get("sent"), body.get("host_t")
            if isinstance(sent, float) and isinstance(host_t, int | float):
                self.offset.sample(sent, time.monotonic(), float(host_t))
        elif kind in ("ack", "refused"):
            command_id = body.get("id")
            if not isinstance(command_id, str):
                return
            if kind == "ack" and isinstance(body.get("seq"), int):
                self.acked[command_id] = body["seq"]
            else:
                self.refused[command_id] = str(body.get("reason", ""))
            self.outbox.acked(command_id)
            self._tell(kind, body)

    def _welcome(self, body: dict[str, Any]) -> None:
        if body.get("protocol") != PROTOCOL:
            raise ModeratorError("the host speaks another version of the seat protocol")
        session, start, events = body.get("session"), body.get("from_seq"), body.get("events")
        if not isinstance(start, int) or not isinstance(events, list) or not isinstance(session, str):
            raise ValueError("a malformed welcome")
        if session != self.session or start != len(self.events):
            self.events = self.events[:start] if session == self.session and start < len(self.events) else []
            if start != len(self.events):
                raise ValueError("the host sent events from the wrong place")
            self.generation += 1
        try:
            self.events.extend(decode(event) for event in events)
        except EventError as error:
            raise ValueError(f"a malformed event: {error}") from None
        self.session = session
        self.programme_text = str(body.get("programme", ""))
        self.programme_sha256 = str(body.get("programme_sha256", ""))
        self.role = str(body.get("role", ""))
        self.offset.reset()

    def _tell(self, kind: str, message: dict[str, Any]) -> None:
        for listener in self._listeners:
            listener(kind, message)
