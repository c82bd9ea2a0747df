"""The host's side of the seats: the WebSocket endpoint ``/seat/<token>`` (protocol 2).

Only rapporteur and co-moderator links are seats (``roles.py``): any other token is refused with
``403`` at the upgrade, before a byte of the journal is sent.

A seat says ``hello {protocol: 2, seat_id?, seat_secret?, seat_name, have_seq, session}``. Without
an identity the host makes a new seat (``seat_identities.py``) and its ``welcome`` carries the
seat's id and, that once, its secret; with one, the id and secret must be those of a seat of this
link's role, or the seat is answered ``refused`` and closed with code 4403 (never a new seat in
its place, never another connection closed). A second connection with the same valid identity
replaces the first (a reload). The host answers ``welcome {protocol, session, role, seat_id,
seat_name, [seat_secret], programme, programme_sha256, from_seq, events}`` with every journal
event after ``have_seq`` (all of them when ``session`` is another journal's), then sends each new
journal event as ``event {seq, event}``, in order. A seat's ``command {id, command, args}`` goes
through ``dispatch.run_command`` (role checked per message; applied once per id; the seat and
author the host knows recorded on the event) and is answered ``ack {id, seq}`` once the event is
fsync'd, or ``refused {id, reason}``; ``command preview_note {text}`` is answered ``preview {id,
landing}`` (where the note would land, ``note_preview``) and journals nothing. ``ping {sent}`` is
answered ``pong {sent, host_t}``.

Bounded, per seat (not per connection: a seat that reconnects keeps its budget): commands and
bytes a second (beyond them the host reads more slowly: nothing is refused for being fast, so an
outbox resent after a long cut lands, and a flood is held to the rate while every other client is
served); pings a second (a flood closes the connection); a message's size; what waits to be sent
to a seat, in messages and in bytes (a seat that does not read is dropped and catches up when it
comes back); new seats a minute per address; the journal's size (a seat's notes are refused once
the journal nears what ``report``, ``timing`` and resume read, ``SEAT_JOURNAL_BUDGET``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from moderator.files import JOURNAL_LIMIT
from moderator.session.engine import Engine
from moderator.session.events import Event, encode, to_dict
from moderator.session.journal import JournalError
from moderator.session.notes import MAX_NOTE_CHARACTERS
from moderator.session.state import State
from moderator.share.dispatch import POSTING_ROLES, Acked, Refused, SeatIdentity, run_command
from moderator.share.note_preview import landing
from moderator.share.rates import Bucket, Buckets
from moderator.share.roles import SEAT_ROLES
from moderator.share.seat_identities import SeatFull, SeatRecord, SeatRegistry, clean_name, seats_path
from moderator.share.tokens import Role
from moderator.share.wire import finite_number, loads

PROTOCOL = 2
SEAT_PATH = "/seat/{token}"
PREVIEW = "preview_note"
"""The one command that is answered, not applied: ``preview {id, landing}`` (``note_preview``)."""
HELLO_TIMEOUT = 10.0
MAX_MESSAGE = 64 * 1024
"""A seat's message: a note of ``MAX_NOTE_CHARACTERS`` fits even with every character escaped."""
SEAT_JOURNAL_BUDGET = JOURNAL_LIMIT * 5 // 8
"""40 MB: past it, seats' notes are refused (a day of notes typed without pause is under 5 MB), so
the journal stays well under the 64 MB ``report``, ``timing`` and resume read, with room left for
the console's own notes and an imported chat."""
REFUSED_IDENTITY = 4403
"""The WebSocket close code for a hello whose identity the host does not accept."""
BAD_HELLO = 4400
TOO_OFTEN = 4429
"""Too many new seats from one address, a seat reconnecting too often, or no room for a seat: later."""

log = logging.getLogger("moderator.share.seats")

if TYPE_CHECKING:
    from moderator.share.server import ShareServer

RoleOf = Callable[[str], str | None]
"""The role a token belongs to (compared in constant time), or None."""


@dataclass(frozen=True)
class SeatLimits:
    commands_per_second: float = 20.0
    command_burst: float = 200.0
    """An outbox of 200 notes resent after a cut lands at once; more, at 20 a second."""
    bytes_per_second: float = 64 * 1024
    byte_burst: float = 1024 * 1024
    pings_per_second: float = 2.0
    ping_burst: float = 20.0
    """A seat pings every 2 s, five quick ones after connecting: a flood closes the connection."""
    hellos_per_second: float = 0.5
    hello_burst: float = 10.0
    """Connections a seat may open (each welcome may carry the whole journal)."""
    new_seats_per_minute: float = 20.0
    new_seat_burst: float = 20.0
    """New seats from one address (a room of rapporteurs behind one router joins at once)."""
    send_queue: int = 4096
    send_queue_bytes: int = 8 * 1024 * 1024
    """What may wait for one seat, beyond its welcome; a seat that does not read is dropped."""


