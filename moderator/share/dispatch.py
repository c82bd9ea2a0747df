"""A seat's command, applied on the host: who may do what, exactly once, through the engine.

This is the host's side of the seats' ``command {id, type, args}``: it decides per message whether
the seat's role allows it (the one table, ``roles.py``: a rapporteur adds notes and corrects or
deletes its own; a co-moderator also drives the timer and marks questions; stage and backstage
links are no seats at all), then runs the
same engine method a key press runs, on behalf of the seat (``Engine.acting_for``), so the event
records the command id. A command id already in the journal is answered with the seq of the event
that applied it and is not applied again: that is what makes a resent note land once.

No network here: ``seat_protocol`` carries the messages, this module decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from moderator.session.engine import CommandRefused, Engine, Origin
from moderator.session.notes import NoteError
from moderator.share.commands import BadCommand, Sender
from moderator.share.commands import run_command as run_remote_command
from moderator.share.roles import SEAT_ROLES, why_not
from moderator.share.tokens import Role

RAPPORTEUR = "rapporteur"
COMODERATOR = "comoderator"
POSTING_ROLES = frozenset(role.value for role in SEAT_ROLES)
MAX_COMMAND_ID = 64


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


def allowed(role: str, command: str) -> str | None:
    """Why ``role`` may not send ``command``, or None when it may (the one table, ``roles.py``)."""
    try:
        known = Role(role)
    except ValueError:
        return f"a {role} link can only follow the session"
    return why_not(known, command)


def run_command(engine: Engine, who: SeatIdentity, command_id: object, command: object,
                args: object) -> Outcome:
    """Apply one seat command (or recognise it as already applied) and say what became of it."""
    if not isinstance(command_id, str) or not 0 < len(command_id) <= MAX_COMMAND_ID:
        return Refused("a command needs an id")
    if not isinstance(command, str):
        return Refused("unknown command")
    reason = allowed(who.role, command)
    if reason is not None:  # before the exactly-once answer: a reused id does not lift a role's bounds
        return Refused(reason)
    applied = engine.state.applied_commands.get(command_id)
    if applied is not None:
        if _made_by_another_seat(engine, applied, who):
            return Refused("this command id belongs to another seat's command")
        return Acked(applied)
    before = len(engine.history)
    try:
        with engine.acting_for(Origin(command_id, who.seat, who.author)):
            run_remote_command(engine, command, args if args is not None else {}, Sender(who.seat, who.author))
    except (CommandRefused, NoteError) as refusal:
        return Refused(str(refusal))
    except BadCommand as error:
        return Refused(f"bad arguments: {error}")
    if len(engine.history) == before:
        return Refused("nothing to do")
    return Acked(engine.state.applied_commands.get(command_id, len(engine.history) - 1))


def _made_by_another_seat(engine: Engine, seq: int, who: SeatIdentity) -> bool:
    """Whether the event at ``seq`` (which applied a command id) records a seat other than ``who``:
    an acknowledgement is the sender's own, never a way to learn of another seat's command."""
    if not 0 <= seq < len(engine.history):
        return False
    seat = getattr(engine.history[seq], "seat", None)
    return seat is not None and seat != who.seat
