"""Text as every renderer lays it out: its non-blank lines, and the spaces around a span.

Markdown and HTML both show a note's lines as lines (never as structure), and both keep a
span's leading and trailing space as layout, so they share these two rules.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def text_lines(text: str) -> list[str]:
    """The text's non-blank lines, without indentation; tabs and control characters become spaces."""
    if text.isprintable():  # one line, nothing to replace: most texts, worked out fast
        line = text.strip(" ")
        return [line] if line else []
    lines = []
    for line in text.splitlines():
        line = _CONTROL.sub(" ", line).strip(" \t")
        if line:
            lines.append(line)
    return lines


_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot hold besides the controls ``text_lines`` already makes spaces: lone
surrogates and the non-characters U+FFFE and U+FFFF (lxml refuses them, and a Word file with one
would not be written at all)."""


def xml_text_lines(text: str) -> list[str]:
    """``text_lines`` for a format built on XML (Word): what XML cannot hold becomes U+FFFD, so a note
    pasted with a stray U+FFFE still gives a document, with a visible mark where the character was."""
    return text_lines(_NOT_XML.sub("\ufffd", text))


def span_layout(text: str) -> tuple[str, str, str]:
    """A span's leading space, body and trailing space (``" — "``, ``": "`` are layout, kept as one space)."""
    body = text.strip(" ")
    lead = " " if text[:1] == " " else ""
    trail = " " if body and text[-1:] == " " else ""
    return lead, body, trail


_NUMERIC = re.compile(r"^[−+-]?\d[\d:.,]*(?:\s*\(.*\))?$|^—$|^$")
"""A number, a duration or a clock time (``+00:30``, ``1:30:00``, ``10:15 (under way)``), or no value."""


def numeric_columns(rows: tuple[tuple[str, ...], ...] | list[list[str]]) -> list[bool]:
    """Which columns hold only numbers, durations and times: those are set flush right."""
    if not rows:
        return []
    width = len(rows[0])
    return [all(_NUMERIC.match(row[c].strip()) for row in rows) and any(row[c].strip() not in ("", "—") for row in rows)
            for c in range(width)]
