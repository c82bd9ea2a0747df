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

from moderator.i18n import LOCALE_DIR, catalog, translator
from moderator.tui.app import ModeratorApp
from moderator.tui.stage_messages import StageMessagePicker

PROGRAMMES = {
    "es": SESSIONS / "gsef2021-diesis-es.toml",
    "fr": ROOT / "tests" / "golden" / "atelier-fr.toml",
}
TRANSLATING_CALLS = {"_", "N_", "tr", "translate"}
SOURCES = [*sorted((ROOT / "moderator" / "tui").glob("*.py")), ROOT / "moderator" / "session" / "signals.py",
           ROOT / "moderator" / "commands" / "check.py", ROOT / "moderator" / "commands" / "timing.py",
           *(ROOT / "moderator" / "commands" / f"{name}.py" for name in ("report", "chat", "webinar", "transcript"))]
SAID_CLASSES = {"CommandRefused", "NoteError", "Words", "ModeratorError", "JournalError", "JournalBusy",
                "SessionRunning", "OutboxError", "OutboxBusy", "ChatFileError", "WebinarReportError",
                "TranscriptFileError"}
"""Messages built in the core for a face to say in the session's language (``problems.Words``)."""
SAID_SOURCES = [*sorted((ROOT / "moderator" / "session").glob("*.py")),
                *sorted((ROOT / "moderator" / "share").glob("*.py")), ROOT / "moderator" / "report" / "timing.py",
                *sorted((ROOT / "moderator" / "programme").glob("*.py")), ROOT / "moderator" / "commands" / "check.py",
                ROOT / "moderator" / "locking.py", ROOT / "moderator" / "tui" / "launch.py",
                ROOT / "moderator" / "tui" / "join.py", *(ROOT / "moderator" / "commands" / f"{name}.py"
                                                                        for name in ("report", "timing", "chat",
                                                                                     "webinar", "transcript",
                                                                                     "output"))]


def english_left(text: str, language: str) -> list[str]:
    """The catalog's English messages (those translated otherwise) that ``text`` contains."""
    translations = catalog(language)
    assert isinstance(translations, gettext.GNUTranslations)
    found = []
    native = {word for translated in translations._catalog.values()  # type: ignore[attr-defined]
              for word in re.findall(r"\w+", translated)}
    for key, translated in translations._catalog.items():  # type: ignore[attr-defined]
        english = key[0] if isinstance(key, tuple) else key
        words = re.findall(r"\w+", re.sub(r"\{[a-z_]+\}", " ", english))
        if not english or translated == english or len(english) < 4 or all(word in native for word in words):
            continue  # (words the language also uses, "plan" or "{n} segment" in French, are no English)
        pieces = [re.escape(piece) for piece in re.split(r"\{[a-z_]+\}", english)]
        pattern = ".+?".join(pieces)
        if english[0].isalnum():
            pattern = r"(?<!\w)" + pattern
        if english[-1].isalnum():
            pattern += r"(?!\w)"
        if re.search(pattern, text):
            found.append(english)
    return found


def without_paths(text: str) -> str:
    """``text`` without file paths (the report's, under the notes: ``reports/…/rehearsal-….md``)."""
    return re.sub(r"\S*/\S*", " ", text)


def english_words_left(text: str, language: str, allowed: str = "") -> list[str]:
    """Words of the console's English (its msgids) that no translation uses, nor ``allowed`` (the
    programme's own text): they find an English sentence the catalog does not hold at all."""
    translations = catalog(language)
    assert isinstance(translations, gettext.GNUTranslations)
    english, foreign = set(), set(re.findall(r"\w+", allowed.casefold()))
    for key, translated in translations._catalog.items():  # type: ignore[attr-defined]
        msgid = key[0] if isinstance(key, tuple) else key
        english |= set(re.findall(r"[a-z]{5,}", re.sub(r"\{[a-z_]+\}", " ", msgid.casefold())))
        foreign |= set(re.findall(r"\w+", CODE.sub(" ", translated).casefold()))
    vocabulary = english - foreign - CONSOLE_WORDS
    return sorted({word for word in re.findall(r"\w+", text.casefold()) if word in vocabulary})


CONSOLE_WORDS = frozenset({"space", "enter", "chat", "zoom", "clear"})
"""Key names and loanwords a Spanish or French screen shows as such."""
CODE = re.compile(r"""\{[a-z_]+\}|\[\[?[^\]]*\]\]?|"[^"]*"|(?<!\w)'[^'\s]*'(?!\w)|\.\w+|\w+(?=\ =\ )"""
                  r"|\b(?:true|false)\b")
"""What a translation writes as it is, not in its language: ``{placeholders}``, the programme's
``[tables]``, ``"values"``, ``'keys'``, ``.keys`` and ``key =``, ``true``/``false``. Their words (a
Spanish hint's ``kind = "speaker"``) are no Spanish words: ``speaker`` stays English elsewhere."""


