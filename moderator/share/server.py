"""The host's web server: the stage and backstage pages, their WebSocket, and the HTTP API.

It runs inside the console's process and asyncio loop (``ShareServer.start`` from the Textual
App), so a key press and a remote command reach the same engine on the same thread, one after
the other. Engine events reach it through ``engine.subscribe``: after each event every page is
sent a new display snapshot (``page_snapshot``); every ``REFRESH_EVERY`` seconds too.

Routes::

    GET  /stage/<token>       the speaker's page         GET  /static/<name>   its assets
    GET  /backstage/<token>   the organizers' page       GET  /ws/<token>      snapshots + clock pings
    GET  /rapporteur/<token>  the rapporteur's page      GET  /comoderator/<token>  the co-moderator's controller
    GET  /api/state[/<token>] the snapshot as JSON       POST /api/command     a moderator's command

More routes (the seats' ``/seat/<token>``, ``seat_protocol.py``) are added by an *extension*: a
function ``(app, server) -> None`` passed in ``extensions``; it finds the engine, the tokens and the
limits on the ``ShareServer`` and checks roles with ``server.role_for``.

Security, by design: a wrong or missing token gets 403 with the same body, whatever was wrong;
tokens are never logged (no access log; errors name the role); no GET changes anything; WebSocket
upgrades from a browser must come from the served origin; request bodies and WebSocket messages
are small; connections per address, queued messages per connection and commands per second are
bounded; every response carries a Content-Security-Policy without inline code.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web

from moderator.session.engine import CommandRefused, Engine
from moderator.session.events import Event
from moderator.session.journal import JournalError
from moderator.session.state import State
from moderator.share.commands import BadCommand, Needs, lookup, run_command
from moderator.share.http_guard import ConnectionGuard, close_listener, connection_budget, guarded
from moderator.share.page_snapshot import page_snapshot
from moderator.share.rates import Bucket, Buckets
from moderator.share.roles import SEAT_ROLES, Route, View, may_send, roles_for, view_of
from moderator.share.seat_view import seat_extras
from moderator.share.tokens import Role, Tokens
from moderator.share.wire import finite_number, loads

WEB = Path(__file__).resolve().parent / "web"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
CONTENT_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
STATIC_FILES = frozenset(p.name for p in WEB.iterdir() if p.suffix in CONTENT_TYPES and p.suffix != ".html")
FORBIDDEN = "403: Forbidden"
SEAT_LINK_TEXT = ("This link is a seat of a moderator session: open it with `moderator join LINK`"
                  " (pip install moderator).\n")
REFRESH_EVERY = 5.0
"""Seconds between snapshots when nothing happens: the pages' proof that the host is alive."""

MAX_TRACKED_ADDRESSES = 4096

PAGES: dict[str, Route] = {
    "stage": Route.STAGE_PAGE, "backstage": Route.BACKSTAGE_PAGE,
    "rapporteur": Route.RAPPORTEUR_PAGE, "comoderator": Route.COMODERATOR_PAGE,
}
"""Each page, by the name of its path and of its HTML file; who may open it is ``roles.py``'s."""

HostClock = Callable[[], float]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Extension = Callable[[web.Application, "ShareServer"], None]


@dataclass(frozen=True)
class Limits:
    body_bytes: int = 16 * 1024
    """The largest request body (a command is a few hundred bytes)."""
    ws_message_bytes: int = 4 * 1024
    connections_per_address: int = 250
    """Open WebSockets from one address. Behind a tunnel every viewer comes from 127.0.0.1, so room for
    a few hundred viewers; a client opening thousands is stopped."""
    send_queue: int = 32
    """Messages waiting for one slow client; beyond it the client is dropped (it reconnects)."""
    send_queue_bytes: int = 4 * 1024 * 1024
    """Bytes waiting for one slow client (a snapshot is a few kilobytes; a programme of a thousand
    segments makes its agenda long): beyond it, too, the client is dropped."""
    commands_per_second: float = 5.0
    command_burst: int = 10
    pings_per_second: float = 5.0
    ping_burst: int = 20
    header_timeout: float = 10.0
    """Seconds for a connection's request headers to arrive (and for an idle keep-alive)."""
    body_timeout: float = 10.0
    """Seconds for a command's body to arrive once its headers have."""
    http_connections_per_address: int = 320
    """TCP connections from one address: its WebSockets (``connections_per_address``) and more."""
    http_connections: int = 1024
    """TCP connections in all, lowered to what the process's file limit leaves (``http_guard``)."""


