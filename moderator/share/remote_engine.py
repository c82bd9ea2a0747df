"""The engine a seat's console drives: the host's state, rebuilt here; commands sent over the wire.

``RemoteEngine`` is an ``Engine`` whose state is built only from the host's journal events, by the
same reducer (``apply``), and whose clock is the host's session axis (local monotonic time plus the
offset the seat client measured). So the console (``ConsoleScreen``) runs unchanged on a seat: it
reads ``state`` and ``snapshot()`` as it does at the host. A command checks what it can locally
(the same checks, through the base class, with the same words), then, instead of being journaled
here, is sent: notes and their corrections through the outbox (durable, resent until acknowledged),
timer commands only while connected. Nothing changes here until the host's event comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from moderator.i18n import ngettext, translator
from moderator.programme import parse_programme
from moderator.session import events as ev
from moderator.session.clock import Clock, SystemClock
from moderator.session.engine import CommandRefused, E, Engine
from moderator.session.events import Event, NoteKind, clean_text
from moderator.session.notes import NoteError, parse_note, participants_count
from moderator.session.state import Note, apply, new_state
from moderator.share.dispatch import COMODERATOR, POSTING_ROLES, allowed
from moderator.text import visible

SEAT_NAMES = {"rapporteur": "rapporteur seat", "comoderator": "co-moderator seat", "stage": "stage seat",
              "backstage": "backstage seat"}
"""The seat line's first words, one message a role so that each translates whole."""

if TYPE_CHECKING:  # the console imports this module: it must not pay for importing aiohttp
    from moderator.share.seat_client import SeatClient


