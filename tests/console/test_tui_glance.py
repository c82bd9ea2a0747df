"""The moderator's glance (issue 12): what a moderator must read is never cut or covered, at
the sizes they use, and the keys do what they say. Each test drives the console as the issue
describes the failure."""

from __future__ import annotations

import re

import pytest
from conftest import SESSIONS, WORKSHOP
from rich.text import Text
from textual.geometry import Region
from textual.widgets import Footer
from textual.widgets._toast import Toast
from tui_helpers import label_text, let_time_pass, screen_lines, screen_text

from moderator.session.snapshot import SegmentStatus
from moderator.tui.widgets import Countdown

SUBTHEME = SESSIONS / "gsef2021-subtheme-5.toml"
DIESIS = SESSIONS / "gsef2021-diesis-es.toml"


async def _to_kind(pilot, clock, kind: str, after: int = 0) -> None:
    await pilot.press("space")
    seen = 0
    for _ in pilot.app.programme.segments:
        if pilot.app.engine.snapshot().segment.kind == kind:
            if seen == after:
                return
            seen += 1
        await let_time_pass(pilot, clock, 120)
        await pilot.press("n")
    raise AssertionError(f"no {kind} segment number {after + 1}")


def assert_whole(app, selector: str) -> None:
    """The widget has the rows its wrapped text needs, and they are inside its panel."""
    widget = app.query_one(selector)
    lines = Text(str(widget.render())).wrap(app.console, widget.content_size.width)
    assert widget.content_size.height >= len(lines), (selector, len(lines), widget.content_size)
    assert widget.region.bottom <= widget.parent.region.bottom, "not pushed out of its panel"


async def test_the_question_to_ask_is_whole_beside_zoom(make_app, clock):
    """80x24, sub-theme 5, three ``a``: "Ask next (Round 1, 4/5)" ended at "…and promoting"."""
    app = make_app(SUBTHEME)
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_kind(pilot, clock, "discussion")
        await pilot.press("a", "a", "a")
        round_id, index = app.engine.state.current_question
        question = app.programme.round(round_id).questions[index + 1]
        assert question.endswith("exchanges among its members?")
        assert question in screen_text(app)


async def test_the_main_question_is_whole_at_100x30(make_app, clock):
    """DIESIS at 100x30: the main question ended at "un mundo mejor y más"."""
    app = make_app(DIESIS)
    async with app.run_test(size=(100, 30)) as pilot:
        await _to_kind(pilot, clock, "discussion")
        assert "un mundo mejor y más inclusivo?" in screen_text(app)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
async def test_next_keeps_the_speaker_and_the_duration(make_app, clock, size):
    """"Next: ACCIÓ: red pública exterior … socios internacionales —" lost "Paula (10:00)"."""
    app = make_app(DIESIS)
    async with app.run_test(size=size) as pilot:
        await pilot.press("space")
        programme = app.programme
        target = max(programme.segments[1:], key=lambda s: len(s.title) * bool(s.speaker_ids))
        while app.engine.state.current < target.index - 1:
            await pilot.press("n")
        name = programme.segment_speakers(target)[0].name
        said = label_text(pilot, "#next-up")
        assert target.title in said and name in said and "(10:00)" in said
        assert_whole(app, "#next-up")


async def test_eleven_minus_make_one_toast_and_none_covers_the_countdown(make_app, clock):
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("space", "n", "n", "n")  # a 10-minute speaker
        await let_time_pass(pilot, clock, 30)
        await pilot.press(*["minus"] * 11)
        await pilot.pause()
        toasts = list(app.screen.query(Toast))
        said = app.console_screen.toasts.messages
        assert said[-1] == "no time left to take off this segment", said
        history = list(app.console_screen.toasts.history)
        assert history[-2] == "−09:30 on this segment", "the presses add up in one toast"
        assert len(toasts) <= 2, "repeated presses are one toast, not eleven"
        countdown = app.query_one(Countdown).region
        assert all(not toast.region.overlaps(countdown) for toast in toasts)
        assert app.engine.snapshot().segment_allowed == 30, "time off only down to what was used"


async def test_a_level_toast_goes_with_its_segment(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "n", "n", "n")
        await let_time_pass(pilot, clock, 9 * 60 + 31)  # "00:29 left"
        assert any("left" in message for message in app.console_screen.toasts.messages)
        await pilot.press("n")
        await pilot.pause()
        assert not any("left" in message for message in app.console_screen.toasts.messages)


async def test_no_toast_over_an_open_picker(make_app, clock):
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("space", "minus", "c")
        await pilot.press("g")
        await pilot.pause()
        assert list(app.screen.query(Toast)) == []
        assert app.console_screen.toasts.messages == []


