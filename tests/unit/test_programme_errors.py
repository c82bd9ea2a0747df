"""Bad programmes through ``moderator check``: every mistake on one ``FILE:LINE: message`` line.

Each case writes a file, runs the real command line, and checks the exit status (2), the
file name, the line (and column for TOML syntax) and the message with its hint. The
expected line is found by searching the text for the offending line, independently of
the loader's own line scanner.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from moderator.cli import main

GOOD = '''\
[session]
title = "Alliances"
date = 2021-10-08
start = "18:00"
timezone = "Asia/Seoul"
also_show = ["UTC"]

[moderator]
name = "Dara Huot"

[[speaker]]
id = "kim"
name = "Young Kim"

[[speaker]]
id = "leyton"
name = "Eric Leyton"

[[round]]
id = "r1"
questions = ["Why?"]

[[segment]]
kind = "check"
title = "Connection check"
duration = "1m"

[[segment]]
kind = "speaker"
speaker = "kim"
duration = "10m"

[[segment]]
kind = "discussion"
title = "Discussion"
round = "r1"
duration = "24m"
'''


def edit(old: str, new: str, nth: int = 1) -> str:
    """GOOD with the ``nth`` occurrence of ``old`` replaced by ``new``."""
    position = -1
    for _ in range(nth):
        position = GOOD.index(old, position + 1)
    return GOOD[:position] + new + GOOD[position + len(old):]


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based number of the ``nth`` line that contains ``needle``."""
    found = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return found[nth - 1]


@dataclass(frozen=True)
class Expect:
    """One expected error line: located at the line holding ``at`` (or ``line``)."""

    words: tuple[str, ...]
    at: str | None = None
    nth: int = 1
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class Case:
    name: str
    text: str | bytes
    expected: tuple[Expect, ...]


def one(text: str | bytes, *words: str, at: str | None = None, nth: int = 1, line: int | None = None,
        column: int | None = None) -> tuple[str | bytes, tuple[Expect, ...]]:
    return text, (Expect(words, at, nth, line, column),)


