"""Every journal event, in one place: their names, their fields, how they are encoded and
what a well-formed one is.

The journal is the source of truth and, for remote seats, the replication protocol, so an
event is a typed value from the moment it is made until it is applied: the engine makes
them, the journal encodes them, the reducer applies them, seats decode them from the wire.
A line that is not a well-formed event is refused by ``decode`` with an ``EventError``
that says why, so no reader ever meets a ``KeyError`` or a number too large to use.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, TypeAlias

from moderator.problems import Words

JOURNAL_VERSION = 1

MAX_SEGMENTS = 10_000
"""No programme has this many segments; a larger index in a journal is damage, not data."""
MAX_NOTE_ID = 10_000_000
MAX_TEXT = 100_000
"""Characters in one note: a long paste fits, a runaway one does not."""
MAX_SHORT_TEXT = 2_000
MAX_SESSION_T = 400 * 24 * 3600.0
"""Seconds on the session axis: a year of running is already impossible."""
MAX_ADJUST = 24 * 3600
MAX_LEVEL = 2
"""A note's depth: 0 a point, 1 a sub-point (``- ``), 2 a sub-sub-point (``-- ``), as in seed 004."""
MAX_GROUPS = 1_000
MAX_STAGE_MESSAGE = 280
"""Characters in a message to the speaker: it must be readable from three metres at a glance."""


class EventType(StrEnum):
    OPENED = "opened"
    REOPENED = "reopened"
    SLEPT = "slept"
    STARTED = "started"
    MOVED = "moved"
    PAUSED = "paused"
    RESUMED = "resumed"
    ADJUSTED = "adjusted"
    ENDED = "ended"
    NOTE_ADDED = "note_added"
    NOTE_EDITED = "note_edited"
    NOTE_DELETED = "note_deleted"
    QUESTION_ASKED = "question_asked"
    QUESTION_UNASKED = "question_unasked"
    CUE_TICKED = "cue_ticked"
    PARTICIPANTS = "participants"
    MESSAGE_SHOWN = "message_shown"
    MESSAGE_CLEARED = "message_cleared"
    FLASH = "flash"
    BLACKOUT = "blackout"
    CHAT_MESSAGE = "chat_message"
    CHAT_REMOVED = "chat_removed"
    TRANSCRIPT_LINE = "transcript_line"
    REVIEW_TEXT = "review_text"
    WEBINAR_QUESTION = "webinar_question"
    POLL_RESULT = "poll_result"
    REPORT_FINAL = "report_final"


class NoteKind(StrEnum):
    NOTE = "note"
    QUOTE = "quote"
    ACTION = "action"
    QUESTION = "question"


FLOW = "flow"
"""``via`` of a move or an end the engine made by itself: the segment's time was up and the session flows."""
SEGMENT_CHANGED = "segment"
"""``via`` of a stage signal taken down because the segment changed (it leaves with its speaker)."""


class EventError(ValueError):
    """A decoded value is not a well-formed event; the message says which field and why.

    ``words``: the message as ``Words`` (``str()`` is the English), for a face to say it in the
    session's language (a damaged journal's warnings, ``journal.read_journal``)."""

    def __init__(self, words: Words) -> None:
        super().__init__(words)
        self.words = words


def _bounded(low: float, high: float) -> dict[str, tuple[float, float]]:
    return {"range": (low, high)}


def _short() -> dict[str, int]:
    return {"max_length": MAX_SHORT_TEXT}


