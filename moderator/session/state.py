"""The session's state, and the one function that changes it: ``apply(state, event)``.

The engine and ``replay`` both build state only by applying journal events in order, so
a replayed journal gives exactly the state the live session had: same code, same input.
Times are on the session axis ``t``: seconds since the journal was opened, carried over
restarts (see ``engine``), so that durations never depend on the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TypeVar, assert_never

from moderator.session import events as ev
from moderator.session.events import Event, NoteKind


class Status(StrEnum):
    NOT_STARTED = "not_started"
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"


@dataclass
class SegmentActual:
    """What really happened to one planned segment (possibly over several visits)."""

    first_started_t: float | None = None
    first_started_wall: str | None = None
    last_left_t: float | None = None
    last_left_wall: str | None = None
    spent: float = 0.0
    """Seconds of running time in closed stretches (pauses excluded)."""
    added: int = 0
    pauses: int = 0
    paused_seconds: float = 0.0
    visits: int = 0
    spent_before_visit: float = 0.0
    """``spent`` when the segment was last entered: whether it still had time then (the session
    flows on from a segment only when its time runs out during the visit, not on re-entering
    one already used up)."""

    @property
    def visited(self) -> bool:
        return self.visits > 0


@dataclass(frozen=True)
class NoteChange:
    """One correction or deletion of a note, and who made it (``seat`` None: the host's console)."""

    deleted: bool
    seat: str | None
    author: str | None
    wall: str


@dataclass
class Note:
    id: int
    text: str
    kind: NoteKind
    segment: int | None
    speaker: str | None
    question: tuple[str, int] | None
    t: float
    wall: str
    level: int = 0
    """0 a point, 1 a sub-point, 2 a sub-sub-point (of the note before it in the same place)."""
    group: int | None = None
    group_segment: int | None = None
    after_end: bool = False
    """Typed after the session was ended: the report shows it apart, as such."""
    edited: bool = False
    deleted: bool = False
    seat: str | None = None
    author: str | None = None
    changes: list[NoteChange] = field(default_factory=list)
    """Every correction and deletion, in order, each with who made it."""
    position: float | None = None
    """Where the review put it among its place's notes (``None``: by id)."""
    with_person: bool = False
    """The review gave it to its speaker: it goes with their presentation, whatever segment it was typed in."""

    @property
    def order(self) -> float:
        return self.position if self.position is not None else float(self.id)


@dataclass
class ChatEntry:
    """A message to everyone from the Zoom chat: who wrote what, when, and in which segment."""

    number: int
    """1, 2, 3... in the order they were added to the journal."""
    sender: str
    text: str
    kind: NoteKind
    """``question`` (an audience question) or ``note`` (any other message to everyone)."""
    at: str
    """When the participant wrote it (ISO, UTC)."""
    segment: int | None
    reply_to: str | None
    fingerprint: str
    removed: bool = False
    """Taken back out (``chat --replace``): left out of every report."""


@dataclass
class TranscriptEntry:
    """One line of the recording's transcript: who said it (the programme's id, and the name as written)."""

    number: int
    name: str | None
    speaker: str | None
    text: str
    at: str
    until: str
    segment: int | None
    fingerprint: str


@dataclass
class WebinarEntry:
    """An audience question of the webinar's Q&A, and its answer."""

    asker: str
    text: str
    at: str | None
    answer: str | None
    answered_by: str | None
    live: bool
    segment: int | None
    fingerprint: str


@dataclass
class PollEntry:
    """One poll question and how many chose each answer."""

    poll: str
    question: str
    answers: tuple[tuple[str, int], ...]
    at: str | None
    segment: int | None
    fingerprint: str


@dataclass
class AskedQuestion:
    round_id: str
    index: int
    segment: int | None
    t: float
    wall: str


@dataclass
class StageSignal:
    """One signal to the speaker (a message shown or cleared, a flash, a blackout), for the report."""

    kind: str
    """The event's type: ``message_shown``, ``message_cleared``, ``flash`` or ``blackout``."""
    text: str | None
    on: bool
    segment: int | None
    t: float
    wall: str


@dataclass
class StageMessage:
    text: str
    id: int
    """The position of the event that showed it: a new message (even with the same words) has a new id."""
    t: float
    wall: str
    keep: bool = False
    """The moderator chose "keep for the next speaker": it stays through the next change of segment
    (and is then the next speaker's, leaving with them)."""


@dataclass
class State:
    programme_path: str = ""
    programme_sha256: str = ""
    mode: str = "live"
    status: Status = Status.NOT_STARTED
    current: int | None = None
    stretch_start_t: float | None = None
    pause_start_t: float | None = None
    started_t: float | None = None
    started_wall: str | None = None
    ended_t: float | None = None
    ended_wall: str | None = None
    segments: list[SegmentActual] = field(default_factory=list)
    notes: dict[int, Note] = field(default_factory=dict)
    asked: dict[tuple[str, int], AskedQuestion] = field(default_factory=dict)
    current_question: tuple[str, int] | None = None
    cues: dict[tuple[int, int], str] = field(default_factory=dict)
    """(segment, cue index) -> wall time it was ticked."""
    participants: int | None = None
    participants_wall: str | None = None
    chat: list[ChatEntry] = field(default_factory=list)
    chat_fingerprints: dict[str, ChatEntry] = field(default_factory=dict)
    """The messages in ``chat`` by fingerprint (the removed ones left out)."""
    transcript: list[TranscriptEntry] = field(default_factory=list)
    transcript_fingerprints: set[str] = field(default_factory=set)
    webinar_questions: list[WebinarEntry] = field(default_factory=list)
    webinar_fingerprints: set[str] = field(default_factory=set)
    polls: dict[tuple[str, str], PollEntry] = field(default_factory=dict)
    """(poll, question) -> its latest result."""
    review_texts: dict[str, str] = field(default_factory=dict)
    """The review's texts by key: ``summary:<person>``, ``key_messages``, ``way_forward``."""
    final: bool = False
    """The rapporteur marked the report final in the review."""
    timeline: list[tuple[str, int | None]] = field(default_factory=list)
    """(wall, segment entered) at every start and move, and (wall, None) at the end: which
    segment was running at a given moment (a chat message's, for one)."""
    last_t: float = 0.0
    last_wall: str = ""
    events: int = 0
    reopened: int = 0
    slept_seconds: float = 0.0
    """Time the computer spent suspended during the session (counted as elapsed)."""
    next_note_id: int = 1
    stage_message: StageMessage | None = None
    flash: bool = False
    blackout: bool = False
    stage_signals: list[StageSignal] = field(default_factory=list)
    applied_commands: dict[str, int] = field(default_factory=dict)
    """Remote command id -> the position (seq) of the event that applied it: a command resent after a
    reconnect or a host restart is acknowledged again, with this seq, and not applied twice."""

    def visible_notes(self) -> list[Note]:
        return [n for n in self.notes.values() if not n.deleted]

    def visible_chat(self) -> list[ChatEntry]:
        """The chat's messages, without those taken back out."""
        return [entry for entry in self.chat if not entry.removed]


_Record = TypeVar("_Record", Note, AskedQuestion)


def copy_state(state: State) -> State:
    """A copy that shares nothing ``apply`` changes: new containers, new segment and note records.

    What ``copy.deepcopy`` gives, for a fraction of its cost (milliseconds, not most of a second,
    at 20,000 notes): the records hold only immutable values (text, numbers, tuples)."""
    return replace(
        state,
        segments=[replace(actual) for actual in state.segments],
        notes={key: _copy_record(note) for key, note in state.notes.items()},
        asked={key: _copy_record(asked) for key, asked in state.asked.items()},
        cues=dict(state.cues),
    )


def _copy_record(record: _Record) -> _Record:
    copied = object.__new__(type(record))
    copied.__dict__.update(record.__dict__)
    return copied


def new_state(segment_count: int) -> State:
    return State(segments=[SegmentActual() for _ in range(segment_count)])


def apply(state: State, event: Event) -> None:
    """Change ``state`` by one journal event."""
    t, wall = event.t, event.wall
    match event:
        case ev.Opened():
            state.programme_path, state.programme_sha256, state.mode = event.programme, event.sha256, event.mode
        case ev.Reopened():
            state.reopened += 1
        case ev.Slept():
            state.slept_seconds += event.seconds
        case ev.Started():
            state.started_t, state.started_wall = t, wall
            _enter(state, event.segment, t, wall)
            state.timeline.append((wall, event.segment))
        case ev.Moved():
            _enter(state, event.segment, t, wall)
            state.timeline.append((wall, event.segment))
        case ev.Paused():
            _paused(state, t)
        case ev.Resumed():
            _close_stretch(state, t)
            state.status = Status.RUNNING
            state.stretch_start_t = t
        case ev.Adjusted():
            segment = event.segment if event.segment is not None else (state.current or 0)
            _actual(state, segment).added += event.seconds
        case ev.Ended():
            _ended(state, t, wall)
            state.timeline.append((wall, None))
        case ev.NoteAdded():
            _note_added(state, event)
        case ev.NoteEdited():
            _note_edited(state, event)
        case ev.NoteDeleted():
            note = state.notes.get(event.id)
            if note is not None:
                note.deleted = True
                note.changes.append(NoteChange(True, event.seat, event.author, wall))
        case ev.QuestionAsked():
            key = (event.round, event.index)
            state.asked[key] = AskedQuestion(key[0], key[1], state.current, t, wall)
            state.current_question = key
        case ev.QuestionUnasked():
            key = (event.round, event.index)
            state.asked.pop(key, None)
            if state.current_question == key:
                state.current_question = None
        case ev.CueTicked():
            if event.done:
                state.cues[(event.segment, event.cue)] = wall
            else:
                state.cues.pop((event.segment, event.cue), None)
        case ev.ParticipantsSet():
            state.participants = event.count
            state.participants_wall = wall
        case ev.MessageShown():
            state.stage_message = StageMessage(event.text, state.events + 1, t, wall, keep=bool(event.keep))
            _signal(state, event, event.text, True)
        case ev.MessageCleared():
            state.stage_message = None
            _signal(state, event, None, False)
        case ev.FlashSet():
            state.flash = event.on
            _signal(state, event, None, event.on)
        case ev.BlackoutSet():
            state.blackout = event.on
            _signal(state, event, None, event.on)
        case ev.ChatMessageAdded():
            _chat_message(state, event)
        case ev.ChatMessageRemoved():
            removed = state.chat_fingerprints.pop(event.fingerprint, None)
            if removed is not None:
                removed.removed = True
        case ev.TranscriptLine():
            _transcript_line(state, event)
        case ev.WebinarQuestion():
            if event.fingerprint not in state.webinar_fingerprints:
                state.webinar_fingerprints.add(event.fingerprint)
                state.webinar_questions.append(WebinarEntry(
                    event.asker, event.text, event.at, event.answer, event.answered_by, event.live, event.segment,
                    event.fingerprint))
        case ev.PollResult():
            state.polls[(event.poll, event.question)] = PollEntry(
                event.poll, event.question, poll_answers(event.results), event.at, event.segment, event.fingerprint)
        case ev.ReviewText():
            if event.text.strip():
                state.review_texts[event.key] = event.text
            else:
                state.review_texts.pop(event.key, None)
        case ev.ReportFinal():
            state.final = event.final
        case _:  # a new event type without its case here is a mypy error, not a silent no-op
            assert_never(event)
    if event.command_id is not None:
        state.applied_commands.setdefault(event.command_id, state.events)
    state.last_t = max(state.last_t, t)
    state.last_wall = wall
    state.events += 1


def _signal(state: State, event: ev.MessageShown | ev.MessageCleared | ev.FlashSet | ev.BlackoutSet,
            text: str | None, on: bool) -> None:
    segment = event.segment if event.segment is not None else state.current
    state.stage_signals.append(StageSignal(event.TYPE.value, text, on, segment, event.t, event.wall))


def _close_stretch(state: State, t: float) -> None:
    """Stop counting the current segment's running time (it may be resumed later)."""
    if state.current is None:
        return
    actual = state.segments[state.current]
    if state.status is Status.RUNNING and state.stretch_start_t is not None:
        actual.spent += max(0.0, t - state.stretch_start_t)
    if state.status is Status.PAUSED and state.pause_start_t is not None:
        actual.paused_seconds += max(0.0, t - state.pause_start_t)
    state.stretch_start_t = None
    state.pause_start_t = None


def _enter(state: State, index: int, t: float, wall: str) -> None:
    if state.current is not None:
        _close_stretch(state, t)
        left = state.segments[state.current]
        left.last_left_t, left.last_left_wall = t, wall
    state.current = index
    state.current_question = None
    if state.stage_message is not None and state.stage_message.keep:  # kept for this speaker: theirs now
        state.stage_message = replace(state.stage_message, keep=False)
    actual = _actual(state, index)
    if actual.first_started_t is None:
        actual.first_started_t, actual.first_started_wall = t, wall
    actual.visits += 1
    actual.spent_before_visit = actual.spent
    state.status = Status.RUNNING
    state.stretch_start_t = t


def _actual(state: State, index: int) -> SegmentActual:
    """The record of segment ``index``, grown on demand (a journal of a longer programme;
    ``events`` bounds the index, so this never grows without limit)."""
    while len(state.segments) <= index:
        state.segments.append(SegmentActual())
    return state.segments[index]


def _paused(state: State, t: float) -> None:
    _close_stretch(state, t)
    state.status = Status.PAUSED
    state.pause_start_t = t
    if state.current is not None:
        state.segments[state.current].pauses += 1


def _ended(state: State, t: float, wall: str) -> None:
    if state.current is not None:
        _close_stretch(state, t)
        left = state.segments[state.current]
        left.last_left_t, left.last_left_wall = t, wall
    state.status = Status.ENDED
    state.ended_t, state.ended_wall = t, wall


def _note_added(state: State, event: ev.NoteAdded) -> None:
    note = Note(
        id=event.id, text=event.text, kind=event.kind, segment=event.segment, speaker=event.speaker,
        question=event.question, t=event.t, wall=event.wall, level=event.level or 0,
        group=event.group, group_segment=event.group_segment,
        after_end=state.status is Status.ENDED and not event.reviewed,
        seat=event.seat, author=event.author,
    )
    state.notes[note.id] = note
    state.next_note_id = max(state.next_note_id, note.id + 1)


def _note_edited(state: State, event: ev.NoteEdited) -> None:
    note = state.notes.get(event.id)
    if note is None:
        return
    if event.text is not None:
        note.text = event.text
    if event.kind is not None:
        note.kind = event.kind
    if event.speaker is not None:  # a person named: the note is theirs, no group's
        note.speaker, note.group, note.group_segment = event.speaker or None, None, None
    if event.level is not None:
        note.level = event.level
    if event.group is not None:  # a group named: the note is the group's, nobody's
        note.speaker, note.group, note.group_segment = None, event.group, event.group_segment
    if event.detach:  # moved to a person: out of its guiding question and group, into their presentation
        note.question, note.group, note.group_segment, note.with_person = None, None, None, True
    if event.question is not None:
        note.question, note.group, note.group_segment, note.with_person = event.question, None, None, False
    if event.position is not None:
        note.position = event.position
    note.edited = True
    note.changes.append(NoteChange(False, event.seat, event.author, event.wall))


def _chat_message(state: State, event: ev.ChatMessageAdded) -> None:
    """Keep the first message with a given fingerprint: importing a chat twice adds nothing."""
    if event.fingerprint in state.chat_fingerprints:
        return
    entry = ChatEntry(
        number=len(state.chat) + 1, sender=event.sender, text=event.text, kind=event.kind, at=event.at,
        segment=event.segment, reply_to=event.reply_to, fingerprint=event.fingerprint,
    )
    state.chat_fingerprints[event.fingerprint] = entry
    state.chat.append(entry)


def poll_answers(results: str) -> tuple[tuple[str, int], ...]:
    """``count<TAB>answer`` lines (a ``poll_result``'s ``results``) as (answer, count) pairs."""
    pairs = []
    for line in results.splitlines():
        count, _, answer = line.partition("\t")
        if count.strip().isdigit() and answer:
            pairs.append((answer, int(count)))
    return tuple(pairs)


def _transcript_line(state: State, event: ev.TranscriptLine) -> None:
    """Keep the first line with a given fingerprint: importing a transcript twice adds nothing."""
    if event.fingerprint in state.transcript_fingerprints:
        return
    state.transcript_fingerprints.add(event.fingerprint)
    state.transcript.append(TranscriptEntry(
        number=len(state.transcript) + 1, name=event.name, speaker=event.speaker, text=event.text, at=event.at,
        until=event.until, segment=event.segment, fingerprint=event.fingerprint,
    ))
