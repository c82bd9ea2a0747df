"""The live console: a thin Textual layer over the engine.

Key press -> engine command -> journal event (fsync'd) -> state -> widgets. The app reads
the remaining time from the engine a few times a second and redraws only when the whole
second changes; it computes no timing and writes no file itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import var
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Footer, Input

from moderator.programme.loading import Programme
from moderator.session.engine import CommandRefused, Engine
from moderator.session.journal import JournalError
from moderator.session.notes import NoteError
from moderator.session.runs import OpenedRun
from moderator.session.signals import chat_signal, who_is_on
from moderator.session.snapshot import Level, Snapshot
from moderator.session.state import Status
from moderator.tui.formatting import countdown_text, displayed_seconds, note_as_typed, segment_label
from moderator.tui.screens import ConfirmScreen, Picker
from moderator.tui.widgets import (
    Agenda,
    ClockBar,
    Countdown,
    CuesPanel,
    NextUp,
    NoteBox,
    NotesLog,
    NowCard,
    PaceLine,
    QuestionsPanel,
    SpeakerSuggester,
)

TICK_MARGIN = 0.004
"""Seconds after the displayed second changes at which the next tick lands."""
RECENT_NOTES_SHOWN = 200
OVERTIME_REMINDER_EVERY = 60
NARROW_VIEWS = ("notes", "agenda", "questions", "cues")
PALETTE = (
    ("Start / pause / resume", "The timer (space, F5)", "toggle_timer"),
    ("Next segment", "Move on (n, →, F7)", "next_segment"),
    ("Previous segment", "Go back (p, ←, F6)", "previous_segment"),
    ("Add a minute", "To the current segment (+)", "adjust(60)"),
    ("Remove a minute", "From the current segment (-)", "adjust(-60)"),
    ("Go to segment…", "Pick a segment (g)", "pick_segment"),
    ("Mark next question asked", "Guiding questions (a)", "ask_next_question"),
    ("Mark a question…", "Any guiding question, asked or not (q)", "pick_question"),
    ("Tick the next cue", "The segment's checklist (k)", "tick_cue"),
    ("Copy time signal for the chat", "Clipboard, in the session's language (c)", "copy_signal"),
    ("Switch view", "Notes / agenda / questions / cues on a narrow screen (v)", "cycle_view"),
    ("Edit the last note", "Back into the box to correct it (ctrl+e)", "edit_last_note"),
    ("Delete the last note", "Asks first; the journal keeps a record", "delete_last_note"),
    ("End the session", "Asks first (e)", "end_session"),
)
"""The console's actions in the command palette (ctrl+p), searchable by name."""
NOTE_PLACEHOLDER = 'Note… ("quote  !action  ?audience question  @speaker) — Enter logs, Esc leaves'


