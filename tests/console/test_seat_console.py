"""The console on a seat (``moderator join``), driven by Pilot over the seat's engine and a fake
connection to a real host engine (``seat_fakes.LoopbackSeat``): it lives through a sleep of its
computer, a co-moderator's ``m`` reaches the stage, a rapporteur's Footer shows what a rapporteur
can do, and ``participantes: 37`` is confirmed as 37."""

from __future__ import annotations

from pathlib import Path

import pytest
from seat_fakes import LoopbackSeat
from tui_helpers import screen_text, type_text

from moderator.programme import load_programme
from moderator.session.clock import FakeClock
from moderator.session.engine import Engine
from moderator.session.journal import Journal
from moderator.share.remote_engine import SeatEngine
from moderator.share.tokens import Role
from moderator.tui.app import ModeratorApp
from moderator.tui.join import SeatRun
from moderator.tui.stage_messages import StageMessagePicker

pytestmark = pytest.mark.console

WORKSHOP = Path(__file__).resolve().parents[2] / "sessions" / "gsef2021-workshop-alliances.toml"


def seat_console(folder: Path, clock: FakeClock, role: Role) -> tuple[ModeratorApp, Engine, LoopbackSeat]:
    host = Engine.create(load_programme(WORKSHOP), clock, Journal(folder / "host.journal.jsonl"),
                         programme_location=str(WORKSHOP))
    host.start()
    connection = LoopbackSeat(host, role, clock)
    engine = SeatEngine(connection, clock)
    return ModeratorApp(SeatRun(engine, rehearsal=False), tick=False), host, connection


def told(app: ModeratorApp) -> str:
    """Every toast shown so far, titles and messages."""
    return " ".join(f"{note.title} {note.message}" for note in app._notifications)


def footer_keys(app: ModeratorApp) -> set[str]:
    return {binding.key for (_, binding, enabled, _) in app.screen.active_bindings.values() if binding.show and enabled}


async def test_a_comoderator_seat_lives_through_a_sleep_and_sends_m_to_the_stage(tmp_path: Path,
                                                                                 clock: FakeClock) -> None:
    app, host, connection = seat_console(tmp_path, clock, Role.COMODERATOR)
    async with app.run_test(size=(120, 40)) as pilot:
        clock.sleep(30)  # the laptop closed for 30 s: the clock jumps
        app.console_screen.tick()
        await pilot.pause()
        assert app.is_running and "slept 00:30" in told(app)
        assert host.state.last_t < 30  # not sent: the host's journal records the host's sleeps
        await pilot.press("m")
        assert isinstance(app.screen, StageMessagePicker)
        await pilot.press("down", "enter")  # the second preset
        await pilot.pause()
        assert host.state.stage_message is not None and host.state.stage_message.text == "Please wrap up"
        assert any(command == "message" and args["text"] == "Please wrap up" for command, args in connection.sent)
        assert "On the stage view" in told(app)
        await pilot.press("n")
        await pilot.pause()
        assert host.state.current == 1 and app.engine.state.current == 1


async def test_a_rapporteur_seat_shows_what_a_rapporteur_can_do(tmp_path: Path, clock: FakeClock) -> None:
    app, host, connection = seat_console(tmp_path, clock, Role.RAPPORTEUR)
    async with app.run_test(size=(120, 40)) as pilot:
        keys = footer_keys(app)  # a rapporteur seat opens in the note box (its keys type text there)
        assert "ctrl+e" in keys and not keys & {"space", "n", "p", "e", "a", "g"}
        assert not app.engine.may("toggle") and not app.engine.may("message")
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Correct or delete a note…" in titles and "Next segment" not in titles
        assert "Message to the speaker…" not in titles
        await type_text(pilot, "participantes: 37")
        await pilot.press("enter")
        await pilot.pause()
        assert "Participants: 37" in told(app)
        assert host.state.participants == 37
        await type_text(pilot, "alliances matter")
        await pilot.press("enter")
        await pilot.pause()
        assert host.state.visible_notes()[-1].text == "alliances matter"
        assert connection.waiting() == []
        assert "alliances matter" in screen_text(app)
