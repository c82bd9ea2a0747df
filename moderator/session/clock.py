"""Clocks the engine reads time from; injected so that tests move time by hand.

Two readings: ``monotonic()`` for durations (immune to the wall clock being changed
under us) and ``now()`` for what people see and for the journal's timestamps.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import functools
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import pendulum


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds from an arbitrary origin; never goes backwards."""
        ...

    def now(self) -> pendulum.DateTime:
        """The wall time, in UTC."""
        ...

    def take_suspended(self) -> float:
        """Seconds the computer was suspended since the last call (0 if not, or if it cannot tell)."""
        ...


@dataclass(frozen=True)
class SleepClocks:
    """Two readings of one machine's time, in seconds: ``counting_sleep`` goes on while the computer
    is suspended (the room went on talking), ``awake`` stops; their difference is the time slept.
    ``awake`` is None where the system cannot tell (then a sleep cannot be noticed)."""

    name: str
    """Which clocks, for ``moderator --version`` and bug reports."""
    counting_sleep: Callable[[], float]
    awake: Callable[[], float] | None


def sleep_clocks(platform: str = sys.platform, time_module: Any = time,
                 kernel32: Callable[[], Any] | None = None) -> SleepClocks:
    """The clocks of ``platform`` (``sys.platform``'s spelling) that count a sleep.

    - Linux: ``CLOCK_BOOTTIME`` counts suspended time, ``CLOCK_MONOTONIC`` does not (clock_gettime(2)).
    - macOS: ``CLOCK_MONOTONIC_RAW`` goes on while the Mac sleeps, ``CLOCK_UPTIME_RAW`` (the same ticks
      as ``mach_absolute_time``, which Python's ``time.monotonic`` reads) does not (clock_gettime(3)
      on Darwin). Python's own ``time.monotonic`` would lose the length of every sleep.
    - Windows: ``GetTickCount64`` (milliseconds since boot, sleep and hibernation included) and
      ``QueryUnbiasedInterruptTime`` (the same interrupt time, "not biased" by sleep or hibernation),
      both in kernel32 since Windows 7 and read on the same clock tick. ``time.monotonic`` is not used:
      it is ``GetTickCount64`` up to Python 3.12 but ``QueryPerformanceCounter`` from 3.13, whose
      behaviour across a sleep Microsoft does not promise.
    - Elsewhere, or when a clock is refused: ``time.monotonic``, and a sleep is not noticed.

    ``time_module`` and ``kernel32`` (a loader of the DLL) are for tests, which choose any branch here.
    """
    if platform == "win32":
        try:
            return _windows_clocks((kernel32 or _load_kernel32)())
        except (OSError, AttributeError):
            return SleepClocks("time.monotonic", time_module.monotonic, None)
    pairs = {"darwin": ("CLOCK_MONOTONIC_RAW", "CLOCK_UPTIME_RAW")}
    with_sleep, without = pairs.get(platform, ("CLOCK_BOOTTIME", "CLOCK_MONOTONIC"))
    counting_id, awake_id = getattr(time_module, with_sleep, None), getattr(time_module, without, None)
    if counting_id is None or awake_id is None or not _clocks_work(time_module, counting_id, awake_id):
        return SleepClocks("time.monotonic", time_module.monotonic, None)
    read = time_module.clock_gettime
    return SleepClocks(f"{with_sleep} - {without}", lambda: float(read(counting_id)), lambda: float(read(awake_id)))


def _clocks_work(time_module: Any, *clock_ids: int) -> bool:
    try:
        for clock_id in clock_ids:
            time_module.clock_gettime(clock_id)
    except OSError:
        return False
    return True


def _load_kernel32() -> Any:
    loader = getattr(ctypes, "WinDLL", None)  # Windows only: read, not named, so mypy passes on every system
    if loader is None:
        raise OSError("kernel32 is Windows'")
    return loader("kernel32", use_last_error=True)


