"""The live report file: written off the UI thread, atomically, and equal to ``moderator report``."""

from __future__ import annotations

import errno
import os
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from unit.test_report_golden import SCENARIOS

import moderator.report.live as live_report_module
from moderator.commands.report import run_report
from moderator.files import write_atomic
from moderator.report import render_report
from moderator.report.live import LiveReport
from moderator.session.clock import FakeClock
from moderator.session.engine import Engine
from moderator.session.journal import Journal
from moderator.session.runs import report_path_for


def live_engine(tmp_path: Path, language: str = "en", **options: Any) -> tuple[Engine, LiveReport, Path]:
    """Play a scenario with a real journal and a live report listening, as the console wires them."""
    journal_path = tmp_path / "live.journal.jsonl"
    report_path = report_path_for(journal_path)
    holder: dict[str, LiveReport] = {}

    def attach(engine: Engine) -> None:
        holder["live"] = LiveReport(engine.programme, report_path, engine.state, **options)
        engine.subscribe(holder["live"].on_event)

    engine = SCENARIOS[language].run(journal=Journal(journal_path), attach=attach)
    return engine, holder["live"], journal_path


def bare_engine() -> tuple[Engine, FakeClock]:
    """The English programme on a fake clock, no journal: the report tests drive it by hand."""
    scenario = SCENARIOS["en"]
    clock = FakeClock(scenario.start)
    return Engine.create(scenario.programme(), clock, None), clock


@pytest.mark.parametrize("language", sorted(SCENARIOS))
def test_the_live_file_is_what_report_prints_from_the_journal(tmp_path: Path, language: str) -> None:
    engine, live, journal_path = live_engine(tmp_path, language)
    assert live.flush(timeout=10)
    live.close()
    assert live.problem is None
    live_bytes = report_path_for(journal_path).read_bytes()
    out = tmp_path / "from-journal.md"
    assert run_report(journal_path, out, "md") == 0
    assert out.read_bytes() == live_bytes
    assert live_bytes == render_report(engine.programme, engine.state, "md").encode("utf-8")


def test_the_report_exists_as_soon_as_the_run_opens(tmp_path: Path) -> None:
    engine, _ = bare_engine()
    programme = engine.programme
    live = LiveReport(programme, tmp_path / "r.report.md", engine.state)
    try:
        assert live.flush(timeout=5)
        assert (tmp_path / "r.report.md").read_text(encoding="utf-8") == render_report(programme, engine.state)
    finally:
        live.close()


def test_the_worker_keeps_its_own_state(tmp_path: Path) -> None:
    engine, live, _ = live_engine(tmp_path)
    try:
        assert live.flush(timeout=10)
        assert live._state is not engine.state
        assert live._state == engine.state  # built by the same reducer from the same events
    finally:
        live.close()


def slow_writes(monkeypatch: pytest.MonkeyPatch, seconds: float) -> list[str]:
    written: list[str] = []

    def slow(path: Path, text: str) -> None:
        time.sleep(seconds)
        write_atomic(path, text)
        written.append(text)

    monkeypatch.setattr(live_report_module, "write_atomic", slow)
    return written


