"""End to end in tmux: one terminal hosts (``moderator run --share``), another joins with the
rapporteur link (``moderator join URL --name``); notes typed on the seat appear on the host's
console, in its journal with their author, and in the report's Rapporteur row. The host is then
killed and started again: the seat says it is offline, keeps the note typed meanwhile, and sends
it once the host is back."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest
from conftest import WORKSHOP
from seat_helpers import free_port, wait_for
from system.test_e2e_tmux import MODERATOR, Terminal

from moderator.session.events import NoteAdded
from moderator.session.journal import read_journal

pytestmark = [pytest.mark.system, pytest.mark.e2e,
              pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")]


def test_a_rapporteur_joins_from_another_terminal_and_its_notes_reach_the_host(tmp_path: Path):
    port = free_port()
    host_command = f"{MODERATOR} run {WORKSHOP} --out reports --share --listen 127.0.0.1:{port}"
    host = Terminal(host_command, tmp_path, width=120, height=36)
    seat: Terminal | None = None
    try:
        host.wait_for("press space to start")
        host.keys("Space")
        links = next((tmp_path / "reports").glob("*/links.txt"))
        wait_for(lambda: "rapporteur" in links.read_text())
        link = next(line.split()[1] for line in links.read_text().splitlines() if line.startswith("rapporteur "))
        seat = Terminal(f"env XDG_STATE_HOME={tmp_path / 'seat-state'} {MODERATOR} join {link} --name Ana",
                        tmp_path, width=120, height=36)
        seat.wait_for("rapporteur seat · Ana · connected")
        seat.type("local budgets make alliances last")  # no i first: a rapporteur seat opens in the box
        seat.keys("Enter")
        host.wait_for("local budgets make alliances last — Ana")
        seat.wait_for("local budgets make alliances last — Ana")

        os.kill(host.pid(), signal.SIGKILL)  # the host's laptop dies
        seat.wait_for("offline: 0 notes waiting")
        seat.type("typed while the host was down")
        seat.keys("Enter")
        seat.wait_for("offline: 1 note waiting")
        host.close()
        host = Terminal(host_command, tmp_path, width=120, height=36)
        host.wait_for("Resumed at segment")
        host.wait_for("typed while the host was down — Ana", timeout=30)
        seat.wait_for("rapporteur seat · Ana · connected", timeout=30)
        # the host keeps its report current (within seconds) while it runs: read it then, not
        # after the terminal is closed, when the console may still be shutting down
        report_path = next((tmp_path / "reports").glob("*/live.report.md"))
        wait_for(lambda: "typed while the host was down" in report_path.read_text(), timeout=30)
    finally:
        host.close()
        if seat is not None:
            seat.close()
    folder = next((tmp_path / "reports").glob("*/"))
    notes = [e for e in read_journal(folder / "live.journal.jsonl").events if isinstance(e, NoteAdded)]
    assert [(n.text, n.author) for n in notes] == [
        ("local budgets make alliances last", "Ana"), ("typed while the host was down", "Ana")]
    report = (folder / "live.report.md").read_text()
    assert "local budgets make alliances last" in report
    [row] = [line for line in report.splitlines() if line.startswith("| Rapporteur |")]
    assert "Ana" in row
