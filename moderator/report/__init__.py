"""The rapporteur's report: a pure function of the programme and the session's state.

``model`` is the document, ``build`` lays it out, ``markdown``, ``html``, ``docx`` (Word) and
``layout_json`` (internal) render it, ``data`` gives the session's facts as JSON, ``render``
picks the renderer by format name, ``labels`` holds the words in each
language and ``live`` rewrites the report file while a session runs.

The public names below are loaded on first use (PEP 562), so that the console, which imports
``moderator.report.live`` at start-up, pays for building and rendering only when it first writes.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from moderator.report.build import build_report, format_date
    from moderator.report.model import ReportDocument
    from moderator.report.render import FORMATS, TEXT_FORMATS, render_report, render_report_bytes

__all__ = ["FORMATS", "TEXT_FORMATS", "ReportDocument", "build_report", "format_date", "render_report",
           "render_report_bytes"]

_HOMES = {
    "FORMATS": "moderator.report.render",
    "render_report": "moderator.report.render",
    "render_report_bytes": "moderator.report.render",
    "TEXT_FORMATS": "moderator.report.render",
    "build_report": "moderator.report.build",
    "format_date": "moderator.report.build",
    "ReportDocument": "moderator.report.model",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
