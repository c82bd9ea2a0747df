"""The language a programme declares (``[session] language``), as a code the catalogs know.

The validator reads it from the parsed document; but a programme that does not even parse (a
quote left open the night before) must still be told what is wrong in its author's language,
so ``sniff_language`` finds the declaration in the raw text: the first line that reads
``language = "es"`` (quotes optional, any spacing, a comment after it allowed), wherever it
stands. A line in a multi-line string could fool it; then the problems are said in another of
the three languages, never lost.
"""

from __future__ import annotations

import re

from moderator.programme.model import LANGUAGES

LANGUAGE_ALIASES = {
    "english": "en", "inglés": "en", "anglais": "en",
    "spanish": "es", "español": "es", "espanol": "es", "espagnol": "es", "castellano": "es",
    "french": "fr", "français": "fr", "francais": "fr", "francés": "fr",
}
"""What people write instead of the code, in the three languages."""

_DECLARED = re.compile(r"""^[ \t]*language[ \t]*=[ \t]*["']?[ \t]*([^\s"'#]+)""", re.MULTILINE)
"""A line ``language = "es"``: the value's first word, quoted or not (the quote may be unclosed)."""


def language_code(value: str) -> str | None:
    """``"es"``, ``" Español "`` -> ``"es"``; ``None`` for a language we have no words in."""
    code = value.strip().lower()
    code = LANGUAGE_ALIASES.get(code, code)
    return code if code in LANGUAGES else None


def sniff_language(text: str) -> str | None:
    """The language a programme's raw text declares on its first ``language = ...`` line, if any."""
    declared = _DECLARED.search(text)
    return language_code(declared.group(1)) if declared else None


def sniff_language_in_bytes(data: bytes) -> str | None:
    """``sniff_language`` for a file that is not UTF-8: read as UTF-8 where it is, else as Latin-1
    (``español`` saved by an old editor)."""
    return sniff_language(data.decode("utf-8", errors="replace")) or sniff_language(data.decode("latin-1"))
