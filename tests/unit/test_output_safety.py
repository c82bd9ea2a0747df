"""``-o`` cannot destroy an input, Word never goes to a terminal, and small output promises."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from unit.test_report_golden import SCENARIOS

from moderator.cli import build_parser, main
from moderator.session.journal import Journal

ROOT = Path(__file__).resolve().parents[2]
PROGRAMME = ROOT / "sessions" / "gsef2021-diesis-es.toml"


def journaled(tmp_path: Path) -> Path:
    path = tmp_path / "live.journal.jsonl"
    journal = Journal(path)
    SCENARIOS["es"].run(journal=journal)
    journal.close()
    return path


def one_line(err: str) -> bool:
    return err.count("\n") == 1 and err.startswith("moderator: ")


def test_the_journal_being_read_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = journaled(tmp_path)
    before = journal.read_bytes()
    assert main(["report", str(journal), "-o", str(journal)]) == 2
    assert main(["report", str(journal), "-o", str(tmp_path / "." / journal.name), "--format", "docx"]) == 2
    link = tmp_path / "hard-link.jsonl"
    os.link(journal, link)
    assert main(["report", str(journal), "-o", str(link)]) == 2
    assert journal.read_bytes() == before
    err = capsys.readouterr().err
    assert all(line.startswith("moderator: ") and "refusing" in line for line in err.splitlines())


def test_the_programme_being_read_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "p.toml"
    copy.write_bytes(PROGRAMME.read_bytes())
    assert main(["ics", str(copy), "-o", str(copy)]) == 2
    assert copy.read_bytes() == PROGRAMME.read_bytes()
    assert one_line(capsys.readouterr().err)


def test_the_report_will_not_overwrite_the_programme_the_journal_names(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    journal = journaled(tmp_path)
    programme = Path(SCENARIOS["es"].programme_path)
    before = programme.read_bytes()
    assert main(["report", str(journal), "-o", str(programme)]) == 2
    assert programme.read_bytes() == before
    assert one_line(capsys.readouterr().err)


@pytest.mark.parametrize("kind", ["fifo", "folder", "symlink", "device"])
def test_anything_but_a_regular_file_or_a_new_path_is_refused(tmp_path: Path, kind: str,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    journal = journaled(tmp_path)
    target = tmp_path / "out"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    elif kind == "symlink":
        (tmp_path / "real.md").write_text("keep", encoding="utf-8")
        target.symlink_to(tmp_path / "real.md")
    else:
        target = Path("/dev/null")
    assert main(["report", str(journal), "-o", str(target)]) == 2
    assert one_line(capsys.readouterr().err)
    if kind == "fifo":
        assert target.is_fifo()
    if kind == "symlink":
        assert target.is_symlink() and (tmp_path / "real.md").read_text(encoding="utf-8") == "keep"


def test_a_regular_file_and_a_new_path_are_written(tmp_path: Path) -> None:
    journal = journaled(tmp_path)
    existing = tmp_path / "old.docx"
    existing.write_bytes(b"old")
    assert main(["report", str(journal), "-o", str(existing), "--format", "docx"]) == 0
    assert existing.read_bytes().startswith(b"PK")
    assert main(["report", str(journal), "-o", str(tmp_path / "new.html"), "--format", "html"]) == 0


def test_word_is_refused_on_a_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    journal = journaled(tmp_path)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["report", str(journal), "--format", "docx"]) == 2
    err = capsys.readouterr().err
    assert one_line(err) and "-o" in err


def test_help_has_no_raw_docstring_marks() -> None:
    text = build_parser().format_help()
    assert "``" not in text and "`" not in text
    assert "chat" in text


def test_check_piped_has_no_trailing_padding(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(PROGRAMME)]) in (0, 1)
    out = capsys.readouterr().out
    assert out and not any(line != line.rstrip() for line in out.splitlines())
