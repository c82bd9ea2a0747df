"""The loader's problems carry their words and their language: the programme's declared language
rides on ``ProgrammeError`` (read, or sniffed from a file that does not parse), and every
message ``tomllib`` can raise is one the catalogs translate."""

from __future__ import annotations

import ast
import inspect
import tomllib

import pytest

from moderator.i18n import translator
from moderator.problems import ProgrammeError, Words
from moderator.programme import parse_programme
from moderator.programme.language import sniff_language, sniff_language_in_bytes
from moderator.programme.toml_syntax import TOMLLIB_MESSAGES, tomllib_words

PROGRAMME = '''\
[session]
title = "Taller"
date = 2021-10-08
start = "18:00"
timezone = "America/Mexico_City"
{language}

[moderator]
name = "Ana"

[[segment]]
kind = "{kind}"
title = "Apertura"
duration = "5m"
'''


@pytest.mark.parametrize(("text", "language"), [
    ('language = "es"', "es"),
    ("  language='fr'  # la langue", "fr"),
    ('language = "es', "es"),  # the quote left open: the file does not parse, its language still reads
    ("language = Español", "es"),
    ('language = "francais"', "fr"),
    ('language = "EN"', "en"),
    ('language = "de"', None),
    ('# language = "es"', None),
    ('title = "language = es"', None),
    ("", None),
])
def test_the_language_line_is_sniffed_from_the_raw_text(text: str, language: str | None) -> None:
    assert sniff_language(f'[session]\ntitle = "x"\n{text}\n') == language


def test_the_language_of_a_latin1_file_is_sniffed_too() -> None:
    assert sniff_language_in_bytes('título = "x"\nlanguage = "español"\n'.encode("latin-1")) == "es"
    assert sniff_language_in_bytes('language = "français"\n'.encode()) == "fr"


def _error(text: str) -> ProgrammeError:
    with pytest.raises(ProgrammeError) as raised:
        parse_programme(text.encode("utf-8"), "p.toml")
    return raised.value


def test_the_validator_s_error_carries_the_declared_language() -> None:
    assert _error(PROGRAMME.format(language='language = "castellano"', kind="keynote")).language == "es"
    assert _error(PROGRAMME.format(language='language = "fr"', kind="keynote")).language == "fr"
    assert _error(PROGRAMME.format(language="", kind="keynote")).language == "en"
    assert _error(PROGRAMME.format(language='language = "de"', kind="keynote")).language is None


def test_a_syntax_error_or_an_unread_session_carries_the_sniffed_language() -> None:
    broken = PROGRAMME.format(language='language = "fr"', kind="keynote").replace('title = "Taller"', 'title = "Taller')
    assert _error(broken).language == "fr"
    array = PROGRAMME.format(language='language = "es"', kind="other").replace("[session]", "[[session]]")
    error = _error(array)
    assert error.language == "es"
    assert error.errors[0].said(translator("es")) == (
        "p.toml:1: [session] debe ser una sola tabla, no una lista de tablas (escriba [session] una sola vez)")


def test_every_problem_is_words_with_english_as_its_text() -> None:
    """Each message and hint is ``Words``: its English is the text, its template the catalog's msgid."""
    text = PROGRAMME.format(language='language = "es"\nzzz = 1', kind="keynote").replace('"5m"', '"5 parsecs"')
    error = _error(text)
    assert len(error.problems) == 3
    for problem in error.problems:
        assert isinstance(problem.message, Words)
        assert problem.hint is None or isinstance(problem.hint, Words)
        assert str(problem).startswith("p.toml:")
        assert problem.said(translator("es")) != str(problem)


def _tomllib_messages() -> list[str]:
    """Every message ``tomllib``'s parser raises, its ``{...}`` parts filled in as it would."""
    source = inspect.getsource(tomllib._parser)  # type: ignore[attr-defined]
    messages = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "suffixed_err" and len(node.args) == 3:
            message = node.args[2]
            if isinstance(message, ast.Constant):
                messages.append(str(message.value))
            elif isinstance(message, ast.JoinedStr):
                messages.append("".join(str(part.value) if isinstance(part, ast.Constant) else "'x'"
                                        for part in message.values))
    return messages


def test_every_message_tomllib_raises_is_translated() -> None:
    messages = _tomllib_messages()
    assert len(messages) >= 20, "tomllib's messages were found"
    for message in messages:
        words = tomllib_words(message)
        assert isinstance(words, Words), f"add {message!r} to toml_syntax.TOMLLIB_MESSAGES"
        assert str(words) == message[:1].lower() + message[1:], "the English stays tomllib's"
        for language in ("es", "fr"):
            assert words.say(translator(language)) != str(words), (language, message)


def test_a_message_the_table_does_not_know_stays_as_tomllib_wrote_it() -> None:
    assert tomllib_words("Something new went wrong") == "something new went wrong"
    assert not isinstance(tomllib_words("Something new went wrong"), Words)
    assert len({template.template for _, template in TOMLLIB_MESSAGES}) == len(TOMLLIB_MESSAGES)
