"""Every level of the countdown readable (issue 12, item 8): the digits at least 4.5:1 against
their background (WCAG AA), computed from the theme as Textual composes it, in truecolor and
once reduced to the 256-colour palette; and the levels tell apart without colour."""

from __future__ import annotations

import pytest
from rich.color import Color as RichColor
from rich.color import ColorSystem
from textual.color import Color
from textual.widgets import Digits
from tui_helpers import label_text, let_time_pass

from moderator.session.snapshot import Level
from moderator.tui.widgets import Countdown

MINIMUM = 4.5


def luminance(color: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: tuple[int, int, int], other: tuple[int, int, int]) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def in_256_colours(color: Color) -> tuple[int, int, int]:
    triplet = RichColor.from_rgb(color.r, color.g, color.b).downgrade(ColorSystem.EIGHT_BIT).get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def digits_colours(app) -> tuple[Color, Color]:
    """The digits' colour over the background they are drawn on, as Textual composes them."""
    _, _, background, color = app.query_one(Digits).colors
    return color, background


@pytest.mark.parametrize("seconds,level", [(0, Level.OK), (60 * 8 + 30, Level.WARN),
                                           (60 * 9 + 40, Level.DANGER), (60 * 11, Level.OVER)])
async def test_every_level_is_readable_in_truecolor_and_256_colours(make_app, clock, seconds, level):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "n", "n", "n")  # a 10-minute speaker
        await let_time_pass(pilot, clock, seconds)
        assert app.query_one(Countdown).level == level.value
        color, background = digits_colours(app)
        truecolor = contrast(color.rgb, background.rgb)
        reduced = contrast(in_256_colours(color), in_256_colours(background))
        assert truecolor >= MINIMUM, f"{level}: {color.hex} on {background.hex} is {truecolor:.2f}:1"
        assert reduced >= MINIMUM, f"{level} in 256 colours: {reduced:.2f}:1"


async def test_levels_differ_in_words_not_colour_only(make_app, clock):
    app = make_app()
    said = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "n", "n", "n")
        for step in (0, 60 * 8 + 30, 60, 90):  # ok, warn, danger, over
            await let_time_pass(pilot, clock, step)
            said.append(label_text(pilot, "#countdown-text").split(" ")[0])
    assert len(set(said)) == 4, said


def test_the_contrast_is_computed_right():
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert round(contrast((118, 118, 118), (255, 255, 255)), 1) == 4.5
