"""The console's widgets. Each takes data (a snapshot, the programme) and draws it; none
keeps time, touches files or takes keys (the note box, ``note_box.py``, takes text)."""

from __future__ import annotations

import itertools

import pendulum
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.geometry import Size
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import DataTable, Digits, Label, ProgressBar, Static

from moderator.i18n import Translate
from moderator.programme import Programme
from moderator.programme.durations import format_duration
from moderator.programme.model import SEGMENT_KIND_LABELS as KIND_LABELS
from moderator.programme.zones import short_zone_label, zone
from moderator.session.engine import next_unasked_question
from moderator.session.snapshot import Level, SegmentStatus, SegmentTiming, Snapshot
from moderator.session.state import Note, State, Status
from moderator.text import visible
from moderator.tui.formatting import (
    NOTE_KIND_MARKS,
    countdown_text,
    local_times,
    offset_text,
    segment_label,
    speaker_name,
)

MODERATOR_LED = frozenset({"intro", "discussion", "qa", "closing"})
"""Segments with no speaker of their own, where the moderator has the floor."""


def _english(text: str) -> str:
    return text


class Speaks:
    """A widget that shows words: ``tr`` translates them into the session's language."""

    tr: Translate = staticmethod(_english)

    def speak(self, tr: Translate) -> None:
        self.tr = tr


def visible_text(text: Text) -> Text:
    """``text`` with its control characters made visible (``text.visible``), styles kept."""
    plain = text.plain
    if visible(plain, keep_newlines=True) == plain:
        return text
    cuts = sorted({0, len(plain), *(span.start for span in text.spans), *(span.end for span in text.spans)})
    result = text.blank_copy()
    for start, end in itertools.pairwise(cuts):
        piece = text[start:end]
        shown = Text(visible(piece.plain, keep_newlines=True))
        for span in piece.spans:
            shown.stylize(span.style, 0, len(shown))
        result.append_text(shown)
    return result


class SteadyStatic(Speaks, Static):
    """A Static that redraws only when its content really changes: most of what the console
    shows is refreshed every second but changes once a minute, or never."""

    _steady_content: Text | None = None

    def show_text(self, text: Text) -> None:
        """A new layout of the screen only when the text's size changed: in overtime the pace
        line changes every second, and a relayout every second cost more than the repaint.
        Programme text in it (titles, names, questions, cues) is made visible first."""
        text = visible_text(text)
        if text != self._steady_content:
            before = self._steady_content
            self._steady_content = text
            same_size = before is not None and before.cell_len == text.cell_len and \
                before.plain.count("\n") == text.plain.count("\n")
            self.update(text, layout=not same_size)


class SegmentBar(ProgressBar):
    """The countdown's progress bar. It shows no ETA, so it keeps none.

    A ``ProgressBar`` starts a timer of its own when mounted, to re-estimate its ETA once a
    second, and each new estimate repainted the bar a second time every second, even with
    ``show_eta=False``. This bar is given its total at once and moved only by ``update``, so
    it needs nothing that mount handler does: it skips it (``prevent_default`` in a handler
    of its own, which runs before the base class's).
    """

    @on(events.Mount)
    def _without_eta_timer(self, event: events.Mount) -> None:
        event.prevent_default()


