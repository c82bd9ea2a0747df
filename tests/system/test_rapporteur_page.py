"""The rapporteur's page in a real headless Chromium against a real host (a process: engine, journal,
web server), through a lost network, reloads, a browser restart and a host killed with SIGKILL.

Each test ends with the host's journal read back: every note typed in the page there exactly once, in
the order typed, with the rapporteur's name and under the right speaker.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from subprocess import Popen
from typing import Any

import aiohttp
import pytest
from helpers_engine import WORKSHOP_PATH
from page_helpers import TOKENS, start_host
from seat_helpers import free_port, start_seat

from moderator.session.events import NoteAdded, ParticipantsSet
from moderator.session.journal import read_journal
from moderator.share.tokens import Role
from tests.browser import BrowserError, Chromium, find_chromium

pytestmark = [
    pytest.mark.system,
    pytest.mark.skipif(find_chromium() is None, reason="needs a headless Chromium (apt install chromium)"),
]

KIM, LEYTON = 3, 4
"""The workshop's segments (0-based) where Young Kim, then Eric Leyton Inostroza, speak."""


class Host:
    """The host as a process, killed and started again on the same run folder and port."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.port = free_port()
        self.process: Popen[str] | None = None
        self.start()

    def start(self) -> None:
        self.process = start_host(WORKSHOP_PATH, self.out, self.port)

    def kill(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            self.process = None

    def url(self, role: Role) -> str:
        return f"http://127.0.0.1:{self.port}/{role.value}/{TOKENS.token(role)}"

    async def command(self, body: dict[str, Any]) -> dict[str, Any]:
        """The co-moderator's HTTP API: what a Stream Deck would send."""
        headers = {"Authorization": f"Bearer {TOKENS.token(Role.COMODERATOR)}"}
        async with aiohttp.ClientSession() as session, session.post(
                f"http://127.0.0.1:{self.port}/api/command", json=body, headers=headers) as response:
            answer: dict[str, Any] = await response.json()
            return answer

    def events(self) -> list[Any]:
        [journal] = self.out.glob("*/live.journal.jsonl")
        return list(read_journal(journal).events)

    def notes(self) -> list[NoteAdded]:
        return [event for event in self.events() if isinstance(event, NoteAdded)]


@pytest.fixture
def host(tmp_path: Path) -> Iterator[Host]:
    running = Host(tmp_path / "out")
    try:
        yield running
    finally:
        running.kill()


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[Chromium]:
    async with Chromium.launch(width=390, height=844, profile_dir=tmp_path / "profile") as chromium:
        yield chromium


def state_of(browser: Chromium) -> Any:
    return browser.evaluate("document.getElementById('link-state').textContent")


async def open_page(browser: Chromium, host: Host, name: str | None = "Ana") -> None:
    await browser.navigate(host.url(Role.RAPPORTEUR))
    if name is not None:
        await browser.wait_for("!document.getElementById('name-form').hidden")
        await browser.evaluate("document.getElementById('name-input').focus()")
        await browser.type_text(name)
        await browser.press("Enter")
    await browser.wait_for("document.getElementById('link-state')?.dataset.state === 'online'", timeout=15)


async def type_note(browser: Chromium, text: str) -> None:
    """As a person does: focus the box, type, press Enter."""
    await browser.evaluate("document.getElementById('note-input').focus()")
    await browser.type_text(text)
    await browser.press("Enter")


async def all_saved(browser: Chromium, timeout: float = 20.0) -> None:
    await browser.wait_for("document.getElementById('link-state').textContent.endsWith('all notes saved')", timeout)


def assert_exactly_once(host: Host, typed: list[str]) -> list[NoteAdded]:
    notes = host.notes()
    texts = [note.text for note in notes]
    assert texts == typed, f"journal {texts} != typed {typed}"
    assert {note.author for note in notes} == {"Ana"}
    assert len({note.seat for note in notes}) == 1 and notes[0].seat
    return notes


