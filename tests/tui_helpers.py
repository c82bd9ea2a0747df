"""Driving the console like a person: type text, let the fake clock run, read the screen."""

from __future__ import annotations

from textual.pilot import Pilot

from moderator.session.clock import FakeClock
from moderator.tui.app import ModeratorApp


async def type_text(pilot: Pilot[None], text: str) -> None:
    """One key a character, as a keyboard sends them (``Pilot.press`` names the characters
    that are not letters or digits: ``space``, ``exclamation_mark``…)."""
    await pilot.press(*text)


async def let_time_pass(pilot: Pilot[None], clock: FakeClock, seconds: float) -> None:
    """Move the fake clock and let the console notice, as its timer would."""
    clock.advance(seconds)
    assert isinstance(pilot.app, ModeratorApp)
    pilot.app.console_screen.tick()
    await pilot.pause()


def label_text(pilot: Pilot[None], selector: str) -> str:
    widget = pilot.app.query_one(selector)
    return str(widget.render())