def session_id(engine: Engine) -> str:
    """Which journal this is: seats that followed another journal start again from its beginning."""
    first = engine.history[0] if engine.history else None
    return hashlib.sha256(encode(first) if first is not None else b"").hexdigest()[:16]


def _dumps(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class SeatConnection:
    """One seat's WebSocket: a queue bounded in messages and bytes, drained by its own task."""

    def __init__(self, ws: web.WebSocketResponse, who: SeatIdentity, limits: SeatLimits,
                 transport: asyncio.Transport | None = None) -> None:
        self.ws = ws
        self.transport = transport
        """The TCP connection under the WebSocket: a seat too slow to read is cut here, at once."""
        self.who = who
        self.limits = limits
        self.queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=limits.send_queue)
        self.queued_bytes = 0
        self.dropped = False
        self.close_code, self.close_reason = 1000, b""

    def ended(self) -> bool:
        """Closed or dropped (asked again after every ``await``: another task may have closed it)."""
        return self.dropped

    def offer(self, text: str) -> None:
        """Queue ``text``; a seat too slow to keep up is dropped (it catches up on reconnect). The
        first message (the welcome, however long the journal) is always taken."""
        if self.dropped:
            return
        size = len(text)
        if self.queued_bytes and self.queued_bytes + size > self.limits.send_queue_bytes:
            self.cut()
            return
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            self.cut()
            return
        self.queued_bytes += size

    def cut(self) -> None:
        """Drop a seat that does not read: what waits for it is freed, and its connection cut at once
        (a close frame would wait behind what it does not read). It catches up when it comes back."""
        self.close(1013, b"too slow")
        if self.transport is not None:
            self.transport.abort()

    def close(self, code: int = 1000, reason: bytes = b"") -> None:
        self.dropped = True
        self.close_code, self.close_reason = code, reason
        while not self.queue.empty():  # what waits is of no use now; free it at once
            self.queue.get_nowait()
        self.queued_bytes = 0
        self.queue.put_nowait(None)

    async def send_loop(self) -> None:
        while True:
            text = await self.queue.get()
            if text is None:
                await self.ws.close(code=self.close_code, message=self.close_reason)
                return
            self.queued_bytes = max(0, self.queued_bytes - len(text))
            await self.ws.send_str(text)


@dataclass
class _SeatBudget:
    """A seat's rates, kept across its connections."""

    commands: Bucket
    bytes: Bucket
    pings: Bucket
    hellos: Bucket


