"""The session engine: commands in, durable events out, state and timing derived.

Every command becomes one event; the event is written to the journal (and fsync'd) before
it changes the state, so whatever the caller was told happened is on disk. Time is read
only from the injected clock, on the session axis ``t``: seconds since the journal was
opened, continued across restarts from the wall-clock gap (the minutes a laptop spent
rebooting really passed in the room).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import pendulum

from moderator.problems import ModeratorError, Words
from moderator.programme import Programme
from moderator.session import events as ev
from moderator.session.chat import SegmentLocator, chat_kind
from moderator.session.clock import Clock, parse_wall
from moderator.session.events import Event, NoteKind, clean_text
from moderator.session.journal import Journal
from moderator.session.notes import MODERATOR_ID, NoteError, parse_note, participants_count
from moderator.session.snapshot import Snapshot, TimelineMemo, remaining_seconds, take_snapshot
from moderator.session.state import Note, State, Status, apply, new_state

if TYPE_CHECKING:
    from moderator.session.transcript import PlacedCue
    from moderator.session.zoom_chat import DatedChatMessage

Listener = Callable[[Event, State], None]
E = TypeVar("E", bound=Event)


SLEEP_WORTH_SAYING = 2.0
"""Seconds of suspension below which nothing is said: not a sleep a person noticed."""


class CommandRefused(ModeratorError):
    """The command makes no sense now (pausing before the start, next after the last...)."""


class _WouldEmit(Exception):  # not an error: how ``Engine.check`` stops a command short
    """Raised by ``_emit`` inside ``Engine.check``: the event the command would have made."""

    def __init__(self, event: Event) -> None:
        super().__init__(type(event).__name__)
        self.event = event


@dataclass(frozen=True)
class Origin:
    """Who asked for the commands being run: a remote seat's command id, seat and author name.
    The events they produce carry the command id (so a resent command is applied once); a note,
    its corrections and its deletion record the seat and author that made them."""

    command_id: str
    seat: str | None = None
    author: str | None = None


class Engine:
    def __init__(self, programme: Programme, clock: Clock, journal: Journal | None,
                 state: State, t_offset: float, history: list[Event] | None = None) -> None:
        """Use ``Engine.create`` or ``Engine.resume``; this wires already-consistent parts."""
        self.programme = programme
        self.clock = clock
        self.journal = journal
        self.state = state
        self.history: list[Event] = history if history is not None else []
        """Every event of the journal, in order: an event's position here is its ``seq`` for seats."""
        self._t_offset = t_offset
        self._listeners: list[Listener] = []
        self._origin: Origin | None = None
        self._checking = False
        self._timeline = TimelineMemo()
        """The timeline laid for this engine's snapshots (its console asks once a second)."""

    # ------------------------------------------------------------------ construction

    @classmethod
    def create(cls, programme: Programme, clock: Clock, journal: Journal | None, *,
               mode: str = "live", programme_location: str | None = None) -> Engine:
        """Begin a new journal; ``programme_location`` (an absolute path) lets ``report`` find it."""
        engine = cls(programme, clock, journal, new_state(len(programme.segments)), -clock.monotonic())
        engine._emit(ev.Opened(programme=programme_location or programme.path, sha256=programme.sha256,
                               mode=mode, segments=len(programme.segments), title=programme.session.title))
        return engine

    @classmethod
    def reopen(cls, programme: Programme, clock: Clock, journal: Journal | None,
               events: Iterable[Event], *, replayed: State | None = None) -> tuple[Engine, list[str]]:
        """Continue a journal: replay it (unless the caller did already: ``replayed``, the state
        of exactly ``events``, which the engine then owns), then count the time since its last
        event as elapsed."""
        history = list(events)
        state = replayed if replayed is not None else replay_state(programme, history)
        warnings: list[str] = []
        gap = max(0.0, (clock.now() - parse_wall(state.last_wall)).total_seconds()) if state.last_wall else 0.0
        now_t = state.last_t + gap
        engine = cls(programme, clock, journal, state, now_t - clock.monotonic(), history)
        changed = bool(state.programme_sha256) and state.programme_sha256 != programme.sha256
        if changed:
            warnings.append(Words("the programme changed since this session began; resuming by segment number"))
        engine._emit(ev.Reopened(gap=round(gap, 3), sha256=programme.sha256, programme_changed=changed,
                                 segments=len(programme.segments)))
        if state.current is not None and state.current >= len(programme.segments):
            engine._change_segment(ev.Moved(segment=len(programme.segments) - 1))
        return engine, warnings

    @classmethod
    def after_the_fact(cls, programme: Programme, journal: Journal | None, events: Iterable[Event]) -> Engine:
        """An engine that adds to a journal after the session (``moderator chat``): its clock stands
        still at the journal's last event, so what it adds moves neither the timing nor "now"."""
        state = replay_state(programme, events)
        clock = _StoppedClock(parse_wall(state.last_wall) if state.last_wall else pendulum.now("UTC"))
        return cls(programme, clock, journal, state, state.last_t)

    # ------------------------------------------------------------------ time

    def notice_sleep(self) -> float:
        """If the computer slept since last asked, journal it (the countdown already counted it,
        the clock reads boot time) and return how long; 0 otherwise. Short blips are not sleep."""
        slept = self.clock.take_suspended()
        if slept < SLEEP_WORTH_SAYING:
            return 0.0
        self._emit(ev.Slept(seconds=round(slept, 3)))
        return slept

    def now_t(self) -> float:
        return self.clock.monotonic() + self._t_offset

    def remaining(self) -> float:
        """Seconds left in the current segment (negative in overtime), from the clock."""
        return remaining_seconds(self.programme, self.state, self.now_t())

    def snapshot(self) -> Snapshot:
        return take_snapshot(self.programme, self.state, self.now_t(), self.clock.now(), self._timeline)

    # ------------------------------------------------------------------ listeners

    def subscribe(self, listener: Listener) -> None:
        """Called after each event is durable and applied (the live report listens here)."""
        self._listeners.append(listener)

    @contextlib.contextmanager
    def acting_for(self, origin: Origin) -> Iterator[None]:
        """Run commands on behalf of a remote seat: their events carry its command id (and a note its
        seat and author)."""
        self._origin = origin
        try:
            yield
        finally:
            self._origin = None

    def check(self, command: Callable[[], object]) -> Event | None:
        """What ``command`` would do now, without doing it: the event it would make (None if it
        would make none), or its refusal raised (``CommandRefused``, ``NoteError``) with the words
        the command itself uses. Nothing is journaled, applied or told. A seat checks here, over
        its copy of the host's state, before it sends a command to the host."""
        self._checking = True
        try:
            command()
        except _WouldEmit as would:
            return would.event
        finally:
            self._checking = False
        return None

    def follow(self, event: Event) -> None:
        """Apply an event another engine made durable (the host's, on a seat): the same reducer,
        the same history, the same listeners as an event made here."""
        apply(self.state, event)
        self.history.append(event)
        for listener in self._listeners:
            listener(event, self.state)

    def take_notices(self) -> list[str]:
        """What the journal has to say since last asked (recreated, continued elsewhere...)."""
        return self.journal.take_notices() if self.journal is not None else []

    def status_line(self, language: str = "en") -> str:
        """Nothing to say at the host's keyboard: the journal is here (a seat says its connection)."""
        return ""

    def may(self, command: str) -> bool:
        """At the host's keyboard the moderator may do everything."""
        return True

    def pending_notes(self) -> list[Note]:
        """Notes typed here that are not in the journal yet: none, a note is on disk when typed."""
        return []

    def _emit(self, event: E, at_t: float | None = None) -> E:
        """Stamp ``event`` with the clock, make it durable, then apply it and tell the listeners.

        ``at_t``: the moment (on the session axis, not after now) the event happened, when the
        engine learns of it late: a segment whose time ran out a second ago, or during a restart."""
        now_t = self.now_t()
        happened = now_t if at_t is None else min(at_t, now_t)
        t = max(round(happened, 3), self.state.last_t)
        wall = self.clock.now().add(microseconds=-round((now_t - t) * 1_000_000)) if at_t is not None \
            else self.clock.now()
        event = dataclasses.replace(event, t=t, wall=wall.isoformat())
        if self._checking:
            raise _WouldEmit(event)
        origin = self._origin
        if origin is not None:
            event = dataclasses.replace(event, command_id=origin.command_id)
            if isinstance(event, ev.NoteAdded | ev.NoteEdited | ev.NoteDeleted):
                # who wrote, corrected or deleted a note is the host's to say (the seat it knows)
                event = dataclasses.replace(event, seat=origin.seat, author=origin.author)
        if self.journal is not None:
            self.journal.append(event)
        apply(self.state, event)
        self.history.append(event)
        for listener in self._listeners:
            listener(event, self.state)
        return event

    # ------------------------------------------------------------------ timer commands

    @property
    def status(self) -> Status:
        return self.state.status

    def start(self, segment: int = 0) -> None:
        if self.status is not Status.NOT_STARTED:
            raise CommandRefused("the session has already started")
        self._check_index(segment)
        self._change_segment(ev.Started(segment=segment))

    def pause(self) -> None:
        if self.status is not Status.RUNNING:
            raise CommandRefused("the timer is not running")
        self._emit(ev.Paused(segment=self.state.current))

    def resume(self) -> None:
        if self.status is not Status.PAUSED:
            raise CommandRefused("the timer is not paused")
        self._emit(ev.Resumed(segment=self.state.current))

    def toggle(self) -> str:
        """Space bar: start, pause or resume, whichever applies. Returns what it did."""
        if self.status is Status.NOT_STARTED:
            self.start()
            return "started"
        if self.status is Status.RUNNING:
            self.pause()
            return "paused"
        if self.status is Status.PAUSED:
            self.resume()
            return "resumed"
        raise CommandRefused("the session has ended")

    def next(self) -> None:
        if self.status is Status.NOT_STARTED:
            raise CommandRefused("the session has not started: press space to start")
        current = self._current()
        if current + 1 >= len(self.programme.segments):
            raise CommandRefused("this is the last segment: end the session to finish")
        self._change_segment(ev.Moved(segment=current + 1, via="next"))

    def previous(self) -> None:
        current = self._current()
        if current == 0:
            raise CommandRefused("this is the first segment")
        self._change_segment(ev.Moved(segment=current - 1, via="previous"))

    def goto(self, segment: int) -> None:
        self._check_index(segment)
        if self.status is Status.NOT_STARTED:
            self._change_segment(ev.Started(segment=segment))
            return
        if segment == self._current():
            raise CommandRefused("that segment is already running")
        self._change_segment(ev.Moved(segment=segment, via="goto"))

    def adjust(self, seconds: int) -> None:
        """Give the current segment more (or less) time: ``+`` and ``-`` in the console.

        Time is taken off only down to what the segment has already used (a segment's time is
        never less than its time so far, let alone negative): fewer seconds than asked may come off."""
        if seconds == 0:
            raise CommandRefused("nothing to adjust")
        current = self._current()
        if seconds < 0:
            # To the millisecond, as the journal keeps times: the clock's float noise (60 s less
            # 2e-13) must not make the whole seconds left one fewer.
            left = math.floor(round(max(0.0, self.remaining()), 3))
            if left <= 0:
                raise CommandRefused("no time left to take off this segment")
            seconds = max(int(seconds), -left)
        self._emit(ev.Adjusted(segment=current, seconds=int(seconds)))

    def end(self) -> None:
        if self.status is Status.ENDED:
            raise CommandRefused("the session has already ended")
        if self.status is Status.NOT_STARTED:
            raise CommandRefused("the session has not started")
        self._change_segment(ev.Ended(segment=self.state.current))

    def _change_segment(self, change: ev.Started | ev.Moved | ev.Ended, at_t: float | None = None) -> None:
        """A new segment (or the end): what the stage showed the speaker who leaves goes with them,
        first: the message (unless the moderator kept it for the next speaker; at the end, even
        then) and the flash. Each is a journal event, so a restart finds the stage as it was left."""
        message = self.state.stage_message
        if message is not None and (not message.keep or isinstance(change, ev.Ended)):
            self._emit(ev.MessageCleared(segment=self.state.current, via=ev.SEGMENT_CHANGED), at_t)
        if self.state.flash:
            self._emit(ev.FlashSet(on=False, segment=self.state.current, via=ev.SEGMENT_CHANGED), at_t)
        self._emit(change, at_t)

    def flow(self) -> Event | None:
        """When the session flows (``[session] flow``) and the current segment's time is up: move on
        to the next segment, or end the session after the last; the event says ``via="flow"`` and
        is dated when the time ran out, however late this is called (a second later, or after a
        restart: then as many segments as ran out meanwhile). Returns the last event made, if any.

        The console calls this on its clock's tick; what happens is decided here, from the clock.
        A segment flows on only if it had time left when it was entered: one gone back to after its
        time was used up is the moderator's, until they move on."""
        made: Event | None = None
        for _ in range(len(self.programme.segments) + 1):
            state = self.state
            current = state.current
            if state.status is not Status.RUNNING or current is None or current >= len(self.programme.segments):
                break
            segment = self.programme.segments[current]
            actual = state.segments[current]
            allowed = segment.duration + actual.added
            if not self.programme.moves_on_by_itself(segment) or actual.spent_before_visit >= allowed:
                break
            now_t = self.now_t()
            remaining = remaining_seconds(self.programme, state, now_t)
            if remaining > 0:
                break
            ran_out = now_t + remaining
            if current + 1 >= len(self.programme.segments):
                self._change_segment(ev.Ended(segment=current, via=ev.FLOW), ran_out)
                made = self.history[-1]
                break
            self._change_segment(ev.Moved(segment=current + 1, via=ev.FLOW), ran_out)
            made = self.history[-1]
        return made

    def _current(self) -> int:
        if self.status is Status.ENDED:
            raise CommandRefused("the session has ended")
        if self.state.current is None:
            raise CommandRefused("the session has not started")
        return self.state.current

    def _check_index(self, segment: int) -> None:
        if not 0 <= segment < len(self.programme.segments):
            raise CommandRefused("there is no segment {n}", n=segment + 1)
        if self.status is Status.ENDED:
            raise CommandRefused("the session has ended")

    # ------------------------------------------------------------------ notes and marks

    def log_entry(self, raw: str) -> Note | int:
        """What the note box sends: a note (returned), or ``participants: 42`` (recorded; the count
        returned, so the console confirms the number typed)."""
        count = participants_count(raw)
        if count is not None:
            self.set_participants(count)
            return count
        return self.add_note(raw)

    def add_note(self, raw: str, *, kind: NoteKind | str | None = None, speaker: str | None = None) -> Note:
        """Log what the rapporteur typed; prefixes and ``@name`` in ``raw`` are understood
        (``moderator.session.notes``). The text after the markers is kept as it was typed."""
        return self._add_note(raw, kind, speaker, None)

    def log_entry_typed_in(self, raw: str, typed_in: int | None) -> Note | None:
        """``log_entry`` for a note typed while segment ``typed_in`` ran (0-based) and arriving later (a
        seat that was offline while the moderator moved on): it lands in that segment, under its
        speaker, as if it had arrived at once. Only a segment already reached counts; otherwise, and
        for ``None``, the note lands where ``log_entry`` puts it."""
        count = participants_count(raw)
        if count is not None:
            self.set_participants(count)
            return None
        return self._add_note(raw, None, None, typed_in)

    def _typed_segment(self, typed_in: int | None) -> int | None:
        current = self.state.current
        if typed_in is None or current is None or typed_in == current or self.status is Status.ENDED:
            return current
        if 0 <= typed_in < len(self.state.segments) and self.state.segments[typed_in].visited:
            return typed_in
        return current

    def _add_note(self, raw: str, kind: NoteKind | str | None, speaker: str | None, typed_in: int | None) -> Note:
        segment = self._typed_segment(typed_in)
        here = segment == self.state.current
        groups, group_segment = self.current_groups() if here else self._groups_at(segment)
        parsed = parse_note(clean_text(raw), self.programme, groups)
        if parsed.participants is not None:
            raise NoteError("that is the number of participants, not a note")
        try:
            chosen_kind = NoteKind(kind) if kind is not None else parsed.kind
        except ValueError:
            raise NoteError("unknown note kind {kind}", kind=repr(kind)) from None
        note_id = self.state.next_note_id
        in_group = parsed.group is not None
        self._emit(ev.NoteAdded(
            id=note_id, text=parsed.text, kind=chosen_kind, segment=segment,
            speaker=None if in_group else (speaker or parsed.speaker_id or self.default_speaker(segment)),
            question=self.state.current_question if here else None, level=parsed.level or None,
            group=parsed.group, group_segment=group_segment if in_group else None,
        ))
        return self.state.notes[note_id]

    def default_speaker(self, at: int | None = None) -> str | None:
        """Who a note is about when it names nobody: the speaker on stage (or of segment ``at``),
        else the moderator during introductions, else nobody (a discussion note belongs to its
        question, a shared slot's note to the slot, every speaker in it)."""
        index = self.state.current if at is None else at
        if index is None or index >= len(self.programme.segments):
            return None
        segment = self.programme.segments[index]
        if len(segment.speaker_ids) == 1:
            return segment.speaker_ids[0]
        if segment.kind == "intro" and not segment.speaker_ids:
            return MODERATOR_ID
        return None

    def current_groups(self) -> tuple[tuple[str, ...], int | None]:
        """The break-out groups ``@g1``… may name now, and their segment: during a break-out
        and the segment that follows it (where groups report back)."""
        if self.status is Status.ENDED:
            return (), None
        return self._groups_at(self.state.current)

    def edit_note(self, note_id: int, raw: str) -> Note:
        """Correct any note: its text, kind, level and who it is about, as typed again."""
        note = self._note(note_id)
        groups, group_segment = self._groups_at(note.segment)
        parsed = parse_note(clean_text(raw), self.programme, groups)
        if parsed.participants is not None:
            raise NoteError("a note cannot become the number of participants; delete it instead")
        changes_kind = parsed.kind is not NoteKind.NOTE or note.kind is not NoteKind.NOTE
        self._emit(ev.NoteEdited(
            id=note_id, text=parsed.text, kind=parsed.kind if changes_kind else None, speaker=parsed.speaker_id,
            level=parsed.level if parsed.level != note.level else None,
            group=parsed.group, group_segment=group_segment if parsed.group is not None else None,
        ))
        return note

    def _groups_at(self, segment: int | None) -> tuple[tuple[str, ...], int | None]:
        """The groups of ``segment`` if it is a break-out, else of the break-out just before it."""
        if segment is None:
            return (), None
        for index in (segment, segment - 1):
            if 0 <= index < len(self.programme.segments):
                found = self.programme.segments[index]
                if found.kind == "breakout" and found.groups:
                    return found.groups, index
        return (), None

    def delete_note(self, note_id: int) -> None:
        self._note(note_id)
        self._emit(ev.NoteDeleted(id=note_id))

    def own_notes(self) -> list[Note]:
        """The notes this console may correct or delete: at the host's keyboard, all of them."""
        return self.state.visible_notes()

    def _note(self, note_id: int) -> Note:
        note = self.state.notes.get(note_id)
        if note is None or note.deleted:
            raise CommandRefused("there is no note {id}", id=note_id)
        return note

    def current_rounds(self) -> tuple[str, ...]:
        if self.state.current is None or self.state.current >= len(self.programme.segments):
            return ()
        return self.programme.segments[self.state.current].round_ids

    def ask_question(self, round_id: str, index: int) -> None:
        try:
            round_ = self.programme.round(round_id)
        except KeyError:
            raise CommandRefused("there is no round {round}", round=repr(round_id)) from None
        if not 0 <= index < len(round_.questions):
            raise CommandRefused("{round} has no question {n}", round=round_.title, n=index + 1)
        self._emit(ev.QuestionAsked(round=round_id, index=index, segment=self.state.current))

    def unask_question(self, round_id: str, index: int) -> None:
        if (round_id, index) not in self.state.asked:
            raise CommandRefused("that question was not marked as asked")
        self._emit(ev.QuestionUnasked(round=round_id, index=index))

    def ask_next_question(self) -> tuple[str, int]:
        """Mark the first unasked question of the current discussion's rounds as asked."""
        self._current()  # refuses before the start and after the end, with the reason
        if not self.current_rounds():
            raise CommandRefused("no guiding questions belong to this segment")
        following = next_unasked_question(self.programme, self.state)
        if following is None:
            raise CommandRefused("every question of this segment has been asked")
        self.ask_question(*following)
        return following

    def tick_cue(self, segment: int, cue: int, done: bool = True) -> None:
        cues = self.programme.segments[segment].cues if 0 <= segment < len(self.programme.segments) else ()
        if not 0 <= cue < len(cues):
            raise CommandRefused("there is no such cue")
        self._emit(ev.CueTicked(segment=segment, cue=cue, done=done))

    # ------------------------------------------------------------------ signals to the speaker

    def show_message(self, text: str, *, keep: bool = False) -> None:
        """Put a message on the speaker's stage view ("2 minutes left", "Please wrap up"). It leaves
        with the speaker (cleared when the segment changes) unless ``keep``: for the next speaker too."""
        cleaned = " ".join(clean_text(text).split())
        if not cleaned:
            raise CommandRefused("the message is empty")
        if len(cleaned) > ev.MAX_STAGE_MESSAGE:
            raise CommandRefused("a message to the speaker has at most {n} characters", n=ev.MAX_STAGE_MESSAGE)
        self._emit(ev.MessageShown(text=cleaned, segment=self.state.current, keep=True if keep else None))

    def clear_message(self) -> None:
        if self.state.stage_message is None:
            raise CommandRefused("no message is on stage")
        self._emit(ev.MessageCleared(segment=self.state.current))

    def set_flash(self, on: bool) -> None:
        if self.state.flash == on:
            raise CommandRefused("the stage is already flashing" if on else "the stage is not flashing")
        self._emit(ev.FlashSet(on=on, segment=self.state.current))

    def set_blackout(self, on: bool) -> None:
        if self.state.blackout == on:
            raise CommandRefused("the stage is already black" if on else "the stage is not black")
        self._emit(ev.BlackoutSet(on=on, segment=self.state.current))

    def add_chat_messages(self, messages: Iterable[DatedChatMessage]) -> int:
        """Add the chat's messages to everyone that the journal does not hold yet; how many were new.

        Each is placed in the segment running when it was written, and is a question if it asks one.
        The journal is made durable once, after the last (``Journal.batch``): an import of 100,000
        messages is one fsync, and the command speaks only after it.
        """
        added = 0
        locator = SegmentLocator(self.state.timeline)
        with self._batch():
            for dated in messages:
                message = dated.message
                if message.fingerprint in self.state.chat_fingerprints:
                    continue
                at = dated.wall.astimezone(dt.UTC)
                self._emit(ev.ChatMessageAdded(
                    sender=clean_text(message.sender)[:ev.MAX_SHORT_TEXT],
                    text=clean_text(message.text)[:ev.MAX_TEXT],
                    at=at.isoformat(), fingerprint=message.fingerprint,
                    kind=chat_kind(message.text), segment=locator.at(at),
                    reply_to=clean_text(message.reply_to)[:ev.MAX_TEXT] if message.reply_to else None,
                ))
                added += 1
        return added

    def remove_chat_messages(self, fingerprints: Iterable[str]) -> int:
        """Take the journal's messages with these fingerprints back out (``chat --replace``); how many."""
        removed = 0
        with self._batch():
            for fingerprint in fingerprints:
                if fingerprint in self.state.chat_fingerprints:
                    self._emit(ev.ChatMessageRemoved(fingerprint=fingerprint))
                    removed += 1
        return removed

    def add_transcript(self, cues: Iterable[PlacedCue]) -> int:
        """Add the transcript's cues the journal does not hold yet, each in the segment running then."""
        added = 0
        locator = SegmentLocator(self.state.timeline)
        with self._batch():
            for placed in cues:
                cue = placed.cue
                if cue.fingerprint in self.state.transcript_fingerprints:
                    continue
                at = placed.at.astimezone(dt.UTC)
                self._emit(ev.TranscriptLine(
                    text=clean_text(cue.text)[:ev.MAX_TEXT], at=pendulum.instance(at).isoformat(),
                    until=pendulum.instance(placed.until.astimezone(dt.UTC)).isoformat(),
                    fingerprint=cue.fingerprint, name=clean_text(cue.name)[:ev.MAX_SHORT_TEXT] if cue.name else None,
                    speaker=placed.person, segment=locator.at(at),
                ))
                added += 1
        return added

    @contextlib.contextmanager
    def _batch(self) -> Iterator[None]:
        """Events emitted inside are made durable together, when it ends (one fsync)."""
        if self.journal is None:
            yield
            return
        with self.journal.batch():
            yield

    def add_webinar(self, questions: Iterable[tuple[ev.WebinarQuestion, dt.datetime | None]],
                    polls: Iterable[tuple[ev.PollResult, dt.datetime | None]]) -> tuple[int, int]:
        """Add a webinar's Q&A questions and poll results (each placed in the segment running at its time)
        that the journal does not hold yet; how many of each were new."""
        locator = SegmentLocator(self.state.timeline)
        added = [0, 0]
        with self._batch():
            for question, at in questions:
                if question.fingerprint not in self.state.webinar_fingerprints:
                    self._emit(dataclasses.replace(question, segment=locator.at(at) if at else None))
                    added[0] += 1
            for poll, at in polls:
                known = self.state.polls.get((poll.poll, poll.question))
                if known is None or known.fingerprint != poll.fingerprint:
                    self._emit(dataclasses.replace(poll, segment=locator.at(at) if at else None))
                    added[1] += 1
        return added[0], added[1]

    def record(self, event: E) -> E:
        """Journal an event made by a tool working on the finished session (the review,
        ``moderator.session.review``), through the same path as every command."""
        return self._emit(event)

    def set_participants(self, count: int) -> None:
        if count < 0:
            raise CommandRefused("the number of participants cannot be negative")
        self._emit(ev.ParticipantsSet(count=int(count)))


class _StoppedClock:
    """A clock that reads one instant forever: adding to a finished journal takes no session time."""

    def __init__(self, wall: pendulum.DateTime) -> None:
        self._wall = wall

    def monotonic(self) -> float:
        return 0.0

    def now(self) -> pendulum.DateTime:
        return self._wall

    def take_suspended(self) -> float:
        return 0.0


def next_unasked_question(programme: Programme, state: State) -> tuple[str, int] | None:
    """The question a moderator should ask next in the current segment, if it has any."""
    if state.current is None or state.status is Status.ENDED or state.current >= len(programme.segments):
        return None
    for round_id in programme.segments[state.current].round_ids:
        for index, _ in enumerate(programme.round(round_id).questions):
            if (round_id, index) not in state.asked:
                return round_id, index
    return None


def replay_state(programme: Programme, events: Iterable[Event]) -> State:
    """Rebuild the state a journal describes, by the same ``apply`` the live engine used."""
    state = new_state(len(programme.segments))
    for event in events:
        apply(state, event)
    return state
