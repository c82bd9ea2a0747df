"""``moderator timing``: planned against actual, from journals written by the real engine.

Every run here is played on the fake clock through ``runs.open_run`` (so the journal is the
one a console would write) and read back with ``load_run``, as the command does.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pendulum
import pytest
from rich.console import Console

from moderator.cli import main
from moderator.commands.timing import journal_label, render, run_timing
from moderator.commands.timing_json import to_json
from moderator.programme import load_programme
from moderator.report.timing import analyse_runs
from moderator.session.clock import FakeClock
from moderator.session.runs import load_run, open_run
from moderator.session.snapshot import SegmentStatus

ROOT = Path(__file__).resolve().parents[2]
WORKSHOP = ROOT / "sessions" / "gsef2021-workshop-alliances.toml"
PRINTED = pendulum.datetime(2021, 10, 8, 9, 0, tz="UTC")
"""The workshop's printed start: 18:00 in Seoul."""
PLANNED = [60, 300, 300, 600, 600, 600, 600, 1440, 600, 300]
KIM, LEYTON, LUYIGA, VANDENBORRE, DISCUSSION = 3, 4, 5, 6, 7

Step = tuple[Any, ...]


def play(out: Path, steps: Sequence[Step], *, start: pendulum.DateTime = PRINTED, rehearsal: bool = False,
         programme_path: Path = WORKSHOP) -> Path:
    """Run a session on the fake clock; return its journal's path.

    Steps: ``("stay", seconds)``, ``("next",)``, ``("previous",)``, ``("goto", index)``,
    ``("pause",)``, ``("resume",)``, ``("end",)``. The run starts at segment 0 first.
    """
    programme = load_programme(programme_path)
    clock = FakeClock(start)
    run = open_run(programme, out, clock, rehearsal=rehearsal)
    engine = run.engine
    engine.start()
    for step in steps:
        match step:
            case ("stay", seconds):
                clock.advance(seconds)
            case ("next",):
                engine.next()
            case ("previous",):
                engine.previous()
            case ("goto", index):
                engine.goto(index)
            case ("pause",):
                engine.pause()
            case ("resume",):
                engine.resume()
            case ("end",):
                engine.end()
            case _:  # pragma: no cover - a typo in a test
                raise AssertionError(step)
    return run.journal_path


def straight(durations: Sequence[float], *, end: bool = True) -> list[Step]:
    """Spend ``durations[i]`` in segment ``i``, moving on with next, then end."""
    steps: list[Step] = []
    for index, seconds in enumerate(durations):
        if index:
            steps.append(("next",))
        steps.append(("stay", seconds))
    if end:
        steps.append(("end",))
    return steps


def analyse(*journals: Path):
    return analyse_runs([load_run(j) for j in journals], [journal_label(j) for j in journals])


def plain_render(analysis, width: int = 160) -> str:
    buffer = io.StringIO()
    render(analysis, Console(file=buffer, width=width, color_system=None, highlight=False))
    return buffer.getvalue()


# --------------------------------------------------------------------------- one run


def test_a_run_on_time_has_no_deviation_anywhere(tmp_path: Path) -> None:
    journal = play(tmp_path, straight(PLANNED))
    analysis = analyse(journal)
    (run,) = analysis.runs
    assert run.label == "live"
    assert run.finished and run.status == "ended"
    assert run.anchored_on_printed_start and run.anchor == PRINTED
    assert run.late_start == 0
    assert run.end_offset == 0
    assert run.ended == run.planned_end == PRINTED.add(minutes=90)
    assert [s.status for s in run.segments] == [SegmentStatus.DONE] * 10
    assert [s.actual for s in run.segments] == PLANNED
    assert all(s.deviation == 0 and s.cumulative == 0 for s in run.segments)
    assert analysis.top_overruns == ()
    assert analysis.same_programme and analysis.notes == ()
    text = plain_render(analysis)
    assert "No segment ran over its planned time." in text
    assert "on time" in text


