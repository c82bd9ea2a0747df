"""The documents say what the code does: the bounds they give are the code's own numbers, and what
they say of escapes in reports is what a report does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers_engine import new_engine

from moderator.cli import main
from moderator.session.events import MAX_ADJUST
from moderator.session.zoom_chat import MAX_CHAT_BYTES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_adjust_range_in_the_http_api_is_the_one_accepted():
    documented = re.search(r"`adjust` \| `\{\"seconds\": 60\}` \(−(\d+)\.\.(\d+)", (DOCS / "HTTP-API.md").read_text())
    assert documented is not None
    assert (int(documented.group(1)), int(documented.group(2))) == (MAX_ADJUST, MAX_ADJUST)


def test_the_chat_cap_in_reliability_is_the_codes():
    documented = re.search(r"Zoom chats (\d+) MB", (DOCS / "RELIABILITY.md").read_text())
    assert documented is not None and int(documented.group(1)) * 1024 * 1024 == MAX_CHAT_BYTES


@pytest.mark.attack("A15")
def test_a_reports_note_escapes_become_spaces_as_documented(tmp_path, monkeypatch):
    engine, _ = new_engine(tmp_path)
    engine.start()
    engine.add_note("esc \x1b]2;PWNED\x07 note")
    assert engine.journal is not None
    engine.journal.close()
    for fmt in ("md", "html"):
        output = tmp_path / f"report.{fmt}"
        assert main(["report", str(engine.journal.path), "--format", fmt, "-o", str(output)]) == 0
        text = output.read_text(encoding="utf-8")
        assert "esc  ]2;PWNED  note" in text and "\x1b" not in text and "\x07" not in text
