"""The Textual App: wiring only. It holds the run (engine, journal, clock speed), the live
report and the stylesheet, opens the console (``console.py``) as its screen, offers the
console's actions in the command palette, and asks before quitting a running session."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.screen import Screen

from moderator.programme import Programme
from moderator.session.engine import Engine
from moderator.session.runs import OpenedRun
from moderator.session.state import Status
from moderator.tui.console import ConsoleScreen, ReportStatus
from moderator.tui.dialogs import ConfirmScreen
from moderator.tui.keymap import palette_actions


class ModeratorApp(App[None]):
    CSS_PATH = "moderator.tcss"
    TITLE = "moderator"

    def __init__(self, run: OpenedRun, *, report: ReportStatus | None = None, bell: bool = False,
                 speed: float = 1.0, tick: bool = True) -> None:
        """``speed`` is the rehearsal's clock speed (the run's clock already runs that fast);
        ``tick=False`` leaves the countdown to the tests, which move a fake clock."""
        super().__init__()
        self.run_files = run
        self.engine: Engine = run.engine
        self.programme: Programme = run.engine.programme
        self.report = report
        self.ring_bell = bell
        self.speed = speed
        self.ticking = tick

    def get_default_screen(self) -> ConsoleScreen:
        return ConsoleScreen(self.run_files, size=self.size, report=self.report, bell=self.ring_bell,
                             speed=self.speed, tick=self.ticking)

    @property
    def console_screen(self) -> ConsoleScreen:
        """The console, under any dialog open on top of it."""
        console = self.screen_stack[0]
        assert isinstance(console, ConsoleScreen)
        return console

    def on_mount(self) -> None:
        self.title = self.programme.session.title

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, ConsoleScreen):
            for action in palette_actions():
                yield SystemCommand(action.palette, action.palette_text, partial(screen.run_action, action.action))

    async def action_quit(self) -> None:
        """ctrl+q and the palette's "Quit": while the session runs, ask first (nothing is lost
        either way: the journal resumes it)."""
        if self.engine.status not in (Status.RUNNING, Status.PAUSED):
            self.exit()
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmScreen(
            "The session is still running. Quit?",
            "Everything is saved; run the same command again to resume where you are.",
        ), confirmed)
