"""The report as a Word document, laid out like the organizers' own form (seed 004).

Organizers collect reports as ``.docx`` files: a bold title, a two-column table with the
session's facts, then the headings of the form (moderator, speakers, main question, summary
of presentations) with nested bullets, quotes in italics, and the timing table. This renderer
walks the same ``ReportDocument`` as Markdown and HTML, so the three cannot disagree; it only
chooses Word's own styles (``Title``, ``Heading 2``, ``List Bullet 2``...), so the document
looks at home in Word, LibreOffice or Google Docs, and whoever edits it finds the styles they know.

Text stays text: python-docx writes every string as a run's text (never as markup), and
control characters a note might hold are made spaces, and the other characters XML cannot hold
(U+FFFE, U+FFFF, lone surrogates) U+FFFD (``report.text.xml_text_lines``): no note, name or chat
message can stop the Word file from being written.
The language of the session is set on the document's default style, so spelling is checked
in the right language.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Inches, Length, Mm, Pt, RGBColor

from moderator.report.model import Block, Bullets, Heading, Paragraph, ReportDocument, Span, SpanStyle, Table
from moderator.report.text import numeric_columns, span_layout, xml_text_lines

MAX_LIST_LEVEL = 3
"""Word's default template has three levels of bullet and numbered list styles."""
PAPER = {"a4": (Mm(210), Mm(297), Mm(25)), "letter": (Inches(8.5), Inches(11), Inches(1))}
"""Width, height and the margin on every side of each paper size (``ReportDocument.paper``)."""
MAX_COLUMN_NEED = 30
"""Characters beyond which a column's text wraps rather than taking more of the page."""
CELL_PADDING = 4
"""A cell's margins and borders, in characters."""
_LANGUAGE_TAGS = {"en": "en-GB", "es": "es-ES", "fr": "fr-FR"}


_ATTRIBUTE = {'"': "&quot;"}

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FIXED_CREATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def render_docx(document: ReportDocument) -> bytes:
    """The report as the bytes of a ``.docx`` file; the same document gives the same bytes."""
    word = Document()
    _set_language(word, _LANGUAGE_TAGS.get(document.language, document.language))
    properties = word.core_properties
    properties.title = _one_line(document.title)
    properties.language = document.language
    properties.author = properties.last_modified_by = "moderator"
    properties.created = properties.modified = _FIXED_CREATED
    properties.revision = 1
    page_width = _set_paper(word, document.paper)
    title = word.add_paragraph(style="Title")
    title.add_run(_one_line(document.title))
    for section in document.sections:
        if section.heading:
            word.add_heading(_one_line(section.heading), level=2)
        for block in section.blocks:
            _block(word, block, page_width)
    _flush(word)
    footer = word.add_paragraph()
    run = footer.add_run(_one_line(document.footer))
    run.italic = True
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    buffer = io.BytesIO()
    word.save(buffer)
    return _reproducible(buffer.getvalue())


def _reproducible(data: bytes) -> bytes:
    """The same archive with every entry dated alike: python-docx stamps them with the current time,
    which would make two renderings of one report differ, and the report a function of the clock."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _set_language(word: object, tag: str) -> None:
    """The language Word checks spelling in: on the default run properties of ``Normal``."""
    styles = word.styles  # type: ignore[attr-defined]
    r_pr = styles["Normal"].element.get_or_add_rPr()
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = r_pr.makeelement(qn("w:lang"), {})
        r_pr.append(lang)
    lang.set(qn("w:val"), tag)


def _one_line(text: str) -> str:
    return " / ".join(xml_text_lines(text))


def _set_paper(word: object, paper: str) -> Length:
    """Lay every section of the document on ``paper`` with even margins; the text width left."""
    width, height, margin = PAPER.get(paper, PAPER["a4"])
    for section in word.sections:  # type: ignore[attr-defined]
        section.page_width, section.page_height = width, height
        section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = margin
    return Length(width - 2 * margin)


def _block(word: object, block: Block, page_width: Length) -> None:
    if isinstance(block, Heading):
        _flush(word)
        word.add_heading(_one_line(block.text), level=min(block.level, 4))  # type: ignore[attr-defined]
    elif isinstance(block, Paragraph):
        _spans(_paragraph(word, None), block.spans)
    elif isinstance(block, Table):
        _flush(word)
        _table(word, block, page_width)
    else:
        _list(word, block, 1)


def _paragraph(word: object, style: str | None) -> list[str]:
    """A new paragraph at the end of the body, in ``style`` (a style's name), written as WordprocessingML
    text: its runs are added to the list returned, and the paragraphs waiting are parsed together
    (``_flush``) before anything else is added to the body.

    python-docx's ``add_paragraph(style=...)`` looks the style up and walks the body for each
    paragraph, and building elements one by one costs tens of microseconds each: a report of
    100,000 chat messages took more than 18 minutes. The XML Word reads is the same."""
    pending: list[list[str]] = word.__dict__.setdefault("_moderator_pending", [])
    paragraph = ["<w:p>"]
    if style is not None:
        paragraph.append(f'<w:pPr><w:pStyle w:val="{escape(_style_id(word, style), _ATTRIBUTE)}"/></w:pPr>')
    pending.append(paragraph)
    return paragraph


def _flush(word: object) -> None:
    """Parse the paragraphs written since the last flush, in one go, and put them at the body's end."""
    pending: list[list[str]] = word.__dict__.get("_moderator_pending", [])
    if not pending:
        return
    body = word.element.body  # type: ignore[attr-defined]
    fragment = parse_xml(f"<w:body {nsdecls('w')}>" + "".join("".join(p) + "</w:p>" for p in pending) + "</w:body>")
    pending.clear()
    end = word.__dict__.get("_moderator_end", False)
    if end is False:  # the section properties close the body; found once (it takes a walk of the body)
        end = word.__dict__["_moderator_end"] = body.sectPr
    for paragraph in list(fragment):
        if end is not None:
            end.addprevious(paragraph)
        else:
            body.append(paragraph)


def _style_id(word: object, name: str) -> str:
    """A style's id from its name, looked up once per document (the lookup walks every style)."""
    cache: dict[str, str] = word.__dict__.setdefault("_moderator_style_ids", {})
    if name not in cache:
        cache[name] = word.styles[name].style_id  # type: ignore[attr-defined]
    return cache[name]


def _run(paragraph: list[str], lines: list[str], *, lead: str = "", trail: str = "", bold: bool = False,
         italic: bool = False) -> None:
    """A run of text: ``lead``, the lines with a line break between them, ``trail``."""
    paragraph.append("<w:r>")
    if bold or italic:
        paragraph.append("<w:rPr>" + ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "") + "</w:rPr>")
    texts = list(lines) or [""]
    texts[0] = lead + texts[0]
    texts[-1] += trail
    for number, text in enumerate(texts):
        if number:
            paragraph.append("<w:br/>")
        if text:
            space = ' xml:space="preserve"' if text != text.strip() else ""
            paragraph.append(f"<w:t{space}>{escape(text)}</w:t>")
    paragraph.append("</w:r>")


