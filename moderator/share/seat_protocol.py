"""The host's side of the seats: the WebSocket endpoint ``/seat/<token>``.

A seat says ``hello {protocol, seat_id, seat_name, have_seq, session}``; the host answers
``welcome {protocol, session, role, programme, programme_sha256, from_seq, events}`` with every
journal event after ``have_seq`` (all of them when ``session`` is another journal's), then sends
each new journal event as ``event {seq, event}``, in order (``seq``: the event's position in the
journal). A seat's ``command {id, command, args}`` goes through ``dispatch.run_command`` (role
checked here, per message; applied once per id) and is answered ``ack {id, seq}`` once the event is
fsync'd, or ``refused {id, reason}``; ``command preview_note {text}`` is answered ``preview {id,
landing}`` (where the note would land) and journals nothing. ``ping {sent}`` is answered ``pong {sent, host_t}`` (the
session axis now), from which seats measure their offset to the host's clock.

Bounded: a message is at most ``MAX_MESSAGE`` bytes; a connection's send queue holds at most
``SEND_QUEUE`` messages (a seat that does not read is dropped, and catches up when it comes back);
commands are taken at most ``COMMANDS_PER_SECOND`` a second per connection (beyond that the host
reads more slowly: nothing is refused for being fast, so an outbox resent in a burst still lands).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from moderator.session.engine import Engine
from moderator.session.events import MAX_TEXT, Event, encode, to_dict
from moderator.session.journal import JournalError
from moderator.session.state import State
from moderator.share.dispatch import POSTING_ROLES, Acked, SeatIdentity, run_command
from moderator.share.note_preview import landing
from moderator.share.tokens import Role

PROTOCOL = 1
MAX_MESSAGE = 512 * 1024
SEND_QUEUE = 4096
COMMANDS_PER_SECOND = 50.0
COMMAND_BURST = 200.0
HELLO_TIMEOUT = 10.0
MAX_SEAT_ID = 64
MAX_SEAT_NAME = 80
SEAT_PATH = "/seat/{token}"
PREVIEW = "preview_note"
"""The one command that is answered, not applied: ``preview {id, landing}`` (``note_preview``)."""

log = logging.getLogger("moderator.share.seats")

if TYPE_CHECKING:
    from moderator.share.server import ShareServer

RoleOf = Callable[[str], str | None]
"""The role a token belongs to (compared in constant time), or None."""


def session_id(engine: Engine) -> str:
    """Which journal this is: seats that followed another journal start again from its beginning."""
    first = engine.history[0] if engine.history else None
    return hashlib.sha256(encode(first) if first is not None else b"").hexdigest()[:16]


class TokenBucket:
    """``rate`` commands a second, ``burst`` at once; ``wait`` sleeps until one is available."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = burst
        self.last = time.monotonic()

    async def wait(self) -> None:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens < 1:
            await asyncio.sleep((1 - self.tokens) / self.rate)
            self.tokens = 1
            self.last = time.monotonic()
        self.tokens -= 1


class SeatConnection:
    def __init__(self, ws: web.WebSocketResponse, who: SeatIdentity) -> None:
        self.ws = ws
        self.who = who
        self.queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=SEND_QUEUE)
        self.dropped = False

    def offer(self, message: dict[str, Any]) -> None:
        """Queue ``message``; a seat too slow to keep up is dropped (it catches up on reconnect)."""
        if self.dropped:
            return
        try:
            self.queue.put_nowait(json.dumps(message, ensure_ascii=False, separators=(",", ":")))
        except asyncio.QueueFull:
            self.close()

    def close(self) -> None:
        self.dropped = True
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(None)

    async def send_loop(self) -> None:
        while True:
            text = await self.queue.get()
            if text is None:
                await self.ws.close()
                return
            await self.ws.send_str(text)


