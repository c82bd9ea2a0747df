"""Issue 25, item 4, in a rehearsal: the real console on a real clock run 60 times faster, ticking by
itself; a flowing programme's break moves on and its last segment ends the session with no key pressed,
and the journal says the engine did it ("via": "flow"), dated when each time ran out."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from moderator.programme import load_programme
from moderator.session.clock import ScaledClock
from moderator.session.runs import open_run
from moderator.tui.app import ModeratorApp
from tests.helpers_engine import programme_toml

pytestmark = pytest.mark.system

SPEED = 60.0


async def test_a_flowing_rehearsal_runs_its_breaks_and_ends_by_itself(tmp_path: Path) -> None:
    text = programme_toml([("other", "Welcome", "1m"), ("break", "Coffee", "1m"), ("closing", "Closing", "1m")])
    path = tmp_path / "flow.toml"
    path.write_text(text.replace("[session]\n", '[session]\nflow = "breaks"\n', 1), encoding="utf-8")
    run = open_run(load_programme(path), tmp_path / "reports", ScaledClock(SPEED), rehearsal=True)
    app = ModeratorApp(run, speed=SPEED)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        await asyncio.sleep(1.3)  # the welcome's minute is over: the moderator moves on by hand
        assert app.engine.state.current == 0, "a segment that does not flow waits for the moderator"
        await pilot.press("n")
        for _ in range(60):  # up to 6 s of real time: the break (1 s) and the closing (1 s) run out
            await asyncio.sleep(0.1)
            if app.engine.status.value == "ended":
                break
        assert app.engine.status.value == "ended"
        said = list(app.console_screen.toasts.history)
    assert run.journal is not None
    run.journal.close()
    lines = [json.loads(line) for line in run.journal_path.read_text(encoding="utf-8").splitlines()]
    moves = [(e["type"], e.get("segment"), e.get("via")) for e in lines if e["type"] in ("moved", "ended")]
    assert moves == [("moved", 1, "next"), ("moved", 2, "flow"), ("ended", 2, "flow")]
    by_type = {e["type"] + str(e.get("via")): e["t"] for e in lines}
    assert by_type["movedflow"] - by_type["movednext"] == pytest.approx(60, abs=1.0), "dated when the break ran out"
    assert by_type["endedflow"] - by_type["movedflow"] == pytest.approx(60, abs=1.0)
    assert any("moved on by itself to segment 3" in s or "Closing" in s for s in said), said
    assert any("the session ended by itself" in s for s in said), said
