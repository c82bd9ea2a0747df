"""The co-moderator's controller in a real headless Chromium against a real host, with the stage page
open in a second browser: next, a message and a blackout pressed on the phone reach the stage page and
the host's engine (what its console shows); a double click moves one segment; end asks first."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from helpers_engine import WORKSHOP_PATH
from page_helpers import TOKENS, start_host
from seat_helpers import free_port

from moderator.session.events import Moved
from moderator.session.journal import read_journal
from moderator.share.tokens import Role
from tests.browser import Chromium, find_chromium

pytestmark = [
    pytest.mark.system,
    pytest.mark.skipif(find_chromium() is None, reason="needs a headless Chromium (apt install chromium)"),
]


DIESIS = WORKSHOP_PATH.parent / "gsef2021-diesis-es.toml"


class Host:
    def __init__(self, out: Path, programme: Path = WORKSHOP_PATH) -> None:
        self.out = out
        self.port = free_port()
        self.process = start_host(programme, out, self.port)

    def url(self, role: Role, page: str | None = None) -> str:
        return f"http://127.0.0.1:{self.port}/{page or role.value}/{TOKENS.token(role)}"

    async def state(self) -> dict[str, Any]:
        """What the host's engine says now: the console shows the same."""
        headers = {"Authorization": f"Bearer {TOKENS.token(Role.COMODERATOR)}"}
        async with aiohttp.ClientSession() as session, session.get(
                f"http://127.0.0.1:{self.port}/api/state", headers=headers) as response:
            answer: dict[str, Any] = await response.json()
            return answer

    def moves(self) -> list[Moved]:
        [journal] = self.out.glob("*/live.journal.jsonl")
        return [event for event in read_journal(journal).events if isinstance(event, Moved)]


@pytest.fixture
def host(tmp_path: Path) -> Iterator[Host]:
    running = Host(tmp_path / "out")
    try:
        yield running
    finally:
        running.process.kill()
        running.process.wait()


@pytest.fixture
async def controller(host: Host) -> AsyncIterator[Chromium]:
    async with Chromium.launch(width=390, height=844) as browser:
        await browser.set_viewport(390, 844, mobile=True, scale=2)
        await browser.navigate(host.url(Role.COMODERATOR))
        await browser.wait_for("document.getElementById('link-state').dataset.state === 'online'"
                               " && !document.getElementById('next').disabled")
        yield browser


async def double_click(browser: Chromium, element_id: str) -> None:
    """Two presses as fast as a finger's double tap (Chromium's own mouse events, a real dblclick)."""
    box = await browser.evaluate(
        f"(() => {{ const r = document.getElementById('{element_id}').getBoundingClientRect();"
        " return [r.x + r.width / 2, r.y + r.height / 2]; })()")
    for count in (1, 2):
        for kind in ("mousePressed", "mouseReleased"):
            await browser.call("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1],
                                                            "button": "left", "clickCount": count})


def text(element_id: str) -> str:
    return f"document.getElementById('{element_id}').textContent"


async def test_next_message_and_blackout_reach_the_stage_and_a_double_click_moves_one_segment(
        host: Host, controller: Chromium) -> None:
    async with Chromium.launch(width=1280, height=800) as stage:
        await stage.navigate(host.url(Role.STAGE))
        await stage.wait_for(f"{text('segment-position')} === '1 / 10'")

        await double_click(controller, "next")
        await stage.wait_for(f"{text('segment-position')} === '2 / 10'")
        await asyncio.sleep(1.0)  # time for a second move, were there one
        assert len(host.moves()) == 1
        assert (await host.state())["segment"]["number"] == 2
        assert await controller.evaluate(text("segment-position")) == "2 / 10"

        await controller.evaluate("[...document.querySelectorAll('.preset')]"
                                  ".find(b => b.textContent.includes('Please wrap up')).click()")
        await stage.wait_for(f"{text('message')} === 'Please wrap up'")
        await controller.wait_for(f"{text('stage-shows')}.includes('Please wrap up')")
        assert (await host.state())["message"]["text"] == "Please wrap up"

        await controller.evaluate("document.getElementById('blackout').click()")
        await stage.wait_for("!document.getElementById('blackout').hidden")
        await controller.wait_for("document.getElementById('blackout').getAttribute('aria-pressed') === 'true'")
        assert (await host.state())["blackout"] is True
        assert stage.problems == []

    # Own words, then the end: asked first, and "cancel" ends nothing.
    await controller.evaluate("document.getElementById('message-input').focus()")
    await controller.type_text("Questions in the chat, please")
    await controller.press("Enter")
    await controller.wait_for(f"{text('stage-shows')}.includes('Questions in the chat, please')")
    await controller.evaluate("document.getElementById('end').click()")
    assert await controller.evaluate("document.getElementById('end-dialog').open")
    await controller.evaluate("document.getElementById('end-no').click()")
    assert (await host.state())["status"] == "running"
    await controller.evaluate("document.getElementById('end').click()")
    await controller.evaluate("document.getElementById('end-yes').click()")
    await controller.wait_for("document.getElementById('next').disabled")
    assert (await host.state())["status"] == "ended"
    assert controller.problems == []


