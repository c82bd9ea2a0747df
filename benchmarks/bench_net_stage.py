"""The stage view's network figures (issue 13), on loopback, with the real console in a pty.

- **key -> stage view**: ``moderator rehearse DEMO --share`` runs in a pseudo-terminal; a WebSocket
  client holds the stage link. The benchmark presses ``n`` / ``p`` in the terminal and times until the
  client has received the snapshot of the new segment: Textual's key dispatch, the engine, the
  journal's fsync, the snapshot and the loopback included. Goal: p99 <= 50 ms.
- **200 viewers**: the same console, timer running, first with no page connected, then with 200
  stage WebSockets (each pinging every 10 s like a page): the console process's extra CPU (share of
  one core) and extra resident memory. Goals: <= 3 % of a core, <= 40 MB.

Not a timed test: ``python -m benchmarks --only stage``.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

from benchmarks.harness import (
    Figure,
    PtyProcess,
    child_env,
    cpu_seconds,
    free_port,
    log,
    percentile,
    wait_for_links,
)

SECTION = "stage"
VIEWERS = 200
DEMO = Path(__file__).resolve().parent.parent / "moderator" / "demo" / "workshop.toml"



def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _start_console(scratch: Path) -> tuple[PtyProcess, str]:
    out = scratch / "stage-bench"
    shutil.rmtree(out, ignore_errors=True)
    port = free_port()
    argv = [sys.executable, "-m", "moderator", "rehearse", str(DEMO), "--out", str(out), "--fresh",
            "--share", "--listen", f"127.0.0.1:{port}"]
    console = PtyProcess(argv, env=child_env())
    console.wait_for("Internet connection check", timeout=60)
    url = wait_for_links(out, timeout=30.0)["stage"]
    return console, url.replace("http://", "ws://", 1).replace("/stage/", "/ws/", 1)


async def _key_to_stage(console: PtyProcess, ws_url: str, samples: int) -> list[float]:
    import aiohttp

    latencies: list[float] = []
    async with aiohttp.ClientSession() as session, session.ws_connect(ws_url) as ws:
        first = json.loads((await ws.receive()).data)
        assert first["type"] == "snapshot"
        console.send(" ")  # start the timer
        number = None
        while number is None:
            message = json.loads((await ws.receive(timeout=10)).data)
            if message.get("segment"):
                number = message["segment"]["number"]
        for index in range(samples):
            key, wanted = ("n", number + 1) if index % 2 == 0 else ("p", number - 1)
            sent = time.perf_counter()
            console.send(key)
            while True:
                message = json.loads((await ws.receive(timeout=10)).data)
                if message.get("type") == "snapshot" and message.get("segment", {}).get("number") == wanted:
                    latencies.append((time.perf_counter() - sent) * 1000)
                    break
            number = wanted
            await asyncio.sleep(0.05)
    return latencies


async def _viewers_cost(console: PtyProcess, ws_url: str, seconds: float) -> tuple[float, float, float, float]:
    """(CPU share with none, CPU share with VIEWERS, RSS KiB before, RSS KiB with them), timer running."""
    import aiohttp

    pid = console.pid
    await asyncio.sleep(1.0)
    idle_cpu = await _cpu_share(pid, seconds)
    rss_before = _rss_kib(pid)
    received = 0
    stop = asyncio.Event()

    async def viewer(session: aiohttp.ClientSession) -> None:
        nonlocal received
        async with session.ws_connect(ws_url) as ws:
            next_ping = time.monotonic() + 10
            while not stop.is_set():
                try:
                    message = await ws.receive(timeout=1.0)
                except TimeoutError:
                    message = None
                if message is not None:
                    if message.type != aiohttp.WSMsgType.TEXT:
                        return
                    received += 1
                if time.monotonic() >= next_ping:
                    await ws.send_str(json.dumps({"type": "ping", "sent": time.monotonic()}))
                    next_ping += 10

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        tasks = [asyncio.create_task(viewer(session)) for _ in range(VIEWERS)]
        while received < VIEWERS:
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)
        busy_cpu = await _cpu_share(pid, seconds)
        rss_with = _rss_kib(pid)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    return idle_cpu, busy_cpu, rss_before, rss_with


async def _cpu_share(pid: int, seconds: float) -> float:
    before, started = cpu_seconds(pid), time.perf_counter()
    await asyncio.sleep(seconds)
    return (cpu_seconds(pid) - before) / (time.perf_counter() - started) * 100


def run(quick: bool, scratch: Path) -> list[Figure]:
    samples = 20 if quick else 200
    seconds = 5.0 if quick else 30.0
    log(f"stage: key -> stage view, {samples} presses")
    console, ws_url = _start_console(scratch)
    with console:
        latencies = asyncio.run(_key_to_stage(console, ws_url, samples))
    log(f"stage: {VIEWERS} viewers, {seconds:g} s with and without")
    console, ws_url = _start_console(scratch)
    with console:
        console.send(" ")
        idle, busy, rss_before, rss_with = asyncio.run(_viewers_cost(console, ws_url, seconds))
    return [
        Figure("stage_key_p99", "Key -> stage view (WebSocket), p99", percentile(latencies, 99), "ms",
               goal_max=50, runs=samples,
               note=f"min {min(latencies):.1f}, median {statistics.median(latencies):.1f} ms; n/p in a pty -> "
                    f"snapshot of the new segment; load average {os.getloadavg()[0]:.1f}"),
        Figure("stage_viewers_cpu", f"{VIEWERS} stage viewers: extra CPU", busy - idle, "% core", goal_max=3,
               baseline=idle, baseline_label="console, timer running, no viewer", runs=1,
               note=f"{seconds:g} s each; snapshots every 5 s and on events, a ping each 10 s"),
        Figure("stage_viewers_memory", f"{VIEWERS} stage viewers: extra memory", (rss_with - rss_before) / 1024,
               "MB", goal_max=40, baseline=rss_before / 1024, baseline_label="console RSS, no viewer", runs=1),
    ]


if __name__ == "__main__":
    import tempfile

    from benchmarks.harness import plain_table

    with tempfile.TemporaryDirectory() as folder:
        print(plain_table(run("--quick" in sys.argv, Path(folder))))
