"""Where a note lands in the report: exactly one place, so none is lost and none is repeated.

The report's builder lays each note in the section its ``Landing`` names; a face can say the same
before a note is sent (a preview), since it reads only the programme and the note.
"""

from __future__ import annotations

from enum import StrEnum

from moderator.programme import Programme
from moderator.session.events import NoteKind
from moderator.session.state import Note


class Landing(StrEnum):
    """The report's places for notes, in the order ``landing`` decides them."""

    ACTIONS = "actions"
    """An action to take (``!``), wherever it was typed."""
    AFTER_END = "after_end"
    """Typed after the session ended."""
    AUDIENCE = "audience"
    """A question from the audience (``?``)."""
    QA = "qa"
    """Typed during the Q&A."""
    GROUPS = "groups"
    """About a break-out group (``@g1``)."""
    CLOSING = "closing"
    """Typed during the closing."""
    QUESTION = "question"
    """Under the guiding question being discussed."""
    DISCUSSION = "discussion"
    """In a discussion, with no guiding question."""
    SUMMARY = "summary"
    """About a speaker: under the summary of the talks."""
    OTHER = "other"
    """Anything else."""


def guiding_question(programme: Programme, note: Note) -> tuple[str, int] | None:
    """The guiding question a note was typed under, if the programme still has it (a programme
    changed since sends the note by its segment)."""
    if note.question is None:
        return None
    round_id, index = note.question
    found = next((round_ for round_ in programme.rounds if round_.id == round_id), None)
    if found is None or not 0 <= index < len(found.questions):
        return None
    return round_id, index


def landing(programme: Programme, note: Note) -> Landing:
    """Where ``note`` goes in the report."""
    segments = programme.segments
    segment = segments[note.segment] if note.segment is not None and 0 <= note.segment < len(segments) else None
    kind = segment.kind if segment is not None else None
    if note.kind == NoteKind.ACTION:
        return Landing.ACTIONS
    if note.with_person and note.speaker and note.kind != NoteKind.QUESTION:  # the review gave it to them
        return Landing.SUMMARY
    if note.after_end:
        return Landing.AFTER_END
    if note.kind == NoteKind.QUESTION:
        return Landing.AUDIENCE
    if kind == "qa":
        return Landing.QA
    if note.group is not None:
        return Landing.GROUPS
    if kind == "closing":
        return Landing.CLOSING
    if guiding_question(programme, note) is not None:
        return Landing.QUESTION
    if kind == "discussion":
        return Landing.DISCUSSION
    if note.speaker or (segment is not None and len(segment.speaker_ids) > 1):
        return Landing.SUMMARY
    return Landing.OTHER
