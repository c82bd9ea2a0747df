"""Words are never commands (issue 22), in a real terminal: sentences typed into a console whose note
box is not focused, and into a rapporteur seat just restarted, land as notes; no event moves, pauses,
ends or edits the session. Typed as a person types (a key every 0.1 s) and as a terminal sends a
burst (all in one go)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import WORKSHOP
from seat_helpers import free_port, wait_for
from system.test_e2e_tmux import MODERATOR, Terminal

from moderator.session.events import Adjusted, Ended, Moved, NoteAdded, NoteEdited, Paused, Resumed
from moderator.session.journal import read_journal

pytestmark = [pytest.mark.system, pytest.mark.e2e,
              pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
              pytest.mark.skipif(not MODERATOR.exists(), reason="the moderator script is not installed")]

SENTENCES = [
    "matar el puesto de trabajo no es la respuesta",
    "crear mesas de diálogo con los municipios",
    "el nivel municipal importa",
    "nous avons parlé des garanties",
    "on y revient après la pause",
]
MOVES = (Moved, Paused, Resumed, Ended, NoteEdited, Adjusted)


def _type_like_a_person(terminal: Terminal, text: str, every: float = 0.1) -> None:
    for character in text:
        terminal.type(character)
        time.sleep(every)


def _journal(folder: Path) -> Sequence[object]:
    return read_journal(next(folder.glob("*/live.journal.jsonl"))).events


@pytest.mark.attack("F14")
def test_sentences_typed_into_an_unfocused_console_are_notes_not_commands(tmp_path: Path) -> None:
    console = Terminal(f"{MODERATOR} run {WORKSHOP} --out reports", tmp_path, width=120, height=36)
    try:
        console.wait_for("press space to start")
        console.keys("Space")
        console.wait_for("left")
        time.sleep(0.5)
        started_moves = [e for e in _journal(tmp_path / "reports") if isinstance(e, MOVES)]
        for number, sentence in enumerate(SENTENCES):
            console.keys("Escape")  # the box is not focused
            time.sleep(0.4)
            if number % 2:
                console.type(sentence)  # a burst, in one read
            else:
                _type_like_a_person(console, sentence)
            console.keys("Enter")
            console.wait_for(f"• {sentence}"[:40])
    finally:
        console.close()
    events = _journal(tmp_path / "reports")
    assert [e for e in events if isinstance(e, MOVES)] == started_moves, "typing moved, paused, ended or edited"
    assert [e.text for e in events if isinstance(e, NoteAdded)] == SENTENCES


@pytest.mark.attack("F14")
def test_a_restarted_rapporteur_seat_opens_in_the_note_box(tmp_path: Path) -> None:
    port = free_port()
    host = Terminal(f"{MODERATOR} run {WORKSHOP} --out reports --share --listen 127.0.0.1:{port}", tmp_path,
                    width=120, height=36)
    seat: Terminal | None = None
    try:
        host.wait_for("press space to start")
        host.keys("Space")
        links = next((tmp_path / "reports").glob("*/links.txt"))
        wait_for(lambda: "rapporteur" in links.read_text())
        link = next(line.split()[1] for line in links.read_text().splitlines() if line.startswith("rapporteur "))
        join = f"env XDG_STATE_HOME={tmp_path / 'seat-state'} {MODERATOR} join {link} --name Ana"
        for restart in range(2):
            seat = Terminal(join, tmp_path, width=120, height=36)
            seat.wait_for("rapporteur seat · Ana · connected", timeout=30)
            time.sleep(0.5)
            for sentence in SENTENCES[restart::2]:
                # No i first: the seat opens in the box, and a single letter is never a command on it.
                _type_like_a_person(seat, sentence, every=0.03)
                seat.keys("Enter")
                host.wait_for(f"{sentence} — Ana"[:40], timeout=30)
            seat.keys("Escape")  # out of the box: still words, back into it
            seat.type(f"o n e p {restart}")
            seat.keys("Enter")
            host.wait_for(f"o n e p {restart} — Ana", timeout=30)
            seat.close()
            time.sleep(0.5)
    finally:
        host.close()
        if seat is not None:
            seat.close()
    events = _journal(tmp_path / "reports")
    assert not [e for e in events if isinstance(e, MOVES)], "a seat's typing moved, paused, ended or edited"
    texts = [e.text for e in events if isinstance(e, NoteAdded)]
    assert sorted(texts) == sorted([*SENTENCES, "o n e p 0", "o n e p 1"])
