"""``moderator check``: the run sheet, speakers' shares, night-time warnings, piped output.

Also runs every programme shipped in ``sessions/``: each must load, plan and pass.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from moderator.cli import main
from moderator.commands.check import is_night, night_warnings, run_check, speaker_shares
from moderator.problems import Severity
from moderator.programme import Programme, load_programme, parse_programme
from moderator.programme.plan import plan, plan_warnings

ROOT = Path(__file__).resolve().parents[2]
SESSIONS = sorted((ROOT / "sessions").glob("*.toml"))

WORKSHOP = '''\
[session]
title = "Initiatives and alliances"
event = "GSEF2021 Global Virtual Forum"
type = "Workshop"
date = 2021-10-08
start = "18:00"
end = "19:30"
timezone = "Asia/Seoul"
also_show = ["UTC", "America/Mexico_City"]

[moderator]
name = "Dara Huot"

[[speaker]]
id = "kim"
name = "Young Kim"
timezone = "Asia/Seoul"

[[speaker]]
id = "leyton"
name = "Eric Leyton"
timezone = "America/Santiago"

[[speaker]]
id = "borre"
name = "Martin Van Den Borre"
timezone = "America/Toronto"

[[speaker]]
id = "silent"
name = "Nobody Speaks"

[[segment]]
kind = "check"
title = "Internet connection check"
duration = "11m"

[[segment]]
kind = "speaker"
speaker = "kim"
duration = "10m"
at = "18:11"

[[segment]]
kind = "speaker"
speaker = "leyton"
duration = "10m"

[[segment]]
kind = "speaker"
speaker = "borre"
duration = "10m"
at = "18:40"

[[segment]]
kind = "discussion"
title = "Questions and discussions guided by the moderator"
duration = "39m"
speakers = ["kim", "leyton"]
notes = "not a speaker segment: does not count as floor time"

[[segment]]
kind = "closing"
title = "Closing [remarks]"
duration = "10m"
'''


def load(text: str, path: str = "w.toml") -> Programme:
    return parse_programme(text.encode(), path)


def run(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["check", str(path)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich reads these; a developer's shell must not change what the tests see."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS", "LINES"):
        monkeypatch.delenv(name, raising=False)


# --------------------------------------------------------------------------- shipped sessions


@pytest.mark.parametrize("path", SESSIONS, ids=lambda p: p.name)
def test_shipped_session_loads_plans_and_passes(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    programme = load_programme(path)
    timeline = plan(programme)
    assert len(timeline) == len(programme.segments) > 0
    assert (timeline[-1].end - timeline[0].start).total_seconds() == programme.total_duration
    assert all(not p.is_error for p in plan_warnings(programme))
    status, out, err = run(path, capsys)
    assert (status, err) == (0, "")
    assert programme.session.title[:40] in out.replace("\n", " ")
    assert "Traceback" not in out


# --------------------------------------------------------------------------- run sheet


def test_run_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "workshop.toml"
    path.write_text(WORKSHOP, encoding="utf-8")
    status, out, err = run(path, capsys)
    assert (status, err) == (0, "")
    assert "Initiatives and alliances" in out
    assert "GSEF2021 Global Virtual Forum" in out and "Workshop" in out
    assert "2021-10-08" in out
    assert "Asia/Seoul" in out and "America/Mexico_City" in out
    assert "Dara Huot" in out
    header = next(line for line in out.splitlines() if "Seoul" in line and "UTC" in line and "#" in line)
    assert "Mexico City" in header
    rows = {line.split()[0]: line for line in out.splitlines() if re.match(r"\s*\d+ \S", line)}
    assert re.search(r"18:00\s.*09:00\s.*04:00\s.*11m\s.*check\s.*Internet connection check", rows["1"])
    assert re.search(r"18:11\s.*09:11\s.*04:11\s.*10m\s.*Speaker\s.*Young Kim", rows["2"])  # the kind as people say it
    assert re.search(r"19:20\s.*10:20\s.*05:20\s.*10m\s.*Closing\s.*Closing \[remarks\]", rows["6"])
    assert "Total 1h30m, planned end 19:30 Seoul, 10:30 UTC, 05:30 Mexico City" in out


def test_warnings_follow_the_run_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = WORKSHOP.replace('duration = "39m"', 'duration = "40m"\ncue = ["x"]')
    path = tmp_path / "late.toml"
    path.write_text(text, encoding="utf-8")
    status, out, err = run(path, capsys)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    table_end = max(n for n, line in enumerate(lines) if line.startswith("Total "))
    warnings = [line for line in lines if f"{path}:" in line or line.startswith(f"{path}: ")]
    assert all(lines.index(w) > table_end for w in warnings)
    numbered = {line: n for n, line in reversed(list(enumerate(text.splitlines(), start=1)))}
    segment_line = numbered['speaker = "borre"'] - 2  # its [[segment]] header
    cue_line = numbered['cue = ["x"]']
    end_line = numbered['end = "19:30"']
    assert warnings == [
        f"{path}:{cue_line}: warning: unknown key 'cue' in [[segment]] #5 (did you mean 'cues'?)",
        f"{path}:{segment_line}: warning: segment 4 (Martin Van Den Borre) is planned at 18:31 but the "
        'programme prints at = "18:40" (9 min earlier than printed; check the durations before it)',
        f"{path}:{end_line}: warning: the segments end at 19:31 but [session].end is 19:30: they overrun 1 min "
        "(segments add up to 91 min; start..end is 90 min)",
        f"{path}:{segment_line}: warning: Martin Van Den Borre's slot starts at 05:31 in America/Toronto "
        "(segment 4; between 23:00 and 06:00 there: confirm they can attend)",
    ]


def test_speaker_shares_split_shared_slots_equally() -> None:
    text = WORKSHOP.replace('speaker = "leyton"\nduration = "10m"',
                            'speakers = ["leyton", "borre", "kim"]\nduration = "10m"')
    programme = load(text)
    shares = {share.speaker.id: share for share in speaker_shares(programme)}
    third = 600 / 3
    assert shares["kim"].seconds == pytest.approx(600 + third)
    assert shares["leyton"].seconds == pytest.approx(third)
    assert shares["borre"].seconds == pytest.approx(600 + third)
    assert shares["silent"].seconds == 0
    assert shares["kim"].percent == pytest.approx(100 * (600 + third) / 5400)
    assert sum(s.seconds for s in shares.values()) == 3 * 600
    assert list(shares) == ["kim", "leyton", "borre", "silent"]  # defined order
    assert shares["silent"].first is None
    assert shares["kim"].first is not None and shares["kim"].first.segment.index == 1


def test_speaker_table_in_the_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "workshop.toml"
    path.write_text(WORKSHOP, encoding="utf-8")
    _status, out, _err = run(path, capsys)
    rows = {name: line for line in out.splitlines()
            for name in ("Young Kim", "Eric Leyton", "Nobody Speaks") if line.startswith(name)}
    assert re.search(r"10m\s.*11\.1%\s.*18:11 Asia/Seoul", rows["Young Kim"])
    # Chile was on summer time (UTC-3) on 2021-10-08: 09:21 UTC is 06:21, not night
    assert re.search(r"10m\s.*11\.1%\s.*06:21 America/Santiago", rows["Eric Leyton"])
    assert re.search(r"-\s.*0\.0%", rows["Nobody Speaks"])


def test_night_warning_points_at_the_segment() -> None:
    programme = load(WORKSHOP)
    (warning,) = night_warnings(programme, speaker_shares(programme))
    assert warning.severity is Severity.WARNING
    lines = WORKSHOP.splitlines()
    assert lines[warning.line - 1] == "[[segment]]"
    assert lines[warning.line + 1] == 'speaker = "borre"'
    assert warning.message == "Martin Van Den Borre's slot starts at 05:31 in America/Toronto"


def test_night_warning_uses_the_speakers_first_slot() -> None:
    """Leyton's first slot moved to 05:00 UTC (02:00 in Santiago): warned once, for that slot."""
    text = WORKSHOP.replace('start = "18:00"', 'start = "14:00"').replace('end = "19:30"', 'end = "15:30"')
    programme = load(text)
    messages = [w.message for w in night_warnings(programme, speaker_shares(programme))]
    assert messages == [
        "Eric Leyton's slot starts at 02:21 in America/Santiago",
        "Martin Van Den Borre's slot starts at 01:31 in America/Toronto",
    ]


