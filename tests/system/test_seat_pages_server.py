"""The browser seats' routes on the real server (aiohttp's test client, a real socket): each page opens
with its own link only, under the strict CSP; the rapporteur's link also works as a seat, and a preview
over the seat protocol journals nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from helpers_engine import KIM, new_engine

from moderator.session.engine import Engine
from moderator.share.links import links
from moderator.share.seat_client import parse_link
from moderator.share.seat_protocol import PROTOCOL, add_seat_routes
from moderator.share.server import CSP, FORBIDDEN, ShareServer
from moderator.share.tokens import Role, Tokens

pytestmark = pytest.mark.system


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[Engine, Tokens, TestClient[Any, Any]]]:
    engine, _ = new_engine(tmp_path)
    engine.start(KIM)
    tokens = Tokens.new()
    server = ShareServer(engine, tokens, extensions=[add_seat_routes])
    client = TestClient(TestServer(server.app))
    await client.start_server()
    yield engine, tokens, client
    await client.close()


async def test_each_seat_page_opens_with_its_own_link_only(served: tuple[Engine, Tokens, TestClient[Any, Any]]) -> None:
    _, tokens, client = served
    for page, role, script in [("rapporteur", Role.RAPPORTEUR, "rapporteur.js"),
                               ("comoderator", Role.COMODERATOR, "comoderator.js")]:
        response = await client.get(f"/{page}/{tokens.token(role)}")
        assert response.status == 200 and response.headers["Content-Security-Policy"] == CSP
        assert f'src="/static/{script}"' in await response.text()
        for other in Role:
            if other not in (role, Role.COMODERATOR):  # the co-moderator opens every page (roles.py)
                wrong = await client.get(f"/{page}/{tokens.token(other)}")
                assert (wrong.status, await wrong.text()) == (403, FORBIDDEN)
    for name in ["seat_common.js", "seat.css", "rapporteur.js", "comoderator.js"]:
        assert (await client.get(f"/static/{name}")).status == 200


async def test_the_printed_links_open_the_pages_and_work_with_moderator_join(
        served: tuple[Engine, Tokens, TestClient[Any, Any]]) -> None:
    _, tokens, _ = served
    found = {link.role: link.url for link in links("http://192.0.2.7:8765", tokens)}
    assert found[Role.RAPPORTEUR] == f"http://192.0.2.7:8765/rapporteur/{tokens.token(Role.RAPPORTEUR)}"
    assert parse_link(found[Role.RAPPORTEUR]).websocket_url == f"ws://192.0.2.7:8765/seat/{tokens.token(Role.RAPPORTEUR)}"
    assert parse_link(found[Role.COMODERATOR]).websocket_url.endswith(f"/seat/{tokens.token(Role.COMODERATOR)}")


async def test_a_preview_over_the_seat_protocol_journals_nothing(
        served: tuple[Engine, Tokens, TestClient[Any, Any]]) -> None:
    engine, tokens, client = served
    async with client.ws_connect(f"/seat/{tokens.token(Role.RAPPORTEUR)}") as socket:
        await socket.send_json({"type": "hello", "protocol": PROTOCOL, "seat_name": "Ana", "have_seq": -1,
                                "session": ""})
        welcome = json.loads((await socket.receive()).data)
        assert welcome["type"] == "welcome"
        before = len(engine.history)
        await socket.send_json({"type": "command", "id": "p1", "command": "preview_note",
                                "args": {"text": "? @leyton who buys"}})
        answer = json.loads((await socket.receive()).data)
        assert answer["type"] == "preview" and answer["id"] == "p1"
        assert (answer["landing"]["kind"], answer["landing"]["speaker"]) == ("question", "Eric Leyton Inostroza")
        await socket.send_json({"type": "command", "id": "p2", "command": "preview_note", "args": {"text": 7}})
        assert "error" in json.loads((await socket.receive()).data)["landing"]
        assert len(engine.history) == before