@pytest.mark.parametrize("size", [(80, 24), (60, 20), (100, 30)])
async def test_rehearsal_is_unmistakable_and_clocks_are_whole(make_app, clock, size):
    """Four zones at 80x24 pushed the banner off; at 60x20 the clocks were cut mid-word."""
    app = make_app(SUBTHEME, rehearsal=True)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        top = screen_lines(app)[0]
        assert top.lstrip().startswith("REHEARSAL")
        assert "Sub-theme" in top, "the title keeps at least its first words"
        clocks = re.findall(r"\d\d:\d\d [A-Z][A-Za-z ]*[a-zA-Z]", top)
        assert clocks, top
        zones = ("Mexico City", "UTC", "Madrid", "Seoul")
        assert all(clock_.split(" ", 1)[1] in zones for clock_ in clocks), "no zone is cut"


async def test_space_answers_on_the_same_frame(make_app, clock):
    """"press space to start" stayed up to a second after space, inviting a second press."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        assert "space" not in label_text(pilot, "#countdown-text")
        assert "left" in label_text(pilot, "#countdown-text")


async def test_p_does_not_tick_the_segment_left(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "n")
        await let_time_pass(pilot, clock, 5)
        await pilot.press("p")
        assert app.engine.snapshot().timings[1].status is SegmentStatus.UPCOMING
        assert str(app.query_one("#agenda").get_cell("1", "status")) != "✓"


async def test_boxes_keep_their_place_between_segments(make_app, clock):
    """At 120x40 the boxes moved down 1-3 rows when the speaker card grew."""
    app = make_app(DIESIS)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        places = set()
        for _ in range(len(app.programme.segments) - 1):
            places.add(tuple(app.query_one(selector).region.y for selector in ("#next-up", "#pace", "#lower")))
            await pilot.press("n")
        assert len(places) == 1, places


async def test_at_200x60_the_countdown_and_the_agenda_get_the_room(make_app, clock):
    app = make_app()
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press("space")
        assert app.query_one("#now-panel").region.width > 60
        assert app.query_one(Countdown).region.height > 6
        assert app.query_one("#agenda-panel").region.height > 20


async def test_questions_follow_the_round_and_are_numbered_across_rounds(make_app, clock):
    app = make_app(WORKSHOP)
    async with app.run_test(size=(120, 40)) as pilot:
        await _to_kind(pilot, clock, "discussion")
        await pilot.press("a", "a", "a")  # the first round's two, then the second round's first
        panel = app.query_one("#questions-panel")
        assert panel.scroll_y > 0, "the panel shows the current round"
        assert " 3. " in label_text(pilot, "#questions") and " 4. " in label_text(pilot, "#questions")
        assert "question 4" in label_text(pilot, "#now-card")
        top = panel.scroll_y
        await pilot.press("pageup")
        assert panel.scroll_y < top, "pageup scrolls the questions"


async def _footer_keys(pilot) -> dict[str, Region]:
    """The Footer's keys and where they are, once it has laid them out (it composes them
    after the bindings are ready, and again when they change)."""
    shown: dict[str, Region] = {}
    for _ in range(50):
        await pilot.pause(0.02)
        shown = {str(key.key_display): key.region for key in pilot.app.query_one(Footer).query("FooterKey")}
        if shown and all(region.width for region in shown.values()):
            break
    return shown


ESSENTIAL = ("space", "n", "p", "+", "-", "i", "a", "g", "c", "e")


@pytest.mark.parametrize("language", ["en", "es", "fr"])
async def test_the_footer_shows_the_essential_keys_at_80_columns(make_app, clock, language):
    app = make_app(language=language)
    async with app.run_test(size=(80, 24)) as pilot:
        shown = await _footer_keys(pilot)
        for key in ESSENTIAL:
            assert key in shown, (key, list(shown))
            assert shown[key].right <= 80 and shown[key].width > 0, key
            assert all(not shown[key].overlaps(region) for other, region in shown.items() if other != key), key
        await pilot.press("i")
        typing = set(await _footer_keys(pilot))
        assert not typing & {"space", "n", "p", "+", "-", "a", "g", "c", "e"}, "keys that type text are hidden"


async def test_dialogs_show_their_whole_text(make_app, clock):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "ctrl+q")
        await pilot.pause()
        assert "run the same command again to resume where you are." in screen_text(app)


async def test_labels_do_not_repeat_and_the_end_has_no_next(make_app, clock):
    app = make_app(SUBTHEME)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        assert "Connection check 1/" not in label_text(pilot, "#now-card"), "the title already says it"
        await pilot.press("e", "y")
        assert "end of session" not in label_text(pilot, "#next-up")
