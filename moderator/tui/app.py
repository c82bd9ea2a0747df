"""The Textual App: wiring only. It shows a run (the host's, or a seat's) through its engine,
opens the console (``console.py``) as its screen, offers the console's actions in the command
palette, and asks before quitting a running session. At the host it starts and stops the
``Host``'s sharing and chat follower on its own loop and says how they went; it hosts nothing
itself (``moderator.host``)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.command import CommandPalette
from textual.driver import Driver
from textual.screen import Screen
from textual.widgets import Input

from moderator.i18n import translator
from moderator.problems import say
from moderator.programme import Programme
from moderator.session.chat_follow import POLL_SECONDS
from moderator.session.contract import SessionEngine
from moderator.session.state import Status
from moderator.text import visible
from moderator.tui import shutdown
from moderator.tui.console import ConsoleRun, ConsoleScreen, ReportStatus
from moderator.tui.dialogs import ConfirmScreen, translate_bindings
from moderator.tui.keymap import palette_actions
from moderator.tui.stopping import Stop, StopHandlers, install_stop_handlers
from moderator.tui.textual_private import rebind
from moderator.tui.typing_guard import TypedText

if TYPE_CHECKING:
    from moderator.host import Host


SHARING_TOAST_SECONDS = 4
"""How long the start-up "sharing on" toast stays: long enough to read, short enough not to sit on
the note box while the rapporteur starts typing (the links stay one key away: ``s``)."""


SHARING_TOAST_KEY = "sharing"


class ModeratorApp(App[None]):
    CSS_PATH = "moderator.tcss"
    TITLE = "moderator"

    def __init__(self, run: ConsoleRun, *, host: Host | None = None, report: ReportStatus | None = None,
                 bell: bool = False, speed: float = 1.0, tick: bool = True, language: str | None = None) -> None:
        """``host``: the ``Host`` whose sharing and chat follower run on this App's loop (None on a
        seat, and in tests of the console alone); ``speed`` is the rehearsal's clock speed (the
        run's clock already runs that fast); ``tick=False`` leaves the countdown to the tests,
        which move a fake clock; ``language`` (``--lang``) overrides the programme's."""
        super().__init__()
        self.language = language or run.engine.programme.session.language
        self.tr = translator(self.language)
        rebind(self, lambda bindings: translate_bindings(bindings, self.tr))
        self.run_files = run
        self.engine: SessionEngine = run.engine
        self.programme: Programme = run.engine.programme
        self.host = host
        self.report = report
        self.ring_bell = bell
        self.speed = speed
        self.ticking = tick
        self._chat_problem: str | None = None

    def keys_are_commands(self) -> bool:
        """Whether a printable key now would run a console command (the console's own screen, the
        note box not focused). Asked by the driver's input thread (``TypingGuard``): it only reads."""
        try:
            screen = self.screen
            return isinstance(screen, ConsoleScreen) and not screen.words_only and \
                not isinstance(screen.focused, Input)
        except Exception:  # starting or closing: no screen yet, or none any more
            return False

    def on_typed_text(self, message: TypedText) -> None:
        """Keys that arrived as typing while the box was not focused: into the box, never commands."""
        if isinstance(self.screen, ConsoleScreen):
            self.console_screen.take_typing(message.text)

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
        if self.host is not None:
            await self.host.start()
            self._say_how_hosting_went(self.host)
            self._say_programme_warnings()

    def _say_programme_warnings(self) -> None:
        """A programme that loaded with warnings (an unknown key, a likely typo): the moderator, who can
        fix the file, sees the first and how many more ``moderator check`` lists (on the host only)."""
        warnings = self.programme.warnings
        if not warnings:
            return
        said = warnings[0].said(self.tr)
        if len(warnings) > 1:
            more = self.tr("{n} more: moderator check {file}").format(n=len(warnings) - 1, file=self.programme.path)
            said += f" ({more})"
        self.notify(visible(said), title=self.tr("Programme"), severity="warning", timeout=12, markup=False)

    def _say_how_hosting_went(self, host: Host) -> None:
        """The chat followed and the links shared, or why not: a failure is said, the console runs on."""
        if host.chat is not None:
            following = self.tr("Following the chat {path}: {zone}")
            self.notify(visible(following.format(path=host.chat.path, zone=say(host.chat_assumption, self.tr))),
                        title=self.tr("Chat"), timeout=10, markup=False)
            self.set_interval(POLL_SECONDS, self._say_chat_problem)
        if host.sharing_problem is not None:
            self.notify(visible(say(host.sharing_problem, self.tr)), title=self.tr("Sharing"), severity="error",
                        timeout=30, markup=False)
        elif host.sharing is not None:
            from moderator.share.links import open_interfaces

            sharing = host.sharing
            interfaces = open_interfaces(sharing.host, sharing.port, self.tr)
            links_said = self.tr("{interfaces}. Links: s (and {file})").format(interfaces=interfaces,
                                                                               file=sharing.links_file)
            # Briefly, and gone as soon as the rapporteur goes to the note box: a 10-second toast sat on it.
            self.console_screen.toasts.tell(visible(links_said), title=self.tr("Sharing"),
                                            timeout=SHARING_TOAST_SECONDS, key=SHARING_TOAST_KEY)

    def _say_chat_problem(self) -> None:
        """Once for each new reason the chat file could not be read."""
        problem = self.host.chat_problem if self.host is not None else None
        if problem and problem != self._chat_problem:
            self.notify(visible(say(problem, self.tr)), title=self.tr("Chat"), severity="warning", timeout=10,
                        markup=False)
        self._chat_problem = problem

    async def on_unmount(self) -> None:
        if self.host is not None:
            await self.host.stop()

    def action_share(self) -> None:
        """``s``: the links to share, with their QR codes (or how to start sharing)."""
        from moderator.tui.share_screen import ShareScreen

        host = self.host
        self.console_screen.toasts.clear()
        self.push_screen(ShareScreen(host.sharing if host else None, host.sharing_problem if host else None,
                                     tr=self.tr))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's own entries and the console's, all in the session's language."""
        _ = self.tr
        for command in super().get_system_commands(screen):
            yield SystemCommand(_(command.title), _(command.help), command.callback, command.discover)
        if isinstance(screen, ConsoleScreen):
            for action in palette_actions(screen.engine.may):
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
