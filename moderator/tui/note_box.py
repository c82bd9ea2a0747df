"""Where the rapporteur types: the note box, its completion of names, and pasting.

The only widget of the console that takes text; everything else only draws.

A paste of several lines (from the Zoom chat, say) is kept whole, as ONE note with its line
breaks: the box shows each break as ``↵`` and the note is logged with the real line breaks,
which the report keeps (``md``: hard line breaks, ``html``: ``<br>``). Nothing is dropped up to
``MAX_NOTE_CHARACTERS`` (a few pages); beyond that, what a runaway paste or key flood adds is
refused and the rapporteur told once. Control characters are shown, never sent to the terminal.
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
from moderator.session.notes import MAX_NOTE_CHARACTERS, people
from moderator.text import visible
from moderator.tui.typing_guard import TypedText

LINE_BREAK_SHOWN = "↵"
JOINERS = frozenset("\u200c\u200d")
"""Zero-width (non-)joiners: part of what was typed (👩🏽‍💻), though they print nothing alone."""
_MARKS = ("", "- ", "-- ")
_KINDS = ("", '"', "!", "?", ">", "! ", "? ", "> ")

__all__ = ["MAX_NOTE_CHARACTERS", "LineBreaksShown", "NameSuggester", "NoteBox"]


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
        ``MAX_NOTE_CHARACTERS``. A joiner, which ``Input`` would drop, is gathered like any
        character. Any other key first types what was gathered, so keys keep their order.
        Enter takes the note out of the box now, while the keys typed after it wait in the
        queue; ``prevent_default`` keeps ``Input``'s own key handler (and its Enter binding,
        resolved only once the key has bubbled up to the App) from seeing it."""
        character = event.character
        joiner = character is not None and character in JOINERS
        if character is not None and (joiner or (event.is_printable and self.selection.is_empty)):
            event.stop()
            event.prevent_default()
            self._gather(character)
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

    def on_typed_text(self, message: TypedText) -> None:
        """Keys typed while the box did not have the focus (the console posts them here, so they
        stay in order with the keys and pastes that follow them)."""
        message.stop()
        self._gather(message.text)

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
        """Type what was gathered (control characters made visible, line breaks kept) at the
        cursor, or over the selection."""
        self._flush_scheduled = False
        if self._pending:
            pending, self._pending = self._pending, ""
            self._insert(visible(pending, keep_newlines=True))

    def on_paste(self, event: events.Paste) -> None:
        """Keep every line of a paste (``Input`` keeps the first): one note, its line breaks kept,
        bounded like typing and in the same order as the keys around it."""
        event.stop()
        event.prevent_default()
        self.flush_typed()
        text = event.text.replace("\r\n", "\n").replace("\r", "\n")
        if text:
            self._gather(text)

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
