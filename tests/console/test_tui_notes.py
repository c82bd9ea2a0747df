"""The rapporteur at the console (issue 11): what was typed is what is seen, and any note can be fixed."""

from __future__ import annotations

import re

from conftest import SESSIONS
from textual import events
from tui_helpers import type_text

from moderator.tui.note_box import NameSuggester, NoteBox
from moderator.tui.widgets import NotesLog

TOKENS = [f"p{n:02d}" for n in range(1, 61)]


def _shown_tokens(app) -> list[str]:
    text = " ".join(line.text for line in app.query_one(NotesLog).lines)
    return re.findall(r"\bp\d\d\b", text)


async def _start_at_kim(pilot) -> None:
    await pilot.press("space", "n", "n", "n", "i")


async def test_every_word_of_a_long_note_shows_at_80x24_and_after_a_resize(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _start_at_kim(pilot)
        await type_text(pilot, " ".join(TOKENS))
        await pilot.press("enter")
        await pilot.pause()
        assert _shown_tokens(app) == TOKENS
        log = app.query_one(NotesLog)
        assert all(len(line.text.rstrip()) <= log.scrollable_content_region.width
                   for line in log.lines)
        for size in ((100, 30), (120, 40), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert _shown_tokens(app) == TOKENS, f"re-wrapped at {size}"


async def test_a_multi_line_paste_is_one_note_with_every_line(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _start_at_kim(pilot)
        box = app.query_one(NoteBox)
        box.post_message(events.Paste("From the chat:\r\nfirst line\nsecond line\n"))
        await pilot.pause()
        assert box.value == "From the chat:\nfirst line\nsecond line\n"
        await pilot.press("enter")
        await pilot.pause()
        (note,) = app.engine.state.visible_notes()
        assert note.text == "From the chat:\nfirst line\nsecond line"
        shown = [line.text for line in app.query_one(NotesLog).lines]
        assert any("first line" in line for line in shown) and any("second line" in line for line in shown)


async def test_a_typed_zero_width_joiner_is_kept(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _start_at_kim(pilot)
        box = app.query_one(NoteBox)
        for char in "👩🏽\u200d💻 dev":
            box.post_message(events.Key(char if char.isalnum() else "x", char))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.engine.state.visible_notes()[0].text == "👩🏽\u200d💻 dev"


async def test_any_note_can_be_picked_corrected_or_deleted(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _start_at_kim(pilot)
        for text in ("frist bad note", "second bad note", "a good note"):
            await type_text(pilot, text)
            await pilot.press("enter")
        await pilot.press("escape", "o")          # the picker, newest first
        await pilot.press("down", "down", "enter")  # the first note
        await pilot.press("enter")                 # correct it
        box = app.query_one(NoteBox)
        assert box.value == "@kim frist bad note"
        box.value = "- @kim first good note"
        await pilot.press("enter")
        first = app.engine.state.notes[1]
        assert (first.text, first.level, first.edited) == ("first good note", 1, True)
        await pilot.press("escape", "o", "down", "enter", "down", "enter", "y")  # delete the second
        await pilot.pause()
        assert [n.id for n in app.engine.state.visible_notes()] == [1, 3]
        assert app.engine.state.notes[2].deleted
        shown = " ".join(line.text for line in app.query_one(NotesLog).lines)
        assert "second bad note" not in shown and "first good note" in shown


async def test_participants_are_set_from_the_note_box_and_the_palette(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _start_at_kim(pilot)
        await type_text(pilot, "participantes: 42")
        await pilot.press("enter")
        assert app.engine.state.participants == 42
        assert app.engine.state.visible_notes() == []
        await pilot.press("escape")
        app.console_screen.action_enter_participants()
        await pilot.pause()
        await type_text(pilot, "45")
        assert app.query_one(NoteBox).value == "participants: 45"
        await pilot.press("enter")
        assert app.engine.state.participants == 45


async def test_a_spanish_question_mark_stays_in_the_speakers_summary(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _start_at_kim(pilot)
        await type_text(pilot, "¿Por qué las cooperativas no acceden a la banca? Kim lo explica")
        await pilot.press("enter")
        (note,) = app.engine.state.visible_notes()
        assert (note.kind, note.speaker) == ("note", "kim")


async def test_completion_offers_the_moderator_the_rapporteur_and_groups():
    from moderator.programme import load_programme

    programme = load_programme(SESSIONS / "gsef2021-workshop-alliances.toml")
    suggester = NameSuggester(programme, lambda: ("Legal frameworks", "Strategic planning"))
    assert await suggester.get_suggestion("@Da") == "@Dara "
    assert await suggester.get_suggestion("- ! @Yo") == "- ! @Young "
    assert await suggester.get_suggestion("@g") == "@g1 "
    assert await suggester.get_suggestion('@"Str') == '@"Strategic planning" '
    no_groups = NameSuggester(programme)
    assert await no_groups.get_suggestion("@g") is None


async def test_the_log_shows_the_newest_note_scrolls_back_and_keeps_the_last_200(make_app):
    """Drawn line by line: the newest note is on the panel's last line, older ones are a scroll away,
    a new note brings the end back, and only the last ``max_notes`` are kept (the journal has them all)."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await _start_at_kim(pilot)
        log = app.query_one(NotesLog)
        for number in range(log.max_notes + 5):
            app.engine.add_note(f"point {number:03d} on local budgets")
        await pilot.pause()
        await pilot.pause()
        shown = " ".join(line.text for line in log.lines)
        assert "point 004" not in shown and "point 005" in shown
        last = log.scrollable_content_region.height - 1
        assert log.scroll_y == log.max_scroll_y > 0
        assert f"point {log.max_notes + 4:03d}" in log.render_line(last).text
        log.scroll_relative(y=-10, animate=False)
        await pilot.pause()
        assert log.scroll_y == log.max_scroll_y - 10
        assert f"point {log.max_notes - 6:03d}" in log.render_line(last).text
        app.engine.add_note("the newest point")
        await pilot.pause()
        await pilot.pause()
        assert log.scroll_y == log.max_scroll_y
        assert "the newest point" in log.render_line(last).text
