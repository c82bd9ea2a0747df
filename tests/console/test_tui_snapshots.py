"""What the console looks like, pinned as SVG snapshots at the sizes moderators use: 80x24
(beside Zoom), 100x30, 120x40 and 200x60, in an English session (the GSEF workshop) and a
Spanish one (DIESIS), in the states a moderator must read at a glance.

The fake clock starts at the workshop's printed start and the wall time is frozen, so the
pictures are the same on every machine. Update with ``pytest --snapshot-update`` and
review the SVGs by eye before committing them.
"""

from __future__ import annotations

import pytest

from tests.conftest import SESSIONS, WORKSHOP
from tests.tui_helpers import let_time_pass, type_text

SIZES = [pytest.param(size, id=f"{size[0]}x{size[1]}") for size in ((80, 24), (100, 30), (120, 40), (200, 60))]
SESSIONS_BY_LANGUAGE = {"en": WORKSHOP, "es": SESSIONS / "gsef2021-diesis-es.toml"}


async def _quiet(pilot) -> None:
    pilot.app.clear_notifications()
    await pilot.pause()


async def _go_to_kind(pilot, clock, kind: str) -> None:
    """Start, then move on (five minutes a segment) until a segment of ``kind`` runs."""
    await pilot.press("space")
    while pilot.app.engine.snapshot().segment.kind != kind:
        await let_time_pass(pilot, clock, 300)
        await pilot.press("n")


def _before_start(clock):
    async def run(pilot):
        await _quiet(pilot)

    return run


def _speaker_in_warn(clock):
    async def run(pilot):
        await _go_to_kind(pilot, clock, "speaker")
        await let_time_pass(pilot, clock, pilot.app.engine.snapshot().remaining - 100)
        await pilot.press("i")
        await type_text(pilot, "SSEGOV links 60 local governments")
        await pilot.press("enter")
        await type_text(pilot, '"Cooperation is our infrastructure"')
        await pilot.press("enter", "escape")
        await _quiet(pilot)

    return run


def _overtime(clock):
    async def run(pilot):
        await _go_to_kind(pilot, clock, "speaker")
        await pilot.press("n")
        await let_time_pass(pilot, clock, pilot.app.engine.snapshot().remaining + 95)
        await _quiet(pilot)

    return run


def _discussion(clock):
    """The question to ask next is the programme's longest one when it can be."""
    async def run(pilot):
        await _go_to_kind(pilot, clock, "discussion")
        await let_time_pass(pilot, clock, 200)
        programme = pilot.app.programme
        questions = [q for r in programme.rounds for q in r.questions]
        longest = max(range(len(questions)), key=lambda i: len(questions[i]))
        await pilot.press(*["a"] * min(longest, len(questions) - 1))
        await pilot.press("i")
        await type_text(pilot, "! governments should co-fund the networks")
        await pilot.press("enter", "escape")
        await _quiet(pilot)

    return run


def _long_next_title(clock):
    """The segment before the one with the longest title (with its speaker): "Next" must keep
    the name and the duration."""
    async def run(pilot):
        programme = pilot.app.programme
        target = max(programme.segments[1:], key=lambda s: len(s.title) + len(programme.segment_speakers(s)) * 20)
        await pilot.press("space")
        while pilot.app.engine.state.current < target.index - 1:
            await let_time_pass(pilot, clock, 120)
            await pilot.press("n")
        await let_time_pass(pilot, clock, 60)
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
    "long_next": _long_next_title,
    "ended": _ended,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("language", list(SESSIONS_BY_LANGUAGE))
def test_console_snapshot(snap_compare, make_app, clock, language, state, size):
    app = make_app(SESSIONS_BY_LANGUAGE[language])
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


async def _blackout_and_message(pilot) -> None:
    """Issue 25: the stage dark and a message on it, set with ``m`` as a moderator does."""
    app = pilot.app
    await pilot.press("space", "m")
    labels = [label for label, _ in app.screen.choices]
    await pilot.press(*["down"] * labels.index("“Por favor, vaya terminando”"), "enter")
    await pilot.press("m")
    labels = [label for label, _ in app.screen.choices]
    await pilot.press(*["down"] * next(i for i, label in enumerate(labels) if label.startswith("■")), "enter")
    await _quiet(pilot)


def test_the_stage_blacked_out_shows_on_the_console_at_80x24_in_spanish(snap_compare, make_app, clock):
    """Issue 25: after "black out the stage" the console says so, at the smallest size, in Spanish."""

    async def run(pilot):
        await _blackout_and_message(pilot)
        assert pilot.app.engine.state.blackout

    assert snap_compare(make_app(SESSIONS_BY_LANGUAGE["es"]), terminal_size=(80, 24), run_before=run)
