"""The host without a screen: typed options in, a running session out.

``cli.py`` turns the command line into ``HostOptions`` (typed, checked); ``Host`` turns them into
a running host: the programme loaded, the run opened or resumed (its journal), the live report
kept current, and, on the asyncio loop of whatever face runs it (``start``), the web server for
``--share`` and the Zoom chat followed for ``--chat``. ``close`` leaves everything on disk.

Every event the host makes, whatever its origin (a key, the HTTP API, a seat, the chat
followed), goes through its one ``Engine`` and reaches the faces through the engine's listeners.
The console (``tui/``) only shows and sends keys; tests and benchmarks run a host with no
terminal at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from moderator.problems import ModeratorError, Words, about_session
from moderator.programme import Programme, load_programme
from moderator.report.live import LiveReport
from moderator.session.chat_follow import POLL_SECONDS, ChatFollower, chat_zone
from moderator.session.clock import Clock, ScaledClock, SystemClock
from moderator.session.engine import Engine
from moderator.session.journal import JournalError
from moderator.session.runs import OpenedRun, open_run
from moderator.share.options import ShareOptions, tls_context

if TYPE_CHECKING:
    from moderator.share.hosting import Sharing

DEFAULT_OUT = Path("reports")
REPORT_FIRST_WRITE_DELAY = 1.0
"""Seconds the live report waits (unless an event comes first) so the console draws first."""


@dataclass(frozen=True)
class HostOptions:
    """What ``moderator run`` / ``rehearse`` (or the demo) ask for."""

    programme: Path
    out: Path = DEFAULT_OUT
    rehearsal: bool = False
    fresh: bool = False
    """A new run even if an unfinished one exists (the old journal is kept)."""
    speed: float = 1.0
    """A rehearsal's clock speed."""
    share: ShareOptions | None = None
    chat: Path | None = None
    """A Zoom chat file to follow while Zoom writes it."""
    zone: str | None = None
    """The zone of the chat's times (None: this computer's)."""
    docx: bool = False
    """Also keep the report as a Word file."""
    flow: str | None = None
    """``run --flow``: whether segments move on by themselves, for this run (None: the programme's)."""


class Host:
    """One session, hosted: its run, its live report, its sharing and its chat follower."""

    def __init__(self, options: HostOptions, *, clock: Clock | None = None,
                 report_delay: float = REPORT_FIRST_WRITE_DELAY) -> None:
        """Bad input (the programme, the sharing or chat options) is refused here, before any
        file is written: ``ModeratorError`` (``ProgrammeError``)."""
        programme = load_programme(options.programme)
        with about_session(programme.session.language):  # its refusals (a console holds it...) in its language
            self._open(options, programme, clock, report_delay)

    def _open(self, options: HostOptions, programme: Programme, clock: Clock | None, report_delay: float) -> None:
        if options.flow is not None:
            programme = programme.with_flow(options.flow)
        if options.share is not None:
            tls_context(options.share)  # a missing or unreadable certificate is said before anything starts
        self.options = options
        self.chat: ChatFollower | None = None
        self.chat_assumption: str = ""
        """How the chat's times are read ("chat times read as Asia/Seoul (--zone)")."""
        if options.chat is not None:
            zone, self.chat_assumption = chat_zone(options.zone)
            self.chat = ChatFollower(options.chat, zone, programme.session.date)
        if clock is None:
            clock = ScaledClock(options.speed) if options.rehearsal and options.speed != 1 else SystemClock()
        self.run: OpenedRun = open_run(programme, options.out, clock, rehearsal=options.rehearsal,
                                       fresh=options.fresh)
        self.engine: Engine = self.run.engine
        self.docx_path = self.run.report_path.with_suffix(".docx") if options.docx else None
        self.report = LiveReport(programme, self.run.report_path, self.engine.state,
                                 first_write_delay=report_delay, docx_path=self.docx_path)
        self.engine.subscribe(self.report.on_event)
        self.sharing: Sharing | None = None
        self.sharing_problem: str | None = None
        self.chat_problem: str | None = None
        """The last reason the chat file could not be read, else None (a face shows it)."""
        self._chat_task: asyncio.Task[None] | None = None
        self._chat_reading = asyncio.Lock()

    @property
    def speed(self) -> float:
        return self.options.speed if self.options.rehearsal else 1.0

    # ------------------------------------------------------------------ on the face's loop

    async def start(self) -> None:
        """Start sharing (a failure is kept in ``sharing_problem``: the session runs on) and
        follow the chat, on the running asyncio loop (the console's, or a test's)."""
        if self.options.share is not None:
            await self.start_sharing(self.options.share)
        if self.chat is not None:
            self._chat_task = asyncio.create_task(self._follow_chat(self.chat))

    async def start_sharing(self, options: ShareOptions) -> None:
        from moderator.share.hosting import start_sharing

        try:
            self.sharing = await start_sharing(self.engine, self.run.journal_path, options, rate=self.speed)
        except ModeratorError as error:  # said by the face, in the session's language
            self.sharing_problem = Words(error.template, **error.words)

    async def _follow_chat(self, follower: ChatFollower) -> None:
        while True:
            await self.poll_chat()
            await asyncio.sleep(POLL_SECONDS)

    async def poll_chat(self) -> None:
        """Read the chat file off the loop (one read at a time) and add what is new; the events
        reach every face through the engine's listeners, as any event does."""
        if self.chat is None:
            return
        started = self.engine.state.started_wall
        anchor = dt.datetime.fromisoformat(started) if started else None
        async with self._chat_reading:
            dated = await asyncio.to_thread(self.chat.poll, anchor)
        self.chat_problem = self.chat.problem
        known = self.engine.state.chat_fingerprints
        fresh = [message for message in dated if message.message.fingerprint not in known]
        if not fresh:
            return
        try:
            self.engine.add_chat_messages(fresh)
        except JournalError as error:
            self.chat_problem = Words("NOT SAVED: {error}", error=Words(error.template, **error.words))

    async def stop(self) -> None:
        """Stop following the chat and serving (the run stays open: ``close``)."""
        if self._chat_task is not None:
            task, self._chat_task = self._chat_task, None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.sharing is not None:
            sharing, self.sharing = self.sharing, None
            await sharing.stop()

    # ------------------------------------------------------------------ the end

    def close(self, time_left: Callable[[], float] = lambda: 5.0) -> None:
        """The report written one last time, the journal closed; ``time_left``: the seconds each
        step may still take (less once a signal's watchdog counts down)."""
        self.report.flush(timeout=time_left())
        self.report.close(timeout=time_left())
        self.run.journal.close()
