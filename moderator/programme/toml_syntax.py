"""A TOML syntax error as a ``Problem`` a person reads in the programme's language.

``tomllib`` says what is wrong in English ("Invalid value (at line 9, column 8)"). Each message
it can raise (read from its parser: Python 3.11 to 3.13 word them alike) is matched here and
rebuilt as ``Words`` whose English is exactly what it wrote, first letter lowered, so that a
Spanish or French author reads it in their language. A message this table does not know (a
newer ``tomllib``) is kept as ``tomllib`` wrote it: still true, only not translated.
"""

from __future__ import annotations

import re

from moderator.problems import Problem, Words

_AT = re.compile(r"\s*\(at (line (\d+), column (\d+)|end of document)\)")

TOMLLIB_MESSAGES: tuple[tuple[re.Pattern[str], Words], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), template) for pattern, template in (
        # The templates' words are the parts of tomllib's message that quote the file: as written.
        (r"invalid statement", Words("invalid statement")),
        (r"expected newline or end of document after a statement",
         Words("expected newline or end of document after a statement")),
        (r"expected (?P<what>'.*'|\".*\")", Words("expected {what}")),
        (r"found invalid character (?P<char>.+)", Words("found invalid character {char}")),
        (r"cannot declare (?P<key>.+) twice", Words("cannot declare {key} twice")),
        (r"cannot overwrite a value", Words("cannot overwrite a value")),
        (r"expected '\]' at the end of a table declaration", Words("expected ']' at the end of a table declaration")),
        (r"cannot mutate immutable namespace (?P<key>.+)", Words("cannot mutate immutable namespace {key}")),
        (r"expected '\]\]' at the end of an array declaration",
         Words("expected ']]' at the end of an array declaration")),
        (r"cannot redefine namespace (?P<key>.+)", Words("cannot redefine namespace {key}")),
        (r"expected '=' after a key in a key/value pair", Words("expected '=' after a key in a key/value pair")),
        (r"invalid initial character for a key part", Words("invalid initial character for a key part")),
        (r"unclosed array", Words("unclosed array")),
        (r"duplicate inline table key (?P<key>.+)", Words("duplicate inline table key {key}")),
        (r"unclosed inline table", Words("unclosed inline table")),
        (r"unescaped '\\' in a string", Words("unescaped '\\' in a string")),
        (r"invalid hex value", Words("invalid hex value")),
        (r"escaped character is not a unicode scalar value", Words("escaped character is not a Unicode scalar value")),
        (r"unterminated string", Words("unterminated string")),
        (r"illegal character (?P<char>.+)", Words("illegal character {char}")),
        (r"invalid date or datetime", Words("invalid date or datetime")),
        (r"invalid value", Words("invalid value")),
    )
)
"""Each message ``tomllib`` raises (matched whole, case aside) and the msgid it is said with."""


def tomllib_words(message: str) -> str:
    """``tomllib``'s message (position removed), first letter lowered, as ``Words`` where the table
    knows it; else the message itself."""
    text = message[:1].lower() + message[1:]
    for pattern, template in TOMLLIB_MESSAGES:
        found = pattern.fullmatch(text)
        if found:
            return Words(template.template, **found.groupdict())
    return text


def syntax_problem(path: str, error: Exception, source: str) -> Problem:
    """The ``FILE:LINE:COL:`` problem of a ``tomllib.TOMLDecodeError``."""
    text = str(error)
    where = _AT.search(text)
    said = tomllib_words(_AT.sub("", text))
    line = int(where.group(2)) if where and where.group(2) else getattr(error, "lineno", None)
    column = int(where.group(3)) if where and where.group(3) else getattr(error, "colno", None)
    if line is None and "end of document" in text:
        # tomllib gives no position when the file ends inside a value: point at its last line.
        return Problem(path, source.rstrip().count("\n") + 1,
                       Words("TOML syntax: {problem} at the end of the file", problem=said),
                       Words("a quote or bracket opened above is never closed"), column=column)
    return Problem(path, line, Words("TOML syntax: {problem}", problem=said),
                   Words("check quotes, brackets and '=' on that line"), column=column)