CASES = [
    # --- TOML syntax: line and column
    Case("syntax-unclosed-string", *one(edit('title = "Alliances"', 'title = "Alliances'),
                                        "TOML syntax", "illegal character", line=2, column=19)),
    Case("syntax-bare-word", *one(edit('name = "Dara Huot"', "name = Dara Huot"),
                                  "TOML syntax", "invalid value", line=9, column=8)),
    Case("syntax-duplicate-table", *one(GOOD + "\n[session]\n", "TOML syntax", "twice",
                                        line=line_of(GOOD + "\n[session]\n", "[session]", 2), column=9)),
    Case("syntax-unclosed-array-at-end", *one(GOOD + 'cues = ["a",\n', "TOML syntax", "end of the file",
                                              "never closed", at='cues = ["a",')),
    # --- missing tables and keys
    Case("missing-session", *one(edit("[session]", "[sesion]"), "missing [session] table", line=1)),
    Case("missing-moderator", *one(edit('[moderator]\nname = "Dara Huot"\n', ""),
                                   "missing [moderator] table", line=1)),
    Case("missing-title", *one(edit('title = "Alliances"\n', ""),
                               "[session] is missing required key 'title'", 'add title = "..."',
                               at="[session]")),
    Case("missing-date", *one(edit("date = 2021-10-08\n", ""),
                              "[session] is missing required key 'date'", "2021-10-08", at="[session]")),
    Case("missing-start", *one(edit('start = "18:00"\n', ""),
                               "[session] is missing required key 'start'", at="[session]")),
    Case("missing-timezone", *one(edit('timezone = "Asia/Seoul"\n', ""),
                                  "[session] is missing required key 'timezone'", "IANA", at="[session]")),
    Case("missing-moderator-name", *one(edit('name = "Dara Huot"', 'organization = "Phare"'),
                                        "[moderator] is missing required key 'name'", at="[moderator]")),
    Case("missing-segment-kind", *one(edit('kind = "discussion"\n', ""),
                                      "[[segment]] #3 is missing required key 'kind'",
                                      at="[[segment]]", nth=3)),
    Case("missing-segment-duration", *one(edit('duration = "1m"\n', ""),
                                          "[[segment]] #1 is missing required key 'duration'",
                                          'add duration = "10m"', at="[[segment]]")),
    Case("missing-segment-title", *one(edit('title = "Discussion"\n', ""),
                                       "[[segment]] #3 is missing required key 'title'",
                                       "only speaker segments", at="[[segment]]", nth=3)),
    Case("no-segments", *one(GOOD[: GOOD.index("[[segment]]")], "no [[segment]]", line=1)),
    Case("speaker-segment-without-speaker", *one(edit('speaker = "kim"\n', ""),
                                                 "[[segment]] #2 of kind speaker needs a 'speaker'",
                                                 "known ids: kim, leyton", at="[[segment]]", nth=2)),
    Case("speaker-segment-with-empty-list", *one(edit('speaker = "kim"', "speakers = []"),
                                                 "[[segment]] #2 of kind speaker needs a 'speaker'",
                                                 at="speakers = []")),
    Case("speaker-without-name", *one(edit('name = "Eric Leyton"\n', ""),
                                      "[[speaker]] #2 is missing required key 'name'",
                                      at="[[speaker]]", nth=2)),
    Case("round-without-questions", *one(edit('questions = ["Why?"]\n', ""),
                                         "[[round]] #1 is missing required key 'questions'", at="[[round]]")),
    # --- wrong values
    Case("unknown-kind", *one(edit('kind = "discussion"', 'kind = "discusion"'),
                              "[[segment]] #3: unknown kind 'discusion'", "did you mean 'discussion'?",
                              at='kind = "discusion"')),
    Case("duration-words", *one(edit('duration = "10m"', 'duration = "ten minutes"'),
                                "[[segment]] #2.duration", "cannot read 'ten minutes'", '"10m"',
                                at="ten minutes")),
    Case("duration-0m", *one(edit('duration = "10m"', 'duration = "0m"'),
                             "[[segment]] #2.duration", "longer than zero", at='"0m"')),
    Case("duration-negative", *one(edit('duration = "10m"', 'duration = "-5m"'),
                                   "[[segment]] #2.duration", "longer than zero", at='"-5m"')),
    Case("duration-zero-int", *one(edit('duration = "24m"', "duration = 0"),
                                   "[[segment]] #3.duration", "longer than zero", at="duration = 0")),
    Case("duration-bool", *one(edit('duration = "1m"', "duration = true"),
                               "[[segment]] #1.duration", "not a boolean", at="duration = true")),
    Case("duration-inf", *one(edit('duration = "1m"', "duration = inf"),
                              "[[segment]] #1.duration", "not inf", at="duration = inf")),
    Case("duration-too-long", *one(edit('duration = "1m"', 'duration = "100h"'),
                                   "[[segment]] #1.duration", "24 hours", at="100h")),
    Case("unknown-timezone", *one(edit('timezone = "Asia/Seoul"', 'timezone = "Europe/Pariss"'),
                                  "[session].timezone: unknown time zone 'Europe/Pariss'",
                                  "did you mean 'Europe/Paris'?", at="Europe/Pariss")),
    Case("unknown-also-show", *one(edit('also_show = ["UTC"]', 'also_show = ["UTC", "Asia/Seol"]'),
                                   "[session].also_show: unknown time zone 'Asia/Seol'",
                                   "did you mean 'Asia/Seoul'?", at="also_show")),
    Case("offset-out-of-range", *one(edit('timezone = "Asia/Seoul"', 'timezone = "UTC+25"'),
                                     "unknown time zone 'UTC+25'", "UTC-14 to UTC+14", at="UTC+25")),
    Case("unknown-speaker-timezone", *one(edit('name = "Eric Leyton"', 'name = "Eric Leyton"\ntimezone = "Chile"'),
                                          "[[speaker]] #2.timezone: unknown time zone 'Chile'",
                                          at='timezone = "Chile"')),
    Case("unknown-speaker-id", *one(edit('speaker = "kim"', 'speaker = "kym"'),
                                    "[[segment]] #2: no [[speaker]] has id 'kym'",
                                    "did you mean 'kim'?", "known ids: kim, leyton", at='speaker = "kym"')),
    Case("unknown-speaker-in-shared-slot", *one(edit('speaker = "kim"', 'speakers = ["kim", "ana"]'),
                                                "no [[speaker]] has id 'ana'", "known ids: kim, leyton",
                                                at="speakers =")),
    Case("duplicate-speaker-id", *one(edit('id = "leyton"', 'id = "kim"'),
                                      "[[speaker]] #2: duplicate speaker id 'kim'",
                                      "already used by [[speaker]] #1", at='id = "kim"', nth=2)),
    Case("bad-speaker-id", *one(edit('id = "leyton"', 'id = "Eric Leyton"'),
                                "id 'Eric Leyton' may only use", 'id = "eric-leyton"', at='id = "Eric Leyton"')),
    Case("unknown-round-id", *one(edit('round = "r1"', 'round = "r9"'),
                                  "[[segment]] #3: no [[round]] has id 'r9'", "known round ids: r1",
                                  at='round = "r9"')),
    Case("wrong-type-title", *one(edit('title = "Alliances"', "title = 5"),
                                  "[session].title must be a string, not a number", 'title = "5"',
                                  at="title = 5")),
    Case("wrong-type-date", *one(edit("date = 2021-10-08", 'date = "8 October"'),
                                 "[session].date must be a date like 2021-10-08", at="date =")),
    Case("date-out-of-range", *one(edit("date = 2021-10-08", "date = 0021-10-08"),
                                   "[session].date 0021-10-08 is out of range", "check the year", at="date =")),
    Case("bad-start", *one(edit('start = "18:00"', 'start = "25:00"'),
                           "[session].start", "not a time of day", at="start =")),
    Case("bad-language", *one(edit('also_show = ["UTC"]', 'language = "de"'),
                              "[session].language must be one of en, es, fr", at="language =")),
    Case("session-written-as-array", *one(edit("[session]", "[[session]]"),
                                          "[session] must be a single table", line=1)),
    Case("segment-written-as-table", *one(edit("[[segment]]", "[segment]", 3).replace("[[segment]]", "[[x]]"),
                                          "[segment] must be written [[segment]]", at="[segment]")),
    Case("messages-not-strings", *one(edit('also_show = ["UTC"]', 'also_show = ["UTC"]\nmessages = ["Wrap up", 2]'),
                                      "[session].messages must be a list of strings",
                                      'write messages = ["first", "second"]', at="messages = ")),
    Case("groups-not-a-list", *one(edit('kind = "check"', 'kind = "breakout"\ngroups = 3'),
                                   "[[segment]] #1.groups must be a list of strings",
                                   'write groups = ["first", "second"]', at="groups = ")),
    # --- files
    Case("not-utf8", *one(b"\xff\xfe[\x00s\x00e\x00", "not UTF-8", "save it as UTF-8", line=1, column=1)),
    Case("not-utf8-later", *one(GOOD.encode().replace(b"Young Kim", b"Young K\xefm"),
                                "not UTF-8", line=line_of(GOOD, "Young Kim"), column=16)),
    Case("empty", *one(b"", "the file is empty")),
    Case("blank", *one(b" \n\t\n", "the file is empty")),
    Case("only-comments", b"# a programme, one day\n", (
        Expect(("missing [session] table",), line=1),
        Expect(("missing [moderator] table",), line=1),
        Expect(("the programme has no [[segment]]",), line=1),
    )),
]