@dataclass(frozen=True, kw_only=True, slots=True)
class BaseEvent:
    """``t`` is the session axis (monotonic seconds since the journal was opened, carried over
    restarts); ``wall`` the UTC time in ISO form. The engine stamps both when it emits."""

    TYPE: ClassVar[EventType]
    t: float = field(default=0.0, metadata=_bounded(0.0, MAX_SESSION_T))
    wall: str = field(default="", metadata={"max_length": 64})
    command_id: str | None = field(default=None, metadata={"max_length": 64})
    """The id a remote seat gave the command, so a command resent after a reconnect is applied once."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Opened(BaseEvent):
    TYPE = EventType.OPENED
    version: int = field(default=JOURNAL_VERSION, metadata=_bounded(0, 1_000))
    programme: str = field(default="", metadata={"max_length": 4_096})
    sha256: str = field(default="", metadata={"max_length": 64})
    mode: str = field(default="live", metadata={"max_length": 32})
    segments: int = field(default=0, metadata=_bounded(0, MAX_SEGMENTS))
    title: str = field(default="", metadata=_short())


@dataclass(frozen=True, kw_only=True, slots=True)
class Reopened(BaseEvent):
    TYPE = EventType.REOPENED
    gap: float = field(default=0.0, metadata=_bounded(0.0, MAX_SESSION_T))
    sha256: str = field(default="", metadata={"max_length": 64})
    programme_changed: bool = False
    segments: int = field(default=0, metadata=_bounded(0, MAX_SEGMENTS))
    """The programme's length from here on (0 in journals written before it was recorded)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Started(BaseEvent):
    TYPE = EventType.STARTED
    segment: int = field(default=0, metadata=_bounded(0, MAX_SEGMENTS - 1))


@dataclass(frozen=True, kw_only=True, slots=True)
class Moved(BaseEvent):
    TYPE = EventType.MOVED
    segment: int = field(metadata=_bounded(0, MAX_SEGMENTS - 1))
    via: str | None = field(default=None, metadata={"max_length": 32})
    """``next``, ``previous``, ``goto`` (the moderator), ``flow`` (the segment's time was up and it
    moves on by itself: ``FLOW``), ``None`` (a resumed journal of a longer programme)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Paused(BaseEvent):
    TYPE = EventType.PAUSED
    segment: int | None = field(default=None, metadata=_bounded(0, MAX_SEGMENTS - 1))


@dataclass(frozen=True, kw_only=True, slots=True)
class Resumed(BaseEvent):
    TYPE = EventType.RESUMED
    segment: int | None = field(default=None, metadata=_bounded(0, MAX_SEGMENTS - 1))


@dataclass(frozen=True, kw_only=True, slots=True)
class Adjusted(BaseEvent):
    TYPE = EventType.ADJUSTED
    segment: int | None = field(default=None, metadata=_bounded(0, MAX_SEGMENTS - 1))
    seconds: int = field(metadata=_bounded(-MAX_ADJUST, MAX_ADJUST))


@dataclass(frozen=True, kw_only=True, slots=True)
class Ended(BaseEvent):
    TYPE = EventType.ENDED
    segment: int | None = field(default=None, metadata=_bounded(0, MAX_SEGMENTS - 1))
    via: str | None = field(default=None, metadata={"max_length": 32})
    """``flow``: the last segment's time was up and the session flows (``None``: the moderator ended it)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class NoteAdded(BaseEvent):
    TYPE = EventType.NOTE_ADDED
    id: int = field(metadata=_bounded(1, MAX_NOTE_ID))
    text: str = field(metadata={"max_length": MAX_TEXT})
    kind: NoteKind = NoteKind.NOTE
    segment: int | None = field(default=None, metadata=_bounded(0, MAX_SEGMENTS - 1))
    speaker: str | None = field(default=None, metadata=_short())
    question: tuple[str, int] | None = None
    """(round id, question index): the guiding question being discussed when it was typed."""
    level: int | None = field(default=None, metadata=_bounded(0, MAX_LEVEL))
    """``None`` (left out of the line) or 0: a point; 1 and 2: a sub-point and a sub-sub-point
    of the note before it in the same place of the report."""
    group: int | None = field(default=None, metadata=_bounded(0, MAX_GROUPS - 1))
    """The break-out group it reports on (its position in ``group_segment``'s ``groups``)."""
    group_segment: int | None = field(default=None, metadata=_bounded(0, MAX_SEGMENTS - 1))
    seat: str | None = field(default=None, metadata={"max_length": 64})
    """The seat that typed it (``moderator join``); ``None``: the host's own keyboard."""
    author: str | None = field(default=None, metadata=_short())
    """The name given at ``join --name``: the report credits its rapporteurs."""
    reviewed: bool | None = None
    """``True``: added in the review after the session (``moderator review``: a transcript line promoted to a
    quote): it belongs where its segment puts it, not among the notes typed after the end."""


