"""The rapporteur's review of an ended session (``moderator review``): what each action does to the journal.

After the session the rapporteur turns notes into the report the organizers asked for: promotes what
a speaker said (a transcript line) to a quote, moves a note to another speaker or guiding question,
merges two notes, reorders them, writes each presentation's summary, the key messages and the way
forward, and marks the report final. Each is one journal event (``note_added`` with ``reviewed``,
``note_edited``, ``note_deleted``, ``review_text``, ``report_final``), so nothing is lost and every
format re-renders from the journal. The screen (``moderator.tui.review``) only calls these.

``Window`` gathers, for one speaker or one guiding question, the notes, chat messages and transcript
lines of its time: what the review screen shows side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

from moderator.programme.model import Programme
from moderator.session import events as ev
from moderator.session.engine import CommandRefused, Engine
from moderator.session.events import NoteKind, clean_text
from moderator.session.notes import people
from moderator.session.state import ChatEntry, Note, State, TranscriptEntry

CLOSING_KEYS = ("key_messages", "way_forward")


@dataclass(frozen=True)
class Entry:
    """One line of the review's list: a person (``person`` set) or a guiding question (``question`` set)."""

    label: str
    person: str | None = None
    question: tuple[str, int] | None = None

    @property
    def summary_key(self) -> str | None:
        return f"summary:{self.person}" if self.person else None


@dataclass(frozen=True)
class Window:
    """What was said about an entry: its notes, and the chat and transcript of its segments."""

    notes: tuple[Note, ...]
    chat: tuple[ChatEntry, ...]
    transcript: tuple[TranscriptEntry, ...]


def entries(programme: Programme) -> tuple[Entry, ...]:
    """Everyone who speaks (the programme's order), then every guiding question, numbered as the report does."""
    found = [Entry(name, person=person) for person, name in people(programme)]
    for round_ in programme.rounds:
        for index, text in enumerate(round_.questions):
            number = programme.question_number(round_.id, index)
            found.append(Entry(f"{number}. {text}", question=(round_.id, index)))
    return tuple(found)


def segments_of(programme: Programme, state: State, entry: Entry) -> set[int]:
    """The segments an entry's time window covers: a person's own, or the ones the question was asked in."""
    if entry.person is not None:
        own = {s.index for s in programme.segments if entry.person in s.speaker_ids}
        if not own and entry.person == "moderator":
            own = {s.index for s in programme.segments if s.kind in ("intro", "closing") and not s.speaker_ids}
        return own
    assert entry.question is not None
    asked = state.asked.get(entry.question)
    if asked is not None and asked.segment is not None:
        return {asked.segment}
    return {s.index for s in programme.segments if entry.question[0] in s.round_ids}


def window(programme: Programme, state: State, entry: Entry) -> Window:
    segments = segments_of(programme, state, entry)
    notes = sorted(state.visible_notes(), key=lambda n: (n.order, n.id))
    if entry.person is not None:
        mine = [n for n in notes if n.speaker == entry.person]
        spoken = [line for line in state.transcript if line.speaker == entry.person or line.segment in segments]
    else:
        mine = [n for n in notes if n.question == entry.question]
        spoken = [line for line in state.transcript if line.segment in segments]
    chat = [message for message in state.visible_chat() if message.segment in segments]
    return Window(tuple(mine), tuple(chat), tuple(spoken))


def promote_to_quote(engine: Engine, line_number: int) -> Note:
    """A transcript line becomes a quote, attributed to its speaker, in the segment it was said in."""
    line = next((line for line in engine.state.transcript if line.number == line_number), None)
    if line is None:
        raise CommandRefused(f"there is no transcript line {line_number}")
    note_id = engine.state.next_note_id
    question = next((key for key, asked in engine.state.asked.items() if asked.segment == line.segment
                     and asked.wall <= line.at), None) if line.segment is not None else None
    engine.record(ev.NoteAdded(id=note_id, text=line.text, kind=NoteKind.QUOTE, segment=line.segment,
                               speaker=line.speaker, question=question, reviewed=True))
    return engine.state.notes[note_id]


def move_note(engine: Engine, note_id: int, entry: Entry) -> None:
    """Give a note to another person (out of any question or group), or to a guiding question."""
    _note(engine, note_id)
    if entry.person is not None:
        engine.record(ev.NoteEdited(id=note_id, speaker=entry.person, detach=True))
    else:
        engine.record(ev.NoteEdited(id=note_id, question=entry.question))


def merge_notes(engine: Engine, first: int, second: int) -> None:
    """``second``'s text joins ``first``'s (a new line between them), and ``second`` goes."""
    kept, gone = _note(engine, first), _note(engine, second)
    if first == second:
        raise CommandRefused("a note cannot be merged with itself")
    engine.record(ev.NoteEdited(id=first, text=f"{kept.text}\n{gone.text}"))
    engine.record(ev.NoteDeleted(id=second))


def move_before(engine: Engine, note_id: int, neighbours: list[Note], offset: int) -> None:
    """Move a note ``offset`` places (-1: up, 1: down) among ``neighbours`` (the notes shown with it)."""
    _note(engine, note_id)
    ordered = sorted(neighbours, key=lambda n: (n.order, n.id))
    index = next((i for i, n in enumerate(ordered) if n.id == note_id), None)
    if index is None:
        raise CommandRefused(f"note {note_id} is not in this list")
    target = index + offset
    if not 0 <= target < len(ordered):
        raise CommandRefused("the note is already at the end of the list")
    orders = [n.order for n in ordered]  # the same places, the notes in their new order among them
    ordered.insert(target, ordered.pop(index))
    for order, note in zip(orders, ordered, strict=True):
        if note.order != order:
            engine.record(ev.NoteEdited(id=note.id, position=order))


def write_text(engine: Engine, key: str, text: str) -> None:
    """A presentation's summary (``summary:<person>``), the key messages or the way forward; empty takes it back."""
    person = key.removeprefix("summary:")
    known = {pid for pid, _ in people(engine.programme)}
    if key not in CLOSING_KEYS and not (key.startswith("summary:") and person in known):
        raise CommandRefused(f"nothing to write under {key!r}")
    cleaned = clean_text(text).strip()
    if len(cleaned) > ev.MAX_TEXT:
        raise CommandRefused(f"at most {ev.MAX_TEXT} characters")
    if cleaned == engine.state.review_texts.get(key, ""):
        return
    engine.record(ev.ReviewText(key=key, text=cleaned))


def mark_final(engine: Engine, final: bool = True) -> None:
    if engine.state.final != final:
        engine.record(ev.ReportFinal(final=final))


def _note(engine: Engine, note_id: int) -> Note:
    note = engine.state.notes.get(note_id)
    if note is None or note.deleted:
        raise CommandRefused(f"there is no note {note_id}")
    return note
