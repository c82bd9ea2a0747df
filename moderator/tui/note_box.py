"""Where the rapporteur types: the note box, its completion of names, and pasting.

The only widget of the console that takes text; everything else only draws.

A paste of several lines (from the Zoom chat, say) is kept whole, as ONE note with its line
breaks: the box shows each break as ``↵`` and the note is logged with the real line breaks,
which the report keeps (``md``: hard line breaks, ``html``: ``<br>``). Nothing is dropped.
Characters Textual's ``Input`` would not insert because they do not print on their own (a
zero-width joiner inside an emoji, a zero-width non-joiner) are inserted as typed.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.highlighter import Highlighter
from rich.text import Text
from textual import events
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input

from moderator.programme import Programme
from moderator.session.notes import people

LINE_BREAK_SHOWN = "↵"
JOINERS = frozenset("\u200c\u200d")
"""Zero-width (non-)joiners: part of what was typed (👩🏽‍💻), though they print nothing alone."""
_MARKS = ("", "- ", "-- ")
_KINDS = ("", '"', "!", "?", ">", "! ", "? ", "> ")


class LineBreaksShown(Highlighter):
    """Draws each line break of the box's value as ``↵`` (one cell for one character, so the
    cursor stays where it is); the value itself keeps the real line break."""

    def highlight(self, text: Text) -> None:
        plain = text.plain
        if "\n" in plain:
            text.plain = plain.replace("\n", LINE_BREAK_SHOWN)
            for index, char in enumerate(plain):
                if char == "\n":
                    text.stylize("bold reverse", index, index + 1)


class NameSuggester(Suggester):
    """Completes ``@kim`` / ``@Young`` / ``@Samuel`` (the moderator) / ``@rapporteur`` and, during a
    break-out and the segment after it, ``@g1`` and group names (accept with →)."""

    def __init__(self, programme: Programme, groups: Callable[[], tuple[str, ...]] = lambda: ()) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        choices: list[str] = []
        for person_id, name in people(programme):
            choices.append(f"@{person_id} ")
            if name:
                choices.append(f"@{name.split()[0]} ")
        self._people = list(dict.fromkeys(choices))
        self._groups = groups

    def choices(self) -> list[str]:
        group_choices: list[str] = []
        for number, name in enumerate(self._groups(), start=1):
            group_choices += [f"@g{number} ", f'@"{name}" ']
        return self._people + group_choices

    async def get_suggestion(self, value: str) -> str | None:
        for mark in _MARKS:
            for kind in _KINDS:
                prefix = mark + kind
                typed = value[len(prefix):]
                if not value.startswith(prefix + "@") or len(typed) < 2:
                    continue
                if " " in typed and not typed.startswith('@"'):
                    continue
                for choice in self.choices():
                    if choice.lower().startswith(typed.lower()) and choice != typed:
                        return prefix + choice
        return None


class NoteBox(Input):
    """Where the rapporteur types; Enter logs the note and keeps the focus.

    Give it ``highlighter=LineBreaksShown()`` so a pasted note's line breaks show.

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
        goes on to ``Input``, which types it, except a joiner, which ``Input`` would drop."""
        if event.character is not None and event.character in JOINERS:
            event.stop()
            event.prevent_default()
            self._insert(event.character)
            return
        if event.key != "enter":
            return
        event.stop()
        event.prevent_default()
        text, self.value = self.value, ""
        if text.strip():
            self.post_message(self.NoteSubmitted(self, text))

    def on_paste(self, event: events.Paste) -> None:
        """Keep every line of a paste (``Input`` keeps the first): one note, its line breaks kept."""
        event.stop()
        event.prevent_default()
        text = event.text.replace("\r\n", "\n").replace("\r", "\n")
        if text:
            self._insert(text)

    def _insert(self, text: str) -> None:
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)

    def give_back(self, text: str) -> None:
        """A note that could not be logged returns to the box, ahead of anything typed since."""
        self.value = text + (" " + self.value if self.value else "")
        self.cursor_position = len(text)