def _shown_path(path: Path) -> str:
    """Relative to where the console was started, when it is below it: shorter to read."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class ModeratorApp(App[None]):
    CSS_PATH = "moderator.tcss"
    TITLE = "moderator"
    AUTO_FOCUS = None
    """Keys drive the timer until the rapporteur presses i or enter to type a note."""
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]

    BINDINGS = [
        Binding("space", "toggle_timer", "Timer"),
        Binding("n,right", "next_segment", "Next"),
        Binding("p,left", "previous_segment", "Previous"),
        Binding("plus,equals_sign", "adjust(60)", "+1m"),
        Binding("minus", "adjust(-60)", "-1m"),
        # Priority, so the focus moves before the keys typed right after it are dispatched.
        Binding("i,enter", "focus_notes", "Note", priority=True),
        Binding("a", "ask_next_question", "Asked"),
        Binding("g", "pick_segment", "Go to"),
        Binding("q", "pick_question", "Questions", show=False),
        Binding("c", "copy_signal", "Signal"),
        Binding("k", "tick_cue", "Cue done", show=False),
        Binding("v", "cycle_view", "View", show=False),
        Binding("e", "end_session", "End"),
        Binding("f5", "toggle_timer", "Start/Pause", show=False, priority=True),
        Binding("f6", "previous_segment", "Previous", show=False, priority=True),
        Binding("f7,ctrl+n", "next_segment", "Next", show=False, priority=True),
        Binding("f8", "copy_signal", "Chat signal", show=False, priority=True),
        Binding("ctrl+e", "edit_last_note", "Edit last note", show=False, priority=True),
        Binding("ctrl+q", "request_quit", "Quit", priority=True),
    ]

    # ``var``, not ``reactive``: a reactive on the App repaints the whole screen when it changes,
    # which for ``whole_seconds`` meant a full redraw every second. Their watchers refresh what changed.
    whole_seconds: var[int] = var(0, init=False)
    view: var[str] = var("notes", init=False)

    def __init__(self, run: OpenedRun, *, report: Any | None = None, bell: bool = False,
                 speed: float = 1.0, tick: bool = True) -> None:
        super().__init__()
        self.run_files = run
        self.engine: Engine = run.engine
        self.programme: Programme = run.engine.programme
        self.report = report
        self.ring_bell = bell
        self.speed = speed
        self._ticking = tick
        self._last_level: Level | None = None
        self._last_overtime_reminder = 0
        self._report_problem: str | None = None
        self._report_shown_as: str | None = None
        self._fallback_announced = False
        self._editing_note: int | None = None
        self._tick_timer: Timer | None = None

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield ClockBar(id="clockbar")
        with Horizontal(id="main"):
            with Vertical(id="now-panel"):
                yield Countdown(id="countdown")
                yield NowCard(id="now-card")
                yield NextUp(id="next-up")
                yield PaceLine(id="pace")
            with Vertical(id="side"):
                with Vertical(id="agenda-panel", classes="panel"):
                    yield Agenda(id="agenda")
                with VerticalScroll(id="cues-panel", classes="panel"):
                    yield CuesPanel(id="cues")
        with Horizontal(id="lower"):
            with Vertical(id="notes-panel", classes="panel"):
                yield NotesLog(id="notes-log", wrap=True, markup=False, max_lines=RECENT_NOTES_SHOWN)
            with VerticalScroll(id="questions-panel", classes="panel"):
                yield QuestionsPanel(id="questions")
        yield NoteBox(placeholder=NOTE_PLACEHOLDER, id="note-box", suggester=SpeakerSuggester(self.programme))
        yield Footer()

    def get_default_screen(self) -> Screen:
        """The screen begins with the classes its layout depends on (the narrow view shown, and
        the size breakpoints for the terminal's size): added after the first paint, each one
        restyled and redrew the whole console once more before it was ready."""
        width, height = self.size
        classes = [f"view-{self.view}"]
        for breakpoints, size in ((self.HORIZONTAL_BREAKPOINTS, width), (self.VERTICAL_BREAKPOINTS, height)):
            classes += [name for at, name in sorted(breakpoints or [], reverse=True) if size >= at][:1]
        return Screen(id="_default", classes=" ".join(classes))

    def on_mount(self) -> None:
        self.title = self.programme.session.title
        self.query_one("#agenda-panel").border_title = "Agenda"
        self.query_one("#questions-panel").border_title = "Questions"
        self.query_one("#cues-panel").border_title = "Cues"
        self.query_one("#notes-panel").border_title = "Notes"
        self.query_one(Agenda).load(self.programme, self.engine.snapshot())
        for note in self.engine.state.visible_notes()[-RECENT_NOTES_SHOWN:]:
            self.query_one(NotesLog).add_note(self.programme, note)
        self.refresh_all()
        if self.run_files.message:
            self.notify(self.run_files.message, title="Resumed", timeout=8)
        for warning in self.run_files.warnings:
            self.notify(warning, severity="warning", timeout=12)
        if self._ticking:
            self._schedule_tick()

    # ------------------------------------------------------------------ time

    def _schedule_tick(self) -> None:
        """Wake up just after the countdown's whole second next changes (rather than polling a
        few times a second: the same display, a quarter of the wake-ups), and once a second
        while the countdown stands still, since the wall clocks and the pace still move."""
        if self._tick_timer is not None:
            self._tick_timer.stop()
        delay = 1.0
        if self.engine.status is Status.RUNNING:
            remaining = self.engine.remaining()
            until_change = remaining - math.floor(remaining) or 1.0
            delay = min(1.0, until_change / max(self.speed, 1e-6))
        self._tick_timer = self.set_timer(delay + TICK_MARGIN, self._on_tick_timer)

    def _on_tick_timer(self) -> None:
        self.tick()
        self._schedule_tick()

    def tick(self) -> None:
        """Read the remaining time from the engine; redraw when the whole second changed, or,
        before the start and while paused, the clocks and the pace that move all the same."""
        if self.engine.status is Status.RUNNING:
            self.whole_seconds = displayed_seconds(self.engine.remaining())
        else:
            self.refresh_time()

    def watch_whole_seconds(self, _: int) -> None:
        self.refresh_time()

    def refresh_time(self) -> None:
        """Once a second: the countdown, progress, pace, wall clocks and the current row."""
        snapshot = self.engine.snapshot()
        self._show_time(snapshot)
        self._signal_levels(snapshot)
        self._watch_report()

    def _show_time(self, snapshot: Snapshot) -> None:
        countdown = self.query_one(Countdown)
        countdown.seconds = displayed_seconds(snapshot.remaining)
        countdown.level = snapshot.level.value
        countdown.set_progress(snapshot.segment_elapsed, snapshot.segment_allowed)
        countdown.show_status(snapshot.status)
        self.query_one(PaceLine).show(self.programme, snapshot)
        self.query_one(ClockBar).show(self.programme, snapshot, self._banner())
        self.query_one(Agenda).update_timings(snapshot)

    def refresh_all(self) -> None:
        """After a command: everything that depends on state."""
        snapshot = self.engine.snapshot()
        self._show_time(snapshot)
        state = self.engine.state
        self.query_one(NowCard).show(self.programme, snapshot, state)
        self.query_one(NextUp).show(self.programme, snapshot)
        self.query_one(QuestionsPanel).show(self.programme, state)
        self.query_one(CuesPanel).show(self.programme, state)
        self._last_level = snapshot.level if snapshot.status is Status.RUNNING else None

    def _banner(self) -> str:
        if not self.run_files.rehearsal:
            return ""
        return "REHEARSAL" + (f" ×{self.speed:g}" if self.speed != 1 else "")

    def _signal_levels(self, snapshot: Snapshot) -> None:
        """Notify once when a threshold is crossed, and every minute in overtime."""
        if snapshot.status is not Status.RUNNING:
            return
        level = snapshot.level
        who = who_is_on(self.programme, snapshot)
        if level != self._last_level and self._last_level is not None:
            if level in (Level.WARN, Level.DANGER):
                self._alert(f"{who}: {countdown_text(round(snapshot.remaining))} left", "warning")
            elif level is Level.OVER:
                self._alert(f"{who}: time is up", "error")
                self._last_overtime_reminder = 0
        if level is Level.OVER:
            over = int(-snapshot.remaining)
            every = OVERTIME_REMINDER_EVERY * max(1.0, self.speed)  # once a real minute in a fast rehearsal
            if over // every > self._last_overtime_reminder:
                self._last_overtime_reminder = int(over // every)
                self._alert(f"{who}: {countdown_text(-over)} over time", "error")
        self._last_level = level

    def _alert(self, message: str, severity: str) -> None:
        self.notify(message, severity=severity, timeout=6)  # type: ignore[arg-type]
        if self.ring_bell:
            self.bell()

    def _watch_report(self) -> None:
        problem = getattr(self.report, "problem", None)
        if problem != self._report_problem:
            if problem:
                self.notify(problem, title="Report", severity="error", timeout=15)
            elif self._report_problem:
                self.notify("The report is being written again.", title="Report")
            self._report_problem = problem
        if problem:
            subtitle = "⚠ report not written"
        else:
            if self._report_shown_as is None:  # once: resolving the path costs system calls
                self._report_shown_as = _shown_path(self.run_files.report_path)
            subtitle = self._report_shown_as
        panel = self.query_one("#notes-panel")
        if panel.border_subtitle != subtitle:  # setting it repaints the whole panel, even unchanged
            panel.border_subtitle = subtitle

    # ------------------------------------------------------------------ commands

    def _command(self, command: Callable[..., object], *args: object) -> bool:
        """Run an engine command; refusals and storage failures are shown, never swallowed."""
        try:
            command(*args)
        except (CommandRefused, NoteError) as refusal:
            self.notify(str(refusal), severity="warning", timeout=4)
            return False
        except JournalError as error:
            self.notify(f"NOT SAVED: {error}", title="Journal", severity="error", timeout=30)
            return False
        self._after_event()
        return True

    def _after_event(self) -> None:
        journal = self.run_files.journal
        if journal.fallback_path and not self._fallback_announced:
            self._fallback_announced = True
            self.notify(f"The journal's folder cannot be written; saving to {journal.fallback_path}",
                        title="Journal", severity="error", timeout=30)
        self.refresh_all()
        if self._tick_timer is not None:  # the countdown jumped: wake on its new boundaries
            self._schedule_tick()

    def action_toggle_timer(self) -> None:
        self._command(self.engine.toggle)

    def action_next_segment(self) -> None:
        self._command(self.engine.next)

    def action_previous_segment(self) -> None:
        self._command(self.engine.previous)

    def action_adjust(self, seconds: int) -> None:
        if self._command(self.engine.adjust, seconds):
            self.notify(f"{'+' if seconds > 0 else '−'}{abs(seconds) // 60} min on this segment", timeout=2)

    def action_ask_next_question(self) -> None:
        try:
            round_id, index = self.engine.ask_next_question()
        except CommandRefused as refusal:
            self.notify(str(refusal), severity="warning", timeout=4)
            return
        except JournalError as error:
            self.notify(f"NOT SAVED: {error}", severity="error", timeout=30)
            return
        question = self.programme.round(round_id).questions[index]
        self.notify(question, title=f"Asked: question {index + 1}", timeout=5)
        self._after_event()

    def action_tick_cue(self) -> None:
        state = self.engine.state
        if state.current is None:
            self.notify("The session has not started", severity="warning")
            return
        cues = self.programme.segments[state.current].cues
        for number in range(len(cues)):
            if (state.current, number) not in state.cues:
                self._command(self.engine.tick_cue, state.current, number)
                return
        self.notify("No open cue in this segment", severity="warning", timeout=3)

    def action_copy_signal(self) -> None:
        text = chat_signal(self.programme, self.engine.snapshot())
        self.copy_to_clipboard(text)
        self.notify(text, title="Copied for the chat", timeout=5)

    def action_focus_notes(self) -> None:
        # Synchronously: keys already queued behind this one (a fast typist, a paste) must
        # land in the box, not drive the timer.
        self.screen.set_focus(self.query_one(NoteBox))

    def action_cycle_view(self) -> None:
        position = NARROW_VIEWS.index(self.view)
        self.view = NARROW_VIEWS[(position + 1) % len(NARROW_VIEWS)]

    def watch_view(self, old: str, new: str) -> None:
        self.screen.remove_class(f"view-{old}")
        self.screen.add_class(f"view-{new}")
        following = NARROW_VIEWS[(NARROW_VIEWS.index(new) + 1) % len(NARROW_VIEWS)]
        if self.screen.has_class("-narrow"):
            self.notify(f"Showing {new} (v for {following})", timeout=2)

    def action_pick_segment(self) -> None:
        labels = [f"{s.index + 1}. {segment_label(self.programme, s)}" for s in self.programme.segments]

        def chosen(index: int | None) -> None:
            if index is not None:
                self._command(self.engine.goto, index)

        self.push_screen(Picker("Go to segment", labels, self.engine.state.current), chosen)

    def action_pick_question(self) -> None:
        """Mark any guiding question as asked, or take the mark back."""
        keys = [(r.id, i) for r in self.programme.rounds for i in range(len(r.questions))]
        if not keys:
            self.notify("This programme has no guiding questions", severity="warning", timeout=3)
            return
        asked = self.engine.state.asked
        labels = [
            f"{'✓' if key in asked else '○'} {self.programme.round(key[0]).title} {key[1] + 1}. "
            f"{self.programme.round(key[0]).questions[key[1]]}"
            for key in keys
        ]

        def chosen(index: int | None) -> None:
            if index is None:
                return
            round_id, number = keys[index]
            if (round_id, number) in self.engine.state.asked:
                self._command(self.engine.unask_question, round_id, number)
            else:
                self._command(self.engine.ask_question, round_id, number)

        self.push_screen(Picker("Mark a question as asked, or unmark it", labels, None), chosen)

    def action_end_session(self) -> None:
        if self.engine.status in (Status.NOT_STARTED, Status.ENDED):
            self.notify("The session is not running", severity="warning", timeout=3)
            return

        def confirmed(yes: bool | None) -> None:
            if yes and self._command(self.engine.end):
                self.notify(f"Session ended. Report: {self.run_files.report_path}", timeout=10)

        self.push_screen(ConfirmScreen("End the session now?", "The timer stops and the report is completed."),
                         confirmed)

    def action_request_quit(self) -> None:
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``i`` and ``enter`` move to the note box only from outside it (and no dialog is open)."""
        if action == "focus_notes":
            return not isinstance(self.focused, Input) and not isinstance(self.screen, ModalScreen)
        return True

    # ------------------------------------------------------------------ notes

    def on_note_box_note_submitted(self, message: NoteBox.NoteSubmitted) -> None:
        """Log the note (or save the edit); if that fails, its text goes back into the box."""
        editing = self._editing_note
        try:
            if editing is None:
                note = self.engine.add_note(message.text)
            else:
                note = self.engine.edit_note(editing, message.text)
        except (NoteError, CommandRefused) as refusal:
            message.box.give_back(message.text)
            self.notify(str(refusal), severity="warning", timeout=5)
            return
        except JournalError as error:
            message.box.give_back(message.text)
            self.notify(f"NOT SAVED — your text is back in the box: {error}", severity="error", timeout=30)
            return
        if editing is None:
            self.query_one(NotesLog).add_note(self.programme, note)
        else:
            self._stop_editing()
            self._reload_notes()
            self.notify(f"Note {note.id} saved", timeout=3)
        self._after_event()

    def on_key(self, event: Any) -> None:
        if event.key == "escape" and isinstance(self.focused, NoteBox):
            if self._editing_note is not None:
                self.query_one(NoteBox).value = ""
                self._stop_editing()
                self.notify("Edit cancelled; the note is unchanged", timeout=3)
            self.set_focus(None)
            event.stop()

    def action_edit_last_note(self) -> None:
        """Bring the last note back into the box, marks and speaker included, to correct it."""
        box = self.query_one(NoteBox)
        notes = self.engine.state.visible_notes()
        if not notes:
            self.notify("No note to edit yet", severity="warning", timeout=3)
            return
        if box.value.strip() and self._editing_note is None:
            self.notify("Log or clear the note you are typing first", severity="warning", timeout=4)
            return
        note = notes[-1]
        self._editing_note = note.id
        box.value = note_as_typed(note)
        box.cursor_position = len(box.value)
        self.query_one("#notes-panel").border_title = f"Notes · editing note {note.id} (enter saves, esc cancels)"
        self.screen.set_focus(box)

    def action_delete_last_note(self) -> None:
        notes = self.engine.state.visible_notes()
        if not notes:
            self.notify("No note to delete", severity="warning", timeout=3)
            return
        note = notes[-1]

        def confirmed(yes: bool | None) -> None:
            if yes and self._command(self.engine.delete_note, note.id):
                self._reload_notes()
                self.notify(f"Note {note.id} deleted (the journal keeps it)", timeout=4)

        self.push_screen(ConfirmScreen("Delete the last note?", note.text[:200]), confirmed)

    def _stop_editing(self) -> None:
        self._editing_note = None
        self.query_one("#notes-panel").border_title = "Notes"

    def _reload_notes(self) -> None:
        log = self.query_one(NotesLog)
        log.clear()
        for note in self.engine.state.visible_notes()[-RECENT_NOTES_SHOWN:]:
            log.add_note(self.programme, note)

    # ------------------------------------------------------------------ palette

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for title, help_text, action in PALETTE:
            yield SystemCommand(title, help_text, partial(self.run_action, action))

    async def action_quit(self) -> None:
        self.action_request_quit()
