"""Token buckets: how the host bounds what one client (an address, a seat) may ask per second.

A bucket holds at most ``burst`` units and refills at ``rate`` a second. ``take`` answers at once
(the HTTP API refuses with 429, a page's ping flood closes its socket); ``wait`` sleeps until the
units are there (a seat's commands and bytes: nothing a seat sends is refused for being fast, it is
read more slowly, so an outbox resent after a long cut still lands while a flood is held to the
rate). ``Buckets`` keeps one bucket per key, and forgets them all rather than grow without bound.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

Clock = Callable[[], float]


class Bucket:
    def __init__(self, rate: float, burst: float, clock: Clock = time.monotonic) -> None:
        self.rate, self.burst, self.clock = rate, float(burst), clock
        self.level = float(burst)
        self.at = clock()

    def _refill(self) -> None:
        now = self.clock()
        self.level = min(self.burst, self.level + (now - self.at) * self.rate)
        self.at = now

    def take(self, cost: float = 1.0) -> bool:
        """Take ``cost`` units if they are there; False (nothing taken) if not."""
        self._refill()
        if self.level >= cost:
            self.level -= cost
            return True
        return False

    async def wait(self, cost: float = 1.0) -> None:
        """Take ``cost`` units, sleeping until the bucket has refilled enough. A cost larger than
        the burst is allowed (the level goes below zero, and the next callers wait longer)."""
        self._refill()
        if self.level < min(cost, self.burst):
            await asyncio.sleep((min(cost, self.burst) - self.level) / self.rate)
            self._refill()
        self.level -= cost


class Buckets:
    """One bucket per key (an address, a seat), at most ``limit`` keys remembered."""

    def __init__(self, rate: float, burst: float, limit: int = 4096) -> None:
        self.rate, self.burst, self.limit = rate, burst, limit
        self.by_key: dict[str, Bucket] = {}

    def __getitem__(self, key: str) -> Bucket:
        found = self.by_key.get(key)
        if found is None:
            if len(self.by_key) >= self.limit:
                self.by_key.clear()  # bounded, whoever knocks: every client starts full again
            found = self.by_key[key] = Bucket(self.rate, self.burst)
        return found
