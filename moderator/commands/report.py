"""``moderator report JOURNAL [-o FILE] [--format md|html|json]``: the report, rebuilt from the journal.

The journal is replayed by the same reducer the live session used, and rendered by the same
pure function, so the Markdown printed here is byte for byte the live ``.report.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from moderator.commands.output import deliver
from moderator.report import render_report
from moderator.session.runs import load_run
from moderator.text import json_safe, visible, visible_lines


def run_report(journal: Path, output: Path | None, fmt: str, *, programme: Path | None = None) -> int:
    """Print (or write atomically to ``output``) the report of a session; warnings go to stderr.
    ``programme`` overrides the programme the journal names (moved, or its first line damaged)."""
    run = load_run(journal, programme)
    for warning in run.warnings:
        print(visible(f"moderator: warning: {warning}"), file=sys.stderr)
    document = render_report(run.programme, run.state, fmt)
    deliver(json_safe(document) if fmt == "json" else visible_lines(document), output, what="the report")
    return 0
