"""The commands that arrive over the network, one vocabulary for the HTTP API and the seats.

A remote command is the same engine call a key makes, so it is journalled (fsync'd) before
``run_command`` returns, refused with the same reasons, and seen by every listener. Each command
says who may send it: note commands need a posting seat (rapporteur or co-moderator); the
moderator's commands (the timer, questions, cues, messages to the stage) need a co-moderator,
whether it arrives as a seat or through the HTTP API with the co-moderator's token. The roles are
checked on the host, per message, in ``dispatch`` (seats) and ``server`` (HTTP).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from moderator.session.engine import CommandRefused, Engine
from moderator.session.events import MAX_ADJUST, MAX_SEGMENTS, MAX_SHORT_TEXT, MAX_TEXT
from moderator.session.notes import MAX_NOTE_CHARACTERS
from moderator.session.state import Status


class BadCommand(ValueError):
    """The command is not one we know, or its arguments are wrong: the sender's mistake (HTTP 400)."""


class Needs(StrEnum):
    """What the sender must be to send a command."""

    POSTING_SEAT = "posting seat"
    """A rapporteur or a co-moderator seat: the notes."""
    COMODERATOR = "comoderator"
    """A co-moderator (seat or HTTP API token): everything that steers the session."""


@dataclass(frozen=True)
class Sender:
    """Who sent a command: their seat (``None`` for the HTTP API) and name."""

    seat: str | None = None
    author: str | None = None


Handler = Callable[[Engine, Sender, Mapping[str, Any]], object]


@dataclass(frozen=True)
class RemoteCommand:
    run: Handler
    needs: Needs


# ------------------------------------------------------------------ argument checks


def text_arg(args: Mapping[str, Any], name: str, limit: int = MAX_TEXT) -> str:
    value = args.get(name)
    if not isinstance(value, str) or len(value) > limit:
        raise BadCommand(f"'{name}' must be text of at most {limit} characters")
    return value


def whole_arg(args: Mapping[str, Any], name: str, low: int, high: int, default: int | None = None) -> int:
    value = args.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadCommand(f"'{name}' must be a whole number from {low} to {high}")
    return value


def _question(args: Mapping[str, Any]) -> tuple[str, int]:
    return text_arg(args, "round", MAX_SHORT_TEXT), whole_arg(args, "index", 0, MAX_SEGMENTS)


# ------------------------------------------------------------------ the moderator's commands


def _start(engine: Engine, _: Sender, __: Mapping[str, Any]) -> None:
    """Start, or resume after a pause: never pauses, so a button pressed twice does no harm."""
    if engine.status is Status.NOT_STARTED:
        engine.start()
    elif engine.status is Status.PAUSED:
        engine.resume()
    else:
        raise CommandRefused("the timer is already running" if engine.status is Status.RUNNING
                             else "the session has ended")


def _switch(name: str, setter: Callable[[Engine, bool], None], current: Callable[[Engine], bool]) -> Handler:
    """``flash``/``blackout``: ``{"on": true|false}``, or no argument to toggle."""
    def run(engine: Engine, _: Sender, args: Mapping[str, Any]) -> None:
        on = args.get("on")
        if on is None:
            on = not current(engine)
        if not isinstance(on, bool):
            raise BadCommand(f"{name}: 'on' must be true or false")
        setter(engine, on)
    return run


def _tick_cue(engine: Engine, _: Sender, args: Mapping[str, Any]) -> None:
    done = args.get("done", True)
    if not isinstance(done, bool):
        raise BadCommand("'done' must be true or false")
    engine.tick_cue(whole_arg(args, "segment", 0, MAX_SEGMENTS), whole_arg(args, "cue", 0, MAX_SEGMENTS), done)


def _move(step: Callable[[Engine], None]) -> Handler:
    """``next``/``previous``, with an optional ``{"from": 3}`` (0-based): move only if segment 3 is the
    one running. A controller sends the segment it showed, so a double tap (or a tap from two phones)
    moves one segment, the second press refused instead of skipping a speaker."""
    def run(engine: Engine, _: Sender, args: Mapping[str, Any]) -> None:
        if "from" in args:
            expected = whole_arg(args, "from", 0, MAX_SEGMENTS - 1)
            if engine.state.current != expected:
                raise CommandRefused("the segment has already changed")
        step(engine)
    return run