class SeatHub:
    """Every connected seat of one session, fed from the engine's events."""

    def __init__(self, engine: Engine, role_of: RoleOf, *, programme_text: str | None = None,
                 server: ShareServer | None = None, registry: SeatRegistry | None = None,
                 limits: SeatLimits | None = None, journal_budget: int = SEAT_JOURNAL_BUDGET) -> None:
        self.engine = engine
        self.role_of = role_of
        self.programme_text = programme_text if programme_text is not None else \
            Path(engine.programme.path).read_text(encoding="utf-8-sig")
        self.server = server
        """The web server this hub is part of: its origin check and its connections per address."""
        if registry is None:
            journal = engine.journal
            registry = SeatRegistry(seats_path(journal.path) if journal is not None else None)
        self.registry = registry
        self.limits = limits or SeatLimits()
        self.journal_budget = journal_budget
        self.journal_bytes = sum(len(encode(event)) for event in engine.history)
        self.connections: dict[str, SeatConnection] = {}
        self.budgets: dict[str, _SeatBudget] = {}
        self.new_seats = Buckets(self.limits.new_seats_per_minute / 60.0, self.limits.new_seat_burst)
        self.session = session_id(engine)
        engine.subscribe(self._on_event)

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(SEAT_PATH, self.handle)

        async def closing(_: web.Application) -> None:
            self.close_all()
        app.on_shutdown.append(closing)

    def _on_event(self, event: Event, _: State) -> None:
        text = _dumps({"type": "event", "seq": len(self.engine.history) - 1, "event": to_dict(event)})
        self.journal_bytes += len(encode(event))
        for connection in list(self.connections.values()):
            connection.offer(text)  # encoded once, whatever the number of seats

    def close_all(self) -> None:
        for connection in list(self.connections.values()):
            connection.close(1001, b"host shutting down")

    # ------------------------------------------------------------------ the upgrade

    def _role(self, request: web.Request) -> Role:
        """The link's role, if it is a seat's; else the one 403, before the upgrade."""
        name = self.role_of(request.match_info.get("token", ""))
        role = Role(name) if name in {r.value for r in Role} else None
        if role is None or role not in SEAT_ROLES or not self._origin_ok(request):
            raise web.HTTPForbidden(text="403: Forbidden")
        return role

    async def handle(self, request: web.Request) -> web.StreamResponse:
        role = self._role(request)
        if request.headers.get("Upgrade", "").lower() != "websocket":
            # A seat's link from before seats had pages, opened in a browser: its page.
            raise web.HTTPFound(f"../{role.value}/{request.match_info['token']}")
        address = self.server.check_upgrade(request, role) if self.server is not None else None
        try:
            return await self._serve(request, role)
        finally:
            if address is not None and self.server is not None:
                self.server.release_address(address)

    def _origin_ok(self, request: web.Request) -> bool:
        """A browser's WebSocket carries an Origin: it must be the host's own; a seat sends none."""
        if self.server is not None:
            return self.server.origin_allowed(request)
        origin = request.headers.get("Origin")
        return origin is None or origin == f"{request.scheme}://{request.host}"

    # ------------------------------------------------------------------ hello

    async def _serve(self, request: web.Request, role: Role) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=MAX_MESSAGE, heartbeat=15.0)
        await ws.prepare(request)
        try:
            message = await asyncio.wait_for(ws.receive(), HELLO_TIMEOUT)
        except TimeoutError:
            await ws.close(code=BAD_HELLO, message=b"no hello")
            return ws
        hello = _read_hello(message)
        if isinstance(hello, str):
            await self._refuse(ws, BAD_HELLO, hello)
            return ws
        new_seat = hello.seat_id is None and hello.seat_secret is None
        if new_seat and not self.new_seats[request.remote or "?"].take():
            await self._refuse(ws, TOO_OFTEN, "too many new seats from this address: wait a minute")
            return ws
        outcome = self._identify(hello, role)
        if isinstance(outcome, str):
            await self._refuse(ws, TOO_OFTEN if new_seat else REFUSED_IDENTITY, outcome)
            return ws
        record, secret = outcome
        budget = self._budget(record.seat_id)
        if not budget.hellos.take():
            await self._refuse(ws, TOO_OFTEN, "this seat reconnects too often: wait a few seconds")
            return ws
        who = SeatIdentity(record.seat_id, record.name, role.value)
        connection = SeatConnection(ws, who, self.limits, request.transport)
        older = self.connections.get(who.seat)
        if older is not None:
            older.close(4409, b"this seat connected again")
        start = hello.have_seq + 1 if hello.session == self.session else 0
        start = max(0, min(start, len(self.engine.history)))
        welcome: dict[str, Any] = {
            "type": "welcome", "protocol": PROTOCOL, "session": self.session, "role": role.value,
            "seat_id": record.seat_id, "seat_name": record.name,
            "programme": self.programme_text, "programme_sha256": self.engine.programme.sha256,
            "from_seq": start, "events": [to_dict(event) for event in self.engine.history[start:]],
        }
        if secret is not None:
            welcome["seat_secret"] = secret  # only in the welcome that made the seat
        connection.offer(_dumps(welcome))
        self.connections[who.seat] = connection  # same step as the welcome: no event falls between
        log.info("seat joined as %s", role.value)
        sender = asyncio.ensure_future(connection.send_loop())
        try:
            await self._receive(ws, connection, budget)
        finally:
            if self.connections.get(who.seat) is connection:
                del self.connections[who.seat]
            if not connection.dropped:
                connection.close(1000)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(sender, 2.0)
            sender.cancel()
            log.info("seat left (%s)", role.value)
        return ws

    def _identify(self, hello: _Hello, role: Role) -> tuple[SeatRecord, str | None] | str:
        """The seat this hello speaks for (and its secret, when it was made now), or why not."""
        name = clean_name(hello.seat_name)
        if hello.seat_id is None and hello.seat_secret is None:
            try:
                return self.registry.create(role, name, self._evictable)
            except SeatFull:
                return "this session has no room for another seat"
        known = self.registry.verify(hello.seat_id, hello.seat_secret, role)
        if known is None:
            return "this seat is not known to the host for this link (wrong id or secret)"
        self.registry.rename(known, name)
        return known, None

    def _evictable(self, record: SeatRecord) -> bool:
        """A seat that may be forgotten to make room: not connected, and no note is its."""
        if record.seat_id in self.connections:
            return False
        return all(note.seat != record.seat_id for note in self.engine.state.notes.values())

    def _budget(self, seat_id: str) -> _SeatBudget:
        found = self.budgets.get(seat_id)
        if found is None:
            limits = self.limits
            found = self.budgets[seat_id] = _SeatBudget(
                Bucket(limits.commands_per_second, limits.command_burst),
                Bucket(limits.bytes_per_second, limits.byte_burst),
                Bucket(limits.pings_per_second, limits.ping_burst),
                Bucket(limits.hellos_per_second, limits.hello_burst))
        return found

    @staticmethod
    async def _refuse(ws: web.WebSocketResponse, code: int, reason: str) -> None:
        with contextlib.suppress(Exception):
            await ws.send_str(_dumps({"type": "refused", "id": None, "reason": reason}))
        await ws.close(code=code, message=reason.encode("utf-8")[:120])

    # ------------------------------------------------------------------ messages from a seat

    async def _receive(self, ws: web.WebSocketResponse, connection: SeatConnection, budget: _SeatBudget) -> None:
        async for message in ws:
            if connection.ended() or message.type is not WSMsgType.TEXT:
                return
            await budget.bytes.wait(len(message.data))
            try:
                body = loads(message.data)
            except ValueError:
                connection.close(1007, b"not JSON")
                return
            if not isinstance(body, dict):
                connection.close(1008, b"not a message")
                return
            kind = body.get("type")
            if kind == "ping":
                sent = body.get("sent")
                if not finite_number(sent) or not budget.pings.take():
                    connection.close(1008, b"pings: one every 2 s, a finite number")
                    return
                connection.offer(_dumps({"type": "pong", "sent": sent, "host_t": self.engine.now_t()}))
            elif kind == "command" and body.get("command") == PREVIEW:
                await budget.commands.wait()
                if connection.ended():
                    return
                connection.offer(_dumps(_preview(self.engine, connection.who, body)))
            elif kind == "command":
                await budget.commands.wait()
                if connection.ended():
                    return
                if not self._command(connection, body):
                    return
            # Whatever came in at once, the next message waits for the loop's next turn: one seat's
            # burst never holds the console, the pages or the other seats.
            await asyncio.sleep(0)

    def _command(self, connection: SeatConnection, body: dict[str, Any]) -> bool:
        """Run one command and queue its answer; False when the connection is to end."""
        command_id, command = body.get("id"), body.get("command")
        if command in ("add_note", "edit_note") and self.journal_bytes >= self.journal_budget:
            outcome: Acked | Refused = Refused("the session's journal is full: no more notes from seats")
        else:
            try:
                outcome = run_command(self.engine, connection.who, command_id, command, body.get("args"))
            except JournalError:
                log.error("a seat's command could not be saved")
                return False  # not acknowledged: the seat keeps it and resends it
        answer_id = command_id if isinstance(command_id, str) and len(command_id) <= 64 else None
        if isinstance(outcome, Acked):
            connection.offer(_dumps({"type": "ack", "id": answer_id, "seq": outcome.seq}))
        else:
            connection.offer(_dumps({"type": "refused", "id": answer_id, "reason": outcome.reason}))
        return True