@dataclass(frozen=True, kw_only=True, slots=True)
class NoteEdited(BaseEvent):
    """A correction: only the fields given change (``None``: unchanged)."""

    TYPE = EventType.NOTE_EDITED
    id: int = field(metadata=_bounded(1, MAX_NOTE_ID))
    text: str | None = field(default=None, metadata={"max_length": MAX_TEXT})
    kind: NoteKind | None = None
    speaker: str | None = field(default=None, metadata=_short())
    level: int | None = field(default=None, metadata=_bounded(0, MAX_LEVEL))
    group: int | None = field(default=None, metadata=_bounded(0, MAX_GROUPS - 1))
    group_segment: int | None = field(default=None, metadata=_bounded(0, MAX_SEGMENTS - 1))
    question: tuple[str, int] | None = None
    """Moved to this guiding question (the review)."""
    detach: bool | None = None
    """``True``: moved out of its guiding question and group: the note is its speaker's (the review)."""
    position: float | None = field(default=None, metadata=_bounded(0.0, float(MAX_NOTE_ID + 1)))
    """Where it sorts among the notes of its place (the review's reordering); by id until set."""
    seat: str | None = field(default=None, metadata={"max_length": 64})
    """The seat that made the correction; ``None``: the host's console (or a journal from before
    corrections recorded who made them)."""
    author: str | None = field(default=None, metadata=_short())
    """That seat's name, as the host knew it."""


@dataclass(frozen=True, kw_only=True, slots=True)
class NoteDeleted(BaseEvent):
    TYPE = EventType.NOTE_DELETED
    id: int = field(metadata=_bounded(1, MAX_NOTE_ID))
    seat: str | None = field(default=None, metadata={"max_length": 64})
    """The seat that deleted it; ``None``: the host's console (or an older journal)."""
    author: str | None = field(default=None, metadata=_short())


@dataclass(frozen=True, kw_only=True, slots=True)
class QuestionAsked(BaseEvent):
    TYPE = EventType.QUESTION_ASKED
    round: str = field(metadata=_short())
    index: int = field(metadata=_bounded(0, MAX_SEGMENTS))
    segment: int | None = field(default=None, metadata=_bounded(0, MAX_SEGMENTS - 1))


@dataclass(frozen=True, kw_only=True, slots=True)
class QuestionUnasked(BaseEvent):
    TYPE = EventType.QUESTION_UNASKED
    round: str = field(metadata=_short())
    index: int = field(metadata=_bounded(0, MAX_SEGMENTS))


@dataclass(frozen=True, kw_only=True, slots=True)
class CueTicked(BaseEvent):
    TYPE = EventType.CUE_TICKED
    segment: int = field(metadata=_bounded(0, MAX_SEGMENTS - 1))
    cue: int = field(metadata=_bounded(0, MAX_SEGMENTS))
    done: bool = True


@dataclass(frozen=True, kw_only=True, slots=True)
class Slept(BaseEvent):
    """The computer was suspended for ``seconds`` (a laptop's lid closed); the session's time
    went on meanwhile, as it did in the room, and the countdown counts it as elapsed."""

    TYPE = EventType.SLEPT
    seconds: float = field(metadata=_bounded(0.0, MAX_SESSION_T))


@dataclass(frozen=True, kw_only=True, slots=True)
class ParticipantsSet(BaseEvent):
    TYPE = EventType.PARTICIPANTS
    count: int = field(metadata=_bounded(0, 10_000_000))


