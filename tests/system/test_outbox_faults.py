"""The seat's outbox under real faults (issue 22): a small tmpfs filled to its last byte then freed;
two seat processes on one link, name and computer. Ids refer to docs/RELIABILITY.md."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from disk_helpers import fill, small_tmpfs
from helpers_engine import WORKSHOP_PATH
from seat_helpers import RAPPORTEUR_TOKEN, free_port, journal_notes, start_host, start_seat, typed_in, wait_for

from moderator.share.outbox import Outbox, OutboxError, Pending

pytestmark = pytest.mark.system


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs (root only)."""
    with small_tmpfs(tmp_path / "disk", "1m") as disk:
        yield disk


@pytest.mark.attack("F12")
def test_the_outbox_on_a_full_disk_then_freed(small_disk: Path) -> None:
    """Notes put while the disk has room are kept; on the full disk ``put`` fails (the console keeps
    the note in the box, NOT SAVED) and leaves no half line; once freed, the next note is whole."""
    path = small_disk / "outbox" / "seat.jsonl"
    box = Outbox(path)
    kept = []
    for number in range(3):
        box.put(Pending(f"before-{number}", "add_note", {"text": f"kept {number} " + "é" * 200}))
        kept.append(f"before-{number}")
    filler = fill(small_disk)
    failures = 0
    for number in range(5):
        try:
            box.put(Pending(f"full-{number}", "add_note", {"text": f"on a full disk {number} " + "x" * 3000}))
            kept.append(f"full-{number}")  # a block had room left: then it is whole
        except OutboxError as error:
            failures += 1
            assert "No space left on device" in str(error)
    assert failures, "the disk was never full"
    filler.unlink()
    box.put(Pending("after", "add_note", {"text": "after the disk was freed"}))
    kept.append("after")
    box.close()
    raw = path.read_bytes()
    assert raw.endswith(b"\n")
    assert [json.loads(line)["id"] for line in raw.split(b"\n") if line] == kept, "whole lines, nothing glued"
    again = Outbox(path)
    assert [p.id for p in again.waiting()] == kept
    assert again.damaged == 0
    again.close()


def _url(port: int) -> str:
    return f"http://127.0.0.1:{port}/seat/{RAPPORTEUR_TOKEN}"


@pytest.mark.attack("F13")
def test_two_seat_processes_on_one_link_and_name(tmp_path: Path) -> None:
    """Two ``join`` on the same link, name and computer shared one outbox unlocked: 6 notes shown as
    sending, 3 kept. Now the second is refused, saying who holds it, and the first loses nothing."""
    port, out = free_port(), tmp_path / "out"
    host = start_host(WORKSHOP_PATH, out, port)
    log, state = tmp_path / "ana.log", tmp_path / "state"
    first = start_seat(_url(port), "ana", state, 200, "first", 0.01, log)
    second = None
    try:
        wait_for(lambda: len(typed_in(log)) > 5)
        second = start_seat(_url(port), "ana", state, 50, "second", 0.001)
        second.wait(timeout=60)
        assert second.returncode != 0
        assert second.stderr is not None
        said = second.stderr.read()
        assert "already using this link" in said and f"process {first.pid}" in said
        first.wait(timeout=120)
        assert first.returncode == 0, first.stderr.read() if first.stderr else first.returncode
    finally:
        host.kill()
        first.kill()
        if second is not None:
            second.kill()
    texts = [note.text for note in journal_notes(out)]
    assert texts == [f"first-{index}" for index in range(200)]
