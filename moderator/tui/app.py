"""The Textual App: wiring only. It holds the run (engine, journal, clock speed), the live
report and the stylesheet, opens the console (``console.py``) as its screen, offers the
console's actions in the command palette, and asks before quitting a running session."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.command import CommandPalette
from textual.driver import Driver
from textual.screen import Screen

from moderator.i18n import translator
from moderator.programme import Programme
from moderator.session.chat_follow import POLL_SECONDS, ChatFollower
from moderator.session.engine import Engine
from moderator.session.runs import OpenedRun
from moderator.session.state import Status
from moderator.session.zoom_chat import DatedChatMessage
from moderator.share.options import ShareOptions
from moderator.text import visible
from moderator.tui import shutdown
from moderator.tui.console import ConsoleScreen, ReportStatus
from moderator.tui.dialogs import ConfirmScreen, translate_bindings
from moderator.tui.keymap import palette_actions
from moderator.tui.stopping import Stop, StopHandlers, install_stop_handlers

if TYPE_CHECKING:
    from moderator.share.hosting import Sharing


SHARING_TOAST_SECONDS = 4
"""How long the start-up "sharing on" toast stays: long enough to read, short enough not to sit on
the note box while the rapporteur starts typing (the links stay one key away: ``s``)."""


SHARING_TOAST_KEY = "sharing"


class ModeratorApp(App[None]):
    CSS_PATH = "moderator.tcss"
    TITLE = "moderator"

    def __init__(self, run: OpenedRun, *, report: ReportStatus | None = None, bell: bool = False,
                 speed: float = 1.0, tick: bool = True, share: ShareOptions | None = None,
                 chat: ChatFollower | None = None, chat_assumption: str = "",
                 language: str | None = None) -> None:
        """``speed`` is the rehearsal's clock speed (the run's clock already runs that fast);
        ``tick=False`` leaves the countdown to the tests, which move a fake clock; ``share`` starts
        the web server (stage view, HTTP API) on this App's loop; ``language`` (``--lang``)
        overrides the programme's for the console's words."""
        super().__init__()
        self.language = language or run.engine.programme.session.language
        self.tr = translator(self.language)
        self._bindings = translate_bindings(self._bindings, self.tr)
        self.run_files = run
        self.engine: Engine = run.engine
        self.programme: Programme = run.engine.programme
        self.report = report
        self.ring_bell = bell
        self.speed = speed
        self.ticking = tick
        self.share_options = share
        self.sharing: Sharing | None = None
        self.sharing_problem: str | None = None
        self.chat = chat
        self.chat_assumption = chat_assumption
        self._chat_problem: str | None = None

    def get_default_screen(self) -> ConsoleScreen:
        return ConsoleScreen(self.run_files, size=self.size, report=self.report, bell=self.ring_bell,
                             speed=self.speed, tick=self.ticking, language=self.language)

    @property
    def console_screen(self) -> ConsoleScreen:
        """The console, under any dialog open on top of it."""
        console = self.screen_stack[0]
        assert isinstance(console, ConsoleScreen)
        return console

    stopped_by: Stop | None = None
    """What the system sent to close the console (SIGTERM, SIGHUP; on Windows SIGBREAK, the window
    closed), if anything did."""
    stop_handlers: StopHandlers | None = None

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this system; on Linux and macOS ours, which no input bytes can stop."""
        driver = super().get_driver_class()
        try:
            from textual.drivers.linux_driver import LinuxDriver

            from moderator.tui.driver import ModeratorDriver
        except ImportError:  # Windows: no termios
            return driver
        return ModeratorDriver if driver is LinuxDriver else driver

    def _close_on_signals(self) -> None:
        """A shutdown, ``kill``, the terminal or the console window closed (``tui.stopping``, for each
        system) close the console as ``ctrl+q`` does, without asking: every event is already on
        disk; the terminal is restored and the report written. Python's default would end the
        process on the spot.

        The POSIX handlers are plain signal handlers, run by the main thread as soon as the signal
        comes even if the loop is stuck; every handler arms the watchdog (``shutdown.arm``: the
        process ends within 3 s whatever blocks) and then asks the loop to close the console."""
        self.stop_handlers = install_stop_handlers(asyncio.get_running_loop(), self._stop_by_signal,
                                                   arm=shutdown.arm)

    def _stop_by_signal(self, stop: Stop) -> None:
        self.stopped_by = stop
        self._closing_driver()
        self.exit(return_code=stop.exit_status)

    def terminal_gone(self) -> None:
        """The terminal closed or failed (the driver says so): close as SIGHUP does, within 3 s."""
        if self.stopped_by is None:
            self.terminal_lost = True
        hangup = getattr(signal, "SIGHUP", signal.SIGTERM)
        shutdown.arm(128 + hangup)
        self._closing_driver()
        self.exit(return_code=128 + hangup)

    terminal_lost = False
    """The terminal went away without a signal (end of file or an error on it)."""

    def _closing_driver(self) -> None:
        """Tell our driver the console closes: no write to the terminal may wait long from now on."""
        closing = getattr(self._driver, "closing", None)
        if callable(closing):
            closing()

    async def on_mount(self) -> None:
        self.title = visible(self.programme.session.title)
        if not self.is_headless:
            self._close_on_signals()
        if self.chat is not None:
            following = self.tr("Following the chat {path}: {zone}")
            self.notify(visible(following.format(path=self.chat.path, zone=self.chat_assumption)),
                        title=self.tr("Chat"),
                        timeout=10, markup=False)
            self.set_interval(POLL_SECONDS, self._poll_chat)
        if self.share_options is not None:
            await self.start_sharing(self.share_options)

    async def start_sharing(self, options: ShareOptions) -> None:
        """The web server, on this App's loop; a failure is said on screen, the console runs on."""
        from moderator.problems import ModeratorError
        from moderator.share.hosting import start_sharing
        from moderator.share.links import open_interfaces

        try:
            self.sharing = await start_sharing(self.engine, self.run_files.journal_path, options, rate=self.speed)
        except ModeratorError as error:
            self.sharing_problem = str(error)
            self.notify(visible(str(error)), title=self.tr("Sharing"), severity="error", timeout=30, markup=False)
            return
        self.sharing.server.after_remote_command = self._after_remote_command
        interfaces = open_interfaces(self.sharing.host, self.sharing.port, self.tr)
        links_said = self.tr("{interfaces}. Links: s (and {file})").format(interfaces=interfaces,
                                                                           file=self.sharing.links_file)
        # Briefly, and gone as soon as the rapporteur goes to the note box: a 10-second toast sat on it.
        self.console_screen.toasts.tell(visible(links_said), title=self.tr("Sharing"), timeout=SHARING_TOAST_SECONDS,
                                        key=SHARING_TOAST_KEY)

    def _after_remote_command(self) -> None:
        self.console_screen.after_remote_event()

    async def on_unmount(self) -> None:
        if self.sharing is not None:
            sharing, self.sharing = self.sharing, None
            await sharing.stop()

    # ------------------------------------------------------------------ the Zoom chat, followed

    def _poll_chat(self) -> None:
        """Read the chat file off the UI thread (one read at a time); new messages come back here."""
        self.run_worker(self._read_chat, thread=True, exclusive=True, group="chat", exit_on_error=False)

    def _read_chat(self) -> None:
        assert self.chat is not None
        started = self.engine.state.started_wall
        anchor = dt.datetime.fromisoformat(started) if started else None
        dated = self.chat.poll(anchor)
        problem = self.chat.problem
        self.call_from_thread(self._chat_read, dated, problem)

    def _chat_read(self, dated: tuple[DatedChatMessage, ...], problem: str | None) -> None:
        if problem and problem != self._chat_problem:
            self.notify(visible(problem), title=self.tr("Chat"), severity="warning", timeout=10, markup=False)
        self._chat_problem = problem
        known = self.engine.state.chat_fingerprints
        fresh = tuple(message for message in dated if message.message.fingerprint not in known)
        if not fresh:
            return
        before = len(self.engine.state.chat)
        self.console_screen.run_command(self.engine.add_chat_messages, fresh)
        questions = sum(1 for entry in self.engine.state.chat[before:] if entry.kind == "question")
        if questions:
            self.notify(self.tr("{count} new question(s) in the chat").format(count=questions), title=self.tr("Chat"),
                        timeout=5, markup=False)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's own entries and the console's, all in the session's language."""
        _ = self.tr
        for command in super().get_system_commands(screen):
            yield SystemCommand(_(command.title), _(command.help), command.callback, command.discover)
        if isinstance(screen, ConsoleScreen):
            for action in palette_actions():
                yield SystemCommand(_(action.palette), action.palette_text_in(_),
                                    partial(screen.run_from_palette, action.action))

    def action_command_palette(self) -> None:
        """ctrl+p: the palette, its prompt in the session's language."""
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(CommandPalette(placeholder=self.tr("Search for commands…"), id="--command-palette"))

    async def action_quit(self) -> None:
        """ctrl+q and the palette's "Quit": while the session runs, ask first (nothing is lost
        either way: the journal resumes it)."""
        if self.run_files.journal is None or self.engine.status not in (Status.RUNNING, Status.PAUSED):
            self.exit()  # a seat leaves without stopping anything
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmScreen(
            self.tr("The session is still running. Quit?"),
            self.tr("Everything is saved; run the same command again to resume where you are."),
            tr=self.tr,
        ), confirmed)