@dataclass(frozen=True, kw_only=True, slots=True)
class MessageShown(BaseEvent):
    """A message to the speaker, on the stage view until cleared, replaced, or the segment changes
    (the engine clears it then, with a ``MessageCleared`` of ``via`` ``segment``), unless ``keep``:
    the moderator chose "keep for the next speaker", and it stays through one change of segment."""

    TYPE = EventType.MESSAGE_SHOWN
    text: str = field(metadata={"max_length": MAX_STAGE_MESSAGE})
    segment: int | None = field(default=None, metadata=_bounded(0, MAX_SEGMENTS - 1))
    keep: bool | None = None
    """``None`` (left out of the line, as in journals written before it existed): not kept."""


@dataclass(frozen=True, kw_only=True, slots=True)
class MessageCleared(BaseEvent):
    TYPE = EventType.MESSAGE_CLEARED
    segment: int | None = field(default=None, metadata=_bounded(0, MAX_SEGMENTS - 1))
    via: str | None = field(default=None, metadata={"max_length": 32})
    """``segment``: it left with its speaker, the segment changed (``None``: the moderator cleared it)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class FlashSet(BaseEvent):
    """The stage view flashes (``on``) until turned off: a signal a speaker cannot miss."""

    TYPE = EventType.FLASH
    on: bool
    segment: int | None = field(default=None, metadata=_bounded(0, MAX_SEGMENTS - 1))
    via: str | None = field(default=None, metadata={"max_length": 32})
    """``segment``: turned off because the segment changed (``None``: the moderator's switch)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class BlackoutSet(BaseEvent):
    """The stage view goes black (``on``), e.g. during a break or a video."""

    TYPE = EventType.BLACKOUT
    on: bool
    segment: int | None = field(default=None, metadata=_bounded(0, MAX_SEGMENTS - 1))


@dataclass(frozen=True, kw_only=True, slots=True)
class ChatMessageAdded(BaseEvent):
    """A participant's message to everyone in the Zoom chat, imported or followed live.

    ``at`` is when the participant wrote it (UTC, from Zoom's local clock and the zone the
    importer assumed); ``segment`` the one running then; ``kind`` is ``question`` for an
    audience question, else ``note``. ``fingerprint`` (time, sender, text) makes an import
    idempotent: the reducer keeps the first message with a given fingerprint.
    """

    TYPE = EventType.CHAT_MESSAGE
    sender: str = field(metadata=_short())
    text: str = field(metadata={"max_length": MAX_TEXT})
    at: str = field(metadata={"max_length": 64})
    fingerprint: str = field(metadata={"max_length": 64})
    kind: NoteKind = NoteKind.NOTE
    segment: int | None = field(default=None, metadata=_bounded(0, MAX_SEGMENTS - 1))
    reply_to: str | None = field(default=None, metadata={"max_length": MAX_TEXT})
    """The start of the message it answers, as Zoom quoted it."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ChatMessageRemoved(BaseEvent):
    """A chat message taken back out (``moderator chat --replace``: an import read in the wrong zone is
    replaced, its earlier messages removed first); the journal keeps both."""

    TYPE = EventType.CHAT_REMOVED
    fingerprint: str = field(metadata={"max_length": 64})


@dataclass(frozen=True, kw_only=True, slots=True)
class TranscriptLine(BaseEvent):
    """One cue of a Zoom transcript or closed captions (``moderator transcript``), kept with the run
    and apart from the notes.

    ``at``/``until``: when it was said (UTC: the recording's start plus the cue's offset); ``name`` as
    the file wrote it, ``speaker`` the programme's id it matched (``None``: unknown); ``segment`` the one
    running then. ``fingerprint`` (offset, name, text) makes an import idempotent.
    """

    TYPE = EventType.TRANSCRIPT_LINE
    text: str = field(metadata={"max_length": MAX_TEXT})
    at: str = field(metadata={"max_length": 64})
    until: str = field(metadata={"max_length": 64})
    fingerprint: str = field(metadata={"max_length": 64})
    name: str | None = field(default=None, metadata=_short())
    speaker: str | None = field(default=None, metadata=_short())
    segment: int | None = field(default=None, metadata=_bounded(0, MAX_SEGMENTS - 1))


@dataclass(frozen=True, kw_only=True, slots=True)
class ReviewText(BaseEvent):
    """A text the rapporteur writes in the review: a presentation's summary (``key`` ``summary:<person
    id>``), the key messages (``key_messages``) or the way forward (``way_forward``). The latest wins;
    an empty text takes it back."""

    TYPE = EventType.REVIEW_TEXT
    key: str = field(metadata=_short())
    text: str = field(metadata={"max_length": MAX_TEXT})


@dataclass(frozen=True, kw_only=True, slots=True)
class ReportFinal(BaseEvent):
    """The rapporteur marks the report final (or takes it back): the report says it was reviewed."""

    TYPE = EventType.REPORT_FINAL
    final: bool = True


@dataclass(frozen=True, kw_only=True, slots=True)
class WebinarQuestion(BaseEvent):
    """An audience question from a Zoom webinar's Q&A report (``moderator webinar``), with its answer."""

    TYPE = EventType.WEBINAR_QUESTION
    asker: str = field(metadata=_short())
    text: str = field(metadata={"max_length": MAX_TEXT})
    fingerprint: str = field(metadata={"max_length": 64})
    at: str | None = field(default=None, metadata={"max_length": 64})
    answer: str | None = field(default=None, metadata={"max_length": MAX_TEXT})
    answered_by: str | None = field(default=None, metadata=_short())
    live: bool = False
    """Answered live, aloud (the report says so instead of an answer)."""
    segment: int | None = field(default=None, metadata=_bounded(0, MAX_SEGMENTS - 1))


