"""A host and its attackers as processes on loopback, for tests/system/test_share_network.py.

``python tests/net_helpers.py host PROGRAMME OUT PORT``: a headless host sharing its session the
way the console does (``start_sharing``: pages, API, seats, the connection guard), prints ``ready``
and then its links as one JSON line ``{role: url}``.
``python tests/net_helpers.py flood URL SECONDS CHARACTERS``: one rapporteur seat sending notes of
CHARACTERS characters as fast as the host takes them, for SECONDS; a note too large for a message
gets the connection closed, and the seat comes back (with its identity) and sends again. Prints
``sent N closed M`` at the end.
``python tests/net_helpers.py unread URL COUNT``: COUNT seats (or page sockets, for a page link)
that say hello and then never read; prints ``ready`` and waits to be killed.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

from moderator.programme import load_programme
from moderator.session.clock import SystemClock
from moderator.session.runs import open_run
from moderator.share.hosting import ShareOptions, start_sharing


async def serve_host(programme_path: Path, out: Path, port: int) -> None:
    run = open_run(load_programme(programme_path), out, SystemClock())
    if run.engine.state.current is None:
        run.engine.start()
    sharing = await start_sharing(run.engine, run.journal_path, ShareOptions(port=port, port_given=True))
    print("ready", flush=True)
    print(json.dumps({link.role.value: link.url for link in sharing.links}), flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await sharing.stop()
        run.journal.close()


def seat_socket(url: str) -> str:
    head, _, token = url.rpartition("/")
    return head.rsplit("/", 1)[0].replace("http://", "ws://") + f"/seat/{token}"


async def flood(url: str, seconds: float, characters: int) -> None:
    sent = closed = 0
    identity: dict[str, Any] = {}
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.ws_connect(seat_socket(url), max_msg_size=0) as ws:
                    await ws.send_json({"type": "hello", "protocol": 2, "seat_name": "Flood", "have_seq": -1,
                                        "session": None, **identity})
                    welcome = await ws.receive_json(timeout=10)
                    if welcome.get("type") != "welcome":
                        closed += 1
                        await asyncio.sleep(0.5)
                        continue
                    if "seat_secret" in welcome:
                        identity = {"seat_id": welcome["seat_id"], "seat_secret": welcome["seat_secret"]}
                    drain = asyncio.ensure_future(_drain(ws))
                    while time.monotonic() < deadline and not ws.closed:
                        text = f"{sent} " + "f" * characters
                        await ws.send_str(json.dumps({"type": "command", "id": f"flood-{sent}", "command": "add_note",
                                                      "args": {"text": text}}, ensure_ascii=False))
                        sent += 1
                    drain.cancel()
            except (aiohttp.ClientError, ConnectionError, TimeoutError):
                pass
            closed += 1
    print(f"sent {sent} closed {closed}", flush=True)


async def _drain(ws: aiohttp.ClientWebSocketResponse) -> None:
    async for _ in ws:
        pass


async def unread(url: str, count: int) -> None:
    """Sockets that never read: each says hello (a seat) or opens (a page), then nothing."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    token = parts.path.rsplit("/", 1)[-1]
    page = parts.path.rsplit("/", 2)[-2]
    path = f"/ws/{token}" if page in ("stage", "backstage") else f"/seat/{token}"
    writers = []
    for _ in range(count):
        import socket

        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect((parts.hostname or "127.0.0.1", parts.port or 80))
        sock.setblocking(False)
        reader, writer = await asyncio.open_connection(sock=sock)
        writer.write((f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        await reader.readuntil(b"\r\n\r\n")
        payload = json.dumps({"type": "hello", "protocol": 2, "seat_name": "Unread", "have_seq": -1}).encode()
        if path.startswith("/seat/"):  # one masked text frame (the mask: zeros); a hello is under 126 bytes
            writer.write(bytes([0x81, 0x80 | len(payload)]) + b"\0\0\0\0" + payload)
        writers.append(writer)
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "host":
        asyncio.run(serve_host(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])))
    elif command == "flood":
        asyncio.run(flood(sys.argv[2], float(sys.argv[3]), int(sys.argv[4])))
    elif command == "unread":
        asyncio.run(unread(sys.argv[2], int(sys.argv[3])))
