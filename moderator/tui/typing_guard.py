"""Words are never commands: printable keys that arrive as typing go into the note box.

The console's commands are single printable keys (``n`` moves on, space pauses, ``e`` ends, ``o``
picks a note to correct). A rapporteur who types a sentence while the note box is not focused ran
them all: "matar el puesto" opened the stage dialog, moved on, paused... So, on a real terminal,
while keys can be commands (the console's own screen, the box not focused), a printable key is held
for ``HOLD`` seconds before it runs: if another, different printable key follows within that time,
it was typing, and the held key and everything typed until a pause of ``TYPING_GAP`` go into the
box (``TypedText``) instead. A key pressed alone, or pressed again and again (``+ + +``, ``n n``),
runs as a command, ``HOLD`` later. ``i`` (which opens the box) followed at once by typing opens the
box and is not typed.

It lives in the driver's input thread (``ModeratorDriver``), where the keys' timing is real;
Textual's test pilot, which does not go through a driver, sends keys straight to the App.
"""

from __future__ import annotations

from textual import events
from textual.message import Message

HOLD = 0.25
"""Seconds a lone printable key waits, while keys are commands, to see whether typing follows: a
typist's next key comes within 0.1-0.25 s."""
TYPING_GAP = 1.0
"""Seconds without a key after which typing is over (keys may be commands again)."""
OPENS_THE_BOX = "i"
TYPING_KEYS = frozenset({"enter", "backspace", "delete", "left", "right", "home", "end"})
"""Keys a typist presses in the middle of typing (the box has the focus by then)."""


class TypedText(Message):
    """Printable keys that arrived as typing while the note box was not focused: they go into it."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def _printable(message: Message) -> events.Key | None:
    if isinstance(message, events.Key) and message.is_printable and message.character is not None:
        return message
    return None


class TypingGuard:
    """Holds a lone printable key; releases it as a key, or with what follows as ``TypedText``."""

    def __init__(self, hold: float = HOLD, gap: float = TYPING_GAP) -> None:
        self.hold = hold
        self.gap = gap
        self._held: events.Key | None = None
        self._held_at = 0.0
        self._typing_until = -1.0

    def feed(self, messages: list[Message], now: float, *, keys_are_commands: bool) -> list[Message]:
        """What to deliver now of ``messages`` (received at ``now``), in order."""
        out: list[Message] = []
        for message in messages:
            key = _printable(message)
            if key is None:
                out += self._release()
                out.append(message)
                if isinstance(message, events.Key) and message.key not in TYPING_KEYS:
                    self._typing_until = -1.0  # escape, ctrl+o, a function key: not typing any more
                continue
            if now < self._typing_until:
                self._typing_until = now + self.gap
                out.append(TypedText(key.character or ""))
            elif not keys_are_commands:
                out += self._release()
                out.append(key)
            elif self._held is None:
                self._held, self._held_at = key, now
            elif key.key == self._held.key:  # the same key again: a command pressed again (+ + +)
                out += self._release()
                self._held, self._held_at = key, now
            else:  # a different key right behind: typing
                held, self._held = self._held, None
                self._typing_until = now + self.gap
                text = "" if held.character == OPENS_THE_BOX else held.character or ""
                out.append(TypedText(text + (key.character or "")))
        return out

    def due(self, now: float) -> list[Message]:
        """The held key, once it has waited ``hold`` alone: a command."""
        if self._held is not None and now - self._held_at >= self.hold:
            return self._release()
        return []

    def timeout(self, now: float, longest: float) -> float:
        """How long the input loop may wait for the terminal before ``due`` has something."""
        if self._held is None:
            return longest
        return max(0.0, min(longest, self._held_at + self.hold - now))

    def _release(self) -> list[Message]:
        held, self._held = self._held, None
        return [held] if held is not None else []