def test_a_late_live_start_counts_from_the_first_segment(tmp_path: Path) -> None:
    journal = play(tmp_path, straight(PLANNED), start=PRINTED.add(minutes=5))
    (run,) = analyse(journal).runs
    assert run.anchor == PRINTED, "a live run on its day is measured against the printed start"
    assert run.late_start == 300
    assert run.segments[0].deviation == 0
    assert [s.cumulative for s in run.segments] == [300] * 10
    assert run.end_offset == 300
    assert run.ended == PRINTED.add(minutes=95)
    text = plain_render(analyse(journal))
    assert "+05:00" in text
    assert "18:05:00" in text and "19:35:00" in text and "19:30:00" in text  # Seoul times


def test_one_overrunning_speaker(tmp_path: Path) -> None:
    durations = list(PLANNED)
    durations[KIM] += 180
    journal = play(tmp_path, straight(durations))
    analysis = analyse(journal)
    (run,) = analysis.runs
    kim = run.segments[KIM]
    assert kim.deviation == 180 and kim.actual == 780
    assert [s.cumulative for s in run.segments] == [0, 0, 0] + [180] * 7
    assert run.end_offset == 180
    assert [(o.run, o.index, o.deviation) for o in analysis.top_overruns] == [("live", KIM, 180)]
    text = plain_render(analysis)
    assert "+03:00" in text
    assert "|" + "+" * 12 in text, "the largest deviation gets the full bar"
    assert "█" not in text and "\x1b[" not in text


def test_a_skipped_segment_is_marked_and_saves_its_time(tmp_path: Path) -> None:
    steps = [*straight(PLANNED[:LUYIGA], end=False), ("goto", VANDENBORRE)]
    steps += [("stay", PLANNED[VANDENBORRE])]
    for index in range(DISCUSSION, 10):
        steps += [("next",), ("stay", PLANNED[index])]
    steps.append(("end",))
    journal = play(tmp_path, steps)
    (run,) = analyse(journal).runs
    skipped = run.segments[LUYIGA]
    assert skipped.status == SegmentStatus.SKIPPED and skipped.skipped
    assert skipped.visits == 0 and skipped.deviation is None and skipped.actual == 0
    assert skipped.cumulative == -600
    assert run.segments[LEYTON].cumulative == 0
    assert run.segments[-1].cumulative == -600 == run.end_offset
    assert [s.index for s in run.skipped] == [LUYIGA]
    text = plain_render(analyse(journal))
    assert "skipped" in text
    assert "skipped 6" in text  # the remark names the segment by its number


def test_a_segment_repeated_by_going_back(tmp_path: Path) -> None:
    steps = straight(PLANNED[:LEYTON], end=False)  # up to Kim, on time
    steps += [("next",), ("stay", 300), ("previous",), ("stay", 60), ("next",), ("stay", 300)]
    for index in range(LUYIGA, 10):
        steps += [("next",), ("stay", PLANNED[index])]
    steps.append(("end",))
    journal = play(tmp_path, steps)
    analysis = analyse(journal)
    (run,) = analysis.runs
    kim, leyton = run.segments[KIM], run.segments[LEYTON]
    assert kim.visits == 2 and kim.repeated and kim.actual == 660 and kim.deviation == 60
    assert leyton.visits == 2 and leyton.repeated and leyton.deviation == 0
    assert [s.index for s in run.repeated] == [KIM, LEYTON]
    assert run.end_offset == 60 == run.segments[-1].cumulative
    assert "×2" in plain_render(analysis)


def test_a_pause_makes_the_session_late_but_is_not_the_speakers_overtime(tmp_path: Path) -> None:
    steps = straight(PLANNED[:KIM], end=False)
    steps += [("next",), ("stay", 200), ("pause",), ("stay", 120), ("resume",), ("stay", 400)]
    for index in range(LEYTON, 10):
        steps += [("next",), ("stay", PLANNED[index])]
    steps.append(("end",))
    (run,) = analyse(play(tmp_path, steps)).runs
    kim = run.segments[KIM]
    assert kim.deviation == 0 and kim.paused == 120
    assert kim.cumulative == 120 and run.end_offset == 120


def test_an_unfinished_run_is_measured_to_its_last_event(tmp_path: Path) -> None:
    steps = straight([60, 300, 400], end=False)  # stopped (crash) during segment 3, 100 s over
    journal = play(tmp_path, steps)
    (run,) = analyse(journal).runs
    assert not run.finished
    # The last event is the move into segment 3: nothing after it was journaled.
    assert run.segments[2].status == SegmentStatus.CURRENT
    assert [s.status for s in run.segments[3:]] == [SegmentStatus.UPCOMING] * 7
    assert all(s.cumulative is None and s.deviation is None for s in run.segments[3:])
    assert "not ended" in plain_render(analyse(journal))


