"""Keys ``m`` (a message, flash or blackout on the stage view) and ``s`` (the links), driven by Pilot;
and a console sharing its session: the server runs on the console's own loop, a remote command
redraws the console as a key would."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
from textual.widgets import Static
from tui_helpers import type_text

from moderator.programme import load_programme
from moderator.session.clock import FakeClock
from moderator.session.runs import open_run
from moderator.share.hosting import ShareOptions
from moderator.share.links import qr_text
from moderator.share.tokens import Role
from moderator.tui.app import ModeratorApp
from moderator.tui.share_screen import ShareScreen
from moderator.tui.stage_messages import StageMessagePicker

pytestmark = pytest.mark.console

WORKSHOP = Path(__file__).resolve().parents[2] / "sessions" / "gsef2021-workshop-alliances.toml"
DIESIS = Path(__file__).resolve().parents[2] / "sessions" / "gsef2021-diesis-es.toml"


async def test_m_puts_a_preset_on_stage_then_clears_it(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "m")
        assert isinstance(app.screen, StageMessagePicker)
        await pilot.press("down", "enter")  # the second preset
        assert app.engine.state.stage_message is not None
        assert app.engine.state.stage_message.text == "Please wrap up"
        await pilot.press("m")
        labels = [label for label, _ in app.screen.choices]
        assert "✕ Clear the message" in labels
        for _ in range(labels.index("✕ Clear the message")):
            await pilot.press("down")
        await pilot.press("enter")
        assert app.engine.state.stage_message is None
        assert [s.kind for s in app.engine.state.stage_signals] == ["message_shown", "message_cleared"]


async def test_m_sends_free_text_and_toggles_the_flash(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "m", "shift+tab")
        await type_text(pilot, "Slides frozen")
        await pilot.press("enter")
        assert app.engine.state.stage_message is not None
        assert app.engine.state.stage_message.text == "Slides frozen"
        await pilot.press("m")
        labels = [label for label, _ in app.screen.choices]
        for _ in range(labels.index("⚡ Flash the stage")):
            await pilot.press("down")
        await pilot.press("enter")
        assert app.engine.state.flash
        await pilot.press("m", "escape")
        assert not isinstance(app.screen, StageMessagePicker) and app.engine.state.flash


async def test_the_presets_are_in_the_session_s_language_with_the_programme_s_own(
    in_tmp: Path, clock: FakeClock
) -> None:
    text = DIESIS.read_text(encoding="utf-8").replace(
        "[session]\n", '[session]\nmessages = ["Cambie de diapositiva", "Por favor, vaya terminando"]\n', 1)
    (in_tmp / "diesis.toml").write_text(text, encoding="utf-8")
    programme = load_programme(in_tmp / "diesis.toml")
    assert programme.session.messages
    run = open_run(programme, Path("reports"), clock)
    app = ModeratorApp(run, tick=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        labels = [label for label, _ in app.screen.choices]
        assert labels[1] == "“Por favor, vaya terminando”"
        assert labels[5] == "“Cambie de diapositiva”"  # the programme's own, after the five presets
        assert labels.count("“Por favor, vaya terminando”") == 1


async def test_s_without_share_says_how_to_share(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        assert isinstance(app.screen, ShareScreen)
        assert "--share" in str(app.screen.query_one("#share-off").render())
        await pilot.press("escape")
        assert not isinstance(app.screen, ShareScreen)


@pytest.mark.parametrize("public_url", [None, "https://random-words-for-a-tunnel.trycloudflare.com"])
async def test_the_share_screen_fits_80_by_24_with_whole_links(in_tmp: Path, clock: FakeClock,
                                                               public_url: str | None) -> None:
    run = open_run(load_programme(WORKSHOP), Path("reports"), clock)
    app = ModeratorApp(run, tick=False, share=ShareOptions(port=0, port_given=True, public_url=public_url))
    async with app.run_test(size=(80, 24)) as pilot:
        sharing = app.sharing
        assert sharing is not None, app.sharing_problem
        await pilot.press("s")
        for key, link in zip("1234", sharing.links, strict=True):
            await pilot.press(key)
            await pilot.pause()
            for name in ("#share-qr", "#share-url", "#share-role", "#share-choices", "#share-file"):
                region = app.screen.query_one(name).region
                assert region.right <= 80 and region.bottom <= 24, (name, region)
            assert str(app.screen.query_one("#share-url", Static).render()).replace("\n", "") == link.url


async def test_a_sharing_console_serves_its_links_and_obeys_the_api(in_tmp: Path, clock: FakeClock) -> None:
    run = open_run(load_programme(WORKSHOP), Path("reports"), clock)
    app = ModeratorApp(run, tick=False, share=ShareOptions(port=0, port_given=True))
    async with app.run_test(size=(120, 40)) as pilot:
        sharing = app.sharing
        assert sharing is not None, app.sharing_problem
        links = (run.journal_path.parent / "links.txt").read_text().split()
        assert links[0] == "stage" and links[1] == sharing.links[0].url
        await pilot.press("s")
        assert isinstance(app.screen, ShareScreen)
        assert len(app.screen.query(".share-qr")) == 1  # one link at a time: 1-4 or the arrows choose
        for key, link in zip("1234", sharing.links, strict=True):
            await pilot.press(key)
            assert str(app.screen.query_one("#share-url", Static).render()).replace("\n", "") == link.url
            assert str(app.screen.query_one("#share-qr", Static).render()).strip("\n") == qr_text(link.url)
        await pilot.press("escape")
        url = sharing.links[0].url
        base = url.rsplit("/stage/", 1)[0]
        token = sharing.server.tokens.token(Role.COMODERATOR)
        async with aiohttp.ClientSession() as session:
            page = await session.get(url)
            assert page.status == 200
            answer = await session.post(f"{base}/api/command", json={"id": "x", "type": "start"},
                                        headers={"Authorization": f"Bearer {token}"})
            assert answer.status == 200
        await pilot.pause()
        assert app.engine.state.current == 0
        assert "1/10" in str(app.console_screen.query_one("#now-card").render()) or app.engine.state.events == 2
    assert app.sharing is None  # stopped with the console
