"""The host's event loop under a full room (issue 27): no single message blocks it for more than 50 ms.

The real console (``moderator rehearse DEMO --share --chat FILE``) runs in a pseudo-terminal with
its timer running, and the room fills up, all on loopback:

- 200 stage viewers (WebSockets on the stage link, reading every snapshot);
- 10 seats (``SeatClient``: five on the rapporteur's link, five on the co-moderator's), following;
- one of them sending notes as fast as it may (each ``add_note`` sent as soon as the last was
  acknowledged: fsync'd on the host, applied, broadcast to the others, in the live report);
- the Zoom chat followed: a message appended to the chat file every 0.2 s.

The loop is watched two ways, first with the console alone (timer running: the machine's own
noise), then with the room full:

- from inside (``loop_monitor``: the console runs with ``asyncio``'s ``Handle._run`` timed): the
  longest any one callback held the loop, in CPU time (its own work: the goal, <= 50 ms) and in
  wall time (which on a loaded machine adds the moments the process waited for a core), and what
  that callback was;
- from outside, as a page feels it, by a probe in a process of its own (so that this process's
  busy loop adds nothing): six page sockets on the stage link, each sending the page's clock
  ``ping`` every 0.2 s (the host's limit is 5 a second per socket) and timing its ``pong``. On a
  machine of two cores the room's 210 clients run here too and take CPU the host would have had:
  the pongs say what a page waits, not what one message costs.

Figures: the longest callback (CPU, wall), the pongs' p99 and maximum, each beside the same without
the room, and the notes a second the one fast seat got acknowledged.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import (
    Figure,
    PtyProcess,
    child_env,
    free_port,
    log,
    percentile,
    ratio,
    wait_for_links,
)
from benchmarks.loop_monitor import SLOW_MS, SUMMARY_EVERY, read_record

SECTION = "loop_lag"
VIEWERS = 200
SEATS = 10
PROBES = 6
PING_EVERY = 0.2
CHAT_EVERY = 0.2
GOAL_MS = 50.0
ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "moderator" / "demo" / "workshop.toml"



def _page_socket(stage_url: str) -> str:
    return stage_url.replace("http://", "ws://", 1).replace("/stage/", "/ws/", 1)


class ChatWriter:
    """Zoom writing its chat file: a message to everyone every ``CHAT_EVERY`` seconds, from a thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.written = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._write, name="chat-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _write(self) -> None:
        while not self._stop.wait(CHAT_EVERY):
            stamp = time.strftime("%H:%M:%S")
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(f"{stamp} From  Ana Pérez  to  Everyone : question {self.written} about alliances?\n")
            self.written += 1

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


# --------------------------------------------------------------------------- the probe (own process)


async def _probe(ws_url: str, seconds: float) -> list[float]:
    import aiohttp

    rtts: list[float] = []
    stop_at = time.monotonic() + seconds

    async def one(session: aiohttp.ClientSession, offset: float) -> None:
        async with session.ws_connect(ws_url) as ws:
            await asyncio.sleep(offset)
            while time.monotonic() < stop_at:
                sent = time.monotonic()
                await ws.send_str(json.dumps({"type": "ping", "sent": sent}))
                while True:  # snapshots come too; the pong echoes our ``sent``
                    message = await ws.receive(timeout=10)
                    if message.type != aiohttp.WSMsgType.TEXT:
                        raise RuntimeError(f"the probe's socket closed: {message.type}")
                    data = json.loads(message.data)
                    if data.get("type") == "pong" and data.get("sent") == sent:
                        rtts.append((time.monotonic() - sent) * 1000)
                        break
                await asyncio.sleep(max(0.0, sent + PING_EVERY - time.monotonic()))

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(one(session, PING_EVERY * n / PROBES) for n in range(PROBES)))
    return rtts