async def test_notes_of_every_kind_then_offline_reload_and_back_online(host: Host, browser: Chromium) -> None:
    assert (await host.command({"type": "goto", "args": {"segment": KIM}}))["ok"]
    await open_page(browser, host)
    assert "Young Kim" in await browser.evaluate("document.getElementById('speakers').textContent")

    # The preview says where a note lands before it is sent, from the host's own parser.
    await browser.evaluate("document.getElementById('note-input').focus()")
    await browser.type_text("! @leyton public buyers")
    preview = await browser.wait_for(
        "document.getElementById('preview').textContent.includes('Eric Leyton Inostroza')"
        " && document.getElementById('preview').textContent")
    assert "action" in preview
    await browser.evaluate("document.getElementById('note-input').value = ''")

    # @ completion: "@ley" offers Eric Leyton Inostroza; Tab takes it.
    await browser.type_text("@ley")
    await browser.wait_for("!document.getElementById('completions').hidden")
    await browser.press("Tab")
    assert await browser.evaluate("document.getElementById('note-input').value") == "@leyton "
    await browser.evaluate("document.getElementById('note-input').value = ''")

    online = [
        "Kim opened with local budgets",
        "! Map the SSE actors of each city",
        "? How do small towns join the network?",
        "> Alliances outlive elections",
        "- budgets come first",
        "@leyton work integration needs public buyers",
    ]
    for text in online:
        await type_note(browser, text)
    await type_note(browser, "participants: 42")
    await all_saved(browser)
    assert [event.count for event in host.events() if isinstance(event, ParticipantsSet)] == [42]
    await browser.wait_for(  # newest first
        "document.querySelector('#notes .note-text').textContent === 'work integration needs public buyers'")

    await browser.set_offline(True)
    await browser.wait_for("document.getElementById('link-state').dataset.state === 'offline'")
    offline = ["typed offline one", "typed offline two", "typed offline three"]
    for text in offline:
        await type_note(browser, text)
    assert await state_of(browser) == "offline: 3 waiting"
    await browser.wait_for("document.querySelectorAll('#notes .note.waiting').length === 3")
    # Meanwhile the moderator moves on: the notes typed about Young Kim stay with her.
    assert (await host.command({"type": "next"}))["ok"]

    with contextlib.suppress(BrowserError):  # offline, the reload itself fails: the notes wait in storage
        await browser.navigate(host.url(Role.RAPPORTEUR))
    await browser.wait_for("location.href.startsWith('chrome-error:')")
    await browser.set_offline(False)
    await open_page(browser, host, name=None)  # the name is remembered
    await all_saved(browser)

    notes = assert_exactly_once(host, [
        "Kim opened with local budgets", "Map the SSE actors of each city", "How do small towns join the network?",
        "Alliances outlive elections", "budgets come first", "work integration needs public buyers", *offline,
    ])
    assert [note.kind.value for note in notes[:4]] == ["note", "action", "question", "quote"]
    assert notes[4].level == 1
    assert [note.speaker for note in notes] == ["kim"] * 5 + ["leyton"] + ["kim"] * 3
    assert {note.segment for note in notes} == {KIM}
    # Offline, Chromium logs each failed reconnection; nothing else went wrong.
    assert [problem for problem in browser.problems if "ERR_INTERNET_DISCONNECTED" not in problem] == []


async def test_own_notes_corrected_and_deleted_and_others_shown_with_their_author(host: Host,
                                                                                 browser: Chromium) -> None:
    assert (await host.command({"type": "goto", "args": {"segment": KIM}}))["ok"]
    await open_page(browser, host)
    await type_note(browser, "! first thoughts on budgets")
    await type_note(browser, "to be deleted")
    await all_saved(browser)
    first, second = host.notes()

    await browser.evaluate(f"document.getElementById('correct-{first.id}').click()")
    await browser.wait_for(f"!!document.getElementById('edit-{first.id}')")
    assert await browser.evaluate(f"document.getElementById('edit-{first.id}').value") == "! first thoughts on budgets"
    await browser.evaluate(f"document.getElementById('edit-{first.id}').value = '! budgets, corrected'")
    await browser.evaluate(f"document.getElementById('edit-{first.id}').focus()")
    await browser.press("Enter")
    await browser.evaluate(f"document.getElementById('delete-{second.id}').click()")
    await browser.evaluate(f"document.getElementById('delete-{second.id}').click()")  # armed, then confirmed
    await browser.wait_for("document.querySelectorAll('#notes .note').length === 1")
    await all_saved(browser)
    await browser.wait_for("document.querySelector('#notes .note-text').textContent === 'budgets, corrected'")
    assert "saved" in await browser.evaluate("document.getElementById('announce').textContent")

    # A note from another seat (the terminal's rapporteur, Ben) shows with his name and no buttons.
    seat = start_seat(f"http://127.0.0.1:{host.port}/rapporteur/{TOKENS.token(Role.RAPPORTEUR)}", "Ben",
                      host.out.parent / "ben-state", 1, "from-ben")
    try:
        assert seat.wait(timeout=30) == 0
    finally:
        seat.kill()
    await browser.wait_for(
        "[...document.querySelectorAll('#notes .note-meta')].some(e => e.textContent.includes('Ben'))")
    buttons = await browser.evaluate(
        "[...document.querySelectorAll('#notes .note')].filter(e => e.textContent.includes('from-ben-0'))"
        ".map(e => e.querySelectorAll('button').length)")
    assert buttons == [0]


