"""The host's web server through aiohttp's test client: each role sees only what it may, each bad
token, bad Origin, oversized message and flood gets its answer, and the session runs on.

The engine runs on a fake clock with a real journal; the server on 127.0.0.1 (a real socket).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import WSMsgType, WSServerHandshakeError
from aiohttp.test_utils import TestClient, TestServer
from helpers_engine import KIM, new_engine

from moderator.session.engine import Engine
from moderator.share.server import CSP, FORBIDDEN, Limits, ShareServer
from moderator.share.tokens import Role, Tokens

pytestmark = pytest.mark.unit  # in process (aiohttp's test server): part of the fast loop


class Host:
    def __init__(self, engine: Engine, server: ShareServer, client: TestClient[Any, Any], tokens: Tokens) -> None:
        self.engine = engine
        self.server = server
        self.client = client
        self.tokens = tokens
        self.redraws = 0
        """Events the engine told its listeners of (what a console would draw)."""

    def token(self, role: Role) -> str:
        return self.tokens.token(role)

    async def command(self, body: Any, role: Role = Role.COMODERATOR) -> tuple[int, Any]:
        response = await self.client.post("/api/command", json=body,
                                          headers={"Authorization": f"Bearer {self.token(role)}"})
        return response.status, await response.json()


async def make_host(tmp_path: Path, limits: Limits | None = None) -> Host:
    engine, _ = new_engine(tmp_path)
    tokens = Tokens.new()
    server = ShareServer(engine, tokens, limits=limits, host_clock=lambda: 7000.0)
    client = TestClient(TestServer(server.app))
    await client.start_server()
    host = Host(engine, server, client, tokens)

    def seen(_: object, __: object) -> None:  # every face is told by the engine: the one road
        host.redraws += 1

    engine.subscribe(seen)
    return host


@pytest.fixture
async def host(tmp_path: Path) -> AsyncIterator[Host]:
    made = await make_host(tmp_path)
    yield made
    await made.client.close()


BAD_TOKENS = ["", "nope", "x" * 32, "stage", "%00", "%C3%A9"]


async def forbidden_body(host: Host, path: str, **kwargs: Any) -> str:
    response = await host.client.request(kwargs.pop("method", "GET"), path, **kwargs)
    assert response.status == 403, path
    assert response.headers["Content-Security-Policy"] == CSP
    return await response.text()


async def test_each_page_opens_with_its_token_and_strict_headers(host: Host) -> None:
    for page, role in [("stage", Role.STAGE), ("backstage", Role.BACKSTAGE), ("stage", Role.COMODERATOR)]:
        response = await host.client.get(f"/{page}/{host.token(role)}")
        assert response.status == 200
        assert response.content_type == "text/html"
        assert response.headers["Content-Security-Policy"] == CSP
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert f'src="/static/{page}.js"' in await response.text()
    script = await host.client.get("/static/stage.js")
    assert script.status == 200 and script.content_type == "text/javascript"
    for name in ["stage.html", "..%2Fserver.py", "nothing.js", "%2e%2e%2f%2e%2e%2fpyproject.toml"]:
        assert (await host.client.get(f"/static/{name}")).status == 404


async def test_every_wrong_token_gets_the_same_403_and_no_detail(host: Host) -> None:
    bodies = set()
    for token in BAD_TOKENS[1:]:
        bodies.add(await forbidden_body(host, f"/stage/{token}"))
        bodies.add(await forbidden_body(host, f"/api/state/{token}"))
        bodies.add(await forbidden_body(host, "/api/state", headers={"Authorization": f"Bearer {token}"}))
    bodies.add(await forbidden_body(host, "/api/state"))
    # A real token in the wrong place is refused in exactly the same words.
    bodies.add(await forbidden_body(host, f"/backstage/{host.token(Role.STAGE)}"))
    bodies.add(await forbidden_body(host, f"/stage/{host.token(Role.RAPPORTEUR)}"))
    bodies.add(await forbidden_body(host, "/api/command", method="POST", json={"type": "next"},
                                    headers={"Authorization": f"Bearer {host.token(Role.BACKSTAGE)}"}))
    assert bodies == {FORBIDDEN}
    assert all(token not in FORBIDDEN for token in host.tokens.by_role.values())
    assert host.engine.state.events == 1  # nothing happened


async def test_the_state_api_shows_each_role_what_it_may_see(host: Host) -> None:
    host.engine.start(KIM)
    stage = await (await host.client.get(f"/api/state/{host.token(Role.STAGE)}")).json()
    assert stage["segment"]["speakers"] == ["Young Kim"] and "agenda" not in stage
    backstage = await (await host.client.get(
        "/api/state", headers={"Authorization": f"Bearer {host.token(Role.BACKSTAGE)}"})).json()
    assert len(backstage["agenda"]) == 10 and backstage["host_t"] == 7000.0


async def test_commands_go_through_the_engine_and_are_answered_after_the_journal(host: Host) -> None:
    status, answer = await host.command({"id": "a1", "type": "start"})
    assert (status, answer) == (200, {"id": "a1", "ok": True, "seq": 2})
    journal = host.engine.journal
    assert journal is not None
    lines = journal.active_path.read_text().splitlines()
    assert json.loads(lines[-1])["type"] == "started"  # on disk when the answer came
    status, answer = await host.command({"id": "a2", "type": "message", "args": {"text": "Please wrap up"}})
    assert status == 200 and host.engine.state.stage_message is not None
    assert host.redraws == 2
    status, answer = await host.command({"id": "a3", "type": "previous"})
    assert status == 409 and answer["error"] == "this is the first segment" and answer["id"] == "a3"
    for body, reason in [({"type": "explode"}, "unknown command"), ({"id": 5, "type": "next"}, "\"id\""),
                         ([1, 2], "JSON object"), ({"type": "adjust", "args": {"seconds": "x"}}, "whole number"),
                         ({"type": "add_note", "args": {"text": "x"}}, "from a seat")]:
        status, answer = await host.command(body)
        assert status == 400 and reason in answer["error"]
    response = await host.client.post("/api/command", data=b"{not json",
                                      headers={"Authorization": f"Bearer {host.token(Role.COMODERATOR)}"})
    assert response.status == 400
    assert host.redraws == 2


async def test_get_changes_nothing(host: Host) -> None:
    token = host.token(Role.COMODERATOR)
    for path in ["/api/command", f"/api/command/{token}"]:
        assert (await host.client.get(path)).status == 405
    assert (await host.client.get(f"/api/state/{token}?type=start")).status == 200
    assert host.engine.state.events == 1


async def test_an_oversized_body_and_a_command_flood_are_refused(host: Host) -> None:
    response = await host.client.post("/api/command", data=b"{" + b" " * 20_000 + b"}",
                                      headers={"Authorization": f"Bearer {host.token(Role.COMODERATOR)}",
                                               "Content-Type": "application/json"})
    assert response.status == 413
    statuses = [(await host.command({"type": "flash"}))[0] for _ in range(30)]
    # The burst is 10 commands (the oversized one counted), then 5 a second.
    assert statuses[:9] == [200] * 9 and statuses[-5:] == [429] * 5
    assert host.engine.state.events == 1 + statuses.count(200)


async def test_the_websocket_sends_a_snapshot_on_connect_and_on_each_event_and_answers_pings(host: Host) -> None:
    socket = await host.client.ws_connect(f"/ws/{host.token(Role.STAGE)}")
    first = await socket.receive_json(timeout=2)
    assert first["type"] == "snapshot" and first["status"] == "not_started" and "agenda" not in first
    host.engine.start()
    second = await socket.receive_json(timeout=2)
    assert second["status"] == "running" and second["segment"]["number"] == 1
    await socket.send_json({"type": "ping", "sent": 12.5})
    assert await socket.receive_json(timeout=2) == {"type": "pong", "sent": 12.5, "host_t": 7000.0}
    await socket.close()


async def test_a_foreign_origin_cannot_open_the_websocket(host: Host) -> None:
    token = host.token(Role.STAGE)
    with pytest.raises(WSServerHandshakeError) as refused:
        await host.client.ws_connect(f"/ws/{token}", headers={"Origin": "https://evil.example"})
    assert refused.value.status == 403
    with pytest.raises(WSServerHandshakeError):
        await host.client.ws_connect(f"/ws/{token}", headers={"Origin": "null"})
    own = f"http://{host.client.host}:{host.client.port}"
    socket = await host.client.ws_connect(f"/ws/{token}", headers={"Origin": own})
    assert (await socket.receive_json(timeout=2))["type"] == "snapshot"
    await socket.close()
    with pytest.raises(WSServerHandshakeError) as wrong:
        await host.client.ws_connect("/ws/not-a-token")
    assert wrong.value.status == 403


async def receive_close(socket: Any) -> int:
    while True:
        message = await socket.receive(timeout=2)
        if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING):
            return int(socket.close_code or 0)


async def test_oversized_unknown_and_flooding_messages_close_the_socket_and_the_session_runs_on(
    host: Host,
) -> None:
    token = host.token(Role.STAGE)
    for abuse in [json.dumps({"type": "ping", "sent": 1, "pad": "x" * 10_000}), json.dumps({"type": "command"}),
                  "not json", json.dumps({"type": "ping", "sent": "soon"})]:
        socket = await host.client.ws_connect(f"/ws/{token}")
        await socket.receive_json(timeout=2)
        await socket.send_str(abuse)
        assert await receive_close(socket) in (1008, 1009)
    socket = await host.client.ws_connect(f"/ws/{token}")
    await socket.receive_json(timeout=2)
    for _ in range(100):
        await socket.send_json({"type": "ping", "sent": 1})
    assert await receive_close(socket) == 1008
    status, _ = await host.command({"type": "start"})
    assert status == 200 and host.server.pages == set() and host.server.per_address == {}


async def test_connections_per_address_are_limited(tmp_path: Path) -> None:
    host = await make_host(tmp_path, Limits(connections_per_address=3))
    try:
        sockets = [await host.client.ws_connect(f"/ws/{host.token(Role.STAGE)}") for _ in range(3)]
        with pytest.raises(WSServerHandshakeError) as refused:
            await host.client.ws_connect(f"/ws/{host.token(Role.STAGE)}")
        assert refused.value.status == 429
        await sockets[0].close()
        await asyncio.sleep(0.1)
        sockets.append(await host.client.ws_connect(f"/ws/{host.token(Role.STAGE)}"))
        for socket in sockets[1:]:
            await socket.close()
    finally:
        await host.client.close()


async def test_a_client_too_slow_to_read_is_dropped_not_buffered(tmp_path: Path) -> None:
    host = await make_host(tmp_path, Limits(send_queue=4))
    try:
        socket = await host.client.ws_connect(f"/ws/{host.token(Role.STAGE)}")
        while not host.server.pages:
            await asyncio.sleep(0.01)
        for _ in range(10):  # snapshots pile up faster than the sender may run
            host.server.broadcast()
        assert host.server.pages == set()
        assert await receive_close(socket) == 1013
    finally:
        await host.client.close()
