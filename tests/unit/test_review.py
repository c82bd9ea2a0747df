"""The review of an ended session (``moderator.session.review``): every change one journal event, every
format re-rendered from the journal; and a golden report with transcript quotes and summaries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from unit.test_report_golden import check_golden
from unit.test_transcript import DATA, journal_of

from moderator.cli import main
from moderator.report import render_report
from moderator.session.engine import CommandRefused
from moderator.session.journal import read_journal
from moderator.session.review import (
    Entry,
    entries,
    mark_final,
    merge_notes,
    move_before,
    move_note,
    promote_to_quote,
    window,
    write_text,
)
from moderator.session.runs import load_run, open_for_adding


def reviewed_diesis(tmp_path: Path) -> Path:
    """The DIESIS session with its transcript, reviewed as a rapporteur would."""
    journal = journal_of(tmp_path, "es")
    main(["transcript", str(journal), str(DATA / "diesis_es_transcript.vtt"), "--started", "21:32"])
    target = open_for_adding(journal, busy_hint="")
    try:
        engine = target.engine
        victor = next(line for line in engine.state.transcript if line.text.startswith("No solamente"))
        promote_to_quote(engine, victor.number)
        write_text(engine, "summary:victor", "La economía social ya tiene las piezas del puzzle: apoyo político, "
                                             "un sector estructurado y un plan de acción europeo.")
        write_text(engine, "summary:paula", "ACCIÓ abre su red exterior a las organizaciones de la ESS.")
        write_text(engine, "key_messages", "La internacionalización es aprendizaje entre pares\n"
                                           "- Lo local construye la confianza")
        write_text(engine, "way_forward", "Abrir la convocatoria SILK en enero")
        paula = [n for n in engine.state.visible_notes() if n.speaker == "paula"]
        merge_notes(engine, paula[1].id, paula[2].id)  # "apoyo comercial..." + "cofinanciada..."
        mark_final(engine)
    finally:
        target.journal.close()
    return journal


def test_the_review_is_journaled_and_every_format_renders_it(tmp_path: Path) -> None:
    journal = reviewed_diesis(tmp_path)
    kinds = [event.TYPE.value for event in read_journal(journal).events]
    assert kinds[-8:] == ["note_added", "review_text", "review_text", "review_text", "review_text",
                          "note_edited", "note_deleted", "report_final"]
    run = load_run(journal)
    report = render_report(run.programme, run.state)
    check_golden("diesis-es-reviewed.md", report)
    victor = report[report.index("- **Victor** — "):report.index("- **Camila** — ")]
    assert "**Resumen**: La economía social ya tiene las piezas del puzzle" in victor
    assert victor.count("«No solamente somos una herencia") == 2  # typed live, and the transcript's words
    assert "## Mensajes clave\n\n- La internacionalización es aprendizaje entre pares\n" in report
    assert "## Próximos pasos\n\n- Abrir la convocatoria SILK en enero" in report
    assert "Notas tomadas después" not in report  # the quote belongs to Victor's talk, not after the end
    assert "revisado por la relatoría" in report
    data = json.loads(render_report(run.programme, run.state, "json"))
    assert data["review"]["final"] and data["review"]["summaries"]["victor"].startswith("La economía social")


def test_moving_and_reordering_notes(tmp_path: Path) -> None:
    journal = journal_of(tmp_path, "es")
    target = open_for_adding(journal, busy_hint="")
    try:
        engine = target.engine
        asked = next(n for n in engine.state.visible_notes() if n.question is not None)
        move_note(engine, asked.id, Entry("Camila", person="camila"))
        camila = window(engine.programme, engine.state, Entry("Camila", person="camila")).notes
        moved = next(n for n in camila if n.id == asked.id)
        assert moved.question is None
        first = camila[0]
        move_before(engine, moved.id, list(camila), -[n.id for n in camila].index(moved.id))  # to the top
        assert window(engine.programme, engine.state, Entry("", person="camila")).notes[0].id == moved.id
        question = next(e for e in entries(engine.programme) if e.question == ("principal", 1))
        move_note(engine, first.id, question)
        assert first.id in [n.id for n in window(engine.programme, engine.state, question).notes]
        with pytest.raises(CommandRefused):
            write_text(engine, "summary:nobody", "x")
        with pytest.raises(CommandRefused):
            promote_to_quote(engine, 99)
    finally:
        target.journal.close()
    run = load_run(journal)
    report = render_report(run.programme, run.state)
    camila_part = report[report.index("- **Camila** — "):report.index("- **Mariana** — ")]
    assert camila_part.index("el nivel local") < camila_part.index("Equal exchange")
    assert "Un poco por la experiencia" not in camila_part  # moved to the second guiding question


def test_the_window_of_a_speaker_and_of_a_question(tmp_path: Path) -> None:
    journal = journal_of(tmp_path, "es")
    main(["transcript", str(journal), str(DATA / "diesis_es_transcript.vtt"), "--started", "21:32"])
    main(["chat", str(journal), str(Path(__file__).resolve().parents[1] / "data" / "zoom_chat" /
                                     "diesis_es_oneline.txt"), "--zone", "Europe/Madrid"])
    run = load_run(journal)
    labels = [entry.label for entry in entries(run.programme)]
    assert labels[:5] == ["Paula", "Victor", "Camila", "Mariana", "Samuel"] and labels[5].startswith("1. ¿Cuáles")
    paula = window(run.programme, run.state, Entry("Paula", person="paula"))
    assert [line.text[:5] for line in paula.transcript] == ["ACCIÓ"]
    assert [m.sender for m in paula.chat] == ["Jorge Ramírez"]
    first = window(run.programme, run.state, Entry("1", question=("principal", 0)))
    assert {line.speaker for line in first.transcript} == {"victor", "mariana"}
