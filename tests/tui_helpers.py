"""Driving the console like a person: type text, let the fake clock run, read the screen."""

from __future__ import annotations

import html
import re

from textual.app import App
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


def screen_lines(app: App[None]) -> list[str]:
    """The screen as lines of text, from the SVG export (one ``<text>`` per styled run; the
    window title the export adds on top is left out)."""
    svg = app.export_screenshot()
    rows: dict[str, list[str]] = {}
    for y, body in re.findall(r'<text[^>]*\by="([0-9.]+)"[^>]*>(.*?)</text>', svg, flags=re.S):
        rows.setdefault(y, []).append(html.unescape(re.sub(r"<[^>]+>", "", body)))
    lines = ["".join(parts).replace("\u00a0", " ") for _, parts in sorted(rows.items(), key=lambda r: float(r[0]))]
    return lines[1:] if lines and lines[0].strip() in (app.title, app.TITLE) else lines


def screen_text(app: App[None]) -> str:
    """The screen's words with line breaks and borders folded into spaces: what a reader
    sees, to look for a sentence that wraps."""
    text = " ".join(re.sub(r"[\u2500-\u259f]", " ", line) for line in screen_lines(app))
    return re.sub(r"\s+", " ", text)
