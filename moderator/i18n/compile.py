"""Compile every ``.po`` catalog to its ``.mo`` (run after editing a catalog).

``python -m moderator.i18n.compile`` uses Babel (a development dependency), so the console
itself loads the compiled catalogs with the standard library only.
"""

from __future__ import annotations

import sys
from pathlib import Path

from moderator.i18n import DOMAIN, LOCALE_DIR


def compile_catalog(po_path: Path) -> bytes:
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def main() -> int:
    for po_path in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        po_path.with_suffix(".mo").write_bytes(compile_catalog(po_path))
        print(f"compiled {po_path.relative_to(LOCALE_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
