"""What ``moderator/tui/textual_private.py`` (and the driver's copied input loop) rely on in the
pinned Textual: each test fails when an upgrade changes it, and says what to look at."""

from __future__ import annotations

import hashlib
import inspect

import pytest
from textual import events
from textual.app import App
from textual.binding import Binding, BindingsMap
from textual.screen import Screen

from moderator.tui.dialogs import translate_bindings
from moderator.tui.textual_private import ParseError, XTermParser, rebind

pytestmark = pytest.mark.console

TEXTUAL_INPUT_LOOP_SHA256 = "d796af6d69db337d6fa6bd463984f7d17188d991dbb22f60efb92a8a9619507c"
"""``LinuxDriver.run_input_thread`` of Textual 8.2.8, of which ``ModeratorDriver.run_input_thread`` is a copy."""


def test_textuals_input_loop_is_the_one_the_driver_copied() -> None:
    linux_driver = pytest.importorskip("textual.drivers.linux_driver")  # not on Windows: no termios
    source = inspect.getsource(linux_driver.LinuxDriver.run_input_thread)
    assert hashlib.sha256(source.encode()).hexdigest() == TEXTUAL_INPUT_LOOP_SHA256, (
        "Textual's input loop changed: carry the change into moderator/tui/driver.py's copy "
        "(ModeratorDriver.run_input_thread), then update this pin")
    assert "except (EOFError, ParseError)" in source  # what the copy catches at end of input


def test_the_parser_feeds_keys_ticks_and_raises_parse_errors_at_end_of_input() -> None:
    parser = XTermParser(False)
    keys = [message for message in parser.feed("a\x1b[A") if isinstance(message, events.Key)]
    assert [key.key for key in keys] == ["a", "up"]
    assert list(parser.tick()) == []
    assert issubclass(ParseError, Exception)
    list(parser.feed(""))  # end of input: the parser is done with it
    with pytest.raises((EOFError, ParseError)):  # what the driver's loop catches at its end
        list(parser.feed(""))


class _Keys(Screen[None]):
    BINDINGS = [Binding("x", "app.quit", "Quit"), Binding("y", "app.bell", "Bell")]

    def __init__(self) -> None:
        super().__init__()
        rebind(self, lambda bindings: translate_bindings(
            BindingsMap.from_keys({key: found for key, found in bindings.key_to_bindings.items() if key != "y"}),
            {"Quit": "Salir"}.get))  # type: ignore[arg-type]


class _KeysApp(App[None]):
    def get_default_screen(self) -> Screen[None]:
        return _Keys()


async def test_rebound_bindings_are_the_ones_textual_shows_and_runs() -> None:
    """The Footer, the key panel and the palette read a node's ``_bindings``: rewritten after
    Textual built them, they are what a person sees and what keys do."""
    app = _KeysApp()
    async with app.run_test() as pilot:
        shown = {binding.key: binding.description for (_, binding, _, _) in app.screen.active_bindings.values()
                 if binding.key in ("x", "y")}
        assert shown == {"x": "Salir"}
        await pilot.press("y")  # gone with its binding
        assert app.is_running
        await pilot.press("x")
        assert not app.is_running
