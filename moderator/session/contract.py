"""The contract between an engine and the faces: everything a console (or any face) uses of one.

Two engines keep it: ``Engine`` at the host's keyboard (commands journaled here) and the seat's
``SeatEngine`` (``moderator join``: the host's events followed, commands sent to the host). A face
knows an engine only through this Protocol: it reads the state and the snapshot, is told of every
event through ``subscribe`` (one road, whatever the event's origin: a key, the HTTP API, a seat,
the followed chat), and sends commands, which are refused with a reason (``CommandRefused``,
``NoteError``) or happen. ``may`` says which commands this engine's role may send at all, so a face
offers only those.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from moderator.programme import Programme
from moderator.session.events import Event
from moderator.session.snapshot import Snapshot
from moderator.session.state import Note, State, Status

Listener = Callable[[Event, State], None]
"""Told each event after it is applied (and, at the host, durable): the one road to the faces."""


@runtime_checkable
class SessionEngine(Protocol):
    """What every face uses of an engine (``Engine``, ``SeatEngine``)."""

    @property
    def programme(self) -> Programme: ...

    @property
    def state(self) -> State: ...

    @property
    def status(self) -> Status: ...

    @property
    def history(self) -> list[Event]:
        """Every event so far, in order (a face looks back at what the engine did by itself)."""
        ...

    # ------------------------------------------------------------------ time

    def snapshot(self) -> Snapshot: ...

    def remaining(self) -> float:
        """Seconds left in the current segment (negative in overtime), from the clock."""
        ...

    def notice_sleep(self) -> float:
        """Seconds the computer slept since last asked (0 below a blip); the host journals it."""
        ...

    def flow(self) -> Event | None:
        """Move the session on if its segment's time is up and it flows (the host's engine; a seat's
        never does: None)."""
        ...

    # ------------------------------------------------------------------ being told

    def subscribe(self, listener: Listener) -> None: ...

    def status_line(self, language: str = "en") -> str:
        """What the engine says of itself ("" at the host; a seat: its role, connection, outbox)."""
        ...

    def take_notices(self) -> list[str]:
        """What happened to the journal's files since last asked (nothing on a seat)."""
        ...

    def may(self, command: str) -> bool:
        """Whether this engine's role may send ``command`` (a name of ``share.commands.COMMANDS``)."""
        ...

    # ------------------------------------------------------------------ the moderator's commands

    def toggle(self) -> str: ...

    def next(self) -> None: ...

    def previous(self) -> None: ...

    def goto(self, segment: int) -> None: ...

    def adjust(self, seconds: int) -> None: ...

    def end(self) -> None: ...

    def ask_next_question(self) -> tuple[str, int]: ...

    def ask_question(self, round_id: str, index: int) -> None: ...

    def unask_question(self, round_id: str, index: int) -> None: ...

    def current_rounds(self) -> tuple[str, ...]: ...

    def tick_cue(self, segment: int, cue: int, done: bool = True) -> None: ...

    def show_message(self, text: str, *, keep: bool = False) -> None: ...

    def clear_message(self) -> None: ...

    def set_flash(self, on: bool) -> None: ...

    def set_blackout(self, on: bool) -> None: ...

    # ------------------------------------------------------------------ notes

    def log_entry(self, raw: str) -> Note | int:
        """A note (returned; id 0 while a seat's note waits for the host) or ``participants: N`` (N)."""
        ...

    def edit_note(self, note_id: int, raw: str) -> Note: ...

    def delete_note(self, note_id: int) -> None: ...

    def own_notes(self) -> list[Note]:
        """The notes this face may correct or delete."""
        ...

    def pending_notes(self) -> list[Note]:
        """Notes typed here that the journal does not hold yet (a seat's, until acknowledged)."""
        ...

    def current_groups(self) -> tuple[tuple[str, ...], int | None]: ...
