"""Run the console with its asyncio loop watched from inside: how long each callback held the loop.

``python -m benchmarks.loop_monitor RECORD -- moderator-arguments...`` runs ``moderator`` as
``python -m moderator`` would, with ``asyncio.Handle._run`` wrapped: every callback the loop runs
(a task's step, a timer, a message from a socket, a key, Textual's refresh) is timed, in wall time
and in this thread's CPU time. The wall time is how long the loop was held (on a loaded machine it
includes the moments the process waited for a core); the CPU time is the callback's own work.

RECORD gets one JSON line per callback over ``SLOW_MS`` (``{"t", "wall_ms", "cpu_ms", "what"}``)
and, every ``SUMMARY_EVERY`` seconds, a summary of that window (``{"t", "window", "callbacks",
"max_wall_ms", "max_cpu_ms", "max_what"}``). The benchmark reads it by wall-clock windows.
Only for benchmarks: the product runs no such wrapper.
"""

from __future__ import annotations

import asyncio.events
import json
import runpy
import sys
import threading
import time
from typing import Any, TextIO

SLOW_MS = 20.0
SUMMARY_EVERY = 0.5


class LoopWatch:
    def __init__(self, record: TextIO) -> None:
        self.record = record
        self.lock = threading.Lock()
        self.window_began = time.time()
        self.callbacks = 0
        self.max_wall = 0.0
        self.max_cpu = 0.0
        self.max_what = ""

    def note(self, wall_ms: float, cpu_ms: float, handle: Any) -> None:
        with self.lock:
            self.callbacks += 1
            slow = wall_ms > SLOW_MS or cpu_ms > SLOW_MS
            if slow or wall_ms > self.max_wall or cpu_ms > self.max_cpu:
                what = _describe(handle)
                if cpu_ms > self.max_cpu:
                    self.max_what = what
                self.max_wall = max(self.max_wall, wall_ms)
                self.max_cpu = max(self.max_cpu, cpu_ms)
                if slow:
                    self._write({"t": time.time(), "wall_ms": round(wall_ms, 2), "cpu_ms": round(cpu_ms, 2),
                                 "what": what})

    def summarise(self) -> None:
        while True:
            time.sleep(SUMMARY_EVERY)
            with self.lock:
                now = time.time()
                self._write({"t": now, "window": round(now - self.window_began, 3), "callbacks": self.callbacks,
                             "max_wall_ms": round(self.max_wall, 2), "max_cpu_ms": round(self.max_cpu, 2),
                             "max_what": self.max_what})
                self.window_began, self.callbacks, self.max_wall, self.max_cpu, self.max_what = now, 0, 0.0, 0.0, ""

    def _write(self, entry: dict[str, Any]) -> None:
        self.record.write(json.dumps(entry) + "\n")
        self.record.flush()


def _describe(handle: Any) -> str:
    callback = getattr(handle, "_callback", None)
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, asyncio.Task):
        coro = owner.get_coro()
        code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
        if code is not None:
            what = f"task {code.co_qualname} ({code.co_filename.rsplit('/', 2)[-1]}:{code.co_firstlineno})"
            frame = getattr(coro, "cr_frame", None)
            timer_callback = getattr(frame.f_locals.get("self"), "_callback", None) if frame is not None else None
            if timer_callback is not None:  # a Textual timer: say whose
                what += f" -> {getattr(timer_callback, '__qualname__', repr(timer_callback))}"
            return what
    return repr(handle)[:200]


def watch(record: TextIO) -> LoopWatch:
    watcher = LoopWatch(record)
    original = asyncio.events.Handle._run

    def timed_run(handle: asyncio.events.Handle) -> None:
        began_wall, began_cpu = time.perf_counter(), time.thread_time()
        try:
            original(handle)
        finally:
            watcher.note((time.perf_counter() - began_wall) * 1000, (time.thread_time() - began_cpu) * 1000, handle)

    asyncio.events.Handle._run = timed_run  # type: ignore[method-assign,assignment]
    threading.Thread(target=watcher.summarise, name="loop-watch", daemon=True).start()
    return watcher


def read_record(path: str, since: float, until: float) -> dict[str, Any]:
    """The longest callbacks (wall, CPU) between two ``time.time()`` moments, and the slow ones."""
    max_wall = max_cpu = 0.0
    max_what = ""
    callbacks = 0
    slow: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            entry = json.loads(line)
            if "window" in entry:
                if since <= entry["t"] - entry["window"] and entry["t"] <= until + SUMMARY_EVERY:
                    callbacks += entry["callbacks"]
                    max_wall = max(max_wall, entry["max_wall_ms"])
                    if entry["max_cpu_ms"] > max_cpu:
                        max_cpu, max_what = entry["max_cpu_ms"], entry["max_what"]
            elif since <= entry["t"] <= until:
                slow.append(entry)
    return {"max_wall_ms": max_wall, "max_cpu_ms": max_cpu, "max_what": max_what, "callbacks": callbacks,
            "slow": slow}


def main() -> None:
    record_path, separator, *arguments = sys.argv[1:]
    assert separator == "--", "usage: python -m benchmarks.loop_monitor RECORD -- moderator-arguments..."
    record = open(record_path, "a", encoding="utf-8")  # noqa: SIM115 - open for the process's life
    watch(record)
    sys.argv = ["moderator", *arguments]
    runpy.run_module("moderator", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