def _spans(paragraph: list[str], spans: tuple[Span, ...]) -> None:
    """Add ``spans`` as runs; a note's lines become line breaks inside the same paragraph."""
    pieces = [(span, *span_layout(span.text)) for span in spans]
    if pieces:  # no space before the first span nor after the last one
        first, last = pieces[0], pieces[-1]
        pieces[0] = (first[0], "", first[2], first[3])
        pieces[-1] = (last[0], last[1] if len(pieces) > 1 else "", last[2], "")
    for span, lead, body, trail in pieces:
        lines = xml_text_lines(body)
        if not lines and not (lead or trail):
            continue
        _run(paragraph, lines, lead=lead, trail=trail, bold=span.style is SpanStyle.STRONG,
             italic=span.style in (SpanStyle.EM, SpanStyle.QUOTE))


def _list(word: object, bullets: Bullets, level: int) -> None:
    """Bullets in Word's ``List Bullet`` styles; a numbered list writes its own numbers (in the
    ``List Continue`` styles), since Word's ``List Number`` would go on counting from the list before."""
    base = "List Continue" if bullets.ordered else "List Bullet"
    style = base if level == 1 else f"{base} {min(level, MAX_LIST_LEVEL)}"
    for number, item in enumerate(bullets.items, start=bullets.start):
        paragraph = _paragraph(word, style)
        if bullets.ordered:
            _run(paragraph, [f"{number}. "])
        _spans(paragraph, item.spans)
        if item.children is not None:
            _list(word, item.children, level + 1)


def _table(word: object, block: Table, page_width: Length) -> None:
    key_value = len(block.header) == 2  # the form's header: a label column, then the value
    # A column no row fills (a speakers' "Role" nobody gave) only takes room on paper.
    kept = [c for c in range(len(block.header)) if key_value or any(row[c].strip() for row in block.rows)]
    header = [block.header[c] for c in kept]
    rows = [[row[c] for c in kept] for row in block.rows]
    columns = len(kept)
    table = word.add_table(rows=1 + len(rows), cols=columns)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = _column_widths(header, rows, key_value, page_width)
    for column, text in enumerate(header):
        _cell_text(table.cell(0, column), text, bold=True, small=not key_value)
    numeric = numeric_columns(rows) or [False] * columns
    for row_number, row in enumerate(rows, start=1):
        for column, text in enumerate(row):
            _cell_text(table.cell(row_number, column), text, bold=key_value and column == 0,
                       right=not key_value and numeric[column], small=not key_value)
    for column, width in enumerate(widths):  # the grid for LibreOffice, each cell for Word
        table.columns[column].width = width
        for cell in table.columns[column].cells:
            cell.width = width
    if not key_value:  # the timing and speakers tables: repeat the header row on every page
        header_row = table.rows[0]._tr
        tr_pr = header_row.get_or_add_trPr()
        tr_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {}))
    word.add_paragraph()  # type: ignore[attr-defined]


def _column_widths(header: list[str], rows: list[list[str]], key_value: bool, page_width: Length) -> list[Emu]:
    """Room by need: the form's labels take a third; elsewhere each column gets a share of the
    page after its longest word or short value, so numbers stay on one line and titles get the rest."""
    if key_value:
        return [Emu(int(page_width * 0.34)), Emu(int(page_width * 0.66))]
    needs = []
    for column, title in enumerate(header):
        cells = [row[column] for row in rows]
        longest_word = max((len(word) for text in [title, *cells] for word in text.split()), default=1)
        longest_text = max((len(text) for text in cells), default=1)
        needs.append(max(longest_word, min(longest_text, MAX_COLUMN_NEED)) + CELL_PADDING)
    total = sum(needs)
    return [Emu(int(page_width * need / total)) for need in needs]


def _cell_text(cell: object, text: str, *, bold: bool = False, right: bool = False, small: bool = False) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    run = paragraph.add_run()
    for number, line in enumerate(xml_text_lines(text)):
        if number:
            run.add_break()
        run.add_text(line)
    run.bold = bold or None
    if small:  # the timing and speakers tables: seven columns on a page
        run.font.size = Pt(9)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
