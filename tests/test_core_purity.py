"""The core knows nothing of Textual: importing it in a fresh interpreter loads no UI code."""

from __future__ import annotations

import subprocess
import sys

from helpers_engine import ROOT

CORE = (
    "moderator.session.engine", "moderator.session.runs", "moderator.programme.loading", "moderator.programme.plan", "moderator.session.journal",
    "moderator.session.snapshot", "moderator.session.notes", "moderator.report.document", "moderator.report.live",
)


def test_the_core_imports_without_textual():
    code = f"import {', '.join(CORE)}, sys; assert 'textual' not in sys.modules, 'the core imported textual'"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
