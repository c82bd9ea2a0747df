"""Simulated machines for the clock of each system (issue 24): Linux's and macOS' ``time`` and
Windows' kernel32, answering as those systems document, on a time that a test moves by hand."""

from __future__ import annotations

from typing import Any

from moderator.session.clock import SystemClock, sleep_clocks


class Machine:
    """A computer's time: ``run`` moves every clock, ``sleep`` only those that count a sleep."""

    def __init__(self) -> None:
        self.awake = 5_000.0
        self.asleep = 0.0

    def run(self, seconds: float) -> None:
        self.awake += seconds

    def sleep(self, seconds: float) -> None:
        self.asleep += seconds

    @property
    def since_boot(self) -> float:
        return self.awake + self.asleep


class PosixTime:
    """``time`` as a system offers it: only the clock ids that system has."""

    def __init__(self, machine: Machine, counting: str, awake: str, ids: dict[str, int]) -> None:
        self._machine = machine
        self._readings = {ids[counting]: lambda: machine.since_boot, ids[awake]: lambda: machine.awake}
        for name, clock_id in ids.items():
            setattr(self, name, clock_id)

    def clock_gettime(self, clock_id: int) -> float:
        if clock_id not in self._readings:
            raise OSError(22, "Invalid argument")
        return self._readings[clock_id]()

    def monotonic(self) -> float:
        return self._machine.awake


DARWIN_IDS = {"CLOCK_MONOTONIC": 6, "CLOCK_MONOTONIC_RAW": 4, "CLOCK_UPTIME_RAW": 8}  # <time.h> on macOS
LINUX_IDS = {"CLOCK_MONOTONIC": 1, "CLOCK_BOOTTIME": 7}


class Kernel32:
    """kernel32 as Windows documents it: ``GetTickCount64`` counts milliseconds since boot, sleep and
    hibernation included, at the clock tick; ``QueryUnbiasedInterruptTime`` writes the 100 ns units
    of the system's working time through its pointer and returns nonzero."""

    def __init__(self, machine: Machine) -> None:
        machine_ = machine

        def tick_count() -> int:
            return int(machine_.since_boot * 1000)

        def unbiased(pointer: Any) -> int:
            pointer.contents.value = int(machine_.awake * 10_000_000)
            return 1

        self.GetTickCount64 = tick_count
        self.QueryUnbiasedInterruptTime = unbiased


def machine_clock(system: str, machine: Machine) -> SystemClock:
    if system == "win32":
        return SystemClock(sleep_clocks("win32", kernel32=lambda: Kernel32(machine)))
    if system == "darwin":
        return SystemClock(sleep_clocks("darwin", PosixTime(machine, "CLOCK_MONOTONIC_RAW", "CLOCK_UPTIME_RAW",
                                                             DARWIN_IDS)))
    return SystemClock(sleep_clocks("linux", PosixTime(machine, "CLOCK_BOOTTIME", "CLOCK_MONOTONIC", LINUX_IDS)))
