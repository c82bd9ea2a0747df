"""``moderator report JOURNAL [-o FILE] [--format md|html|json]``: the report, rebuilt from the journal.

The journal is replayed by the same reducer the live session used, and rendered by the same
pure function, so the Markdown printed here is byte for byte the live ``.report.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from moderator.files import write_atomic
from moderator.problems import ModeratorError
from moderator.report import render_report
from moderator.runs import load_run


def run_report(journal: Path, output: Path | None, fmt: str) -> int:
    """Print (or write atomically to ``output``) the report of a session; warnings go to stderr."""
    run = load_run(journal)
    for warning in run.warnings:
        print(f"moderator: warning: {warning}", file=sys.stderr)
    text = render_report(run.programme, run.state, fmt)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    try:
        write_atomic(output, text)
    except OSError as error:
        raise ModeratorError(f"{output}: cannot write the report: {error.strerror or error}") from None
    return 0
