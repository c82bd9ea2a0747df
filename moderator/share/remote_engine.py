"""The engine a seat's console drives: the host's state, followed here; commands sent to the host.

``SeatEngine`` keeps the contract every face uses (``session.contract.SessionEngine``) by
composition, not by inheriting the host's engine:

- a local ``Engine`` with no journal, fed only the host's events (``Engine.follow``, the same
  reducer), whose clock is the host's session axis (local monotonic time plus the offset the seat
  client measured). It holds the state the console reads, and it checks a command before it is
  sent (``Engine.check``: the host's own rules and words, nothing applied);
- a sender, the ``SeatClient``: notes and their corrections through the outbox (durable, resent
  until acknowledged), the moderator's commands only while connected.

What the seat may send is read from the one role table (``share.commands``): a rapporteur writes
notes, a co-moderator also drives the timer, marks questions and cues, and sends messages, flash
and blackout to the stage. Nothing changes here until the host's event comes back, and every event
reaches the console by the one road, ``subscribe``. A sleep of the seat's computer is said on the
seat's own screen: the host's journal is not the seat's to write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import pendulum

from moderator.i18n import ngettext, translator
from moderator.programme import Programme, parse_programme
from moderator.programme.language import sniff_language
from moderator.session.clock import Clock, SystemClock
from moderator.session.contract import Listener
from moderator.session.engine import SLEEP_WORTH_SAYING, CommandRefused, Engine
from moderator.session.events import Event, QuestionAsked, clean_text
from moderator.session.notes import NoteError, parse_note, participants_count
from moderator.session.snapshot import Snapshot
from moderator.session.state import Note, State, Status, new_state
from moderator.share.outbox import Pending
from moderator.share.roles import SEAT_ROLES, why_not
from moderator.share.tokens import Role
from moderator.text import visible

SEAT_NAMES: dict[Role | str, str] = {Role.RAPPORTEUR: "rapporteur seat", Role.COMODERATOR: "co-moderator seat",
                                     Role.STAGE: "stage seat", Role.BACKSTAGE: "backstage seat"}
"""The seat line's first words, one message a role so that each translates whole."""



class HostOffset(Protocol):
    @property
    def value(self) -> float | None:
        """host session time = local monotonic time + ``value`` (None until measured)."""
        ...


class SeatConnection(Protocol):
    """What the seat's engine uses of its connection to the host: ``SeatClient`` over a WebSocket
    (kept out of this module: the console must not pay for importing aiohttp), or a test's fake."""

    @property
    def programme_text(self) -> str | None: ...

    @property
    def generation(self) -> int:
        """Grows when ``events`` had to be started again (another journal)."""
        ...

    @property
    def events(self) -> list[Event]: ...

    @property
    def role(self) -> str | None: ...

    @property
    def name(self) -> str | None: ...

    @property
    def seat_id(self) -> str | None:
        """The id the host gave this seat (None until it welcomed it)."""
        ...

    @property
    def connected(self) -> bool: ...

    @property
    def revoked(self) -> bool:
        """The host refused the link itself (renewed links): not a network cut."""
        ...

    @property
    def offset(self) -> HostOffset: ...

    def subscribe(self, listener: Callable[[str, dict[str, Any]], None]) -> None: ...

    def send_durable(self, command: str, args: dict[str, Any]) -> Pending: ...

    def send_now(self, command: str, args: dict[str, Any]) -> str | None: ...

    def waiting(self) -> list[Pending]: ...


class HostAxisClock:
    """The host's session axis read on the seat: local monotonic time plus the measured offset
    (before the first measure, the time of the host's last event: the countdown waits rather than
    guesses). Wall time and sleep are the seat's own computer's."""

    def __init__(self, base: Clock, offset: Callable[[], float | None], fallback: Callable[[], float]) -> None:
        self.base = base
        self._offset = offset
        self._fallback = fallback

    def monotonic(self) -> float:
        offset = self._offset()
        return self._fallback() if offset is None else self.base.monotonic() + offset

    def now(self) -> pendulum.DateTime:
        return self.base.now()

    def take_suspended(self) -> float:
        return self.base.take_suspended()