class PageConnection:
    """One WebSocket to a page: its role, and a queue bounded in messages and bytes, drained by its
    own sender task."""

    def __init__(self, socket: web.WebSocketResponse, role: Role, address: str, limit: int,
                 byte_limit: int = 4 * 1024 * 1024, transport: asyncio.Transport | None = None) -> None:
        self.socket = socket
        self.role = role
        self.address = address
        self.queue: asyncio.Queue[str] = asyncio.Queue(limit)
        self.byte_limit = byte_limit
        self.queued_bytes = 0
        self.transport = transport
        self.dropped = False

    def offer(self, text: str) -> bool:
        """Queue ``text``; False (and the connection is to be dropped) when the client is too slow."""
        if self.queued_bytes and self.queued_bytes + len(text) > self.byte_limit:
            self._drop()
            return False
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            self._drop()
            return False
        self.queued_bytes += len(text)
        return True

    def _drop(self) -> None:
        self.dropped = True
        while not self.queue.empty():  # what waits is of no use now: freed at once
            self.queue.get_nowait()
        self.queued_bytes = 0

    async def close_slow(self) -> None:
        """Say "too slow" (1013) if the client takes it within a second; else cut the connection (a
        close frame waits behind what the client does not read)."""
        try:
            async with asyncio.timeout(1.0):
                await self.socket.close(code=1013, message=b"too slow")
        except TimeoutError:
            if self.transport is not None:
                self.transport.abort()

    async def send_loop(self) -> None:
        while True:
            text = await self.queue.get()
            self.queued_bytes = max(0, self.queued_bytes - len(text))
            await self.socket.send_str(text)


