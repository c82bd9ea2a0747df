"""The live report: kept current while the session runs, off the UI, always complete on disk.

``LiveReport.on_event`` is an engine listener: it only puts the event on a queue, so the
console never waits for a disk or a render. A daemon worker keeps its own copy of the state
(``copy_state``), changed by the same reducer (``state.apply``), so no mutable state is shared
between threads. Rewrites are coalesced: while events stream, at most one every
``min_interval`` seconds (all the events since taken together), and the first after a quiet
moment at once, so the file is current within about a second of the last event. Each write
is atomic (``files.write_atomic``): a reader (an organizer's editor, a sync client) sees the
previous report or the new one, never half of one.

A long session's report is rendered in a process of its own (``render_process``): from
``PROCESS_NOTES`` notes on, or once one render took longer than ``PROCESS_RENDER_SECONDS``.
Rendered in a thread it would hold the interpreter lock for most of a second at 20,000
notes, and the rapporteur's keys would wait behind it. Should that process fail, rendering
comes back to the thread.

When the report cannot be written (a full disk, a folder made read-only), ``problem`` says
so in one sentence and the worker tries again every few seconds, and at the next event;
the journal, not this file, is the source of truth, so nothing is lost meanwhile.

With ``docx_path`` the worker also keeps a Word copy beside it (``run --docx``), written the
same way, after the Markdown: organizers can open the ``.docx`` at any moment.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from moderator.files import remove_leftovers, write_atomic
from moderator.programme import Programme
from moderator.report.memo import RenderMemo
from moderator.session.events import Event
from moderator.session.state import State, apply, copy_state

if TYPE_CHECKING:  # the child process's module (subprocess, pickle) loads on the first long report
    from moderator.report.render_process import RenderProcess

RETRY_SECONDS = 3.0
MIN_INTERVAL = 0.75
"""Seconds between two rewrites while events stream (the report is current within about that)."""
PROCESS_NOTES = 1000
PROCESS_RENDER_SECONDS = 0.05


class LiveReport:
    def __init__(self, programme: Programme, path: Path, state: State, *,
                 retry_seconds: float = RETRY_SECONDS, first_write_delay: float = 0.0,
                 min_interval: float = MIN_INTERVAL, in_process: bool | None = None,
                 docx_path: Path | None = None) -> None:
        """Start the worker; it writes the report for ``state`` at once (or after
        ``first_write_delay`` seconds, or the first event, whichever comes first), then after
        every event. The console waits a moment, so its first frame need not share the
        interpreter with rendering a report nobody is reading yet."""
        self.programme = programme
        self.first_write_delay = first_write_delay
        self.path = Path(path)
        self.docx_path = Path(docx_path) if docx_path is not None else None
        """Where a Word copy of the report is kept too (``--docx``), or ``None``."""
        self.retry_seconds = retry_seconds
        self.min_interval = min_interval
        self._in_process = in_process
        """Render in a child process: ``None`` decides by the session's size (see the module)."""
        self._renderer: RenderProcess | None = None
        self._last_render = 0.0
        self._hurry = 0
        """Callers of ``flush`` waiting: the next write is not held back."""
        self._state = copy_state(state)
        self._memo = RenderMemo()
        """Each note's spans and Markdown from the last render: a rewrite costs what changed."""
        self._changed = threading.Condition()
        self._pending: list[Event] = []
        self._wanted = 1
        """Versions asked for: the initial one, then one per event."""
        self._written = 0
        """How many of them the file holds (the latest write included all before it)."""
        self._problem: str | None = None
        self._closing = False
        self._thread = threading.Thread(target=self._work, name="live-report", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ the UI thread's side

    def on_event(self, event: Event, state: State) -> None:
        """Engine listener: queue the event and return at once (the write happens elsewhere)."""
        with self._changed:
            if self._closing:
                return
            self._pending.append(event)  # frozen: nothing to copy
            self._wanted += 1
            self._changed.notify_all()

    @property
    def problem(self) -> str | None:
        """``None`` while the report is written; else one sentence saying what is wrong."""
        return self._problem

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued so far is on disk; ``False`` if that took longer than ``timeout``."""
        with self._changed:
            target = self._wanted
            self._hurry += 1
            self._changed.notify_all()
            try:
                return self._changed.wait_for(lambda: self._written >= target, timeout)
            finally:
                self._hurry -= 1

    def close(self, timeout: float = 5.0) -> None:
        """Write what is still queued (one attempt), then stop the worker."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._thread.join(timeout)

    # ------------------------------------------------------------------ the worker

    def _work(self) -> None:
        try:
            self._serve()
        finally:
            if self._renderer is not None:
                self._renderer.close()

    def _serve(self) -> None:
        if self.first_write_delay > 0:
            with self._changed:
                self._changed.wait_for(lambda: self._pending or self._closing, self.first_write_delay)
        remove_leftovers(self.path)  # of an earlier console killed while it wrote this report
        if self.docx_path is not None:
            remove_leftovers(self.docx_path)
        failing = False
        last_write = -float("inf")
        while True:
            with self._changed:
                if failing and not self._closing:  # wait a little before trying the disk again
                    self._changed.wait_for(lambda: self._pending or self._closing, self.retry_seconds)
                self._changed.wait_for(lambda: self._pending or self._written < self._wanted or self._closing)
                if not self._pending and self._written >= self._wanted:
                    return  # closing, and everything is written
                if not failing:  # events streaming: take them together, one rewrite per interval
                    self._changed.wait_for(lambda: self._hurry > 0 or self._closing,
                                           last_write + self.min_interval - time.monotonic())
                events, self._pending = self._pending, []
                target = self._wanted
                closing = self._closing
            for event in events:
                apply(self._state, event)
            problem = self._write(events)
            last_write = time.monotonic()
            failing = problem is not None
            with self._changed:
                self._problem = problem
                if not failing:
                    self._written = target
                self._changed.notify_all()
            if closing and failing:
                return

    def _render(self, events: list[Event]) -> str:
        """The report of ``self._state`` (``events`` just applied to it), here or in the child."""
        from moderator.report.render import render_report  # here, off the console's start-up path
        from moderator.report.render_process import RenderProcess, RenderProcessError

        began = time.perf_counter()
        try:
            if self._renderer is None and self._wants_process():
                self._renderer = RenderProcess(self.programme, self._state)  # it starts from this state
                return self._renderer.render([])
            if self._renderer is not None:
                return self._renderer.render(events)
        except RenderProcessError:
            if self._renderer is not None:
                self._renderer.close()
            self._renderer, self._in_process = None, False  # this thread renders from now on
        try:
            return render_report(self.programme, self._state, "md", self._memo)
        finally:
            self._last_render = time.perf_counter() - began

    def _wants_process(self) -> bool:
        if self._in_process is not None:
            return self._in_process
        return len(self._state.notes) >= PROCESS_NOTES or self._last_render > PROCESS_RENDER_SECONDS

    def _write(self, events: list[Event]) -> str | None:
        """Render and write the report (and its Word copy, with ``docx_path``, rendered here from the
        same state); the problem in one sentence, or ``None``."""
        target = self.path
        try:
            write_atomic(self.path, self._render(events))
            if self.docx_path is not None:
                from moderator.report.render import render_report_bytes

                target = self.docx_path
                write_atomic(self.docx_path, render_report_bytes(self.programme, self._state, "docx"))
        except OSError as error:
            reason = error.strerror or str(error)
            return f"Cannot write the report to {target}: {reason}. Every note is safe in the journal; retrying."
        except Exception as error:  # a bug in rendering must not stop the reports that follow
            return (f"Cannot render the report ({type(error).__name__}: {error}). "
                    "Every note is safe in the journal; retrying.")
        return None
