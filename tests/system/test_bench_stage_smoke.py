"""The stage benchmark still runs (tiny sizes, nothing timed): the console in a pty shares its session,
a WebSocket client sees each key's new segment, and viewers' cost is read from /proc."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from benchmarks import bench_net_stage

pytestmark = pytest.mark.system


def test_key_to_stage_and_viewers_at_a_tiny_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    console, ws_url = bench_net_stage._start_console(tmp_path)
    with console:
        latencies = asyncio.run(bench_net_stage._key_to_stage(console, ws_url, 4))
        assert len(latencies) == 4 and all(0 < ms < 10_000 for ms in latencies)
        monkeypatch.setattr(bench_net_stage, "VIEWERS", 5)
        idle, busy, before, after = asyncio.run(bench_net_stage._viewers_cost(console, ws_url, 0.5))
        assert idle >= 0 and busy >= 0 and before > 0 and after > 0
