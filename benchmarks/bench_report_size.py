"""A session at size (issue 26): 100,000 chat messages imported, then the report in Markdown and Word.

Goals: the import in 10 s or less, the Markdown report in 3 s, the Word report in 30 s (before this
work: 47 s, 14 s, and the Word report still running after 18 minutes). The session is the DIESIS
rehearsal of the golden tests (``tests/unit/test_report_golden.py``), its chat a Zoom chat file written
here: messages spread over the run, one in five a question, every one distinct.

Run alone with ``python -m benchmarks --only report_size``; ``--quick`` uses 20,000 messages.
"""

from __future__ import annotations

import contextlib
import io
import sys
import time
from pathlib import Path

from benchmarks.harness import Figure, log

SECTION = "report_size"
MESSAGES = 100_000
QUICK_MESSAGES = 20_000


def diesis_journal(folder: Path) -> Path:
    """The DIESIS session's journal, played on a fake clock (the golden test's script)."""
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "tests"))
    sys.path.insert(0, str(root / "tests" / "unit"))
    from test_report_golden import SCENARIOS  # type: ignore[import-not-found]

    from moderator.session.journal import Journal

    path = folder / "live.journal.jsonl"
    journal = Journal(path)
    SCENARIOS["es"].run(journal=journal)
    journal.close()
    return path


def write_chat(path: Path, count: int) -> None:
    """A Zoom chat (the one-line shape) of ``count`` messages to everyone during the DIESIS run
    (14:31 to 15:59 Madrid time), each distinct; one in five asks a question."""
    start, span = 14 * 3600 + 31 * 60 + 5, 88 * 60
    lines = []
    for number in range(count):
        second = start + span * number // count
        clock = f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
        sender = f"Participante {number % 997}"
        text = (f"¿Pregunta número {number} sobre la internacionalización?" if number % 5 == 0
                else f"Comentario {number}: gracias por la presentación")
        lines.append(f"{clock} De  {sender}  a  Todos : {text}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def measure(count: int, folder: Path) -> dict[str, float]:
    """Seconds to import ``count`` messages (``moderator chat``), then to render Markdown and Word."""
    from moderator.commands.chat import run_chat
    from moderator.report.render import render_report_bytes
    from moderator.session.runs import load_run

    journal = diesis_journal(folder)
    chat = folder / "chat.txt"
    write_chat(chat, count)
    began = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        run_chat(journal, chat, "Europe/Madrid")
    imported = time.perf_counter() - began
    run = load_run(journal)
    assert len(run.state.chat) == count, f"{len(run.state.chat)} of {count} messages imported"
    began = time.perf_counter()
    markdown = render_report_bytes(run.programme, run.state, "md")
    md_seconds = time.perf_counter() - began
    began = time.perf_counter()
    word = render_report_bytes(run.programme, run.state, "docx")
    docx_seconds = time.perf_counter() - began
    return {"import": imported, "md": md_seconds, "docx": docx_seconds, "md_bytes": len(markdown),
            "docx_bytes": len(word)}


def run(quick: bool, scratch: Path) -> list[Figure]:
    count = QUICK_MESSAGES if quick else MESSAGES
    folder = scratch / "report_size"
    folder.mkdir(parents=True, exist_ok=True)
    log(f"report_size: {count} chat messages")
    result = measure(count, folder)
    note = f"{count:,} chat messages, DIESIS session"
    return [
        Figure("size_chat_import", f"Chat import, {count:,} messages", result["import"], "s",
               goal_max=10.0 if not quick else None, note=note + " (moderator chat)"),
        Figure("size_report_md", "… the Markdown report", result["md"], "s", goal_max=3.0 if not quick else None,
               note=f"{result['md_bytes'] / 1e6:.1f} MB"),
        Figure("size_report_docx", "… the Word report", result["docx"], "s", goal_max=30.0 if not quick else None,
               note=f"{result['docx_bytes'] / 1e6:.1f} MB"),
    ]
