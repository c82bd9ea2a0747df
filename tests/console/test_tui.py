"""The console driven with keys on a fake clock: what a moderator and a rapporteur do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import SESSIONS
from textual import events
from textual.widgets import Digits
from tui_helpers import label_text, let_time_pass, type_text

from moderator.session.runs import OpenedRun
from moderator.session.state import Status
from moderator.tui.app import ModeratorApp
from moderator.tui.note_box import NoteBox
from moderator.tui.widgets import Countdown


def journal_events(app: ModeratorApp) -> list[dict[str, Any]]:
    assert isinstance(app.run_files, OpenedRun)
    return [json.loads(line) for line in Path(app.run_files.journal_path).read_text().splitlines()]


async def test_space_starts_and_pauses_the_timer(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.engine.status is Status.NOT_STARTED
        assert "press space to start" in label_text(pilot, "#countdown-text")
        await pilot.press("space")
        assert app.engine.status is Status.RUNNING
        await let_time_pass(pilot, clock, 20)
        assert app.query_one(Digits).value == "00:40"
        assert label_text(pilot, "#countdown-text") == "△ 00:40 left · wrap up", "the level in words, not colour only"
        await pilot.press("space")
        assert app.engine.status is Status.PAUSED
        await let_time_pass(pilot, clock, 300)
        assert app.query_one(Digits).value == "00:40", "a paused timer does not move"
        await pilot.press("space")
        assert app.engine.status is Status.RUNNING


async def test_a_whole_workshop_driven_from_the_keyboard(make_app, clock):
    """Every segment in turn; the third speaker overruns by two minutes; then end with y."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        segments = app.programme.segments
        for index, segment in enumerate(segments):
            assert app.engine.state.current == index
            overrun = 120 if index == 5 else 0
            await let_time_pass(pilot, clock, segment.duration + overrun)
            if index < len(segments) - 1:
                await pilot.press("n")
        assert app.engine.snapshot().offset == 120, "two minutes behind after the overrun"
        await pilot.press("e")
        await pilot.press("y")
        assert app.engine.status is Status.ENDED
        assert label_text(pilot, "#countdown-text") == "Session ended"
    events = journal_events(app)
    assert [e["type"] for e in events].count("moved") == len(segments) - 1
    assert events[-1]["type"] == "ended"


async def test_arrows_and_previous_move_between_segments(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "right", "right")
        assert app.engine.state.current == 2
        await pilot.press("left")
        assert app.engine.state.current == 1
        await pilot.press("p")
        assert app.engine.state.current == 0
        await pilot.press("p")
        assert app.engine.state.current == 0, "nothing before the first segment"
        assert any("first segment" in n.message for n in app._notifications)


async def test_plus_and_minus_change_the_current_segment(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "n")
        await let_time_pass(pilot, clock, 1)
        assert app.query_one(Digits).value == "04:59"
        await pilot.press("plus")
        await let_time_pass(pilot, clock, 0)
        assert app.query_one(Digits).value == "05:59"
        await pilot.press("minus", "minus")
        await let_time_pass(pilot, clock, 0)
        assert app.query_one(Digits).value == "03:59"


