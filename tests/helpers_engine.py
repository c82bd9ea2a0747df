"""Small helpers shared by the engine, journal, run and no-drift tests.

Everything runs on a ``FakeClock``: time moves only when a test says so, so every
expected value below is exact.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pendulum

from moderator.programme import Programme, load_programme
from moderator.session.clock import FakeClock
from moderator.session.engine import Engine, replay_state
from moderator.session.events import to_dict
from moderator.session.journal import Journal, read_journal
from moderator.session.state import State

ROOT = Path(__file__).resolve().parents[1]
WORKSHOP_PATH = ROOT / "sessions" / "gsef2021-workshop-alliances.toml"
PRINTED_START = pendulum.datetime(2021, 10, 8, 9, 0, tz="UTC")
"""The workshop's printed start: 18:00 Asia/Seoul."""

# The workshop's segments (index: kind, seconds), for readable expectations.
CHECK, INTRO_MODERATOR, INTRO_SESSION, KIM, LEYTON, LUYIGA, VANDENBORRE, DISCUSSION, QA, CLOSING = range(10)
DURATIONS = (60, 300, 300, 600, 600, 600, 600, 1440, 600, 300)


@functools.cache
def workshop() -> Programme:
    return load_programme(WORKSHOP_PATH)


def fake_clock(at: pendulum.DateTime = PRINTED_START, monotonic: float = 1000.0) -> FakeClock:
    return FakeClock(wall=at, monotonic=monotonic)


def new_engine(folder: Path | None = None, *, programme: Programme | None = None,
               clock: FakeClock | None = None, mode: str = "live") -> tuple[Engine, FakeClock]:
    """An engine on a fake clock; with ``folder``, journaled to ``folder/session.journal.jsonl``."""
    clock = clock or fake_clock()
    journal = Journal(folder / "session.journal.jsonl") if folder is not None else None
    return Engine.create(programme or workshop(), clock, journal, mode=mode), clock


def journal_file(engine: Engine) -> Path:
    """The file of an engine made with a journal (``new_engine(folder)``)."""
    assert engine.journal is not None, "an engine made without a journal"
    return engine.journal.path


def journal_events(path: Path) -> list[dict[str, Any]]:
    """The journal's events as the plain JSON objects on its lines, for readable expectations."""
    return [to_dict(event) for event in read_journal(path).events]


def replay_file(programme: Programme, path: Path) -> State:
    return replay_state(programme, read_journal(path).events)


def programme_toml(segments: list[tuple[str, str, str]], *, title: str = "Test session",
                   date: str = "2021-10-08", start: str = "18:00", timezone: str = "Asia/Seoul",
                   extra_segment_keys: dict[int, str] | None = None) -> str:
    """A minimal programme: ``segments`` are (kind, title, duration) with no speakers."""
    lines = [
        "[session]", f'title = "{title}"', f"date = {date}", f'start = "{start}"', f'timezone = "{timezone}"', "",
        "[moderator]", 'name = "Test Moderator"', "",
    ]
    for n, (kind, seg_title, duration) in enumerate(segments):
        lines += ["[[segment]]", f'kind = "{kind}"', f'title = "{seg_title}"', f'duration = "{duration}"']
        if extra_segment_keys and n in extra_segment_keys:
            lines.append(extra_segment_keys[n])
        lines.append("")
    return "\n".join(lines)


def write_programme(folder: Path, text: str, name: str = "programme.toml") -> Programme:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return load_programme(path)


def at(seconds: float) -> str:
    """The fake wall time ``seconds`` after the printed start, as the journal writes it."""
    return PRINTED_START.add(microseconds=round(seconds * 1_000_000)).isoformat()