async def _visit_every_state(app: ModeratorApp, pilot, clock, seen: list[str]) -> None:
    def look(label: str) -> None:
        seen.append(f"### {len(seen)}\n" + "\n".join(screen_lines(app)))  # (not label: it is English)

    look("before the start")
    await pilot.press("space")
    look("started")
    await pilot.press("p")  # refused: the first segment
    look("a refusal")
    await pilot.press("m")
    look("the m dialog")
    assert isinstance(app.screen, StageMessagePicker)
    labels = [label for label, _ in app.screen.choices]
    await pilot.press(*["down"] * next(i for i, label in enumerate(labels) if label.startswith("■")), "enter")
    look("the stage blacked out")
    await pilot.press("m")
    await pilot.press(*["down"] * 1, "enter")  # a preset message
    look("a message on stage")
    await pilot.press("i")
    await pilot.press(*"@zzz hola", "enter")
    look("no speaker matches")
    await pilot.press("ctrl+u", *"participants: 52", "enter")
    look("participants")
    if app.console_screen.language == "es":  # (French types note: as English does)
        await pilot.press("ctrl+u", *"nota: ! no es una acción", "enter", "ctrl+e")
        look("editing a plain note")
    await pilot.press("escape", "escape")
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
    seen.append("### toasts\n" + "\n".join(app.console_screen.toasts.history))


@pytest.mark.parametrize("language", ["es", "fr"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_no_english_left_on_the_screen(make_app, clock, language, size):
    app = make_app(PROGRAMMES[language], rehearsal=True)
    seen: list[str] = []
    async with app.run_test(size=size) as pilot:
        await _visit_every_state(app, pilot, clock, seen)
    screens = without_paths("\n".join(seen))
    toasts = ""
    assert "ENSAYO" in screens or "RÉPÉTITION" in screens, "the screens were read"
    assert english_left(screens + "\n" + toasts, language) == [], screens
    programme_text = PROGRAMMES[language].read_text(encoding="utf-8")
    assert english_words_left(screens + "\n" + toasts, language, programme_text) == [], screens
    assert language != "es" or "nota: ! no es una acción" in screens, "a plain note corrected in Spanish"


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
    assert english_words_left("Message to the speaker's stage view", "es") == ["message", "speaker", "stage"]
    assert english_words_left("Mensaje al escenario", "es") == []


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_end_confirmation_takes_the_language_s_yes(language):
    from moderator.tui.dialogs import yes_key

    assert yes_key(translator(language)) == {"es": "s", "fr": "o"}[language]
    assert yes_key(translator("en")) == "y"


@pytest.mark.parametrize("language", ["es", "fr"])
async def test_ending_with_the_language_s_yes(make_app, language):
    app = make_app(PROGRAMMES[language])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "e")
        lines = "\n".join(screen_lines(app))
        assert {"es": "s sí", "fr": "o oui"}[language] in lines
        await pilot.press({"es": "s", "fr": "o"}[language])
        assert app.engine.status.value == "ended"


@pytest.mark.parametrize("language", ["es", "fr"])
def test_the_command_line_outputs_speak_the_session_s_language(language, tmp_path, capsys):
    """``check``'s run sheet and ``timing``'s tables, notes and dates: no English word (issue 25)."""
    import pendulum

    from moderator.cli import main
    from moderator.programme import load_programme
    from moderator.session.clock import FakeClock
    from moderator.session.runs import open_run

    path = PROGRAMMES[language]
    programme_text = path.read_text(encoding="utf-8")
    assert main(["check", str(path)]) == 0
    sheet = capsys.readouterr().out
    run = open_run(load_programme(path), tmp_path, FakeClock(pendulum.datetime(2021, 12, 6, 9, 0, tz="UTC")))
    run.engine.start()
    for segment in run.engine.programme.segments[:3]:
        run.engine.clock.advance(segment.duration + 75)  # type: ignore[attr-defined]
        run.engine.next()
    run.engine.clock.advance(7200)  # type: ignore[attr-defined]  # into the next day: a date is shown
    run.engine.end()
    assert run.journal is not None
    run.journal.close()
    assert main(["timing", str(run.journal_path)]) == 0
    timing = capsys.readouterr().out
    assert {"es": "aviso: el segmento 1", "fr": "avertissement : le segment 1"}[language] in sheet
    for output in (without_paths(sheet), without_paths(timing)):
        assert english_left(output, language) == [], output
        assert english_words_left(output, language, programme_text + str(tmp_path)) == [], output
    month = {"es": "dic", "fr": "déc"}[language]
    assert f"06 {month}" in timing and "Dec" not in timing
    assert "live: live:" not in timing


@pytest.mark.parametrize("language", ["es", "fr"])
def test_every_message_built_in_the_core_is_in_the_catalog(language):
    """Refusals, resuming, timing's notes: made in the core as templates, said by the faces."""
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / language / "LC_MESSAGES" / "moderator.po").open("rb") as handle:
        known = {message.id for message in read_po(handle) if message.id and message.string}
    said = set()
    for path in SAID_SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in SAID_CLASSES
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                said.add(node.args[0].value)
    assert len(said) > 20, "the core's messages were found"
    assert sorted(said - known) == [], f"add them to {LOCALE_DIR}/{language}/LC_MESSAGES/moderator.po"


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