@pytest.mark.parametrize(
    ("clock", "night"),
    [("22:59", False), ("23:00", True), ("00:00", True), ("03:30", True), ("05:59", True),
     ("06:00", False), ("12:00", False)],
)
def test_night_boundaries(clock: str, night: bool) -> None:
    import datetime as dt

    assert is_night(dt.time.fromisoformat(clock)) is night


def test_crossing_midnight_marks_the_next_day(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = WORKSHOP.replace('start = "18:00"', 'start = "23:30"').replace('end = "19:30"', 'end = "01:00"')
    path = tmp_path / "late.toml"
    path.write_text(text, encoding="utf-8")
    status, out, _err = run(path, capsys)
    assert status == 0
    rows = {line.split()[0]: line for line in out.splitlines() if re.match(r"\s*\d+ \S", line)}
    assert re.search(r"23:30\s.*14:30\s.*09:30\s", rows["1"])
    assert re.search(r"23:51\s.*14:51\s.*09:51\s", rows["3"])
    assert re.search(r"00:01 \+1\s.*15:01\s.*10:01\s", rows["4"])
    assert "planned end 01:00 +1 Seoul, 16:00 UTC, 11:00 Mexico City" in out
    assert "[session].end" not in out  # 01:00 is read as the next day


def test_several_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text(WORKSHOP, encoding="utf-8")
    second.write_text(WORKSHOP.replace("Initiatives and alliances", "Second session"), encoding="utf-8")
    assert run_check([first, second]) == 0
    out = capsys.readouterr().out
    assert out.index("Initiatives and alliances") < out.index("Second session")


# --------------------------------------------------------------------------- output form


def test_no_colour_codes_when_captured(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "workshop.toml"
    path.write_text(WORKSHOP, encoding="utf-8")
    _status, out, _err = run(path, capsys)
    assert "\x1b[" not in out
    # the sheet fits in 120 columns; problem lines are never folded, so editors can jump to them
    assert max(len(line) for line in out.splitlines() if not line.startswith(str(path))) <= 120
    assert any(line.startswith(f"{path}:") and len(line) > 120 for line in out.splitlines())


def _piped(path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS")}
    environment.update(env, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "moderator", "check", str(path)], capture_output=True,
                          text=True, env=environment, cwd=ROOT, timeout=60, check=False)


def test_piped_output_is_plain_and_120_wide(tmp_path: Path) -> None:
    path = tmp_path / "workshop.toml"
    path.write_text(WORKSHOP.replace("Initiatives and alliances", "A very long title " * 12), encoding="utf-8")
    result = _piped(path, TERM="xterm-256color")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    widths = [len(line) for line in result.stdout.splitlines() if not line.startswith(str(path))]
    assert max(widths) <= 120
    assert any(width > 100 for width in widths)  # not folded to rich's default 80
    assert "Traceback" not in result.stderr


def test_piped_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(b"\xff\xfe\x00")
    result = _piped(path, NO_COLOR="1")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"{path}:1:1: the file is not UTF-8 text (save it as UTF-8)\n"


# --------------------------------------------------------------------------- issue 25


SMALL = """[session]
title = "Small"
date = {date}
start = "{start}"
timezone = "Europe/Madrid"
also_show = ["America/Mexico_City"]
[moderator]
name = "M"
[[segment]]
kind = "check"
title = "Connection check"
duration = "1m"
[[segment]]
kind = "other"
title = "Panel"
duration = "2h"
danger = "3h"
"""


def test_check_warns_when_a_segment_is_amber_or_red_from_its_first_second() -> None:
    warnings = [str(p) for p in plan_warnings(load(SMALL.format(date="2021-06-01", start="10:00")))]
    assert any(w.startswith("w.toml:9: warning: segment 1 (Connection check) lasts 1 min but its warn time is 2 min")
               and "amber from its first second" in w for w in warnings), warnings
    assert any(w.startswith("w.toml:13: warning: segment 2 (Panel) lasts 120 min but its danger time is 180 min")
               for w in warnings), warnings
    assert not any("clocks change" in w for w in warnings)


def test_check_warns_when_daylight_saving_changes_during_the_session() -> None:
    """31 October 2021: Madrid's clocks go back at 03:00; Mexico City's the same night, at 02:00 local."""
    warnings = [str(p) for p in plan_warnings(load(SMALL.format(date="2021-10-31", start="01:30")))]
    changes = [w for w in warnings if "clocks change" in w]
    assert changes == ["w.toml:13: warning: the clocks change in Europe/Madrid during segment 2 (Panel): -60 min "
                       "(daylight saving); times there jump by as much (tell the people who join from there, or "
                       "move the session)"], warnings