def _preview(engine: Engine, who: SeatIdentity, body: dict[str, Any]) -> dict[str, Any]:
    """``preview {id, landing}``: where the note would land now; nothing is journalled."""
    args = body.get("args")
    text = args.get("text") if isinstance(args, dict) else None
    if who.role not in POSTING_ROLES:
        found: dict[str, Any] = {"error": f"a {who.role} link can only follow the session"}
    elif not isinstance(text, str) or len(text) > MAX_NOTE_CHARACTERS:  # as a note is held
        found = {"error": f"'text' must be text of at most {MAX_NOTE_CHARACTERS} characters"}
    else:
        found = landing(engine, text)
    return {"type": "preview", "id": body.get("id"), "landing": found}


@dataclass(frozen=True)
class _Hello:
    seat_id: str | None
    seat_secret: str | None
    seat_name: str | None
    have_seq: int
    session: str | None


def _read_hello(message: Any) -> _Hello | str:
    """The hello, or why it is none."""
    if message.type is not WSMsgType.TEXT:
        return "expected hello"
    try:
        body = loads(message.data)
    except ValueError:
        return "expected hello"
    if not isinstance(body, dict) or body.get("type") != "hello":
        return "expected hello"
    if body.get("protocol") != PROTOCOL:
        return f"this host speaks seat protocol {PROTOCOL}: update moderator on this seat"
    seat_id, secret = body.get("seat_id"), body.get("seat_secret")
    if not (seat_id is None or isinstance(seat_id, str)) or not (secret is None or isinstance(secret, str)):
        return "expected hello"
    name = body.get("seat_name")
    have_seq = body.get("have_seq", -1)
    if isinstance(have_seq, bool) or not isinstance(have_seq, int):
        have_seq = -1
    session = body.get("session")
    return _Hello(seat_id, secret, name if isinstance(name, str) else None, have_seq,
                  session if isinstance(session, str) else None)


def add_seat_routes(app: web.Application, server: ShareServer) -> None:
    """The server's extension for seats (``ShareServer(extensions=[add_seat_routes])``)."""

    def role_of(token: str) -> str | None:
        role = server.tokens.role_of(token) if token else None
        return role.value if role is not None else None

    SeatHub(server.engine, role_of, server=server).add_routes(app)
