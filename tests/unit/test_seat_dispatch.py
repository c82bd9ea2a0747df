"""Seat commands on the host: roles per message, exactly once by command id (also after a restart),
authorship of notes; the journal's single writer; the seat's outbox and clock offset."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from helpers_engine import fake_clock, new_engine, workshop

from moderator.problems import ModeratorError
from moderator.session.engine import Engine
from moderator.session.events import NoteAdded
from moderator.session.journal import Journal, JournalBusy, read_journal
from moderator.session.runs import open_run
from moderator.share.dispatch import Acked, Refused, SeatIdentity, run_command
from moderator.share.outbox import Outbox, Pending
from moderator.share.seat_client import ClockOffset, parse_link
from moderator.share.tokens import Role

pytestmark = pytest.mark.unit

ANA = SeatIdentity("seat-ana", "Ana", Role.RAPPORTEUR)
BEN = SeatIdentity("seat-ben", "Ben", Role.RAPPORTEUR)
CO = SeatIdentity("seat-co", "Chris", Role.COMODERATOR)
STAGE = SeatIdentity("seat-stage", None, Role.STAGE)


def started(folder: Path) -> Engine:
    engine, _ = new_engine(folder)
    engine.start()
    return engine


def test_a_rapporteur_adds_notes_credited_to_its_seat_and_name(tmp_path):
    engine = started(tmp_path)
    outcome = run_command(engine, ANA, "c1", "add_note", {"text": "alliances matter"})
    assert outcome == Acked(len(engine.history) - 1)
    note = engine.state.visible_notes()[-1]
    assert (note.text, note.seat, note.author) == ("alliances matter", "seat-ana", "Ana")
    [event] = [e for e in read_journal(tmp_path / "session.journal.jsonl").events if isinstance(e, NoteAdded)]
    assert (event.command_id, event.seat, event.author) == ("c1", "seat-ana", "Ana")


def test_a_resent_command_is_acked_with_its_first_seq_and_applied_once(tmp_path):
    engine = started(tmp_path)
    first = run_command(engine, ANA, "c1", "add_note", {"text": "once"})
    run_command(engine, BEN, "c2", "add_note", {"text": "other"})
    again = run_command(engine, ANA, "c1", "add_note", {"text": "once"})
    assert again == first
    assert [n.text for n in engine.state.visible_notes()] == ["once", "other"]


def test_applied_commands_survive_a_restart(tmp_path):
    engine = started(tmp_path)
    first = run_command(engine, ANA, "c1", "add_note", {"text": "before the crash"})
    assert engine.journal is not None
    engine.journal.close()
    events = read_journal(tmp_path / "session.journal.jsonl").events
    with Journal(tmp_path / "session.journal.jsonl") as journal:
        resumed, _ = Engine.reopen(workshop(), fake_clock(), journal, events)
        assert run_command(resumed, ANA, "c1", "add_note", {"text": "before the crash"}) == first
        assert [n.text for n in resumed.state.visible_notes()] == ["before the crash"]


def test_roles_are_enforced_per_message(tmp_path):
    engine = started(tmp_path)
    assert isinstance(run_command(engine, ANA, "t1", "next", {}), Refused)
    assert isinstance(run_command(engine, STAGE, "s1", "add_note", {"text": "x"}), Refused)
    assert engine.state.current == 0
    assert isinstance(run_command(engine, CO, "t2", "next", {}), Acked)
    assert engine.state.current == 1
    assert isinstance(run_command(engine, CO, "t3", "toggle", {}), Acked)
    assert engine.state.status.value == "paused"


def test_a_seat_corrects_and_deletes_only_its_own_notes(tmp_path):
    engine = started(tmp_path)
    run_command(engine, ANA, "c1", "add_note", {"text": "ana's"})
    note_id = engine.state.visible_notes()[-1].id
    refused = run_command(engine, BEN, "c2", "edit_note", {"id": note_id, "text": "ben was here"})
    assert isinstance(refused, Refused) and "own" in refused.reason
    assert isinstance(run_command(engine, BEN, "c3", "delete_note", {"id": note_id}), Refused)
    assert isinstance(run_command(engine, ANA, "c4", "edit_note", {"id": note_id, "text": "ana's, fixed"}), Acked)
    assert engine.state.notes[note_id].text == "ana's, fixed"
    assert isinstance(run_command(engine, ANA, "c5", "delete_note", {"id": note_id}), Acked)
    assert engine.state.visible_notes() == []


@pytest.mark.parametrize("args", [{}, {"text": 3}, {"text": "x" * 100_001}])
def test_bad_arguments_are_refused_not_raised(tmp_path, args):
    engine = started(tmp_path)
    assert isinstance(run_command(engine, ANA, "c1", "add_note", args), Refused)
    assert isinstance(run_command(engine, ANA, None, "add_note", {"text": "x"}), Refused)
    assert isinstance(run_command(engine, ANA, "c2", "format_disk", {}), Refused)


def test_a_second_console_on_the_same_run_does_not_touch_the_journal(tmp_path, monkeypatch):
    monkeypatch.setattr("moderator.session.runs.PREVIOUS_CONSOLE_GRACE", 0.2)
    clock = fake_clock()
    first = open_run(workshop(), tmp_path, clock)
    before = first.journal_path.read_bytes()
    with pytest.raises(JournalBusy, match=r"already running this session") as refused:
        open_run(workshop(), tmp_path, clock)
    assert "links.txt" not in str(refused.value), "not shared: no co-moderator link to point at"
    assert f"end its process ({os.getpid()})" in str(refused.value)
    (first.journal_path.parent / "links.txt").write_text("co-moderator: http://…\n", encoding="utf-8")
    with pytest.raises(JournalBusy, match=r"already running this session.*co-moderator link in .*links\.txt"):
        open_run(workshop(), tmp_path, clock)
    assert first.journal_path.read_bytes() == before
    first.journal.close()
    open_run(workshop(), tmp_path, clock).journal.close()  # the lock goes with the first console


def test_starting_again_right_after_closing_waits_for_the_previous_console(tmp_path):
    """The previous console is still closing (its terminal just closed): the next run waits for it."""
    clock = fake_clock()
    first = open_run(workshop(), tmp_path, clock)
    closer = threading.Timer(1.0, first.journal.close)
    closer.start()
    started = time.monotonic()
    second = open_run(workshop(), tmp_path, clock)
    assert 0.8 < time.monotonic() - started < 4
    second.journal.close()
    closer.join()


def test_the_outbox_keeps_what_waits_across_a_restart_in_order(tmp_path):
    path = tmp_path / "outbox.jsonl"
    outbox = Outbox(path)
    for number in range(5):
        outbox.put(Pending(f"id{number}", "add_note", {"text": f"n{number}"}))
    outbox.acked("id1")
    outbox.close()
    with open(path, "ab") as torn:
        torn.write(b'{"id":"id9","ty')  # killed mid-write: never shown as sending
    again = Outbox(path)
    assert [p.id for p in again.waiting()] == ["id0", "id2", "id3", "id4"]
    for pending in again.waiting():
        again.acked(pending.id)
    assert path.read_bytes() == b""


def test_the_clock_offset_keeps_the_smallest_round_trip_and_follows_a_jump():
    offset = ClockOffset()
    offset.sample(sent=10.0, received=10.2, host_t=110.3)  # rtt 0.2: 100.2
    offset.sample(sent=11.0, received=11.02, host_t=111.01)  # rtt 0.02: 100.0
    offset.sample(sent=12.0, received=12.1, host_t=112.1)  # worse round trip: ignored
    assert offset.value == pytest.approx(100.0)
    offset.sample(sent=20.0, received=20.1, host_t=150.05)  # the laptop slept: 130
    assert offset.value == pytest.approx(130.0)


def test_seat_links_as_printed_and_as_websocket_addresses():
    assert parse_link("http://127.0.0.1:8765/rapporteur/abc").websocket_url == "ws://127.0.0.1:8765/seat/abc"
    assert parse_link("http://127.0.0.1:8765/comoderator/abc").websocket_url == "ws://127.0.0.1:8765/seat/abc"
    assert parse_link("https://x.example/seat/abc/").websocket_url == "wss://x.example/seat/abc"
    # behind --public-url with a path, the seat's socket is under the same path
    assert parse_link("https://x.example/gsef/rapporteur/abc").websocket_url == "wss://x.example/gsef/seat/abc"


@pytest.mark.parametrize("page", ["stage", "backstage"])
def test_a_page_link_given_to_join_says_it_is_for_a_browser_without_the_token(page):
    with pytest.raises(ModeratorError) as raised:
        parse_link(f"http://127.0.0.1:8765/{page}/SECRETTOKEN123")
    assert "browser" in str(raised.value) and "SECRETTOKEN123" not in str(raised.value)
    with pytest.raises(ModeratorError) as raised:
        parse_link("ftp://127.0.0.1:8765/rapporteur/SECRETTOKEN123")
    assert "SECRETTOKEN123" not in str(raised.value)


def test_the_report_credits_the_seats_that_wrote_notes(tmp_path):
    from moderator.report.render import render_report

    engine = started(tmp_path)
    run_command(engine, BEN, "c1", "add_note", {"text": "first from Ben"})
    run_command(engine, ANA, "c2", "add_note", {"text": "then Ana"})
    run_command(engine, BEN, "c3", "add_note", {"text": "Ben again"})
    report = render_report(engine.programme, engine.state)
    [row] = [line for line in report.splitlines() if line.startswith("| Rapporteur |")]
    planned = engine.programme.rapporteur
    assert row.index("Ben") < row.index("Ana")
    assert planned is None or planned.name in row


def test_seats_and_the_http_api_share_one_vocabulary_checked_per_role(tmp_path):
    """A co-moderator seat steers everything the HTTP API can (messages to the stage included);
    a rapporteur seat only posts notes; a stage link only follows."""
    engine = started(tmp_path)
    assert run_command(engine, CO, "m1", "message", {"text": "Please wrap up"}) == Acked(len(engine.history) - 1)
    assert engine.state.stage_message is not None
    assert isinstance(run_command(engine, CO, "f1", "flash", {"on": True}), Acked) and engine.state.flash
    refused = run_command(engine, ANA, "m2", "message", {"text": "hijack"})
    assert refused == Refused("a rapporteur seat cannot drive the timer or mark questions")
    following_only = Refused("a stage link can only follow the session")
    assert run_command(engine, STAGE, "n1", "add_note", {"text": "x"}) == following_only
    bad = run_command(engine, CO, "a1", "adjust", {"seconds": "60"})
    assert isinstance(bad, Refused) and bad.reason.startswith("bad arguments")