def test_an_early_end_skips_the_rest(tmp_path: Path) -> None:
    """Ended after segment 4: the segments never held are skipped, and their time is saved."""
    journal = play(tmp_path, straight(PLANNED[:4]))
    (run,) = analyse(journal).runs
    assert run.finished
    assert [s.status for s in run.segments] == [SegmentStatus.DONE] * 4 + [SegmentStatus.SKIPPED] * 6
    assert run.segments[3].cumulative == 0
    assert run.end_offset == -sum(PLANNED[4:]) == run.segments[-1].cumulative
    assert "skipped 5, 6, 7, 8, 9, 10" in plain_render(analyse(journal))


# --------------------------------------------------------------------------- several runs


def _rehearsal_and_live(tmp_path: Path) -> tuple[Path, Path]:
    rehearsal_durations = list(PLANNED)
    rehearsal_durations[KIM] += 120
    rehearsal_durations[DISCUSSION] -= 240
    rehearsal = play(tmp_path, straight(rehearsal_durations), rehearsal=True,
                     start=pendulum.datetime(2021, 10, 4, 6, 30, tz="UTC"))
    live_durations = list(PLANNED)
    live_durations[LEYTON] += 180
    live = play(tmp_path, straight(live_durations), start=PRINTED.add(minutes=5))
    return rehearsal, live


def test_a_rehearsal_and_the_live_run_side_by_side(tmp_path: Path) -> None:
    rehearsal, live = _rehearsal_and_live(tmp_path)
    assert rehearsal.name == "rehearsal-20211004-063000.journal.jsonl"
    analysis = analyse(rehearsal, live)
    assert [r.label for r in analysis.runs] == ["rehearsal-20211004-063000", "live"]
    assert analysis.same_programme
    first, second = analysis.runs
    assert first.mode == "rehearsal" and not first.anchored_on_printed_start
    assert first.late_start == 0, "a rehearsal's plan is laid from its own start"
    assert first.end_offset == -120
    assert second.late_start == 300 and second.end_offset == 480
    assert [(o.run, o.index, o.deviation) for o in analysis.top_overruns] == [
        ("live", LEYTON, 180), ("rehearsal-20211004-063000", KIM, 120),
    ]
    text = plain_render(analysis)
    assert "rehearsal-20211004-063000" in text and "live" in text
    assert "-02:00 early" in text and "+08:00 late" in text


def test_the_top_overruns_keep_three(tmp_path: Path) -> None:
    durations = list(PLANNED)
    for index, extra in ((1, 30), (KIM, 90), (LEYTON, 60), (VANDENBORRE, 120)):
        durations[index] += extra
    analysis = analyse(play(tmp_path, straight(durations)))
    assert [(o.index, o.deviation) for o in analysis.top_overruns] == [(VANDENBORRE, 120), (KIM, 90), (LEYTON, 60)]