async def test_overtime_counts_up_in_the_danger_colour(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        await let_time_pass(pilot, clock, 60 + 65)
        assert app.query_one(Digits).value == "+01:05"
        assert label_text(pilot, "#countdown-text") == "■ +01:05 OVERTIME"
        assert app.query_one(Countdown).has_class("-over")


async def test_thresholds_are_signalled_once_each(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "n", "n", "n")  # Young Kim, 10 minutes
        for step in [479, 1, 1, 1, 88, 1, 1, 1, 28, 1, 1, 1, 30, 30, 1]:
            await let_time_pass(pilot, clock, step)
        messages = list(app.console_screen.toasts.history)
    assert sum("Young Kim: 02:00 left" in m for m in messages) == 1
    assert sum("Young Kim: 00:30 left" in m for m in messages) == 1
    assert sum("Young Kim: time is up" in m for m in messages) == 1
    assert sum("over time" in m for m in messages) == 1, "a reminder each minute in overtime"


async def test_notes_keep_the_focus_and_land_under_the_speaker(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "n", "n", "n")  # Young Kim speaks
        await pilot.press("i")
        assert isinstance(app.focused, NoteBox)
        await type_text(pilot, "networks of local governments matter")
        await pilot.press("enter")
        await type_text(pilot, "@luyiga ! invite SENECA to the next meeting")
        await pilot.press("enter")
        assert isinstance(app.focused, NoteBox), "enter keeps the focus for the next note"
        assert app.engine.state.current == 3, "typing n or p in a note does not move the timer"
        notes = app.engine.state.visible_notes()
        assert [(n.text, n.kind, n.speaker) for n in notes] == [
            ("networks of local governments matter", "note", "kim"),
            ("invite SENECA to the next meeting", "action", "luyiga"),
        ]
        assert app.query_one(NoteBox).value == ""
        log_lines = [str(line.text) for line in app.query_one("#notes-log").lines]
        assert any("Young Kim: networks of local governments matter" in line for line in log_lines)
        await pilot.press("escape")
        assert app.focused is None
        await pilot.press("n")
        assert app.engine.state.current == 4


async def test_an_unknown_mention_keeps_the_text_in_the_box(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "i")
        await type_text(pilot, "@nobody said something")
        await pilot.press("enter")
        assert app.query_one(NoteBox).value == "@nobody said something"
        assert not app.engine.state.notes
        assert any("no speaker matches @nobody" in n.message for n in app._notifications)


async def test_function_keys_drive_the_timer_while_typing(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i", "f5")
        assert app.engine.status is Status.RUNNING
        await pilot.press("f7")
        assert app.engine.state.current == 1
        await pilot.press("ctrl+n")
        assert app.engine.state.current == 2
        await pilot.press("f6")
        assert app.engine.state.current == 1
        await pilot.press("f5")
        assert app.engine.status is Status.PAUSED
        assert isinstance(app.focused, NoteBox)


async def test_a_marks_the_next_question_of_the_discussion(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "g")
        await pilot.press(*["down"] * 7, "enter")  # segment 8: the discussion
        assert app.engine.state.current == 7
        await pilot.press("a")
        await pilot.press("a")
        first_round = app.programme.rounds[0].id
        assert set(app.engine.state.asked) == {(first_round, 0), (first_round, 1)}
        await pilot.press("i")
        await type_text(pilot, "governments should fund networks")
        await pilot.press("enter")
        note = app.engine.state.visible_notes()[-1]
        assert note.question == (first_round, 1)
        questions = label_text(pilot, "#questions")
        assert "✓ 1." in questions and "✓ 2." in questions


async def test_c_copies_the_time_signal_for_the_chat(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "n", "n", "n")
        await let_time_pass(pilot, clock, 8 * 60)
        await pilot.press("c")
        assert app.clipboard == "Young Kim: 2 minutes left"


async def test_spanish_session_signals_in_spanish(make_app, clock):
    app = make_app(SESSIONS / "gsef2021-diesis-es.toml")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        await pilot.press("c")
        assert "quedan" in app.clipboard or "queda" in app.clipboard


async def test_quitting_a_running_session_asks_first(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "ctrl+q")
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await pilot.press("n")
        assert app.is_running and app.screen.__class__.__name__ != "ConfirmScreen"
        await pilot.press("ctrl+q", "y")
        await pilot.pause()
    assert app.return_code == 0 or app.return_code is None


async def test_ending_needs_y(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "e", "escape")
        assert app.engine.status is Status.RUNNING
        await pilot.press("e", "y")
        assert app.engine.status is Status.ENDED


async def test_rehearsal_shows_its_banner(make_app, clock):
    app = make_app(rehearsal=True)
    async with app.run_test(size=(120, 40)) as pilot:
        assert "REHEARSAL" in label_text(pilot, "#clockbar")
        assert "rehearsal-" in app.run_files.journal_path.name


async def test_live_resize_folds_and_unfolds_the_side_panels(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        assert app.screen.has_class("-wide")
        assert app.query_one("#agenda-panel").display
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.screen.has_class("-narrow")
        assert not app.query_one("#side").region, "the agenda folds away beside Zoom"
        await pilot.press("v")
        assert app.screen.has_class("view-agenda")
        assert app.query_one("#agenda-panel").region.height > 0
        for width, height in [(60, 20), (40, 12), (250, 70), (80, 24)]:
            await pilot.resize_terminal(width, height)
            await let_time_pass(pilot, clock, 1)
        assert app.engine.status is Status.RUNNING


async def test_the_palette_offers_the_console_commands(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for wanted in ("Next segment", "Go to segment…", "Copy time signal for the chat", "End the session"):
            assert wanted in titles


async def test_the_last_note_can_be_corrected_and_keeps_its_kind_and_speaker(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "n", "n", "n", "i")
        await type_text(pilot, "@luyiga ! invite SENECA to the nxt meeting")
        await pilot.press("enter", "ctrl+e")
        box = app.query_one(NoteBox)
        assert box.value == "@luyiga ! invite SENECA to the nxt meeting"
        box.value = box.value.replace("nxt", "next")
        await pilot.press("enter")
        [note] = app.engine.state.visible_notes()
        assert (note.text, note.kind, note.speaker, note.edited) == (
            "invite SENECA to the next meeting", "action", "luyiga", True)
        events = journal_events(app)
        assert [e["type"] for e in events][-2:] == ["note_added", "note_edited"], "edits are new events"
        log_lines = [str(line.text) for line in app.query_one("#notes-log").lines]
        assert any("to the next meeting" in line for line in log_lines)
        assert not any("nxt" in line for line in log_lines)


async def test_deleting_the_last_note_asks_and_keeps_it_in_the_journal(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "i")
        await type_text(pilot, "a note typed by mistake")
        await pilot.press("enter", "escape")
        await app.screen.run_action("delete_last_note")
        await pilot.press("y")
        assert app.engine.state.visible_notes() == []
        assert journal_events(app)[-1]["type"] == "note_deleted"
        assert "a note typed by mistake" in app.run_files.journal_path.read_text(encoding="utf-8")


async def test_any_question_can_be_marked_and_unmarked_from_the_picker(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "q")
        await pilot.press("down", "down", "enter")  # the third guiding question
        third = [(r.id, i) for r in app.programme.rounds for i in range(len(r.questions))][2]
        assert third in app.engine.state.asked
        await pilot.press("q", "down", "down", "enter")
        assert third not in app.engine.state.asked
        assert journal_events(app)[-1]["type"] == "question_unasked"


async def test_before_the_start_the_clocks_and_the_pace_keep_moving(make_app, clock):
    """The countdown stands still before the start, but a late start is news for the moderator."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await let_time_pass(pilot, clock, 300)
        assert "18:05 Seoul" in label_text(pilot, "#clockbar")
        assert "05:00 behind" in label_text(pilot, "#pace")
        await pilot.press("space", "space")  # started five minutes late, then paused
        await let_time_pass(pilot, clock, 120)
        assert app.query_one(Digits).value == "01:00", "a paused countdown stands still"
        assert "07:00 behind" in label_text(pilot, "#pace"), "while the pause goes on, the session runs late"


async def test_a_rehearsal_agenda_is_laid_from_its_actual_start(make_app, clock):
    app = make_app(rehearsal=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await let_time_pass(pilot, clock, 7 * 60)
        await pilot.press("space")  # the rehearsal starts at 18:07 Seoul
        agenda = app.query_one("#agenda")
        assert str(agenda.get_cell("0", "start")) == "18:07"
        assert str(agenda.get_cell("3", "start")) == "18:18"



async def test_notes_typed_without_a_pause_are_never_lost_or_glued(make_app, clock):
    """Every key queued at once, as a fast typist (or a paste) sends them: ``i``, a note, Enter,
    the next note… Enter is handled in order with the characters around it."""
    app = make_app()
    typed = ["first note typed fast", "! next one right after", "a third with n p and e in it"]
    key_names = {" ": "space", "!": "exclamation_mark"}
    keys = [("i", "i")]
    for text in typed:
        keys += [(key_names.get(character, character), character) for character in text] + [("enter", "\r")]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "n", "n", "n")
        for key, character in keys:
            app.post_message(events.Key(key, character))
        await pilot.pause()
        assert [(n.text, n.kind) for n in app.engine.state.visible_notes()] == [
            ("first note typed fast", "note"),
            ("next one right after", "action"),
            ("a third with n p and e in it", "note"),
        ]
        assert app.engine.state.current == 3, "the n, p and e typed in a note drive nothing"
        assert isinstance(app.focused, NoteBox) and app.query_one(NoteBox).value == ""