class Countdown(Speaks, Vertical):
    """The big number. ``seconds`` changes once a second, so the Digits redraw once a second.

    ``var``, not ``reactive``: a change repaints only the children that changed (the digits,
    the line under them), not the whole box; nor does the line under the number ask for a new
    layout of the screen unless its length changed.
    """

    seconds: var[int] = var(0)
    level: var[str] = var(Level.OK.value)
    _said: str = ""

    def compose(self) -> ComposeResult:
        with Center():  # the Digits as wide as its digits: a second repaints them, not a full-width row
            yield Digits("00:00", id="countdown-digits")
        yield Label("", id="countdown-text")
        yield SegmentBar(total=1, show_eta=False, show_percentage=False, id="countdown-progress")

    status: Status = Status.NOT_STARTED

    def watch_seconds(self, seconds: int) -> None:
        self.query_one(Digits).update(countdown_text(seconds))
        self._say_status()

    def _running_words(self) -> str:
        """Under the digits while running: the time and, beyond "ok", the level in a word and
        a symbol, so that the levels read without colour."""
        _ = self.tr
        text = countdown_text(self.seconds)
        if self.seconds < 0 or self.level == Level.OVER.value:
            return _("■ {time} OVERTIME").format(time=text)
        if self.level == Level.DANGER.value:
            return _("▲ {time} left · conclude").format(time=text)
        if self.level == Level.WARN.value:
            return _("△ {time} left · wrap up").format(time=text)
        return _("{time} left").format(time=text)

    def _say(self, text: str) -> None:
        if text != self._said:
            self.query_one("#countdown-text", Label).update(text, layout=len(text) != len(self._said))
            self._said = text

    def watch_level(self, old: str, new: str) -> None:
        self.remove_class(f"-{old}")
        self.add_class(f"-{new}")
        self._say_status()

    _bar_look: tuple[int, ...] = ()

    def set_progress(self, elapsed: float, allowed: int) -> None:
        """Move the bar when that shows: it draws in half cells, so across a 10-minute segment
        a 46-cell bar changes every six or seven seconds, not every second."""
        total = max(1, allowed)
        bar = self.query_one(ProgressBar)
        progress = min(float(int(elapsed)), float(total))
        width = bar.size.width
        look = (total, width, progress == 0, round(width * progress / total * 2), progress >= total)
        if look != self._bar_look or not width:
            self._bar_look = look
            bar.update(total=total, progress=progress)

    def show_status(self, status: Status) -> None:
        """Also while running: the words must change on the very frame the timer starts (a
        "press space to start" left up for a second invites a second press, which pauses)."""
        self.status = status
        self.set_class(status is Status.PAUSED, "-paused")
        self.set_class(status is Status.ENDED, "-ended")
        self.set_class(status is Status.NOT_STARTED, "-waiting")
        self._say_status()

    def _say_status(self) -> None:
        _ = self.tr
        time_text = countdown_text(self.seconds)
        if self.status is Status.PAUSED and self.seconds < 0:  # paused in overtime: still overtime
            self._say(_("■ {time} OVERTIME · PAUSED").format(time=time_text))
        elif self.status is Status.PAUSED:
            self._say(_("{time} left · PAUSED").format(time=time_text))
        elif self.status is Status.ENDED:
            self._say(_("Session ended"))
        elif self.status is Status.NOT_STARTED:
            self._say(_("{time} planned · press space to start").format(time=time_text))
        else:
            self._say(self._running_words())


class ClockBar(Speaks, Widget):
    """The top line: the REHEARSAL banner (always whole), what the speakers' stage shows besides the
    countdown (a blackout, a flash, a message: whole words, a long message cut), the title and the wall
    clocks in every zone. When the line is short, zones go first (the session's own zone stays), then
    the title shortens with an ellipsis; words are never cut. The line is there at every size, so the
    moderator never leaves the stage dark, flashing or showing a message without seeing it."""

    MIN_TITLE = 12
    """Columns the title keeps before zones are dropped."""

    _banner = ""
    _title = ""
    _clocks: tuple[str, ...] = ()
    _stage: tuple[str, ...] = ()

    def show(self, programme: Programme, snapshot: Snapshot, banner: str, state: State | None = None) -> None:
        clocks = tuple(f"{snapshot.now.in_timezone(zone(z)).format('HH:mm')} {short_zone_label(z)}"
                       for z in programme.session.zones)
        stage = stage_badges(state, self.tr) if state is not None else ()
        new = (visible(banner), visible(programme.session.title), clocks, stage)  # the banner has a seat's name
        if new != (self._banner, self._title, self._clocks, self._stage):
            self._banner, self._title, self._clocks, self._stage = new
            self.set_class(bool(banner), "-rehearsal")
            self.set_class(bool(stage), "-stage")
            self.refresh()

    def render(self) -> Text:
        return clock_line(self._banner, self._title, self._clocks, self.content_size.width or 80, self.MIN_TITLE,
                          stage=self._stage)