async def test_host_killed_and_restarted_with_notes_pending(host: Host, browser: Chromium) -> None:
    assert (await host.command({"type": "goto", "args": {"segment": KIM}}))["ok"]
    await open_page(browser, host)
    await type_note(browser, "before the crash")
    await all_saved(browser)
    host.kill()
    await browser.wait_for("document.getElementById('link-state').dataset.state === 'offline'")
    pending = ["while the host is down one", "while the host is down two", "- and a sub-point"]
    for text in pending:
        await type_note(browser, text)
    assert await state_of(browser) == "offline: 3 waiting"
    await asyncio.sleep(0.5)
    host.start()
    await all_saved(browser)
    notes = assert_exactly_once(host, ["before the crash", "while the host is down one", "while the host is down two",
                                       "and a sub-point"])
    assert [note.speaker for note in notes] == ["kim"] * 4


async def test_browser_restarted_with_notes_pending(host: Host, tmp_path: Path) -> None:
    """Closed with notes waiting (offline); opened again later: they are sent, once."""
    profile = tmp_path / "kept-profile"
    async with Chromium.launch(width=1280, height=800, profile_dir=profile) as browser:
        await open_page(browser, host)
        await browser.set_offline(True)
        await browser.wait_for("document.getElementById('link-state').dataset.state === 'offline'")
        await type_note(browser, "typed before the browser closed")
        await type_note(browser, "and another")
        assert await state_of(browser) == "offline: 2 waiting"
    assert host.notes() == []
    async with Chromium.launch(width=1280, height=800, profile_dir=profile) as browser:
        await open_page(browser, host, name=None)
        await all_saved(browser)
    assert_exactly_once(host, ["typed before the browser closed", "and another"])
    shutil.rmtree(profile, ignore_errors=True)


async def test_a_host_that_lost_its_seats_asks_before_the_page_joins_as_a_new_seat(host: Host,
                                                                                   browser: Chromium) -> None:
    """The run's seats file gone (the host refuses the page's identity, 4403): the page says so, keeps
    its waiting notes, and sends them once the rapporteur chooses to join again as a new seat."""
    await open_page(browser, host)
    await type_note(browser, "saved as the first seat")
    await all_saved(browser)
    host.kill()
    for seats in host.out.glob("*/*.seats.json"):
        seats.unlink()
    await type_note(browser, "waiting while the host is away")
    host.start()
    await browser.wait_for("!document.getElementById('seat-unknown').hidden", timeout=20)
    assert await state_of(browser) == "offline: 1 waiting"
    await browser.evaluate("document.getElementById('join-again').click()")
    await all_saved(browser)
    notes = host.notes()
    assert [note.text for note in notes] == ["saved as the first seat", "waiting while the host is away"]
    assert notes[0].seat != notes[1].seat and {note.author for note in notes} == {"Ana"}


class FreezingProxy:
    """Loopback TCP between the browser and the host that can go silent without closing anything, as
    a laptop's connections are after a sleep (or behind a NAT that forgot them): connections open while
    frozen carry nothing ever again; new ones, once thawed, work."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.port = 0
        self.frozen: set[asyncio.Task[None]] = set()
        self.live: set[asyncio.Task[None]] = set()
        self.server: asyncio.Server | None = None

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    def freeze(self) -> None:
        self.frozen |= self.live
        self.live = set()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        tasks: set[asyncio.Task[None]] = set()

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await source.read(65536):
                    if any(task in self.frozen for task in tasks):
                        continue  # swallowed: the other side never hears of it, nor of a close
                    sink.write(data)
                    await sink.drain()

        tasks.update({asyncio.ensure_future(pipe(reader, up_writer)),
                      asyncio.ensure_future(pipe(up_reader, writer))})
        self.live |= tasks
        await asyncio.gather(*tasks, return_exceptions=True)

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        for task in self.frozen | self.live:
            task.cancel()


async def test_a_connection_gone_silent_after_a_sleep_is_dropped_and_the_notes_resent(host: Host,
                                                                                       browser: Chromium) -> None:
    """No close, no error, no 'offline' event: the socket just carries nothing (a laptop waking from
    sleep). The page notices the silence, reconnects, and what it typed meanwhile lands once."""
    proxy = FreezingProxy(host.port)
    await proxy.start()
    try:
        await browser.navigate(f"http://127.0.0.1:{proxy.port}/rapporteur/{TOKENS.token(Role.RAPPORTEUR)}")
        await browser.wait_for("!document.getElementById('name-form').hidden")
        await browser.evaluate("document.getElementById('name-input').focus()")
        await browser.type_text("Ana")
        await browser.press("Enter")
        await all_saved(browser)
        await type_note(browser, "before the sleep")
        await all_saved(browser)
        proxy.freeze()
        await type_note(browser, "typed into a dead connection one")
        await type_note(browser, "typed into a dead connection two")
        assert await state_of(browser) == "online · 2 waiting"
        await all_saved(browser, timeout=45)
    finally:
        await proxy.stop()
    assert_exactly_once(host, ["before the sleep", "typed into a dead connection one",
                               "typed into a dead connection two"])
