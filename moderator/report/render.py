"""One entry point for every report format: build the document once, hand it to a renderer."""

from __future__ import annotations

from collections.abc import Callable

from moderator.programme.model import Programme
from moderator.report.build import build_report
from moderator.report.html import render_html
from moderator.report.layout_json import render_layout_json
from moderator.report.markdown import render_markdown
from moderator.report.model import ReportDocument
from moderator.session.state import State

_RENDERERS: dict[str, Callable[[ReportDocument], str]] = {
    "md": render_markdown,
    "html": render_html,
    "json": render_layout_json,
}
FORMATS = tuple(_RENDERERS)
"""The names ``moderator report --format`` accepts, the default first."""


def render_report(programme: Programme, state: State, fmt: str = "md") -> str:
    """The report as Markdown (``md``), a standalone HTML page (``html``) or its layout as ``json``."""
    if fmt not in _RENDERERS:
        raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    return _RENDERERS[fmt](build_report(programme, state))
