"""Seats as processes on loopback, with faults: every note a seat typed (it was in its fsync'd
outbox, so it was acknowledged or still waiting) ends in the host's journal exactly once, each
seat's notes in the order it typed them.

- the host killed with SIGKILL in the middle of two seats' streams of notes, then restarted;
- a TCP proxy between seats and host that cuts every connection after a random moment;
- a seat killed with SIGKILL while notes wait in its outbox (the host down), then restarted.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
import threading
import time
from pathlib import Path

import pytest
from helpers_engine import WORKSHOP_PATH
from seat_helpers import (
    RAPPORTEUR_TOKEN,
    check_exactly_once,
    free_port,
    journal_notes,
    start_host,
    start_seat,
    typed_in,
    wait_for,
)

pytestmark = pytest.mark.system

NOTES_PER_SEAT = 150


def _url(port: int) -> str:
    return f"http://127.0.0.1:{port}/seat/{RAPPORTEUR_TOKEN}"


def _finish(seat, timeout: float = 60.0) -> None:
    seat.wait(timeout=timeout)
    assert seat.returncode == 0, seat.stderr.read() if seat.stderr else seat.returncode


def test_host_killed_mid_stream_and_restarted(tmp_path: Path):
    port, out = free_port(), tmp_path / "out"
    host = start_host(WORKSHOP_PATH, out, port)
    logs = {name: tmp_path / f"{name}.log" for name in ("ana", "ben")}
    seats = [start_seat(_url(port), name, tmp_path / f"state-{name}", NOTES_PER_SEAT, name, 0.004, logs[name])
             for name in logs]
    restarts = 0
    try:
        for crash in range(1, 4):  # three crashes during the stream
            wait_for(lambda at=crash * 60: sum(len(typed_in(log)) for log in logs.values()) > at)
            host.send_signal(signal.SIGKILL)
            host.wait()
            time.sleep(0.2)
            host = start_host(WORKSHOP_PATH, out, port)
            restarts += 1
        for seat in seats:
            _finish(seat)
    finally:
        host.kill()
        for seat in seats:
            seat.kill()
    typed = {name: typed_in(log) for name, log in logs.items()}
    assert all(len(notes) == NOTES_PER_SEAT for notes in typed.values())
    by_seat = check_exactly_once(journal_notes(out), typed)
    assert {name: len(notes) for name, notes in by_seat.items()} == {"ana": NOTES_PER_SEAT, "ben": NOTES_PER_SEAT}
    assert restarts == 3


class CuttingProxy:
    """Forwards loopback TCP to ``target``, cutting each connection after a random 20-300 ms."""

    def __init__(self, target: int, seed: int) -> None:
        self.target = target
        self.random = random.Random(seed)
        self.port = 0
        self.cuts = 0
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.ready.wait(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._connection, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        except OSError:
            writer.close()
            return

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()

        tasks = [asyncio.ensure_future(pipe(reader, up_writer)), asyncio.ensure_future(pipe(up_reader, writer))]
        _, pending = await asyncio.wait(tasks, timeout=self.random.uniform(0.02, 0.3),
                                        return_when=asyncio.FIRST_COMPLETED)
        if pending:
            self.cuts += 1
        for task in tasks:
            task.cancel()
        for sink in (writer, up_writer):
            with contextlib.suppress(Exception):
                sink.transport.abort()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def test_connections_cut_at_random_while_notes_are_typed(tmp_path: Path):
    port, out = free_port(), tmp_path / "out"
    host = start_host(WORKSHOP_PATH, out, port)
    proxy = CuttingProxy(port, seed=14)
    logs = {name: tmp_path / f"{name}.log" for name in ("ana", "ben")}
    seats = [start_seat(_url(proxy.port), name, tmp_path / f"state-{name}", NOTES_PER_SEAT, name, 0.004,
                        logs[name]) for name in logs]
    try:
        for seat in seats:
            _finish(seat, timeout=120)
    finally:
        proxy.stop()
        host.kill()
        for seat in seats:
            seat.kill()
    typed = {name: typed_in(log) for name, log in logs.items()}
    by_seat = check_exactly_once(journal_notes(out), typed)
    assert [len(by_seat[name]) for name in logs] == [NOTES_PER_SEAT, NOTES_PER_SEAT]
    assert proxy.cuts >= 5, "the proxy should have cut connections mid-stream"
    print(f"proxy cuts: {proxy.cuts}")


def test_seat_killed_with_notes_in_its_outbox_and_restarted(tmp_path: Path):
    port, out = free_port(), tmp_path / "out"
    host = start_host(WORKSHOP_PATH, out, port)
    log, state = tmp_path / "ana.log", tmp_path / "state-ana"
    seat = start_seat(_url(port), "ana", state, 400, "ana", 0.002, log)
    try:
        wait_for(lambda: len(typed_in(log)) > 60)
        host.send_signal(signal.SIGKILL)  # from here on, notes only pile up in the outbox
        host.wait()
        wait_for(lambda: len(typed_in(log)) > 150)
        seat.send_signal(signal.SIGKILL)
        seat.wait()
        typed = typed_in(log)
        [outbox] = (state / "outbox").glob("*.jsonl")
        assert outbox.read_text().count('"type":"add_note"') > 0, "notes should wait in the outbox"
        host = start_host(WORKSHOP_PATH, out, port)
        again = start_seat(_url(port), "ana", state, 0, "ana")  # the same seat, nothing new typed
        _finish(again)
    finally:
        host.kill()
        seat.kill()
    check_exactly_once(journal_notes(out), {"ana": typed})
    assert len(journal_notes(out)) >= len(typed)
