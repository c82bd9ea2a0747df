"""The console speaks the session's language: no English word left on a Spanish or French
screen, in every state a moderator meets (issue 12, item 10).

Each screen is read as its text (the SVG export's lines); every message of the catalog
whose translation differs from its English is looked for there, whole words only, with its
``{placeholders}`` matching anything.
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from conftest import ROOT, SESSIONS
from tui_helpers import label_text, let_time_pass, screen_lines

from moderator.i18n import LOCALE_DIR, catalog
from moderator.tui.app import ModeratorApp

PROGRAMMES = {
    "es": SESSIONS / "gsef2021-diesis-es.toml",
    "fr": ROOT / "tests" / "golden" / "atelier-fr.toml",
}
TRANSLATING_CALLS = {"_", "N_", "tr", "translate"}
SOURCES = [*sorted((ROOT / "moderator" / "tui").glob("*.py")), ROOT / "moderator" / "session" / "signals.py"]


def english_left(text: str, language: str) -> list[str]:
    """The catalog's English messages (those translated otherwise) that ``text`` contains."""
    translations = catalog(language)
    assert isinstance(translations, gettext.GNUTranslations)
    found = []
    for key, translated in translations._catalog.items():  # type: ignore[attr-defined]
        english = key[0] if isinstance(key, tuple) else key
        if not english or translated == english or len(english) < 4:
            continue
        pieces = [re.escape(piece) for piece in re.split(r"\{[a-z_]+\}", english)]
        pattern = ".+?".join(pieces)
        if english[0].isalnum():
            pattern = r"(?<!\w)" + pattern
        if english[-1].isalnum():
            pattern += r"(?!\w)"
        if re.search(pattern, text):
            found.append(english)
    return found


async def _visit_every_state(app: ModeratorApp, pilot, clock, seen: list[str]) -> None:
    def look(label: str) -> None:
        seen.append(f"### {len(seen)}\n" + "\n".join(screen_lines(app)))  # (not label: it is English)

    look("before the start")
    await pilot.press("space")
    look("started")
    await pilot.press("minus", "minus")
    look("two minutes off")
    await pilot.press("n", "n", "n")
    await let_time_pass(pilot, clock, app.engine.snapshot().remaining - 100)
    look("speaker in warning")
    await pilot.press("c")
    look("signal copied")
    await let_time_pass(pilot, clock, 170)
    look("overtime")
    await pilot.press("space")
    look("paused")
    await pilot.press("space")
    while (segment := app.engine.snapshot().segment) is not None and not segment.round_ids:
        await pilot.press("n")
    await pilot.press("a")
    look("discussion, a question asked")
    await pilot.press("a", "a", "a", "a", "a")
    look("every question asked")
    await pilot.press("g")
    look("segment picker")
    await pilot.press("escape", "q")
    look("question picker")
    await pilot.press("escape", "ctrl+p")
    look("palette")
    await pilot.press("escape", "i")
    look("typing")
    await pilot.press("escape", "e")
    look("end dialog")
    await pilot.press("y")
    look("ended")


@pytest.mark.parametrize("language", ["es", "fr"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_no_english_left_on_the_screen(make_app, clock, language, size):
    app = make_app(PROGRAMMES[language], rehearsal=True)
    seen: list[str] = []
    async with app.run_test(size=size) as pilot:
        await _visit_every_state(app, pilot, clock, seen)
    screens = "\n".join(seen)
    assert "ENSAYO" in screens or "RÉPÉTITION" in screens, "the screens were read"
    assert english_left(screens, language) == [], screens


async def test_lang_overrides_the_programme_language(make_app, clock, in_tmp):
    from conftest import WORKSHOP

    from moderator.programme import load_programme
    from moderator.session.runs import open_run

    run = open_run(load_programme(WORKSHOP), Path("reports"), clock, rehearsal=False)
    app = ModeratorApp(run, tick=False, language="es")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        words = [label_text(pilot, selector) for selector in ("#next-up", "#countdown-text", "#pace")]
        footer = "\n".join(line for line in screen_lines(app)[-1:])
    assert words[0].startswith("Después (")
    assert "quedan" in words[1]
    assert english_left("\n".join([*words[1:], footer]), "es") == [], "(the next title is the programme's English)"


def test_the_check_finds_english_when_it_is_there():
    assert english_left("Next (10:00): Paula", "es") == ["Next", "Next ({duration}):"]
    assert english_left("Después (10:00): Paula", "es") == []


def _messages_in_code() -> set[str]:
    found = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            function = node.func
            name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", None)
            if name in TRANSLATING_CALLS and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


@pytest.mark.parametrize("language", ["es", "fr"])
def test_every_console_message_is_in_the_catalog(language):
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / language / "LC_MESSAGES" / "moderator.po").open("rb") as handle:
        entries = read_po(handle)
    known = {part for message in entries if message.id and message.string
             for part in (message.id if isinstance(message.id, tuple) else (message.id,))}
    messages = _messages_in_code()
    assert len(messages) > 100, "the console's messages were found"
    assert sorted(messages - known) == [], f"add them to {LOCALE_DIR}/{language}/LC_MESSAGES/moderator.po"
