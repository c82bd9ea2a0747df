"""Timing organizers can trust: totals add up (skips included, one rounding rule), unfinished runs
say so, programmes are never mixed, any zone, and the session's language."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from test_report_golden import SCENARIOS
from test_timing import PLANNED, WORKSHOP, analyse, plain_render, play, straight

from moderator.commands.timing import run_timing
from moderator.programme import load_programme
from moderator.report import render_report
from moderator.session.journal import Journal
from moderator.session.runs import load_run


def seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def report_table(journal: Path) -> tuple[list[tuple[str, str, str]], tuple[str, str, str]]:
    run = load_run(journal)
    text = render_report(run.programme, run.state)
    rows = re.findall(r"^\| \d+ \| .* \| (\S+) \| .* \| (.+?) \| (\S+) \|$", text, re.M)
    total = re.search(r"^\|  \| Total[^|]* \|  \| (\S+) \|  \| (\S+) \| (\S+) \|$", text, re.M)
    assert total is not None
    return rows, total.groups()  # type: ignore[return-value]


def test_a_skipped_segment_is_in_the_total(tmp_path: Path) -> None:
    """The issue's case: segment 3 of the workshop skipped with g; 44:40 ran of 1:30:00."""
    steps = [("stay", 60), ("next",), ("stay", 300), ("goto", 3)]
    for index in range(3, 10):
        if index > 3:
            steps.append(("next",))
        steps.append(("stay", PLANNED[index] * 0.4 + 0.6))  # fractions of a second on purpose
    steps.append(("end",))
    journal = play(tmp_path, steps)
    rows, (planned, actual, difference) = report_table(journal)
    assert rows[2][1] == "skipped" and rows[2][2] == "-05:00"
    assert sum(seconds(r[2]) for r in rows if r[2] != "—") == seconds(difference)
    assert sum(seconds(r[1]) for r in rows if r[1][0].isdigit()) == seconds(actual)
    assert seconds(difference) == seconds(actual) - seconds(planned)
    (run,) = analyse(journal).runs
    assert run.end_offset == run.segments[-1].cumulative == run.late_start + sum(
        (s.deviation or 0) + s.paused for s in run.segments) - sum(s.planned for s in run.skipped)


def test_fractions_of_seconds_round_once(tmp_path: Path) -> None:
    journal = play(tmp_path, straight([d + 0.5 for d in PLANNED]))  # every segment half a second over
    rows, (planned, actual, difference) = report_table(journal)
    assert all(r[2] == "+00:01" for r in rows)  # halves away from zero, each cell once
    assert seconds(difference) == 10 == sum(seconds(r[2]) for r in rows)
    assert seconds(actual) - seconds(planned) == seconds(difference)
    (run,) = analyse(journal).runs
    assert [s.deviation for s in run.segments] == [1] * 10 and run.end_offset == 10


def test_a_run_quit_during_segment_1_is_unfinished_not_early(tmp_path: Path) -> None:
    journal = play(tmp_path, [("stay", 30)])  # then the console was closed
    (run,) = analyse(journal).runs
    assert not run.finished and run.end_offset is None
    text = plain_render(analyse(journal))
    assert "early" not in text and "unfinished" in text and "in segment 1" in text
    difference = report_table(journal)[1][2]
    assert difference == "00:00"


def test_runs_of_different_programmes_are_grouped_never_mixed(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    first = play(tmp_path / "a", straight(PLANNED))
    diesis = tmp_path / "b" / "live.journal.jsonl"
    journal = Journal(diesis)
    SCENARIOS["es"].run(journal=journal)
    journal.close()
    second = play(tmp_path / "c", straight(PLANNED))
    console = Console(file=io.StringIO(), width=200, color_system=None)
    assert run_timing([first, diesis, second], console=console) == 0
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "Programme 1 of 2" in text and "Programa 2 de 2" in text
    workshop_part, diesis_part = text.split("Programa 2 de 2")
    assert "live#3" in workshop_part and "live#2" not in workshop_part  # the two workshop runs together
    assert "live#2" in diesis_part and "Where each run ended" not in diesis_part
    assert run_timing([first, diesis, second], as_json=True) == 0
    document = json.loads(capsys.readouterr().out)
    assert [len(p["runs"]) for p in document["programmes"]] == [2, 1]
    assert [p["title"] for p in document["programmes"]][1].startswith("DIESIS")


def test_the_session_language_and_any_zone(tmp_path: Path) -> None:
    diesis = tmp_path / "live.journal.jsonl"
    journal = Journal(diesis)
    SCENARIOS["es"].run(journal=journal)
    journal.close()
    console = Console(file=io.StringIO(), width=200, color_system=None)
    run_timing([diesis], console=console, zone_name="America/Mexico_City")
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "Previsto y real, por parte" in text and "Dónde terminó cada sesión" in text
    assert "2021-10-07 07:30 Ciudad de México (America/Mexico_City)" in text
    assert "07:31:00" in text  # the actual start, 21:31 in Seoul, in Mexico City


def test_an_unknown_zone_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from moderator.cli import main

    journal = play(tmp_path, straight(PLANNED))
    assert main(["timing", str(journal), "--zone", "Mars/Base"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_the_programme_used_is_the_workshop() -> None:
    assert len(load_programme(WORKSHOP).segments) == len(PLANNED)
