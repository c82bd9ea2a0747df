"""A seat's command, applied on the host: who may do what, exactly once, through the engine.

This is the host's side of the seats' ``command {id, type, args}``: it decides per message whether
the seat's role allows it (a rapporteur adds notes and corrects or deletes its own; a co-moderator
also drives the timer and marks questions; stage and backstage links only follow), then runs the
same engine method a key press runs, on behalf of the seat (``Engine.acting_for``), so the event
records the command id. A command id already in the journal is answered with the seq of the event
that applied it and is not applied again: that is what makes a resent note land once.

No network here: ``seat_protocol`` carries the messages, this module decides.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from moderator.session.engine import CommandRefused, Engine, Origin
from moderator.session.events import MAX_ADJUST, MAX_SEGMENTS, MAX_SHORT_TEXT, MAX_TEXT
from moderator.session.notes import NoteError

RAPPORTEUR = "rapporteur"
COMODERATOR = "comoderator"
POSTING_ROLES = frozenset({RAPPORTEUR, COMODERATOR})
MAX_COMMAND_ID = 64

NOTE_COMMANDS = frozenset({"add_note", "edit_note", "delete_note"})
TIMER_COMMANDS = frozenset({
    "toggle", "next", "previous", "goto", "adjust", "end",
    "ask_next_question", "ask_question", "unask_question", "tick_cue",
})
COMMANDS = NOTE_COMMANDS | TIMER_COMMANDS


@dataclass(frozen=True)
class Acked:
    seq: int
    """The position in the journal of the event that applied the command."""


@dataclass(frozen=True)
class Refused:
    reason: str


Outcome = Acked | Refused


@dataclass(frozen=True)
class SeatIdentity:
    seat: str
    author: str | None
    role: str


class BadArguments(ValueError):
    pass


def allowed(role: str, command: str) -> str | None:
    """Why ``role`` may not send ``command``, or None when it may."""
    if role not in POSTING_ROLES:
        return f"a {role} link can only follow the session"
    if command in TIMER_COMMANDS and role != COMODERATOR:
        return "a rapporteur seat cannot drive the timer or mark questions"
    return None


def run_command(engine: Engine, who: SeatIdentity, command_id: object, command: object,
                args: object) -> Outcome:
    """Apply one seat command (or recognise it as already applied) and say what became of it."""
    if not isinstance(command_id, str) or not 0 < len(command_id) <= MAX_COMMAND_ID:
        return Refused("a command needs an id")
    applied = engine.state.applied_commands.get(command_id)
    if applied is not None:
        return Acked(applied)
    if not isinstance(command, str) or command not in COMMANDS:
        return Refused("unknown command")
    reason = allowed(who.role, command)
    if reason is not None:
        return Refused(reason)
    if not isinstance(args, Mapping):
        args = {}
    before = len(engine.history)
    try:
        with engine.acting_for(Origin(command_id, who.seat, who.author)):
            _HANDLERS[command](engine, who, args)
    except (CommandRefused, NoteError) as refusal:
        return Refused(str(refusal))
    except BadArguments as error:
        return Refused(f"bad arguments: {error}")
    if len(engine.history) == before:
        return Refused("nothing to do")
    return Acked(engine.state.applied_commands.get(command_id, len(engine.history) - 1))


# ------------------------------------------------------------------ argument checks


def _text(args: Mapping[str, Any], name: str, limit: int = MAX_TEXT) -> str:
    value = args.get(name)
    if not isinstance(value, str) or len(value) > limit:
        raise BadArguments(f"{name} must be text of at most {limit} characters")
    return value


def _whole(args: Mapping[str, Any], name: str, low: int, high: int) -> int:
    value = args.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadArguments(f"{name} must be a whole number from {low} to {high}")
    return value


def _own_note(engine: Engine, who: SeatIdentity, args: Mapping[str, Any]) -> int:
    """A seat corrects or deletes only the notes it wrote itself."""
    note_id = _whole(args, "id", 1, 10_000_000)
    note = engine.state.notes.get(note_id)
    if note is None or note.deleted:
        raise CommandRefused(f"there is no note {note_id}")
    if note.seat != who.seat:
        raise CommandRefused("a seat can correct or delete only its own notes")
    return note_id


def _add_note(engine: Engine, who: SeatIdentity, args: Mapping[str, Any]) -> None:
    engine.log_entry(_text(args, "text"))  # a note, or ``participants: 42``, as at the host's keyboard


def _edit_note(engine: Engine, who: SeatIdentity, args: Mapping[str, Any]) -> None:
    engine.edit_note(_own_note(engine, who, args), _text(args, "text"))


def _delete_note(engine: Engine, who: SeatIdentity, args: Mapping[str, Any]) -> None:
    engine.delete_note(_own_note(engine, who, args))


def _question(args: Mapping[str, Any]) -> tuple[str, int]:
    return _text(args, "round", MAX_SHORT_TEXT), _whole(args, "index", 0, MAX_SEGMENTS)


def _tick_cue(engine: Engine, who: SeatIdentity, args: Mapping[str, Any]) -> None:
    done = args.get("done", True)
    if not isinstance(done, bool):
        raise BadArguments("done must be true or false")
    engine.tick_cue(_whole(args, "segment", 0, MAX_SEGMENTS), _whole(args, "cue", 0, MAX_SEGMENTS), done)


Handler = Callable[[Engine, SeatIdentity, Mapping[str, Any]], object]

_HANDLERS: dict[str, Handler] = {
    "add_note": _add_note,
    "edit_note": _edit_note,
    "delete_note": _delete_note,
    "toggle": lambda engine, _, __: engine.toggle(),
    "next": lambda engine, _, __: engine.next(),
    "previous": lambda engine, _, __: engine.previous(),
    "goto": lambda engine, _, args: engine.goto(_whole(args, "segment", 0, MAX_SEGMENTS - 1)),
    "adjust": lambda engine, _, args: engine.adjust(_whole(args, "seconds", -MAX_ADJUST, MAX_ADJUST)),
    "end": lambda engine, _, __: engine.end(),
    "ask_next_question": lambda engine, _, __: engine.ask_next_question(),
    "ask_question": lambda engine, _, args: engine.ask_question(*_question(args)),
    "unask_question": lambda engine, _, args: engine.unask_question(*_question(args)),
    "tick_cue": _tick_cue,
}
