"""The seat's engine over a fake connection (``seat_fakes.LoopbackSeat``: the host's dispatch, no
network): the one contract both engines keep, what each role may send (read from the one role
table), the host's rules checked before sending, a sleep said locally, never sent."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from helpers_engine import new_engine
from seat_fakes import LoopbackSeat

from moderator.session.clock import FakeClock
from moderator.session.contract import SessionEngine
from moderator.session.engine import CommandRefused, Engine
from moderator.session.events import Slept
from moderator.share.commands import COMMANDS
from moderator.share.dispatch import Acked
from moderator.share.remote_engine import SeatEngine
from moderator.share.tokens import Role

pytestmark = pytest.mark.unit


def seated(folder: Path, role: Role, *, start: bool = True) -> tuple[Engine, SeatEngine, LoopbackSeat, FakeClock]:
    host, clock = new_engine(folder)
    if start:
        host.start()
    connection = LoopbackSeat(host, role, clock)
    return host, SeatEngine(connection, clock), connection, clock


def as_contract(engine: Engine, seat: SeatEngine) -> list[SessionEngine]:
    """Checked by mypy (tests are in its files): both engines keep the contract statically."""
    return [engine, seat]


CONTRACT_MEMBERS = [name for name in dir(SessionEngine) if not name.startswith("_")]


def test_both_engines_keep_the_contract_at_runtime_with_the_same_signatures(tmp_path):
    host, seat, _, _ = seated(tmp_path, Role.COMODERATOR)
    for engine in as_contract(host, seat):
        assert isinstance(engine, SessionEngine)
    assert len(CONTRACT_MEMBERS) > 25
    for name in CONTRACT_MEMBERS:
        promised = inspect.getattr_static(SessionEngine, name)
        for engine in (host, seat):
            assert hasattr(engine, name), (type(engine).__name__, name)
            if inspect.isfunction(promised):
                kept = inspect.getattr_static(type(engine), name)
                assert list(inspect.signature(kept).parameters) == list(inspect.signature(promised).parameters), name


def test_the_seat_follows_the_host_and_tells_its_listeners_once_per_event(tmp_path):
    host, seat, _, _ = seated(tmp_path, Role.RAPPORTEUR)
    told: list[str] = []
    seat.subscribe(lambda event, _: told.append(type(event).__name__))
    host.next()
    host.add_note("alliances matter")
    assert told == ["Moved", "NoteAdded"]
    assert seat.state.current == host.state.current and seat.history == host.history
    assert seat.remaining() == host.remaining()


def test_a_comoderator_seat_sends_messages_flash_and_blackout(tmp_path):
    host, seat, connection, _ = seated(tmp_path, Role.COMODERATOR)
    for command in ("message", "clear_message", "flash", "blackout"):
        assert seat.may(command)
    seat.show_message("Please wrap up")
    seat.set_flash(True)
    seat.set_blackout(True)
    shown = host.state.stage_message
    assert shown is not None and shown.text == "Please wrap up" and host.state.flash and host.state.blackout
    seat.clear_message()
    assert host.state.stage_message is None
    assert [command for command, _ in connection.sent] == ["message", "flash", "blackout", "clear_message"]
    assert all(isinstance(outcome, Acked) for outcome in connection.outcomes)
    assert seat.state.flash and seat.state.blackout  # the host's events came back


def test_every_command_of_the_contract_goes_through_on_a_comoderator_seat(tmp_path):
    """Nothing is inherited: every command a face can call is sent as a command of the one table,
    and the host applies it (none raises "a seat cannot do that")."""
    host, seat, connection, _ = seated(tmp_path, Role.COMODERATOR)
    seat.next()
    seat.previous()
    seat.goto(3)
    seat.adjust(60)
    seat.adjust(-30)
    seat.goto(7)
    round_id, index = seat.ask_next_question()
    seat.unask_question(round_id, index)
    seat.ask_question(round_id, index)
    if host.programme.segments[7].cues:
        seat.tick_cue(7, 0)
    seat.toggle()
    seat.toggle()
    note = seat.log_entry("alliances matter")
    assert not isinstance(note, int) and note.id == 0  # sent; numbered by the host
    [own] = seat.own_notes()
    seat.edit_note(own.id, "alliances matter most")
    seat.delete_note(own.id)
    assert seat.log_entry("participantes: 37") == 37
    seat.end()
    assert {command for command, _ in connection.sent} <= set(COMMANDS)
    assert all(isinstance(outcome, Acked) for outcome in connection.outcomes), connection.outcomes
    assert host.state.participants == 37 and seat.state.participants == 37
    assert host.status is seat.status and seat.history == host.history


def test_a_rapporteur_seat_may_only_write_notes(tmp_path):
    host, seat, connection, _ = seated(tmp_path, Role.RAPPORTEUR)
    assert seat.may("add_note") and seat.may("edit_note") and not seat.may("toggle") and not seat.may("message")
    for command in (seat.next, lambda: seat.show_message("hi"), lambda: seat.set_flash(True), seat.toggle):
        with pytest.raises(CommandRefused, match="rapporteur seat cannot"):
            command()
    assert connection.sent == []
    seat.log_entry("a note")
    assert [command for command, _ in connection.sent] == ["add_note"]
    assert host.state.visible_notes()[-1].seat == connection.seat_id


def test_the_hosts_rules_are_checked_before_anything_is_sent(tmp_path):
    host, seat, connection, _ = seated(tmp_path, Role.COMODERATOR, start=False)
    with pytest.raises(CommandRefused, match="the session has not started"):
        seat.next()
    with pytest.raises(CommandRefused, match="no message is on stage"):
        seat.clear_message()
    assert connection.sent == [] and len(host.history) == 1
    connection.connected = False
    with pytest.raises(CommandRefused, match="offline"):
        seat.toggle()
    assert host.status is seat.status


def test_a_sleep_on_the_seat_is_said_there_and_never_sent(tmp_path):
    host, seat, connection, clock = seated(tmp_path, Role.COMODERATOR)
    before = len(host.history)
    clock.sleep(30)
    assert seat.notice_sleep() == 30
    assert seat.notice_sleep() == 0.0  # said once
    clock.sleep(1)
    assert seat.notice_sleep() == 0.0  # a blip is not a sleep
    assert connection.sent == [] and len(host.history) == before
    assert not any(isinstance(event, Slept) for event in seat.history)


def test_notes_wait_in_the_outbox_offline_and_land_once_back_online(tmp_path):
    host, seat, connection, _ = seated(tmp_path, Role.RAPPORTEUR)
    connection.connected = False
    seat.log_entry("typed offline")
    assert [note.text for note in seat.pending_notes()] == ["typed offline"]
    assert "offline: 1 note waiting" in seat.status_line()
    connection.reconnect()
    assert seat.pending_notes() == [] and seat.status_line().endswith("connected")
    assert [note.text for note in host.state.visible_notes()] == ["typed offline"]


def test_a_seat_says_its_role_in_the_sessions_language(tmp_path):
    _, seat, _, _ = seated(tmp_path, Role.RAPPORTEUR)
    assert seat.status_line("en").startswith("rapporteur seat · Ana")
    assert seat.status_line("es") != seat.status_line("en")


def test_a_host_programme_the_seat_cannot_read_is_named_in_its_own_language(tmp_path: Path) -> None:
    """A host of a newer version may send keys this seat does not know: the problems name the file
    as the session's people say it ("el programa del anfitrión"), never a path of this computer."""
    from conftest import SESSIONS

    from moderator.i18n import translator
    from moderator.problems import ProgrammeError
    from moderator.programme import load_programme

    host, _ = new_engine(tmp_path, programme=load_programme(SESSIONS / "gsef2021-diesis-es.toml"))
    seat = LoopbackSeat(host, Role.RAPPORTEUR, FakeClock())
    assert seat.programme_text is not None
    seat.programme_text = seat.programme_text.replace('kind = "check"', 'kind = "prueba"', 1)
    with pytest.raises(ProgrammeError) as refused:
        SeatEngine(seat)
    said = refused.value.problems[0].said(translator("es"))
    assert said.startswith("el programa del anfitrión:") and "tipo desconocido 'prueba'" in said
