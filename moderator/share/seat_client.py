"""A seat's connection to the host: follow its journal, send commands, survive faults.

The client keeps a copy of the host's journal events (``events``, in order; ``seq`` is a
position in it), asks on every (re)connect for what it does not have yet, and reconnects by itself
with a growing, jittered delay. Who this seat is, the host says: at the first join its ``welcome``
gives the seat an id and a secret, kept beside the outbox (mode 0600) and presented at every later
``hello`` (protocol 2, ``seat_protocol.py``). A token is a password: no message of this module
names it (``redact``). Notes and their corrections go through the ``Outbox`` (on disk,
fsync'd, resent in order after every reconnect until acknowledged); timer commands are sent only
while connected. The host's clock is measured NTP-style: of the ``ping``/``pong`` samples the one
with the smallest round trip gives the offset, and a sample that disagrees with it by more than the
round trips explain (a laptop that slept, a host that restarted) starts the measure again.

No Textual here: the console's ``SeatEngine`` (``remote_engine``) and the headless tests use the same client.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import random
import re
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
from moderator.programme.language import sniff_language
from moderator.session.events import Event, EventError, decode
from moderator.share.outbox import Outbox, OutboxError, Pending, state_dir
from moderator.share.seat_place import KeptSeat, SeatPlace, identity_path, read_seat, revoked_seats, take_waiting
from moderator.share.seat_place import write_seat as write_seat_file

PROTOCOL = 2
SEAT_PAGES = frozenset({"seat", "rapporteur", "comoderator"})
"""The paths of a seat's link (``/rapporteur/TOKEN`` opens its page in a browser, and works here)."""
BROWSER_PAGES = frozenset({"stage", "backstage"})
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,128}")
"""A token as the host makes them (URL-safe base64): so ``redact`` finds it as it is written."""
REFUSED_IDENTITY = 4403
BACKOFF_FIRST = 0.1
BACKOFF_MAX = 5.0
PING_EVERY = 2.0
FIRST_PINGS = 5
MAX_RECEIVED = 256 * 1024 * 1024
"""A welcome carries every event a seat lacks: a long session's journal fits."""

Listener = Callable[[str, dict[str, Any]], None]
"""Told ``(kind, message)``: kind is welcome, event, ack, refused, connected, disconnected, revoked (the
host refused a link that worked before), identity_refused (the host did not know this seat) or
taken_over (``{"count": N}``: a revoked link's waiting commands, sent with this one: ``seat_place``)."""


@dataclass(frozen=True)
class SeatLink:
    websocket_url: str
    token: str

    def __repr__(self) -> str:  # never a token in a traceback or a log line
        return f"SeatLink({redact(self.websocket_url, self.token)})"


def shown_link(url: str) -> str:
    """A link as it may be shown: its last part (the token) replaced by ``…``."""
    head, _, _ = url.strip().rstrip("/").rpartition("/")
    return (head or url.split("//", 1)[0]) + "/…"


def redact(text: str, token: str) -> str:
    """``text`` with the token taken out (an error message that quotes the URL, say)."""
    return text.replace(token, "…") if token else text


def parse_link(url: str) -> SeatLink:
    """The WebSocket address of a seat link: ``http(s)://host:port[/prefix]/<page>/<token>`` (as
    printed by the host; ``<page>`` is ``rapporteur``, ``comoderator`` or ``seat``) or
    ``ws(s)://host:port/seat/<token>``. A stage or backstage link is a page for a browser."""
    parts = urlsplit(url.strip())
    schemes = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}
    segments = [segment for segment in parts.path.split("/") if segment]
    token = segments[-1] if segments else ""
    page = segments[-2] if len(segments) >= 2 else ""
    if page in BROWSER_PAGES:
        raise ModeratorError(f"{shown_link(url)}: this is the {page} page's link: open it in a web browser "
                             "(moderator join takes a rapporteur or co-moderator link)")
    if parts.scheme not in schemes or not parts.netloc or not TOKEN_SHAPE.fullmatch(token):
        raise ModeratorError(f"{shown_link(url)}: not a seat link (expected http://HOST:PORT/rapporteur/TOKEN, "
                             "as the host printed it)")
    prefix = segments[:-2] if page in SEAT_PAGES else segments[:-1]
    path = "/" + "/".join([*prefix, "seat", token])
    return SeatLink(urlunsplit((schemes[parts.scheme], parts.netloc, path, "", "")), token)


