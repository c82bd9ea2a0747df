"""The programme as the rest of the product sees it: frozen dataclasses, already validated.

Nothing here reads files or reports problems (that is ``loading`` and ``validation``), so
the session, the report and the console can depend on these types without pulling in
the TOML machinery, and a ``Programme`` in hand is always a well-formed one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum

from moderator.problems import Problem


class SegmentKind(StrEnum):
    """What happens in a segment; the contract's ``kind`` values, in the contract's order.

    A ``StrEnum`` so that ``segment.kind == "speaker"`` and JSON encoding keep working.
    """

    CHECK = "check"
    INTRO = "intro"
    SPEAKER = "speaker"
    DISCUSSION = "discussion"
    QA = "qa"
    BREAK = "break"
    BREAKOUT = "breakout"
    CLOSING = "closing"
    OTHER = "other"


SEGMENT_KINDS: tuple[str, ...] = tuple(kind.value for kind in SegmentKind)
SEGMENT_KIND_LABELS: dict[str, str] = {
    SegmentKind.CHECK: "Connection check",
    SegmentKind.INTRO: "Introduction",
    SegmentKind.SPEAKER: "Speaker",
    SegmentKind.DISCUSSION: "Discussion",
    SegmentKind.QA: "Q&A",
    SegmentKind.BREAK: "Break",
    SegmentKind.BREAKOUT: "Break-out groups",
    SegmentKind.CLOSING: "Closing",
    SegmentKind.OTHER: "Segment",
}
"""One name per kind, in English: the msgid every face (the console, the pages, ``check``, the
calendar) says in the session's language (every ``SegmentKind`` has one; a test checks it). Keyed by the
``StrEnum``, so a plain ``"speaker"`` finds its name too."""
LANGUAGES = ("en", "es", "fr")
"""The languages the report's headings and dates can be written in."""
UNTITLED_ROUND = {"en": "Round {n}", "es": "Ronda {n}", "fr": "Tour {n}"}
"""The title of a ``[[round]]`` that gives none, in the programme's own language: it is the programme's
words (shown on the console, the pages and in the report as written), so not a catalog's."""
DEFAULT_WARN = 120
"""Seconds left in a segment at which the timer turns to warning, unless the programme says otherwise."""
DEFAULT_DANGER = 30
"""Seconds left at which it turns to danger."""
FLOW_MODES = ("off", "breaks", "all")
"""``[session] flow``: which segments move on by themselves when their time is up. ``off`` (the
default): none, the moderator moves on; ``breaks``: breaks and break-outs, and the segments that say
``flow = true``; ``all``: every segment but those that say ``flow = false``. When the session flows
(``breaks`` or ``all``), it also ends by itself when the last segment's time is up (unless that
segment says ``flow = false``)."""
FLOWING_KINDS = frozenset({SegmentKind.BREAK, SegmentKind.BREAKOUT})
"""The segments of fixed time that ``flow = "breaks"`` moves on from: a break ends on the clock."""


@dataclass(frozen=True)
class Person:
    name: str
    organization: str = ""
    role: str = ""
    country: str = ""
    email: str = ""


@dataclass(frozen=True)
class Speaker:
    id: str
    name: str
    organization: str = ""
    country: str = ""
    role: str = ""
    topic: str = ""
    bio: str = ""
    timezone: str | None = None


@dataclass(frozen=True)
class Round:
    id: str
    title: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Segment:
    index: int
    kind: SegmentKind
    title: str
    duration: int
    """Planned duration in seconds."""
    speaker_ids: tuple[str, ...] = ()
    round_ids: tuple[str, ...] = ()
    at: dt.time | None = None
    cues: tuple[str, ...] = ()
    notes: str = ""
    warn: int = DEFAULT_WARN
    danger: int = DEFAULT_DANGER
    line: int | None = None
    groups: tuple[str, ...] = ()
    """A break-out's groups (names or topics), in order: notes name them ``@g1``, ``@g2``, ..."""
    flow: bool | None = None
    """``flow = true`` / ``false``: this segment moves on by itself when its time is up, or never
    (``None``: as ``[session] flow`` says for its kind)."""


@dataclass(frozen=True)
class SessionInfo:
    title: str
    date: dt.date
    start: dt.time
    timezone: str
    also_show: tuple[str, ...] = ()
    event: str = ""
    type: str = ""
    platform: str = ""
    audience: str = ""
    language: str = "en"
    main_question: str = ""
    objectives: tuple[str, ...] = ()
    warn: int = DEFAULT_WARN
    danger: int = DEFAULT_DANGER
    end: dt.time | None = None
    end_line: int | None = field(default=None, compare=False)
    """Where ``end`` is written, for the warning when the segments do not fill start..end."""
    messages: tuple[str, ...] = ()
    """Preset messages for the speakers' stage view, offered besides the built-in ones."""
    flow: str = "off"
    """One of ``FLOW_MODES``: whether the session moves on by itself when a segment's time is up."""

    @property
    def zones(self) -> tuple[str, ...]:
        """The session's own zone first, then every ``also_show`` zone, without repeats."""
        return tuple(dict.fromkeys((self.timezone, *self.also_show)))


@dataclass(frozen=True)
class Programme:
    session: SessionInfo
    moderator: Person
    segments: tuple[Segment, ...]
    speakers: tuple[Speaker, ...] = ()
    rounds: tuple[Round, ...] = ()
    rapporteur: Person | None = None
    path: str = "<programme>"
    sha256: str = ""
    warnings: tuple[Problem, ...] = field(default=(), compare=False)

    def speaker(self, speaker_id: str) -> Speaker:
        for speaker in self.speakers:
            if speaker.id == speaker_id:
                return speaker
        raise KeyError(speaker_id)

    def round(self, round_id: str) -> Round:
        for round_ in self.rounds:
            if round_.id == round_id:
                return round_
        raise KeyError(round_id)

    def question_number(self, round_id: str, index: int) -> int:
        """A guiding question's number as the programme counts them: across rounds (1-4 in the
        first round, 5-8 in the next), as the organizers' documents number them."""
        before = 0
        for round_ in self.rounds:
            if round_.id == round_id:
                return before + index + 1
            before += len(round_.questions)
        raise KeyError(round_id)

    def segment_speakers(self, segment: Segment) -> tuple[Speaker, ...]:
        return tuple(self.speaker(s) for s in segment.speaker_ids)

    def segment_rounds(self, segment: Segment) -> tuple[Round, ...]:
        return tuple(self.round(r) for r in segment.round_ids)

    def with_flow(self, mode: str) -> Programme:
        """This programme with ``[session] flow`` set to ``mode`` (``run --flow``: for this run)."""
        if mode not in FLOW_MODES:
            raise ValueError(f"flow must be one of {', '.join(FLOW_MODES)}")
        return replace(self, session=replace(self.session, flow=mode))

    def moves_on_by_itself(self, segment: Segment) -> bool:
        """Whether the session leaves ``segment`` by itself when its time is up (``[session] flow``):
        to the next segment, or, from the last one, to the end of the session."""
        mode = self.session.flow
        if mode == "off":
            return False
        if segment.flow is not None:
            return segment.flow
        return mode == "all" or segment.kind in FLOWING_KINDS or segment.index == len(self.segments) - 1

    @property
    def total_duration(self) -> int:
        return sum(s.duration for s in self.segments)