async def test_a_refusal_is_said_to_the_screen_reader(host: Host, controller: Chromium) -> None:
    await controller.evaluate("document.getElementById('previous').click()")  # the first segment: nothing before
    answer = await controller.wait_for(f"{text('answer')}")
    assert "first segment" in answer
    assert await controller.evaluate("document.getElementById('answer').getAttribute('aria-live')") == "polite"


async def test_a_spanish_session_s_pages_show_no_english_word(tmp_path: Path) -> None:
    spanish = Host(tmp_path / "es", DIESIS)
    try:
        async with Chromium.launch(width=1280, height=800) as browser:
            await browser.navigate(spanish.url(Role.COMODERATOR))
            await browser.wait_for("document.documentElement.lang === 'es'")
            words = await browser.evaluate("['toggle', 'previous', 'next', 'goto', 'clear', 'blackout', 'end']"
                                           ".map(id => document.getElementById(id).textContent)")
            assert words == ["‖ Pausar", "◀ Anterior", "Siguiente ▶", "Ir a", "✕ Quitar el mensaje",
                             "■ Poner el escenario en negro", "Terminar la sesión"]
            await browser.navigate(spanish.url(Role.RAPPORTEUR))
            await browser.wait_for("document.documentElement.lang === 'es'")
            assert await browser.evaluate(text("name-label")) == "Su nombre"
            assert await browser.evaluate(text("send")) == "Enviar"
    finally:
        spanish.process.kill()
        spanish.process.wait()


async def test_the_real_console_follows_the_controller_and_shows_the_rapporteur_s_notes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The moderator's own console (the Textual app, sharing on its loop) with both browser seats: a
    press on the controller moves the console, a note from the rapporteur's page shows in its notes."""
    from html import unescape

    from moderator.programme import load_programme
    from moderator.session.clock import SystemClock
    from moderator.session.runs import open_run
    from moderator.share.hosting import ShareOptions
    from moderator.tui.app import ModeratorApp

    monkeypatch.chdir(tmp_path)
    run = open_run(load_programme(WORKSHOP_PATH), Path("reports"), SystemClock(), rehearsal=True)
    app = ModeratorApp(run, share=ShareOptions(port=0, port_given=True))

    def console_text() -> str:
        return unescape(app.export_screenshot()).replace("\xa0", " ")

    async with app.run_test(size=(120, 40)) as pilot, Chromium.launch(width=390, height=844) as browser:
        assert app.sharing is not None, app.sharing_problem
        urls = {link.role: link.url for link in app.sharing.links}
        await pilot.press("space")
        await browser.navigate(urls[Role.COMODERATOR])
        await browser.wait_for("!document.getElementById('next').disabled"
                               " && document.getElementById('segment-position').textContent === '1 / 10'")
        await double_click(browser, "next")
        for _ in range(100):
            await pilot.pause(0.05)
            if app.engine.state.current == 1 and "Introduction of the moderator" in console_text():
                break
        await pilot.pause(0.5)
        assert app.engine.state.current == 1, "a double click moves one segment"
        await browser.evaluate("document.getElementById('blackout').click()")
        await browser.wait_for("document.getElementById('blackout').getAttribute('aria-pressed') === 'true'")
        assert app.engine.state.blackout

        await browser.navigate(urls[Role.RAPPORTEUR])
        await browser.wait_for("!document.getElementById('name-form').hidden")
        await browser.evaluate("document.getElementById('name-input').focus()")
        await browser.type_text("Ana")
        await browser.press("Enter")
        await browser.wait_for("document.getElementById('link-state').dataset.state === 'online'")
        await browser.type_text("the moderator frames the session")
        await browser.press("Enter")
        await browser.wait_for("document.getElementById('link-state').textContent.endsWith('all notes saved')")
        for _ in range(100):
            await pilot.pause(0.05)
            if "the moderator frames the session" in console_text():
                break
        assert "the moderator frames the session" in console_text()
        assert browser.problems == []
