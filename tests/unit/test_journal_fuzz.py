"""Property tests for journals, like those for programmes: whatever a journal file holds,
``report``, ``timing`` and a resumed run give a result or one clear line (exit status 2), never
another exception, and never memory in proportion to a number inside the file.

Three attacks (docs/RELIABILITY.md): arbitrary bytes (H1), real events mutated field by field
or replaced by arbitrary JSON (H2), and a real journal cut at every byte offset (H3).
"""

from __future__ import annotations

import functools
import json
import shutil
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from helpers_engine import WORKSHOP_PATH, fake_clock, workshop
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moderator.cli import main
from moderator.problems import ModeratorError
from moderator.report import render_report
from moderator.session.journal import read_journal
from moderator.session.runs import load_run, open_run, session_folder

FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@functools.cache
def real_journal() -> bytes:
    """A short live run of the workshop with every kind of event the console writes."""
    import tempfile

    folder = Path(tempfile.mkdtemp())
    clock = fake_clock()
    run = open_run(workshop(), folder, clock)
    engine = run.engine
    engine.start()
    clock.advance(40)
    engine.add_note("a note \u2028 with “quotes” and 한국어")
    engine.next()
    clock.advance(200)
    engine.add_note('@kim "a quote"')
    engine.adjust(60)
    engine.pause()
    clock.advance(30)
    engine.resume()
    engine.goto(7)
    engine.ask_next_question()
    engine.tick_cue(7, 0)
    engine.set_participants(42)
    note = engine.add_note("to edit")
    engine.edit_note(note.id, "edited")
    engine.delete_note(note.id)
    clock.advance(100)
    engine.end()
    run.journal.close()
    data = run.journal_path.read_bytes()
    shutil.rmtree(folder)
    return data


def real_lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in real_journal().splitlines()]


def survives(tmp_path: Path, data: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    """``report`` (three formats), ``timing`` and a resume: a result or one clear line each."""
    journal = tmp_path / "live.journal.jsonl"
    journal.write_bytes(data)
    for argv in (["report", str(journal), "--programme", str(WORKSHOP_PATH)],
                 ["report", str(journal), "--format", "json", "--programme", str(WORKSHOP_PATH)],
                 ["report", str(journal), "--format", "html"],
                 ["timing", str(journal), "--programme", str(WORKSHOP_PATH)]):
        status = main(argv)
        captured = capsys.readouterr()
        assert status in (0, 2), argv
        if status == 2:
            errors = [line for line in captured.err.splitlines() if not line.startswith("moderator: warning:")]
            assert len(errors) == 1, captured.err
    folder = session_folder(workshop(), tmp_path / "out")
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(journal, folder / "live.journal.jsonl")
    try:
        run = open_run(workshop(), tmp_path / "out", fake_clock())
    except ModeratorError as error:
        assert "\n" not in str(error)
    else:
        render_report(run.engine.programme, run.engine.state)
        run.journal.close()
    shutil.rmtree(tmp_path / "out")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(min_value=-(10**30), max_value=10**30) | st.sampled_from([10**9, -1, 99, 2**63, 1e308])
    | st.text(max_size=30) | st.sampled_from(["\ud800", "\x1b[2J", "[/]", "", "note_added", "moved"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


@pytest.mark.attack("H1")
@FUZZ
@given(data=st.binary(max_size=600))
def test_arbitrary_bytes(tmp_path_factory, capsys, data):
    survives(tmp_path_factory.mktemp("bytes"), data, capsys)


@pytest.mark.attack("H1")
@FUZZ
@given(prefix_lines=st.integers(min_value=0, max_value=20), junk=st.binary(min_size=1, max_size=300))
def test_arbitrary_bytes_after_real_lines(tmp_path_factory, capsys, prefix_lines, junk):
    lines = real_journal().splitlines(keepends=True)
    survives(tmp_path_factory.mktemp("junk"), b"".join(lines[:prefix_lines]) + junk, capsys)


@pytest.mark.attack("H2")
@FUZZ
@given(line=st.integers(min_value=0, max_value=100), key=st.integers(min_value=0, max_value=20),
       value=JSON_VALUES, drop=st.booleans())
def test_real_events_mutated_field_by_field(tmp_path_factory, capsys, line, key, value, drop):
    events = real_lines()
    event = events[line % len(events)]
    name = sorted(event)[key % len(event)]
    if drop:
        del event[name]
    else:
        event[name] = value
    data = b"".join(json.dumps(e).encode() + b"\n" for e in events)
    survives(tmp_path_factory.mktemp("mutated"), data, capsys)


@pytest.mark.attack("H2")
@FUZZ
@given(line=st.integers(min_value=0, max_value=100), value=JSON_VALUES)
def test_real_events_replaced_by_arbitrary_json(tmp_path_factory, capsys, line, value):
    events: list[Any] = real_lines()
    events.insert(line % (len(events) + 1), value)
    data = b"".join(json.dumps(e).encode() + b"\n" for e in events)
    survives(tmp_path_factory.mktemp("replaced"), data, capsys)


@pytest.mark.attack("H3")
def test_a_journal_cut_at_every_offset(tmp_path):
    """Every prefix reads (the torn line skipped) and replays into a report; the command line
    runs on every prefix that ends a line and on a sample of the others."""
    data = real_journal()
    journal = tmp_path / "cut.jsonl"
    boundaries = {index + 1 for index, byte in enumerate(data) if byte == 0x0A}
    for offset in range(len(data) + 1):
        journal.write_bytes(data[:offset])
        try:
            contents = read_journal(journal)
        except ModeratorError:
            continue
        whole_lines = data[:offset].count(b"\n")
        assert len(contents.events) == whole_lines
        if contents.events and (offset in boundaries or offset % 97 == 0):
            run = load_run(journal, WORKSHOP_PATH)
            render_report(run.programme, run.state)
            render_report(run.programme, run.state, "json")


HUGE = {"segment": 10**9, "id": 10**15, "index": 10**9, "cue": 10**9, "seconds": 10**12, "count": 10**12,
        "t": 1e300, "gap": 1e300, "level": 10**9, "group_segment": 10**9, "segments": 10**9}


@pytest.mark.attack("H2")
@pytest.mark.parametrize("field", sorted(HUGE))
def test_a_huge_number_in_any_field_costs_no_memory(tmp_path, capsys, field):
    events = real_lines()
    for event in events:
        if field in event:
            event[field] = HUGE[field]
    data = b"".join(json.dumps(e).encode() + b"\n" for e in events)
    tracemalloc.start()
    try:
        survives(tmp_path, data, capsys)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024, f"{field}={HUGE[field]} cost {peak // 1024 // 1024} MB"
