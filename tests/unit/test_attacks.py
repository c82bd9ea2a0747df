"""Issue 16's repros, each at its cause: hostile journals, programmes, arguments and text get a
result or one clear line (exit status 2), never a traceback, a hang or a memory bomb; user text
never reaches a terminal as escape sequences or Rich markup. Ids refer to docs/RELIABILITY.md."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers_engine import WORKSHOP_PATH, fake_clock, programme_toml, workshop

from moderator.cli import main
from moderator.session.runs import open_run

ESCAPE_TITLE = "\x1b]2;PWNED\x1b\\Session [bold red]RED[/] [/] closing"
RAW_ESCAPES = ("\x1b", "\x9b", "\x07")


def _toml(text: str) -> str:
    """``text`` as the inside of a TOML basic string."""
    return text.replace("\\", "\\\\").replace("\x1b", "\\u001b")


def _journal(tmp_path: Path, programme_path: Path = WORKSHOP_PATH) -> Path:
    """A short live run of ``programme_path``: started, two notes, one move."""
    from moderator.programme import load_programme

    clock = fake_clock()
    run = open_run(load_programme(programme_path), tmp_path / "reports", clock)
    engine = run.engine
    engine.start()
    clock.advance(30)
    engine.add_note("first note")
    clock.advance(100)
    engine.next()
    engine.add_note("second note [/] with [bold]markup[/]")
    run.journal.close()
    return run.journal_path


def _with_lines(journal: Path, *extra: bytes, name: str = "hostile.jsonl") -> Path:
    target = journal.with_name(name)
    target.write_bytes(journal.read_bytes() + b"".join(line + b"\n" for line in extra))
    return target


def _one_clear_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


HOSTILE_LINES = {
    "unknown type": b'{"type":"x"}',
    "lone surrogate": b'{"type":"note_added","t":200,"wall":"2021-10-08T09:03:00+00:00","id":9,"text":"\\ud800"}',
    "segment a billion": b'{"type":"moved","t":200,"wall":"2021-10-08T09:03:00+00:00","segment":1000000000}',
    "segment 99 of 10": b'{"type":"moved","t":200,"wall":"2021-10-08T09:03:00+00:00","segment":99}',
    "segment -1": b'{"type":"moved","t":200,"wall":"2021-10-08T09:03:00+00:00","segment":-1}',
    "nested deep": b'{"type":"note_added","t":200,"wall":"2021-10-08T09:00:00+00:00","id":9,"text":'
                   + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "5000 digits": b'{"type":"note_added","t":' + b"9" * 5000
                   + b',"wall":"2021-10-08T09:00:00+00:00","id":9,"text":"a"}',
    "wall that is no time": b'{"type":"ended","t":200,"wall":""}',
    "escape in a note": b'{"type":"note_added","t":200,"wall":"2021-10-08T09:03:00+00:00","id":9,'
                        b'"text":"\\u001b]2;PWNED\\u0007 \\u009b31m"}',
}


@pytest.mark.attack("A10")
@pytest.mark.parametrize("name", sorted(HOSTILE_LINES))
@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_a_hostile_journal_line_is_skipped_or_shown_and_the_report_is_made(tmp_path, capsys, name, fmt):
    journal = _with_lines(_journal(tmp_path), HOSTILE_LINES[name])
    assert main(["report", str(journal), "--format", fmt]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "first note" in captured.out
    assert not any(raw in captured.out + captured.err for raw in RAW_ESCAPES)
    if fmt == "json":
        json.loads(captured.out)
    if name.startswith("segment"):
        assert "skipped" in captured.err
    if name == "segment 99 of 10":
        assert "names segment 100, but the run had 10 segments" in captured.err


@pytest.mark.attack("A10")
@pytest.mark.parametrize("name", sorted(HOSTILE_LINES))
def test_a_hostile_journal_line_never_stops_timing_or_a_resume(tmp_path, capsys, name):
    journal = _with_lines(_journal(tmp_path), HOSTILE_LINES[name], name="live.journal.jsonl.new")
    os.replace(journal, journal.with_name("live.journal.jsonl"))
    journal = journal.with_name("live.journal.jsonl")
    assert main(["timing", str(journal)]) == 0
    assert "Traceback" not in capsys.readouterr().err
    run = open_run(workshop(), tmp_path / "reports", fake_clock())
    assert run.resumed and len(run.engine.state.segments) == 10
    run.journal.close()


@pytest.mark.attack("A10")
def test_a_journal_naming_a_device_as_its_programme_gets_one_line(tmp_path, capsys):
    journal = _journal(tmp_path)
    lines = journal.read_bytes().split(b"\n")
    opening = json.loads(lines[0])
    opening["programme"] = "/dev/zero"
    hostile = journal.with_name("zero.jsonl")
    hostile.write_bytes(b"\n".join([json.dumps(opening).encode(), *lines[1:]]))
    assert main(["report", str(hostile)]) == 2
    assert "/dev/zero: cannot read: not a regular file" in _one_clear_line(capsys)


@pytest.mark.attack("A11")
def test_one_flipped_byte_in_the_first_line_loses_only_that_line(tmp_path, capsys):
    journal = _journal(tmp_path)
    data = bytearray(journal.read_bytes())
    data[5] ^= 0x01  # "type" becomes "tzpe"
    journal.write_bytes(bytes(data))
    assert main(["report", str(journal)]) == 2
    assert "--programme FILE" in _one_clear_line(capsys)
    assert main(["report", str(journal), "--programme", str(WORKSHOP_PATH)]) == 0
    captured = capsys.readouterr()
    assert "first note" in captured.out and "second note" in captured.out
    assert "first line is damaged" in captured.err
    assert main(["timing", str(journal), "--programme", str(WORKSHOP_PATH)]) == 0
    run = open_run(workshop(), tmp_path / "reports", fake_clock())  # the console resumes it too
    assert run.resumed and next(n.text for n in run.engine.state.visible_notes()) == "first note"
    assert any("first line is damaged" in warning for warning in run.warnings)
    run.journal.close()


PROGRAMME_ATTACKS = {
    "duration 1e308": ("duration = 1e308", "longer than 24 hours"),
    "400-digit duration": ('duration = "' + "1" * 400 + '"', "longer than 24 hours"),
    "5000-digit integer": ("duration = " + "1" * 5000, "out of range"),
    "cues nested 5000 deep": ('duration = "5m"\ncues = ' + "[" * 5000 + "]" * 5000, "nested too deeply"),
}


@pytest.mark.attack("A12")
@pytest.mark.parametrize("name", sorted(PROGRAMME_ATTACKS))
def test_absurd_numbers_and_nesting_in_a_programme_get_one_line(tmp_path, capsys, name):
    line, expected = PROGRAMME_ATTACKS[name]
    text = programme_toml([("other", "One", "5m")]).replace('duration = "5m"', line)
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    assert expected in _one_clear_line(capsys)


@pytest.mark.attack("A13")
@pytest.mark.parametrize("command", ["check", "ics", "report", "timing"])
def test_pipes_and_devices_are_refused_at_once(tmp_path, capsys, command):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # no writer: reading it would wait forever
    for special in (str(fifo), "/dev/zero", "/dev/urandom"):
        assert main([command, special]) == 2
        assert "not a regular file" in _one_clear_line(capsys)


@pytest.mark.attack("A13")
def test_a_programme_beyond_the_size_limit_is_refused(tmp_path, capsys, monkeypatch):
    import moderator.programme.loading as loading

    monkeypatch.setattr(loading, "PROGRAMME_LIMIT", 1024)
    path = tmp_path / "p.toml"
    path.write_text(programme_toml([("other", "One", "5m")]) + "#" * 2000, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    assert "larger than" in _one_clear_line(capsys)


@pytest.mark.attack("A14")
@pytest.mark.parametrize("speed", ["nan", "inf", "-inf", "1e308", "0", "-2"])
def test_an_absurd_rehearsal_speed_is_a_usage_error(speed, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["rehearse", str(WORKSHOP_PATH), "--speed", speed])
    assert exit_.value.code == 2
    assert "--speed" in _one_clear_line(capsys)


@pytest.mark.attack("A15")
def test_escape_sequences_in_a_programme_never_reach_the_terminal(tmp_path, capsys):
    path = tmp_path / "p.toml"
    path.write_text(programme_toml([("other", _toml(ESCAPE_TITLE), "5m")],
                                   title=_toml(ESCAPE_TITLE)), encoding="utf-8")
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "␛]2;PWNED" in out and "[bold red]RED[/]" in out
    assert not any(raw in out for raw in RAW_ESCAPES)
    assert main(["ics", str(path), "--segments"]) == 0
    calendar = capsys.readouterr().out
    assert "␛]2;PWNED" in calendar and "\x1b" not in calendar
    assert calendar.count("\r\n") > 10, "iCalendar lines keep their CRLF"
    bad_zone = path.read_text(encoding="utf-8").replace('timezone = "', 'timezone = "\\u001b[2J')
    path.write_text(bad_zone, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    line = _one_clear_line(capsys)
    assert "␛[2J" in line and "\x1b" not in line


@pytest.mark.attack("A15")
@pytest.mark.attack("A05")
def test_markup_and_escapes_in_titles_are_text_in_timing(tmp_path, capsys):
    path = tmp_path / "p.toml"
    path.write_text(programme_toml([("other", _toml(ESCAPE_TITLE), "5m"),
                                    ("other", "Intro [/] closing", "5m")]), encoding="utf-8")
    journal = _journal(tmp_path, path)
    assert main(["timing", str(journal)]) == 0
    out = capsys.readouterr().out
    assert "Intro [/] closing" in out and "␛]2;PWNED" in out
    assert not any(raw in out for raw in RAW_ESCAPES)


@pytest.mark.attack("A15")
def test_a_journal_naming_a_programme_path_with_escapes_gets_a_visible_line(tmp_path, capsys):
    journal = _journal(tmp_path)
    lines = journal.read_bytes().split(b"\n")
    opening = json.loads(lines[0])
    opening["programme"] = "/nowhere/\x1b[2J\x1b]2;PWNED\x07.toml"
    journal.write_bytes(b"\n".join([json.dumps(opening).encode(), *lines[1:]]))
    assert main(["report", str(journal)]) == 2
    line = _one_clear_line(capsys)
    assert "␛[2J" in line and "\x1b" not in line and "\x07" not in line


def test_a_journal_continued_after_the_programme_grew_keeps_its_new_segments(tmp_path):
    """The segment bound follows ``reopened``: segments a longer programme added are not skipped."""
    from moderator.programme import load_programme
    from moderator.session.journal import read_journal

    short = tmp_path / "p.toml"
    short.write_text(programme_toml([("other", "One", "5m"), ("other", "Two", "5m")]), encoding="utf-8")
    clock = fake_clock()
    run = open_run(load_programme(short), tmp_path / "reports", clock)
    run.engine.start()
    run.journal.close()
    short.write_text(programme_toml([("other", "One", "5m"), ("other", "Two", "5m"), ("other", "Three", "5m")]),
                     encoding="utf-8")
    run = open_run(load_programme(short), tmp_path / "reports", clock)
    run.engine.goto(2)
    run.journal.close()
    contents = read_journal(run.journal_path)
    assert not contents.warnings
    assert contents.events[-1].segment == 2  # type: ignore[union-attr]



@pytest.mark.attack("A16")
def test_a_start_inside_a_daylight_saving_gap_is_warned_with_its_line(tmp_path, capsys):
    path = tmp_path / "p.toml"
    path.write_text(programme_toml([("other", "One", "5m")], date="2021-03-28", start="02:30",
                                   timezone="Europe/Paris"), encoding="utf-8")
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}:4: warning: [session].start 02:30 does not exist on 2021-03-28 in Europe/Paris" in out
    assert "starts at 03:30" in out


@pytest.mark.attack("A16")
def test_a_title_of_zero_width_characters_is_no_title(tmp_path, capsys):
    path = tmp_path / "p.toml"
    path.write_text(programme_toml([("other", "One", "5m")], title="\u200b\u200d\ufeff"), encoding="utf-8")
    assert main(["check", str(path)]) == 2
    assert "no visible character" in _one_clear_line(capsys)


@pytest.mark.attack("A16")
def test_an_unknown_kind_with_no_close_match_lists_the_kinds(tmp_path, capsys):
    path = tmp_path / "p.toml"
    path.write_text(programme_toml([("keynote", "One", "5m")]), encoding="utf-8")
    assert main(["check", str(path)]) == 2
    line = _one_clear_line(capsys)
    assert "unknown kind 'keynote'" in line and "use one of" in line and "did you mean" not in line
    path.write_text(programme_toml([("speakr", "One", "5m")]), encoding="utf-8")
    assert main(["check", str(path)]) == 2
    assert "did you mean 'speaker'?" in _one_clear_line(capsys)


@pytest.mark.attack("A17")
def test_the_system_clock_counts_suspended_time_where_the_system_can():
    import time

    from moderator.session.clock import SystemClock

    clock = SystemClock()
    if hasattr(time, "CLOCK_BOOTTIME"):
        assert abs(clock.monotonic() - time.clock_gettime(time.CLOCK_BOOTTIME)) < 1
    assert 0 <= clock.take_suspended() < 1  # no sleep between two readings of a test
