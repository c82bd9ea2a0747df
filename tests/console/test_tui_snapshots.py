"""What the console looks like, pinned as SVG snapshots at 80x24 (beside Zoom) and 120x40.

The fake clock starts at the workshop's printed start and the wall time is frozen, so the
pictures are the same on every machine. Update with ``pytest --snapshot-update`` and
review the SVGs by eye before committing them.
"""

from __future__ import annotations

import pytest

from tests.tui_helpers import let_time_pass, type_text

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


async def _quiet(pilot) -> None:
    pilot.app.clear_notifications()
    await pilot.pause()


def _before_start(clock):
    async def run(pilot):
        await _quiet(pilot)

    return run


def _speaker_in_warn(clock):
    async def run(pilot):
        await pilot.press("space", "n", "n", "n")
        await let_time_pass(pilot, clock, 8 * 60 + 20)
        await pilot.press("i")
        await type_text(pilot, "SSEGOV links 60 local governments")
        await pilot.press("enter")
        await type_text(pilot, '"Cooperation is our infrastructure"')
        await pilot.press("enter", "escape")
        await _quiet(pilot)

    return run


def _overtime(clock):
    async def run(pilot):
        await pilot.press("space", "n", "n", "n", "n")
        await let_time_pass(pilot, clock, 10 * 60 + 95)
        await _quiet(pilot)

    return run


def _discussion(clock):
    async def run(pilot):
        await pilot.press("space")
        for _ in range(7):
            await let_time_pass(pilot, clock, 300)
            await pilot.press("n")
        await let_time_pass(pilot, clock, 200)
        await pilot.press("a", "a")
        await pilot.press("i")
        await type_text(pilot, "@kim ! governments should co-fund the networks")
        await pilot.press("enter", "escape")
        await _quiet(pilot)

    return run


def _ended(clock):
    async def run(pilot):
        await pilot.press("space")
        for segment in pilot.app.programme.segments[:-1]:
            await let_time_pass(pilot, clock, segment.duration)
            await pilot.press("n")
        await let_time_pass(pilot, clock, 240)
        await pilot.press("e", "y")
        await _quiet(pilot)

    return run


STATES = {
    "before_start": _before_start,
    "speaker_warn": _speaker_in_warn,
    "overtime": _overtime,
    "discussion": _discussion,
    "ended": _ended,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", list(STATES))
def test_console_snapshot(snap_compare, make_app, clock, state, size):
    app = make_app()
    assert snap_compare(app, terminal_size=size, run_before=STATES[state](clock))


LONG_NOTE = ("SSEGOV links sixty local governments across Korea; members share procurement rules, "
             "co-fund training for social enterprises, publish an atlas of SSE actors city by city, "
             "and send officers abroad to learn from Chile, Uganda and Barcelona; small towns say "
             "the network gives them skills they cannot buy.")


def test_a_300_character_note_shows_whole_at_80x24(snap_compare, make_app, clock):
    """Issue 11: every character of a long note, wrapped at the panel's own width."""
    assert len(LONG_NOTE) == 300

    async def run(pilot):
        await pilot.press("space", "n", "n", "n", "i")
        await type_text(pilot, LONG_NOTE)
        await pilot.press("enter", "escape")
        await _quiet(pilot)
        shown = " ".join(line.text.strip() for line in pilot.app.query_one("#notes-log").lines)
        assert " ".join(LONG_NOTE.split()) in " ".join(shown.split())

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run)