def stage_badges(state: State, tr: Translate = _english) -> tuple[str, ...]:
    """What the stage view shows besides the countdown, in words: the blackout, the flash, the message
    (its text, made visible; "keep" marked), most striking first."""
    badges = []
    if state.blackout:
        badges.append(tr("■ STAGE BLACK"))
    if state.flash:
        badges.append(tr("⚡ STAGE FLASHING"))
    message = state.stage_message
    if message is not None:
        kept = " ↪" if message.keep else ""
        badges.append(f"✉ “{visible(message.text)}”{kept}")
    return tuple(badges)


MESSAGE_BADGE_SHARE = 0.45
"""Of the line's width, at most this much goes to the message on stage (its start says which)."""


def clock_line(banner: str, title: str, clocks: tuple[str, ...], width: int, min_title: int = 12,
               stage: tuple[str, ...] = ()) -> Text:
    """The clock bar's one line at ``width`` columns (see ``ClockBar``)."""
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    if banner:
        line.append(f" {banner} ", style="bold reverse")
        line.append(" ")
    for badge in stage:
        if badge.startswith("✉"):
            room_for_it = max(12, int(width * MESSAGE_BADGE_SHARE))
            badge = badge if Text(badge).cell_len <= room_for_it else _clip_cells(badge, room_for_it - 1) + "…”"
            line.append(f" {badge} ", style="bold black on yellow")
        else:
            line.append(f" {badge} ", style="bold white on red")
        line.append(" ")
    room = width - line.cell_len
    wanted = min(Text(title).cell_len, max(min_title, room // 2))
    shown = list(clocks)
    while len(shown) > 1 and Text(" · ".join(shown)).cell_len + 2 + wanted > room:
        shown.pop()
    clock_text = " · ".join(shown)
    if Text(clock_text).cell_len + 2 + min(wanted, min_title) > room:
        clock_text = ""
    title_room = max(0, room - (Text(clock_text).cell_len + 2 if clock_text else 0))
    line.append(shorten_words(title, title_room).ljust(title_room), style="bold")
    if clock_text:
        line.append("  ")
        line.append(clock_text, style="dim")
    return line


def _clip_cells(text: str, cells: int) -> str:
    """The start of ``text`` that fits in ``cells`` terminal columns (wide characters count two)."""
    shown = ""
    for char in text:
        if Text(shown + char).cell_len > cells:
            break
        shown += char
    return shown.rstrip()


def shorten_words(text: str, width: int) -> str:
    """``text`` in ``width`` columns, cut after a whole word with an ellipsis when it is longer
    (the whole title is in the window title and the report)."""
    if Text(text).cell_len <= width:
        return text
    if width <= 1:
        return "…"[:width]
    cut = text[: width - 1]
    if " " in cut.strip():
        cut = cut[: cut.rstrip().rfind(" ")]
    return cut.rstrip(" ,:;·-—") + "…"


class NowCard(SteadyStatic):
    """Who speaks now: name, kind and place in the programme, organization, title, and in a
    discussion the guiding question to ask next, whole: the card grows to the lines it needs."""

    def show(self, programme: Programme, snapshot: Snapshot, state: State) -> None:
        _ = self.tr
        segment = snapshot.on_stage
        text = Text()
        if snapshot.status is Status.ENDED or segment is None:
            text.append(_("The session has ended."), style="bold")
            text.append("\n" + _("It ran {elapsed} for {planned} planned.").format(
                elapsed=format_duration(snapshot.session_elapsed), planned=format_duration(programme.total_duration)))
            self.show_text(text)
            return
        kind = _(KIND_LABELS.get(segment.kind, segment.kind))
        place = f"{segment.index + 1}/{len(programme.segments)}"
        where = f"{kind} {place}" if kind.casefold() not in segment.title.casefold() else place
        if snapshot.status is Status.NOT_STARTED:
            where = _("up first") + " · " + where
        speakers = programme.segment_speakers(segment)
        if speakers:
            text.append(" & ".join(s.name for s in speakers), style="bold")
            text.append(" · " + where, style="dim")
            details = [", ".join(p for p in (s.organization, s.country) if p) for s in speakers]
            if any(details):
                text.append("\n" + " · ".join(d for d in details if d))
            text.append("\n" + segment.title, style="italic")
        else:
            text.append(segment.title, style="bold")
            text.append(" · " + where, style="dim")
        if snapshot.status is not Status.NOT_STARTED and segment.round_ids:
            following = next_unasked_question(programme, state)
            if following is None:
                text.append("\n" + _("Every guiding question has been asked."), style="dim")
            else:
                round_ = programme.round(following[0])
                number = programme.question_number(*following)
                ask = _("Ask next ({round}, question {number}):").format(round=round_.title, number=number)
                text.append("\n" + ask + " ", style="bold")
                text.append(round_.questions[following[1]])
        if segment.groups:  # a break-out: its groups, and the names notes give them
            text.append("\n" + _("Groups (notes: @g1…):"), style="dim")
            for number, group in enumerate(segment.groups, start=1):  # one paragraph: a small screen keeps its notes
                text.append(" · " if number > 1 else " ")
                text.append(f"@g{number}", style="bold")
                text.append(f" {group}")
        if not speakers and segment.kind in MODERATOR_LED:  # last: beside Zoom the question matters more
            text.append("\n" + _("Moderator: {name}").format(name=programme.moderator.name), style="dim")
        self.show_text(text)


class NextUp(SteadyStatic):
    """The next segment, its duration first so that a wrap never loses it."""

    def show(self, programme: Programme, snapshot: Snapshot) -> None:
        _ = self.tr
        if snapshot.status is Status.ENDED:
            self.show_text(Text(""))
            return
        following = snapshot.up_next
        if following is None:
            self.show_text(Text(_("Next: end of session"), style="dim"))
            return
        text = Text(_("Next ({duration}):").format(duration=format_duration(following.duration)) + " ", style="dim")
        text.append(segment_label(programme, following))
        self.show_text(text)


class PaceLine(SteadyStatic):
    """Ahead or behind, and when the session will end at this pace, in every zone."""

    def show(self, programme: Programme, snapshot: Snapshot) -> None:
        _ = self.tr
        text = Text()
        pace = offset_text(snapshot.offset, _)
        style = "bold red" if snapshot.offset >= 60 else ("bold green" if snapshot.offset <= -60 else "bold")
        text.append(pace, style=style)
        label = _("ended") if snapshot.status is Status.ENDED else _("ends")
        text.append(f"  ·  {label} {local_times(snapshot.projected_end, programme.session.zones)}", style="dim")
        self.show_text(text)


class Agenda(Speaks, DataTable[Text], can_focus=False):
    """Every segment: planned start, duration, actual time, status. Never takes the keys.

    Every cell and column label is a ``Text``, never a ``str``: ``DataTable`` parses a plain
    string as Rich markup (``default_cell_formatter``), and a segment titled
    ``Prueba [/] de [b]conexión`` crashed the console (``MarkupError``)."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self._cells: dict[tuple[str, str], Text] = {}
        self._seen_timings: dict[int, SegmentTiming] = {}
        self._looks: dict[int, tuple[object, ...]] = {}

    def load(self, programme: Programme, snapshot: Snapshot) -> None:
        self.clear(columns=True)
        self._cells = {}
        _ = self.tr
        self._seen_timings = {}
        self._looks = {}
        self.add_column(Text("#"), key="n")
        self.add_column(Text(_("Start")), key="start")
        self.add_column(Text(_("Plan")), key="plan")
        self.add_column(Text(_("Actual")), key="actual")
        self.add_column(Text(" "), key="status")
        self.add_column(Text(_("Segment")), key="title")
        self._zone = zone(programme.session.timezone)
        for timing in snapshot.timings:
            self.add_row(
                Text(str(timing.index + 1)), Text(""),
                Text(format_duration(timing.planned)), Text(""), Text(""),
                Text(visible(segment_label(programme, timing.segment))),
                key=str(timing.index),
            )
        self.update_timings(snapshot)

    def update_timings(self, snapshot: Snapshot) -> None:
        """Once a second and after events; a row is looked at again only when its timing is a
        new one (the engine keeps every row but the running one's until the next event), and
        redrawn only when what it shows changed."""
        seen = self._seen_timings
        for timing in snapshot.timings:
            if seen.get(timing.index) is timing:
                continue
            seen[timing.index] = timing
            look = (timing.planned_start, timing.status, timing.actual > timing.allowed,
                    timing.actual if timing.status is SegmentStatus.DONE else None)
            if self._looks.get(timing.index) == look:
                continue
            self._looks[timing.index] = look
            key = str(timing.index)
            # The plan is laid from the actual start in a rehearsal (and from now before it):
            # the start times follow it. A live run's plan stands still, and so do these cells.
            self._set_cell(key, "start", Text(timing.planned_start.in_timezone(self._zone).format("HH:mm")))
            # The running segment's time is the countdown's; the agenda records finished ones
            # (and so does not repaint a table row every second).
            actual = format_duration(timing.actual) if timing.status is SegmentStatus.DONE else ""
            over = timing.actual > timing.allowed
            self._set_cell(key, "actual", Text(actual, style="bold red" if over else ""))
            mark = {
                SegmentStatus.DONE: Text("✓", style="green" if not over else "bold red"),
                SegmentStatus.CURRENT: Text("▶", style="bold reverse"),
                SegmentStatus.SKIPPED: Text("–", style="dim"),
                SegmentStatus.UPCOMING: Text(" "),
            }[timing.status]
            self._set_cell(key, "status", mark)
        if snapshot.current is not None and self.cursor_row != snapshot.current:
            self.move_cursor(row=snapshot.current, animate=False)

    def _set_cell(self, row: str, column: str, value: Text) -> None:
        """Touch a cell only when it changes: on events, not on the clock's second."""
        if self._cells.get((row, column)) != value:
            self._cells[(row, column)] = value
            self.update_cell(row, column, value)


class QuestionsPanel(SteadyStatic):
    """The main question, then the guiding questions by round, numbered as the programme
    numbers them (across rounds); asked ones ticked. ``current_line`` is where the current
    round's heading is, for the panel to scroll there."""

    current_line: int | None = None

    def show(self, programme: Programme, state: State) -> None:
        _ = self.tr
        text = Text()
        if programme.session.main_question:
            text.append(_("Main question") + "\n", style="bold")
            text.append(programme.session.main_question + "\n\n")
        current_rounds: tuple[str, ...] = ()
        if state.current is not None and state.status is not Status.ENDED and state.current < len(programme.segments):
            current_rounds = programme.segments[state.current].round_ids
        following = next_unasked_question(programme, state) or state.current_question
        focus = following[0] if following is not None and following[0] in current_rounds else None
        self.current_line = None
        for round_ in programme.rounds:
            active = round_.id in current_rounds
            if (round_.id == focus or (focus is None and active)) and self.current_line is None:
                self.current_line = text.plain.count("\n")
            text.append(("▶ " if active else "") + round_.title + "\n", style="bold reverse" if active else "bold")
            for index, question in enumerate(round_.questions):
                asked = (round_.id, index) in state.asked
                current = state.current_question == (round_.id, index)
                mark = "✓" if asked else "○"
                style = "bold" if current else ("dim" if asked else "")
                text.append(f" {mark} {programme.question_number(round_.id, index)}. {question}\n", style=style)
            text.append("\n")
        if not programme.rounds and not programme.session.main_question:
            text.append(_("No questions in this programme."), style="dim")
        self.show_text(text)


class CuesPanel(SteadyStatic):
    """The current segment's checklist for the moderator."""

    def show(self, programme: Programme, state: State) -> None:
        index = state.current if state.current is not None else 0
        if state.status is Status.ENDED or index >= len(programme.segments):
            self.show_text(Text(self.tr("No cues."), style="dim"))
            return
        segment = programme.segments[index]
        text = Text()
        for number, cue in enumerate(segment.cues):
            done = (index, number) in state.cues
            text.append(f"{'☑' if done else '☐'} {number + 1}. {cue}\n", style="dim" if done else "")
        if segment.notes:
            text.append(segment.notes + "\n", style="italic dim")
        if not segment.cues and not segment.notes:
            text.append(self.tr("No cues for this segment."), style="dim")
        self.show_text(text)


class NotesLog(Speaks, ScrollView, can_focus=False):
    """Recent notes, newest last, with their time, kind, speaker or group, every character shown.

    Drawn line by line (Textual's line API, as ``Log`` and ``RichLog`` are): each note is wrapped
    once, at the panel's width, and its screen lines kept, so one more note costs its own lines,
    not the 200 shown. (One ``Static`` holding every note was laid out and drawn whole again for
    each note: about 100 ms at 120x40, the host loop's longest callback while a seat typed fast.)
    A resize wraps every note again at the new width, so no word falls off the edge; the
    scrollbar's column is always kept aside (``scrollbar-gutter: stable``), so its coming does
    not change the width the notes were wrapped at. A sub-point is indented under its point; a
    pasted note keeps its line breaks.
    """

    DEFAULT_CSS = """
    NotesLog {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
    }
    """

    def __init__(self, *, id: str | None = None, max_notes: int = 200) -> None:
        super().__init__(id=id)
        self.max_notes = max_notes
        self._shown: list[Text] = []
        self._made: dict[tuple[object, ...], Text] = {}
        """Each shown note's line by what it is made of: a seat's note reloads the log, and the
        other 199 lines need not be made again (a date parsed, a zone converted each)."""
        self._wrapped: dict[int, tuple[Text, list[Strip]]] = {}
        """Each shown note's screen lines at ``_wrap_width``, by the identity of its ``Text`` (held
        with them, so that no later ``Text`` can take a freed one's identity and its lines)."""
        self._wrap_width = 0
        self._strips: list[Strip] = []
        self._drawn: dict[int, Strip] = {}
        """Screen lines as drawn (cropped to the width, in the panel's style), by their number: the
        screen asks for every visible line at each frame, and the notes change far less often."""

    def show_notes(self, programme: Programme, notes: list[Note], sending: list[Note] | None = None) -> None:
        """Show exactly these notes (after an edit or a deletion), then a seat's unsent ones."""
        made: dict[tuple[object, ...], Text] = {}
        lines = [self._line(programme, note, False, made) for note in notes[-self.max_notes:]]
        lines += [self._line(programme, note, True, made) for note in sending or []]
        self._made = made  # only what is shown now: edited and deleted notes' lines go
        self._shown = lines[-self.max_notes:]
        self._redraw()

    def add_note(self, programme: Programme, note: Note, *, sending: bool = False) -> None:
        """``sending``: typed on this seat, in its outbox, not yet acknowledged by the host."""
        self._shown = [*self._shown, self._line(programme, note, sending, self._made)][-self.max_notes:]
        if len(self._made) > 2 * self.max_notes:  # keep the lines of the notes shown, not of every note added
            shown = {id(line) for line in self._shown}
            self._made = {key: line for key, line in self._made.items() if id(line) in shown}
        self._redraw()

    def _line(self, programme: Programme, note: Note, sending: bool, made: dict[tuple[object, ...], Text]) -> Text:
        """``note_line``, or the same line made before: keyed by everything ``note_line`` reads."""
        key = (note.wall, note.level, note.kind, note.group, note.group_segment, note.speaker, note.text,
               note.author, note.after_end, sending)
        line = self._made.get(key) or made.get(key)
        if line is None:
            line = note_line(programme, note, sending=sending, tr=self.tr)
        made[key] = line
        return line

    def _redraw(self) -> None:
        """Wrap what is new (every note when the width changed), then show the end of the log."""
        width = self.scrollable_content_region.width
        if width <= 0:  # not laid out yet: the first resize draws them
            return
        if width != self._wrap_width:
            self._wrapped, self._wrap_width = {}, width
        options = self.app.console.options.update_width(width)
        wrapped: dict[int, tuple[Text, list[Strip]]] = {}
        strips: list[Strip] = []
        for text in self._shown:
            kept = self._wrapped.get(id(text))
            lines = kept[1] if kept is not None and kept[0] is text else \
                [Strip(line) for line in self.app.console.render_lines(text, options, pad=False)]
            wrapped[id(text)] = (text, lines)
            strips.extend(lines)
        self._wrapped, self._strips, self._drawn = wrapped, strips, {}
        self.virtual_size = Size(width, len(strips))
        self.refresh()
        self.call_after_refresh(self.scroll_end, animate=False)

    def on_resize(self, _: events.Resize) -> None:
        self._redraw()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._drawn = {}

    def render_line(self, y: int) -> Strip:
        number = self.scroll_offset.y + y
        drawn = self._drawn.get(number)
        if drawn is None:
            width, style = self.scrollable_content_region.width, self.rich_style
            line = self._strips[number] if number < len(self._strips) else Strip.blank(0)
            drawn = self._drawn[number] = line.crop_extend(0, width, style).apply_style(style)
        return drawn

    @property
    def lines(self) -> list[Strip]:
        """The notes as they are drawn now, one ``Strip`` a screen line, at the panel's width."""
        return list(self._strips)


def note_line(programme: Programme, note: Note, *, sending: bool = False, tr: Translate = _english) -> Text:
    """One note as the panel shows it: ``18:42 ! Young Kim: text``, indented by its level; ``tr``
    gives its few words of the console's own in the session's language."""
    wall = pendulum.parse(note.wall)
    assert isinstance(wall, pendulum.DateTime), "the journal writes each note's wall time as a date and time"
    when = wall.in_timezone(zone(programme.session.timezone)).format("HH:mm")
    line = Text()
    line.append("  " * note.level)
    line.append(f"{when} ", style="dim")
    line.append(f"{NOTE_KIND_MARKS.get(note.kind, '•')} ", style="bold")
    who = note_owner(programme, note)
    if who:
        line.append(f"{visible(who)}: ", style="bold")
    line.append(visible(note.text, keep_newlines=True))
    if note.author:
        line.append(f" — {visible(note.author)}", style="dim italic")
    if note.after_end:
        line.append(" " + tr("(after the end)"), style="dim italic")
    if sending:
        line.append(" · " + tr("sending"), style="dim")
    return line


def note_owner(programme: Programme, note: Note) -> str:
    """Who or which group a note is about, as the console names them."""
    if note.group is not None and note.group_segment is not None and note.group_segment < len(programme.segments):
        groups = programme.segments[note.group_segment].groups
        name = groups[note.group] if note.group < len(groups) else ""
        return f"G{note.group + 1} {name}".strip()
    return speaker_name(programme, note.speaker)