class SeatEngine:
    def __init__(self, client: SeatConnection, clock: Clock | None = None) -> None:
        if client.programme_text is None:
            raise ValueError("the seat has not been welcomed yet")
        # Its problems (a host of a newer version) name it in its own language: the file is the host's.
        label = translator(sniff_language(client.programme_text) or "en")("the host's programme")
        self.programme: Programme = parse_programme(client.programme_text.encode("utf-8"), label)
        self.client = client
        self.clock = HostAxisClock(clock or SystemClock(), lambda: client.offset.value, lambda: self.state.last_t)
        self._listeners: list[Listener] = []
        self._generation = client.generation
        self._local = self._fresh_local()
        self._sync()
        client.subscribe(self._on_client)

    def _fresh_local(self) -> Engine:
        """The reducer and the checker: the host's rules over the host's events, no journal."""
        return Engine(self.programme, self.clock, None, new_state(len(self.programme.segments)), 0.0, [])

    # ------------------------------------------------------------------ following the host

    @property
    def state(self) -> State:
        return self._local.state

    @property
    def history(self) -> list[Event]:
        return self._local.history

    @property
    def status(self) -> Status:
        return self._local.status

    def now_t(self) -> float:
        return self._local.now_t()

    def remaining(self) -> float:
        return self._local.remaining()

    def snapshot(self) -> Snapshot:
        return self._local.snapshot()

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def take_notices(self) -> list[str]:
        return []

    def notice_sleep(self) -> float:
        """The seat's computer slept: said on its own screen, never sent (the host's journal
        records the host's sleeps); the countdown follows the host's clock all the same."""
        slept = self.clock.take_suspended()
        return slept if slept >= SLEEP_WORTH_SAYING else 0.0

    def _on_client(self, kind: str, _: dict[str, Any]) -> None:
        if kind in ("welcome", "event"):
            self._sync()

    def _sync(self) -> None:
        """Follow the host's events this engine has not applied yet (all of them after a reset)."""
        if self.client.generation != self._generation:
            self._generation = self.client.generation
            self._local = self._fresh_local()
        for event in self.client.events[len(self._local.history):]:
            self._local.follow(event)
            for listener in self._listeners:
                listener(event, self.state)

    # ------------------------------------------------------------------ who this seat is

    @property
    def role(self) -> Role | None:
        """The role of the link this seat joined by, as the host said it (None before it did)."""
        return Role(self.client.role) if self.client.role in tuple(Role) else None

    def may(self, command: str) -> bool:
        return self.role is not None and why_not(self.role, command) is None

    def status_line(self, language: str = "en") -> str:
        """At a glance: which seat, and whether what it typed has reached the host (in ``language``)."""
        _ = translator(language)
        role = _(SEAT_NAMES.get(self.role or "", "{role} seat")).format(role=self.client.role)
        who = role + (f" · {visible(self.client.name)}" if self.client.name else "")
        waiting = len(self._waiting_notes())
        if not self.client.connected:
            offline = ngettext(language, "offline: {n} note waiting", "offline: {n} notes waiting", waiting)
            if self.client.revoked:  # not a network cut: this link no longer opens the session
                return f"{who} · {_('link revoked: ask the host for the new link')} · {offline.format(n=waiting)}"
            return f"{who} · {offline.format(n=waiting)}"
        if waiting:
            return f"{who} · {_('connected')} · {_('sending {n}').format(n=waiting)}"
        return f"{who} · {_('connected')}"

    # ------------------------------------------------------------------ the moderator's commands, sent

    def _send(self, command: str, args: dict[str, Any], check: Callable[[], object]) -> Event | None:
        """Refused here when the role may not send it or the host would refuse it now (the host's
        words); otherwise sent while connected. Returns the event the host is expected to make."""
        reason = why_not(self.role, command) if self.role is not None else "this link can only follow the session"
        if reason is not None:
            raise CommandRefused(reason)
        expected = self._local.check(check)
        if self.client.send_now(command, args) is None:
            raise CommandRefused("offline: the timer can be driven only while connected")
        return expected

    def flow(self) -> Event | None:
        """A seat never moves the session on by itself: the host's engine does, from its clock."""
        return None

    def toggle(self) -> str:
        self._send("toggle", {}, self._local.toggle)
        return "sent"

    def next(self) -> None:
        self._send("next", {}, self._local.next)

    def previous(self) -> None:
        self._send("previous", {}, self._local.previous)

    def goto(self, segment: int) -> None:
        self._send("goto", {"segment": segment}, lambda: self._local.goto(segment))

    def adjust(self, seconds: int) -> None:
        self._send("adjust", {"seconds": int(seconds)}, lambda: self._local.adjust(seconds))

    def end(self) -> None:
        self._send("end", {}, self._local.end)

    def ask_question(self, round_id: str, index: int) -> None:
        self._send("ask_question", {"round": round_id, "index": index},
                   lambda: self._local.ask_question(round_id, index))

    def ask_next_question(self) -> tuple[str, int]:
        """The question the host would mark next, marked by name (what the seat saw is what is marked)."""
        expected = self._local.check(self._local.ask_next_question)
        assert isinstance(expected, QuestionAsked)
        self.ask_question(expected.round, expected.index)
        return expected.round, expected.index

    def unask_question(self, round_id: str, index: int) -> None:
        self._send("unask_question", {"round": round_id, "index": index},
                   lambda: self._local.unask_question(round_id, index))

    def current_rounds(self) -> tuple[str, ...]:
        return self._local.current_rounds()

    def tick_cue(self, segment: int, cue: int, done: bool = True) -> None:
        self._send("tick_cue", {"segment": segment, "cue": cue, "done": done},
                   lambda: self._local.tick_cue(segment, cue, done))

    def show_message(self, text: str, *, keep: bool = False) -> None:
        self._send("message", {"text": text, "keep": keep}, lambda: self._local.show_message(text, keep=keep))

    def clear_message(self) -> None:
        self._send("clear_message", {}, self._local.clear_message)

    def set_flash(self, on: bool) -> None:
        self._send("flash", {"on": on}, lambda: self._local.set_flash(on))

    def set_blackout(self, on: bool) -> None:
        self._send("blackout", {"on": on}, lambda: self._local.set_blackout(on))

    # ------------------------------------------------------------------ notes, through the outbox

    def _require_posting(self) -> None:
        if self.role not in SEAT_ROLES:
            raise CommandRefused("a {role} seat cannot write notes", role=self.role or "following")

    def log_entry(self, raw: str) -> Note | int:
        """A note, checked here as the host will check it (an unknown ``@name`` is refused at once),
        then written to the outbox: returned with no number yet (id 0), shown as sending. Or
        ``participants: N``: sent, and N returned."""
        self._require_posting()
        count = participants_count(raw)
        if count is not None:
            self._local.check(lambda: self._local.set_participants(count))
            self.client.send_durable("add_note", {"text": raw})
            return count
        note = self._as_note(raw)
        self.client.send_durable("add_note", {"text": raw})
        return note

    def _as_note(self, raw: str) -> Note:
        groups, _ = self.current_groups()
        parsed = parse_note(clean_text(raw), self.programme, groups)
        if parsed.participants is not None:
            raise NoteError("that is the number of participants, not a note")
        return Note(id=0, text=parsed.text, kind=parsed.kind, segment=self.state.current,
                    speaker=parsed.speaker_id or self._local.default_speaker(),
                    question=self.state.current_question, t=self.now_t(), wall=self.clock.now().isoformat(),
                    level=parsed.level or 0, seat=self.client.seat_id, author=self.client.name)

    def _waiting_notes(self) -> list[str]:
        """The texts of the notes in the outbox the host has not applied yet (an event can come
        back before its acknowledgement)."""
        applied = self.state.applied_commands
        return [str(pending.args.get("text", "")) for pending in self.client.waiting()
                if pending.type == "add_note" and pending.id not in applied]

    def pending_notes(self) -> list[Note]:
        """Notes typed here that the host has not applied yet, oldest first."""
        notes = []
        for text in self._waiting_notes():
            if participants_count(text) is not None:
                continue
            try:
                notes.append(self._as_note(text))
            except NoteError:
                continue
        return notes

    def own_notes(self) -> list[Note]:
        seat = self.client.seat_id
        return [note for note in self.state.visible_notes() if seat is not None and note.seat == seat]

    def current_groups(self) -> tuple[tuple[str, ...], int | None]:
        return self._local.current_groups()

    def _own(self, note_id: int) -> Note:
        note = self.state.notes.get(note_id)
        if note is None or note.deleted:
            raise CommandRefused(f"there is no note {note_id}")
        if self.client.seat_id is None or note.seat != self.client.seat_id:
            raise CommandRefused("a seat can correct or delete only its own notes")
        return note

    def edit_note(self, note_id: int, raw: str) -> Note:
        self._require_posting()
        note = self._own(note_id)
        self._local.check(lambda: self._local.edit_note(note_id, raw))  # refuse a bad @name now
        self.client.send_durable("edit_note", {"id": note_id, "text": raw})
        return note

    def delete_note(self, note_id: int) -> None:
        self._require_posting()
        self._own(note_id)
        self.client.send_durable("delete_note", {"id": note_id})


__all__ = ["HostAxisClock", "SeatConnection", "SeatEngine"]
