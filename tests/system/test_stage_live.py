"""The whole path, as a speaker sees it: a console sharing its session (the real server on the
console's own loop, a real clock) and the stage view in a headless Chromium. The moderator's keys
(space, n, m) change what the page shows; the page's countdown agrees with the console's.

``MODERATOR_UPDATE_SCREENSHOTS=1`` also writes ``docs/stage-1920.png`` and ``docs/stage-phone.png`` (the
README's), taken from this real console.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from pathlib import Path

import pytest
from browser import Chromium, find_chromium

from moderator.host import Host, HostOptions
from moderator.share.options import ShareOptions
from moderator.share.tokens import Role
from moderator.tui.app import ModeratorApp

pytestmark = [
    pytest.mark.system,
    pytest.mark.skipif(find_chromium() is None, reason="needs a headless Chromium (apt install chromium)"),
]

ROOT = Path(__file__).resolve().parents[2]
WORKSHOP = ROOT / "sessions" / "gsef2021-workshop-alliances.toml"


def text_of(element_id: str) -> str:
    return f"document.getElementById({element_id!r}).textContent"


def seconds_shown(text: str) -> int:
    match = re.fullmatch(r"(\+?)(?:(\d+):)?(\d\d):(\d\d)", text)
    assert match, f"not a countdown: {text!r}"
    sign, hours, minutes, secs = match.groups()
    total = int(hours or 0) * 3600 + int(minutes) * 60 + int(secs)
    return -total if sign else total


async def assert_agrees_with_the_console(app: ModeratorApp, browser: Chromium) -> None:
    """The page shows ceil(remaining) of the engine's own reading, within the issue's 0.25 s."""
    before = app.engine.remaining()
    shown = seconds_shown(await browser.evaluate(text_of("countdown")))
    after = app.engine.remaining()
    assert shown - 1 - 0.25 < before and after <= shown + 0.25, (shown, before, after)


async def test_the_stage_view_follows_the_console(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    host = Host(HostOptions(WORKSHOP, rehearsal=True, share=ShareOptions(port=0, port_given=True)))
    app = ModeratorApp(host.run, host=host, report=host.report)
    async with app.run_test(size=(120, 40)) as pilot, Chromium.launch(width=1920, height=1080) as browser:
        assert host.sharing is not None, host.sharing_problem
        await pilot.press("space")
        stage_url = next(link.url for link in host.sharing.links if link.role is Role.STAGE)
        await browser.navigate(stage_url)
        await browser.wait_for(f"{text_of('countdown')} !== '--:--'")
        assert await browser.evaluate(text_of("segment-title")) == "Internet connection check"
        await asyncio.sleep(0.8)  # the clock pings' burst
        await assert_agrees_with_the_console(app, browser)

        await pilot.press("n", "n", "n")  # to Young Kim's talk
        assert await browser.wait_for(f"{text_of('speakers')} === 'Young Kim' && {text_of('speakers')}")
        assert await browser.evaluate(text_of("segment-position")) == "4 / 10"
        assert (await browser.evaluate(text_of("next"))).startswith("Next: ")
        await assert_agrees_with_the_console(app, browser)
        await asyncio.sleep(1.1)
        await assert_agrees_with_the_console(app, browser)  # it counts by itself

        await pilot.press("m", "down", "enter")  # "Please wrap up"
        shown = await browser.wait_for(f"!document.getElementById('message').hidden && {text_of('message')}")
        assert shown == "Please wrap up"
        await pilot.press("minus")  # a minute less: the deadline moves, the page follows
        await browser.wait_for(f"{text_of('countdown')}.startsWith('08:')")
        await assert_agrees_with_the_console(app, browser)
        if os.environ.get("MODERATOR_UPDATE_SCREENSHOTS") == "1":
            await browser.screenshot(tmp_path / "stage-1920.png")
            await browser.set_viewport(390, 844, mobile=True)
            await asyncio.sleep(0.3)
            await browser.screenshot(tmp_path / "stage-phone.png")
            shutil.copyfile(tmp_path / "stage-1920.png", ROOT / "docs" / "stage-1920.png")
            shutil.copyfile(tmp_path / "stage-phone.png", ROOT / "docs" / "stage-phone.png")
        assert browser.problems == []
    host.close()
