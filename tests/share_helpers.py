"""A host's web server with its seats, in the test's process (aiohttp's test client on 127.0.0.1),
and a seat spoken to by hand: for the role matrix, the identity tests and the network attacks."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from aiohttp import ClientWebSocketResponse, WSMsgType
from aiohttp.test_utils import TestClient, TestServer
from helpers_engine import new_engine

from moderator.session.engine import Engine
from moderator.share.seat_identities import SeatRegistry, seats_path
from moderator.share.seat_protocol import PROTOCOL, SeatHub, SeatLimits
from moderator.share.server import Limits, ShareServer
from moderator.share.tokens import Role, Tokens


class ShareHost:
    """The engine (fake clock, real journal), its ``ShareServer`` with the seats' endpoint, a client."""

    def __init__(self, engine: Engine, server: ShareServer, hub: SeatHub, client: TestClient[Any, Any],
                 tokens: Tokens) -> None:
        self.engine, self.server, self.hub, self.client, self.tokens = engine, server, hub, client, tokens

    def token(self, role: Role) -> str:
        return self.tokens.token(role)

    def bearer(self, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role)}"}

    async def seat(self, role: Role, name: str | None = "Ana", **hello: Any) -> Seat:
        """A seat joined on ``role``'s link: its welcome read."""
        seat = Seat(await self.client.ws_connect(f"/seat/{self.token(role)}"))
        await seat.hello(name, **hello)
        seat.welcome = await seat.expect("welcome")
        return seat

    async def close(self) -> None:
        await self.client.close()


async def share_host(folder: Path, *, limits: Limits | None = None, seat_limits: SeatLimits | None = None,
                     journal_budget: int | None = None, engine: Engine | None = None,
                     tokens: Tokens | None = None) -> ShareHost:
    if engine is None:
        engine, _ = new_engine(folder)
    tokens = tokens or Tokens.new()
    hubs: list[SeatHub] = []

    def seats(app: Any, server: ShareServer) -> None:
        def role_of(token: str) -> str | None:
            role = server.tokens.role_of(token) if token else None
            return role.value if role is not None else None

        registry = SeatRegistry(seats_path(engine.journal.path) if engine.journal is not None else None)
        extra: dict[str, Any] = {} if journal_budget is None else {"journal_budget": journal_budget}
        hub = SeatHub(engine, role_of, server=server, registry=registry, limits=seat_limits, **extra)
        hub.add_routes(app)
        hubs.append(hub)

    server = ShareServer(engine, tokens, limits=limits, host_clock=lambda: 7000.0, extensions=[seats])
    client = TestClient(TestServer(server.app))
    await client.start_server()
    return ShareHost(engine, server, hubs[0], client, tokens)


class Seat:
    """One seat's WebSocket, spoken to message by message."""

    def __init__(self, ws: ClientWebSocketResponse) -> None:
        self.ws = ws
        self.welcome: dict[str, Any] = {}
        self.seen: list[dict[str, Any]] = []

    @property
    def seat_id(self) -> str:
        return str(self.welcome["seat_id"])

    @property
    def secret(self) -> str:
        return str(self.welcome["seat_secret"])

    async def hello(self, name: str | None = "Ana", **fields: Any) -> None:
        await self.ws.send_json({"type": "hello", "protocol": PROTOCOL, "seat_name": name, "have_seq": -1,
                                 "session": None, **fields})

    async def receive(self, timeout: float = 3.0) -> dict[str, Any] | None:
        """The next message, or None once the connection closed."""
        message = await self.ws.receive(timeout=timeout)
        if message.type is not WSMsgType.TEXT:
            return None
        body: dict[str, Any] = json.loads(message.data)
        self.seen.append(body)
        return body

    async def expect(self, kind: str, timeout: float = 3.0) -> dict[str, Any]:
        while True:
            body = await self.receive(timeout)
            assert body is not None, f"closed ({self.ws.close_code}) while waiting for {kind}: {self.seen[-3:]}"
            if body.get("type") == kind:
                return body

    async def command(self, command_id: str, command: str, **args: Any) -> dict[str, Any]:
        """Send one command and return its answer (ack or refused)."""
        await self.ws.send_json({"type": "command", "id": command_id, "command": command, "args": args})
        while True:
            body = await self.receive()
            assert body is not None, f"closed ({self.ws.close_code}) before the answer to {command_id}"
            if body.get("type") in ("ack", "refused") and body.get("id") == command_id:
                return body

    async def closed(self, timeout: float = 3.0) -> int:
        """Read until the host closes the connection; its close code."""
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            message = await self.ws.receive(timeout=timeout)
            if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING, WSMsgType.ERROR):
                return int(self.ws.close_code or 0)
            if message.type is WSMsgType.TEXT:
                self.seen.append(json.loads(message.data))
        raise AssertionError("the host did not close the connection")


# ---------------------------------------------------------------------- a client written by hand


async def raw_connection(port: int, *, local: str | None = None, receive_buffer: int | None = None,
                         ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A TCP connection to 127.0.0.1:``port`` from address ``local`` (any of 127/8 on Linux), with a
    small receive buffer if asked (a client that does not read fills it at once)."""
    import socket

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if receive_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    if local is not None:
        sock.bind((local, 0))
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    return await asyncio.open_connection(sock=sock)


async def raw_websocket(port: int, path: str, **options: Any) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A WebSocket opened by hand (no library reading on our behalf): the upgrade's answer read."""
    reader, writer = await raw_connection(port, **options)
    writer.write((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    await writer.drain()
    answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    assert answer.startswith(b"HTTP/1.1 101"), answer[:40]
    return reader, writer


def text_frame(text: str) -> bytes:
    """One client-to-server text frame (masked with zeros: a valid mask, and nothing to compute)."""
    payload = text.encode("utf-8")
    size = len(payload)
    if size < 126:
        header = bytes([0x81, 0x80 | size])
    elif size < 65536:
        header = bytes([0x81, 0x80 | 126]) + size.to_bytes(2, "big")
    else:
        header = bytes([0x81, 0x80 | 127]) + size.to_bytes(8, "big")
    return header + b"\0\0\0\0" + payload


def hello_frame(name: str = "Flood", **fields: Any) -> bytes:
    return text_frame(json.dumps({"type": "hello", "protocol": PROTOCOL, "seat_name": name, "have_seq": -1,
                                  "session": None, **fields}))
