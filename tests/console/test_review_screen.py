"""``moderator review``, driven by Pilot: the DIESIS session with its transcript and chat, reviewed key by key;
every change lands in the journal and the report re-renders from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from unit.test_report_golden import SCENARIOS

from moderator.cli import main
from moderator.report import render_report
from moderator.session.journal import Journal, read_journal
from moderator.session.runs import load_run, open_for_adding
from moderator.tui.review import ReviewApp, TextDialog

TESTS = Path(__file__).resolve().parents[1]

DATA = TESTS / "data"


@pytest.fixture
def diesis(tmp_path: Path) -> Path:
    journal = tmp_path / "live.journal.jsonl"
    writer = Journal(journal)
    SCENARIOS["es"].run(journal=writer)
    writer.close()
    assert main(["transcript", str(journal), str(DATA / "transcripts" / "diesis_es_transcript.vtt"),
                 "--started", "21:32"]) == 0
    assert main(["chat", str(journal), str(DATA / "zoom_chat" / "diesis_es_oneline.txt"), "--zone",
                 "Europe/Madrid"]) == 0
    return journal


def column(app: ReviewApp, name: str) -> list[str]:
    return [str(item.query_one("Label").render()) for item in app.query_one(f"#{name}").children]


async def test_review_side_by_side_then_quote_summary_key_messages_and_final(diesis: Path) -> None:
    target = open_for_adding(diesis, busy_hint="")
    try:
        app = ReviewApp(target.engine)
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            # Paula first: her notes, the chat of her talk, and the transcript of it, side by side
            assert column(app, "notes")[0].startswith("ACCIO: delegación")
            assert column(app, "chat") == ["Jorge Ramírez: ¿ACCIÓ apoya también a cooperativas pequeñas?"]
            assert column(app, "transcript")[0].startswith("Paula Pérez (ACCIÓ): ACCIÓ tiene delegaciones")
            await pilot.press("down")  # Victor
            await pilot.pause()
            assert any(line.startswith("Víctor Meseguer: No solamente") for line in column(app, "transcript"))
            # promote Victor's transcript line to a quote
            await pilot.press("tab", "tab", "tab")  # entries -> notes -> chat -> transcript
            await pilot.pause()
            assert app.focused is not None and app.focused.id == "transcript"
            await pilot.press("p")
            await pilot.pause()
            assert "No solamente somos una herencia: somos el futuro." in column(app, "notes")
            # his summary
            await pilot.press("s")
            await pilot.pause()
            assert isinstance(app.screen, TextDialog)
            await pilot.press(*"Tenemos todas las piezas del puzzle")
            await pilot.press("ctrl+s")
            await pilot.pause()
            # the key messages, and the report marked final
            await pilot.press("k")
            await pilot.pause()
            await pilot.press(*"Aprender unos de otros")
            await pilot.press("ctrl+s", "f")
            await pilot.pause()
            assert "definitivo" in str(app.query_one("#status").render())  # final, in the session's Spanish
            await pilot.press("q")
    finally:
        target.journal.close()
    kinds = [event.TYPE.value for event in read_journal(diesis).events]
    assert kinds[-4:] == ["note_added", "review_text", "review_text", "report_final"]
    run = load_run(diesis)
    report = render_report(run.programme, run.state)
    victor = report[report.index("- **Victor** — "):report.index("- **Camila** — ")]
    assert "**Resumen**: Tenemos todas las piezas del puzzle" in victor
    assert "## Mensajes clave\n\n- Aprender unos de otros" in report
    assert "revisado por la relatoría" in report


async def test_move_and_merge_notes_by_keys(diesis: Path) -> None:
    target = open_for_adding(diesis, busy_hint="")
    try:
        app = ReviewApp(target.engine)
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            await pilot.press("tab")  # Paula's notes: three in her talk, one in the debate
            assert len(column(app, "notes")) == 4
            await pilot.press("j")  # merge her first note with the second
            await pilot.pause()
            assert column(app, "notes")[0].startswith("ACCIO: delegación") and len(column(app, "notes")) == 3
            await pilot.press("m")  # move it to Mariana
            await pilot.pause()
            await pilot.press("down", "down", "down", "enter")
            await pilot.pause()
            assert len(column(app, "notes")) == 2
            await pilot.press("q")
    finally:
        target.journal.close()
    run = load_run(diesis)
    mariana = [n.text for n in run.state.visible_notes() if n.speaker == "mariana"]
    assert any(text.startswith("ACCIO: delegación") and "apoyo comercial" in text for text in mariana)