class SeatHub:
    """Every connected seat of one session, fed from the engine's events."""

    def __init__(self, engine: Engine, role_of: RoleOf, *, programme_text: str | None = None,
                 server: ShareServer | None = None) -> None:
        self.engine = engine
        self.role_of = role_of
        self.programme_text = programme_text if programme_text is not None else \
            Path(engine.programme.path).read_text(encoding="utf-8-sig")
        self.server = server
        """The web server this hub is part of: its origin check and its connections per address."""
        self.connections: dict[str, SeatConnection] = {}
        self.session = session_id(engine)
        engine.subscribe(self._on_event)

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(SEAT_PATH, self.handle)

        async def closing(_: web.Application) -> None:
            self.close_all()
        app.on_shutdown.append(closing)

    def _on_event(self, event: Event, _: State) -> None:
        message = {"type": "event", "seq": len(self.engine.history) - 1, "event": to_dict(event)}
        for connection in list(self.connections.values()):
            connection.offer(message)

    def close_all(self) -> None:
        for connection in list(self.connections.values()):
            connection.close()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        role = self.role_of(request.match_info.get("token", ""))
        if role is None or not self._origin_ok(request):
            raise web.HTTPForbidden(text="403: Forbidden")
        address = self.server.check_upgrade(request, Role(role)) if self.server is not None else None
        try:
            return await self._serve(request, role)
        finally:
            if address is not None and self.server is not None:
                self.server.release_address(address)

    async def _serve(self, request: web.Request, role: str) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=MAX_MESSAGE, heartbeat=15.0)
        await ws.prepare(request)
        try:
            hello = await asyncio.wait_for(ws.receive(), HELLO_TIMEOUT)
        except TimeoutError:
            await ws.close()
            return ws
        who, have_seq, their_session = _read_hello(hello, role)
        if who is None:
            await ws.close(message=b"expected hello")
            return ws
        connection = SeatConnection(ws, who)
        older = self.connections.get(who.seat)
        if older is not None:
            older.close()
        start = have_seq + 1 if their_session == self.session else 0
        start = max(0, min(start, len(self.engine.history)))
        connection.offer({
            "type": "welcome", "protocol": PROTOCOL, "session": self.session, "role": role,
            "seat_id": who.seat, "programme": self.programme_text,
            "programme_sha256": self.engine.programme.sha256, "from_seq": start,
            "events": [to_dict(event) for event in self.engine.history[start:]],
        })
        self.connections[who.seat] = connection  # same step as the welcome: no event falls between
        log.info("seat joined as %s", role)
        sender = asyncio.ensure_future(connection.send_loop())
        try:
            await self._receive(ws, connection)
        finally:
            if self.connections.get(who.seat) is connection:
                del self.connections[who.seat]
            connection.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(sender, 2.0)
            sender.cancel()
            log.info("seat left (%s)", role)
        return ws

    def _origin_ok(self, request: web.Request) -> bool:
        """A browser's WebSocket carries an Origin: it must be the host's own; a seat sends none."""
        if self.server is not None:
            return self.server.origin_allowed(request)
        origin = request.headers.get("Origin")
        return origin is None or origin == f"{request.scheme}://{request.host}"

    async def _receive(self, ws: web.WebSocketResponse, connection: SeatConnection) -> None:
        bucket = TokenBucket(COMMANDS_PER_SECOND, COMMAND_BURST)
        async for message in ws:
            if connection.dropped:
                return
            if message.type is not WSMsgType.TEXT:
                return
            try:
                body = json.loads(message.data)
            except ValueError:
                return
            if not isinstance(body, dict):
                return
            kind = body.get("type")
            if kind == "ping":
                connection.offer({"type": "pong", "sent": body.get("sent"), "host_t": self.engine.now_t()})
            elif kind == "command" and body.get("command") == PREVIEW:
                await bucket.wait()
                connection.offer(_preview(self.engine, connection.who, body))
            elif kind == "command":
                await bucket.wait()
                try:
                    outcome = run_command(self.engine, connection.who, body.get("id"), body.get("command"),
                                          body.get("args"))
                except JournalError:
                    log.exception("a seat's command could not be saved")
                    return  # not acknowledged: the seat keeps it and resends it
                if isinstance(outcome, Acked):
                    connection.offer({"type": "ack", "id": body.get("id"), "seq": outcome.seq})
                else:
                    connection.offer({"type": "refused", "id": body.get("id"), "reason": outcome.reason})


def _preview(engine: Engine, who: SeatIdentity, body: dict[str, Any]) -> dict[str, Any]:
    """``preview {id, landing}``: where the note would land now; nothing is journalled."""
    args = body.get("args")
    text = args.get("text") if isinstance(args, dict) else None
    if who.role not in POSTING_ROLES:
        found: dict[str, Any] = {"error": f"a {who.role} link can only follow the session"}
    elif not isinstance(text, str) or len(text) > MAX_TEXT:
        found = {"error": f"'text' must be text of at most {MAX_TEXT} characters"}
    else:
        found = landing(engine, text)
    return {"type": "preview", "id": body.get("id"), "landing": found}


def _read_hello(message: Any, role: str) -> tuple[SeatIdentity | None, int, str | None]:
    if message.type is not WSMsgType.TEXT:
        return None, -1, None
    try:
        body = json.loads(message.data)
    except ValueError:
        return None, -1, None
    if not isinstance(body, dict) or body.get("type") != "hello" or body.get("protocol") != PROTOCOL:
        return None, -1, None
    seat, name, have_seq = body.get("seat_id"), body.get("seat_name"), body.get("have_seq", -1)
    if not isinstance(seat, str) or not 0 < len(seat) <= MAX_SEAT_ID:
        return None, -1, None
    author = name.strip()[:MAX_SEAT_NAME] or None if isinstance(name, str) else None
    if isinstance(have_seq, bool) or not isinstance(have_seq, int):
        have_seq = -1
    session = body.get("session")
    return SeatIdentity(seat, author, role), have_seq, session if isinstance(session, str) else None


def add_seat_routes(app: web.Application, server: ShareServer) -> None:
    """The server's extension for seats (``ShareServer(extensions=[add_seat_routes])``)."""

    def role_of(token: str) -> str | None:
        role = server.tokens.role_of(token) if token else None
        return role.value if role is not None else None

    SeatHub(server.engine, role_of, server=server).add_routes(app)
