"""The network attacks on the host, in the test's process (its server on 127.0.0.1, real sockets):
each is an entry of docs/RELIABILITY.md's network table, bounded in count and time. The attacks
that need separate processes (a flood measured from outside, memory) are in
tests/system/test_share_network.py."""

from __future__ import annotations

import asyncio
import json
import shutil
import ssl
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import ClientSession, WSMsgType, web
from helpers_engine import fake_clock, new_engine, workshop
from share_helpers import (
    Seat,
    ShareHost,
    hello_frame,
    raw_connection,
    raw_websocket,
    share_host,
)

from moderator.files import JOURNAL_LIMIT
from moderator.programme import load_programme
from moderator.session.clock import SystemClock
from moderator.session.engine import Engine
from moderator.session.events import NoteAdded
from moderator.session.journal import read_journal
from moderator.session.notes import MAX_NOTE_CHARACTERS
from moderator.session.runs import open_run
from moderator.share.seat_protocol import MAX_MESSAGE, SEAT_JOURNAL_BUDGET, SeatLimits
from moderator.share.server import Limits, ShareServer
from moderator.share.tokens import Role, Tokens
from moderator.share.wire import loads

RAPPORTEUR, COMODERATOR, STAGE = Role.RAPPORTEUR, Role.COMODERATOR, Role.STAGE


@pytest.fixture
async def host(tmp_path: Path) -> AsyncIterator[ShareHost]:
    made = await share_host(tmp_path)
    made.engine.start()
    yield made
    await made.close()


def seat_notes(host: ShareHost) -> list[NoteAdded]:
    assert host.engine.journal is not None
    return [e for e in read_journal(host.engine.journal.path).events if isinstance(e, NoteAdded) and e.seat]


# ---------------------------------------------------------------------- N03: a note's length


@pytest.mark.attack("N03")
async def test_a_seat_note_holds_what_a_console_note_holds(host: ShareHost) -> None:
    ana = await host.seat(RAPPORTEUR, "Ana")
    assert (await ana.command("fits", "add_note", text="é" * MAX_NOTE_CHARACTERS))["type"] == "ack"
    refused = await ana.command("long", "add_note", text="x" * (MAX_NOTE_CHARACTERS + 1))
    assert refused["type"] == "refused" and "5000" in refused["reason"]
    note_id = host.engine.state.visible_notes()[-1].id
    refused = await ana.command("long-edit", "edit_note", id=note_id, text="y" * (MAX_NOTE_CHARACTERS + 1))
    assert refused["type"] == "refused"
    # escaped as JSON at its worst (every character a \\u escape), the longest note still fits a message
    assert len(json.dumps({"type": "command", "id": "x" * 64, "command": "edit_note",
                           "args": {"id": 10**7, "text": "\x01" * MAX_NOTE_CHARACTERS}})) < MAX_MESSAGE
    # a 100,000-character note (the old bound) does not even fit a message: the connection ends
    await ana.ws.send_json({"type": "command", "id": "huge", "command": "add_note", "args": {"text": "z" * 100_000}})
    assert await ana.closed() == 1009
    assert [len(note.text) for note in seat_notes(host)] == [MAX_NOTE_CHARACTERS]


# ---------------------------------------------------------------------- N04: what waits for a client


@pytest.mark.attack("N04")
async def test_a_seat_that_never_reads_is_dropped_and_what_waits_for_it_is_bounded_in_bytes(tmp_path: Path) -> None:
    bound = 256 * 1024
    engine = Engine.create(workshop(), fake_clock(), None)  # no journal: the events come as fast as can be
    host = await share_host(tmp_path, seat_limits=SeatLimits(send_queue_bytes=bound), engine=engine)
    try:
        host.engine.start()
        assert host.client.port is not None
        _, writer = await raw_websocket(host.client.port, f"/seat/{host.token(RAPPORTEUR)}",
                                             receive_buffer=4096)
        writer.write(hello_frame("Never reads"))
        await writer.drain()
        while not host.hub.connections:
            await asyncio.sleep(0.01)
        [connection] = host.hub.connections.values()
        most = 0
        for index in range(1000):  # notes of 4,000 four-byte characters: up to 16 MB the seat would have to read,
            host.engine.add_note(f"{index} " + "𝄞" * 4000)  # more than the kernel's buffers hold
            most = max(most, connection.queued_bytes)
            await asyncio.sleep(0)
            if connection.dropped:
                break
        assert connection.dropped and most <= bound
        for _ in range(100):
            if not host.hub.connections:
                break
            await asyncio.sleep(0.02)
        assert host.hub.connections == {} and connection.queued_bytes == 0
        writer.close()
        # the host serves on
        assert (await host.client.get("/api/state", headers=host.bearer(STAGE))).status == 200
    finally:
        await host.close()


