"""One entry point for every report format: build the document once, hand it to a renderer.

``md`` and ``html`` are text; ``json`` is the session's data (``report.data``), not a layout;
``docx`` is a Word file, so bytes: ``render_report_bytes`` gives any format as the bytes to write.
"""

from __future__ import annotations

from collections.abc import Callable

from moderator.programme.model import Programme
from moderator.report.build import build_report
from moderator.report.html import render_html
from moderator.report.markdown import render_markdown
from moderator.report.memo import RenderMemo
from moderator.report.model import ReportDocument
from moderator.session.state import State

_TEXT_RENDERERS: dict[str, Callable[[ReportDocument], str]] = {
    "md": render_markdown,
    "html": render_html,
}
TEXT_FORMATS = (*_TEXT_RENDERERS, "json")
BINARY_FORMATS = ("docx",)
FORMATS = (*TEXT_FORMATS, *BINARY_FORMATS)
"""The names ``moderator report --format`` accepts, the default first."""


def render_report(programme: Programme, state: State, fmt: str = "md", memo: RenderMemo | None = None) -> str:
    """The report as Markdown (``md``), a standalone HTML page (``html``) or the session's data (``json``).

    ``memo``: kept by the live report between renders of one programme (``report.memo``), so that
    a rewrite costs what changed since the last; the text is the same with or without it."""
    if fmt == "json":
        from moderator.report.data import render_data_json

        return render_data_json(programme, state)
    if fmt not in _TEXT_RENDERERS:
        raise ValueError(f"unknown text report format {fmt!r}; use one of {', '.join(TEXT_FORMATS)}")
    document = build_report(programme, state, memo)
    text = render_markdown(document, memo) if fmt == "md" else _TEXT_RENDERERS[fmt](document)
    if memo is not None:
        memo.finish()
    return text


def render_report_bytes(programme: Programme, state: State, fmt: str = "md") -> bytes:
    """Any format as the bytes of its file: UTF-8 text, or a Word document for ``docx``."""
    if fmt == "docx":
        from moderator.report.docx import render_docx  # python-docx is loaded only for Word output

        return render_docx(build_report(programme, state))
    if fmt not in TEXT_FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    return render_report(programme, state, fmt).encode("utf-8")
