"""Words are never commands (issue 22): the driver's ``TypingGuard`` tells typing from commands by
the keys' timing, and the console takes typed text into the box."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from textual import events

from moderator.tui.typing_guard import HOLD, TYPING_GAP, TypedText, TypingGuard


def key(character: str) -> events.Key:
    names = {" ": "space", "+": "plus", "-": "minus"}
    return events.Key(names.get(character, character), character)


def typed(guard: TypingGuard, text: str, start: float, every: float, *, commands: bool = True) -> list[object]:
    """``text`` typed one key at a time, ``every`` seconds apart; what the guard delivers."""
    out: list[object] = []
    now = start
    for character in text:
        out += guard.due(now)
        out += guard.feed([key(character)], now, keys_are_commands=commands)
        now += every
    out += guard.due(now + HOLD)
    return out


def text_of(out: Sequence[object]) -> str:
    return "".join(m.text for m in out if isinstance(m, TypedText))


def keys_of(out: Sequence[object]) -> list[str]:
    return [m.key for m in out if isinstance(m, events.Key)]


@pytest.mark.parametrize("every", [0.0, 0.05, 0.12, 0.2])
@pytest.mark.parametrize("sentence", ["matar el puesto de trabajo", "nous avons parlé des garanties",
                                      "e poi", "o ya", "+1 para las cooperativas", " espacio"])
def test_a_sentence_typed_while_keys_are_commands_is_all_text(sentence: str, every: float) -> None:
    out = typed(TypingGuard(), sentence, 10.0, every)
    assert keys_of(out) == [], "no key ran as a command"
    assert text_of(out) == sentence


def test_a_key_pressed_alone_is_a_command_after_the_hold() -> None:
    guard = TypingGuard()
    assert guard.feed([key("n")], 5.0, keys_are_commands=True) == []
    assert guard.due(5.0 + HOLD / 2) == []
    assert 0 < guard.timeout(5.0 + HOLD / 2, 0.1) <= HOLD / 2
    assert keys_of(guard.due(5.0 + HOLD)) == ["n"]


@pytest.mark.parametrize("presses", ["+++", "nn", "  "])
def test_the_same_key_pressed_again_and_again_stays_commands(presses: str) -> None:
    out = typed(TypingGuard(), presses, 0.0, 0.1)
    assert text_of(out) == ""
    assert len(keys_of(out)) == len(presses)


def test_commands_a_second_apart_stay_commands() -> None:
    out = typed(TypingGuard(), "n p a", 0.0, 0.6)
    assert text_of(out) == "" and keys_of(out) == ["n", "space", "p", "space", "a"]


def test_i_then_typing_opens_the_box_without_typing_the_i() -> None:
    out = typed(TypingGuard(), "ithe moderator opens", 0.0, 0.01)
    assert text_of(out) == "the moderator opens" and keys_of(out) == []


def test_typing_goes_on_until_a_pause_and_escape_ends_it() -> None:
    guard = TypingGuard()
    out = typed(guard, "hola", 0.0, 0.1)
    out += guard.feed([events.Key("enter", None)], 0.5, keys_are_commands=False)
    out += guard.feed([key("n")], 0.6, keys_are_commands=False)  # within the gap: still typing
    assert text_of(out) == "holan" and keys_of(out) == ["enter"]
    after = guard.feed([events.Key("escape", None)], 0.7, keys_are_commands=True)
    assert keys_of(after) == ["escape"]
    assert guard.feed([key("n")], 0.8, keys_are_commands=True) == [], "held again: typing ended with escape"
    assert keys_of(guard.due(0.8 + HOLD)) == ["n"]
    later = 0.8 + HOLD + TYPING_GAP
    assert guard.feed([key("p")], later, keys_are_commands=True) == []


def test_keys_go_straight_through_when_they_are_not_commands() -> None:
    guard = TypingGuard()
    out = guard.feed([key("n"), key("o")], 0.0, keys_are_commands=False)
    assert keys_of(out) == ["n", "o"]
    paste = events.Paste("a paste")
    assert guard.feed([paste], 0.1, keys_are_commands=True) == [paste]


# ----------------------------------------------------------------------------- the console's side

def _moves(app) -> list[str]:
    """The journal's events that move, pause, end or edit the session: typing must add none."""
    from moderator.session.events import Adjusted, Ended, Moved, NoteEdited, Paused, Resumed
    from moderator.session.journal import read_journal

    moves = (Moved, Paused, Resumed, Ended, NoteEdited, Adjusted)
    return [type(e).__name__ for e in read_journal(app.run_files.journal_path).events if isinstance(e, moves)]


async def test_typing_that_arrives_while_the_box_is_not_focused_goes_into_it(make_app):
    from moderator.tui.note_box import NoteBox

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        await pilot.pause()
        assert app.keys_are_commands()
        before = _moves(app)
        app.post_message(TypedText("matar el puesto"))  # what the driver sends for typing
        await pilot.pause()
        box = app.query_one(NoteBox)
        assert app.focused is box and box.value == "matar el puesto"
        assert not app.keys_are_commands()
        assert any("typing went into the note box" in n.message for n in app._notifications)
        await pilot.press("enter")
        await pilot.pause()
        assert app.engine.state.visible_notes()[-1].text == "matar el puesto"
        assert _moves(app) == before


async def test_a_printable_key_that_is_no_command_goes_into_the_box(make_app):
    from moderator.tui.note_box import NoteBox

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        await pilot.press("l", "x")
        await pilot.pause()
        box = app.query_one(NoteBox)
        assert app.focused is box and box.value == "lx"


async def test_correcting_a_note_says_which_and_keeps_what_was_being_typed_aside(make_app):
    """From the ``o`` picker: the box says which note it corrects, in another colour; what was being
    typed is not glued to it, and comes back once the correction is saved."""
    from moderator.tui.note_box import NoteBox

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "i")
        for character in "el nivel municipal importa":
            await pilot.press(character if character != " " else "space")
        await pilot.press("enter")
        await pilot.pause()
        box = app.query_one(NoteBox)
        box.insert_text_at_cursor("recomendación: crear mesas")
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("enter")  # the newest note
        await pilot.pause()
        await pilot.press("enter")  # correct it (the picker's first choice)
        await pilot.pause()
        note_id = app.engine.state.visible_notes()[-1].id
        assert box.has_class("-editing")
        assert str(box.border_title).startswith(f"Correcting note {note_id}: el nivel municipal importa")
        assert box.value == "el nivel municipal importa", "the typed words are not glued to the note"
        await pilot.press("end", "space", "y", "space", *"regional", "enter")
        await pilot.pause()
        assert app.engine.state.visible_notes()[-1].text == "el nivel municipal importa y regional"
        assert box.value == "recomendación: crear mesas", "what was being typed is back"
        assert not box.has_class("-editing")