@pytest.mark.attack("N04")
async def test_a_page_that_never_reads_is_dropped_and_cut(tmp_path: Path) -> None:
    host = await share_host(tmp_path, limits=Limits(send_queue_bytes=64 * 1024))
    try:
        assert host.client.port is not None
        _, writer = await raw_websocket(host.client.port, f"/ws/{host.token(STAGE)}", receive_buffer=4096)
        while not host.server.pages:
            await asyncio.sleep(0.01)
        [page] = host.server.pages
        most = 0
        for _ in range(5000):  # snapshots of a few kilobytes, more than the kernel's buffers hold
            host.server.broadcast()
            most = max(most, page.queued_bytes)
            await asyncio.sleep(0)
            if page.dropped:
                break
        assert page.dropped and most <= 64 * 1024 and page.queued_bytes == 0
        for _ in range(150):  # cut within the second the close frame is given
            if host.server.per_address == {}:
                break
            await asyncio.sleep(0.02)
        assert host.server.pages == set() and host.server.per_address == {}
        writer.close()
    finally:
        await host.close()


@pytest.mark.attack("N04")
async def test_a_ping_flood_on_a_seat_closes_it_and_the_echo_is_bounded(host: ShareHost) -> None:
    ana = await host.seat(RAPPORTEUR, "Ana")
    for index in range(200):
        await ana.ws.send_str(json.dumps({"type": "ping", "sent": float(index)}))
    assert await ana.closed() == 1008
    pongs = [message for message in ana.seen if message.get("type") == "pong"]
    assert 0 < len(pongs) <= 25  # the burst, and what refilled meanwhile
    # a ping with a large payload is no ping: the message bound closes it before any echo
    bob = await host.seat(RAPPORTEUR, "Bob")
    await bob.ws.send_str(json.dumps({"type": "ping", "sent": 1.0, "pad": "p" * (MAX_MESSAGE + 1)}))
    assert await bob.closed() == 1009
    assert not [message for message in bob.seen if message.get("type") == "pong"]


# ---------------------------------------------------------------------- N05: a flood, from one seat


@pytest.mark.attack("N05")
async def test_one_seats_flood_is_held_to_its_rate_while_the_host_answers_others(tmp_path: Path) -> None:
    limits = SeatLimits(commands_per_second=50.0, command_burst=20.0)
    host = await share_host(tmp_path, seat_limits=limits)
    try:
        host.engine.start()
        flood = await host.seat(RAPPORTEUR, "Flood")
        began = time.monotonic()
        for index in range(120):  # at once, as fast as the socket takes them
            await flood.ws.send_str(json.dumps({"type": "command", "id": f"f{index}", "command": "add_note",
                                                "args": {"text": f"{index} " + "f" * 4_900}}))
        latencies = []
        other = await host.seat(RAPPORTEUR, "Other")
        while len(seat_notes(host)) < 60:
            asked = time.monotonic()
            assert (await host.client.get("/api/state", headers=host.bearer(STAGE))).status == 200
            latencies.append(time.monotonic() - asked)
            await asyncio.sleep(0.02)
        # the other seat is answered while the flood is read slowly
        assert (await other.command("o1", "add_note", text="still heard"))["type"] == "ack"
        assert max(latencies) < 0.5
        # 20 at once, then 50 a second: 60 notes take at least 0.8 s, whatever the sender does
        assert time.monotonic() - began >= 0.7
        await flood.ws.close()
        await other.ws.close()
    finally:
        await host.close()


# ---------------------------------------------------------------------- N06: the journal stays readable


