"""Shared fixtures: the seed programmes, a fake clock at the workshop's printed start,
and a console app wired to them, deterministic enough for snapshots."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pendulum
import pytest

from moderator.programme import Programme, load_programme
from moderator.session.clock import FakeClock

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = ROOT / "sessions"
WORKSHOP = SESSIONS / "gsef2021-workshop-alliances.toml"
WORKSHOP_START = pendulum.datetime(2021, 10, 8, 9, 0, tz="UTC")
"""18:00 in Seoul: the workshop's printed start."""


@pytest.fixture
def workshop() -> Programme:
    return load_programme(WORKSHOP)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(WORKSHOP_START)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from an empty folder, so relative paths shown on screen are the same every time."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def make_app(in_tmp: Path, clock: FakeClock) -> Callable[..., object]:
    """Build a console on a programme with the fake clock; the timer only moves when a test says."""
    from moderator.session.runs import open_run
    from moderator.tui.app import ModeratorApp

    def build(programme_path: Path = WORKSHOP, *, rehearsal: bool = False, report: bool = False,
              language: str | None = None) -> ModeratorApp:
        programme = load_programme(programme_path)
        run = open_run(programme, Path("reports"), clock, rehearsal=rehearsal)
        live = None
        if report:
            from moderator.report.live import LiveReport

            live = LiveReport(programme, run.report_path, run.engine.state)
            run.engine.subscribe(live.on_event)
        return ModeratorApp(run, report=live, tick=False, language=language)

    return build


_LAYERS = ("unit", "console", "system")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by the folder it lives in, so ``-m "not system"`` is the fast loop."""
    for item in items:
        layer = item.path.parent.name
        if layer in _LAYERS:
            item.add_marker(getattr(pytest.mark, layer))
