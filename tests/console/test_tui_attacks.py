"""The console under attack (issue 16), driven by Pilot on a fake clock: a laptop's sleep, a
flood of keys, escape sequences and markup in notes. Ids refer to docs/RELIABILITY.md."""

from __future__ import annotations

import pytest
from textual import events
from tui_helpers import label_text

from moderator.session.events import Slept
from moderator.session.journal import read_journal
from moderator.tui.driver import BURST, coalesce
from moderator.tui.note_box import MAX_NOTE_CHARACTERS, NoteBox
from moderator.tui.widgets import NotesLog


@pytest.mark.attack("A17")
async def test_a_laptop_asleep_five_minutes_counts_as_elapsed_and_says_so(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        await pilot.press("n")  # the moderator's introduction: 5 minutes
        clock.advance(10)
        app.console_screen.tick()
        await pilot.pause()
        assert label_text(pilot, "#countdown-text") == "04:50 left"
        clock.sleep(302)  # the lid closed: boot time (and the wall) went on
        app.console_screen.tick()
        await pilot.pause()
        assert any("slept 05:02; counted as elapsed" in n.message for n in app._notifications)
        # Under the digits, the level in a word as well as in colour (issue 12).
        assert label_text(pilot, "#countdown-text") == "■ +00:12 OVERTIME"
        app.console_screen.tick()  # said once, journaled once
        await pilot.pause()
    slept = [e for e in read_journal(app.run_files.journal_path).events if isinstance(e, Slept)]
    assert [e.seconds for e in slept] == [302]
    assert app.engine.state.slept_seconds == 302


@pytest.mark.attack("A17")
async def test_a_blip_of_suspension_is_not_a_sleep(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        clock.sleep(1)
        app.console_screen.tick()
        await pilot.pause()
        assert not any("slept" in n.message for n in app._notifications)
    assert not [e for e in read_journal(app.run_files.journal_path).events if isinstance(e, Slept)]


@pytest.mark.attack("A08")
async def test_a_flood_of_keys_is_gathered_and_bounded(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "i")
        box = app.query_one(NoteBox)
        for _ in range(MAX_NOTE_CHARACTERS + 500):
            box.post_message(events.Key("x", "x"))
        box.post_message(events.Key("enter", None))
        await pilot.pause()
        while not app.engine.state.visible_notes():
            await pilot.pause(0.05)
        assert len(app.engine.state.visible_notes()[-1].text) == MAX_NOTE_CHARACTERS
        assert sum("at most 5000 characters" in n.message for n in app._notifications) == 1
        await pilot.press("o", "k", "enter")
        assert app.engine.state.visible_notes()[-1].text == "ok", "keys after Enter begin the next note"


@pytest.mark.attack("A08")
def test_a_burst_longer_than_typing_becomes_one_paste_and_keys_stay_keys():
    typed = [events.Key(c, c) for c in "abc"]
    enter = events.Key("enter", None)
    assert coalesce([*typed, enter]) == [*typed, enter], "typing stays keys"
    burst = [events.Key(c, c) for c in "ni" + "y" * (BURST + 10)]
    merged = coalesce([*burst, enter, *typed])
    assert merged[:BURST] == burst[:BURST], "the first keys stay keys: i opens the box the paste goes to"
    assert isinstance(merged[BURST], events.Paste) and merged[BURST].text == "y" * 12
    assert [m.key for m in merged[BURST + 1:] if isinstance(m, events.Key)] == ["enter", "a", "b", "c"]


@pytest.mark.attack("A15")
@pytest.mark.attack("A05")
async def test_escapes_and_markup_in_a_pasted_note_are_shown_as_text(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "i")
        app.query_one(NoteBox).post_message(events.Paste("\x1b]2;PWNED\x07 [bold red]RED[/] [/]"))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        shown = "\n".join(line.text for line in app.query_one(NotesLog).lines)
        assert "␛]2;PWNED␇ [bold red]RED[/] [/]" in shown
        assert "\x1b" not in shown and "\x07" not in shown


@pytest.mark.attack("A15")
async def test_escapes_in_programme_text_are_visible_in_the_console(make_app, in_tmp):
    from tests.conftest import WORKSHOP

    hostile = in_tmp / "hostile.toml"
    hostile.write_text(WORKSHOP.read_text(encoding="utf-8").replace(
        'title = "', 'title = "\\u001b]2;PWNED\\u0007 ', 3), encoding="utf-8")
    app = make_app(hostile)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        await pilot.pause()
        screen = app.export_screenshot()
        assert "\x1b]2;PWNED" not in screen
        assert "␛]2;PWNED␇" in screen


HOSTILE_MARKUP = "Prueba[/]de[b]conexión[link=x]"


@pytest.mark.attack("A05")
@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (200, 60)])
async def test_markup_in_every_programme_text_is_shown_as_text_at_every_size(make_app, in_tmp, size):
    """Titles, names and questions with markup that does not parse (``[/]`` closes nothing): the
    agenda's table parsed plain strings as markup and crashed at 100x30 (issue 22)."""
    from tests.conftest import WORKSHOP

    hostile = in_tmp / "hostile.toml"
    text = WORKSHOP.read_text(encoding="utf-8")
    for key in ("title", "name"):
        text = text.replace(f'{key} = "', f'{key} = "{HOSTILE_MARKUP} ')
    hostile.write_text(text, encoding="utf-8")
    app = make_app(hostile)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("space")
        for _ in range(3):
            await pilot.press("n")
            await pilot.pause()
        screen = app.export_screenshot()
        assert "Prueba[/]de[b]" in screen
        assert app.return_code is None, "the console is still running"