@pytest.mark.attack("N06")
async def test_seats_notes_stop_at_the_journal_budget_and_the_journal_reads(tmp_path: Path, capsys) -> None:
    assert SEAT_JOURNAL_BUDGET + 8 * MAX_MESSAGE < JOURNAL_LIMIT * 0.7  # room for the console and a chat
    programme = load_programme(Path(__file__).resolve().parents[2] / "sessions" / "gsef2021-workshop-alliances.toml")
    run = open_run(programme, tmp_path / "out", SystemClock())
    run.engine.start()
    budget = 150_000
    host = await share_host(tmp_path, engine=run.engine, journal_budget=budget)
    try:
        ana = await host.seat(RAPPORTEUR, "Ana")
        answers = [await ana.command(f"n{index}", "add_note", text=f"{index} " + "e" * 4_990) for index in range(40)]
        acked = [answer for answer in answers if answer["type"] == "ack"]
        refused = [answer for answer in answers if answer["type"] == "refused"]
        assert acked and refused and all("journal is full" in answer["reason"] for answer in refused)
        assert run.engine.journal is not None
        size = run.engine.journal.path.stat().st_size
        assert budget <= size < budget + 2 * MAX_MESSAGE
        # the console's own notes still go in
        run.engine.add_note("the moderator's own note")
        await ana.ws.close()
    finally:
        await host.close()
        run.journal.close()
    # report, timing and resume read it
    from moderator.cli import main

    assert main(["report", str(run.journal_path), "--format", "json", "-o", str(tmp_path / "r.json")]) == 0
    assert main(["timing", str(run.journal_path)]) == 0
    capsys.readouterr()
    again = open_run(programme, tmp_path / "out", SystemClock())
    assert len([note for note in again.engine.state.visible_notes() if note.seat]) == len(acked)
    again.journal.close()


# ---------------------------------------------------------------------- N07: connections before requests


async def listening(tmp_path: Path, limits: Limits) -> tuple[ShareServer, int, Tokens]:
    engine, _ = new_engine(tmp_path)
    tokens = Tokens.new()
    server = ShareServer(engine, tokens, limits=limits)
    [(_, port), *_] = await server.start("127.0.0.1", 0)
    return server, port, tokens


async def get_state(port: int, token: str, timeout: float = 2.0) -> int:
    async with ClientSession() as http, http.get(f"http://127.0.0.1:{port}/api/state",
                        headers={"Authorization": f"Bearer {token}"}, timeout=timeout) as response:
        return response.status


@pytest.mark.attack("N07")
async def test_half_sent_requests_from_one_address_cannot_hold_the_host(tmp_path: Path) -> None:
    limits = Limits(header_timeout=2.0, http_connections_per_address=40)
    server, port, tokens = await listening(tmp_path, limits)
    attackers = []
    try:
        for _ in range(300):  # from 127.0.0.2, no token, headers never finished
            reader, writer = await raw_connection(port, local="127.0.0.2")
            writer.write(b"GET /api/state HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            attackers.append((reader, writer))
        await asyncio.sleep(0.05)
        guard = server.guard
        assert guard.open.get("127.0.0.2", 0) <= 40 and guard.refused + guard.timed_out >= 260
        began = time.monotonic()
        assert await get_state(port, tokens.token(STAGE)) == 200  # another address is served at once
        assert time.monotonic() - began < 2.0
        await asyncio.sleep(2.5)  # past the header timeout: every half-sent request was closed
        assert server.guard.open.get("127.0.0.2", 0) == 0 and server.guard.timed_out >= 40
        # the same address, once it asks properly, is served again
        reader, writer = await raw_connection(port, local="127.0.0.2")
        writer.write(f"GET /api/state/{tokens.token(STAGE)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        assert (await asyncio.wait_for(reader.readline(), 2)).startswith(b"HTTP/1.1 200")
        writer.close()
    finally:
        for _, writer in attackers:
            writer.close()
        await server.stop()


@pytest.mark.attack("N07")
@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
async def test_with_tls_a_handshake_never_begun_is_closed_and_requests_are_served(tmp_path: Path) -> None:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days",
                    "1", "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
                   check=True, capture_output=True, timeout=60)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    engine, _ = new_engine(tmp_path)
    tokens = Tokens.new()
    server = ShareServer(engine, tokens, limits=Limits(header_timeout=0.5))
    [(_, port), *_] = await server.start("127.0.0.1", 0, context)
    try:
        idle = [await raw_connection(port, local="127.0.0.2") for _ in range(20)]  # no handshake, ever
        url = f"https://127.0.0.1:{port}/api/state/{tokens.token(STAGE)}"
        async with ClientSession() as http, http.get(url, ssl=False) as answer:
            assert answer.status == 200
        for reader, writer in idle:
            assert await asyncio.wait_for(reader.read(), 3) == b""  # closed by the host
            writer.close()
    finally:
        await server.stop()


@pytest.mark.attack("N07")
async def test_a_body_that_never_arrives_is_answered_408_in_time(tmp_path: Path) -> None:
    server, port, tokens = await listening(tmp_path, Limits(body_timeout=0.5))
    try:
        reader, writer = await raw_connection(port)
        writer.write((f"POST /api/command HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {tokens.token(COMODERATOR)}\r\n"
                      "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"type\":").encode())
        began = time.monotonic()
        status = await asyncio.wait_for(reader.readline(), 3)
        assert status.startswith(b"HTTP/1.1 408") and time.monotonic() - began < 2.0
        writer.close()
        assert server.engine.state.events == 1
    finally:
        await server.stop()


# ---------------------------------------------------------------------- N08: JSON that is not JSON


@pytest.mark.attack("N08")
async def test_deeply_nested_json_is_refused_everywhere_without_an_error_inside(host: ShareHost) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    response = await host.client.post("/api/command", data=deep.encode(), headers=host.bearer(COMODERATOR))
    assert response.status in (400, 413)
    response = await host.client.post("/api/command", data=("[" * 5000 + "]" * 5000).encode(),
                                      headers=host.bearer(COMODERATOR))
    assert response.status == 400 and "JSON" in (await response.json())["error"]
    page = await host.client.ws_connect(f"/ws/{host.token(STAGE)}")
    await page.receive_str(timeout=3)
    await page.send_str("[" * 2000 + "]" * 2000)
    message = await page.receive(timeout=3)
    assert message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED) and page.close_code == 1008
    ana = await host.seat(RAPPORTEUR, "Ana")
    await ana.ws.send_str("[" * 30_000 + "]" * 30_000)
    assert await ana.closed() == 1007
    intruder = Seat(await host.client.ws_connect(f"/seat/{host.token(RAPPORTEUR)}"))
    await intruder.ws.send_str("{\"type\": \"hello\", \"x\": " + "[" * 30_000 + "]" * 30_000 + "}")
    assert await intruder.closed() == 4400
    assert (await host.client.get("/api/state", headers=host.bearer(STAGE))).status == 200