def test_json_for_tools(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rehearsal, live = _rehearsal_and_live(tmp_path)
    assert run_timing([rehearsal, live], as_json=True) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert set(document) == {"version", "title", "timezone", "same_programme", "notes", "segments", "runs",
                             "top_overruns"}
    assert document["version"] == 1 and document["same_programme"] is True
    assert document["timezone"] == "Asia/Seoul"
    assert [s["planned"] for s in document["segments"]] == PLANNED
    assert document["segments"][0]["printed_start"] == "2021-10-08T09:00:00Z"
    reh, liv = document["runs"]
    assert reh["label"] == "rehearsal-20211004-063000" and reh["journal"] == str(rehearsal)
    assert liv["label"] == "live" and liv["mode"] == "live" and liv["finished"] is True
    assert liv["started"] == "2021-10-08T09:05:00Z"
    assert liv["late_start"] == 300
    assert liv["planned_end"] == "2021-10-08T10:30:00Z"
    assert liv["ended"] == "2021-10-08T10:38:00Z"
    assert liv["end_offset"] == 480
    assert liv["skipped"] == [] and liv["repeated"] == [] and liv["not_reached"] == []
    leyton = liv["segments"][LEYTON]
    assert set(leyton) == {"index", "number", "kind", "title", "status", "planned", "planned_start", "allowed",
                           "actual", "paused", "deviation", "cumulative", "visits", "repeated", "skipped",
                           "actual_start", "actual_end"}
    assert leyton["deviation"] == 180 and leyton["cumulative"] == 480 and leyton["actual"] == 780
    assert leyton["planned_start"] == "2021-10-08T09:21:00Z"
    assert leyton["actual_start"] == "2021-10-08T09:26:00Z"
    assert leyton["status"] == "done"
    assert reh["segments"][0]["planned_start"] == "2021-10-04T06:30:00Z"
    assert document["top_overruns"][0] == {
        "run": "live", "index": LEYTON, "number": LEYTON + 1,
        "title": "Work Integration Social Enterprises & International Cooperation",
        "planned": 600, "actual": 780, "deviation": 180,
    }


def test_json_marks_skips_and_repeats(tmp_path: Path) -> None:
    steps = straight(PLANNED[:KIM + 1], end=False)
    steps += [("previous",), ("stay", 30), ("goto", LUYIGA), ("stay", 600), ("end",)]
    document = to_json(analyse(play(tmp_path, steps)))
    (run,) = document["runs"]
    assert run["skipped"] == [LEYTON, *range(VANDENBORRE, 10)]  # jumped over, and never held before the end
    assert run["repeated"] == [2]
    assert run["not_reached"] == []
    assert run["segments"][LEYTON]["deviation"] is None
    assert run["segments"][LEYTON]["cumulative"] == 30 - 600
    assert run["segments"][-1]["cumulative"] == run["end_offset"]
    json.dumps(document)  # serialisable as it is


def test_runs_of_different_programmes_are_compared_by_number(tmp_path: Path) -> None:
    source = WORKSHOP.read_text(encoding="utf-8")
    cut = source.rindex("[[segment]]")
    shorter = tmp_path / "shorter.toml"
    shorter.write_text(source[:cut].replace('end = "19:30"\n', ""), encoding="utf-8")
    first = play(tmp_path / "a", straight(PLANNED))
    second = play(tmp_path / "b", straight(PLANNED[:9]), programme_path=shorter)
    analysis = analyse(first, second)
    assert not analysis.same_programme
    assert any("programmes differ" in note for note in analysis.notes)
    assert len(analysis.rows) == 10
    assert analysis.runs[1].segment(9) is None
    assert [r.label for r in analysis.runs] == ["live", "live#2"]
    text = plain_render(analysis)
    assert "programmes differ" in text and "(none)" in text


# --------------------------------------------------------------------------- drawing


def test_bars_are_red_and_green_in_colour(tmp_path: Path) -> None:
    rehearsal, _ = _rehearsal_and_live(tmp_path)
    buffer = io.StringIO()
    render(analyse(rehearsal), Console(file=buffer, width=160, force_terminal=True, color_system="standard"))
    text = buffer.getvalue()
    assert "█" in text
    assert "\x1b[31m" in text and "\x1b[32m" in text


def test_no_color_draws_plus_and_minus(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    rehearsal, _ = _rehearsal_and_live(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("FORCE_COLOR", "1")  # a terminal, but the user asked for no colour
    assert run_timing([rehearsal], as_json=False) == 0
    out = capsys.readouterr().out
    assert "█" not in out
    assert "\x1b[31m" not in out and "\x1b[32m" not in out
    assert "-" * 12 + "|" in out  # the discussion, -4:00, the largest deviation: the full bar
    assert "|" + "+" * 6 + " " in out  # Kim, +2:00, half of it
    assert "+02:00" in out and "-04:00" in out


def test_piped_output_keeps_the_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    rehearsal, live = _rehearsal_and_live(tmp_path)
    assert run_timing([rehearsal, live], as_json=False) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out
    assert "rehearsal-20211004-063000" in out
    header = next(line for line in out.splitlines() if "actual" in line and "dev" in line)
    assert header.count("actual") == 2 and header.count("cum") == 2


# --------------------------------------------------------------------------- command line


def test_cli_exit_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = play(tmp_path, straight(PLANNED))
    assert main(["timing", str(journal)]) == 0
    assert "Planned and actual" in capsys.readouterr().out
    assert main(["timing", "--json", str(journal)]) == 0
    assert json.loads(capsys.readouterr().out)["runs"][0]["end_offset"] == 0


def test_cli_missing_journal_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.journal.jsonl"
    assert main(["timing", str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert lines == [f"moderator: {missing}: no such journal"]


def test_cli_not_a_journal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bogus = tmp_path / "notes.journal.jsonl"
    bogus.write_text('{"type": "note_added", "t": 0, "wall": "2021-10-08T09:00:00+00:00"}\n', encoding="utf-8")
    empty = tmp_path / "empty.journal.jsonl"
    empty.write_text("", encoding="utf-8")
    for path in (bogus, empty):
        assert main(["timing", str(path)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("moderator: ") and err.count("\n") == 1 and "Traceback" not in err


def test_the_installed_command_gives_no_traceback(tmp_path: Path) -> None:
    journal = play(tmp_path, straight(PLANNED))
    env = {**os.environ, "NO_COLOR": "1"}
    ok = subprocess.run([sys.executable, "-m", "moderator", "timing", str(journal), str(journal)],
                        capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert ok.returncode == 0, ok.stderr
    assert "live#2" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "moderator", "timing", str(tmp_path / "missing.jsonl")],
                         capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1


def test_a_fixed_offset_session(tmp_path: Path) -> None:
    """``UTC-3`` is a valid programme zone: the times are drawn in it."""
    source = WORKSHOP.read_text(encoding="utf-8")
    shifted = tmp_path / "offset.toml"
    shifted.write_text(source.replace('timezone = "Asia/Seoul"\nalso_show', 'timezone = "UTC-3"\nalso_show')
                       .replace('start = "18:00"', 'start = "06:00"'), encoding="utf-8")
    assert 'timezone = "UTC-3"' in shifted.read_text(encoding="utf-8")
    journal = play(tmp_path, straight(PLANNED), programme_path=shifted)
    analysis = analyse(journal)
    assert analysis.runs[0].anchor == PRINTED and analysis.runs[0].end_offset == 0
    text = plain_render(analysis)
    assert "UTC-3" in text and "06:11" in text and "07:30:00" in text


@pytest.mark.parametrize("extra", [[], ["--json"]])
def test_a_closed_pipe_is_not_a_traceback(tmp_path: Path, extra: list[str]) -> None:
    """``moderator timing ... | head``: the reader is gone before we write."""
    journal = play(tmp_path, straight(PLANNED))
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run([sys.executable, "-m", "moderator", "timing", *extra, str(journal)],
                                stdout=write_end, stderr=subprocess.PIPE, text=True, cwd=tmp_path, check=False)
    finally:
        os.close(write_end)
    assert result.returncode == 1  # Python's (and rich's) convention for EPIPE
    assert result.stderr == ""


def test_the_report_and_timing_agree_on_the_end_to_the_second() -> None:
    """Fractions of a second in every segment: the report's actual end and verdict are timing's own."""
    from unit.test_report_golden import SCENARIOS, Scenario

    from moderator.programme.durations import format_duration
    from moderator.report import render_report
    from moderator.report.timing import analyse_runs
    from moderator.session.runs import LoadedRun

    diesis = SCENARIOS["es"]

    def play(engine, clock) -> None:
        clock.advance(0.6)
        engine.start()
        for _ in range(len(engine.programme.segments) - 1):
            clock.advance(540.4)
            engine.next()
        clock.advance(299.7)
        engine.end()

    engine = Scenario("fractions", diesis.programme_path, diesis.start, play).run()
    (timing,) = analyse_runs([LoadedRun(engine.programme, engine.state, [], [])]).runs
    assert timing.ended is not None and timing.end_offset is not None
    ended = timing.ended.in_timezone(engine.programme.session.timezone).format("HH:mm:ss")
    late = timing.end_offset
    verdict = f"{format_duration(-late)} de adelanto" if late < 0 else f"{format_duration(late)} de retraso"
    assert f"- **Fin real**: {ended} — {verdict}" in render_report(engine.programme, engine.state)
