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