SEVERAL = (
    edit('title = "Alliances"\n', "")
    .replace('kind = "discussion"', 'kind = "discusion"')
    .replace('speaker = "kim"', 'speaker = "nobody"')
    .replace('duration = "1m"', 'duration = "soon"')
    .replace('round = "r1"', 'round = "r2"')
    .replace('name = "Dara Huot"', 'name = "Dara Huot"\nrole = "CEO"\nrol = "typo"')
)


def run(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["check", str(path)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / f"{name}.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def expected_prefix(path: Path, text: str | bytes, expect: Expect) -> str:
    if expect.line is not None:
        line = expect.line
    elif expect.at is not None:
        source = text.decode() if isinstance(text, bytes) else text
        line = line_of(source, expect.at, expect.nth)
    else:
        return f"{path}: "
    where = f"{path}:{line}" + (f":{expect.column}" if expect.column is not None else "")
    return where + ": "


def test_the_good_base_programme_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(write(tmp_path, "good", GOOD), capsys)
    assert (status, err) == (0, "")
    assert "Alliances" in out


def test_there_are_many_distinct_bad_inputs() -> None:
    assert len({case.name for case in CASES}) == len(CASES) >= 15
    assert len({case.text for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_bad_input(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, case.name, case.text)
    status, out, err = run(path, capsys)
    assert status == 2
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    errors = [line for line in lines if ": warning: " not in line]
    assert len(errors) == len(case.expected), err
    for expect, line in zip(case.expected, errors, strict=True):
        assert line.startswith(expected_prefix(path, case.text, expect)), (line, expect)
        for word in expect.words:
            assert word in line, (word, line)
    assert all(line.startswith(f"{path}:") for line in lines)


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "nowhere.toml"
    status, out, err = run(path, capsys)
    assert status == 2
    assert out == ""
    assert err == f"{path}: no such file (check the path)\n"


def test_directory_instead_of_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _out, err = run(tmp_path, capsys)
    assert status == 2
    assert err == f"{tmp_path}: is a directory, not a programme file\n"


def test_several_errors_are_all_reported_in_one_run(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "several", SEVERAL)
    status, out, err = run(path, capsys)
    assert status == 2
    assert out == ""
    lines = err.splitlines()
    expected = [
        (line_of(SEVERAL, "[session]"), "[session] is missing required key 'title'", ""),
        (line_of(SEVERAL, "rol = "), "warning: unknown key 'rol' in [moderator]", "did you mean 'role'?"),
        (line_of(SEVERAL, '"soon"'), "[[segment]] #1.duration: cannot read 'soon'", ""),
        (line_of(SEVERAL, '"nobody"'), "[[segment]] #2: no [[speaker]] has id 'nobody'", "kim, leyton"),
        (line_of(SEVERAL, "discusion"), "[[segment]] #3: unknown kind 'discusion'", "discussion"),
        (line_of(SEVERAL, '"r2"'), "[[segment]] #3: no [[round]] has id 'r2'", "r1"),
    ]
    assert len(lines) == len(expected), err
    for (line, message, hint), printed in zip(expected, lines, strict=True):
        assert printed.startswith(f"{path}:{line}: {message}"), printed
        assert hint in printed


def test_one_bad_file_does_not_hide_the_others(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, "good", GOOD)
    bad = write(tmp_path, "bad", edit('kind = "check"', 'kind = "chek"'))
    status = main(["check", str(bad), str(tmp_path / "missing.toml"), str(good)])
    captured = capsys.readouterr()
    kind_line = line_of(GOOD, 'kind = "check"')
    assert status == 2
    assert captured.err.splitlines() == [
        f"{bad}:{kind_line}: [[segment]] #1: unknown kind 'chek' (did you mean 'check'?)",
        f"{tmp_path / 'missing.toml'}: no such file (check the path)",
    ]
    assert "Alliances" in captured.out  # the good file's run sheet is still printed


def test_unknown_key_is_a_warning_and_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = edit('duration = "24m"', 'duration = "24m"\ncue = ["Switch rounds at half time"]')
    path = write(tmp_path, "typo", text)
    status, out, err = run(path, capsys)
    assert status == 0
    assert err == ""
    assert (f"{path}:{line_of(text, 'cue = ')}: warning: unknown key 'cue' in [[segment]] #3 "
            "(did you mean 'cues'?)") in out


def test_warnings_of_a_failing_file_go_to_stderr_too(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    text = edit('title = "Alliances"', 'titel = "Alliances"')
    path = write(tmp_path, "both", text)
    status, out, err = run(path, capsys)
    assert status == 2
    assert out == ""
    assert err.splitlines() == [  # in the file's order, as a compiler would list them
        f"{path}:1: [session] is missing required key 'title' (add title = \"...\")",
        f"{path}:2: warning: unknown key 'titel' in [session] (did you mean 'title'?)",
    ]


def test_groups_on_a_segment_that_is_no_breakout_is_a_warning(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    text = edit('duration = "24m"', 'duration = "24m"\ngroups = ["Legal frameworks", "Planning"]')
    path = write(tmp_path, "groups", text)
    status, out, err = run(path, capsys)
    assert (status, err) == (0, "")
    assert (f"{path}:{line_of(text, 'groups = ')}: warning: [[segment]] #3.groups is only used by breakout "
            'segments, not discussion (remove it, or set kind = "breakout")') in out
