"""The journal: one JSON line per event, durable before ``append`` returns, torn tails skipped."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat

import pytest
from helpers_engine import journal_events, journal_file, new_engine, replay_file, workshop

import moderator.session.journal as journal_module
from moderator.session.events import NoteAdded, Opened, decode
from moderator.session.events import encode as encode_event
from moderator.session.journal import Journal, JournalError, read_journal


def opened(**extra):
    return Opened(t=0.0, wall="2021-10-08T09:00:00+00:00", sha256="abc", **extra)


def note(n, text="x"):
    return NoteAdded(t=float(n), wall="2021-10-08T09:00:00+00:00", id=n, text=text)


def test_each_event_is_one_line_of_json(tmp_path):
    path = tmp_path / "j.jsonl"
    with Journal(path) as journal:
        journal.append(opened())
        journal.append(note(1, "línea\ncon salto y “comillas” 한국어 \u2028"))
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 3
    assert json.loads(lines[1])["text"] == "línea\ncon salto y “comillas” 한국어 \u2028"
    assert "한국어".encode() in lines[1]  # readable, not \\u-escaped
    assert read_journal(path).events == [opened(), note(1, "línea\ncon salto y “comillas” 한국어 \u2028")]


def test_an_event_is_fsynced_before_append_returns(tmp_path, monkeypatch):
    path = tmp_path / "j.jsonl"
    journal = Journal(path)
    synced_sizes = []
    real_fsync = os.fsync

    def spy(fd):
        real_fsync(fd)
        synced_sizes.append(os.fstat(fd).st_size)

    monkeypatch.setattr(os, "fsync", spy)
    journal.append(opened())
    assert synced_sizes == [path.stat().st_size] == [len(encode_event(opened()))]
    journal.append(note(1))
    assert synced_sizes[-1] == path.stat().st_size
    journal.close()


def test_a_new_journal_s_folder_is_synced_too(tmp_path, monkeypatch):
    synced_folders = []
    real_fsync = os.fsync

    def spy(fd):
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            synced_folders.append(os.fstat(fd).st_ino)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    Journal(tmp_path / "new" / "j.jsonl").close()
    assert synced_folders == [(tmp_path / "new").stat().st_ino]


def test_reopening_a_journal_continues_it(tmp_path):
    path = tmp_path / "j.jsonl"
    with Journal(path) as journal:
        journal.append(opened())
        journal.append(note(1))
    with Journal(path) as journal:
        journal.append(note(2))
    assert [getattr(e, "id", None) for e in read_journal(path).events] == [None, 1, 2]


def test_a_torn_last_line_is_skipped_with_a_warning(tmp_path):
    path = tmp_path / "j.jsonl"
    whole = encode_event(opened()) + encode_event(note(1))
    path.write_bytes(whole + b'{"type":"note_added","t":2.0,"wall":"2021-')
    contents = read_journal(path)
    assert contents.events == [opened(), note(1)]
    assert contents.torn_tail == b'{"type":"note_added","t":2.0,"wall":"2021-'
    assert len(contents.warnings) == 1
    assert "cut off" in contents.warnings[0] and "never acknowledged" in contents.warnings[0]


def test_a_journal_that_is_only_a_torn_line_has_no_events(tmp_path):
    path = tmp_path / "j.jsonl"
    path.write_bytes(b'{"type":"ope')
    contents = read_journal(path)
    assert contents.events == [] and contents.torn_tail == b'{"type":"ope' and contents.warnings


def test_an_empty_journal_has_no_events_and_no_warnings(tmp_path):
    path = tmp_path / "j.jsonl"
    path.write_bytes(b"")
    contents = read_journal(path)
    assert (contents.events, contents.warnings, contents.torn_tail) == ([], [], b"")


def test_unreadable_lines_inside_are_skipped_with_their_line_numbers(tmp_path):
    path = tmp_path / "j.jsonl"
    path.write_bytes(
        encode_event(opened()) + b"garbage\n" + b"[1, 2]\n" + b"\xff\xfe\n" + b"\n" + encode_event(note(1))
    )
    contents = read_journal(path)
    assert contents.events == [opened(), note(1)]
    assert [re.findall(r"\.jsonl:(\d+): ", w)[0] for w in contents.warnings] == ["2", "3", "4"]
    assert "unreadable" in contents.warnings[0] and "not a journal event" in contents.warnings[1]


def test_a_file_that_is_not_a_journal_is_refused(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_bytes(encode_event(note(1)))
    with pytest.raises(JournalError, match="not a moderator journal"):
        read_journal(path)


def test_a_missing_journal_is_an_error(tmp_path):
    with pytest.raises(JournalError, match="no such journal"):
        read_journal(tmp_path / "nothing.jsonl")


def test_reopening_cuts_a_torn_tail_and_keeps_its_bytes_aside(tmp_path):
    path = tmp_path / "j.jsonl"
    path.write_bytes(encode_event(opened()) + b'{"type":"note_add')
    with Journal(path) as journal:
        journal.append(note(1))
    contents = read_journal(path)
    assert contents.warnings == []
    assert contents.events == [opened(), note(1)]
    assert (tmp_path / "j.jsonl.torn").read_bytes() == b'{"type":"note_add\n'


def test_a_failed_write_continues_in_a_fallback_file_holding_the_whole_journal(tmp_path, monkeypatch):
    path = tmp_path / "j.jsonl"
    journal = Journal(path, fallback_dir=tmp_path / "fallback")
    journal.append(opened())
    journal.append(note(1))
    primary_fd = journal._fd
    real_write = os.write

    def failing_primary(fd, data):
        if fd == primary_fd:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", failing_primary)
    journal.append(note(2))
    journal.append(note(3))
    assert journal.fallback_path is not None
    assert journal.active_path == journal.fallback_path
    assert journal.fallback_path.parent == tmp_path / "fallback"
    assert [getattr(e, "id", None) for e in read_journal(journal.fallback_path).events] == [None, 1, 2, 3]
    assert [getattr(e, "id", None) for e in read_journal(path).events] == [None, 1]
    journal.close()


def test_when_no_copy_can_be_made_append_raises(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    journal = Journal(tmp_path / "j.jsonl", fallback_dir=blocker / "sub")
    journal.append(opened())

    def full_disk(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(JournalError, match="could not save"):
        journal.append(note(1))
    monkeypatch.undo()
    assert read_journal(tmp_path / "j.jsonl").events == [opened()]


def test_appending_to_a_closed_journal_is_an_error_not_a_silent_loss(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    journal = Journal(tmp_path / "j.jsonl", fallback_dir=blocker)
    journal.append(opened())
    journal.close()
    with pytest.raises(JournalError):
        journal.append(note(1))


def test_a_journal_in_an_unwritable_place_cannot_be_opened(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(JournalError, match="cannot open the journal"):
        Journal(blocker / "j.jsonl")


# ----------------------------------------------------------------------------- engine and journal


def test_the_journal_replays_to_exactly_the_engine_s_state(tmp_path):
    engine, clock = new_engine(tmp_path)
    engine.start()
    for n in range(30):
        clock.advance(17.5)
        engine.add_note(f"note {n}")
        if n % 7 == 6:
            engine.next()
    engine.end()
    events = journal_events(journal_file(engine))
    assert events[0]["type"] == "opened" and events[0]["sha256"] == workshop().sha256
    assert len(events) == engine.state.events
    assert replay_file(workshop(), journal_file(engine)) == engine.state


def test_a_torn_last_event_is_simply_not_in_the_replay(tmp_path):
    engine, _ = new_engine(tmp_path)
    engine.start()
    engine.add_note("kept")
    whole = journal_file(engine).read_bytes()
    assert engine.journal is not None
    engine.journal.close()
    torn = encode_event(decode({"type": "note_added", "t": 1.0, "wall": "2021-10-08T09:00:00+00:00",
                                     "id": 2, "text": "lost", "kind": "note"}))
    journal_file(engine).write_bytes(whole + torn[: len(torn) // 2])
    state = replay_file(workshop(), journal_file(engine))
    assert [n.text for n in state.visible_notes()] == ["kept"]
    assert state == engine.state


# ----------------------------------------------------------------------------- under attack (issue 16)


def _ids(path):
    return [getattr(e, "id", None) for e in read_journal(path).events]


def _open_fds():
    return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0


@pytest.mark.parametrize("attack", ["remove the file", "remove the folder", "replace with an old copy", "cut short"])
@pytest.mark.attack("A01")
def test_a_journal_removed_or_replaced_under_us_is_written_again_whole(tmp_path, attack):
    folder = tmp_path / "run"
    path = folder / "live.journal.jsonl"
    journal = Journal(path, fallback_dir=tmp_path / "fallback")
    journal.append(opened())
    journal.append(note(1))
    old_copy = path.read_bytes()
    journal.append(note(2))
    if attack == "remove the file":
        path.unlink()
    elif attack == "remove the folder":
        shutil.rmtree(folder)
    elif attack == "replace with an old copy":
        (tmp_path / "old").write_bytes(old_copy)
        os.replace(tmp_path / "old", path)
    else:
        os.truncate(path, len(old_copy) - 3)
    journal.append(note(3))
    journal.close()
    assert _ids(path) == [None, 1, 2, 3]
    notices = journal.take_notices()
    assert len(notices) == 1 and "written again with all 3 events" in notices[0]
    if attack == "replace with an old copy":
        assert "kept as live.journal.jsonl.replaced" in notices[0]
        assert (folder / "live.journal.jsonl.replaced").read_bytes() == old_copy
    assert journal.fallback_path is None


def _full_disk_after(half: bool):
    """``os.write`` that writes half of what it is given (when ``half``), then fails as a full disk does."""
    real_write = os.write

    def write(fd, data):
        if half and len(data) > 1:
            real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    return write


@pytest.mark.attack("A02")
def test_a_write_refused_half_way_leaves_no_half_line_and_no_leaked_file(tmp_path, monkeypatch):
    path = tmp_path / "j.jsonl"
    fallback = tmp_path / "fallback"
    journal = Journal(path, fallback_dir=fallback)
    journal.append(opened())
    journal.append(note(1))
    fds = _open_fds()
    monkeypatch.setattr(os, "write", _full_disk_after(half=True))
    for n in (2, 3, 4):
        with pytest.raises(JournalError):
            journal.append(note(n))
    assert _open_fds() == fds, "a refused write leaked a descriptor"
    assert not list(fallback.glob("*")), "a refused write left a fallback file"
    monkeypatch.undo()  # the disk was freed
    journal.append(note(5))
    journal.close()
    contents = read_journal(path)
    assert not contents.warnings and not contents.torn_tail
    assert _ids(path) == [None, 1, 5]


@pytest.mark.attack("A02")
def test_a_fallback_is_written_back_to_the_journal_on_close(tmp_path, monkeypatch):
    path = tmp_path / "j.jsonl"
    journal = Journal(path, fallback_dir=tmp_path / "fallback")
    journal.append(opened())
    primary_fd = journal._fd
    real_write = os.write
    monkeypatch.setattr(os, "write",
                        lambda fd, data: _full_disk_after(half=True)(fd, data) if fd == primary_fd
                        else real_write(fd, data))
    journal.append(note(1))
    assert journal.fallback_path is not None
    assert any("cannot be written" in n for n in journal.take_notices())
    journal.append(note(2))
    monkeypatch.undo()
    fallback = journal.fallback_path
    journal.close()
    assert _ids(path) == [None, 1, 2] and not read_journal(path).warnings
    assert not fallback.exists()


@pytest.mark.attack("A03")
def test_a_resumed_run_takes_back_what_only_the_fallback_holds(tmp_path, monkeypatch):
    path = tmp_path / "j.jsonl"
    fallback_dir = tmp_path / "fallback"
    journal = Journal(path, fallback_dir=fallback_dir)
    journal.append(opened())
    journal.append(note(1))
    primary_fd = journal._fd
    real_write = os.write
    monkeypatch.setattr(os, "write",
                        lambda fd, data: _full_disk_after(half=False)(fd, data) if fd == primary_fd
                        else real_write(fd, data))
    for n in range(2, 11):
        journal.append(note(n))
    monkeypatch.undo()
    assert journal._fd is not None
    os.close(journal._fd)  # the process dies: no close(), no writing back
    assert _ids(path) == [None, 1]
    warnings = journal_module.merge_fallbacks(path, fallback_dir)
    assert _ids(path) == [None, *range(1, 11)]
    assert len(warnings) == 1 and "9 events" in warnings[0]
    assert journal_module.merge_fallbacks(path, fallback_dir) == [], "merged once, not twice"
    assert _ids(path) == [None, *range(1, 11)]


@pytest.mark.attack("A13")
def test_special_files_are_refused_not_read_forever(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for special in (fifo, "/dev/zero"):
        with pytest.raises(JournalError, match="not a regular file"):
            read_journal(special)


@pytest.mark.attack("A13")
def test_a_journal_larger_than_any_real_one_is_refused(tmp_path, monkeypatch):
    import moderator.files as files

    path = tmp_path / "j.jsonl"
    path.write_bytes(encode_event(opened()) * 50)
    monkeypatch.setattr(files, "JOURNAL_LIMIT", 100)
    monkeypatch.setattr(journal_module, "read_bounded", lambda p: files.read_bounded(p, 100))
    with pytest.raises(JournalError, match="larger than"):
        read_journal(path)


def test_a_batch_is_written_once_when_it_ends(tmp_path, monkeypatch) -> None:
    """An import's events: one write and one fsync at the end of the batch, all of them on disk after it."""
    import os as os_module

    from moderator.session.events import Opened, ParticipantsSet

    path = tmp_path / "j.jsonl"
    journal = Journal(path)
    journal.append(Opened(t=0.0, wall="2021-10-07T12:00:00+00:00"))
    opened = path.read_bytes()
    syncs: list[int] = []
    real_fsync = os_module.fsync

    def counted_fsync(fd: int) -> None:
        syncs.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os_module, "fsync", counted_fsync)
    with journal.batch():
        for count in range(50):
            journal.append(ParticipantsSet(t=float(count), wall="2021-10-07T12:00:00+00:00", count=count))
        assert path.read_bytes() == opened  # nothing written before the batch ends
    assert len(syncs) == 1
    assert len(read_journal(path).events) == 51
    journal.close()
