"""The browser seats on loopback (issue 23): a note from the rapporteur's page until the page shows it
acknowledged, and what 10 rapporteur pages and 200 stage viewers cost the host.

The host runs in its own process (``python -m benchmarks.bench_net_pages host PROGRAMME OUT PORT``: the
engine, its journal and the whole web server, no console), the timer running.

- ``page_note_ack``: in a real headless Chromium, the rapporteur's page: Enter in the note box (the note
  written to localStorage, sent) -> the host applies it and fsyncs its journal -> ``ack`` -> the page
  shows it saved. Timed inside the page (``performance.now()``), p50 and p99 of N notes one after another.
  Skipped (no figure) when no Chromium is installed.
- ``pages_host_cpu`` / ``pages_host_memory``: the host's CPU share and resident memory with 10 rapporteur
  pages (each as the page is on the wire: the seat socket with a ping every 5 s, a preview a second and a
  note every 10 s, and the snapshot socket with a ping every 10 s) and 200 stage viewers (the snapshot
  socket, a ping every 10 s), against the same host with nobody connected.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

from benchmarks.harness import Figure, cpu_seconds, free_port, log, percentile

SECTION = "pages"
ROOT = Path(__file__).resolve().parents[1]
PROGRAMME = ROOT / "sessions" / "gsef2021-workshop-alliances.toml"
TOKENS = {"stage": "bench-stage-token-0123456789abcdef", "backstage": "bench-backstage-token-0123456789ab",
          "comoderator": "bench-comoderator-token-0123456789", "rapporteur": "bench-rapporteur-token-0123456789a"}
RAPPORTEURS = 10
VIEWERS = 200



async def _serve(programme_path: Path, out: Path, port: int) -> None:
    from moderator.programme import load_programme
    from moderator.session.clock import SystemClock
    from moderator.session.runs import open_run
    from moderator.share.seat_protocol import add_seat_routes
    from moderator.share.server import ShareServer
    from moderator.share.tokens import Role, Tokens

    run = open_run(load_programme(programme_path), out, SystemClock())
    if run.engine.state.current is None:
        run.engine.start(3)
    server = ShareServer(run.engine, Tokens({Role(role): token for role, token in TOKENS.items()}),
                         extensions=[add_seat_routes])
    await server.start("127.0.0.1", port)
    print("ready", flush=True)
    await asyncio.Event().wait()


def _notes_in(scratch: Path, port: int) -> int:
    """How many notes the host's journal holds: proof the simulated pages were really typing."""
    return sum(path.read_text(encoding="utf-8").count('"type":"note_added"')
               for path in (scratch / f"pages-{port}").glob("*/live.journal.jsonl"))


