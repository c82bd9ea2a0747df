"""The report as a standalone HTML page (one file, its style inline, nothing fetched).

Every text is escaped, and a note's lines become ``<br>``-separated lines, never markup.
"""

from __future__ import annotations

import html

from moderator.report.model import Block, Bullets, Heading, Paragraph, ReportDocument, Span, SpanStyle, Table
from moderator.report.text import numeric_columns, span_layout, text_lines

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #bbb; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #eee; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
footer { margin-top: 2rem; color: #555; }
""".strip()


def _html_text(text: str) -> str:
    return "<br>".join(html.escape(line) for line in text_lines(text))


def _html_spans(spans: tuple[Span, ...]) -> str:
    out = []
    for span in spans:
        lead, text, trail = span_layout(span.text)
        body = _html_text(text)
        if span.style == SpanStyle.STRONG:
            body = f"<strong>{body}</strong>"
        elif span.style == SpanStyle.EM:
            body = f"<em>{body}</em>"
        elif span.style == SpanStyle.QUOTE:
            body = f'<span class="quote">{body}</span>'
        out.append(lead + body + trail)
    return "".join(out).strip(" ")


def _html_list(bullets: Bullets, out: list[str]) -> None:
    tag = "ol" if bullets.ordered else "ul"
    out.append(f"<{tag}>")
    for item in bullets.items:
        if item.children is None:
            out.append(f"<li>{_html_spans(item.spans)}</li>")
        else:
            out.append(f"<li>{_html_spans(item.spans)}")
            _html_list(item.children, out)
            out.append("</li>")
    out.append(f"</{tag}>")


def _html_block(block: Block, out: list[str]) -> None:
    if isinstance(block, Heading):
        out.append(f"<h{block.level}>{_html_text(block.text)}</h{block.level}>")
    elif isinstance(block, Paragraph):
        out.append(f"<p>{_html_spans(block.spans)}</p>")
    elif isinstance(block, Table):
        numeric = numeric_columns(block.rows) if len(block.header) > 2 else []
        classes = [' class="num"' if numeric and numeric[c] else "" for c in range(len(block.header))]
        out.append("<table>")
        out.append("<thead><tr>" + "".join(f"<th{classes[c]}>{_html_text(text)}</th>"
                                           for c, text in enumerate(block.header)) + "</tr></thead>")
        out.append("<tbody>")
        for row in block.rows:
            out.append("<tr>" + "".join(f"<td{classes[c]}>{_html_text(text)}</td>" for c, text in enumerate(row))
                       + "</tr>")
        out.append("</tbody>")
        out.append("</table>")
    else:
        _html_list(block, out)


def render_html(document: ReportDocument) -> str:
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(document.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_html_text(document.title)}</title>",
        f"<style>\n{_STYLE}\n</style>",
        "</head>",
        "<body>",
        f"<h1>{_html_text(document.title)}</h1>",
    ]
    for section in document.sections:
        out.append(f'<section id="{section.id}">')
        if section.heading:
            out.append(f"<h2>{_html_text(section.heading)}</h2>")
        for block in section.blocks:
            _html_block(block, out)
        out.append("</section>")
    out += [f"<footer><p><em>{_html_text(document.footer)}</em></p></footer>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
