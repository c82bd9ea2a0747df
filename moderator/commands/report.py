"""``moderator report JOURNAL [-o FILE] [--format md|html|json|docx]``: the report, rebuilt from the journal.

The journal is replayed by the same reducer the live session used, and rendered by the same
pure function, so the Markdown printed here is byte for byte the live ``.report.md``.
``json`` is the session's data (``report.data``), ``docx`` the organizers' Word form.
"""

from __future__ import annotations

import sys
from pathlib import Path

from moderator.commands.output import check_output, deliver, refuse_binary_on_terminal
from moderator.i18n import Translate, translator
from moderator.problems import ModeratorError, Words, about_session, say
from moderator.report.render import BINARY_FORMATS, render_report_bytes
from moderator.session.runs import LoadedRun, load_run
from moderator.text import json_safe, visible, visible_lines

THE_REPORT = Words("the report")


def run_report(journal: Path, output: Path | None, fmt: str, *, programme: Path | None = None,
               template: Path | None = None) -> int:
    """Print (or write atomically to ``output``) the report of a session; warnings go to stderr.
    ``programme`` overrides the programme the journal names (moved, or its first line damaged);
    ``template`` is the organizers' own Word form to fill (``--format docx`` only)."""
    if template is not None and fmt != "docx":
        raise ModeratorError("--template fills a Word form: use it with --format docx")
    if output is None and fmt in BINARY_FORMATS:
        refuse_binary_on_terminal(fmt)
    if output is not None:  # before any work: the journal and the programme are safe
        check_output(output, (journal, *((programme,) if programme else ()), *((template,) if template else ())),
                     what=THE_REPORT)
    run = load_run(journal, programme)
    language = run.programme.session.language
    with about_session(language):
        return _write_report(run, journal, output, fmt, template, translator(language))


def _write_report(run: LoadedRun, journal: Path, output: Path | None, fmt: str, template: Path | None,
                  _: Translate) -> int:
    """The report of a loaded run; its warnings (the journal's own) on stderr in the session's language."""
    for warning in run.warnings:
        print(visible(f"moderator: {_('warning:')} {say(warning, _)}"), file=sys.stderr)
    inputs = (journal, Path(run.programme.path))
    if template is not None:
        from moderator.report.template import render_template

        data = render_template(template, run.programme, run.state)
    else:
        data = render_report_bytes(run.programme, run.state, fmt)
    if fmt in BINARY_FORMATS:
        deliver(data, output, what=THE_REPORT, inputs=inputs)
    else:
        document = data.decode("utf-8")
        deliver(json_safe(document) if fmt == "json" else visible_lines(document), output, what=THE_REPORT,
                inputs=inputs)
    return 0
