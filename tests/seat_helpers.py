"""Seats and hosts as processes, for the fault tests and the benchmarks.

``python tests/seat_helpers.py host PROGRAMME OUT PORT``: a headless host (the engine, its journal
and the seats' endpoint, no console), prints ``ready`` once listening.
``python tests/seat_helpers.py seat URL NAME STATE_DIR COUNT PREFIX [DELAY]``: a headless seat that
types COUNT notes ``PREFIX-0``, ``PREFIX-1``... (each printed ``typed TEXT`` once it is in the
outbox), then waits until the host has acknowledged all of them and prints ``done``.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from aiohttp import web

from moderator.programme import load_programme
from moderator.session.clock import SystemClock
from moderator.session.events import NoteAdded
from moderator.session.journal import read_journal
from moderator.session.runs import open_run
from moderator.share.seat_client import SeatClient
from moderator.share.seat_protocol import SeatHub

TOKENS = {"rap-token-0123456789abcdef": "rapporteur", "co-token-0123456789abcdef": "comoderator",
          "stage-token-0123456789abcdef": "stage"}
RAPPORTEUR_TOKEN = "rap-token-0123456789abcdef"
COMODERATOR_TOKEN = "co-token-0123456789abcdef"
STAGE_TOKEN = "stage-token-0123456789abcdef"
HERE = Path(__file__).resolve()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def serve_host(programme_path: Path, out: Path, port: int, ready: asyncio.Event | None = None) -> None:
    programme = load_programme(programme_path)
    run = open_run(programme, out, SystemClock())
    if run.engine.state.current is None:
        run.engine.start()
    hub = SeatHub(run.engine, TOKENS.get)
    app = web.Application()
    hub.add_routes(app)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    print("ready", flush=True)
    if ready is not None:
        ready.set()
    try:
        await asyncio.Event().wait()
    finally:
        hub.close_all()
        await runner.cleanup()
        run.journal.close()


async def seat_main(url: str, name: str, folder: Path, count: int, prefix: str, delay: float) -> None:
    client = SeatClient(url, name=name, folder=folder)
    runner = asyncio.ensure_future(client.run())
    for index in range(count):
        client.send_durable("add_note", {"text": f"{prefix}-{index}"})
        print(f"typed {prefix}-{index}", flush=True)
        await asyncio.sleep(delay)
    while client.waiting():
        await asyncio.sleep(0.02)
    print("done", flush=True)
    client.stop()
    await asyncio.wait_for(runner, 5)


def start_host(programme: Path, out: Path, port: int, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, str(HERE), "host", str(programme), str(out), str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == "ready", process.stderr.read() if process.stderr else line
    return process


def start_seat(url: str, name: str, folder: Path, count: int, prefix: str, delay: float = 0.005,
               log: Path | None = None) -> subprocess.Popen[str]:
    stdout = open(log, "a") if log is not None else subprocess.PIPE  # noqa: SIM115 - the child keeps it
    return subprocess.Popen([sys.executable, str(HERE), "seat", url, name, str(folder), str(count), prefix,
                             str(delay)], stdout=stdout, stderr=subprocess.PIPE, text=True)


def journal_notes(out: Path) -> list[NoteAdded]:
    [journal] = out.glob("*/live.journal.jsonl")
    return [event for event in read_journal(journal).events if isinstance(event, NoteAdded)]


def check_exactly_once(notes: list[NoteAdded], typed: dict[str, list[str]]) -> dict[str, list[str]]:
    """Every typed note in the journal exactly once, each seat's in the order it typed them."""
    texts = [note.text for note in notes]
    assert len(texts) == len(set(texts)), "a note appears twice"
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for text in texts:
        by_prefix[text.rsplit("-", 1)[0]].append(text)
    for prefix, expected in typed.items():
        got = by_prefix.get(prefix, [])
        assert set(expected) <= set(got), f"{prefix}: {sorted(set(expected) - set(got))[:5]} lost"
        assert got == sorted(got, key=lambda text: int(text.rsplit("-", 1)[1])), f"{prefix}: out of order"
    return dict(by_prefix)


def typed_in(log: Path) -> list[str]:
    if not log.exists():
        return []
    return [line.split(" ", 1)[1] for line in log.read_text().splitlines() if line.startswith("typed ")]


def wait_for(predicate: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    if sys.argv[1] == "host":
        asyncio.run(serve_host(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])))
    else:
        url, name, folder, count, prefix = sys.argv[2:7]
        delay = float(sys.argv[7]) if len(sys.argv) > 7 else 0.005
        asyncio.run(seat_main(url, name, Path(folder), int(count), prefix, delay))
