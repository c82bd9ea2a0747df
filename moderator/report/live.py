"""The live report: rewritten after every event, off the UI thread, always complete on disk.

``LiveReport.on_event`` is an engine listener: it only puts the event on a queue, so the
console never waits for a disk. A daemon worker keeps its own copy of the state, built by
the same reducer (``state.apply``) from a deep copy of the state it was given, so no mutable
state is shared between threads. Events that arrive while a write is under way are taken
together: one render and one write per burst. Each write is atomic (``files.write_atomic``):
a reader (an organizer's editor, a sync client) sees the previous report or the new one,
never half of one.

When the report cannot be written (a full disk, a folder made read-only), ``problem`` says
so in one sentence and the worker tries again every few seconds, and at the next event;
the journal, not this file, is the source of truth, so nothing is lost meanwhile.
"""

from __future__ import annotations

import copy
import threading
from pathlib import Path

from moderator.files import remove_leftovers, write_atomic
from moderator.programme import Programme
from moderator.session.events import Event
from moderator.session.state import State, apply

RETRY_SECONDS = 3.0


class LiveReport:
    def __init__(self, programme: Programme, path: Path, state: State, *,
                 retry_seconds: float = RETRY_SECONDS, first_write_delay: float = 0.0) -> None:
        """Start the worker; it writes the report for ``state`` at once (or after
        ``first_write_delay`` seconds, or the first event, whichever comes first), then after
        every event. The console waits a moment, so its first frame need not share the
        interpreter with rendering a report nobody is reading yet."""
        self.programme = programme
        self.first_write_delay = first_write_delay
        self.path = Path(path)
        self.retry_seconds = retry_seconds
        self._state = copy.deepcopy(state)
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
            self._pending.append(copy.deepcopy(event))
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
            return self._changed.wait_for(lambda: self._written >= target, timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Write what is still queued (one attempt), then stop the worker."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._thread.join(timeout)

    # ------------------------------------------------------------------ the worker

    def _work(self) -> None:
        if self.first_write_delay > 0:
            with self._changed:
                self._changed.wait_for(lambda: self._pending or self._closing, self.first_write_delay)
        remove_leftovers(self.path)  # of an earlier console killed while it wrote this report
        failing = False
        while True:
            with self._changed:
                if failing and not self._closing:  # wait a little before trying the disk again
                    self._changed.wait_for(lambda: self._pending or self._closing, self.retry_seconds)
                self._changed.wait_for(lambda: self._pending or self._written < self._wanted or self._closing)
                if not self._pending and self._written >= self._wanted:
                    return  # closing, and everything is written
                events, self._pending = self._pending, []
                target = self._wanted
                closing = self._closing
            for event in events:
                apply(self._state, event)
            problem = self._write()
            failing = problem is not None
            with self._changed:
                self._problem = problem
                if not failing:
                    self._written = target
                self._changed.notify_all()
            if closing and failing:
                return

    def _write(self) -> str | None:
        """Render and write the report; the problem in one sentence, or ``None``."""
        from moderator.report.render import render_report  # here, off the console's start-up path

        try:
            write_atomic(self.path, render_report(self.programme, self._state, "md"))
        except OSError as error:
            reason = error.strerror or str(error)
            return f"Cannot write the report to {self.path}: {reason}. Every note is safe in the journal; retrying."
        except Exception as error:  # a bug in rendering must not stop the reports that follow
            return (f"Cannot render the report ({type(error).__name__}: {error}). "
                    "Every note is safe in the journal; retrying.")
        return None
