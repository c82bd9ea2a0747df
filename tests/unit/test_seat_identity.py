"""Who a seat is, the host says: an id and a secret made at the first join, kept with the run,
presented at every hello; a seat changes only its own notes and every change names who made it;
claiming another seat's identity neither lets one in nor puts the other out."""

from __future__ import annotations

import json
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from helpers_engine import fake_clock, workshop
from share_helpers import Seat, ShareHost, share_host

from moderator.session.engine import Engine
from moderator.session.events import NoteDeleted, NoteEdited, decode_line
from moderator.session.journal import Journal, read_journal
from moderator.share.dispatch import Acked, Refused, SeatIdentity, run_command
from moderator.share.seat_identities import SeatRegistry, seats_path
from moderator.share.seat_protocol import REFUSED_IDENTITY
from moderator.share.tokens import Role

RAPPORTEUR, COMODERATOR = Role.RAPPORTEUR, Role.COMODERATOR


@pytest.fixture
async def host(tmp_path: Path) -> AsyncIterator[ShareHost]:
    made = await share_host(tmp_path)
    made.engine.start()
    yield made
    await made.close()


def journal_path(host: ShareHost) -> Path:
    assert host.engine.journal is not None
    return host.engine.journal.path


async def test_the_host_makes_the_seat_and_keeps_only_the_secrets_hash(host: ShareHost) -> None:
    seat = await host.seat(RAPPORTEUR, "Ana")
    welcome = seat.welcome
    assert welcome["seat_id"].startswith("seat-") and len(welcome["seat_id"]) == len("seat-") + 8
    assert len(welcome["seat_secret"]) >= 32 and welcome["seat_name"] == "Ana"
    path = seats_path(journal_path(host))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    kept = path.read_text()
    assert welcome["seat_secret"] not in kept and welcome["seat_id"] in kept
    # the secret is in no event, no journal line
    assert welcome["seat_secret"] not in journal_path(host).read_text()
    await seat.ws.close()
    again = await host.seat(RAPPORTEUR, "Ana", seat_id=seat.seat_id, seat_secret=seat.secret)
    assert again.welcome["seat_id"] == seat.seat_id and "seat_secret" not in again.welcome
    await again.ws.close()


async def test_a_client_cannot_choose_its_seat_id(host: ShareHost) -> None:
    for hello in ({"seat_id": "seat-chosen01"}, {"seat_id": "seat-chosen01", "seat_secret": "guess"},
                  {"seat_secret": "only-a-secret"}):
        seat = await host.client.ws_connect(f"/seat/{host.token(RAPPORTEUR)}")


        intruder = Seat(seat)
        await intruder.hello("Mallory", **hello)
        refused = await intruder.expect("refused")
        assert "not known" in refused["reason"]
        assert await intruder.closed() == REFUSED_IDENTITY
    assert len(host.hub.registry) == 0


@pytest.mark.attack("N02")
async def test_claiming_another_seats_id_neither_lets_in_nor_puts_out(host: ShareHost) -> None:
    ana = await host.seat(RAPPORTEUR, "Ana")
    assert (await ana.command("a1", "add_note", text="Ana's point"))["type"] == "ack"
    note_id = host.engine.state.visible_notes()[-1].id
    # Ben copies Ana's seat id from the note_added event every seat sees, 50 times, with no or a wrong
    # secret, on his own link and on the co-moderator's.
    for attempt in range(50):
        role = RAPPORTEUR if attempt % 2 else COMODERATOR
        socket = await host.client.ws_connect(f"/seat/{host.token(role)}")


        ben = Seat(socket)
        secret = {} if attempt % 3 == 0 else {"seat_secret": f"wrong-{attempt}"}
        await ben.hello("Ben", seat_id=ana.seat_id, **secret)
        assert await ben.closed() == REFUSED_IDENTITY
    # Ana's connection was never touched: it still sends and is answered
    assert (await ana.command("a2", "edit_note", id=note_id, text="Ana's point, corrected"))["type"] == "ack"
    # Ana's real secret on the co-moderator's link is not a co-moderator seat either
    socket = await host.client.ws_connect(f"/seat/{host.token(COMODERATOR)}")


    wrong_role = Seat(socket)
    await wrong_role.hello("Ana", seat_id=ana.seat_id, seat_secret=ana.secret)
    assert await wrong_role.closed() == REFUSED_IDENTITY
    # Ben as himself cannot change Ana's note
    ben = await host.seat(RAPPORTEUR, "Ben")
    refused = await ben.command("b1", "edit_note", id=note_id, text="Ben was here")
    assert refused["type"] == "refused" and "own notes" in refused["reason"]
    refused = await ben.command("b2", "delete_note", id=note_id)
    assert refused["type"] == "refused"
    assert host.engine.state.notes[note_id].text == "Ana's point, corrected"
    assert not ana.ws.closed
    await ana.ws.close()
    await ben.ws.close()


async def test_a_reload_with_the_same_identity_replaces_the_connection(host: ShareHost) -> None:
    first = await host.seat(RAPPORTEUR, "Ana")
    second = await host.seat(RAPPORTEUR, "Ana", seat_id=first.seat_id, seat_secret=first.secret)
    assert await first.closed() == 4409
    assert (await second.command("r1", "add_note", text="after the reload"))["type"] == "ack"
    await second.ws.close()


