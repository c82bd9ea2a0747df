"""The console's last resort: once it has been told to stop, the process ends within a bound.

A console stopped by SIGHUP, SIGTERM or its terminal going away must end, every time: a console
left hanging keeps the journal's lock and nobody can reopen the session. The orderly way (Textual's
shutdown, the report flushed, the journal closed) normally takes well under a second; if any of it
blocks (a write to a terminal nobody reads, a report on a stalled disk), the watchdog armed at the
stop request ends the process with ``os._exit`` when ``DEADLINE`` has passed.

Ending the process there is safe for the journal: every event is written and ``fsync``'d before it
is acknowledged, and a line torn by the exit was never acknowledged (the next start drops it). The
OS lets the journal's lock go with the process. The report is written again from the journal at
the next start, and its half-written temporary files are cleared then.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time

DEADLINE = 2.0
"""Seconds from the stop request to the end of the process, at the latest (the promise is 3 s: the
rest is margin for a loaded machine)."""

_lock = threading.Lock()
_ends_at: float | None = None
"""``time.monotonic()`` at which the armed watchdog ends the process."""


def arm(return_code: int, deadline: float = DEADLINE) -> None:
    """Make sure the process ends within ``deadline`` seconds from now (the first call counts).

    Safe to call from a signal handler or any thread: it only starts a daemon thread."""
    global _ends_at
    with _lock:
        if _ends_at is not None:
            return
        _ends_at = ends_at = time.monotonic() + deadline
    thread = threading.Thread(target=_end_at, args=(return_code, ends_at), name="moderator-watchdog", daemon=True)
    thread.start()


def time_left(default: float) -> float:
    """Seconds left before the watchdog ends the process (``default`` when it is not armed)."""
    ends_at = _ends_at
    if ends_at is None:
        return default
    return max(0.0, ends_at - time.monotonic() - 0.5)  # then the journal closes and the process ends


def disarm_for_tests() -> None:
    """Forget an armed watchdog (tests that arm it in-process end it this way; its thread is a daemon
    and checks before acting)."""
    global _ends_at
    with _lock:
        _ends_at = None


def _end_at(return_code: int, ends_at: float) -> None:
    while (left := ends_at - time.monotonic()) > 0:
        time.sleep(left)
    if _ends_at != ends_at:
        return  # disarmed (tests)
    # Said on stderr from a thread of its own: stderr may be the terminal that is gone, and a write to
    # a terminal nobody reads blocks.
    threading.Thread(target=_say, daemon=True).start()
    time.sleep(0.05)
    os._exit(return_code)


def _say() -> None:
    with contextlib.suppress(Exception):
        os.write(sys.stderr.fileno(), b"moderator: the console did not close in time; ended (the journal is safe)\n")