def test_events_return_at_once_and_bursts_are_written_together(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    written = slow_writes(monkeypatch, 0.3)
    engine, _ = bare_engine()
    programme = engine.programme
    live = LiveReport(programme, tmp_path / "r.report.md", engine.state)
    engine.subscribe(live.on_event)
    try:
        engine.start()
        slowest = 0.0
        for n in range(200):
            before = time.perf_counter()
            engine.add_note(f"note number {n}")
            slowest = max(slowest, time.perf_counter() - before)
        assert slowest < 0.1  # each write takes 0.3 s: the console never waits for one
        assert live.flush(timeout=10)
        assert len(written) < 10  # 201 events, a handful of writes
        text = (tmp_path / "r.report.md").read_text(encoding="utf-8")
        assert text == render_report(programme, engine.state)
        assert "note number 199" in text
    finally:
        live.close()


def test_a_failing_disk_is_reported_retried_and_recovered(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    broken = threading.Event()
    broken.set()
    attempts: list[float] = []

    def flaky(path: Path, text: str) -> None:
        attempts.append(time.monotonic())
        if broken.is_set():
            raise OSError(errno.ENOSPC, "No space left on device")
        write_atomic(path, text)

    monkeypatch.setattr(live_report_module, "write_atomic", flaky)
    engine, _ = bare_engine()
    programme = engine.programme
    path = tmp_path / "r.report.md"
    live = LiveReport(programme, path, engine.state, retry_seconds=0.02)
    engine.subscribe(live.on_event)
    try:
        engine.start()
        engine.add_note("kept in the journal meanwhile")
        assert not live.flush(timeout=0.3)
        assert live.problem == (f"Cannot write the report to {path}: No space left on device. "
                                "Every note is safe in the journal; retrying.")
        assert len(attempts) >= 3  # it keeps trying on its own
        assert not path.exists()
        broken.clear()
        assert live.flush(timeout=5)
        assert live.problem is None
        assert "kept in the journal meanwhile" in path.read_text(encoding="utf-8")
    finally:
        live.close()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a user that permissions apply to")
def test_a_read_only_folder_gives_a_plain_sentence(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    engine, _ = bare_engine()
    programme = engine.programme
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    live = LiveReport(programme, folder / "live.report.md", engine.state, retry_seconds=0.02)
    engine.subscribe(live.on_event)
    try:
        assert not live.flush(timeout=0.3)
        assert live.problem is not None
        assert "Permission denied" in live.problem and str(folder) in live.problem
        folder.chmod(stat.S_IRWXU)
        engine.start()
        assert live.flush(timeout=5)
        assert live.problem is None
    finally:
        folder.chmod(stat.S_IRWXU)
        live.close()


def test_flush_gives_up_after_its_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def stuck(path: Path, text: str) -> None:
        release.wait(10)
        write_atomic(path, text)

    monkeypatch.setattr(live_report_module, "write_atomic", stuck)
    engine, _ = bare_engine()
    programme = engine.programme
    live = LiveReport(programme, tmp_path / "r.md", engine.state)
    try:
        started = time.monotonic()
        assert live.flush(timeout=0.1) is False
        assert time.monotonic() - started < 1
        release.set()
        assert live.flush(timeout=5) is True
    finally:
        release.set()
        live.close()


def test_close_writes_what_is_queued_then_stops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slow_writes(monkeypatch, 0.05)
    engine, _ = bare_engine()
    programme = engine.programme
    live = LiveReport(programme, tmp_path / "r.md", engine.state)
    engine.subscribe(live.on_event)
    engine.start()
    engine.add_note("the last words")
    live.close()
    assert not live._thread.is_alive()
    assert "the last words" in (tmp_path / "r.md").read_text(encoding="utf-8")
    engine.add_note("after closing")  # ignored, and harmless
    assert "after closing" not in (tmp_path / "r.md").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- atomic writes


def scenario_versions() -> list[bytes]:
    """Every report the English session went through, one per event (different lengths)."""
    versions: list[bytes] = []

    def attach(engine: Engine) -> None:
        engine.subscribe(lambda event, state: versions.append(render_report(engine.programme, state).encode()))

    SCENARIOS["en"].run(attach=attach)
    return versions


def test_a_reader_never_sees_half_a_report_during_1000_rewrites(tmp_path: Path) -> None:
    versions = scenario_versions()
    allowed = set(versions)
    path = tmp_path / "live.report.md"
    write_atomic(path, versions[0].decode())
    done = threading.Event()
    reads: list[bytes] = []
    bad: list[bytes] = []

    def reader() -> None:
        while not done.is_set():
            data = path.read_bytes()
            reads.append(data)
            if data not in allowed:
                bad.append(data)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for n in range(1000):
            write_atomic(path, versions[n % len(versions)].decode())
    finally:
        done.set()
        thread.join()
    assert not bad, f"{len(bad)} partial reads, e.g. {bad[0][-80:]!r}"
    assert len(reads) > 100
    odd = [data[-40:] for data in reads if not data.rstrip().endswith(b").*")]
    assert not odd, odd[:3]  # the footer, always last
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live.report.md"]  # no temporary left


def test_a_reader_of_the_live_file_only_ever_sees_whole_reports(tmp_path: Path) -> None:
    path = tmp_path / "live.report.md"
    engine, clock = bare_engine()
    programme = engine.programme
    live = LiveReport(programme, path, engine.state)
    engine.subscribe(live.on_event)
    assert live.flush(timeout=5)
    done = threading.Event()
    bad: list[bytes] = []
    count = [0]

    def reader() -> None:
        while not done.is_set():
            data = path.read_bytes()
            count[0] += 1
            if not (data.startswith(b"# Rapporteur's report\n") and data.endswith(b").*\n")):
                bad.append(data)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        engine.start()
        for n in range(1000):
            engine.add_note(f"note {n}: " + "words " * (n % 17))
            clock.advance(1)
        assert live.flush(timeout=20)
    finally:
        done.set()
        thread.join()
        live.close()
    assert not bad
    assert count[0] > 10
    assert path.read_text(encoding="utf-8") == render_report(programme, engine.state)


def test_write_atomic_keeps_the_mode_and_leaves_nothing_behind_on_failure(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "report.md"
    write_atomic(path, "first\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    path.chmod(0o640)
    write_atomic(path, "second\n")
    assert path.read_text() == "second\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640

    def refuse(*_: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        write_atomic(path, "third\n")
    assert path.read_text() == "second\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


# ----------------------------------------------------------------------------- a long session's report


def test_rendered_in_its_own_process_the_file_is_the_same(tmp_path: Path) -> None:
    engine, live, journal_path = live_engine(tmp_path, in_process=True)
    try:
        assert live.flush(timeout=30)
        assert live._renderer is not None  # the child rendered it
        engine.add_note("one more, after the child started")
        assert live.flush(timeout=30)
    finally:
        live.close()
    assert live.problem is None
    text = report_path_for(journal_path).read_text(encoding="utf-8")
    assert text == render_report(engine.programme, engine.state, "md")
    assert "one more, after the child started" in text


def test_when_the_report_process_dies_the_thread_renders(tmp_path: Path) -> None:
    engine, live, journal_path = live_engine(tmp_path, in_process=True)
    try:
        assert live.flush(timeout=30)
        renderer = live._renderer
        assert renderer is not None
        renderer._child.kill()
        renderer._child.wait()
        engine.add_note("written all the same")
        assert live.flush(timeout=30)
        assert live._renderer is None and live.problem is None
    finally:
        live.close()
    text = report_path_for(journal_path).read_text(encoding="utf-8")
    assert text == render_report(engine.programme, engine.state, "md")


def test_streaming_events_are_coalesced_into_one_rewrite_per_interval(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    written = slow_writes(monkeypatch, 0.0)
    engine, clock = bare_engine()
    programme = engine.programme
    live = LiveReport(programme, tmp_path / "r.report.md", engine.state, min_interval=0.5, in_process=False)
    engine.subscribe(live.on_event)
    try:
        assert live.flush(timeout=5)
        before = len(written)
        engine.start()
        began = time.monotonic()
        for n in range(40):  # a note every 25 ms for a second
            engine.add_note(f"streamed note {n}")
            clock.advance(1)
            time.sleep(0.025)
        streamed = time.monotonic() - began
        deadline = time.monotonic() + 5
        while "streamed note 39" not in (tmp_path / "r.report.md").read_text(encoding="utf-8"):
            assert time.monotonic() < deadline, "the report never caught up without a flush"
            time.sleep(0.02)
        assert len(written) - before <= streamed / 0.5 + 2  # not 41 rewrites
        assert (tmp_path / "r.report.md").read_text(encoding="utf-8") == render_report(programme, engine.state)
    finally:
        live.close()
