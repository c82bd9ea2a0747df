"""A programme that loads with warnings: the moderator sees them on the host's console, in the
session's language (the first, and how many more ``moderator check`` lists)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SESSIONS

from moderator.host import Host, HostOptions
from moderator.session.clock import FakeClock
from moderator.tui.app import ModeratorApp

SPANISH = SESSIONS / "gsef2021-diesis-es.toml"


@pytest.mark.parametrize(("language", "words"), [
    ("es", ["clave desconocida 'color'", "1 más: moderator check"]),
    ("en", ["unknown key 'color'", "1 more: moderator check"]),
])
async def test_the_programme_s_warnings_are_said_when_the_console_opens(
        in_tmp: Path, clock: FakeClock, language: str, words: list[str]) -> None:
    text = SPANISH.read_text(encoding="utf-8").replace("[session]\n", '[session]\ncolor = "rojo"\nfondo = "negro"\n', 1)
    programme = in_tmp / "programa.toml"
    programme.write_text(text, encoding="utf-8")
    host = Host(HostOptions(programme), clock=clock)
    app = ModeratorApp(host.run, host=host, tick=False, language=language)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        (said,) = [note.message for note in app._notifications if note.severity == "warning"]
        assert all(word in said for word in words), said
        assert said.startswith(f"{programme}:")
    host.close()


async def test_a_programme_without_warnings_says_nothing(in_tmp: Path, clock: FakeClock) -> None:
    host = Host(HostOptions(SPANISH), clock=clock)
    app = ModeratorApp(host.run, host=host, tick=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not [note for note in app._notifications if note.severity == "warning"]
    host.close()
