"""The session's state, and the one function that changes it: ``apply(state, event)``.

The engine and ``replay`` both build state only by applying journal events in order, so
a replayed journal gives exactly the state the live session had: same code, same input.
Times are on the session axis ``t``: seconds since the journal was opened, carried over
restarts (see ``engine``), so that durations never depend on the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

Event = dict[str, Any]


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

    @property
    def visited(self) -> bool:
        return self.visits > 0


@dataclass
class Note:
    id: int
    text: str
    kind: str
    segment: int | None
    speaker: str | None
    question: tuple[str, int] | None
    t: float
    wall: str
    edited: bool = False
    deleted: bool = False


@dataclass
class AskedQuestion:
    round_id: str
    index: int
    segment: int | None
    t: float
    wall: str


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
    last_t: float = 0.0
    last_wall: str = ""
    events: int = 0
    reopened: int = 0
    next_note_id: int = 1

    def visible_notes(self) -> list[Note]:
        return [n for n in self.notes.values() if not n.deleted]


def new_state(segment_count: int) -> State:
    return State(segments=[SegmentActual() for _ in range(segment_count)])


def apply(state: State, event: Event) -> None:
    """Change ``state`` by one journal event. Unknown event types are ignored (newer journals)."""
    handler = _HANDLERS.get(event["type"])
    t = float(event["t"])
    wall = str(event["wall"])
    if handler is not None:
        handler(state, event, t, wall)
    state.last_t = max(state.last_t, t)
    state.last_wall = wall
    state.events += 1


def _opened(state: State, event: Event, t: float, wall: str) -> None:
    state.programme_path = event.get("programme", "")
    state.programme_sha256 = event.get("sha256", "")
    state.mode = event.get("mode", "live")


def _reopened(state: State, event: Event, t: float, wall: str) -> None:
    state.reopened += 1


def _close_stretch(state: State, t: float, wall: str) -> None:
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
        _close_stretch(state, t, wall)
        left = state.segments[state.current]
        left.last_left_t, left.last_left_wall = t, wall
    state.current = index
    state.current_question = None
    actual = _actual(state, index)
    if actual.first_started_t is None:
        actual.first_started_t, actual.first_started_wall = t, wall
    actual.visits += 1
    state.status = Status.RUNNING
    state.stretch_start_t = t


def _actual(state: State, index: int) -> SegmentActual:
    """The record of segment ``index``, grown on demand (a journal of a longer programme)."""
    while len(state.segments) <= index:
        state.segments.append(SegmentActual())
    return state.segments[index]


def _started(state: State, event: Event, t: float, wall: str) -> None:
    state.started_t, state.started_wall = t, wall
    _enter(state, int(event.get("segment", 0)), t, wall)


def _moved(state: State, event: Event, t: float, wall: str) -> None:
    _enter(state, int(event["segment"]), t, wall)


def _paused(state: State, event: Event, t: float, wall: str) -> None:
    _close_stretch(state, t, wall)
    state.status = Status.PAUSED
    state.pause_start_t = t
    if state.current is not None:
        state.segments[state.current].pauses += 1


def _resumed(state: State, event: Event, t: float, wall: str) -> None:
    _close_stretch(state, t, wall)
    state.status = Status.RUNNING
    state.stretch_start_t = t


def _adjusted(state: State, event: Event, t: float, wall: str) -> None:
    segment = int(event.get("segment", state.current if state.current is not None else 0))
    _actual(state, segment).added += int(event["seconds"])


def _ended(state: State, event: Event, t: float, wall: str) -> None:
    if state.current is not None:
        _close_stretch(state, t, wall)
        left = state.segments[state.current]
        left.last_left_t, left.last_left_wall = t, wall
    state.status = Status.ENDED
    state.ended_t, state.ended_wall = t, wall


def _note_added(state: State, event: Event, t: float, wall: str) -> None:
    question = event.get("question")
    note = Note(
        id=int(event["id"]), text=event["text"], kind=event.get("kind", "note"),
        segment=event.get("segment"), speaker=event.get("speaker"),
        question=(question[0], int(question[1])) if question else None, t=t, wall=wall,
    )
    state.notes[note.id] = note
    state.next_note_id = max(state.next_note_id, note.id + 1)


def _note_edited(state: State, event: Event, t: float, wall: str) -> None:
    note = state.notes.get(int(event["id"]))
    if note is None:
        return
    for key in ("text", "kind", "speaker"):
        if key in event:
            setattr(note, key, event[key])
    note.edited = True


def _note_deleted(state: State, event: Event, t: float, wall: str) -> None:
    note = state.notes.get(int(event["id"]))
    if note is not None:
        note.deleted = True


def _question_asked(state: State, event: Event, t: float, wall: str) -> None:
    key = (event["round"], int(event["index"]))
    state.asked[key] = AskedQuestion(key[0], key[1], state.current, t, wall)
    state.current_question = key


def _question_unasked(state: State, event: Event, t: float, wall: str) -> None:
    key = (event["round"], int(event["index"]))
    state.asked.pop(key, None)
    if state.current_question == key:
        state.current_question = None


def _cue_ticked(state: State, event: Event, t: float, wall: str) -> None:
    key = (int(event["segment"]), int(event["cue"]))
    if event.get("done", True):
        state.cues[key] = wall
    else:
        state.cues.pop(key, None)


def _participants(state: State, event: Event, t: float, wall: str) -> None:
    state.participants = int(event["count"])
    state.participants_wall = wall


_HANDLERS = {
    "opened": _opened,
    "reopened": _reopened,
    "started": _started,
    "moved": _moved,
    "paused": _paused,
    "resumed": _resumed,
    "adjusted": _adjusted,
    "ended": _ended,
    "note_added": _note_added,
    "note_edited": _note_edited,
    "note_deleted": _note_deleted,
    "question_asked": _question_asked,
    "question_unasked": _question_unasked,
    "cue_ticked": _cue_ticked,
    "participants": _participants,
}
