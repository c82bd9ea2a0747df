"""The browser pages, measured in a real headless Chromium on loopback (issue 27, item 4).

- **a controller's press reflected on the stage**: the console (``rehearse DEMO --share``) runs in a
  pseudo-terminal; Chromium shows the stage page; a co-moderator's command (``next`` /
  ``previous``, through the HTTP API with the co-moderator's link, as a controller page sends
  it) is timed from the request sent until the stage page's DOM shows the new segment's number
  (polled every 5 ms over the DevTools protocol, so a few ms of that are the polling's).
  Absolute on loopback: no peer shows a stage. Goal: p99 <= 100 ms (what a speaker would call "at once").
- a note from the rapporteur's page acknowledged is issue 23's ``bench_net_pages.py`` (section
  ``pages``); the same path without a browser is the seats section's ``seat_note_ack``, and a
  seat's join time its ``seat_join_5000``.

Needs ``chromium`` (``.ci/run`` installs it); without it, the section says so and measures nothing
else (the table shows no figure from it).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from benchmarks.harness import (
    Figure,
    PtyProcess,
    child_env,
    free_port,
    log,
    median,
    percentile,
    wait_for_links,
)
from moderator.share.server import Limits

SECTION = "stage_page"
ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "moderator" / "demo" / "workshop.toml"
GOAL_PRESS_MS = 100.0
PRESS_GAP = 1.2 / Limits().commands_per_second
"""Seconds between two presses: a controller is a person, and the host holds the HTTP API to its
rate (a faster loop is answered 429 once the burst is spent, as the 40 presses of a full run were)."""



def _chromium() -> Any:
    """``tests/browser.py``'s ``Chromium`` (the test suite's own CDP driver), or ``None`` without a browser."""
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        import browser
    finally:
        sys.path.remove(str(ROOT / "tests"))
    return browser.Chromium if browser.find_chromium() else None


def _command(api: str, token: str, kind: str) -> None:
    body = json.dumps({"id": str(uuid.uuid4()), "type": kind}).encode()
    request = urllib.request.Request(api, data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()


async def _presses(chromium: Any, links: dict[str, str], presses: int) -> list[float]:
    stage = links["stage"]
    token = links["comoderator"].rstrip("/").rsplit("/", 1)[-1]
    api = stage.split("/stage/", 1)[0] + "/api/command"
    timings: list[float] = []
    async with chromium.launch(width=1280, height=800) as page:
        await page.navigate(stage)
        number = int(await page.wait_for("document.getElementById('segment-position').textContent.split(' ')[0]"
                                          " || ''", timeout=30))
        for press in range(presses):
            kind, wanted = ("next", number + 1) if press % 2 == 0 else ("previous", number - 1)
            began = time.perf_counter()
            await asyncio.to_thread(_command, api, token, kind)
            await page.wait_for(f"document.getElementById('segment-position').textContent.split(' ')[0] === "
                                f"'{wanted}'", timeout=10, interval=0.005)
            timings.append((time.perf_counter() - began) * 1000)
            number = wanted
            await asyncio.sleep(PRESS_GAP)
    return timings


def run(quick: bool, scratch: Path) -> list[Figure]:
    chromium = _chromium()
    if chromium is None:
        log("pages: no chromium on this machine; the browser pages are not measured")
        return [Figure("pages_unmeasured", "Browser pages: not measured (no chromium)", 0, "", runs=0,
                       note="install chromium (.ci/run does) to measure them")]
    presses = 8 if quick else 40
    out = scratch / "pages"
    shutil.rmtree(out, ignore_errors=True)
    port = free_port()
    argv = [sys.executable, "-m", "moderator", "rehearse", str(DEMO), "--out", str(out), "--fresh",
            "--share", "--listen", f"127.0.0.1:{port}"]
    with PtyProcess(argv, env=child_env()) as console:
        console.wait_for("Internet connection check", timeout=90)
        links = wait_for_links(out, ("stage", "comoderator"))
        console.send(" ")
        time.sleep(0.5)
        log(f"pages: {presses} co-moderator presses, each until the stage page shows it")
        timings = asyncio.run(_presses(chromium, links, presses))
    return [Figure("page_press_to_stage_p99", "Controller press -> stage page shows it, p99",
                      percentile(timings, 99), "ms", goal_max=GOAL_PRESS_MS, runs=len(timings),
                      note=f"median {median(timings):.0f} ms; HTTP API command (co-moderator) -> Chromium's DOM, "
                           "loopback, 5 ms polling")]


if __name__ == "__main__":
    import tempfile

    from benchmarks.harness import plain_table

    with tempfile.TemporaryDirectory() as folder:
        print(plain_table(run("--quick" in sys.argv, Path(folder))))
