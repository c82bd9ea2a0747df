"""Each system's way of asking the console to stop (``tui.stopping``): POSIX signals for real here;
Windows' SIGBREAK and console control handler with stand-ins for ``signal`` and kernel32 that call
back as Windows does (the control handler from a thread of its own)."""

from __future__ import annotations

import asyncio
import ctypes
import os
import signal
import threading
import time
import types
from typing import Any

import pytest

from moderator.tui.stopping import (
    CLOSE_GRACE,
    CTRL_CLOSE_EVENT,
    SIGBREAK_NUMBER,
    Stop,
    install_stop_handlers,
)

CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_uint)
"""WINFUNCTYPE's shape with the C calling convention: a real ctypes callback on this machine."""


class Kernel32:
    def __init__(self, accept: bool = True) -> None:
        self.handlers: list[Any] = []
        self.accept = accept

    def SetConsoleCtrlHandler(self, handler: Any, add: int) -> int:
        assert add == 1
        self.handlers.append(handler)
        return int(self.accept)


def windows_signal() -> types.SimpleNamespace:
    installed: dict[int, Any] = {}
    return types.SimpleNamespace(SIGBREAK=SIGBREAK_NUMBER, SIGINT=2, installed=installed,
                                 signal=lambda number, handler: installed.__setitem__(number, handler))


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")
async def test_posix_sigterm_and_sighup_arm_the_watchdog_then_reach_the_loop() -> None:
    loop = asyncio.get_running_loop()
    stops: list[Stop] = []
    armed: list[int] = []
    before = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGHUP)}
    try:
        handlers = install_stop_handlers(loop, stops.append, arm=armed.append, platform="linux")
        assert handlers.installed == ["SIGTERM", "SIGHUP"]
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(100):
            if stops:
                break
            await asyncio.sleep(0.01)
        assert armed == [128 + signal.SIGHUP]
        assert stops == [Stop("SIGHUP", 128 + signal.SIGHUP)]
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


@pytest.mark.attack("A09")
async def test_windows_ctrl_break_is_sigbreak() -> None:
    loop = asyncio.get_running_loop()
    stops: list[Stop] = []
    fake_signal = windows_signal()
    armed: list[int] = []
    handlers = install_stop_handlers(loop, stops.append, arm=armed.append, platform="win32",
                                     signal_module=fake_signal, kernel32=Kernel32, callback_type=CALLBACK)
    assert handlers.installed == ["SIGBREAK", "CTRL_CLOSE_EVENT"]
    fake_signal.installed[SIGBREAK_NUMBER](SIGBREAK_NUMBER, None)  # the C runtime raised SIGBREAK
    await asyncio.sleep(0)
    assert armed == [128 + SIGBREAK_NUMBER]
    assert stops == [Stop("SIGBREAK", 128 + SIGBREAK_NUMBER)]


@pytest.mark.attack("A09")
async def test_windows_closed_window_waits_for_the_console_to_close() -> None:
    loop = asyncio.get_running_loop()
    stops: list[Stop] = []
    kernel32 = Kernel32()
    handlers = install_stop_handlers(loop, stops.append, platform="win32", signal_module=windows_signal(),
                                     kernel32=lambda: kernel32, callback_type=CALLBACK)
    (handler,) = kernel32.handlers
    answers: list[int] = []
    windows_thread = threading.Thread(target=lambda: answers.append(handler(CTRL_CLOSE_EVENT)))
    windows_thread.start()  # Windows calls the handler in a thread it creates
    for _ in range(200):
        if stops:
            break
        await asyncio.sleep(0.01)
    assert stops == [Stop("CTRL_CLOSE_EVENT", 128 + SIGBREAK_NUMBER)]
    assert windows_thread.is_alive(), "the handler holds the process until the console has closed"
    handlers.finished()
    windows_thread.join(timeout=5)
    assert answers == [1]


def test_windows_handler_gives_up_waiting_before_windows_does(monkeypatch: pytest.MonkeyPatch) -> None:
    loop = asyncio.new_event_loop()
    try:
        kernel32 = Kernel32()
        install_stop_handlers(loop, lambda stop: None, platform="win32", signal_module=windows_signal(),
                              kernel32=lambda: kernel32, callback_type=CALLBACK)
        monkeypatch.setattr("moderator.tui.stopping.CLOSE_GRACE", 0.2)
        started = time.monotonic()
        assert kernel32.handlers[0](CTRL_CLOSE_EVENT) == 1
        assert 0.15 < time.monotonic() - started < CLOSE_GRACE
    finally:
        loop.close()


async def test_windows_ctrl_c_and_ctrl_break_go_to_the_next_handler() -> None:
    kernel32 = Kernel32()
    stops: list[Stop] = []
    install_stop_handlers(asyncio.get_running_loop(), stops.append, platform="win32",
                          signal_module=windows_signal(), kernel32=lambda: kernel32, callback_type=CALLBACK)
    assert kernel32.handlers[0](0) == 0  # CTRL_C_EVENT
    assert kernel32.handlers[0](1) == 0  # CTRL_BREAK_EVENT: the C runtime's SIGBREAK
    await asyncio.sleep(0)
    assert not stops


async def test_windows_without_a_console_handler_still_has_sigbreak() -> None:
    def missing() -> Any:
        raise OSError("no kernel32")

    handlers = install_stop_handlers(asyncio.get_running_loop(), lambda stop: None, platform="win32",
                                     signal_module=windows_signal(), kernel32=missing, callback_type=CALLBACK)
    assert handlers.installed == ["SIGBREAK"]
    refused = install_stop_handlers(asyncio.get_running_loop(), lambda stop: None, platform="win32",
                                    signal_module=windows_signal(), kernel32=lambda: Kernel32(accept=False),
                                    callback_type=CALLBACK)
    assert refused.installed == ["SIGBREAK"]
