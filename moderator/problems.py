"""Problems found in user input, reported the way compilers do: ``FILE:LINE[:COL]: message (hint)``.

Every command that reads a file a person wrote reports through this one type, so that
error lines look alike everywhere and the CLI can turn them into exit status 2.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from moderator.text import visible


def _english(text: str) -> str:
    return text


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One mistake (or likely mistake) in a file, located as precisely as we can."""

    path: str
    line: int | None
    message: str
    hint: str | None = None
    column: int | None = None
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        return self.said(_english)

    def said(self, translate: Callable[[str], str]) -> str:
        """``FILE:LINE: warning: message (hint)`` with the words in ``translate``'s language where the
        message and hint are ``Words`` (the plan's warnings); ``FILE:LINE:`` stays as editors read it."""
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        prefix = "" if self.is_error else translate("warning:") + " "
        text = f"{where}: {prefix}{say(self.message, translate)}"
        if self.hint:
            text += f" ({say(self.hint, translate)})"
        return visible(text)


class Words(str):
    """A sentence for a person, built where no language is known (the core): English as a ``str``,
    and the template (the gettext msgid) and its words, for a face to ``say`` it in the session's."""

    template: str
    words: dict[str, object]

    def __new__(cls, template: str, /, **words: object) -> Words:
        made = super().__new__(cls, template.format(**words) if words else template)
        made.template, made.words = template, words
        return made

    def say(self, translate: Callable[[str], str]) -> str:
        return _said(self.template, self.words, translate, str(self))


def say(text: str, translate: Callable[[str], str]) -> str:
    """``text`` in the language ``translate`` speaks: a ``Words`` filled in, else the message itself."""
    return text.say(translate) if isinstance(text, Words) else translate(text)


def _said(template: str, words: dict[str, object], translate: Callable[[str], str], english: str) -> str:
    """A word that is itself ``Words`` ("not {kind}" with kind "a number") is said in the same language;
    any other word (a title, a path, a number) is the person's and goes in as it is."""
    try:
        if not words:
            return translate(template)
        said = {name: word.say(translate) if isinstance(word, Words) else word for name, word in words.items()}
        return translate(template).format(**said)
    except (KeyError, IndexError, ValueError):  # a translation with a broken placeholder
        return english


class ModeratorError(Exception):
    """Base of every error this project raises on purpose; the CLI maps it to exit status 2.

    ``ModeratorError("there is no segment {n}", n=12)``: the message is a template (the gettext msgid,
    English) and its words, so that a face says it in the session's language (``say``); ``str()``
    gives the English, filled in."""

    language: str | None = None
    """The language of the session the error is about, set by whoever knew it (the programme's
    ``[session] language``, the host once it loaded the programme): the command line says the
    error in it. ``None``: English."""

    def __init__(self, message: object = "", /, **words: object) -> None:
        if isinstance(message, Words) and not words:  # a sentence built elsewhere: said as it was built
            words = message.words
            message = message.template
        self.template = str(message)
        self.words = words
        super().__init__(self.template.format(**words) if words else message)

    def say(self, translate: Callable[[str], str]) -> str:
        """The message in the language ``translate`` speaks (English when the catalog lacks it)."""
        return _said(self.template, self.words, translate, str(self))


class ProgrammeError(ModeratorError):
    """A programme could not be loaded; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem], *, language: str | None = None) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
        errors = [p for p in problems if p.is_error]
        super().__init__("\n".join(str(p) for p in errors) or "invalid programme")
        self.language = language

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.is_error)


@contextlib.contextmanager
def about_session(language: str | None) -> Iterator[None]:
    """Every ``ModeratorError`` raised inside is about a session that speaks ``language`` (once its
    programme is known): the command line says it in that language, unless the error already knew
    its own (``ModeratorError.language``)."""
    try:
        yield
    except ModeratorError as error:
        if error.language is None:
            error.language = language
        raise
