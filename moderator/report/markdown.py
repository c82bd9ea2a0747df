"""The report as Markdown: the live ``.report.md`` and ``moderator report``'s default.

Everything in the document is literal text: punctuation that Markdown reads is escaped and
no line of a note can start a block, so a rapporteur's typing never changes the structure.
"""

from __future__ import annotations

import re

from moderator.report.memo import RenderMemo
from moderator.report.model import Block, Bullets, Heading, Paragraph, ReportDocument, Span, SpanStyle, Table
from moderator.report.text import span_layout, text_lines

_PUNCT = r"""!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~"""
_MD_INLINE = re.compile(
    r"\\(?=[" + _PUNCT + r"]|$)"      # a backslash that would escape what follows, or end a line
    r"|`"                             # code spans
    r"|(?<!\s)\*|\*(?!\s|$)"          # an asterisk that can open or close emphasis (not ``5 * 3``)
    r"|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])"  # an underscore at a word's edge (not ``snake_case``)
    r"|^\[|\](?=[(\[:])"              # a link, image or reference: ``[a](b)``, ``[a][b]``, ``[a]: b``
    r"|<(?=[A-Za-z/!?])"              # an HTML tag or autolink (not ``a < b``)
)
"""Inline Markdown that could change what a line means; everything else is left as typed
(``~15 países``, ``snake_case``, ``a < b``, ``[sic]`` need no backslash)."""
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_MD_LEADING = re.compile(r"^(?:[-+=#>]|\d+(?=[.)]))")
"""What starts a block when it begins a line: list items, setext underlines, headings, quotes."""
_BREAK = "\x00"
"""Stands for a line break inside a bullet until the renderer knows the item's indentation."""


_MD_SPECIAL = re.compile(r"[\\`*_\[\]<~|&]")
"""A character some inline escape is about: a line without any needs only the check of its start."""


def _md_escape_line(line: str, *, leading: bool = True, cell: bool = False) -> str:
    if _MD_SPECIAL.search(line) is None:
        if not leading:
            return line
        return _MD_LEADING.sub(lambda m: m.group(0) + "\\" if m.group(0).isdigit() else "\\" + m.group(0), line)
    line = _MD_INLINE.sub(lambda m: "\\" + m.group(0), line)
    if line.count("~") >= 2:  # strikethrough needs a pair
        line = line.replace("~", "\\~")
    if cell or ("|" in line and leading):  # a table cell, or a line a table could be made of
        line = line.replace("|", "\\|")
    line = _MD_ENTITY.sub(r"\\&", line)
    if not leading:
        return line
    return _MD_LEADING.sub(lambda m: m.group(0) + "\\" if m.group(0).isdigit() else "\\" + m.group(0), line)


def md_escape(text: str, *, multiline: bool = False) -> str:
    """Markdown for literal ``text``: punctuation escaped, no line able to start a block.

    A single-line context (heading, bold name) joins lines with `` / ``; ``multiline``
    keeps them as hard line breaks inside the same bullet or paragraph.
    """
    separator = _BREAK if multiline else " / "
    return separator.join(_md_escape_line(line) for line in text_lines(text))


def _md_heading(text: str) -> str:
    """A heading's text: as ``md_escape``, and no ``#`` can close it early."""
    return " / ".join(_md_escape_line(line, leading=False).replace("#", "\\#") for line in text_lines(text))


def _md_cell(text: str) -> str:
    """A table cell: inline escapes only (a cell cannot start a block), lines joined with `` / ``."""
    return " / ".join(_md_escape_line(line, leading=False, cell=True) for line in text_lines(text))


def _md_spans(spans: tuple[Span, ...]) -> str:
    out = []
    for span in spans:
        if span.style == SpanStyle.STRONG or span.style == SpanStyle.EM:
            text = _md_cell(span.text.strip())  # after ** or *, a line's start is no block
            if text:
                mark = "**" if span.style == SpanStyle.STRONG else "*"
                out.append(f"{mark}{text}{mark}")
        else:
            lead, body, trail = span_layout(span.text)
            out.append(lead + md_escape(body, multiline=True) + trail)
    return "".join(out).strip(" ")


def _md_spans_once(spans: tuple[Span, ...], memo: RenderMemo | None) -> str:
    """``_md_spans``, or what it gave for this very tuple in an earlier render (a note unchanged)."""
    if memo is None:
        return _md_spans(spans)
    held, text = memo.markdown.get(id(spans), lambda: (spans, _md_spans(spans)))
    return text if held is spans else _md_spans(spans)


def _md_block(block: Block, out: list[str], memo: RenderMemo | None = None) -> None:
    if isinstance(block, Heading):
        out.append(f"{'#' * block.level} {_md_heading(block.text)}")
    elif isinstance(block, Paragraph):
        out.append(_md_spans(block.spans).replace(_BREAK, "\\\n"))
    elif isinstance(block, Table):
        out.append("| " + " | ".join(_md_cell(c) for c in block.header) + " |")
        out.append("|" + "|".join("---" for _ in block.header) + "|")
        for row in block.rows:
            out.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
    else:
        _md_list(block, "", out, memo)


def _md_list(bullets: Bullets, indent: str, out: list[str], memo: RenderMemo | None = None) -> None:
    for number, item in enumerate(bullets.items, start=bullets.start):
        marker = f"{number}. " if bullets.ordered else "- "
        inner = indent + " " * len(marker)
        text = _md_spans_once(item.spans, memo)
        out.append(indent + marker + (text.replace(_BREAK, "\\\n" + inner) if _BREAK in text else text))
        if item.children is not None:
            _md_list(item.children, inner, out, memo)


def render_markdown(document: ReportDocument, memo: RenderMemo | None = None) -> str:
    """The document as Markdown; ``memo`` (see ``report.memo``) reuses an unchanged note's text."""
    out = [f"# {_md_heading(document.title)}", ""]
    for section in document.sections:
        if section.heading:
            out += [f"## {_md_heading(section.heading)}", ""]
        for block in section.blocks:
            _md_block(block, out, memo)
            out.append("")
    out.append(f"*{md_escape(document.footer)}*")
    return "\n".join(out) + "\n"
