"""User text never acts on the terminal: control characters become visible symbols."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from moderator.text import visible


def test_escape_sequences_are_shown_not_sent():
    assert visible("\x1b]2;PWNED\x1b\\Session") == "␛]2;PWNED␛\\Session"
    assert visible("\x1b[2JEurope/Paris") == "␛[2JEurope/Paris"
    assert visible("bell\x07 and nul\x00") == "bell␇ and nul␀"
    assert visible("c1 \x9b31m") == "c1 \\x9b31m"
    assert visible("bidi \u202eevil") == "bidi \\u202eevil"


def test_line_breaks_kept_only_when_asked():
    assert visible("one\ntwo") == "one␊two"
    assert visible("one\r\ntwo\ttab", keep_newlines=True) == "one\ntwo tab"


def test_ordinary_text_of_every_language_is_unchanged():
    for text in ("¿Por qué?", "«Guillemets»", "한국어", "👩🏽‍💻 ZWJ kept", "Ñúñez"):
        assert visible(text) == text


@given(st.text())
def test_no_control_character_survives(text):
    shown = visible(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in shown)
