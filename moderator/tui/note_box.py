"""Where the rapporteur types: the note box and its completion of speakers' names.

The only widget of the console that takes text; everything else only draws.
"""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input

from moderator.programme import Programme
from moderator.text import visible

MAX_NOTE_CHARACTERS = 5_000
"""A note is a sentence or a paragraph; a page of text typed into the box is a paste gone wrong."""


class SpeakerSuggester(Suggester):
    """Completes ``@kim`` / ``@Young`` at the start of a note (accept with →)."""

    def __init__(self, programme: Programme) -> None:
        super().__init__(use_cache=True, case_sensitive=False)
        names = [(s.id, s.name) for s in programme.speakers]
        self._choices = [f"@{sid} " for sid, _ in names] + [f"@{name.split()[0]} " for _, name in names if name]
        self._choices.append("@moderator ")

    async def get_suggestion(self, value: str) -> str | None:
        for prefix in ("", '"', "!", "?", ">"):
            if value.startswith(prefix + "@") and " " not in value:
                typed = value[len(prefix):]
                for choice in self._choices:
                    if choice.lower().startswith(typed.lower()) and len(typed) > 1:
                        return prefix + choice
        return None


class NoteBox(Input):
    """Where the rapporteur types; Enter logs the note and keeps the focus.

    Enter is handled here, in order with the characters around it: a fast typist (or a
    paste) who goes on typing after Enter must not see the next note's first words
    glued to this one, as happens when the submit is left to a binding resolved later.
    """

    class NoteSubmitted(Message):
        def __init__(self, box: NoteBox, text: str) -> None:
            super().__init__()
            self.box = box
            self.text = text

    class Overflowed(Message):
        """Characters beyond ``MAX_NOTE_CHARACTERS`` were dropped (once per note)."""

    _pending: str = ""
    _flush_scheduled: bool = False
    _overflow_told: bool = False

    def on_key(self, event: events.Key) -> None:
        """Printable characters are gathered and typed in one go; Enter takes the note out.

        Typed one by one, each character costs ``Input`` a copy of the whole value, a redraw and
        a suggestion: a 100 KB paste without bracketed paste (arriving as 100 000 keys) froze the
        console for minutes. Gathered, a burst costs one insert; and the box holds at most
        ``MAX_NOTE_CHARACTERS``. Any other key first types what was gathered, so keys keep their
        order. Enter takes the note out of the box now, while the keys typed after it wait in
        the queue; ``prevent_default`` keeps ``Input``'s own handler (and its Enter binding) from
        seeing it."""
        if event.is_printable and event.character is not None and self.selection.is_empty:
            event.stop()
            event.prevent_default()
            self._gather(event.character)
            return
        self.flush_typed()
        if event.key != "enter":
            return
        event.stop()
        event.prevent_default()
        text, self.value = self.value, ""
        self._overflow_told = False
        if text.strip():
            self.post_message(self.NoteSubmitted(self, text))

    def _gather(self, text: str) -> None:
        room = MAX_NOTE_CHARACTERS - len(self.value) - len(self._pending)
        if len(text) > room:
            text = text[: max(0, room)]
            if not self._overflow_told:
                self._overflow_told = True
                self.post_message(self.Overflowed())
        self._pending += text
        if not self._flush_scheduled:
            self._flush_scheduled = True
            self.call_later(self.flush_typed)

    def flush_typed(self) -> None:
        """Type what was gathered (control characters made visible) at the cursor."""
        self._flush_scheduled = False
        if self._pending:
            pending, self._pending = self._pending, ""
            self.insert_text_at_cursor(visible(pending))

    def _on_paste(self, event: events.Paste) -> None:
        """A bracketed paste: its first line, bounded like typing, in the same order as keys."""
        event.stop()
        event.prevent_default()
        self.flush_typed()
        if event.text:
            self._gather(event.text.splitlines()[0] if event.text.strip() else "")

    def give_back(self, text: str) -> None:
        """A note that could not be logged returns to the box, ahead of anything typed since."""
        self.value = text + (" " + self.value if self.value else "")
        self.cursor_position = len(text)
