"""The countdown counts a laptop's sleep on every system (``session.clock.sleep_clocks``).

This machine is Linux: Linux's branch runs on its real clocks; macOS' and Windows' branches run on
a simulated machine that answers the same calls (``clock_gettime`` with Darwin's clock ids,
kernel32's ``GetTickCount64`` and ``QueryUnbiasedInterruptTime``) as those systems document."""

from __future__ import annotations

import ctypes
import time
from typing import Any

import pytest
from clock_systems_helpers import DARWIN_IDS, Kernel32, Machine, PosixTime, machine_clock

from moderator.programme.durations import format_duration
from moderator.session.clock import SystemClock, sleep_clocks
from moderator.session.engine import Engine


@pytest.mark.attack("A17")
@pytest.mark.parametrize("system, name", [
    ("linux", "CLOCK_BOOTTIME - CLOCK_MONOTONIC"),
    ("darwin", "CLOCK_MONOTONIC_RAW - CLOCK_UPTIME_RAW"),
    ("win32", "GetTickCount64 - QueryUnbiasedInterruptTime"),
])
def test_each_system_counts_a_sleep_and_says_how_long(system: str, name: str) -> None:
    machine = Machine()
    clock = machine_clock(system, machine)
    assert clock.clocks.name == name
    start = clock.monotonic()
    machine.run(10)
    assert clock.monotonic() - start == pytest.approx(10, abs=0.002)
    assert clock.take_suspended() == pytest.approx(0, abs=0.002)
    machine.sleep(302)  # the lid closed for 5:02
    assert clock.monotonic() - start == pytest.approx(312, abs=0.002)
    slept = clock.take_suspended()
    assert slept == pytest.approx(302, abs=0.002)
    assert format_duration(round(slept)) == "05:02"
    assert clock.take_suspended() == pytest.approx(0, abs=0.002), "a sleep is told once"


@pytest.mark.attack("A17")
@pytest.mark.parametrize("system", ["linux", "darwin", "win32"])
def test_the_engine_journals_the_sleep_on_each_system(system: str, tmp_path: Any) -> None:
    from helpers_engine import workshop

    from moderator.session.events import Slept
    from moderator.session.journal import read_journal
    from moderator.session.runs import open_run

    machine = Machine()
    run = open_run(workshop(), tmp_path, machine_clock(system, machine))
    engine: Engine = run.engine
    engine.start()
    machine.run(10)
    remaining = engine.remaining()
    machine.sleep(302)
    assert engine.remaining() == pytest.approx(remaining - 302, abs=0.01), "the countdown counted the sleep"
    assert engine.notice_sleep() == pytest.approx(302, abs=0.01)
    assert engine.notice_sleep() == 0
    assert run.journal is not None
    run.journal.close()
    assert [round(e.seconds) for e in read_journal(run.journal_path).events if isinstance(e, Slept)] == [302]


def test_a_system_without_such_clocks_falls_back_and_notices_nothing() -> None:
    machine = Machine()
    clock = SystemClock(sleep_clocks("freebsd", PosixTime(machine, "CLOCK_MONOTONIC", "CLOCK_MONOTONIC",
                                                          {"CLOCK_MONOTONIC": 4})))
    assert clock.clocks.name == "time.monotonic" and clock.clocks.awake is None
    machine.sleep(302)
    assert clock.take_suspended() == 0


def test_a_clock_the_system_refuses_falls_back() -> None:
    machine = Machine()
    refused = PosixTime(machine, "CLOCK_MONOTONIC_RAW", "CLOCK_UPTIME_RAW", DARWIN_IDS)
    refused.clock_gettime = lambda clock_id: (_ for _ in ()).throw(OSError(22, "Invalid argument"))  # type: ignore[method-assign]
    assert sleep_clocks("darwin", refused).name == "time.monotonic"


def test_windows_without_kernel32_falls_back() -> None:
    def missing() -> Any:
        raise OSError("no kernel32")

    clocks = sleep_clocks("win32", time, kernel32=missing)
    assert clocks.name == "time.monotonic" and clocks.awake is None


def test_windows_reads_through_a_real_ctypes_pointer() -> None:
    """The pointer handed to QueryUnbiasedInterruptTime is a real ``c_uint64`` one, as kernel32 wants."""
    machine = Machine()
    seen: list[object] = []
    kernel32 = Kernel32(machine)
    inner = kernel32.QueryUnbiasedInterruptTime

    def recording(pointer: Any) -> int:
        seen.append(type(pointer))
        return inner(pointer)

    kernel32.QueryUnbiasedInterruptTime = recording
    clock = SystemClock(sleep_clocks("win32", kernel32=lambda: kernel32))
    clock.take_suspended()
    assert seen and all(kind is ctypes.POINTER(ctypes.c_uint64) for kind in seen)


@pytest.mark.skipif(not hasattr(time, "CLOCK_BOOTTIME"), reason="Linux: the real clocks")
def test_this_linux_machine_uses_boot_time() -> None:
    clock = SystemClock()
    assert clock.clocks.name == "CLOCK_BOOTTIME - CLOCK_MONOTONIC"
    assert abs(clock.monotonic() - time.clock_gettime(time.CLOCK_BOOTTIME)) < 1
    assert 0 <= clock.take_suspended() < 1
