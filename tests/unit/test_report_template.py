"""The organizers' own form (``report --format docx --template FORM.docx``), filled and read back with python-docx."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from unit.test_report_golden import SCENARIOS

from moderator.cli import main
from moderator.report.template import TemplateError, render_template
from moderator.session.journal import Journal

ROOT = Path(__file__).resolve().parents[2]
FORM = ROOT / "docs" / "forms" / "gsef-report-form.docx"


def read(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def all_text(word: docx.document.Document) -> str:
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in word.paragraphs] + cells)


def form_with(tmp_path: Path, *lines: str) -> Path:
    """A small form of our own: one paragraph per line."""
    word = docx.Document()
    for line in lines:
        word.add_paragraph(line)
    path = tmp_path / "form.docx"
    word.save(str(path))
    return path


def test_the_gsef_form_is_filled_with_the_diesis_session() -> None:
    engine = SCENARIOS["es"].run()
    word = read(render_template(FORM, engine.programme, engine.state))
    facts = {row.cells[0].text: row.cells[1].text for row in word.tables[0].rows}
    assert facts["Title of the session"].startswith("DIESIS")
    assert facts["Date"] == "7 de octubre de 2021" and facts["Time"] == "21:30–23:00 (Seúl)"
    assert facts["Participants"] == "27" and facts["Language"] == "español"
    paragraphs = [(p.text, p.style.name if p.style is not None else None) for p in word.paragraphs]
    assert ("Samuel (DIESIS)", "Normal") in paragraphs
    presentations = [text for text, style in paragraphs if style == "List Bullet" and " — " in text]
    assert any(text.startswith("Victor — Diálogo internacional") for text in presentations)
    victor = next(i for i, (text, _) in enumerate(paragraphs) if text.startswith("Victor — Diálogo"))
    assert paragraphs[victor + 2] == ("«No solamente somos una herencia: somos el futuro.»", "List Bullet 2")
    # the guiding questions numbered as in every other format, and every note is somewhere
    assert any(text.startswith("2. ¿Qué acciones clave") for text, _ in paragraphs)
    text = all_text(word)
    for note in engine.state.visible_notes():
        assert note.text.strip().splitlines()[0].strip().strip("«»“”\"") in text
    assert "{{" not in text and "{%" not in text  # every placeholder filled
    assert word.paragraphs[0].text.startswith("Local Governments and Social Economy")  # the letterhead kept


def test_the_command_fills_the_form(tmp_path: Path) -> None:
    journal = tmp_path / "live.journal.jsonl"
    writer = Journal(journal)
    SCENARIOS["es"].run(journal=writer)
    writer.close()
    out = tmp_path / "DIESIS.docx"
    assert main(["report", str(journal), "--format", "docx", "--template", str(FORM), "-o", str(out)]) == 0
    assert "Victor — Diálogo internacional" in all_text(read(out.read_bytes()))


def test_what_a_note_holds_stays_text(tmp_path: Path) -> None:
    """Jinja, XML and characters XML cannot hold, typed in a note: printed as typed, never run."""
    engine = SCENARIOS["es"].run()
    engine.add_note("{{ 7 * 7 }} {% raw %} <w:p/> & \ufffe\x01 fin")
    form = form_with(tmp_path, "{%p for point in sections.after_end %}", "{{ point.text }}", "{%p endfor %}")
    text = all_text(read(render_template(form, engine.programme, engine.state)))
    assert "{{ 7 * 7 }} {% raw %} <w:p/> &" in text and "fin" in text and "49" not in text


@pytest.mark.parametrize(("lines", "message"), [
    (["{{ titel }}"], "'titel' is undefined"),
    (["{% for x in %}"], "cannot be filled"),
    (["{{ ''.__class__.__mro__[1].__subclasses__() }}"], "cannot be filled"),  # the sandbox refuses
])
def test_a_broken_or_hostile_form_is_one_clear_error(tmp_path: Path, lines: list[str], message: str) -> None:
    engine = SCENARIOS["es"].run()
    with pytest.raises(TemplateError, match=message):
        render_template(form_with(tmp_path, *lines), engine.programme, engine.state)


def test_bad_use_is_one_line_and_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = tmp_path / "live.journal.jsonl"
    writer = Journal(journal)
    SCENARIOS["es"].run(journal=writer)
    writer.close()
    not_word = tmp_path / "form.docx"
    not_word.write_text("hello", encoding="utf-8")
    assert main(["report", str(journal), "--format", "docx", "--template", str(not_word), "-o",
                 str(tmp_path / "r.docx")]) == 2
    assert "not a Word document" in capsys.readouterr().err
    assert main(["report", str(journal), "--template", str(FORM)]) == 2
    assert "--format docx" in capsys.readouterr().err
    assert not (tmp_path / "r.docx").exists()