def _start_host(scratch: Path) -> tuple[subprocess.Popen[str], int]:
    port = free_port()
    out = scratch / f"pages-{port}"
    process = subprocess.Popen([sys.executable, "-m", "benchmarks.bench_net_pages", "host", str(PROGRAMME), str(out),
                                str(port)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    if process.stdout.readline().strip() != "ready":
        process.kill()
        raise RuntimeError("the benchmark's host did not start")
    return process, port


# ------------------------------------------------------------------ a note from the page until acked on it

ONE_NOTE = """(async (text) => {
  const box = document.getElementById('note-input');
  const state = document.getElementById('link-state');
  box.value = text;
  const began = performance.now();
  box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
  await new Promise((resolve) => {
    const done = () => state.textContent.endsWith('all notes saved');
    if (done()) return resolve();
    const watch = new MutationObserver(() => { if (done()) { watch.disconnect(); resolve(); } });
    watch.observe(state, { childList: true, characterData: true, subtree: true });
  });
  return performance.now() - began;
})"""


async def _page_acks(port: int, count: int, scratch: Path) -> list[float]:
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import Chromium  # the tests' DevTools driver: no dependency beyond aiohttp

    async with Chromium.launch(width=1280, height=800, profile_dir=scratch / "pages-profile") as browser:
        await browser.navigate(f"http://127.0.0.1:{port}/rapporteur/{TOKENS['rapporteur']}")
        await browser.evaluate("document.getElementById('name-input').value = 'Bench'")
        await browser.evaluate("document.getElementById('name-form').requestSubmit()")
        await browser.wait_for("document.getElementById('link-state').textContent.endsWith('all notes saved')")
        await asyncio.sleep(0.5)
        samples = []
        for number in range(count):
            samples.append(float(await browser.evaluate(f"{ONE_NOTE}({json.dumps(f'page note {number}')})")))
        return samples


# ------------------------------------------------------------------ the host's cost

async def _rapporteur(session: object, port: int, number: int, stop: asyncio.Event) -> None:
    """One rapporteur page, as it is on the wire."""
    import aiohttp

    assert isinstance(session, aiohttp.ClientSession)
    base = f"ws://127.0.0.1:{port}"
    async with session.ws_connect(f"{base}/seat/{TOKENS['rapporteur']}") as seat, \
            session.ws_connect(f"{base}/ws/{TOKENS['rapporteur']}") as page:
        await seat.send_json({"type": "hello", "protocol": 2, "seat_name": f"R{number}", "have_seq": -1,
                              "session": ""})

        async def drain(socket: aiohttp.ClientWebSocketResponse) -> None:
            async for _ in socket:
                pass

        readers = [asyncio.create_task(drain(seat)), asyncio.create_task(drain(page))]
        tick = 0
        while not stop.is_set():
            await asyncio.sleep(1.0)
            tick += 1
            await seat.send_json({"type": "command", "id": str(uuid.uuid4()), "command": "preview_note",
                                  "args": {"text": f"@kim a point being typed {tick}"}})
            if tick % 5 == 0:
                await seat.send_json({"type": "ping", "sent": time.monotonic()})
            if tick % 10 == number % 10:
                await seat.send_json({"type": "command", "id": str(uuid.uuid4()), "command": "add_note",
                                      "args": {"text": f"note {tick} from rapporteur {number}"}})
            if tick % 10 == 0:
                await page.send_json({"type": "ping", "sent": time.monotonic()})
        for reader in readers:
            reader.cancel()


async def _viewer(session: object, port: int, stop: asyncio.Event, connected: list[int]) -> None:
    import aiohttp

    assert isinstance(session, aiohttp.ClientSession)
    async with session.ws_connect(f"ws://127.0.0.1:{port}/ws/{TOKENS['stage']}") as ws:
        connected[0] += 1
        next_ping = time.monotonic() + 10
        while not stop.is_set():
            try:
                message = await ws.receive(timeout=1.0)
                if message.type != aiohttp.WSMsgType.TEXT:
                    return
            except TimeoutError:
                pass
            if time.monotonic() >= next_ping:
                await ws.send_str(json.dumps({"type": "ping", "sent": time.monotonic()}))
                next_ping += 10


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def _cpu_share(pid: int, seconds: float) -> float:
    before, started = cpu_seconds(pid), time.perf_counter()
    await asyncio.sleep(seconds)
    return (cpu_seconds(pid) - before) / (time.perf_counter() - started) * 100


async def _host_cost(pid: int, port: int, seconds: float) -> tuple[float, float, float, float]:
    import aiohttp

    await asyncio.sleep(1.0)
    idle_cpu = await _cpu_share(pid, seconds)
    rss_before = _rss_kib(pid)
    stop = asyncio.Event()
    connected = [0]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        tasks = [asyncio.create_task(_viewer(session, port, stop, connected)) for _ in range(VIEWERS)]
        tasks += [asyncio.create_task(_rapporteur(session, port, n, stop)) for n in range(RAPPORTEURS)]
        while connected[0] < VIEWERS:
            await asyncio.sleep(0.1)
        await asyncio.sleep(2.0)
        busy_cpu = await _cpu_share(pid, seconds)
        rss_with = _rss_kib(pid)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    return idle_cpu, busy_cpu, rss_before, rss_with


def run(quick: bool, scratch: Path) -> list[Figure]:
    notes = 30 if quick else 200
    seconds = 10.0 if quick else 30.0
    figures: list[Figure] = []
    if shutil.which("chromium") or os.environ.get("CHROMIUM"):
        host, port = _start_host(scratch)
        try:
            log(f"pages: {notes} notes from the rapporteur's page in Chromium, each until shown saved")
            samples = asyncio.run(_page_acks(port, notes, scratch))
        finally:
            host.kill()
            host.wait()
        figures.append(Figure(
            "page_note_ack_p99", "Rapporteur's page: Enter -> fsync'd on host -> saved on page, p99",
            percentile(samples, 99), "ms", goal_max=50, runs=len(samples),
            note=f"p50 {statistics.median(samples):.1f} ms; headless Chromium, loopback; "
                 f"load average {os.getloadavg()[0]:.1f}"))
    else:
        log("pages: no chromium, the page's note -> ack figure is skipped")
    host, port = _start_host(scratch)
    try:
        log(f"pages: {RAPPORTEURS} rapporteur pages and {VIEWERS} stage viewers, {seconds:g} s with and without")
        idle, busy, rss_before, rss_with = asyncio.run(_host_cost(host.pid, port, seconds))
    finally:
        host.kill()
        host.wait()
    typed = _notes_in(scratch, port)
    if typed < RAPPORTEURS * int(seconds // 10):
        raise RuntimeError(f"the simulated rapporteur pages typed {typed} notes: they did not all join")
    figures += [
        Figure("pages_host_cpu", f"{RAPPORTEURS} rapporteur pages + {VIEWERS} stage viewers: host CPU", busy - idle,
               "% core", goal_max=5, baseline=idle, baseline_label="host, timer running, nobody connected", runs=1,
               note=f"{seconds:g} s each; a preview a second and a note every 10 s per page ({typed} notes "
                    f"journalled); load average {os.getloadavg()[0]:.1f}"),
        Figure("pages_host_memory", f"{RAPPORTEURS} rapporteur pages + {VIEWERS} stage viewers: host memory",
               (rss_with - rss_before) / 1024, "MB", goal_max=60, baseline=rss_before / 1024,
               baseline_label="host RSS, nobody connected", runs=1),
    ]
    return figures


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    if sys.argv[1] == "host":
        asyncio.run(_serve(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])))
    else:
        import tempfile

        from benchmarks.harness import plain_table

        with tempfile.TemporaryDirectory() as folder:
            print(plain_table(run("--quick" in sys.argv, Path(folder))))