class ShareServer:
    """The network face of one running session."""

    def __init__(self, engine: Engine, tokens: Tokens, *, rate: float = 1.0, limits: Limits | None = None,
                 host_clock: HostClock = time.monotonic, public_origins: Iterable[str] = (),
                 extensions: Iterable[Extension] = ()) -> None:
        self.engine = engine
        self.tokens = tokens
        self.rate = rate
        self.limits = limits or Limits()
        self.host_clock = host_clock
        self.public_origins = frozenset(origin.lower().rstrip("/") for origin in public_origins)
        self.pages: set[PageConnection] = set()
        self.per_address: dict[str, int] = defaultdict(int)
        self.command_buckets = Buckets(self.limits.commands_per_second, self.limits.command_burst,
                                       MAX_TRACKED_ADDRESSES)
        self.event_listeners: list[Callable[[Event, State], None]] = []
        """Extensions (seats) that want each journal event as it is applied."""
        self._refresher: asyncio.Task[None] | None = None
        self._runner: web.AppRunner | None = None
        self._listener: asyncio.Server | None = None
        self.guard = ConnectionGuard(per_address=self.limits.http_connections_per_address,
                                     total=connection_budget(self.limits.http_connections),
                                     header_timeout=self.limits.header_timeout)
        self.app = self._build_app(extensions)
        engine.subscribe(self._on_event)

    # ------------------------------------------------------------------ the application

    def _build_app(self, extensions: Iterable[Extension]) -> web.Application:
        @web.middleware
        async def request_began(request: web.Request, handler: Handler) -> web.StreamResponse:
            self.guard.request_began(request.transport)  # its headers are in: no longer slow to ask
            return await handler(request)

        app = web.Application(client_max_size=self.limits.body_bytes,
                              middlewares=[request_began, _security_headers])
        for name in PAGES:
            app.router.add_get(f"/{name}/{{token}}", self._page(name))
        app.router.add_get("/static/{name}", self._static)
        app.router.add_get("/ws/{token}", self._page_socket)
        app.router.add_get("/api/state", self._api_state)
        app.router.add_get("/api/state/{token}", self._api_state)
        app.router.add_post("/api/command", self._api_command)
        app.router.add_post("/api/command/{token}", self._api_command)
        for extend in extensions:
            extend(app, self)
        app.on_startup.append(self._on_startup)
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def _on_startup(self, _: web.Application) -> None:
        self._refresher = asyncio.get_running_loop().create_task(self._refresh_forever())

    async def _on_shutdown(self, _: web.Application) -> None:
        if self._refresher is not None:
            self._refresher.cancel()
        for page in list(self.pages):
            await page.socket.close(code=1001, message=b"host shutting down")

    async def start(self, host: str, port: int, ssl_context: ssl.SSLContext | None = None) -> list[tuple[str, int]]:
        """Listen on ``host:port`` (``port`` 0: any free one); returns the bound addresses. Each
        accepted connection is put under ``self.guard`` (``http_guard``: per address, in all, headers
        in time) before aiohttp sees it."""
        runner = web.AppRunner(self.app, access_log=None, handle_signals=False, shutdown_timeout=1.0,
                               keepalive_timeout=self.limits.header_timeout)
        await runner.setup()
        assert runner.server is not None
        try:
            # With TLS, a connection reaches the guard once its handshake is done: until then the
            # handshake's own timeout, the same seconds as for headers, bounds it.
            listener = await asyncio.get_running_loop().create_server(
                guarded(runner.server, self.guard), host, port, ssl=ssl_context, backlog=256,
                ssl_handshake_timeout=self.limits.header_timeout if ssl_context is not None else None)
        except BaseException:
            await runner.cleanup()
            raise
        self._runner, self._listener = runner, listener
        return [(str(sock.getsockname()[0]), int(sock.getsockname()[1])) for sock in listener.sockets]

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            listener, self._listener = self._listener, None
            if listener is not None:
                listener.close()  # no new connections; the runner closes those open
            await runner.cleanup()
            if listener is not None:
                await close_listener(listener)

    # ------------------------------------------------------------------ roles

    def role_for(self, token: str | None, allowed: Iterable[Role] = tuple(Role)) -> Role:
        """The token's role if it is one of ``allowed``; else 403, the same answer for every mistake."""
        role = self.tokens.role_of(token) if token else None
        if role is None or role not in allowed:
            raise forbidden()
        return role

    def role_on(self, token: str | None, route: Route) -> Role:
        """The token's role if the role table lets it use ``route``; else the one 403."""
        return self.role_for(token, roles_for(route))

    def snapshot_for(self, role: Role) -> dict[str, Any]:
        """What ``role`` may read (``roles.py``): the stage's snapshot, or the backstage's."""
        engine = self.engine
        view = Role.STAGE if view_of(role) is View.STAGE else Role.BACKSTAGE
        page = page_snapshot(engine.programme, engine.state, engine.snapshot(), self.host_clock(),
                             role=view, rate=self.rate)
        if role in SEAT_ROLES:  # the rapporteur's page and the co-moderator's controller: their extras
            page.update(seat_extras(engine, role))
        return page

    # ------------------------------------------------------------------ pages and assets

    def _page(self, name: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        route = PAGES[name]
        path = WEB / f"{name}.html"
        body = path.read_bytes() if path.exists() else None

        async def handler(request: web.Request) -> web.StreamResponse:
            self.role_on(request.match_info.get("token"), route)
            if body is None:  # a seat's link with no page in the browser (yet): say what it is
                return web.Response(text=SEAT_LINK_TEXT, content_type="text/plain", charset="utf-8")
            return web.Response(body=body, content_type="text/html", charset="utf-8")
        return handler

    async def _static(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name not in STATIC_FILES:
            raise web.HTTPNotFound()
        path = WEB / name
        return web.Response(body=path.read_bytes(), content_type=CONTENT_TYPES[path.suffix], charset="utf-8")

    # ------------------------------------------------------------------ the pages' WebSocket

    def origin_allowed(self, request: web.Request) -> bool:
        """A browser always sends ``Origin``; it must be the host it loaded the page from (or the
        public URL's). A client without one (a script, a seat) is no browser a page could hijack."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        origin = origin.lower().rstrip("/")
        if origin in self.public_origins:
            return True
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and parts.netloc == (request.host or "").lower()

    def check_upgrade(self, request: web.Request, role: Role) -> str:
        """Checks before any WebSocket upgrade (pages and seats): the origin, then connections per
        address. Returns the address, to be released with ``release_address``."""
        if not self.origin_allowed(request):
            raise forbidden()
        address = request.remote or "?"
        if self.per_address[address] >= self.limits.connections_per_address:
            raise web.HTTPTooManyRequests(text="too many connections from this address")
        self.per_address[address] += 1
        return address

    def release_address(self, address: str) -> None:
        self.per_address[address] -= 1
        if self.per_address[address] <= 0:
            del self.per_address[address]

    async def _page_socket(self, request: web.Request) -> web.StreamResponse:
        role = self.role_on(request.match_info.get("token"), Route.PAGE_SOCKET)
        address = self.check_upgrade(request, role)
        try:
            socket = web.WebSocketResponse(max_msg_size=self.limits.ws_message_bytes, heartbeat=30.0)
            await socket.prepare(request)
            page = PageConnection(socket, role, address, self.limits.send_queue, self.limits.send_queue_bytes,
                                  request.transport)
            page.offer(_dumps(self.snapshot_for(role)))
            self.pages.add(page)
            sender = asyncio.get_running_loop().create_task(page.send_loop())
            try:
                await self._read_page(page)
            finally:
                self.pages.discard(page)
                sender.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sender
            return socket
        finally:
            self.release_address(address)

    async def _read_page(self, page: PageConnection) -> None:
        """Pages send only clock pings; anything else (or too many) closes the connection. A ping's
        ``sent`` is echoed only if it is a finite number (a NaN echoed would break the page's JSON)."""
        pings = Bucket(self.limits.pings_per_second, self.limits.ping_burst)
        async for frame in page.socket:
            if frame.type is not WSMsgType.TEXT or page.dropped:
                break
            try:
                message = loads(frame.data)
            except ValueError:
                break
            if not (isinstance(message, dict) and message.get("type") == "ping") or not pings.take():
                break
            sent = message.get("sent")
            if not finite_number(sent):
                break
            if not page.offer(_dumps({"type": "pong", "sent": sent, "host_t": self.host_clock()})):
                break
        if not page.socket.closed:
            await page.socket.close(code=1008 if not page.dropped else 1013)

    # ------------------------------------------------------------------ snapshots to pages

    def _on_event(self, event: Event, state: State) -> None:
        """An engine listener (runs on the loop's thread, right after the event is durable)."""
        for listener in self.event_listeners:
            listener(event, state)
        # At once, not on a later turn of the loop: the console redraws after this returns, and the
        # speaker's page should not wait for the terminal's frame.
        with contextlib.suppress(RuntimeError):  # no running loop: the engine driven outside the server
            asyncio.get_running_loop()
            self.broadcast()

    def broadcast(self) -> None:
        """A fresh snapshot to every page, built once per role; slow clients are dropped."""
        if not self.pages:
            return
        texts: dict[Role, str] = {}
        for page in list(self.pages):
            if page.role not in texts:
                texts[page.role] = _dumps(self.snapshot_for(page.role))
            if not page.offer(texts[page.role]):
                self.pages.discard(page)
                asyncio.get_running_loop().create_task(page.close_slow())

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_EVERY)
            self.broadcast()

    # ------------------------------------------------------------------ the HTTP API

    def _api_token(self, request: web.Request) -> str | None:
        header = request.headers.get("Authorization", "")
        if header[:7].lower() == "bearer ":
            return header[7:].strip()
        return request.match_info.get("token")

    async def _api_state(self, request: web.Request) -> web.StreamResponse:
        role = self.role_on(self._api_token(request), Route.API_STATE)
        return web.json_response(self.snapshot_for(role), dumps=_dumps)

    async def _api_command(self, request: web.Request) -> web.StreamResponse:
        """One command, answered once its event is fsync'd in the journal (the engine call returns then)."""
        role = self.role_on(self._api_token(request), Route.API_COMMAND)
        if not self.command_buckets[request.remote or "?"].take():
            return _error(429, "too many commands: slow down")
        try:
            async with asyncio.timeout(self.limits.body_timeout):
                raw = await request.read()
        except TimeoutError:
            return _error(408, "the body did not arrive in time")
        try:
            body = loads(raw)
        except ValueError:
            return _error(400, "the body must be JSON: {\"id\", \"type\", \"args\"}")
        if not isinstance(body, dict) or not isinstance(body.get("type"), str):
            return _error(400, "the body must be a JSON object with a \"type\"")
        command_id = body.get("id")
        if command_id is not None and not (isinstance(command_id, str) and len(command_id) <= 64):
            return _error(400, "\"id\" must be a string of at most 64 characters")
        try:
            lookup(body["type"])
            if not may_send(role, body["type"]) or lookup(body["type"]).needs is not Needs.COMODERATOR:
                raise BadCommand("notes are typed from a seat (moderator join), not through this API")
            run_command(self.engine, body["type"], body.get("args"))
        except BadCommand as error:
            return _error(400, str(error), command_id)
        except CommandRefused as refusal:
            return _error(409, str(refusal), command_id)
        except JournalError:
            return _error(503, "the host could not save the command; it did not happen", command_id)
        return web.json_response({"id": command_id, "ok": True, "seq": self.engine.state.events}, dumps=_dumps)


def forbidden() -> web.HTTPForbidden:
    """The one answer to every wrong, missing or misplaced token: nothing says which it was."""
    return web.HTTPForbidden(text=FORBIDDEN)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _error(status: int, reason: str, command_id: object = None) -> web.Response:
    return web.json_response({"id": command_id, "ok": False, "error": reason}, status=status, dumps=_dumps)


@web.middleware
async def _security_headers(request: web.Request,
                            handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    """The same headers on every answer, errors included."""
    try:
        response = await handler(request)
    except web.HTTPException as error:
        error.headers.update(SECURITY_HEADERS)
        raise
    if not response.prepared:
        response.headers.update(SECURITY_HEADERS)
    return response
