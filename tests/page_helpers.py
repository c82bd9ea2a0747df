"""A real host for the browser seats' tests and benchmarks: the engine, its journal and the whole web
server (pages, page socket, seats), no console.

``python tests/page_helpers.py host PROGRAMME OUT PORT [--start]``: prints ``ready`` once listening; killed
and started again on the same OUT, it resumes the same journal (the links' tokens are fixed).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from moderator.programme import load_programme
from moderator.session.clock import SystemClock
from moderator.session.runs import open_run
from moderator.share.seat_protocol import add_seat_routes
from moderator.share.server import ShareServer
from moderator.share.tokens import Role, Tokens

TOKENS = Tokens({
    Role.STAGE: "stage-token-for-page-tests-0123",
    Role.BACKSTAGE: "backstage-token-for-page-tests-01",
    Role.COMODERATOR: "comoderator-token-for-page-tests-0",
    Role.RAPPORTEUR: "rapporteur-token-for-page-tests-01",
})
HERE = Path(__file__).resolve()


async def serve(programme_path: Path, out: Path, port: int, start: bool) -> None:
    programme = load_programme(programme_path)
    run = open_run(programme, out, SystemClock())
    if start and run.engine.state.current is None:
        run.engine.start()
    server = ShareServer(run.engine, TOKENS, extensions=[add_seat_routes])
    await server.start("127.0.0.1", port)
    print("ready", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()
        run.journal.close()


def start_host(programme: Path, out: Path, port: int, *, start: bool = True) -> subprocess.Popen[str]:
    command = [sys.executable, str(HERE), "host", str(programme), str(out), str(port)] + (["--start"] if start else [])
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == "ready", process.stderr.read() if process.stderr else line
    return process


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    asyncio.run(serve(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), "--start" in sys.argv[5:]))
