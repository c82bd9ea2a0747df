"""The live console, a Screen: a thin Textual layer over the engine.

Key press -> engine command -> journal event (fsync'd) -> state -> widgets. The screen reads
the remaining time from the engine when the countdown's second changes and redraws only
what changed; it computes no timing and writes no file itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.notifications import SeverityLevel
from textual.reactive import var
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Footer, Input

from moderator.i18n import translator
from moderator.problems import say
from moderator.programme import Programme
from moderator.programme.durations import format_duration
from moderator.session import events as ev
from moderator.session.contract import SessionEngine
from moderator.session.engine import CommandRefused
from moderator.session.events import ChatMessageAdded, Event, NoteAdded, NoteDeleted, NoteEdited
from moderator.session.journal import Journal, JournalError
from moderator.session.notes import NoteError
from moderator.session.signals import chat_signal, who_is_on
from moderator.session.snapshot import Level, Snapshot
from moderator.session.state import Note, State, Status
from moderator.text import visible
from moderator.tui.clipboard import copy_text
from moderator.tui.dialogs import ConfirmScreen, Picker, translate_bindings
from moderator.tui.formatting import countdown_text, displayed_seconds, note_as_typed, segment_label
from moderator.tui.keymap import N_, bindings_for_role, console_bindings
from moderator.tui.note_box import MAX_NOTE_CHARACTERS, LineBreaksShown, NameSuggester, NoteBox
from moderator.tui.textual_private import rebind
from moderator.tui.toasts import Toasts
from moderator.tui.typing_guard import TypedText
from moderator.tui.widgets import (
    Agenda,
    ClockBar,
    Countdown,
    CuesPanel,
    NextUp,
    NotesLog,
    NowCard,
    PaceLine,
    QuestionsPanel,
    note_line,
)

TICK_MARGIN = 0.004
"""Seconds after the displayed second changes at which the next tick lands."""
RECENT_NOTES_SHOWN = 200
OVERTIME_REMINDER_EVERY = 60
CHAT_TOAST_EVERY = 1.0
"""Seconds between two counts of the chat's new questions: a chat of five questions a second is one
toast counting on, not a toast rack cleared and refilled at every frame."""
NARROW_VIEWS = ("notes", "agenda", "questions", "cues")
VIEW_NAMES = {"notes": N_("notes"), "agenda": N_("agenda"), "questions": N_("questions"), "cues": N_("cues")}
NOTE_PLACEHOLDER = N_('Note… ("quote  !action  ?audience question  @speaker) — Enter logs, Esc leaves')
TYPING_ACTIONS = frozenset({
    "toggle_timer", "next_segment", "previous_segment", "adjust", "ask_next_question", "pick_segment",
    "pick_question", "copy_signal", "tick_cue", "cycle_view", "end_session",
})
"""Actions whose keys type text in the note box: hidden from the Footer while it has the focus
(their function keys still work there, and the palette still runs them)."""
HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide"), (180, "-vast")]
VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]


W = TypeVar("W")


def _speaking(widget: W, tr: Callable[[str], str]) -> W:
    """``widget``, speaking the session's language."""
    speak = getattr(widget, "speak", None)
    if speak is not None:
        speak(tr)
    return widget


class ConsoleRun(Protocol):
    """What the console shows of its run, beside the engine: the host's ``OpenedRun``, a seat's ``SeatRun``."""

    @property
    def engine(self) -> SessionEngine: ...

    @property
    def journal(self) -> Journal | None:
        """None on a seat: the journal is the host's."""
        ...

    @property
    def report_path(self) -> Path: ...

    @property
    def rehearsal(self) -> bool: ...

    @property
    def message(self) -> str | None: ...

    @property
    def warnings(self) -> list[str]: ...


class ReportStatus(Protocol):
    """What the console reads of the live report: whether its last write failed, and why."""

    @property
    def problem(self) -> str | None: ...


def _shown_path(path: Path) -> str:
    """Relative to where the console was started, when it is below it: shorter to read."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def layout_classes(size: Size, view: str) -> str:
    """The classes the console's layout depends on: the narrow view shown, and the size
    breakpoints for the terminal's size (as Textual sets them on a resize)."""
    classes = [f"view-{view}"]
    for breakpoints, extent in ((HORIZONTAL_BREAKPOINTS, size.width), (VERTICAL_BREAKPOINTS, size.height)):
        classes += [name for at, name in sorted(breakpoints, reverse=True) if extent >= at][:1]
    return " ".join(classes)


