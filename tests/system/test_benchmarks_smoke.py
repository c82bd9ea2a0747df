"""The benchmarks still run: each cheap piece at a tiny size returns the figures it documents.

Nothing here is timed; ``python -m benchmarks`` measures, these only keep it working.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from benchmarks import bench_cli, bench_console, bench_journal, bench_memory, bench_report, harness
from benchmarks.__main__ import RUNNERS, SECTIONS
from benchmarks.__main__ import main as run_benchmarks
from moderator.programme import load_programme


def _positive(result: dict, *keys: str) -> None:
    for key in keys:
        assert isinstance(result[key], float | int) and result[key] > 0, (key, result)


def test_report_render_at_50_notes() -> None:
    result = bench_report.measure_render(notes=50, repeats=1)
    _positive(result, "median_ms", "min_ms", "max_ms", "bytes")
    assert result["notes"] == 50 and result["target_ms"] == 50


def test_replay_of_200_events() -> None:
    result = bench_journal.measure_replay(events=200, repeats=1)
    _positive(result, "median_ms", "min_ms", "max_ms")
    assert result["events"] == 200


def test_note_durability_after_20_notes(tmp_path: Path) -> None:
    result = bench_journal.measure_note_durability(20, 5, directory=tmp_path)
    _positive(result, "p50_ms", "p99_ms", "max_ms")
    assert result["p50_ms"] <= result["p99_ms"] <= result["max_ms"]


def test_enter_to_note_with_20_notes() -> None:
    result = bench_console.measure_enter_to_note(notes=20, samples=3, runs=1, warmup=1)
    _positive(result, "p50_ms", "p99_ms", "max_ms")
    assert result["notes_before"] == 20 and result["samples"] == 3


def test_a_noted_run_resumes_with_its_notes(tmp_path: Path) -> None:
    journal = bench_console.build_noted_run(tmp_path, 30)
    lines = journal.read_text(encoding="utf-8").splitlines()
    assert sum('"type":"note_added"' in line for line in lines) == 30


def test_the_generated_programme_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "long.toml"
    path.write_text(bench_cli.programme_text(40), encoding="utf-8")
    programme = load_programme(path)
    assert len(programme.segments) == 40
    assert {s.kind for s in programme.segments} >= {"speaker", "discussion", "qa", "break"}


def test_a_pty_child_is_read_and_timed() -> None:
    argv = [sys.executable, "-c", "import os; print('size', *os.get_terminal_size()); input()"]
    with harness.PtyProcess(argv) as child:
        seconds = child.wait_for("size 120 40", timeout=20)
        assert 0 < seconds < 20
        assert child.cpu_seconds() >= 0
    assert child.process.returncode is not None


def test_cpu_time_and_peak_memory_of_this_process() -> None:
    assert harness.cpu_seconds(os.getpid()) > 0
    assert harness.peak_rss_kib() > 1000


def test_percentiles_and_ratios() -> None:
    values = [float(n) for n in range(1, 101)]
    assert harness.percentile(values, 50) == pytest.approx(50.5)
    assert harness.percentile(values, 99) == pytest.approx(99.01)
    assert harness.percentile([3.0], 99) == 3.0
    assert harness.ratio(3, 2) == 1.5
    assert harness.ratio(1, 0) == float("inf")


def test_figures_become_json_and_a_table(tmp_path: Path) -> None:
    figures = [
        harness.Figure("first_frame", "First frame", 300.0, "ms", baseline=200.0, ratio=1.5, goal_max=1.3,
                       goal_on="ratio", runs=7),
        harness.Figure("replay_10000", "Replay", 50.0, "ms", goal_max=200, runs=7),
        harness.Figure("check_300", "check", 300.0, "ms", baseline=10.0, ratio=30.0),
    ]
    assert [f.met for f in figures] == [False, True, None]
    path = tmp_path / "figures.json"
    harness.write_json(figures, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data) == ["first_frame", "replay_10000", "check_300"]
    for entry in data.values():
        assert set(harness.FIGURE_KEYS) <= set(entry)
    assert data["first_frame"]["goal"] == "ratio <= 1.3" and data["first_frame"]["ratio"] == 1.5
    assert data["replay_10000"]["baseline"] is None and data["replay_10000"]["goal"] == "<= 200 ms"
    text = harness.plain_table(figures)
    assert "First frame" in text and "miss" in text and "pass" in text


def test_the_runner_knows_its_sections() -> None:
    assert set(SECTIONS) == set(RUNNERS)
    with pytest.raises(SystemExit) as stopped:
        run_benchmarks(["--only", "no_such_section"])
    assert stopped.value.code == 2


def test_the_memory_child_is_importable() -> None:
    assert callable(bench_memory.measure_peak_memory)


def test_a_written_live_run_resumes_with_its_notes(tmp_path: Path) -> None:
    from benchmarks import bench_terminal
    from moderator.session.clock import SystemClock
    from moderator.session.runs import open_run

    journal = bench_terminal.noted_live_run(tmp_path, 40)
    assert journal.name == "live.journal.jsonl"
    run = open_run(load_programme(bench_terminal.demo_programme()), tmp_path, SystemClock())
    try:
        assert run.resumed and len(run.engine.state.visible_notes()) == 40
    finally:
        run.journal.close()


def test_screens_set_their_colours_and_size() -> None:
    from benchmarks.bench_terminal import SCREENS

    labels = {screen.label for screen in SCREENS}
    assert labels == {"120x40 truecolour", "120x40 256 colours", "80x24 truecolour", "80x24 256 colours"}
    for screen in SCREENS:
        env = screen.env()
        assert (env.get("COLORTERM") == "truecolor") is screen.truecolor
        assert (env["COLUMNS"], env["LINES"]) == (str(screen.columns), str(screen.rows))


def test_a_figure_with_two_peers_shows_both() -> None:
    figure = harness.Figure("x", "CPU", 1.0, "% core", baseline=0.5, baseline_label="floor", ratio=2.0,
                            goal_max=1.2, goal_on="ratio", peer=2.0, peer_label="termdown 90m", peer_ratio=0.5)
    assert figure.met is False
    text = harness.plain_table([figure])
    assert "termdown 90m" in text and "2.00× / 0.50×" in text
    assert figure.as_json()["peer_label"] == "termdown 90m"


def test_a_goal_on_the_peer_ratio_is_judged_on_it_and_only_when_measured() -> None:
    within = harness.Figure("b", "Bytes/s", 600.0, "B/s", baseline=300.0, ratio=2.0, goal_max=1.5,
                            goal_on="peer_ratio", peer=500.0, peer_label="termdown 90m", peer_ratio=1.2)
    unmeasured = harness.Figure("c", "Bytes/s", 600.0, "B/s", goal_max=1.5, goal_on="peer_ratio")
    assert within.met is True and unmeasured.met is None
    assert within.goal == "ratio to termdown 90m <= 1.5"
    assert "≤ 1.5× termdown" in harness.plain_table([within])


def test_a_broken_section_fails_the_run_and_the_others_still_run(monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import __main__ as runner

    def broken(_sizes: object, _scratch: Path) -> list[harness.Figure]:
        raise RuntimeError("the console never logged {'adjusted': 11}")

    def fine(_sizes: object, _scratch: Path) -> list[harness.Figure]:
        return [harness.Figure("fine", "A fine figure", 1.0, "ms")]

    monkeypatch.setitem(runner.RUNNERS, "broken", broken)
    monkeypatch.setitem(runner.RUNNERS, "fine", fine)
    assert run_benchmarks(["--quick", "--only", "broken,fine"]) == 1
    out = capsys.readouterr().out
    assert "A fine figure" in out and "section broken is broken: RuntimeError" in out
    assert "load average" in out


def test_plugged_modules_are_found_by_their_section() -> None:
    from benchmarks.__main__ import plugged_runners

    found = plugged_runners()
    assert {"stage", "seats"} <= set(found)
    assert "report" not in found  # bench_report.py has no SECTION: run by the runner's own section


def test_two_modules_cannot_take_one_section_name() -> None:
    from benchmarks.__main__ import plugged_runners

    with pytest.raises(RuntimeError, match="section 'stage' is taken already"):
        plugged_runners(taken=("first_frame", "stage"))  # as if the runner had a section of that name