# ------------------------------------------------------------------ notes


def _own_note(engine: Engine, sender: Sender, args: Mapping[str, Any]) -> int:
    """A seat corrects or deletes only the notes it wrote itself."""
    note_id = whole_arg(args, "id", 1, 10_000_000)
    note = engine.state.notes.get(note_id)
    if note is None or note.deleted:
        raise CommandRefused("there is no note {id}", id=note_id)
    if sender.seat is None or note.seat != sender.seat:
        raise CommandRefused("a seat can correct or delete only its own notes")
    return note_id


def _typed_in(args: Mapping[str, Any]) -> int | None:
    """``add_note``'s optional ``typed_in``: the segment (0-based) running when the note was typed, so a
    note that waited offline while the session moved on lands where it was typed."""
    return whole_arg(args, "typed_in", 0, MAX_SEGMENTS - 1) if "typed_in" in args else None


def _steer(run: Callable[[Engine, Mapping[str, Any]], object]) -> RemoteCommand:
    return RemoteCommand(lambda engine, _, args: run(engine, args), Needs.COMODERATOR)


def _note(run: Handler) -> RemoteCommand:
    return RemoteCommand(run, Needs.POSTING_SEAT)


COMMANDS: dict[str, RemoteCommand] = {
    "start": RemoteCommand(_start, Needs.COMODERATOR),
    "pause": _steer(lambda engine, _: engine.pause()),
    "toggle": _steer(lambda engine, _: engine.toggle()),
    "next": RemoteCommand(_move(Engine.next), Needs.COMODERATOR),
    "previous": RemoteCommand(_move(Engine.previous), Needs.COMODERATOR),
    "goto": _steer(lambda engine, args: engine.goto(whole_arg(args, "segment", 0, MAX_SEGMENTS - 1))),
    "adjust": _steer(lambda engine, args: engine.adjust(whole_arg(args, "seconds", -MAX_ADJUST, MAX_ADJUST, 60))),
    "end": _steer(lambda engine, _: engine.end()),
    "ask_next_question": _steer(lambda engine, _: engine.ask_next_question()),
    "ask_question": _steer(lambda engine, args: engine.ask_question(*_question(args))),
    "unask_question": _steer(lambda engine, args: engine.unask_question(*_question(args))),
    "tick_cue": RemoteCommand(_tick_cue, Needs.COMODERATOR),
    "message": _steer(lambda engine, args: engine.show_message(text_arg(args, "text", MAX_SHORT_TEXT),
                                                               keep=args.get("keep") is True)),
    "clear_message": _steer(lambda engine, _: engine.clear_message()),
    "flash": RemoteCommand(_switch("flash", Engine.set_flash, lambda engine: engine.state.flash), Needs.COMODERATOR),
    "blackout": RemoteCommand(_switch("blackout", Engine.set_blackout, lambda engine: engine.state.blackout),
                              Needs.COMODERATOR),
    # a note, or ``participants: 42``, as at the host's keyboard
    # held to the console's note length (``MAX_NOTE_CHARACTERS``), whoever sends it
    "add_note": _note(lambda engine, _, args: engine.log_entry_typed_in(text_arg(args, "text", MAX_NOTE_CHARACTERS),
                                                                        _typed_in(args))),
    "edit_note": _note(lambda engine, sender, args: engine.edit_note(_own_note(engine, sender, args),
                                                                     text_arg(args, "text", MAX_NOTE_CHARACTERS))),
    "delete_note": _note(lambda engine, sender, args: engine.delete_note(_own_note(engine, sender, args))),
}


def lookup(command: object) -> RemoteCommand:
    """The command named ``command``; ``BadCommand`` when there is none."""
    found = COMMANDS.get(command) if isinstance(command, str) else None
    if found is None:
        raise BadCommand(f"unknown command (one of: {', '.join(COMMANDS)})")
    return found


def run_command(engine: Engine, command: object, args: object, sender: Sender | None = None) -> None:
    """Run one command for a sender already allowed to send it; ``BadCommand`` for a malformed one,
    ``CommandRefused`` when it makes no sense now (the engine's reason), ``JournalError`` when it
    could not be made durable."""
    found = lookup(command)
    if args is None:
        args = {}
    if not isinstance(args, Mapping):
        raise BadCommand("'args' must be an object")
    found.run(engine, sender or Sender(), args)
