"""The DIESIS session (seed 004) from rehearsal to the filled GSEF form, end to end.

``python docs/forms/diesis_rehearsal.py OUT_DIR``: plays the DIESIS session with the notes of seed 004
(the golden test's script, on a fake clock), imports its Zoom chat, transcript and webinar Q&A and
poll reports, reviews it in ``moderator review`` driven key by key (Textual's Pilot: a quote promoted
from the transcript, a summary per presentation, key messages, way forward, marked final), then fills
GSEF's form: ``OUT_DIR/DIESIS-report.docx``.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "unit")]

from test_report_golden import SCENARIOS  # noqa: E402

from moderator.cli import main  # noqa: E402
from moderator.session.journal import Journal  # noqa: E402
from moderator.session.runs import open_for_adding  # noqa: E402
from moderator.tui.review import ReviewApp  # noqa: E402

DATA = ROOT / "tests" / "data"
SUMMARIES = {
    "Samuel": "SILK, proyecto de aprendizaje entre pares sobre la internacionalización de las organizaciones "
              "de la ESS, con socios de América, Europa, Asia y África.",
    "Paula": "ACCIÓ, red pública exterior cofinanciada por la Generalitat, abre sus delegaciones para que las "
             "organizaciones de la ESS encuentren socios internacionales.",
    "Victor": "La economía social tiene por fin todas las piezas: apoyo político, un sector estructurado y un plan "
              "de acción europeo que hace de la internacionalización una prioridad.",
    "Camila": "Mondragón, Equal Exchange y Coopcycle muestran que unas organizaciones nacen globales y otras se "
              "internacionalizan al crecer, llevando consigo mejores condiciones de trabajo.",
    "Mariana": "INAES y Smart cooperativa forman en México a colectivos de trabajadores independientes (64 % "
               "mujeres) para cambiar la ley.",
}


async def review(journal: Path) -> None:
    target = open_for_adding(journal, busy_hint="")
    try:
        app = ReviewApp(target.engine)
        async with app.run_test(size=(150, 45)) as pilot:
            await pilot.pause()
            for index, entry in enumerate(app.entries):
                if entry.label not in SUMMARIES:
                    continue
                app.query_one("#entries").index = index
                await pilot.pause()
                await pilot.press("s")
                await pilot.pause()
                app.screen.query_one("TextArea").text = SUMMARIES[entry.label]
                await pilot.press("ctrl+s")
                await pilot.pause()
                if entry.label == "Victor":  # his words in the debate, from the transcript, as a quote
                    app.query_one("#transcript").focus()
                    await pilot.pause()
                    await pilot.press("down", "p")
                    await pilot.pause()
                    app.query_one("#entries").focus()
            for key, text in (("k", "La internacionalización de la ESS es, ante todo, aprendizaje entre pares.\n"
                                    "Lo local construye la confianza que la cooperación internacional necesita."),
                              ("w", "Abrir la convocatoria SILK a América Latina en enero.\n"
                                    "Formar a los colectivos antes de internacionalizarlos.")):
                await pilot.press(key)
                await pilot.pause()
                app.screen.query_one("TextArea").text = text
                await pilot.press("ctrl+s")
                await pilot.pause()
            await pilot.press("f")
            await pilot.pause()
            await pilot.press("q")
    finally:
        target.journal.close()


def rehearse(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    journal = out / "DIESIS.journal.jsonl"
    journal.unlink(missing_ok=True)
    writer = Journal(journal)
    SCENARIOS["es"].run(journal=writer)
    writer.close()
    for argv in (["chat", str(journal), str(DATA / "zoom_chat" / "diesis_es_oneline.txt"), "--zone", "Europe/Madrid"],
                 ["transcript", str(journal), str(DATA / "transcripts" / "diesis_es_transcript.vtt"),
                  "--started", "21:32"],
                 ["webinar", str(journal), str(DATA / "webinar" / "diesis_es_qa.csv"), "--zone", "Europe/Madrid"],
                 ["webinar", str(journal), str(DATA / "webinar" / "diesis_es_poll.csv"), "--zone", "Europe/Madrid"]):
        assert main(argv) == 0
    asyncio.run(review(journal))
    form = out / "DIESIS-report.docx"
    assert main(["report", str(journal), "--format", "docx", "--template",
                 str(ROOT / "docs" / "forms" / "gsef-report-form.docx"), "-o", str(form)]) == 0
    return form


if __name__ == "__main__":
    print(rehearse(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("diesis-rehearsal")))
