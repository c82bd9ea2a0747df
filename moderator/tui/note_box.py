"""Where the rapporteur types: the note box and its completion of speakers' names.

The only widget of the console that takes text; everything else only draws.
"""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input

from moderator.programme import Programme


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

    def on_key(self, event: events.Key) -> None:
        """Enter: take the note out of the box now, while the keys typed after it wait in the
        queue. ``prevent_default`` keeps ``Input``'s own key handler (and its Enter binding,
        resolved only once the key has bubbled up to the App) from seeing it; every other key
        goes on to ``Input``, which types it."""
        if event.key != "enter":
            return
        event.stop()
        event.prevent_default()
        text, self.value = self.value, ""
        if text.strip():
            self.post_message(self.NoteSubmitted(self, text))

    def give_back(self, text: str) -> None:
        """A note that could not be logged returns to the box, ahead of anything typed since."""
        self.value = text + (" " + self.value if self.value else "")
        self.cursor_position = len(text)
