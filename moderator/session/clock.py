"""Clocks the engine reads time from; injected so that tests move time by hand.

Two readings: ``monotonic()`` for durations (immune to the wall clock being changed
under us) and ``now()`` for what people see and for the journal's timestamps.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from typing import Protocol

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


_BOOTTIME = getattr(time, "CLOCK_BOOTTIME", None)


class SystemClock:
    """The computer's clocks. ``monotonic`` counts the time the computer slept (a laptop closed
    mid-session: the room went on talking), where the system can tell: Linux's
    ``CLOCK_BOOTTIME``. Python's ``time.monotonic`` stops while suspended, on Linux and macOS."""

    def __init__(self) -> None:
        self._boottime = _BOOTTIME is not None and _clock_works(_BOOTTIME)
        self._suspended_seen = self._suspended_total()

    def monotonic(self) -> float:
        if self._boottime:
            assert _BOOTTIME is not None
            return time.clock_gettime(_BOOTTIME)
        return time.monotonic()

    def now(self) -> pendulum.DateTime:
        return pendulum.now("UTC")

    def _suspended_total(self) -> float:
        """Seconds suspended since boot: boot time minus monotonic time (which stops in sleep)."""
        if not self._boottime:
            return 0.0
        assert _BOOTTIME is not None
        return time.clock_gettime(_BOOTTIME) - time.clock_gettime(time.CLOCK_MONOTONIC)

    def take_suspended(self) -> float:
        total = self._suspended_total()
        slept, self._suspended_seen = max(0.0, total - self._suspended_seen), total
        return slept


def _clock_works(clock_id: int) -> bool:
    try:
        time.clock_gettime(clock_id)
    except OSError:
        return False
    return True


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
