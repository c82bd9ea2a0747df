"""The console's words in the session's language, from standard gettext catalogs.

Catalogs live in ``moderator/locale/<lang>/LC_MESSAGES/moderator.po`` (the source a translator
edits) and are compiled to ``.mo`` beside them (``python -m moderator.i18n.compile``; a test
fails when a ``.mo`` is older than its ``.po``). English is the ``msgid`` itself. A new
language is a new folder: no code changes.

Use ``translator(language)`` to get a ``gettext``-style function for one session; the core
layers never translate (they hand words to the faces), so nothing here is global state.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Callable
from pathlib import Path

DOMAIN = "moderator"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("en", "es", "fr")

Translate = Callable[[str], str]


@functools.cache
def catalog(language: str) -> gettext.NullTranslations:
    """The compiled catalog for ``language`` (English, or a language with none, is the identity)."""
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)


def translator(language: str) -> Translate:
    """``_`` for one language: ``_("Next")`` is "Siguiente" in Spanish."""
    return catalog(language).gettext


def ngettext(language: str, singular: str, plural: str, count: int) -> str:
    return catalog(language).ngettext(singular, plural, count)
