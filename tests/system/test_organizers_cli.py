"""What organizers take away, through the installed command line (subprocesses, as they would run it).

The Spanish DIESIS session is rehearsed with the notes of the organizers' own filled-in report
(seed 004), its Zoom chat is imported, and then: the .docx reads like the form filled in, the
JSON validates against docs/report.schema.json, and the timing's totals add up.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import docx
import jsonschema
import pytest

from moderator.session.clock import FakeClock
from moderator.session.engine import Engine
from moderator.session.journal import Journal

pytestmark = pytest.mark.system

ROOT = Path(__file__).resolve().parents[2]
CHATS = ROOT / "tests" / "data" / "zoom_chat"


def _golden_scripts() -> ModuleType:
    """The scripted sessions of the golden reports (tests/unit), the DIESIS one with the seed's notes."""
    spec = importlib.util.spec_from_file_location("golden_scripts", ROOT / "tests" / "unit" / "test_report_golden.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("golden_scripts", module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


GOLDEN = _golden_scripts()
SCENARIOS = GOLDEN.SCENARIOS


def moderator(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "moderator.cli", *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


@pytest.fixture
def rehearsal(tmp_path: Path) -> Path:
    """A rehearsal of the DIESIS session with the seed's notes (what ``moderator rehearse`` journals)."""
    scenario = SCENARIOS["es"]
    path = tmp_path / "rehearsal-20211007-123000.journal.jsonl"
    journal = Journal(path)
    engine = Engine.create(scenario.programme(), FakeClock(scenario.start), journal, mode="rehearsal",
                           programme_location=str(scenario.programme_path))
    GOLDEN.play_diesis(engine, engine.clock)
    journal.close()
    return path


def test_the_diesis_session_gives_word_data_and_timing(rehearsal: Path, tmp_path: Path) -> None:
    imported = moderator("chat", str(rehearsal), str(CHATS / "diesis_es_oneline.txt"), "--zone", "Europe/Madrid")
    assert imported.returncode == 0, imported.stderr
    assert "se añadieron 5 (3 preguntas)" in imported.stdout and "Europe/Madrid" in imported.stderr
    assert "1 fuera de la sesión, no se añadieron" in imported.stdout  # the welcome, a minute before the start
    again = moderator("chat", str(rehearsal), str(CHATS / "diesis_es_oneline.txt"), "--zone", "Europe/Madrid")
    assert "se añadieron 0" in again.stdout  # a Spanish session: said in Spanish

    # Word, read back: the form's header, the speakers' summaries, the audience's chat questions, timing
    word_path = tmp_path / "diesis.docx"
    made = moderator("report", str(rehearsal), "--format", "docx", "-o", str(word_path))
    assert made.returncode == 0, made.stderr
    word = docx.Document(str(word_path))
    header = {row.cells[0].text: row.cells[1].text for row in word.tables[0].rows}
    assert header["Idioma"] == "español" and header["Moderación"] == "Samuel — DIESIS"
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Ensayo: este no es el informe de la sesión en directo." in text
    for name in ("Paula", "Victor", "Camila", "Mariana"):
        assert any(p.text.startswith(name) and p.style is not None and p.style.name == "List Bullet"
                   for p in word.paragraphs)
    assert "Jorge Ramírez: ¿ACCIÓ apoya también a cooperativas pequeñas?" in text

    # the data, against the schema
    data_run = moderator("report", str(rehearsal), "--format", "json")
    assert data_run.returncode == 0, data_run.stderr
    data = json.loads(data_run.stdout)
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data)
    assert data["session"]["mode"] == "rehearsal" and len(data["chat"]) == 5

    # timing: totals add up, in the session's language
    timing = moderator("timing", str(rehearsal), "--json")
    assert timing.returncode == 0, timing.stderr
    (run,) = json.loads(timing.stdout)["runs"]
    assert run["end_offset"] == run["late_start"] + sum(
        (s["deviation"] or 0) + s["paused"] for s in run["segments"]) - sum(
        s["planned"] for s in run["segments"] if s["skipped"])
    assert data["timing"]["difference"] == sum(s["actual"]["difference"] or 0 for s in data["segments"])
    shown = moderator("timing", str(rehearsal))
    assert "Previsto y real, por parte" in shown.stdout
    assert not any(line != line.rstrip() for line in shown.stdout.splitlines())


def test_outputs_cannot_destroy_inputs(rehearsal: Path) -> None:
    before = rehearsal.read_bytes()
    for args in (["report", str(rehearsal), "-o", str(rehearsal)],
                 ["report", str(rehearsal), "--format", "docx", "-o", str(rehearsal)],
                 ["ics", str(SCENARIOS["es"].programme_path), "-o", str(SCENARIOS["es"].programme_path)],
                 ["report", str(rehearsal), "-o", "/dev/null"]):
        result = moderator(*args)
        assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert rehearsal.read_bytes() == before


def test_help_and_piped_check_are_clean() -> None:
    helped = moderator("--help")
    assert helped.returncode == 0 and "``" not in helped.stdout
    checked = moderator("check", str(SCENARIOS["es"].programme_path))
    assert checked.stdout and not any(line != line.rstrip() for line in checked.stdout.splitlines())