@dataclass(frozen=True, kw_only=True, slots=True)
class PollResult(BaseEvent):
    """One question of a Zoom webinar poll (``moderator webinar``): ``results`` holds one ``count<TAB>answer``
    line per answer, most chosen first. A later result for the same poll and question replaces it."""

    TYPE = EventType.POLL_RESULT
    poll: str = field(metadata=_short())
    question: str = field(metadata={"max_length": MAX_TEXT})
    results: str = field(metadata={"max_length": MAX_TEXT})
    fingerprint: str = field(metadata={"max_length": 64})
    at: str | None = field(default=None, metadata={"max_length": 64})
    segment: int | None = field(default=None, metadata=_bounded(0, MAX_SEGMENTS - 1))


Event: TypeAlias = (
    Opened | Reopened | Slept | Started | Moved | Paused | Resumed | Adjusted | Ended | NoteAdded | NoteEdited
    | NoteDeleted | QuestionAsked | QuestionUnasked | CueTicked | ParticipantsSet
    | MessageShown | MessageCleared | FlashSet | BlackoutSet | ChatMessageAdded | ChatMessageRemoved
    | TranscriptLine | ReviewText | ReportFinal | WebinarQuestion | PollResult
)

EVENT_CLASSES: dict[EventType, type[Event]] = {
    cls.TYPE: cls for cls in typing.get_args(Event)
}


# --------------------------------------------------------------------------- encoding

def to_dict(event: Event) -> dict[str, Any]:
    """The event as plain JSON values: ``type`` first, fields in declaration order, ``None`` left out."""
    encoded: dict[str, Any] = {"type": event.TYPE.value}
    for spec in dataclasses.fields(event):
        value = getattr(event, spec.name)
        if value is None:
            continue
        if isinstance(value, StrEnum):
            value = value.value
        elif isinstance(value, tuple):
            value = list(value)
        encoded[spec.name] = value
    return encoded


