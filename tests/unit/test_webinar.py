"""A Zoom webinar's Q&A and poll reports (``moderator webinar``): questions with their answers among the
audience's, polls as tables, each in its segment; outside the run said; idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from unit.test_transcript import journal_of

from moderator.cli import main
from moderator.report import render_report, render_report_bytes
from moderator.session.runs import load_run
from moderator.session.webinar import WebinarReportError, parse_webinar_report

DATA = Path(__file__).resolve().parents[1] / "data" / "webinar"


def test_the_qa_report_is_read_by_its_column_names() -> None:
    report = parse_webinar_report((DATA / "diesis_es_qa.csv").read_text(encoding="utf-8"))
    first, second, third, _ = report.questions
    assert (first.asker, first.answer, first.answered_by) == ("Jorge Ramírez", "Sí, a través de su red exterior",
                                                              "Paula")
    assert first.asked is not None and first.asked.strftime("%H:%M:%S") == "14:50:03"
    assert second.text == "¿Cómo se mide el impacto, en pocas palabras?" and second.live and second.answer is None
    assert third.answer is None and not third.live


def test_the_poll_report_counts_each_answer() -> None:
    report = parse_webinar_report((DATA / "diesis_es_poll.csv").read_text(encoding="utf-8"))
    first, second = report.polls
    assert first.question == "¿Su organización trabaja ya fuera de su país?" and first.answers == (("Sí", 2), ("No", 1))
    assert second.answers == (("Socios", 2), ("Financiación", 1))


def test_questions_with_answers_in_their_segment_and_polls_as_tables(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    journal = journal_of(tmp_path, "es")
    qa, poll = DATA / "diesis_es_qa.csv", DATA / "diesis_es_poll.csv"
    assert main(["webinar", str(journal), str(qa), "--zone", "Europe/Madrid"]) == 0
    out = capsys.readouterr().out
    assert "4 preguntas del webinar (preguntas y respuestas); se añadieron 3" in out  # a Spanish session: in Spanish
    assert "1 fuera de la sesión, no se añadieron" in out
    assert main(["webinar", str(journal), str(poll), "--zone", "Europe/Madrid"]) == 0
    assert "2 preguntas de encuesta; se añadieron o actualizaron 2" in capsys.readouterr().out
    assert main(["webinar", str(journal), str(qa), "--zone", "Europe/Madrid"]) == 0
    assert "se añadieron 0, 3 ya estaban en el diario" in capsys.readouterr().out
    run = load_run(journal)
    assert [q.segment for q in run.state.webinar_questions] == [3, 8, 8]
    report = render_report(run.programme, run.state)
    assert ("- **Jorge Ramírez**: ¿ACCIÓ apoya también a cooperativas pequeñas? — *21:50*\n"
            "  - **Respuesta de Paula**: Sí, a través de su red exterior") in report
    assert "  - **Respuesta de Samuel DIESIS**: *respondida en directo*" in report
    polls = report[report.index("## Sondeos"):]
    assert "**Sondeo 1 — 8. Debate guiado por el moderador** *(22:30)*" in polls
    assert "| Sí | 2 | 67 % |" in polls and "| Socios | 2 | 67 % |" in polls
    data = json.loads(render_report(run.programme, run.state, "json"))
    assert data["webinar"]["polls"][0]["answers"] == [{"answer": "Sí", "count": 2}, {"answer": "No", "count": 1}]
    assert render_report_bytes(run.programme, run.state, "docx")[:2] == b"PK"


def test_a_report_in_the_wrong_zone_adds_nothing_and_says_so(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    journal = journal_of(tmp_path, "es")
    assert main(["webinar", str(journal), str(DATA / "diesis_es_qa.csv"), "--zone", "America/Bogota"]) == 0
    out = capsys.readouterr().out
    assert "se añadieron 0" in out and "4 fuera de la sesión" in out and "--zone" in out


@pytest.mark.parametrize("text", ["hello\nworld\n", "#,Name\n1,Ana\n", ""])
def test_what_is_not_a_webinar_report_is_refused(text: str) -> None:
    with pytest.raises(WebinarReportError, match="neither a Zoom webinar"):
        parse_webinar_report(text)


def test_bad_file_is_one_line_and_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = journal_of(tmp_path, "es")
    bad = tmp_path / "r.csv"
    bad.write_bytes(b"\x00\x01binary")
    assert main(["webinar", str(journal), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "no es texto" in err and "Traceback" not in err
