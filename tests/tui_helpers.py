"""Driving the console like a person: type text, let the fake clock run, read the screen."""

from __future__ import annotations

from textual.keys import _character_to_key
from textual.pilot import Pilot

from moderator.session.clock import FakeClock


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*(_character_to_key(char) for char in text))


async def let_time_pass(pilot: Pilot, clock: FakeClock, seconds: float) -> None:
    """Move the fake clock and let the console notice, as its interval timer would."""
    clock.advance(seconds)
    pilot.app.tick()  # type: ignore[attr-defined]
    await pilot.pause()


def label_text(pilot: Pilot, selector: str) -> str:
    widget = pilot.app.query_one(selector)
    return str(widget.render())