def _windows_clocks(kernel32: Any) -> SleepClocks:
    tick_count = kernel32.GetTickCount64
    tick_count.argtypes, tick_count.restype = [], ctypes.c_uint64
    unbiased = kernel32.QueryUnbiasedInterruptTime
    unbiased.argtypes, unbiased.restype = [ctypes.POINTER(ctypes.c_uint64)], ctypes.c_int

    def counting_sleep() -> float:
        return float(tick_count()) / 1_000

    def awake() -> float:
        value = ctypes.c_uint64()
        if not unbiased(ctypes.pointer(value)):
            raise OSError("QueryUnbiasedInterruptTime failed")
        return value.value / 10_000_000

    awake()  # refused here, not mid-session
    return SleepClocks("GetTickCount64 - QueryUnbiasedInterruptTime", counting_sleep, awake)


class SystemClock:
    """The computer's clocks. ``monotonic`` counts the time the computer slept (a laptop closed
    mid-session: the room went on talking) and ``take_suspended`` says how long it slept, where the
    system can tell (``sleep_clocks``: Linux, macOS and Windows can)."""

    def __init__(self, clocks: SleepClocks | None = None) -> None:
        self.clocks = clocks or sleep_clocks()
        self._suspended_seen = self._suspended_total()

    def monotonic(self) -> float:
        return self.clocks.counting_sleep()

    def now(self) -> pendulum.DateTime:
        return pendulum.now("UTC")

    def _suspended_total(self) -> float:
        """Seconds suspended since boot: the clock that counts a sleep minus the one that does not."""
        if self.clocks.awake is None:
            return 0.0
        return self.clocks.counting_sleep() - self.clocks.awake()

    def take_suspended(self) -> float:
        total = self._suspended_total()
        slept, self._suspended_seen = max(0.0, total - self._suspended_seen), total
        return slept


class ScaledClock:
    """Runs ``speed`` times faster than ``base``, for rehearsals; the engine never knows."""

    def __init__(self, speed: float, base: Clock | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self.base = base or SystemClock()
        self._origin_mono = self.base.monotonic()
        self._origin_wall = self.base.now()

    def monotonic(self) -> float:
        return self._origin_mono + (self.base.monotonic() - self._origin_mono) * self.speed

    def now(self) -> pendulum.DateTime:
        elapsed = (self.base.monotonic() - self._origin_mono) * self.speed
        return self._origin_wall.add(microseconds=round(elapsed * 1_000_000))

    def take_suspended(self) -> float:
        return self.base.take_suspended() * self.speed


class FakeClock:
    """A clock for tests: time stands still until ``advance`` is called."""

    def __init__(self, wall: pendulum.DateTime | None = None, monotonic: float = 1000.0) -> None:
        self._mono = monotonic
        self._wall = (wall or pendulum.datetime(2021, 10, 8, 9, 0, tz="UTC")).in_timezone("UTC")
        self._slept = 0.0

    def monotonic(self) -> float:
        return self._mono

    def now(self) -> pendulum.DateTime:
        return self._wall

    def take_suspended(self) -> float:
        slept, self._slept = self._slept, 0.0
        return slept

    def sleep(self, seconds: float) -> None:
        """The computer is suspended for ``seconds``: both readings move (as boot time does)."""
        self.advance(seconds)
        self._slept += seconds

    def advance(self, seconds: float) -> None:
        """Both readings move together, as they do in real life."""
        self._mono += seconds
        self._wall = self._wall.add(microseconds=round(seconds * 1_000_000))

    def jump_wall(self, seconds: float) -> None:
        """The wall clock is changed (NTP, a time-zone change); monotonic time is not."""
        self._wall = self._wall.add(microseconds=round(seconds * 1_000_000))


@functools.lru_cache(maxsize=4096)
def parse_wall(wall: str) -> pendulum.DateTime:
    """A journal's ``wall`` stamp (ISO 8601, as ``now().isoformat()`` wrote it) as a UTC time.

    Cached: the same few stamps (the start, the current segment's entry) are read every second.
    """
    moment = dt.datetime.fromisoformat(wall)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return pendulum.instance(moment).in_timezone("UTC")


def iso_utc(moment: pendulum.DateTime | None) -> str | None:
    """``moment`` as the data outputs write times: ISO 8601 in UTC with a ``Z``."""
    if moment is None:
        return None
    return moment.in_timezone("UTC").isoformat().replace("+00:00", "Z")


def iso_utc_wall(wall: str | None) -> str | None:
    """A journal's ``wall`` stamp as ``iso_utc`` writes it (``None`` stays ``None``)."""
    return iso_utc(parse_wall(wall)) if wall else None
