"""Connections before they are requests: how many one address may hold, and how long headers take.

aiohttp bounds what a request may hold once it is read; nothing bounds, by itself, how many TCP
connections one address keeps open, nor (before 3.12) how long a client may take to send its
headers: a thousand half-sent requests used to hold every file descriptor of the host, and then
the console could not write its report. ``GuardedProtocol`` wraps aiohttp's protocol for each
accepted connection:

- at most ``per_address`` connections from one address, and ``total`` in all (kept well under the
  process's file limit, so the journal and the report always find one): beyond them a new
  connection is closed at once;
- a connection whose first request has not begun (its headers read) within ``header_timeout``
  seconds is closed; after a request, aiohttp's keep-alive timeout (the same number of seconds)
  closes an idle connection, half-sent next request included.

The server's middleware calls ``ConnectionGuard.request_began`` for each request.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from collections import defaultdict
from collections.abc import Callable
from typing import Any, cast

RESERVED_DESCRIPTORS = 256
"""File descriptors never given to HTTP clients: the journal, the report, the seats' files..."""


def connection_budget(wanted: int) -> int:
    """``wanted``, or less when the process may open fewer files than that plus what it keeps."""
    try:
        resource: Any = importlib.import_module("resource")  # not on Windows (mypy --platform win32 passes)
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return wanted
    if soft == resource.RLIM_INFINITY or soft <= 0:
        return wanted
    return max(32, min(wanted, int(soft) - RESERVED_DESCRIPTORS))


class ConnectionGuard:
    """The counts of open connections, per address and in all, and the connections not yet asking."""

    def __init__(self, *, per_address: int, total: int, header_timeout: float) -> None:
        self.per_address = per_address
        self.total = total
        self.header_timeout = header_timeout
        self.open: dict[str, int] = defaultdict(int)
        self.count = 0
        self.refused = 0
        """Connections closed at once for being over a limit (for tests and the curious)."""
        self.timed_out = 0
        self._waiting: dict[Any, asyncio.TimerHandle] = {}

    def admit(self, address: str) -> bool:
        if self.count >= self.total or self.open[address] >= self.per_address:
            self.refused += 1
            if not self.open[address]:
                del self.open[address]
            return False
        self.open[address] += 1
        self.count += 1
        return True

    def release(self, address: str) -> None:
        self.count -= 1
        self.open[address] -= 1
        if self.open[address] <= 0:
            del self.open[address]

    def watch(self, transport: asyncio.Transport) -> None:
        """Close ``transport`` unless a request begins on it within ``header_timeout``."""
        loop = asyncio.get_running_loop()
        self._waiting[transport] = loop.call_later(self.header_timeout, self._expire, transport)

    def request_began(self, transport: object) -> None:
        handle = self._waiting.pop(transport, None)
        if handle is not None:
            handle.cancel()

    def forget(self, transport: object) -> None:
        self.request_began(transport)

    def _expire(self, transport: asyncio.Transport) -> None:
        if self._waiting.pop(transport, None) is not None:
            self.timed_out += 1
            transport.abort()


class GuardedProtocol(asyncio.Protocol):
    """aiohttp's protocol for one connection, admitted (or not) and watched by a ``ConnectionGuard``."""

    def __init__(self, inner: asyncio.Protocol, guard: ConnectionGuard) -> None:
        self.inner = inner
        self.guard = guard
        self.address: str | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, base: asyncio.BaseTransport) -> None:
        transport = cast(asyncio.Transport, base)  # a stream server's transports are
        peer = transport.get_extra_info("peername")
        address = str(peer[0]) if isinstance(peer, tuple) and peer else "?"
        if not self.guard.admit(address):
            transport.abort()
            return
        self.address, self.transport = address, transport
        self.guard.watch(transport)
        self.inner.connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.address is None:
            return
        self.guard.forget(self.transport)
        self.guard.release(self.address)
        self.address = None
        self.inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.address is not None:
            self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        if self.address is None:
            return None
        return self.inner.eof_received()

    def pause_writing(self) -> None:
        if self.address is not None:
            self.inner.pause_writing()

    def resume_writing(self) -> None:
        if self.address is not None:
            self.inner.resume_writing()


def guarded(factory: Callable[[], asyncio.Protocol], guard: ConnectionGuard) -> Callable[[], asyncio.Protocol]:
    """A protocol factory for ``loop.create_server`` that puts each connection under ``guard``."""
    def make() -> asyncio.Protocol:
        return GuardedProtocol(factory(), guard)
    return make


async def close_listener(listener: asyncio.Server) -> None:
    """Stop accepting; the connections themselves are closed by aiohttp's runner."""
    listener.close()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(listener.wait_closed(), 2.0)