# ---------------------------------------------------------------------- N09: pongs are JSON


@pytest.mark.attack("N09")
async def test_pongs_never_echo_nan_or_infinity(host: ShareHost) -> None:
    for constant in ("NaN", "Infinity", "-Infinity", "1e999"):
        page = await host.client.ws_connect(f"/ws/{host.token(STAGE)}")
        await page.receive_str(timeout=3)
        await page.send_str(f'{{"type": "ping", "sent": {constant}}}')
        message = await page.receive(timeout=3)
        assert message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED), (constant, message)
        seat = await host.seat(RAPPORTEUR, "Ana")
        await seat.ws.send_str(f'{{"type": "ping", "sent": {constant}}}')
        assert await seat.closed() == (1007 if constant != "1e999" else 1008)
        assert not [m for m in seat.seen if m.get("type") == "pong"]
    page = await host.client.ws_connect(f"/ws/{host.token(STAGE)}")
    await page.receive_str(timeout=3)
    await page.send_str('{"type": "ping", "sent": 12.5}')
    assert loads(await page.receive_str(timeout=3)) == {"type": "pong", "sent": 12.5, "host_t": 7000.0}
    await page.close()


# ---------------------------------------------------------------------- N13: many seats from one address


@pytest.mark.attack("N13")
async def test_new_seats_from_one_address_are_bounded(host: ShareHost) -> None:
    made, refused = 0, 0
    for index in range(30):
        seat = Seat(await host.client.ws_connect(f"/seat/{host.token(RAPPORTEUR)}"))
        await seat.hello(f"Seat {index}")
        first = await seat.receive()
        if first is not None and first.get("type") == "welcome":
            made += 1
        else:
            refused += 1
            assert first is not None and "too many new seats" in first["reason"]
        await seat.ws.close()
    assert made == 20 and refused == 10 and len(host.hub.registry) == 20


# ---------------------------------------------------------------------- N10: a token is never printed


@pytest.mark.attack("N10")
async def test_join_never_prints_the_token_whatever_the_host_answers(tmp_path: Path) -> None:
    from moderator.share.seat_client import SeatClient

    token = "TOKEN-never-printed-0123456789abcdef"

    async def bad_gateway(_: web.Request) -> web.Response:
        return web.Response(status=502, text="Bad gateway")

    app = web.Application()
    app.router.add_get("/{tail:.*}", bad_gateway)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        client = SeatClient(f"http://127.0.0.1:{port}/rapporteur/{token}", name="Ana", folder=tmp_path)
        task = asyncio.ensure_future(client.run())
        for _ in range(100):
            if client.last_error:
                break
            await asyncio.sleep(0.02)
        client.stop()
        await asyncio.wait_for(task, 5)
        client.close()
        assert client.last_error is not None and "502" in client.last_error and token not in client.last_error
        assert token not in repr(client.link)
    finally:
        await runner.cleanup()
