"""The report in Word: read back with python-docx, it says what the Markdown says, laid out like the form."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.text.paragraph import Paragraph
from unit.test_report_golden import SCENARIOS

from moderator.report import build_report, render_report_bytes
from moderator.report.docx import render_docx
from moderator.report.model import Bullets, ReportDocument
from moderator.session.chat import chat_kind
from moderator.session.zoom_chat import assign_dates, parse_zoom_chat


def style_of(paragraph: Paragraph) -> str:
    """The name of a paragraph's style (every paragraph of ours has one)."""
    assert paragraph.style is not None and paragraph.style.name is not None
    return str(paragraph.style.name)


def read(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def diesis_with_chat():
    engine = SCENARIOS["es"].run()
    chat = ("14:50:03 De  Jorge Ramírez  a  Todos : ¿ACCIÓ apoya también a cooperativas pequeñas?\n"
            "15:48:55 De  Lucía Fernández  a  Todos : Hola desde Barcelona\n")
    parsed = parse_zoom_chat(chat)
    engine.add_chat_messages(assign_dates(parsed.messages, engine.programme.session.date, "Europe/Madrid"))
    return engine


def test_the_header_table_is_the_forms_first_page() -> None:
    engine = diesis_with_chat()
    word = read(render_report_bytes(engine.programme, engine.state, "docx"))
    header = word.tables[0]
    rows = {row.cells[0].text: row.cells[1].text for row in header.rows}
    assert rows["Título de la sesión"].startswith("DIESIS")
    assert rows["Tipo de sesión"] == "Self-organised session"
    assert rows["Idioma"] == "español"
    assert rows["Fecha"] == "7 de octubre de 2021"
    assert rows["Hora (Seúl)"] == "21:30–23:00" and rows["Hora (Ciudad de México)"] == "07:30–09:00"
    assert rows["Participantes"] == "27"
    assert rows["Moderación"] == "Samuel — DIESIS"
    assert header.rows[1].cells[0].paragraphs[0].runs[0].bold  # labels in bold, as on the form


def test_headings_bullets_and_quotes_use_words_own_styles() -> None:
    engine = diesis_with_chat()
    word = read(render_report_bytes(engine.programme, engine.state, "docx"))
    paragraphs = word.paragraphs
    assert style_of(paragraphs[0]) == "Title" and paragraphs[0].text == "Informe de relatoría"
    headings = [p.text for p in paragraphs if style_of(p) == "Heading 2"]
    assert headings[:4] == ["Ponentes", "Pregunta principal", "Resumen de las presentaciones", "Debate"]
    assert "Preguntas del público" in headings and "Control del tiempo" in headings
    # speakers first level, their notes nested one level down
    victor = next(p for p in paragraphs if p.text.startswith("Victor — "))
    assert style_of(victor) == "List Bullet" and victor.runs[0].bold
    nested = paragraphs[paragraphs.index(victor) + 1]
    assert style_of(nested) == "List Bullet 2"
    quote = next(p for p in paragraphs if p.text.startswith("«"))
    assert all(run.italic for run in quote.runs if run.text.strip())
    # the chat's question with the participant's name, under the audience's questions
    asked = next(p for p in paragraphs if "ACCIÓ apoya" in p.text)
    assert asked.text.startswith("Jorge Ramírez: ") and asked.runs[0].bold


def test_the_timing_table_adds_up_and_sets_numbers_flush_right() -> None:
    engine = diesis_with_chat()
    word = read(render_report_bytes(engine.programme, engine.state, "docx"))
    timing = next(t for t in word.tables if t.rows[0].cells[0].text == "N.º")
    body = timing.rows[1:-1]
    total = timing.rows[-1]
    assert total.cells[1].text == "Total"

    def seconds(text: str) -> int:
        sign = -1 if text.startswith("-") else 1
        minutes, secs = text.lstrip("+-").split(":")[-2:]
        hours = text.lstrip("+-").split(":")[:-2]
        return sign * ((int(hours[0]) if hours else 0) * 3600 + int(minutes) * 60 + int(secs))

    assert sum(seconds(row.cells[6].text) for row in body) == seconds(total.cells[6].text) == -65
    assert sum(seconds(row.cells[5].text) for row in body) == seconds(total.cells[5].text)
    assert body[0].cells[6].paragraphs[0].alignment is not None  # right-aligned
    assert body[0].cells[1].paragraphs[0].alignment is None


def test_the_document_is_in_the_sessions_language_and_reproducible() -> None:
    engine = diesis_with_chat()
    first = render_report_bytes(engine.programme, engine.state, "docx")
    assert first == render_report_bytes(engine.programme, engine.state, "docx")
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        styles = archive.read("word/styles.xml").decode()
    assert 'w:val="es-ES"' in styles
    assert read(first).core_properties.language == "es"


@pytest.mark.parametrize("language", sorted(SCENARIOS))
def test_every_note_of_the_markdown_is_in_the_word_file(language: str) -> None:
    engine = SCENARIOS[language].run()
    document = build_report(engine.programme, engine.state)
    word = read(render_docx(document))
    text = "\n".join(p.text for p in word.paragraphs) + "\n".join(
        cell.text for table in word.tables for row in table.rows for cell in row.cells)
    for note in engine.state.visible_notes():
        first_line = note.text.strip().splitlines()[0].strip()
        assert first_line.strip("«»“”\"") in text, first_line


def test_hostile_text_is_text() -> None:
    document = ReportDocument("en", "Report <w:p/>", (), "footer \x07 & <b>")
    word = read(render_docx(document))
    assert word.paragraphs[0].text == "Report <w:p/>"
    assert word.paragraphs[-1].text == "footer   & <b>"  # the bell, which XML cannot hold, is a space


def test_nested_lists_deeper_than_word_has_styles_stay_at_the_deepest() -> None:
    from moderator.report.model import Item, Section, Span

    def level(text: str, inner: Bullets | None = None) -> Bullets:
        return Bullets((Item((Span(text),), inner),))

    deep = level("1", level("2", level("3", level("4"))))
    word = read(render_docx(ReportDocument("en", "T", (Section("s", "S", (deep,)),), "f")))
    styles = [style_of(p) for p in word.paragraphs if p.text in "1234" and p.text]
    assert styles == ["List Bullet", "List Bullet 2", "List Bullet 3", "List Bullet 3"]


def test_chat_kinds() -> None:
    assert chat_kind("¿Habrá grabación?") == "question"
    assert chat_kind("Pregunta: cómo se mide el impacto") == "question"
    assert chat_kind("Hola desde Barcelona") == "note"


def test_the_live_report_keeps_a_word_copy_beside_the_markdown(tmp_path) -> None:
    from moderator.report.live import LiveReport

    scenario = SCENARIOS["es"]
    live: list[LiveReport] = []

    def attach(engine) -> None:
        report = LiveReport(engine.programme, tmp_path / "live.report.md", engine.state,
                            docx_path=tmp_path / "live.report.docx")
        engine.subscribe(report.on_event)
        live.append(report)

    engine = scenario.run(attach=attach)
    assert live[0].flush(timeout=20)
    live[0].close()
    assert live[0].problem is None
    assert (tmp_path / "live.report.docx").read_bytes() == render_report_bytes(engine.programme, engine.state, "docx")
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, nothing left behind


def test_a_followed_chat_that_is_not_text_is_a_problem_not_a_crash(tmp_path) -> None:
    import datetime as dt

    from moderator.session.chat_follow import ChatFollower

    chat = tmp_path / "chat.txt"
    follower = ChatFollower(chat, "UTC", dt.date(2021, 10, 7))
    assert follower.poll() == () and follower.problem is None  # not written yet
    chat.write_bytes(b"\x00\x01\x02")
    assert follower.poll() == () and "not text" in (follower.problem or "")
    chat.write_text("10:00:00 From  A  to  Everyone : hi\n", encoding="utf-8")
    (message,) = follower.poll()
    assert message.message.sender == "A" and follower.problem is None


NOT_XML = "\ufffe\uffff\x00\x01\x0b\x0c\x1b\ud800"


@pytest.mark.attack("A26")
def test_characters_xml_cannot_hold_never_stop_the_word_file() -> None:
    """U+FFFE, U+FFFF, C0 controls and a lone surrogate in a note, a chat message and a sender:
    the Word file is still written, and the words around them are all there."""
    engine = diesis_with_chat()
    engine.add_note(f"antes{NOT_XML}después")
    parsed = parse_zoom_chat(f"15:00:00 De  Ana{NOT_XML[:2]}  a  Todos : hola\ufffe mundo\n")
    engine.add_chat_messages(assign_dates(parsed.messages, engine.programme.session.date, "Europe/Madrid"))
    word = read(render_report_bytes(engine.programme, engine.state, "docx"))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "antes" in text and "después" in text and "mundo" in text
    assert "\ufffe" not in text and "\uffff" not in text


def test_the_live_word_copy_survives_a_character_xml_cannot_hold(tmp_path) -> None:
    """``run --docx``: after such a note the Word copy keeps following the session."""
    from moderator.report.live import LiveReport

    engine = SCENARIOS["es"].run()
    report = LiveReport(engine.programme, tmp_path / "live.report.md", engine.state,
                        docx_path=tmp_path / "live.report.docx")
    engine.subscribe(report.on_event)
    engine.add_note("roto \ufffe aquí")
    engine.add_note("la nota siguiente")
    assert report.flush(timeout=20)
    report.close()
    assert report.problem is None
    text = "\n".join(p.text for p in read((tmp_path / "live.report.docx").read_bytes()).paragraphs)
    assert "la nota siguiente" in text


def test_paper_is_a4_outside_the_united_states_and_letter_inside() -> None:
    engine = diesis_with_chat()  # Seoul
    section = read(render_report_bytes(engine.programme, engine.state, "docx")).sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    word = read(render_docx(ReportDocument("en", "T", (), "f", paper="letter")))
    width = word.sections[0].page_width
    assert width is not None and round(width.inches, 2) == 8.5


def test_guiding_questions_keep_the_programmes_numbers_in_word() -> None:
    """Numbered across rounds as Markdown and the console number them (the second round starts at 3, not 1)."""
    from moderator.report.model import Item, Section, Span

    numbered = Bullets((Item((Span("third"),)), Item((Span("fourth"),))), ordered=True, start=3)
    word = read(render_docx(ReportDocument("en", "T", (Section("s", "S", (numbered,)),), "f")))
    assert [p.text for p in word.paragraphs if p.text.endswith(("third", "fourth"))] == ["3. third", "4. fourth"]