class RemoteEngine(Engine):
    def __init__(self, client: SeatClient, clock: Clock | None = None) -> None:
        if client.programme_text is None:
            raise ValueError("the seat has not been welcomed yet")
        programme = parse_programme(client.programme_text.encode("utf-8"), "the host's programme")
        super().__init__(programme, clock or SystemClock(), None, new_state(len(programme.segments)), 0.0, [])
        self.client = client
        self._generation = -1
        self._sending: tuple[str, dict[str, Any]] | None = None
        self.on_status: Callable[[], None] | None = None
        """Told when the connection or the outbox changes (connected, offline, a note acknowledged)."""
        self._sync()
        client.subscribe(self._on_client)

    # ------------------------------------------------------------------ following the host

    def now_t(self) -> float:
        """The host's session axis now: local monotonic time plus the measured offset (before the
        first measure, the time of the host's last event: the countdown waits rather than guesses)."""
        offset = self.client.offset.value
        if offset is None:
            return self.state.last_t
        return self.clock.monotonic() + offset

    def _on_client(self, kind: str, _: dict[str, Any]) -> None:
        if kind in ("welcome", "event"):
            self._sync()
        if kind != "event" and self.on_status is not None:
            self.on_status()

    def _sync(self) -> None:
        """Apply the host's events this engine has not applied yet (all of them after a reset)."""
        if self.client.generation != self._generation:
            self._generation = self.client.generation
            self.state = new_state(len(self.programme.segments))
            self.history = []
        for event in self.client.events[len(self.history):]:
            apply(self.state, event)
            self.history.append(event)
            for listener in self._listeners:
                listener(event, self.state)

    # ------------------------------------------------------------------ who this seat is

    @property
    def role(self) -> str:
        return self.client.role or ""

    def seat_line(self, language: str = "en") -> str:
        """At a glance: which seat, and whether what it typed has reached the host (in ``language``)."""
        _ = translator(language)
        role = _(SEAT_NAMES.get(self.role, "{role} seat")).format(role=self.role)
        who = role + (f" · {visible(self.client.name)}" if self.client.name else "")
        waiting = sum(1 for pending in self.client.waiting() if pending.type == "add_note")
        if not self.client.connected:
            offline = ngettext(language, "offline: {n} note waiting", "offline: {n} notes waiting", waiting)
            if self.client.revoked:  # not a network cut: this link no longer opens the session
                return f"{who} · {_('link revoked: ask the host for the new link')} · {offline.format(n=waiting)}"
            return f"{who} · {offline.format(n=waiting)}"
        if waiting:
            return f"{who} · {_('connected')} · {_('sending {n}').format(n=waiting)}"
        return f"{who} · {_('connected')}"

    # ------------------------------------------------------------------ commands, sent

    def _emit(self, event: E, at_t: float | None = None) -> E:
        """The base class checked the command and made its event: send the command instead."""
        sending, self._sending = self._sending, None
        if sending is None:
            raise CommandRefused("a seat cannot do that")
        command, args = sending
        if self.client.send_now(command, args) is None:
            raise CommandRefused("offline: the timer can be driven only while connected")
        return event

    def _send(self, command: str, args: dict[str, Any], check: Callable[[], object]) -> None:
        reason = allowed(self.role, command)
        if reason is not None:
            raise CommandRefused(reason)
        self._sending = (command, args)
        try:
            check()
        finally:
            self._sending = None

    def _change_segment(self, change: ev.Started | ev.Moved | ev.Ended, at_t: float | None = None) -> None:
        """One command for the host, whose engine takes down what the stage showed the speaker leaving."""
        self._emit(change, at_t)

    def flow(self) -> Event | None:
        """A seat never moves the session on by itself: the host's engine does, from its clock."""
        return None

    def toggle(self) -> str:
        self._send("toggle", {}, super().toggle)
        return "sent"

    def next(self) -> None:
        self._send("next", {}, super().next)

    def previous(self) -> None:
        self._send("previous", {}, super().previous)

    def goto(self, segment: int) -> None:
        self._send("goto", {"segment": segment}, lambda: super(RemoteEngine, self).goto(segment))

    def adjust(self, seconds: int) -> None:
        self._send("adjust", {"seconds": int(seconds)}, lambda: super(RemoteEngine, self).adjust(seconds))

    def end(self) -> None:
        self._send("end", {}, super().end)

    def ask_question(self, round_id: str, index: int) -> None:
        self._send("ask_question", {"round": round_id, "index": index},
                   lambda: super(RemoteEngine, self).ask_question(round_id, index))

    def unask_question(self, round_id: str, index: int) -> None:
        self._send("unask_question", {"round": round_id, "index": index},
                   lambda: super(RemoteEngine, self).unask_question(round_id, index))

    def tick_cue(self, segment: int, cue: int, done: bool = True) -> None:
        self._send("tick_cue", {"segment": segment, "cue": cue, "done": done},
                   lambda: super(RemoteEngine, self).tick_cue(segment, cue, done))

    # ------------------------------------------------------------------ notes, through the outbox

    def _require_posting(self) -> None:
        if self.role not in POSTING_ROLES:
            raise CommandRefused("a {role} seat cannot write notes", role=self.role or "following")

    def log_entry(self, raw: str) -> Note | None:
        self._require_posting()
        if participants_count(raw) is not None:
            self.client.send_durable("add_note", {"text": raw})
            return None
        return self.add_note(raw)

    def add_note(self, raw: str, *, kind: NoteKind | str | None = None, speaker: str | None = None) -> Note:
        """Checked here as the host will check it (an unknown ``@name`` is refused at once), then
        written to the outbox: returned as a note with no number yet, shown as sending."""
        self._require_posting()
        note = self._as_note(raw)
        self.client.send_durable("add_note", {"text": raw})
        return note

    def _as_note(self, raw: str) -> Note:
        groups, _ = self.current_groups()
        parsed = parse_note(clean_text(raw), self.programme, groups)
        if parsed.participants is not None:
            raise NoteError("that is the number of participants, not a note")
        return Note(id=0, text=parsed.text, kind=parsed.kind, segment=self.state.current,
                    speaker=parsed.speaker_id or self.default_speaker(), question=self.state.current_question,
                    t=self.now_t(), wall=self.clock.now().isoformat(), level=parsed.level or 0,
                    seat=self.client.seat_id, author=self.client.name)

    def pending_notes(self) -> list[Note]:
        """Notes typed here that the host has not acknowledged yet, oldest first."""
        notes = []
        for pending in self.client.waiting():
            if pending.type != "add_note" or participants_count(str(pending.args.get("text", ""))) is not None:
                continue
            try:
                notes.append(self._as_note(str(pending.args.get("text", ""))))
            except NoteError:
                continue
        return notes

    def own_notes(self) -> list[Note]:
        return [note for note in self.state.visible_notes() if note.seat == self.client.seat_id]

    def _own(self, note_id: int) -> Note:
        note = self._note(note_id)
        if note.seat != self.client.seat_id:
            raise CommandRefused("a seat can correct or delete only its own notes")
        return note

    def edit_note(self, note_id: int, raw: str) -> Note:
        self._require_posting()
        note = self._own(note_id)
        parse_note(clean_text(raw), self.programme, self.current_groups()[0])  # refuse a bad @name now
        self.client.send_durable("edit_note", {"id": note_id, "text": raw})
        return note

    def delete_note(self, note_id: int) -> None:
        self._require_posting()
        self._own(note_id)
        self.client.send_durable("delete_note", {"id": note_id})

    def set_participants(self, count: int) -> None:
        self._require_posting()
        self.client.send_durable("add_note", {"text": f"participants: {int(count)}"})


__all__ = ["COMODERATOR", "RemoteEngine"]
