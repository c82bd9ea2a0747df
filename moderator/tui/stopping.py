"""How each system asks the console to stop, turned into one call: close as ``ctrl+q`` does.

Every event is on disk already; stopping well only restores the terminal and writes the report.

- Linux, macOS: SIGTERM (a shutdown, ``kill``) and SIGHUP (the terminal closed), as plain signal
  handlers (``signal.signal``: run by the main thread as soon as the signal comes, even if the loop
  is stuck), which hand the stop to the loop.
- Windows has neither. ctrl+c is a key there as in a POSIX terminal (Textual's driver clears
  ``ENABLE_PROCESSED_INPUT``), so it is the console's binding, not a signal. ctrl+break raises
  SIGBREAK (``signal.signal``). The console window closed (and logging off, shutting down) sends
  ``CTRL_CLOSE_EVENT`` (``CTRL_LOGOFF_EVENT``, ``CTRL_SHUTDOWN_EVENT``): Python's ``signal`` module
  cannot handle those (the C runtime turns them into SIGBREAK, but its handler returns at once and
  Windows then ends the process before Python runs anything), so a console control handler is
  installed with ``SetConsoleCtrlHandler``: Windows calls it in a thread of its own; it asks the
  loop to close and waits, up to ``CLOSE_GRACE`` seconds (Windows allows 5), for ``finished()``.

Every handler first calls ``arm`` (the console's watchdog, ``tui.shutdown.arm``: the process ends
within 3 s whatever blocks), then asks the loop to stop. ``install_stop_handlers`` takes the system,
the ``signal`` module and kernel32 as arguments, so the tests run each system's branch on any machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

CLOSE_GRACE = 4.5
"""Seconds the Windows handler waits for the console to close: Windows ends the process 5 s after a
``CTRL_CLOSE_EVENT`` whatever the handler does."""

CTRL_CLOSE_EVENT, CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT = 2, 5, 6
_CLOSING_EVENTS = {CTRL_CLOSE_EVENT: "CTRL_CLOSE_EVENT", CTRL_LOGOFF_EVENT: "CTRL_LOGOFF_EVENT",
                   CTRL_SHUTDOWN_EVENT: "CTRL_SHUTDOWN_EVENT"}
SIGBREAK_NUMBER = 21
"""SIGBREAK in Windows' C runtime (``signal.SIGBREAK`` there); the exit status is 128 + it."""


@dataclass(frozen=True)
class Stop:
    """What stopped the console: its system's name for it, and the exit status that says so."""

    name: str
    exit_status: int


@dataclass
class StopHandlers:
    """What was installed; ``finished()`` once the console has closed (the report written)."""

    installed: list[str] = field(default_factory=list)
    _finished: threading.Event = field(default_factory=threading.Event)
    _keep: list[Any] = field(default_factory=list)
    """The ctypes callback: Windows calls it for as long as the process lives, so it must too."""

    def finished(self) -> None:
        self._finished.set()

    def wait_finished(self, timeout: float) -> bool:
        return self._finished.wait(timeout)


def install_stop_handlers(loop: asyncio.AbstractEventLoop, on_stop: Callable[[Stop], None], *,
                          arm: Callable[[int], None] = lambda exit_status: None,
                          platform: str = sys.platform, signal_module: Any = signal,
                          kernel32: Callable[[], Any] | None = None,
                          callback_type: Any = None) -> StopHandlers:
    """Have ``on_stop`` called on ``loop`` when the system asks the console to stop, after ``arm``
    (called at once, from the handler) with the exit status."""
    handlers = StopHandlers()

    def request(stop: Stop) -> None:
        arm(stop.exit_status)
        with contextlib.suppress(RuntimeError):  # the loop already closed: nothing left to stop
            loop.call_soon_threadsafe(on_stop, stop)

    if platform == "win32":
        _install_windows(handlers, request, signal_module, kernel32, callback_type)
    else:
        _install_posix(handlers, request, signal_module)
    return handlers


def _install_posix(handlers: StopHandlers, request: Callable[[Stop], None], signal_module: Any) -> None:
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal_module, name, None)
        if number is None:
            continue
        stop = Stop(name, 128 + int(number))
        with contextlib.suppress(ValueError, OSError):  # not the main thread (tests)
            signal_module.signal(number, lambda _number, _frame, stop=stop: request(stop))
            handlers.installed.append(name)


def _install_windows(handlers: StopHandlers, request: Callable[[Stop], None], signal_module: Any,
                     kernel32: Callable[[], Any] | None, callback_type: Any) -> None:
    exit_status = 128 + int(getattr(signal_module, "SIGBREAK", SIGBREAK_NUMBER))
    sigbreak = getattr(signal_module, "SIGBREAK", None)
    if sigbreak is not None:
        with contextlib.suppress(ValueError, OSError):  # not the main thread
            signal_module.signal(sigbreak, lambda _number, _frame: request(Stop("SIGBREAK", exit_status)))
            handlers.installed.append("SIGBREAK")

    def control_handler(event: int) -> int:
        name = _CLOSING_EVENTS.get(event)
        if name is None:
            return 0  # ctrl+c, ctrl+break: the next handler (the C runtime's: SIGINT, SIGBREAK)
        request(Stop(name, exit_status))
        handlers.wait_finished(CLOSE_GRACE)
        return 1

    try:
        library = (kernel32 or _load_kernel32)()
        winfunctype = getattr(ctypes, "WINFUNCTYPE", None)  # Windows only
        make_callback = callback_type or (winfunctype(ctypes.c_int, ctypes.c_uint) if winfunctype else None)
        if make_callback is None:
            return
        callback = make_callback(control_handler)
        if not library.SetConsoleCtrlHandler(callback, 1):
            return
    except (OSError, AttributeError):
        return
    handlers._keep.append(callback)
    handlers.installed.append("CTRL_CLOSE_EVENT")


def _load_kernel32() -> Any:
    loader = getattr(ctypes, "WinDLL", None)
    if loader is None:
        raise OSError("kernel32 is Windows'")
    return loader("kernel32", use_last_error=True)