class ConsoleScreen(Screen[None]):
    """Countdown, speaker, next up, pace, agenda, cues, questions, notes and the note box.

    It begins with the classes its layout depends on (``layout_classes``): added after the
    first paint, each one restyled and redrew the whole console once more before it was ready.
    """

    AUTO_FOCUS: ClassVar[str | None] = ""
    """Nothing: keys drive the timer until the rapporteur presses i or enter to type a note."""
    HORIZONTAL_BREAKPOINTS = HORIZONTAL_BREAKPOINTS
    VERTICAL_BREAKPOINTS = VERTICAL_BREAKPOINTS
    BINDINGS = console_bindings()

    # ``var``, not ``reactive``: a reactive repaints the whole screen when it changes, which for
    # ``whole_seconds`` meant a full redraw every second. Their watchers refresh what changed.
    whole_seconds: var[int] = var(0, init=False)
    view: var[str] = var("notes", init=False)

    def __init__(self, run: ConsoleRun, *, size: Size, report: ReportStatus | None = None, bell: bool = False,
                 speed: float = 1.0, tick: bool = True, language: str | None = None) -> None:
        super().__init__(id="console", classes=layout_classes(size, "notes"))
        self.run_files = run
        self.engine: SessionEngine = run.engine
        self.programme: Programme = run.engine.programme
        self.language = language or self.programme.session.language
        self.tr = translator(self.language)
        rebind(self, lambda bindings: translate_bindings(bindings_for_role(bindings, self.engine.may), self.tr))
        self._from_palette = False
        self.report = report
        self.ring_bell = bell
        self.speed = speed
        self._ticking = tick
        self._last_level: Level | None = None
        self._last_overtime_reminder = 0
        self._report_problem: str | None = None
        self._report_shown_as: str | None = None
        self._editing_note: int | None = None
        self._tick_timer: Timer | None = None
        self._draw_due = False
        self._notes_added: list[int] = []
        """Notes added since the last frame (drawn one by one: the whole log is not redrawn)."""
        self._chat_questions = 0
        """Questions from the followed chat not counted in the chat toast yet."""
        self._chat_toast_timer: Timer | None = None
        """Set while the next count of the chat's questions waits for its second."""
        self._notes_changed = False
        """An edit or a deletion since the last frame (or too many new notes): the log is redrawn."""
        self._status_line = ""
        self._sending_shown = False
        """A seat's note typed here is shown as sending: the host's event for it redraws the log."""
        self._toasts: Toasts | None = None
        self._events_said = len(self.engine.history)
        """Events up to here have been looked at for what they say by themselves (``_say_what_happened``)."""

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        tr = self.tr
        yield _speaking(ClockBar(id="clockbar"), tr)
        with Horizontal(id="main"):
            with Vertical(id="now-panel"):
                yield _speaking(Countdown(id="countdown"), tr)
                yield _speaking(NowCard(id="now-card"), tr)
                yield _speaking(NextUp(id="next-up"), tr)
                yield _speaking(PaceLine(id="pace"), tr)
            with Vertical(id="side"):
                with Vertical(id="agenda-panel", classes="panel"):
                    yield _speaking(Agenda(id="agenda"), tr)
                with VerticalScroll(id="cues-panel", classes="panel"):
                    yield _speaking(CuesPanel(id="cues"), tr)
        with Horizontal(id="lower"):
            with Vertical(id="notes-panel", classes="panel"):
                yield _speaking(NotesLog(id="notes-log", max_notes=RECENT_NOTES_SHOWN), tr)
            with VerticalScroll(id="questions-panel", classes="panel"):
                yield _speaking(QuestionsPanel(id="questions"), tr)
        # select_on_focus=False: text put back in the box (an edit, "participants: ") is added to, not replaced.
        yield NoteBox(placeholder=tr(NOTE_PLACEHOLDER), id="note-box", highlighter=LineBreaksShown(),
                      select_on_focus=False,
                      suggester=NameSuggester(self.programme, lambda: self.engine.current_groups()[0]))
        yield Footer(compact=True)

    PALETTE_HINT_FROM = 100
    """Columns from which the Footer also shows ``^p`` (below, its room goes to the keys
    pressed mid-session; ctrl+p works all the same)."""

    def on_resize(self, event: events.Resize) -> None:
        self.query_one(Footer).show_command_palette = event.size.width >= self.PALETTE_HINT_FROM

    def on_mount(self) -> None:
        _ = self.tr
        self.query_one(Footer).show_command_palette = self.size.width >= self.PALETTE_HINT_FROM
        self.query_one("#agenda-panel").border_title = _("Agenda")
        self.query_one("#questions-panel").border_title = _("Questions")
        self.query_one("#cues-panel").border_title = _("Cues")
        self.query_one("#notes-panel").border_title = _("Notes")
        self.query_one(Agenda).load(self.programme, self.engine.snapshot())
        self.query_one(NotesLog).show_notes(self.programme, self.engine.state.visible_notes())
        self.refresh_all()
        if self.run_files.message:
            self._tell(say(self.run_files.message, _), title=_("Resumed"), timeout=8)
        for warning in self.run_files.warnings:
            self._tell(say(warning, _), severity="warning", timeout=12)
        if self._ticking:
            self._schedule_tick()
        self.engine.subscribe(self._on_engine_event)
        if self.words_only:  # a rapporteur seat opens where its person types
            self.set_focus(self.query_one(NoteBox))

    # ------------------------------------------------------------------ the one road: event -> screen

    @property
    def toasts(self) -> Toasts:
        """The console's notifications (made on first use: the app may tell one before this screen mounts)."""
        if self._toasts is None:
            self._toasts = Toasts(self.app)
        return self._toasts

    def _on_engine_event(self, event: Event, _: State) -> None:
        """Every event, whatever its origin (a key here, the HTTP API, a seat, the followed chat;
        on a seat, the host's), comes here once it is applied; the screen is drawn once for a
        burst of them (a seat catching up receives thousands at once), after the current message."""
        if isinstance(event, NoteAdded) and not self._notes_changed and len(self._notes_added) < RECENT_NOTES_SHOWN:
            self._notes_added.append(event.id)
        elif isinstance(event, NoteAdded | NoteEdited | NoteDeleted):
            self._notes_changed = True
        elif isinstance(event, ChatMessageAdded) and event.kind == "question":
            self._chat_questions += 1
        if not self._draw_due:
            self._draw_due = True
            self.call_later(self._draw_events)

    def _draw_events(self) -> None:
        """Draw what the events since the last frame changed."""
        self._draw_due = False
        added, self._notes_added = self._notes_added, []
        if self._notes_changed or (added and self._sending_shown):
            self._notes_changed = self._editing_note is not None  # an edit in progress: redrawn when it ends
            if not self._notes_changed:
                self._reload_notes()
        else:
            log = self.query_one(NotesLog)
            for note_id in added:
                note = self.engine.state.notes.get(note_id)
                if note is not None and not note.deleted:
                    log.add_note(self.programme, note)
        if self._chat_questions and self._chat_toast_timer is None:
            self._count_chat_questions()
        self._after_event()

    def _count_chat_questions(self) -> None:
        """The chat toast counts the new questions at once, then at most every ``CHAT_TOAST_EVERY``."""
        self._chat_toast_timer = None
        if not self._chat_questions:
            return
        questions, self._chat_questions = self._chat_questions, 0
        self.toasts.accumulate("chat", questions, self._chat_questions_said, window=5)
        self._chat_toast_timer = self.set_timer(CHAT_TOAST_EVERY, self._count_chat_questions)

    def _chat_questions_said(self, total: int, _: int) -> tuple[str, str]:
        """One toast counting the chat's new questions while it is up (a busy chat is not a stream of
        toasts over the notes)."""
        return self.tr("{count} new question(s) in the chat").format(count=total), self.tr("Chat")

    def _tell(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
              timeout: float = 5.0, key: str | None = None, segment: int | None = None) -> None:
        """A notification; what it says (names, notes, paths) is text, never markup. Through
        ``Toasts``: coalesced by ``key``, gone with its ``segment``, never more than two."""
        self.toasts.tell(visible(message), title=title, severity=severity, timeout=timeout, key=key,
                         segment=segment)

    # ------------------------------------------------------------------ time

    def _schedule_tick(self) -> None:
        """Wake up just after the countdown's whole second next changes (rather than polling a
        few times a second: the same display, a quarter of the wake-ups), and once a second
        while the countdown stands still, since the wall clocks and the pace still move.

        One interval timer, started on that boundary and left running: its ticks stay on the
        countdown's boundaries, since both follow the monotonic clock. Called again when the
        countdown jumps (a command), never each second: a new Textual timer every second cost a
        task, a ``partial`` and an ``inspect.signature`` each time (5.8 % of a running second's CPU)."""
        if self._tick_timer is not None:
            self._tick_timer.stop()
        delay, period = 1.0, 1.0
        if self.engine.status is Status.RUNNING:
            remaining = self.engine.remaining()
            until_change = remaining - math.floor(remaining) or 1.0
            delay = min(1.0, until_change / max(self.speed, 1e-6))
            period = 1.0 / max(self.speed, 1e-6)
        self._tick_timer = self.set_timer(delay + TICK_MARGIN, lambda: self._start_ticking(period))

    def _start_ticking(self, period: float) -> None:
        self.tick()
        if self._tick_timer is not None:
            self._tick_timer.stop()
        self._tick_timer = self.set_interval(period, self.tick)

    def tick(self) -> None:
        """Read the remaining time from the engine; redraw when the whole second changed, or,
        before the start and while paused, the clocks and the pace that move all the same."""
        self._say_if_slept()
        self._flow()
        if self.engine.status is Status.RUNNING:
            self.whole_seconds = displayed_seconds(self.engine.remaining())
        else:
            self.refresh_time()

    def _say_if_slept(self) -> None:
        """A laptop closed mid-session: the countdown counted the sleep; say so, once (the host
        journals it; a seat says it on its own screen only)."""
        try:
            slept = self.engine.notice_sleep()
        except JournalError as error:
            self._tell(self.tr("NOT SAVED: {error}").format(error=error.say(self.tr)), title=self.tr("Journal"),
                       severity="error", timeout=30)
            return
        if slept:
            slept_for = format_duration(round(slept))
            self._tell(self.tr("The computer slept {duration}; counted as elapsed").format(duration=slept_for),
                       title=self.tr("Time"), severity="warning", timeout=30)

    def _flow(self) -> None:
        """A segment that moves on by itself (``[session] flow``): the engine decides, from its clock."""
        try:
            moved = self.engine.flow()
        except JournalError as error:
            self._tell(self.tr("NOT SAVED: {error}").format(error=error.say(self.tr)), title=self.tr("Journal"),
                       severity="error", timeout=30)
            return
        del moved  # its event reaches the screen by the one road, as every event does

    def _say_what_happened(self) -> None:
        """What the engine did by itself besides the command asked: the session moved on or ended
        because the time was up, a message left the stage with its speaker."""
        history = self.engine.history
        new, self._events_said = history[self._events_said:], len(history)
        if len(new) > 50:  # a seat catching up: old news
            return
        _ = self.tr
        for event in new:
            if isinstance(event, ev.Moved) and event.via == ev.FLOW:
                segment = self.programme.segments[event.segment]
                self._tell(segment_label(self.programme, segment),
                           title=_("Time was up: moved on by itself to segment {n}").format(n=event.segment + 1),
                           timeout=8, key="flow")
            elif isinstance(event, ev.Ended) and event.via == ev.FLOW:
                self._tell(_("The last segment's time was up: the session ended by itself."), timeout=12,
                           key="flow")
            elif isinstance(event, ev.MessageCleared) and event.via == ev.SEGMENT_CHANGED:
                self._tell(_("The message left the stage with its speaker"), timeout=4, key="stage")

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
        self.query_one(ClockBar).show(self.programme, snapshot, self._banner(), self.engine.state)
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
        status = self.engine.status_line(self.language)
        if status:
            return status
        if not self.run_files.rehearsal:
            return ""
        return self.tr("REHEARSAL") + (f" ×{self.speed:g}" if self.speed != 1 else "")

    def _signal_levels(self, snapshot: Snapshot) -> None:
        """Notify once when a threshold is crossed, and every minute in overtime."""
        if snapshot.status is not Status.RUNNING:
            return
        _ = self.tr
        level = snapshot.level
        who = who_is_on(self.programme, snapshot)
        if level != self._last_level and self._last_level is not None:
            if level in (Level.WARN, Level.DANGER):
                left = countdown_text(round(snapshot.remaining))
                self._alert(_("{who}: {time} left").format(who=who, time=left), "warning", snapshot.current)
            elif level is Level.OVER:
                self._alert(_("{who}: time is up").format(who=who), "error", snapshot.current)
                self._last_overtime_reminder = 0
        if level is Level.OVER:
            over = int(-snapshot.remaining)
            every = OVERTIME_REMINDER_EVERY * max(1.0, self.speed)  # once a real minute in a fast rehearsal
            if over // every > self._last_overtime_reminder:
                self._last_overtime_reminder = int(over // every)
                self._alert(_("{who}: {time} over time").format(who=who, time=countdown_text(-over)), "error",
                            snapshot.current)
        self._last_level = level

    def _alert(self, message: str, severity: SeverityLevel, segment: int | None) -> None:
        """A level crossed: one toast per segment (the next one replaces it), gone with it."""
        self._tell(message, severity=severity, timeout=6, key="level", segment=segment)
        if self.ring_bell:
            self.app.bell()

    def _watch_report(self) -> None:
        status = self.engine.status_line(self.language)
        if status:  # a seat: the report is the host's; what matters is whether the notes reached it
            if status != self._status_line:
                self._status_line = status
                self._reload_notes()
            self._show_notes_subtitle(status)
            return
        problem = self.report.problem if self.report is not None else None
        if problem != self._report_problem:
            if problem:
                self._tell(problem, title=self.tr("Report"), severity="error", timeout=15, key="report")
            elif self._report_problem:
                self._tell(self.tr("The report is being written again."), title=self.tr("Report"), key="report")
            self._report_problem = problem
        if problem:
            subtitle = self.tr("⚠ report not written")
        else:
            if self._report_shown_as is None:  # once: resolving the path costs system calls
                self._report_shown_as = _shown_path(self.run_files.report_path)
            subtitle = self._report_shown_as
        self._show_notes_subtitle(subtitle)

    def _show_notes_subtitle(self, subtitle: str) -> None:
        panel = self.query_one("#notes-panel")
        if panel.border_subtitle != subtitle:  # setting it repaints the whole panel, even unchanged
            panel.border_subtitle = subtitle

    # ------------------------------------------------------------------ commands

    def _command(self, command: Callable[..., object], *args: object) -> bool:
        """Run an engine command; refusals and storage failures are shown, never swallowed."""
        try:
            command(*args)
        except (CommandRefused, NoteError) as refusal:
            self._tell(refusal.say(self.tr), severity="warning", timeout=4, key="refused")
            return False
        except JournalError as error:
            self._tell(self.tr("NOT SAVED: {error}").format(error=error.say(self.tr)), title=self.tr("Journal"),
                       severity="error", timeout=30)
            return False
        return True

    def _after_event(self) -> None:
        """Everything that depends on state, once a frame (``_draw_events``)."""
        for notice in self.engine.take_notices():  # the journal recreated, continued elsewhere...
            self._tell(say(notice, self.tr), title=self.tr("Journal"), severity="error", timeout=30)
        self.refresh_all()
        self._say_what_happened()
        self.toasts.segment_changed(self.engine.state.current if self.engine.status is not Status.ENDED else None)
        if self._tick_timer is not None:  # the countdown jumped: wake on its new boundaries
            self._schedule_tick()

    def action_toggle_timer(self) -> None:
        self._command(self.engine.toggle)

    def action_next_segment(self) -> None:
        self._command(self.engine.next)

    def action_previous_segment(self) -> None:
        self._command(self.engine.previous)

    def action_adjust(self, seconds: int) -> None:
        """``+`` / ``-``: one toast adds up the presses ("−3 min on this segment"); the engine
        takes off no more than is left (it says how much it took)."""
        before = self.engine.snapshot().segment_allowed
        if not self._command(self.engine.adjust, seconds):
            return
        changed = self.engine.snapshot().segment_allowed - before

        def render(total: int, count: int) -> tuple[str, str]:
            sign = "+" if total >= 0 else "−"
            amount = countdown_text(abs(total)) if abs(total) % 60 else str(abs(total) // 60)
            unit = "" if abs(total) % 60 else " min"
            return self.tr("{change} on this segment").format(change=f"{sign}{amount}{unit}"), ""

        self.toasts.accumulate("adjust", changed, render, segment=self.engine.state.current)

    def action_ask_next_question(self) -> None:
        try:
            round_id, index = self.engine.ask_next_question()
        except CommandRefused as refusal:
            self._tell(refusal.say(self.tr), severity="warning", timeout=4)
            return
        except JournalError as error:
            self._tell(self.tr("NOT SAVED: {error}").format(error=error.say(self.tr)), severity="error", timeout=30)
            return
        question = self.programme.round(round_id).questions[index]
        number = self.programme.question_number(round_id, index)
        self._tell(question, title=self.tr("Asked: question {number}").format(number=number), timeout=5,
                   key="asked", segment=self.engine.state.current)
        self.call_later(self._follow_questions)  # after the frame that draws the question asked

    def action_tick_cue(self) -> None:
        state = self.engine.state
        if state.current is None:
            self._tell(self.tr("The session has not started"), severity="warning", key="refused")
            return
        cues = self.programme.segments[state.current].cues
        for number in range(len(cues)):
            if (state.current, number) not in state.cues:
                self._command(self.engine.tick_cue, state.current, number)
                return
        self._tell(self.tr("No open cue in this segment"), severity="warning", timeout=3, key="refused")

    def action_copy_signal(self) -> None:
        """The chat signal, to the terminal's clipboard (OSC 52) and the system's where one is
        reachable; the toast says which way it went and shows the text, to copy by hand."""
        text = chat_signal(self.programme, self.engine.snapshot(), language=self.language)
        self.app.copy_to_clipboard(text)
        copied = copy_text(text)
        if copied.tool:
            title = self.tr("Copied for the chat (terminal and {tool})").format(tool=copied.tool)
        else:
            title = self.tr("Sent to the terminal's clipboard (OSC 52); if it does not paste, copy it from here")
        self._tell(text, title=title, timeout=8, key="signal")

    def action_stage_message(self) -> None:
        """``m``: a message, flash or blackout on the speaker's stage view (a journal event each)."""
        from moderator.tui.stage_messages import StageChoice, StageMessagePicker

        def chosen(choice: StageChoice | None) -> None:
            if choice is None:
                return
            if choice.kind == "message" and self._command(self._show_message, choice.text, choice.keep):
                title = _("On the stage view, kept for the next speaker") if choice.keep else _("On the stage view")
                self._tell(choice.text, title=title, timeout=4, key="stage")
            elif choice.kind == "clear" and self._command(self.engine.clear_message):
                self._tell(_("Message cleared from the stage view"), timeout=3, key="stage")
            elif choice.kind == "flash":
                self._command(self.engine.set_flash, choice.on)
            elif choice.kind == "blackout":
                self._command(self.engine.set_blackout, choice.on)

        _ = self.tr
        self._open(StageMessagePicker(self.programme, self.engine.state, tr=_), chosen)

    def _show_message(self, text: str, keep: bool) -> None:
        self.engine.show_message(text, keep=keep)

    def action_focus_notes(self) -> None:
        # Synchronously: keys already queued behind this one (a fast typist, a paste) must
        # land in the box, not drive the timer.
        self.set_focus(self.query_one(NoteBox))
        self.toasts.drop("sharing")  # the start-up "sharing on" toast would sit on the box

    def action_cycle_view(self) -> None:
        position = NARROW_VIEWS.index(self.view)
        self.view = NARROW_VIEWS[(position + 1) % len(NARROW_VIEWS)]

    def watch_view(self, old: str, new: str) -> None:
        self.remove_class(f"view-{old}")
        self.add_class(f"view-{new}")
        following = NARROW_VIEWS[(NARROW_VIEWS.index(new) + 1) % len(NARROW_VIEWS)]
        if new == "questions":
            self.call_after_refresh(self._follow_questions)
        if self.has_class("-narrow"):
            self._tell(self.tr("Showing {view} (v for {following})").format(
                view=self.tr(VIEW_NAMES[new]), following=self.tr(VIEW_NAMES[following])), timeout=2, key="view")

    def action_pick_segment(self) -> None:
        labels = [f"{s.index + 1}. {segment_label(self.programme, s)}" for s in self.programme.segments]

        def chosen(index: int | None) -> None:
            if index is not None:
                self._command(self.engine.goto, index)

        self._open(Picker(self.tr("Go to segment"), labels, self.engine.state.current, tr=self.tr), chosen)

    def action_pick_question(self) -> None:
        """Mark any guiding question as asked, or take the mark back."""
        keys = [(r.id, i) for r in self.programme.rounds for i in range(len(r.questions))]
        if not keys:
            self._tell(self.tr("This programme has no guiding questions"), severity="warning", timeout=3,
                       key="refused")
            return
        asked = self.engine.state.asked
        labels = [
            f"{'✓' if key in asked else '○'} {self.programme.round(key[0]).title} · "
            f"{self.programme.question_number(*key)}. {self.programme.round(key[0]).questions[key[1]]}"
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

        current = next((n for n, key in enumerate(keys) if key[0] in self.engine.current_rounds()), None)
        self._open(Picker(self.tr("Mark a question as asked, or unmark it"), labels, current, tr=self.tr), chosen)

    def _open(self, dialog: ModalScreen[Any], callback: Callable[[Any], None]) -> None:
        """A dialog, with no toast over it."""
        self.toasts.clear()
        self.app.push_screen(dialog, callback)

    def action_end_session(self) -> None:
        if self.engine.status in (Status.NOT_STARTED, Status.ENDED):
            self._tell(self.tr("The session is not running"), severity="warning", timeout=3, key="refused")
            return

        def confirmed(yes: bool | None) -> None:
            if yes and self._command(self.engine.end):
                self._tell(self.tr("Session ended. Report: {path}").format(path=self.run_files.report_path),
                           timeout=10)

        self._open(ConfirmScreen(self.tr("End the session now?"),
                                 self.tr("The timer stops and the report is completed."), tr=self.tr), confirmed)

    def action_scroll_questions(self, lines: int) -> None:
        """``pageup`` / ``pagedown``: the questions (or, on a narrow screen, the panel shown)."""
        panel = self.query_one("#questions-panel", VerticalScroll)
        if self.has_class("-narrow") and self.view != "questions":
            self.view = "questions"
            return
        panel.scroll_relative(y=lines, animate=False)

    def _follow_questions(self) -> None:
        """The Questions panel shows the current round's heading at its top (or, when the
        current round's questions are all above, the question being discussed)."""
        line = self.query_one(QuestionsPanel).current_line
        if line is not None:
            self.query_one("#questions-panel", VerticalScroll).scroll_to(y=line, animate=False)

    async def action_while_typing(self, action: str) -> None:
        """A function key (``F5``…) that works in the note box too."""
        await self.run_from_palette(action)

    async def run_from_palette(self, action: str) -> None:
        """The palette (and the function keys) run any action, even one whose key is hidden
        from the Footer while typing."""
        self._from_palette = True
        try:
            await self.run_action(action)
        finally:
            self._from_palette = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``i`` and ``enter`` move to the note box only from outside it; while it has the
        focus, the keys that type text leave the Footer (their function keys still work).
        (While a dialog is open, the console's keys are not active at all: the dialog is the screen.)
        A rapporteur seat has no single-letter commands at all: its keys are words (``on_key``)."""
        typing = isinstance(self.focused, Input)
        if self.words_only and action in (*TYPING_ACTIONS, "focus_notes") and not self._from_palette:
            return False
        if action == "focus_notes":
            return not typing
        return not (typing and action in TYPING_ACTIONS and not self._from_palette)

    @property
    def words_only(self) -> bool:
        """A rapporteur seat: it writes notes and drives nothing, so every printable key is a word."""
        return not self.engine.may("toggle") and self.engine.may("add_note")

    def _words_outside_the_box(self, event: events.Key) -> None:
        """On a rapporteur seat, a key typed outside the box (after Esc, say) goes into it, and Enter
        goes back to it: never lost, never a command. On any console, a printable key that is no
        command goes into the box too. (Bindings are looked up after this handler.)"""
        if isinstance(self.focused, Input):
            return
        printable = event.is_printable and event.character is not None
        if printable and not self.words_only and event.key not in self._bindings.key_to_bindings:
            # A printable key that is no command (``l``, ``x``, ``é``): a word begun, for the box.
            event.stop()
            event.prevent_default()
            self.take_typing(event.character or "")
            return
        if not self.words_only:
            return
        if printable or event.key == "enter":
            event.stop()
            event.prevent_default()
            self.take_typing(event.character if printable and event.character else "")

    def take_typing(self, text: str) -> None:
        """Typing that arrived while the box was not focused: into the box, which takes the focus;
        said once per stretch of typing, so nobody wonders where the words went."""
        box = self.query_one(NoteBox)
        if self.focused is not box:
            self.set_focus(box)
            if text and not self.words_only:
                self._tell(self.tr("Your typing went into the note box (Enter logs it, Esc leaves it)"),
                           timeout=4, key="typing")
        if text:
            # Through the box's own queue, where the keys and pastes that follow go too: in order.
            box.post_message(TypedText(text))

    # ------------------------------------------------------------------ notes

    def on_note_box_overflowed(self, _: NoteBox.Overflowed) -> None:
        self._tell(self.tr("A note holds at most {n} characters; the rest was not typed").format(n=MAX_NOTE_CHARACTERS),
                   severity="warning", timeout=6, key="refused")

    def on_note_box_note_submitted(self, message: NoteBox.NoteSubmitted) -> None:
        """Log the note (or save the edit); if that fails, its text goes back into the box."""
        editing = self._editing_note
        try:
            if editing is None:
                logged = self.engine.log_entry(message.text)
                if isinstance(logged, int):  # ``participants: 42``: the number typed, confirmed
                    self._tell(self.tr("Participants: {count}").format(count=logged), timeout=4)
                    return
                note = logged
            else:
                note = self.engine.edit_note(editing, message.text)
        except (NoteError, CommandRefused) as refusal:
            message.box.give_back(message.text)
            self._tell(refusal.say(self.tr), severity="warning", timeout=5)
            return
        except JournalError as error:
            message.box.give_back(message.text)
            self._tell(self.tr("NOT SAVED — your text is back in the box: {error}").format(error=error.say(self.tr)),
                       severity="error", timeout=30)
            return
        if editing is None:
            if note.id == 0:  # a seat's note, in its outbox: shown as sending until the host's event
                self.query_one(NotesLog).add_note(self.programme, note, sending=True)
                self._sending_shown = True
        else:
            self._stop_editing()
            self._tell(self.tr("Note {id} saved").format(id=note.id), timeout=3, key="note")

    def on_key(self, event: events.Key) -> None:
        """``esc`` in the note box gives the keys back to the timer (and cancels an edit); on a
        rapporteur seat, keys outside the box are words for it."""
        self._words_outside_the_box(event)
        if event.key == "escape" and isinstance(self.focused, NoteBox):
            if self._editing_note is not None:
                self.query_one(NoteBox).value = ""
                self._stop_editing()
                self._tell(self.tr("Edit cancelled; the note is unchanged"), timeout=3, key="note")
            self.set_focus(None)
            event.stop()

    def action_edit_last_note(self) -> None:
        """Bring the last note back into the box, marks and speaker included, to correct it."""
        notes = self.engine.own_notes()
        if not notes:
            self._tell(self.tr("No note to edit yet"), severity="warning", timeout=3, key="refused")
            return
        self._start_editing(notes[-1])

    def _start_editing(self, note: Note) -> None:
        """Any note back into the box, as it would be typed (level, person or group, mark)."""
        box = self.query_one(NoteBox)
        if box.value.strip() and self._editing_note is None:
            # What was being typed is not glued to the note corrected: it waits, and comes back after.
            self._typed_aside = box.value
            self._tell(self.tr("The note you were typing is kept aside; it comes back after this correction"),
                       timeout=5, key="note")
        self._editing_note = note.id
        box.value = visible(note_as_typed(note, self.language), keep_newlines=True)
        box.cursor_position = len(box.value)
        self.query_one("#notes-panel").border_title = self.tr(
            "Notes · editing note {id} (enter saves, esc cancels)").format(id=note.id)
        start = visible(note.text.replace("\n", " "))
        start = start if len(start) <= 40 else start[:39] + "…"
        box.border_title = self.tr("Correcting note {id}: {start} (Enter saves, Esc cancels)").format(
            id=note.id, start=start)
        box.add_class("-editing")
        self.set_focus(box)

    def action_delete_last_note(self) -> None:
        notes = self.engine.own_notes()
        if not notes:
            self._tell(self.tr("No note to delete"), severity="warning", timeout=3, key="refused")
            return
        self._confirm_delete(notes[-1], self.tr("Delete the last note?"))

    def _confirm_delete(self, note: Note, question: str) -> None:
        def confirmed(yes: bool | None) -> None:
            if yes and self._command(self.engine.delete_note, note.id):
                self._tell(self.tr("Note {id} deleted (the journal keeps it)").format(id=note.id), timeout=4,
                           key="note")

        self._open(ConfirmScreen(question, visible(note.text[:200]), tr=self.tr), confirmed)

    def action_pick_note(self) -> None:
        """Choose any note (newest first), then correct it in the box or delete it."""
        _ = self.tr
        notes = list(reversed(self.engine.own_notes()))
        if not notes:
            self._tell(_("No note yet"), severity="warning", timeout=3, key="refused")
            return
        labels = [f"{note.id}. {note_line(self.programme, note, tr=_).plain[:160]}" for note in notes]

        def chosen(index: int | None) -> None:
            if index is None:
                return
            note = notes[index]

            def what(choice: int | None) -> None:
                if choice == 0:
                    self._start_editing(note)
                elif choice == 1:
                    self._confirm_delete(note, _("Delete note {id}?").format(id=note.id))

            self._open(Picker(_("Note {id}").format(id=note.id), [_("Correct it in the note box"), _("Delete it")], 0,
                              tr=_), what)

        self._open(Picker(_("Correct or delete a note"), labels, 0, tr=_), chosen)

    def action_enter_participants(self) -> None:
        """The count is a line of the note grammar: the box is given its beginning."""
        box = self.query_one(NoteBox)
        if box.value.strip():
            self._tell(self.tr("Log or clear the note you are typing first"), severity="warning", timeout=4,
                       key="refused")
            return
        box.value = "participants: "
        box.cursor_position = len(box.value)
        self.set_focus(box)

    _typed_aside = ""
    """A note being typed when a correction began: back in the box once the correction ends."""

    def _stop_editing(self) -> None:
        self._editing_note = None
        self.query_one("#notes-panel").border_title = self.tr("Notes")
        box = self.query_one(NoteBox)
        box.border_title = None
        box.remove_class("-editing")
        if self._typed_aside:
            aside, self._typed_aside = self._typed_aside, ""
            box.give_back(aside)
        if self._notes_changed:  # notes changed while one was being edited: drawn now
            self._notes_changed = False
            self._reload_notes()

    def _reload_notes(self) -> None:
        pending = self.engine.pending_notes()
        self._sending_shown = bool(pending)
        self.query_one(NotesLog).show_notes(self.programme, self.engine.state.visible_notes(), pending)
