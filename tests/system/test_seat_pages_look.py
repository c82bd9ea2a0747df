"""The rapporteur's page and the co-moderator's controller as people see them, on a laptop (1280x800)
and a phone (390x844): nothing wider than the screen, every text at a contrast of 4.5:1 at least,
every button a touch target of 40 px or more, every control reachable with Tab.

``MODERATOR_UPDATE_SCREENSHOTS=1`` also writes ``docs/rapporteur-1280.png``, ``docs/rapporteur-phone.png``,
``docs/controller-1280.png`` and ``docs/controller-phone.png``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from helpers_engine import ROOT, WORKSHOP_PATH
from page_helpers import TOKENS, start_host
from seat_helpers import free_port, start_seat

from moderator.share.tokens import Role
from tests.browser import Chromium, find_chromium

pytestmark = [
    pytest.mark.system,
    pytest.mark.skipif(find_chromium() is None, reason="needs a headless Chromium (apt install chromium)"),
]

DISCUSSION = 7

CONTRAST = """(() => {
  const channel = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const rgba = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const [r, g, b, a = 1] = rgba(getComputedStyle(e).backgroundColor);
      if (a > 0.5) return [r, g, b];
    }
    return [0, 0, 0];
  };
  const worst = [];
  for (const element of document.querySelectorAll('body *')) {
    const own = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const style = getComputedStyle(element);
    if (!own || element.closest('[hidden], [disabled], [aria-disabled="true"], option')
        || style.visibility === 'hidden' || element.getClientRects().length === 0) continue;
    const [a, b] = [luminance(rgba(style.color)), luminance(background(element))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) worst.push(`${element.tagName}#${element.id}.${element.className}: ${ratio.toFixed(2)}`);
  }
  return worst;
})()"""

SMALL_TARGETS = """[...document.querySelectorAll('button, select, input, textarea')]
  .filter((e) => e.getClientRects().length && !e.closest('[hidden], dialog:not([open])'))
  .map((e) => [e.id || e.textContent.trim(), Math.round(e.getBoundingClientRect().height)])
  .filter(([, height]) => height < 40)"""

TAB_REACHES = """(() => {
  const controls = [...document.querySelectorAll('button, select, input, textarea')]
    .filter((e) => e.getClientRects().length && !e.disabled && !e.closest('[hidden], dialog'));
  return controls.filter((e) => { e.focus(); return document.activeElement === e && e.tabIndex >= 0; }).length
    === controls.length;
})()"""


@pytest.fixture
def host(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    port = free_port()
    process = start_host(WORKSHOP_PATH, tmp_path / "out", port)
    try:
        yield port, tmp_path
    finally:
        process.kill()
        process.wait()


async def api(port: int, body: dict[str, Any]) -> None:
    headers = {"Authorization": f"Bearer {TOKENS.token(Role.COMODERATOR)}"}
    async with aiohttp.ClientSession() as session, session.post(
            f"http://127.0.0.1:{port}/api/command", json=body, headers=headers) as response:
        assert response.status == 200, await response.text()


async def check_and_shoot(browser: Chromium, name: str, folder: Path) -> None:
    await browser.evaluate("window.scrollTo(0, 0)")
    await browser.screenshot(folder / f"{name}.png")
    if os.environ.get("MODERATOR_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(folder / f"{name}.png", ROOT / "docs" / f"{name}.png")
    assert await browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "wider than the screen"
    assert await browser.evaluate(CONTRAST) == []
    assert await browser.evaluate(SMALL_TARGETS) == []
    assert await browser.evaluate(TAB_REACHES)


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["laptop", "phone"])
async def test_both_pages_fit_read_and_reach(host: tuple[int, Path], size: tuple[int, int]) -> None:
    port, folder = host
    width, height = size
    suffix = "1280" if width == 1280 else "phone"
    await api(port, {"type": "goto", "args": {"segment": DISCUSSION}})
    await api(port, {"type": "ask_next_question"})
    await api(port, {"type": "message", "args": {"text": "Please wrap up"}})
    ben = start_seat(f"http://127.0.0.1:{port}/rapporteur/{TOKENS.token(Role.RAPPORTEUR)}", "Ben",
                     folder / f"ben-{suffix}", 1, "local budgets make alliances last")
    assert ben.wait(timeout=30) == 0
    async with Chromium.launch(width=width, height=height, profile_dir=folder / f"profile-{suffix}") as browser:
        if width < 500:
            await browser.set_viewport(width, height, mobile=True, scale=1)
        await browser.navigate(f"http://127.0.0.1:{port}/rapporteur/{TOKENS.token(Role.RAPPORTEUR)}")
        await browser.wait_for("!document.getElementById('name-form').hidden")
        await check_and_shoot(browser, f"rapporteur-name-{suffix}", folder)
        await browser.evaluate("document.getElementById('name-input').focus()")
        await browser.type_text("Ana Ruiz")
        await browser.press("Enter")
        await browser.wait_for("document.getElementById('link-state').dataset.state === 'online'")
        for note in ["@kim ! Map the SSE actors of each city", "- start with the municipal budget",
                     "? How do small towns join the network?"]:
            await browser.type_text(note)
            await browser.press("Enter")
        await browser.wait_for("document.getElementById('link-state').textContent.endsWith('all notes saved')")
        await browser.type_text("@ley")
        await browser.wait_for("!document.getElementById('completions').hidden")
        await browser.press("Tab")
        await browser.type_text("public buyers make the difference")
        await browser.wait_for("document.getElementById('preview').textContent.includes('Eric Leyton Inostroza')")
        await check_and_shoot(browser, f"rapporteur-{suffix}", folder)
        assert browser.problems == []

        await browser.navigate(f"http://127.0.0.1:{port}/comoderator/{TOKENS.token(Role.COMODERATOR)}")
        await browser.wait_for("document.getElementById('link-state').dataset.state === 'online'"
                               " && !document.getElementById('next').disabled")
        await browser.wait_for("document.querySelectorAll('#questions button').length > 0")
        await check_and_shoot(browser, f"controller-{suffix}", folder)
        assert browser.problems == []
