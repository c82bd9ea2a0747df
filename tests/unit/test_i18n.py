"""The gettext catalogs: compiled, current, and complete enough to be useful."""

from __future__ import annotations

import gettext
import io

import pytest

from moderator.i18n import DOMAIN, LOCALE_DIR, translator
from moderator.i18n.compile import compile_catalog

CATALOGS = sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda path: path.parts[-3])
def test_each_compiled_catalog_matches_its_source(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing: run python -m moderator.i18n.compile"
    assert _messages(mo_path.read_bytes()) == _messages(compile_catalog(po_path)), (
        "stale .mo: run python -m moderator.i18n.compile")


def _messages(mo_bytes: bytes) -> dict[object, str]:
    """What a compiled catalog translates (its header, which holds dates, left out)."""
    catalog = gettext.GNUTranslations(io.BytesIO(mo_bytes))
    return {key: value for key, value in catalog._catalog.items() if key != ""}  # type: ignore[attr-defined]


def test_languages_translate_and_english_is_the_source():
    assert translator("es")("Next") == "Siguiente"
    assert translator("fr")("Next") == "Suivant"
    assert translator("en")("Next") == "Next"
    assert translator("xx")("Next") == "Next", "a language without a catalog falls back to English"


def test_a_word_that_is_itself_words_is_said_in_the_same_language() -> None:
    from moderator.problems import ModeratorError, Words

    spanish = {"{label} must be a string, not {kind}": "{label} debe ser un texto, no {kind}",
               "a number": "un número"}.get
    error = ModeratorError("{label} must be a string, not {kind}", label="[session].title", kind=Words("a number"))
    assert str(error) == "[session].title must be a string, not a number"
    assert error.say(lambda text: spanish(text, text)) == "[session].title debe ser un texto, no un número"


def test_the_command_line_says_an_error_in_the_session_s_language(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The session's language rides on the error (``ModeratorError.language``); ``main`` says it so."""
    from moderator import cli
    from moderator.problems import ModeratorError

    english = "there is no segment {n}"
    assert translator("es")(english) != english, "the test needs a message the catalog translates"

    def refuse(_: object) -> int:
        error = ModeratorError(english, n=12)
        error.language = "es"
        raise error

    monkeypatch.setattr(cli, "_dispatch", refuse)
    assert cli.main(["check", "x.toml"]) == 2
    said = capsys.readouterr().err
    assert said == f"moderator: {translator('es')(english).format(n=12)}\n"