def probe_in_a_process(stage_url: str, seconds: float) -> list[float]:
    """The pongs' round trips (ms), timed by a process that does nothing else."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.bench_loop_lag", "probe", _page_socket(stage_url),
                           str(seconds)], cwd=ROOT, env=child_env(), capture_output=True, text=True,
                          timeout=seconds + 60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the loop probe failed: {done.stderr[-2000:]}")
    rtts: list[float] = json.loads(done.stdout)
    if not rtts:
        raise RuntimeError("the loop probe timed no pong")
    return rtts


# --------------------------------------------------------------------------- the room


async def _room(links: dict[str, str], scratch: Path, seconds: float, probe: Any) -> dict[str, Any]:
    """Fill the room, run ``probe`` (a blocking call, in a thread) while it is full; what the room did."""
    import aiohttp

    from moderator.share.seat_client import SeatClient

    stop = asyncio.Event()
    received = 0

    async def viewer(session: aiohttp.ClientSession) -> None:
        nonlocal received
        async with session.ws_connect(_page_socket(links["stage"])) as ws:
            while not stop.is_set():
                try:
                    message = await ws.receive(timeout=1.0)
                except TimeoutError:
                    continue
                if message.type != aiohttp.WSMsgType.TEXT:
                    return
                received += 1

    seat_links = [links["rapporteur"], links["comoderator"]]
    seats = [SeatClient(seat_links[n % 2], name=f"Seat {n}", folder=scratch / f"seat-{n}") for n in range(SEATS)]
    runners = [asyncio.ensure_future(seat.run()) for seat in seats]
    acked = 0
    sender = seats[0]

    async def send_notes() -> None:
        nonlocal acked
        got = asyncio.Event()
        sender.subscribe(lambda kind, _: got.set() if kind == "ack" else None)
        while not stop.is_set():
            got.clear()
            sender.send_durable("add_note", {"text": f"note {acked} from the fast seat, on alliances"})
            await asyncio.wait_for(got.wait(), 30)
            acked += 1

    connector = aiohttp.TCPConnector(limit=0)
    try:
        async with aiohttp.ClientSession(connector=connector) as session:
            viewers = [asyncio.create_task(viewer(session)) for _ in range(VIEWERS)]
            await asyncio.gather(*(seat.wait_welcomed(60) for seat in seats))
            while received < VIEWERS:
                await asyncio.sleep(0.1)
            notes = asyncio.create_task(send_notes())
            began = time.perf_counter()
            before = acked
            rtts = await asyncio.to_thread(probe)
            wall = time.perf_counter() - began
            notes_per_second = (acked - before) / wall
            stop.set()
            await asyncio.gather(notes, *viewers, return_exceptions=True)
    finally:
        for seat in seats:
            seat.stop()
        await asyncio.gather(*runners, return_exceptions=True)
        for seat in seats:
            seat.close()
    return {"rtts": rtts, "notes_per_second": notes_per_second, "snapshots": received}


def measure_loop_lag(scratch: Path, seconds: float) -> dict[str, Any]:
    out = scratch / "loop-lag"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    chat = out / "meeting_saved_chat.txt"
    chat.write_text("", encoding="utf-8")
    port = free_port()
    record = out / "loop.jsonl"
    argv = [sys.executable, "-m", "benchmarks.loop_monitor", str(record), "--", "rehearse", str(DEMO),
            "--out", str(out), "--fresh", "--share", "--listen", f"127.0.0.1:{port}", "--chat", str(chat)]
    writer = ChatWriter(chat)
    with PtyProcess(argv, env=child_env()) as console:
        console.wait_for("Internet connection check", timeout=90)
        links = wait_for_links(out)
        console.send(" ")  # the timer running
        time.sleep(1.0)
        log(f"loop lag: the console alone, {seconds:g} s of probes")
        began = time.time()
        alone = probe_in_a_process(links["stage"], seconds)
        alone_inside = read_record(str(record), began, time.time())
        writer.start()
        try:
            log(f"loop lag: {VIEWERS} viewers, {SEATS} seats (one sending notes), the chat followed, {seconds:g} s")
            marks: list[float] = []

            def probe() -> list[float]:
                marks.append(time.time())
                try:
                    return probe_in_a_process(links["stage"], seconds)
                finally:
                    marks.append(time.time())

            room = asyncio.run(_room(links, out, seconds, probe))
        finally:
            writer.stop()
        time.sleep(2 * SUMMARY_EVERY)  # the last window's summary written
        loaded_inside = read_record(str(record), marks[0], marks[1])
        if console.process.poll() is not None:
            raise RuntimeError("the console exited under load")
    return {"alone": alone, "loaded": room["rtts"], "notes_per_second": room["notes_per_second"],
            "chat_messages": writer.written, "snapshots": room["snapshots"], "alone_inside": alone_inside,
            "loaded_inside": loaded_inside}


def run(quick: bool, scratch: Path) -> list[Figure]:
    seconds = 6.0 if quick else 30.0
    result = measure_loop_lag(scratch, seconds)
    alone, loaded = result["alone"], result["loaded"]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    note = (f"pong round trips of {PROBES} page sockets pinging every {PING_EVERY:g} s, {seconds:g} s; "
            f"{VIEWERS} viewers, {SEATS} seats, {result['chat_messages']} chat messages; load {load}")
    inside, quiet = result["loaded_inside"], result["alone_inside"]
    slowest = ", ".join(f"{entry['what']} {entry['cpu_ms']:.0f}/{entry['wall_ms']:.0f} ms"
                        for entry in sorted(inside["slow"], key=lambda e: -e["cpu_ms"])[:3])
    inside_note = (f"one asyncio callback, timed in the console; {inside['callbacks']:,} callbacks; "
                   f"longest: {inside['max_what']}; over {SLOW_MS:g} ms (CPU/wall): {slowest or 'none'}")
    return [
        Figure("loop_block_cpu_max", "Host loop: longest callback (CPU), full room", inside["max_cpu_ms"], "ms",
               goal_max=GOAL_MS, baseline=quiet["max_cpu_ms"], baseline_label="console alone",
               ratio=ratio(inside["max_cpu_ms"], quiet["max_cpu_ms"]), runs=inside["callbacks"], note=inside_note),
        Figure("loop_block_wall_max", "Host loop: longest callback (wall), full room", inside["max_wall_ms"], "ms",
               baseline=quiet["max_wall_ms"], baseline_label="console alone",
               ratio=ratio(inside["max_wall_ms"], quiet["max_wall_ms"]), runs=inside["callbacks"],
               note="wall time: adds the moments the process waited for a core on this machine"),
        Figure("loop_lag_max", "Host loop: longest pong, full room", max(loaded), "ms",
               baseline=max(alone), baseline_label="console alone", ratio=max(loaded) / max(alone),
               runs=len(loaded), note=note),
        Figure("loop_lag_p99", "Host loop: pong p99, full room", percentile(loaded, 99), "ms",
               baseline=percentile(alone, 99), baseline_label="console alone",
               ratio=percentile(loaded, 99) / percentile(alone, 99), runs=len(loaded), note=note),
        Figure("loop_lag_notes_per_s", "… notes acked a second, one seat as fast as it may",
               result["notes_per_second"], "/s", runs=1,
               note="each note sent once the last was acknowledged (fsync'd on the host)"),
    ]


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "probe":
        print(json.dumps(asyncio.run(_probe(sys.argv[2], float(sys.argv[3])))))
    else:
        import tempfile

        from benchmarks.harness import plain_table

        with tempfile.TemporaryDirectory() as folder:
            print(plain_table(run("--quick" in sys.argv, Path(folder))))
