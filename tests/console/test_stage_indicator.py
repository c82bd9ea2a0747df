"""Issue 25, item 2: while the stage shows a message, flashes or is black, the console says so on its
top line, at every size (80x24 beside Zoom included), in the session's language; and item 4: a
session that flows says so when it moves on by itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import let_time_pass, screen_lines

from moderator.programme import load_programme
from moderator.session.clock import FakeClock
from moderator.session.runs import open_run
from moderator.tui.app import ModeratorApp
from moderator.tui.stage_messages import StageMessagePicker
from tests.conftest import SESSIONS, WORKSHOP

pytestmark = pytest.mark.console

DIESIS = SESSIONS / "gsef2021-diesis-es.toml"
SIZES = [(80, 24), (100, 30), (120, 40), (200, 60)]


async def _choose(pilot, starts_with: str) -> None:  # type: ignore[no-untyped-def]
    """Key ``m``, then the line of the dialog that starts with ``starts_with``."""
    await pilot.press("m")
    assert isinstance(pilot.app.screen, StageMessagePicker)
    labels = [label for label, _ in pilot.app.screen.choices]
    await pilot.press(*["down"] * next(i for i, label in enumerate(labels) if label.startswith(starts_with)), "enter")


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_the_top_line_says_what_the_stage_shows_at_every_size(make_app, size) -> None:  # type: ignore[no-untyped-def]
    app = make_app(DIESIS)
    async with app.run_test(size=size) as pilot:
        await pilot.press("space")
        assert "ESCENARIO" not in screen_lines(app)[0]
        await _choose(pilot, "■")
        await pilot.pause()
        assert "■ ESCENARIO A OSCURAS" in screen_lines(app)[0]
        await _choose(pilot, "⚡")
        await _choose(pilot, "“Por favor, vaya terminando”")
        await pilot.pause()
        top = screen_lines(app)[0]
        assert "■ ESCENARIO A OSCURAS" in top and "⚡ ESCENARIO PARPADEANDO" in top
        assert "✉ “Por favor" in top
        await _choose(pilot, "■")
        await _choose(pilot, "⚡")
        await _choose(pilot, "✕")
        await pilot.pause()
        assert "ESCENARIO" not in screen_lines(app)[0] and "✉" not in screen_lines(app)[0]


async def test_the_m_dialog_keeps_a_message_for_the_next_speaker_and_its_title_is_whole_at_80(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(DIESIS)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "m")
        assert "Mensaje al escenario" in "\n".join(screen_lines(app))
        labels = [label for label, _ in app.screen.choices]
        keep_at = next(i for i, label in enumerate(labels) if "Conservar" in label)
        await pilot.press(*["down"] * keep_at, "enter")  # tick the switch: the dialog stays
        assert isinstance(app.screen, StageMessagePicker) and app.screen.keep
        assert app.screen.choices[keep_at][0].startswith("☑")
        await pilot.press(*["up"] * keep_at, "enter")  # the first preset, kept
        message = app.engine.state.stage_message
        assert message is not None and message.keep
        assert "↪" in screen_lines(app)[0]
        await pilot.press("n")
        assert app.engine.state.stage_message is not None, "kept for this speaker"
        await pilot.press("n")
        await pilot.pause()
        assert app.engine.state.stage_message is None
        assert "✉" not in screen_lines(app)[0]
        assert "El mensaje dejó el escenario con su ponente" in app.console_screen.toasts.history


async def test_a_flowing_break_moves_on_by_itself_and_the_console_says_so(in_tmp: Path, clock: FakeClock) -> None:
    programme = load_programme(WORKSHOP).with_flow("all")
    app = ModeratorApp(open_run(programme, Path("reports"), clock), tick=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        await let_time_pass(pilot, clock, programme.segments[0].duration + 1)
        assert app.engine.state.current == 1
        assert app.engine.history[-1].via == "flow"  # type: ignore[union-attr]
        assert any("moved on by itself to segment 2" in title for title in
                   [n.title for n in app._notifications])  # type: ignore[attr-defined]
        for segment in programme.segments[1:]:
            await let_time_pass(pilot, clock, segment.duration)
        assert app.engine.status.value == "ended"
        assert "the session ended by itself" in app.console_screen.toasts.history[-1]


async def test_paused_in_overtime_the_console_says_overtime(make_app, clock) -> None:  # type: ignore[no-untyped-def]
    app = make_app(DIESIS)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        await let_time_pass(pilot, clock, app.engine.remaining() + 10)
        await pilot.press("space")
        await pilot.pause()
        words = str(app.query_one("#countdown-text").render())
        assert "TIEMPO EXCEDIDO · EN PAUSA" in words and "+00:10" in words and "quedan" not in words


async def test_a_break_out_shows_its_groups_and_their_names(make_app, clock) -> None:  # type: ignore[no-untyped-def]
    app = make_app(SESSIONS / "gsef2021-cocreation-2-3-2.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        breakout = next(s for s in app.programme.segments if s.kind == "breakout")
        app.engine.goto(breakout.index)
        app.console_screen.refresh_all()
        await pilot.pause()
        card = str(app.query_one("#now-card").render())
        assert "@g1" in card and breakout.groups[0] in card
        assert f"@g{len(breakout.groups)}" in card


async def test_the_sharing_toast_leaves_the_note_box_when_the_rapporteur_types(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(DIESIS)
    async with app.run_test(size=(80, 24)) as pilot:
        toasts = app.console_screen.toasts
        toasts.tell("127.0.0.1:8765. Links: s", title="Compartir", timeout=4, key="sharing")
        toasts.tell("Otra cosa", timeout=4)
        assert len(toasts.messages) == 2
        await pilot.press("i")
        assert toasts.messages == ["Otra cosa"], "the sharing toast went, the other stays"
