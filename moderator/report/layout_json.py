"""The report's layout as JSON: the document model itself (sections, blocks, styled spans).

This is the layout, not the session's data: a tool gets exactly what the Markdown and HTML
show, in the same order and words. ``version`` changes when the shape does.
"""

from __future__ import annotations

import json
from typing import Any

from moderator.report.model import Block, Bullets, Heading, Paragraph, ReportDocument, Span, Table

JSON_FORMAT_VERSION = 1


def _json_spans(spans: tuple[Span, ...]) -> list[dict[str, str]]:
    return [{"text": span.text, "style": span.style} for span in spans]


def _json_list(bullets: Bullets) -> dict[str, Any]:
    items = []
    for item in bullets.items:
        entry: dict[str, Any] = {"spans": _json_spans(item.spans)}
        if item.children is not None:
            entry["list"] = _json_list(item.children)
        items.append(entry)
    shape: dict[str, Any] = {"type": "list", "ordered": bullets.ordered, "items": items}
    if bullets.ordered and bullets.start != 1:
        shape["start"] = bullets.start
    return shape


def _json_block(block: Block) -> dict[str, Any]:
    if isinstance(block, Heading):
        return {"type": "heading", "level": block.level, "text": block.text}
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "spans": _json_spans(block.spans)}
    if isinstance(block, Table):
        return {"type": "table", "header": list(block.header), "rows": [list(row) for row in block.rows]}
    return _json_list(block)


def render_layout_json(document: ReportDocument) -> str:
    data = {
        "format": "moderator-report",
        "version": JSON_FORMAT_VERSION,
        "language": document.language,
        "title": document.title,
        "sections": [
            {"id": s.id, "heading": s.heading, "blocks": [_json_block(b) for b in s.blocks]}
            for s in document.sections
        ],
        "footer": document.footer,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