async def test_corrections_and_deletions_record_who_made_them(host: ShareHost) -> None:
    ana = await host.seat(RAPPORTEUR, "Ana")
    await ana.command("a1", "add_note", text="first")
    await ana.command("a2", "add_note", text="second")
    first, second = [note.id for note in host.engine.state.visible_notes()]
    await ana.command("a3", "edit_note", id=first, text="first, corrected")
    await ana.command("a4", "delete_note", id=second)
    host.engine.edit_note(first, "first, as the moderator has it")  # the console may change any note
    events = [e for e in read_journal(journal_path(host)).events if isinstance(e, NoteEdited | NoteDeleted)]
    assert [(type(e).__name__, e.seat, e.author) for e in events] == [
        ("NoteEdited", ana.seat_id, "Ana"), ("NoteDeleted", ana.seat_id, "Ana"), ("NoteEdited", None, None)]
    note = host.engine.state.notes[first]
    assert [(change.seat, change.author, change.deleted) for change in note.changes] == [
        (ana.seat_id, "Ana", False), (None, None, False)]
    assert host.engine.state.notes[second].changes[-1].deleted
    await ana.ws.close()


async def test_a_seat_is_itself_again_after_a_restart_of_the_host(tmp_path: Path) -> None:
    first_host = await share_host(tmp_path)
    first_host.engine.start()
    ana = await first_host.seat(RAPPORTEUR, "Ana")
    await ana.command("a1", "add_note", text="before the restart")
    seat_id, secret, tokens = ana.seat_id, ana.secret, first_host.tokens
    await first_host.close()
    assert first_host.engine.journal is not None
    first_host.engine.journal.close()
    path = journal_path(first_host)
    with Journal(path) as journal:
        engine, _ = Engine.reopen(workshop(), fake_clock(), journal, read_journal(path).events)
        second_host = await share_host(tmp_path, engine=engine, tokens=tokens)
        try:
            again = await second_host.seat(RAPPORTEUR, "Ana", seat_id=seat_id, seat_secret=secret)
            note_id = engine.state.visible_notes()[-1].id
            assert (await again.command("a2", "delete_note", id=note_id))["type"] == "ack"
            await again.ws.close()
        finally:
            await second_host.close()


def test_journals_from_before_corrections_named_their_author_still_read():
    old_edit = decode_line('{"type":"note_edited","t":5.0,"wall":"2021-06-01T10:00:00+00:00","id":3,"text":"x"}')
    old_delete = decode_line('{"type":"note_deleted","t":6.0,"wall":"2021-06-01T10:00:01+00:00","id":3}')
    assert isinstance(old_edit, NoteEdited) and (old_edit.seat, old_edit.author) == (None, None)
    assert isinstance(old_delete, NoteDeleted) and old_delete.seat is None


def test_the_registry_compares_secrets_and_roles(tmp_path: Path) -> None:
    registry = SeatRegistry(tmp_path / "live.seats.json")
    record, secret = registry.create(RAPPORTEUR, "Ana")
    assert registry.verify(record.seat_id, secret, RAPPORTEUR) is record
    assert registry.verify(record.seat_id, secret, COMODERATOR) is None
    assert registry.verify(record.seat_id, secret[:-1], RAPPORTEUR) is None
    assert registry.verify("seat-00000000", secret, RAPPORTEUR) is None
    assert registry.verify(record.seat_id, None, RAPPORTEUR) is None
    assert registry.verify(record.seat_id, "x" * 10_000, RAPPORTEUR) is None
    reread = SeatRegistry(tmp_path / "live.seats.json")
    assert reread.verify(record.seat_id, secret, RAPPORTEUR) is not None
    (tmp_path / "damaged.seats.json").write_text("[[[" * 5000)
    assert len(SeatRegistry(tmp_path / "damaged.seats.json")) == 0
    json.loads((tmp_path / "live.seats.json").read_text())  # what is kept is JSON


@pytest.mark.attack("N12")
def test_a_reused_command_id_from_a_role_that_may_not_send_it_is_refused(tmp_path: Path) -> None:
    from helpers_engine import new_engine

    engine, _ = new_engine(tmp_path)
    engine.start()
    comoderator = SeatIdentity("seat-cccccccc", "Chris", "comoderator")
    rapporteur = SeatIdentity("seat-aaaaaaaa", "Ana", "rapporteur")
    other = SeatIdentity("seat-bbbbbbbb", "Ben", "rapporteur")
    applied = run_command(engine, comoderator, "id-1", "next", {})
    assert isinstance(applied, Acked)
    assert isinstance(run_command(engine, rapporteur, "id-1", "next", {}), Refused)
    assert run_command(engine, comoderator, "id-1", "next", {}) == applied  # its sender: once, acked
    noted = run_command(engine, rapporteur, "id-2", "add_note", {"text": "mine"})
    assert isinstance(noted, Acked)
    stolen = run_command(engine, other, "id-2", "add_note", {"text": "mine"})
    assert isinstance(stolen, Refused) and "another seat" in stolen.reason
    assert run_command(engine, rapporteur, "id-2", "add_note", {"text": "mine"}) == noted
