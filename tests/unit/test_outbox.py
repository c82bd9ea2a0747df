"""The seat's outbox keeps what it shows (issue 22): whole lines only, a failed write leaves nothing
behind and says so, one process per outbox, a damaged line said and kept aside."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from moderator.session.journal import JournalError
from moderator.share.outbox import Outbox, OutboxBusy, OutboxError, Pending


def note(number: int, text: str = "") -> Pending:
    return Pending(f"id-{number}", "add_note", {"text": text or f"note {number}: las cooperativas de Montréal"})


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_bytes().split(b"\n") if line]


def test_short_writes_are_continued_until_the_line_is_whole(tmp_path: Path, monkeypatch) -> None:
    real_write = os.write

    def three_bytes_at_a_time(fd: int, data: bytes | memoryview) -> int:
        return real_write(fd, bytes(data[:3]))

    box = Outbox(tmp_path / "o.jsonl")
    monkeypatch.setattr(os, "write", three_bytes_at_a_time)
    for number in range(3):
        box.put(note(number))
    monkeypatch.undo()
    box.close()
    assert [line["id"] for line in lines(tmp_path / "o.jsonl")] == ["id-0", "id-1", "id-2"]


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES, errno.EIO])
def test_a_failed_write_leaves_no_half_line_and_says_not_kept(tmp_path: Path, monkeypatch, code: int) -> None:
    """Half the line written, then the disk is full (or the file refused): the half is cut back off,
    ``put`` raises (the console keeps the note in the box), and the next note is whole."""
    path = tmp_path / "o.jsonl"
    box = Outbox(path)
    box.put(note(1))
    real_write = os.write

    def half_then_fail(fd: int, data: bytes | memoryview) -> int:
        if len(data) > 10:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "write", half_then_fail)
    with pytest.raises(OutboxError, match="not kept on this computer") as failed:
        box.put(note(2))
    assert isinstance(failed.value, JournalError), "the console's NOT SAVED path handles it"
    monkeypatch.undo()
    assert [p.id for p in box.waiting()] == ["id-1"], "never shown as sending"
    box.put(note(3))  # space freed
    box.close()
    assert [line["id"] for line in lines(path)] == ["id-1", "id-3"]
    reopened = Outbox(path)
    assert [p.id for p in reopened.waiting()] == ["id-1", "id-3"]
    assert reopened.damaged == 0
    reopened.close()


def test_an_acknowledgement_that_cannot_be_written_is_not_an_error(tmp_path: Path, monkeypatch) -> None:
    box = Outbox(tmp_path / "o.jsonl")
    box.put(note(1))
    box.put(note(2))

    def full(fd: int, data: bytes | memoryview) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    assert box.acked("id-1")
    monkeypatch.undo()
    assert [p.id for p in box.waiting()] == ["id-2"]
    box.close()


def test_one_process_per_outbox(tmp_path: Path) -> None:
    """A second ``join`` on the same link and name on this computer is told who holds the outbox."""
    path = tmp_path / "o.jsonl"
    first = Outbox(path)
    first.put(note(1))
    code = ("import sys; from pathlib import Path; from moderator.share.outbox import Outbox\n"
            "Outbox(Path(sys.argv[1]))")
    other = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60)
    assert other.returncode != 0
    assert "OutboxBusy" in other.stderr and f"process {os.getpid()}" in other.stderr
    with pytest.raises(OutboxBusy, match="already using this link"):
        Outbox(path)  # in this process too
    first.close()
    second = Outbox(path)  # let go with the first
    assert [p.id for p in second.waiting()] == ["id-1"]
    second.close()


def test_a_damaged_line_is_said_and_kept_aside_and_the_rest_is_sent(tmp_path: Path) -> None:
    path = tmp_path / "o.jsonl"
    box = Outbox(path)
    box.put(note(1))
    box.put(note(2))
    box.close()
    good = path.read_bytes().split(b"\n")
    path.write_bytes(good[0] + b"\n" + b'{"id": "id-x", "ty\xffpe' + b"\n" + good[1] + b"\n" + b'{"id": "torn')
    reopened = Outbox(path)
    assert [p.id for p in reopened.waiting()] == ["id-1", "id-2"]
    assert reopened.damaged == 1, "the torn last line was never shown as sending; the middle one is damage"
    assert reopened.damaged_path.read_bytes() == b'{"id": "id-x", "ty\xffpe\n'
    reopened.close()