def stable_seat_id(link: SeatLink, name: str | None, folder: Path) -> str:
    """This machine's key for its seat on this link under this name, which names the seat's outbox
    and identity files: the same after a restart, different for another person or machine using
    the same link. (The seat's id itself is the host's, given at the first join.)"""
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
    def __init__(self, url: str, *, name: str | None = None, folder: Path | None = None) -> None:
        self.link = parse_link(url)
        self.name = name
        self._joined_name = name or ""
        """The name the person gave (``--name``): with the host's address, what finds their revoked seats."""
        folder = folder or state_dir()
        local_key = stable_seat_id(self.link, name, folder)
        link_key = hashlib.sha256(self.link.token.encode()).hexdigest()[:16]
        self.outbox = Outbox(folder / "outbox" / f"{link_key}-{local_key}.jsonl")
        self.identity_path = identity_path(self.outbox.path)
        """The seat's id and secret, as the host gave them, and its place (mode 0600, beside the outbox)."""
        self.seat_id: str | None = None
        """Who the host says this seat is (``None`` until its first welcome)."""
        self._secret: str | None = None
        self._address = self.link.websocket_url.rsplit("/", 1)[0]
        self._borrowed: KeptSeat | None = None
        """A revoked seat of this person whose id and secret the first hello presents (``seat_place``)."""
        self.taken_over = 0
        """Commands a revoked link had left waiting, taken into this seat's outbox and sent with it."""
        self._load_identity()
        self.revoked = False
        """The host refused this link after it had worked (new links were made): say so."""
        self.link_refused = False
        """The host refused this link at the first contact (a wrong or outdated link)."""
        self.identity_refused: str | None = None
        """Why the host did not accept this seat's identity (it joined again as a new seat)."""
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
        """What went wrong last, in words (never with the token)."""
        self._refusal: str | None = None
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
                except aiohttp.WSServerHandshakeError as error:
                    self._handshake_refused(error.status)
                except (aiohttp.ClientError, OSError, TimeoutError, ConnectionError, ValueError) as error:
                    self.last_error = redact(str(error) or type(error).__name__, self.link.token)
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
            self._refusal = None
            hello: dict[str, Any] = {"type": "hello", "protocol": PROTOCOL, "seat_name": self.name,
                                     "have_seq": len(self.events) - 1, "session": self.session}
            if self.seat_id is not None and self._secret is not None:
                hello.update(seat_id=self.seat_id, seat_secret=self._secret)
            await ws.send_str(json.dumps(hello))
            writer = asyncio.ensure_future(self._write(ws, queue))
            pinger = asyncio.ensure_future(self._ping(queue))
            try:
                async for message in ws:
                    if message.type is not aiohttp.WSMsgType.TEXT:
                        break
                    self._receive(json.loads(message.data), queue)
                    if writer.done():
                        break
                if ws.close_code == REFUSED_IDENTITY and not self.connected:
                    self._forget_identity()
                elif ws.close_code is not None and ws.close_code >= 4000 and not self.connected:
                    self.last_error = self._refusal or f"closed by the host ({ws.close_code})"
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
        if kind == "refused" and body.get("id") is None:  # the hello itself: the reason, then a close
            self._refusal = str(body.get("reason", ""))[:200]
            return
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
        self._identity_from(body)
        self.revoked = self.link_refused = False
        self.offset.reset()

    # ------------------------------------------------------------------ who this seat is

    def _identity_from(self, welcome: dict[str, Any]) -> None:
        """The seat the host says this is; a new seat's secret is kept (on disk, 0600) at once, with
        where it sits (``SeatPlace``), and a revoked link's waiting commands are taken over."""
        seat_id, secret = welcome.get("seat_id"), welcome.get("seat_secret")
        if not isinstance(seat_id, str) or not seat_id:
            raise ValueError("a welcome without the seat's id")
        if isinstance(secret, str) and secret:
            self.seat_id, self._secret = seat_id, secret
        elif seat_id != self.seat_id:
            raise ValueError("the host welcomed another seat than this one")
        self._borrowed = None  # the host took it: it is this seat's now
        name = welcome.get("seat_name")
        if isinstance(name, str) and name:
            self.name = name
        place = SeatPlace(self._address, self._joined_name, self.role or "", self.session or "",
                          sniff_language(self.programme_text or "") or "")
        kept = read_seat(self.identity_path)
        if self._secret is not None and (kept is None or (kept.seat_id, kept.secret, kept.place, kept.revoked)
                                         != (seat_id, self._secret, place, False)):
            write_seat_file(self.identity_path, seat_id, self._secret, place)
        self._take_over(place)

    def _take_over(self, place: SeatPlace) -> None:
        """The waiting commands of this person's revoked seats in this session and role, into this
        seat's outbox before the resend (a full disk here: they stay where they are, for later)."""
        taken = 0
        for seat in revoked_seats(self.identity_path.parent, place.address, place.name, besides=self.identity_path):
            if seat.place is not None and (seat.place.session, seat.place.role) == (place.session, place.role):
                try:
                    taken += take_waiting(seat, self.outbox)
                except OutboxError as error:
                    self.last_error = str(error)
                    break
        if taken:
            self.taken_over += taken
            self._tell("taken_over", {"count": taken})

    def _mark_revoked(self) -> None:
        """Say in the identity file that this link was refused, so that the person's next seat (the
        new link) takes over what waits here (``seat_place``)."""
        kept = read_seat(self.identity_path)
        if kept is not None and kept.place is not None and not kept.revoked:
            with contextlib.suppress(OSError):
                write_seat_file(self.identity_path, kept.seat_id, kept.secret, kept.place, revoked=True)

    @property
    def remembered_language(self) -> str | None:
        """The language of the session this seat was last welcomed into (``None``: never welcomed
        here): before the host's welcome, the best guess of the session's."""
        kept = read_seat(self.identity_path)
        return kept.place.language or None if kept is not None and kept.place is not None else None

    def _load_identity(self) -> None:
        """This seat's identity; else, for the first hello, the newest revoked seat of this person
        at this address (the host says whether it is theirs: ``_forget_identity``)."""
        kept = read_seat(self.identity_path)
        if kept is None:
            revoked = revoked_seats(self.identity_path.parent, self._address, self._joined_name,
                                    besides=self.identity_path)
            kept = self._borrowed = revoked[-1] if revoked else None
        if kept is not None:
            self.seat_id, self._secret = kept.seat_id, kept.secret

    def _forget_identity(self) -> None:
        """The host does not know this seat (its run lost its seats, or this is another session on
        the same address): the next hello asks for a new seat, and the person is told (not when the
        seat presented was a revoked one's, borrowed: a new seat is then just what it is)."""
        if self._borrowed is not None:
            self._borrowed = None
            self.seat_id = self._secret = None
            return
        self.identity_refused = self._refusal or "the host does not know this seat"
        self.last_error = self.identity_refused
        self.seat_id = self._secret = None
        with contextlib.suppress(OSError):
            self.identity_path.unlink()
        self._tell("identity_refused", {"reason": self.identity_refused})

    def _handshake_refused(self, status: int) -> None:
        """The host (or a proxy) answered the upgrade with an HTTP status: never the URL in words."""
        if status == 403:
            if self.seat_id is not None or self.session is not None:
                self.revoked = True  # it worked before: the host made new links
                self._mark_revoked()
                self.last_error = "this link was revoked: the host made new links; ask for the new one"
                self._tell("revoked", {})
            else:
                self.link_refused = True
                self.last_error = ("the host refused this link: it is not (or no longer) a rapporteur or "
                                   "co-moderator link of this session")
        else:
            self.last_error = f"the host (or a proxy before it) answered HTTP {status}"

    def _tell(self, kind: str, message: dict[str, Any]) -> None:
        for listener in self._listeners:
            listener(kind, message)