def encode(event: Event) -> bytes:
    """One journal line (UTF-8, ending in a newline)."""
    return (json.dumps(to_dict(event), ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- decoding

_JSON = json.JSONDecoder()


class UnknownEventType(EventError):
    """A well-formed line of a type this version does not know (a newer journal): skip it."""


def decode_line(raw: bytes | str) -> Event:
    """Parse and check one journal line; ``EventError`` says what is wrong with it."""
    try:
        # As json.loads does for bytes (a UTF-8 BOM skipped), without its per-call encoding sniffing.
        value = _JSON.decode(raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, bad UTF-8, huge integers
        raise EventError(Words("not JSON ({reason})", reason=_reason(error))) from None
    return decode(value)


def decode(value: object) -> Event:
    """Check a decoded JSON value and build the event it describes.

    Every field is checked (type, bounds, length); the checks are worked out once per event
    type, with the place named in their messages, and take the common case first (a journal
    replayed at start-up is thousands of lines)."""
    if not isinstance(value, Mapping):
        raise EventError(Words("not a JSON object"))
    type_name = value.get("type")
    if not isinstance(type_name, str):
        raise EventError(Words("no event type"))
    decoder = _DECODERS_BY_NAME.get(type_name)
    if decoder is None:
        raise UnknownEventType(Words("unknown event type {name}", name=repr(_clip(type_name))))
    cls, checks = decoder
    values: dict[str, Any] = {}
    for check in checks:
        raw = value.get(check.name)
        if raw is None:
            if check.required:
                raise EventError(Words("{type}: missing {field}", type=type_name, field=repr(check.name)))
            continue
        values[check.name] = check.convert(check.where, raw)
    return cls(**values)


@dataclass(frozen=True, slots=True)
class _FieldCheck:
    name: str
    required: bool
    convert: typing.Callable[[str, object], Any]
    where: str
    """``type.field``, for the messages."""


def _field_checks(cls: type[Event]) -> list[_FieldCheck]:
    """How to check each field of ``cls``, worked out once from its type hints and metadata."""
    hints = typing.get_type_hints(cls)
    checks = []
    for spec in dataclasses.fields(cls):
        expected = hints[spec.name]
        optional = isinstance(expected, types.UnionType) and type(None) in typing.get_args(expected)
        if optional:
            expected = next(arg for arg in typing.get_args(expected) if arg is not type(None))
        required = spec.name in ("t", "wall") or (
            spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING)
        convert = _as_wall if spec.name == "wall" else _converter(expected, spec.metadata)
        checks.append(_FieldCheck(spec.name, required, convert, f"{cls.TYPE.value}.{spec.name}"))
    return checks


def _converter(expected: Any, metadata: Mapping[str, Any]) -> typing.Callable[[str, object], Any]:
    if expected is bool:
        return _as_bool
    if expected is int or expected is float:
        low, high = metadata.get("range", (-math.inf, math.inf))
        return lambda where, value: _as_number(where, value, expected is int, low, high)
    if expected is str:
        limit = metadata.get("max_length", MAX_SHORT_TEXT)
        return lambda where, value: _text(where, value, limit)
    if isinstance(expected, type) and issubclass(expected, StrEnum):
        return lambda where, value: _as_enum(where, value, expected)
    if typing.get_origin(expected) is tuple:
        return _as_question
    raise AssertionError(f"no check for {expected!r}")  # a field type added without one


def _as_wall(where: str, value: object) -> str:
    """A time the report, ``timing`` and the projected end read back: a line whose ``wall`` is not
    one is damaged here, with its line number, not a traceback far away in the report."""
    wall = _text(where, value, 64)
    try:
        dt.datetime.fromisoformat(wall)
    except ValueError:
        raise EventError(Words("{where}: not an ISO 8601 time", where=where)) from None
    return wall


def _as_bool(where: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise EventError(Words("{where}: expected true or false", where=where))
    return value


def _as_number(where: str, value: object, whole: bool, low: float, high: float) -> float:
    if type(value) is int and low <= value <= high:  # the common cases first, checked the same
        return value if whole else float(value)
    if type(value) is float and not whole and math.isfinite(value) and low <= value <= high:
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EventError(Words("{where}: expected a number", where=where))
    if not math.isfinite(value):
        raise EventError(Words("{where}: not a finite number", where=where))
    if whole and not (isinstance(value, int) or value.is_integer()):
        raise EventError(Words("{where}: expected a whole number", where=where))
    if not low <= value <= high:
        raise EventError(Words("{where}: {value} is out of range", where=where, value=_clip(str(value))))
    return int(value) if whole else float(value)


def _as_enum(where: str, value: object, enum: type[StrEnum]) -> StrEnum:
    if not isinstance(value, str) or value not in enum._value2member_map_:
        raise EventError(Words("{where}: unknown value {value}", where=where, value=repr(_clip(str(value)))))
    return enum(value)


def _as_question(where: str, value: object) -> tuple[str, int]:
    """The (round id, index) of a guiding question, written as a two-item list."""
    if not (isinstance(value, list) and len(value) == 2):
        raise EventError(Words("{where}: expected [round, index]", where=where))
    round_id = _text(where, value[0], MAX_SHORT_TEXT)
    index = value[1]
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index <= MAX_SEGMENTS:
        raise EventError(Words("{where}: expected [round, index]", where=where))
    return (round_id, index)


def _text(where: str, value: object, limit: int) -> str:
    if type(value) is str and value.isascii() and len(value) <= limit:
        return value
    if not isinstance(value, str):
        raise EventError(Words("{where}: expected text", where=where))
    if len(value) > limit:
        raise EventError(Words("{where}: longer than {limit} characters", where=where, limit=limit))
    # A lone surrogate (JSON "\ud800") is no character at all: nothing can print or encode it.
    if _has_surrogate(value):
        return "".join("\ufffd" if 0xD800 <= ord(char) <= 0xDFFF else char for char in value)
    return value


def clean_text(text: str) -> str:
    """``text`` with any lone surrogate (which nothing can encode or print) made U+FFFD."""
    return _text("text", text, len(text))


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


_JSON_PROBLEMS = {
    "Expecting value": Words("Expecting value"),
    "Expecting property name enclosed in double quotes": Words("Expecting property name enclosed in double quotes"),
    "Expecting ':' delimiter": Words("Expecting ':' delimiter"),
    "Expecting ',' delimiter": Words("Expecting ',' delimiter"),
    "Unterminated string starting at": Words("Unterminated string starting at"),
    "Invalid control character at": Words("Invalid control character at"),
    "Invalid \\escape": Words("Invalid \\escape"),
    "Invalid \\uXXXX escape": Words("Invalid \\uXXXX escape"),
    "Extra data": Words("Extra data"),
}
"""What Python's JSON reader says of a line it cannot read (its own English), as ``Words``: a
damaged journal line is described in the session's language, and in English exactly as Python says it."""

_REASON_LIMIT = 80


def _reason(error: BaseException) -> str:
    """Why a line is not JSON, in at most ``_REASON_LIMIT`` characters: ``Words`` where the reader's
    message is one we know (its English unchanged), else its first line as it is."""
    if isinstance(error, RecursionError):
        return Words("nested too deeply")
    english = str(error).split("\n")[0]
    if len(english) <= _REASON_LIMIT:
        if isinstance(error, json.JSONDecodeError) and error.msg in _JSON_PROBLEMS:
            return Words("{problem}: line {line} column {column} (char {char})", problem=_JSON_PROBLEMS[error.msg],
                         line=error.lineno, column=error.colno, char=error.pos)
        if isinstance(error, UnicodeDecodeError) and error.end == error.start + 1:
            return Words("{codec} codec can't decode byte {byte} in position {position}: {reason}",
                         codec=repr(error.encoding), byte=f"0x{error.object[error.start]:02x}", position=error.start,
                         reason=_UTF8_PROBLEMS.get(error.reason, error.reason))
    return _clip(english, _REASON_LIMIT)


_UTF8_PROBLEMS = {
    "invalid start byte": Words("invalid start byte"),
    "invalid continuation byte": Words("invalid continuation byte"),
    "unexpected end of data": Words("unexpected end of data"),
}


_DECODERS: dict[EventType, tuple[type[Event], list[_FieldCheck]]] = {
    event_type: (cls, _field_checks(cls)) for event_type, cls in EVENT_CLASSES.items()
}
_DECODERS_BY_NAME: dict[str, tuple[type[Event], list[_FieldCheck]]] = {
    event_type.value: decoder for event_type, decoder in _DECODERS.items()
}
