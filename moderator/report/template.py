"""The organizers' own Word form, filled in: ``report --format docx --template FORM.docx``.

Each forum has its form (seed 004 is GSEF's: its letterhead, a table of the session's facts, then
"Summary of presentations", "Screenshots"...). The organizers put placeholders in their own file
(``{{ title }}``, ``{%p for s in presentations %}``...: docxtpl, Jinja in a Word document) and keep
their layout; this fills them from the same report every format renders, so the form says what the
Markdown says. ``docs/report-template.md`` lists every placeholder; ``docs/forms/gsef-report-form.docx``
is seed 004's form with them.

The template is input like any other: Jinja runs sandboxed (no attribute of Python's internals is
reachable from a placeholder), values are escaped as text, characters XML cannot hold are replaced,
and a placeholder the template misspells is an error that names it, not a silent blank.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from moderator.problems import ModeratorError
from moderator.programme.model import Programme
from moderator.programme.plan import planned_end, session_start
from moderator.programme.zones import city_label, zone
from moderator.report.build import build_report, format_date
from moderator.report.data import report_data
from moderator.report.labels import LABELS
from moderator.report.model import Block, Bullets, Item, Paragraph, ReportDocument, Table
from moderator.report.text import xml_text_lines
from moderator.session.state import State

MAX_TEMPLATE_BYTES = 20 * 1024 * 1024


SECTION_IDS = ("session", "speakers", "main_question", "objectives", "summary", "groups", "discussion", "audience",
               "closing", "actions", "key_messages", "way_forward", "polls", "after_end", "other", "timing",
               "screenshots")
"""Every section a report can have: a form may name any of them (empty when the session has none)."""


class TemplateError(ModeratorError):
    """The template is not a Word file, or its placeholders cannot be filled."""


def text_of(item: Item | Paragraph) -> str:
    """An item's or paragraph's text in one line, as every format prints it (quotes' marks included)."""
    return " / ".join(xml_text_lines("".join(span.text for span in item.spans)))


def points(bullets: Bullets | None, level: int = 0) -> list[dict[str, Any]]:
    """Nested bullets flattened, each with its ``level`` (0, 1, 2...) and its number when ordered."""
    if bullets is None:
        return []
    out: list[dict[str, Any]] = []
    for number, item in enumerate(bullets.items, start=bullets.start):
        out.append({"text": text_of(item), "level": level, "number": number if bullets.ordered else None,
                    "indent": "    " * level})
        out += points(item.children, level + 1)
    return out


def _block_points(blocks: tuple[Block, ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for block in blocks:
        if isinstance(block, Bullets):
            out += points(block)
        elif isinstance(block, Paragraph):
            out.append({"text": text_of(block), "level": 0, "number": None, "indent": ""})
    return out


def _entries(blocks: tuple[Block, ...]) -> list[dict[str, Any]]:
    """A section whose first level names someone (presentations, groups, guiding questions): each
    entry's heading, and its points below."""
    out = []
    for block in blocks:
        if isinstance(block, Bullets):
            for number, item in enumerate(block.items, start=block.start):
                out.append({"heading": text_of(item), "number": number if block.ordered else None,
                            "points": points(item.children)})
    return out


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(value: Any) -> Any:
    """Every text in the context without what XML cannot hold (a control, U+FFFE...), as the Word
    report does: a form is filled whatever a note or a name holds."""
    if isinstance(value, str):
        return _NOT_XML.sub("\ufffd", value)
    if isinstance(value, dict):
        return {key: _xml_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_xml_safe(item) for item in value]
    return value


def template_context(programme: Programme, state: State, document: ReportDocument | None = None) -> dict[str, Any]:
    """What a form's placeholders can name (documented in ``docs/report-template.md``)."""
    document = document or build_report(programme, state)
    data = report_data(programme, state)
    sections = {section.id: section for section in document.sections}
    header = next((b for b in sections["session"].blocks if isinstance(b, Table)), None)
    facts = {row[0]: row[1] for row in header.rows} if header is not None else {}

    def section_points(section_id: str) -> list[dict[str, Any]]:
        return _block_points(sections[section_id].blocks) if section_id in sections else []

    def heading(section_id: str) -> str:
        section = sections.get(section_id)
        return section.heading or "" if section is not None else ""

    labels = LABELS[document.language] if document.language in LABELS else LABELS["en"]
    info = programme.session
    start, end = session_start(programme), planned_end(programme)
    tz = zone(info.timezone)
    summary = {
        "title": info.title,
        "event": info.event,
        "type": info.type,
        "language": labels[f"lang_{document.language}"],
        "date": format_date(info.date, document.language),
        "time": f"{start.in_timezone(tz):%H:%M}–{end.in_timezone(tz):%H:%M}",
        "zone": city_label(info.timezone, document.language),
        "participants": str(state.participants) if state.participants is not None else "",
        "moderator": programme.moderator.name,
        "moderator_organization": programme.moderator.organization,
        "rapporteur": programme.rapporteur.name if programme.rapporteur else "",
        "platform": info.platform,
    }
    timing = sections.get("timing")
    timing_table = next((b for b in timing.blocks if isinstance(b, Table)), None) if timing else None
    context: dict[str, Any] = _xml_safe({
        "report_title": document.title,
        "title": programme.session.title,
        "info": summary,
        "session": data["session"],
        "facts": [{"label": label, "value": value} for label, value in facts.items()],
        "fact": facts,
        "moderator": data["moderator"],
        "rapporteur": data["rapporteur"],
        "speakers": data["speakers"],
        "main_question": programme.session.main_question,
        "headings": {section_id: heading(section_id) for section_id in sections},
        "presentations": _entries(sections["summary"].blocks) if "summary" in sections else [],
        "questions": _entries(sections["discussion"].blocks) if "discussion" in sections else [],
        "groups": _entries(sections["groups"].blocks) if "groups" in sections else [],
        "sections": {section_id: section_points(section_id) for section_id in (*SECTION_IDS, *sections)},
        "audience": section_points("audience"),
        "closing": section_points("closing"),
        "actions": section_points("actions"),
        "key_messages": section_points("key_messages"),
        "way_forward": section_points("way_forward"),
        "final": state.final,
        "timing": {
            "header": list(timing_table.header) if timing_table else [],
            "rows": [list(row) for row in timing_table.rows] if timing_table else [],
            "lines": section_points("timing"),
            "data": data["timing"],
        },
        "transcript": data["transcript"],
        "footer": document.footer,
    })
    return context


def render_template(template: Path, programme: Programme, state: State) -> bytes:
    """``template`` (a Word file with docxtpl placeholders) filled with the session's report."""
    from docxtpl import DocxTemplate  # loaded only when a form is filled
    from jinja2 import StrictUndefined
    from jinja2 import TemplateError as JinjaError
    from jinja2.sandbox import SandboxedEnvironment
    from lxml.etree import XMLSyntaxError

    try:
        size = template.stat().st_size
    except OSError as error:
        raise TemplateError(f"{template}: cannot read the template: {error.strerror or error}") from None
    if size > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"{template}: {size / 1024 / 1024:.1f} MB is more than a form can plausibly be")
    try:
        form = DocxTemplate(io.BytesIO(template.read_bytes()))
        form.init_docx()
    except Exception as error:  # python-docx says a non-Word file in many ways (zip, XML, package)
        raise TemplateError(f"{template}: not a Word document (.docx): {type(error).__name__}") from None
    environment = SandboxedEnvironment(undefined=StrictUndefined)
    try:
        form.render(template_context(programme, state), jinja_env=environment, autoescape=True)
    except XMLSyntaxError as error:  # a placeholder cut across Word's runs, or a tag left open
        raise TemplateError(f"{template}: the form's placeholders do not make a Word document once filled "
                            f"({error}); retype each placeholder in one go, without changing its style") from None
    except JinjaError as error:
        line = getattr(error, "lineno", None)
        where = f":{line}" if line else ""
        raise TemplateError(f"{template}{where}: the form's placeholders cannot be filled: {error} "
                            "(see docs/report-template.md for the names)") from None
    buffer = io.BytesIO()
    form.save(buffer)
    return buffer.getvalue()
