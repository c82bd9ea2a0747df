"""``moderator report JOURNAL``: the report rebuilt from a journal, to stdout or a file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from unit.test_report_golden import GOLDEN, SCENARIOS

from moderator.cli import main
from moderator.commands.report import run_report
from moderator.problems import ModeratorError
from moderator.session.journal import Journal


def journaled(tmp_path: Path, language: str = "en") -> Path:
    path = tmp_path / "live.journal.jsonl"
    journal = Journal(path)
    SCENARIOS[language].run(journal=journal)
    journal.close()
    return path


def test_markdown_goes_to_stdout_and_matches_the_golden_report(tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    journal = journaled(tmp_path)
    assert run_report(journal, None, "md") == 0
    captured = capsys.readouterr()
    assert captured.out == (GOLDEN / "workshop-en.md").read_text(encoding="utf-8")
    assert captured.err == ""


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_output_file_is_written_in_the_chosen_format(tmp_path: Path, fmt: str) -> None:
    journal = journaled(tmp_path, "es")
    out = tmp_path / f"report.{fmt}"
    assert main(["report", str(journal), "-o", str(out), "--format", fmt]) == 0
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(text)["session"]["language"] == "es"
    elif fmt == "html":
        assert text.startswith("<!DOCTYPE html>")
    else:
        assert text == (GOLDEN / "diesis-es.md").read_text(encoding="utf-8")


def test_journal_warnings_go_to_stderr(tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    journal = journaled(tmp_path)
    with journal.open("ab") as handle:
        handle.write(b'{"type": "note_added", "t": 99')  # a line cut off by a crash
    assert run_report(journal, None, "md") == 0
    captured = capsys.readouterr()
    assert "cut off mid-write" in captured.err
    assert captured.err.startswith("moderator: warning: ")
    assert captured.out.startswith("# Rapporteur's report\n")


def test_a_missing_programme_is_one_line_and_status_2(tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    journal = tmp_path / "live.journal.jsonl"
    journal.write_text('{"type": "opened", "t": 0, "wall": "2021-10-08T09:00:00+00:00", '
                       '"programme": "/nowhere/programme.toml"}\n', encoding="utf-8")
    with pytest.raises(ModeratorError, match="not there any more"):
        run_report(journal, None, "md")
    assert main(["report", str(journal)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("moderator: ") and len(err.strip().splitlines()) == 1


def test_an_unwritable_output_is_one_line_and_status_2(tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    journal = journaled(tmp_path)
    out = tmp_path / "no-such-folder" / "report.md"
    assert main(["report", str(journal), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"moderator: {out}: cannot write the report")
    assert len(err.strip().splitlines()) == 1
