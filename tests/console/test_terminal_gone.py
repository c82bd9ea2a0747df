"""The driver's writer and a terminal that is gone or stalled: nothing written to it may block, the
App is told once, and a SIGCONT the driver did not ask for starts nothing (see ``tui/driver.py``)."""

from __future__ import annotations

import io
import threading
import time

from moderator.tui import shutdown
from moderator.tui.driver import CLOSING_PATIENCE, TerminalWriter


class GoneTerminal(io.StringIO):
    def write(self, text: str) -> int:
        raise OSError(5, "Input/output error")


class StalledTerminal(io.StringIO):
    """A terminal nobody reads: its first write never returns (until released)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def write(self, text: str) -> int:
        self.release.wait()
        return len(text)


def test_a_write_error_marks_the_terminal_gone_and_tells_once_and_nothing_blocks_after() -> None:
    told: list[str] = []
    writer = TerminalWriter(GoneTerminal(), lambda: told.append("gone"))
    writer.start()
    writer.write("frame")
    assert writer.gone.wait(2.0)
    started = time.monotonic()
    for _ in range(1000):  # far more than the queue holds (30): Textual's writer blocked here forever
        writer.write("x" * 100)
    writer.stop()
    assert time.monotonic() - started < 1.0
    assert told == ["gone"]
    assert not writer.is_alive()


def test_a_stalled_terminal_blocks_no_write_once_the_console_closes() -> None:
    terminal = StalledTerminal()
    writer = TerminalWriter(terminal, lambda: None)
    writer.start()
    try:
        for _ in range(40):  # the queue (30) fills behind the stalled write
            threading.Thread(target=writer.write, args=("x",), daemon=True).start()
        time.sleep(0.2)
        started = time.monotonic()
        writer.stop()  # closing: bounded, though the thread is stuck in write
        writer.write("after the stop")
        assert time.monotonic() - started < 4 * CLOSING_PATIENCE
        assert writer.closing.is_set()
    finally:
        terminal.release.set()


def test_a_working_terminal_gets_every_write_in_order() -> None:
    terminal = io.StringIO()
    writer = TerminalWriter(terminal, lambda: None)
    writer.start()
    for number in range(100):
        writer.write(f"{number},")
    writer.stop()
    assert terminal.getvalue() == "".join(f"{number}," for number in range(100))
    assert not writer.gone.is_set()


def test_the_watchdog_counts_from_the_first_stop_request() -> None:
    shutdown.disarm_for_tests()
    assert shutdown.time_left(default=5.0) == 5.0
    try:
        shutdown.arm(129, deadline=3600)
        first = shutdown.time_left(default=5.0)
        shutdown.arm(143, deadline=3600)  # a second request does not move the deadline
        assert 3500 < shutdown.time_left(default=5.0) <= first < 3600
    finally:
        shutdown.disarm_for_tests()
