"""SIGKILL at random moments: every note whose ``add_note`` returned is in the replay.

A child process opens the workshop's live run (resuming it after the first time), starts
the session if needed, then adds notes as fast as it can, printing each note's id and tag
only after ``add_note`` returned. The parent kills it at a seeded random moment (while it
imports, opens, resumes or writes), 30 times, and after each kill checks that the journal
still reads, that every acknowledged note is in it with its own text, and that the next
child resumes the same run.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers_engine import ROOT, WORKSHOP_PATH, workshop

from moderator.session.clock import SystemClock
from moderator.session.events import NoteAdded
from moderator.session.journal import read_journal
from moderator.session.runs import open_run, session_folder

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

KILLS = 30
SEED = 20211008

CHILD = r"""
import sys
from pathlib import Path

from moderator.session.clock import SystemClock
from moderator.programme import load_programme
from moderator.session.runs import open_run
from moderator.session.state import Status

programme_path, out, tag = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
run = open_run(load_programme(programme_path), out, SystemClock())
print("open", int(run.resumed), run.journal_path.name, flush=True)
engine = run.engine
if engine.status is Status.NOT_STARTED:
    engine.start()
n = 0
while True:
    n += 1
    note = engine.add_note(f"{tag}-{n} networks matter")
    print("ack", note.id, f"{tag}-{n}", flush=True)
"""


class Child:
    """One child process, its stdout collected line by line by a thread."""

    def __init__(self, out: Path, tag: str) -> None:
        paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths))
        self.process = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(WORKSHOP_PATH), str(out), tag],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=out,
        )
        self.lines: list[str] = []
        self.first_ack = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            if not raw.endswith(b"\n"):
                break  # a line cut short by the kill was never complete: nothing acknowledged there
            line = raw.decode()
            self.lines.append(line.rstrip("\n"))
            if line.startswith("ack"):
                self.first_ack.set()

    def kill(self) -> tuple[list[str], str]:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.reader.join(timeout=10)
        stderr = self.process.stderr.read().decode() if self.process.stderr else ""
        return self.lines, stderr


def test_every_acknowledged_note_survives_sigkill(tmp_path):
    rng = random.Random(SEED)
    folder = session_folder(workshop(), tmp_path)
    journal = folder / "live.journal.jsonl"
    acknowledged: dict[int, str] = {}
    had_events = False
    kills_while_writing = 0
    for attempt in range(KILLS):
        child = Child(tmp_path, f"c{attempt}")
        if rng.random() < 0.6:
            # in the middle of the note loop: wait for the first acknowledgement, then a little more
            assert child.first_ack.wait(timeout=20), "the child never acknowledged a note"
            time.sleep(rng.uniform(0, 0.03))
            kills_while_writing += 1
        else:
            # anywhere from start-up to the first notes: importing, opening, resuming
            time.sleep(rng.uniform(0, 0.25))
        lines, stderr = child.kill()
        assert child.process.returncode == -signal.SIGKILL, stderr
        assert "Traceback" not in stderr, stderr

        opens = [line.split() for line in lines if line.startswith("open ")]
        if opens:
            _, resumed, name = opens[0]
            assert name == "live.journal.jsonl"
            assert resumed == str(int(had_events)), f"attempt {attempt}: the run did not resume after the last kill"
        for line in lines:
            if line.startswith("ack "):
                _, note_id, tag = line.split()
                assert int(note_id) not in acknowledged, f"note id {note_id} given twice"
                acknowledged[int(note_id)] = tag

        # the journal still reads after every kill (a child killed while importing made none yet)
        events = read_journal(journal).events if journal.exists() else []
        notes = {e.id: e.text for e in events if isinstance(e, NoteAdded)}
        missing = {i: tag for i, tag in acknowledged.items() if notes.get(i) != f"{tag} networks matter"}
        assert not missing, f"attempt {attempt}: acknowledged notes lost or changed: {missing}"
        had_events = had_events or bool(events)

    assert kills_while_writing >= 10
    assert len(acknowledged) >= 10, "too few notes were acknowledged to mean anything"

    # the journal opens and resumes once more, and its replay holds every acknowledged note
    run = open_run(workshop(), tmp_path, SystemClock())
    try:
        assert run.resumed and run.journal_path == journal
        assert run.message and run.message.startswith("Resumed at segment 1, ")
        state = run.engine.state
        for acknowledged_id, tag in acknowledged.items():
            assert state.notes[acknowledged_id].text == f"{tag} networks matter"
        assert state.reopened >= 1
        assert run.engine.add_note("after the storm").id == max(state.notes)
    finally:
        run.journal.close()
    ids = [e.id for e in read_journal(journal).events if isinstance(e, NoteAdded)]
    assert ids == sorted(set(ids)), "note ids must be unique and increasing across restarts"
