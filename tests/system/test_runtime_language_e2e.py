"""The installed console on a Spanish session, as a person meets it: a second ``moderator run`` while a
real process holds the session is refused in Spanish (exit 2), and the words printed once SIGTERM
ended the console are Spanish, their paths aligned (issue 25, item 5)."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import SESSIONS
from console.test_tui_language import english_left, english_words_left, without_paths
from system.test_e2e_tmux import MODERATOR, TMUX, Terminal

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not MODERATOR.exists(), reason="the moderator script is not installed in this environment"),
]

SPANISH = SESSIONS / "gsef2021-diesis-es.toml"
HOLD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import pendulum
    from moderator.programme import load_programme
    from moderator.session.clock import FakeClock
    from moderator.session.runs import open_run
    run = open_run(load_programme(Path(sys.argv[1])), Path(sys.argv[2]), FakeClock(pendulum.now("UTC")))
    print("holding", flush=True)
    time.sleep(60)
""")


def _no_english(text: str) -> None:
    programme = SPANISH.read_text(encoding="utf-8")
    assert english_left(without_paths(text), "es") == [], text
    assert english_words_left(without_paths(text), "es", programme) == [], text


def test_a_second_run_while_another_process_holds_a_spanish_session_is_refused_in_spanish(tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(SPANISH), str(tmp_path)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        second = subprocess.run([str(MODERATOR), "run", str(SPANISH), "--out", str(tmp_path)], capture_output=True,
                                text=True, timeout=30)  # (it waits 5 s for a console that is closing)
    finally:
        holder.kill()  # the process this test started, by its id
        holder.wait(10)
    assert second.returncode == 2, second
    assert second.stdout == "" and second.stderr.count("\n") == 1, second.stderr
    assert second.stderr.startswith("moderator: ya hay una consola ejecutando esta sesión ("), second.stderr
    assert f"proceso {holder.pid}" in second.stderr and "todas las notas ya están guardadas" in second.stderr
    _no_english(second.stderr)


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (CI installs it)")
def test_the_words_after_sigterm_are_the_spanish_console_s(tmp_path: Path) -> None:
    script = f"{MODERATOR} run {shlex.quote(str(SPANISH))} --out reports; echo EXIT=$?; sleep 60"
    terminal = Terminal(f"sh -c {shlex.quote(script)}", tmp_path, width=120, height=30)
    try:
        terminal.wait_for("espacio para empezar")
        console = int(subprocess.run(["pgrep", "-P", str(terminal.pid()), "-f", "moderator"], capture_output=True,
                                     text=True, check=True).stdout.split()[0])
        os.kill(console, signal.SIGTERM)  # the console this test started, by its id
        screen = terminal.wait_for("EXIT=")
    finally:
        terminal.close()
    assert f"EXIT={128 + signal.SIGTERM}" in screen
    lines = [line.strip() for line in screen.splitlines()]
    stopped = next(line for line in lines if "SIGTERM" in line)
    assert stopped == "Consola detenida por SIGTERM; todas las notas están en el diario"
    journal = next(line for line in lines if line.startswith("Diario:"))
    report = next(line for line in lines if line.startswith("Informe:"))
    assert journal.index("reports/") == report.index("reports/"), "the paths start in one column"
    _no_english("\n".join([stopped, journal, report]))
