"""Seats on loopback (issue 14): a remote Enter until the seat holds the host's acknowledgement, and
a seat joining a long session until it follows it.

The host runs in its own process (``python -m benchmarks.bench_net_seats host PROGRAMME OUT PORT
NOTES``: the engine, its journal and the seats' endpoint, no console), as it would on another
machine; the seat (client, outbox and ``SeatEngine``, no UI) runs here.

- ``seat_note_ack``: ``send_durable`` (the note fsync'd to the seat's outbox) -> sent -> the host
  applies it and fsyncs its journal -> ``ack`` back on the seat. p50 and p99 of N notes typed one
  after another (each waits for its ack, as a rapporteur's Enter would be watched).
- ``seat_join_5000``: a new seat joins a session of 5,000 events: connect, hello, welcome with
  every event, decode, replay with the reducer, until the seat's state follows the host's.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.harness import Figure, free_port, log

SECTION = "seats"
TOKEN = "bench-rapporteur-token-0123456789"
ROOT = Path(__file__).resolve().parents[1]
PROGRAMME = ROOT / "sessions" / "gsef2021-workshop-alliances.toml"
JOIN_EVENTS = 5000



async def _serve(programme_path: Path, out: Path, port: int, notes: int) -> None:
    from aiohttp import web

    from moderator.programme import load_programme
    from moderator.session.clock import SystemClock
    from moderator.session.runs import open_run
    from moderator.share.seat_protocol import SeatHub

    run = open_run(load_programme(programme_path), out, SystemClock())
    if run.engine.state.current is None:
        run.engine.start()
    while len(run.engine.history) < notes:
        run.engine.add_note(f"note {len(run.engine.history)} on alliances across borders")
    hub = SeatHub(run.engine, {TOKEN: "rapporteur"}.get)
    app = web.Application()
    hub.add_routes(app)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print("ready", flush=True)
    await asyncio.Event().wait()


def _start_host(scratch: Path, notes: int) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    out = scratch / f"seats-{notes}-{port}"
    process = subprocess.Popen([sys.executable, "-m", "benchmarks.bench_net_seats", "host", str(PROGRAMME), str(out),
                                str(port), str(notes)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    if process.stdout.readline().strip() != "ready":
        process.kill()
        raise RuntimeError("the benchmark's host did not start")
    return process, f"http://127.0.0.1:{port}/seat/{TOKEN}"


async def _note_acks(url: str, folder: Path, count: int) -> list[float]:
    from moderator.share.seat_client import SeatClient

    client = SeatClient(url, name="Bench", folder=folder)
    acked = asyncio.Event()
    client.subscribe(lambda kind, _: acked.set() if kind == "ack" else None)
    runner = asyncio.ensure_future(client.run())
    await client.wait_welcomed(10)
    await asyncio.sleep(0.3)  # past the first pings
    samples = []
    for number in range(count):
        acked.clear()
        began = time.perf_counter()
        client.send_durable("add_note", {"text": f"remote note {number}"})
        await asyncio.wait_for(acked.wait(), 5)
        samples.append((time.perf_counter() - began) * 1000)
    client.stop()
    await asyncio.wait_for(runner, 5)
    client.close()
    return samples


async def _join(url: str, folder: Path) -> tuple[float, int]:
    from moderator.share.remote_engine import SeatEngine
    from moderator.share.seat_client import SeatClient

    began = time.perf_counter()
    client = SeatClient(url, name="Late", folder=folder)
    runner = asyncio.ensure_future(client.run())
    await client.wait_welcomed(30)
    engine = SeatEngine(client)
    elapsed = (time.perf_counter() - began) * 1000
    events = len(engine.history)
    client.stop()
    await asyncio.wait_for(runner, 5)
    client.close()
    return elapsed, events


def _p(samples: list[float], quantile: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(quantile * (len(ordered) - 1)))]


def run(quick: bool, scratch: Path) -> list[Figure]:
    notes = 30 if quick else 500
    joins = 2 if quick else 7
    host, url = _start_host(scratch, 0)
    try:
        log(f"seats: {notes} remote notes, each until acknowledged")
        samples = asyncio.run(_note_acks(url, scratch / "seat-acks", notes))
    finally:
        host.kill()
        host.wait()
    host, url = _start_host(scratch, JOIN_EVENTS)
    try:
        log(f"seats: {joins} seats joining a session of {JOIN_EVENTS} events")
        timings = [asyncio.run(_join(url, scratch / f"seat-join-{n}")) for n in range(joins)]
    finally:
        host.kill()
        host.wait()
    assert all(events >= JOIN_EVENTS for _, events in timings)
    join_ms = statistics.median(elapsed for elapsed, _ in timings)
    return [
        Figure("seat_note_ack_p99", "Remote Enter -> fsync'd on host -> acked on seat, p99", _p(samples, 0.99), "ms",
               goal_max=30, runs=len(samples),
               note=f"p50 {_p(samples, 0.5):.1f} ms; loopback; seat outbox fsync + host journal fsync"),
        Figure("seat_join_5000", f"A seat joining {JOIN_EVENTS:,} events, following", join_ms, "ms", goal_max=500,
               runs=joins, note="connect, welcome with every event, decode, replay (median)"),
    ]


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    if sys.argv[1] == "host":
        asyncio.run(_serve(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])))
