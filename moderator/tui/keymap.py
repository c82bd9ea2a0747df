"""The console's keys, written once.

``CONSOLE_ACTIONS`` is the single source of the key help: the console's bindings (and so the
Footer) and the command palette's entries are generated from it, and a test checks the
README's key table against the bindings. Its order is the Footer's order.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType
from textual.keys import format_key


@dataclass(frozen=True)
class ConsoleAction:
    """One thing the console does: the keys that do it, its label in the Footer and its entry
    in the command palette."""

    action: str
    """The action run on the console screen (``app.`` for the App's)."""
    description: str
    """Its label in the Footer (and in Textual's key panel)."""
    keys: str = ""
    """Comma-separated, as a ``Binding`` takes them; the Footer shows the first."""
    show: bool = True
    """In the Footer (when it has ``keys``)."""
    priority: bool = False
    """``keys`` are resolved before the focused widget sees them."""
    while_typing: str = ""
    """More keys that work even in the note box: priority bindings, not in the Footer."""
    palette: str = ""
    """Its title in the command palette; empty: not there."""
    palette_help: str = ""
    """What it does, in the palette; the keys are added from the bindings."""

    def bindings(self) -> list[Binding]:
        found = []
        if self.keys:
            found.append(Binding(self.keys, self.action, self.description, show=self.show, priority=self.priority))
        if self.while_typing:
            found.append(Binding(self.while_typing, self.action, self.description, show=False, priority=True))
        return found

    @property
    def all_keys(self) -> list[str]:
        return [key for keys in (self.keys, self.while_typing) if keys for key in keys.split(",")]

    @property
    def palette_text(self) -> str:
        """``The timer (space, F5)``: the help and every key that does it."""
        keys = ", ".join(key_label(key) for key in self.all_keys)
        return f"{self.palette_help} ({keys})" if keys else self.palette_help


CONSOLE_ACTIONS: tuple[ConsoleAction, ...] = (
    # Textual's own ctrl+q binding (a priority one, on the App) runs it; this row puts it in
    # the Footer, first, where it always was.
    ConsoleAction("app.quit", "Quit", "ctrl+q", priority=True),
    ConsoleAction("toggle_timer", "Timer", "space", while_typing="f5",
                  palette="Start / pause / resume", palette_help="The timer"),
    ConsoleAction("next_segment", "Next", "n,right", while_typing="f7,ctrl+n",
                  palette="Next segment", palette_help="Move on"),
    ConsoleAction("previous_segment", "Previous", "p,left", while_typing="f6",
                  palette="Previous segment", palette_help="Go back"),
    ConsoleAction("adjust(60)", "+1m", "plus,equals_sign",
                  palette="Add a minute", palette_help="To the current segment"),
    ConsoleAction("adjust(-60)", "-1m", "minus",
                  palette="Remove a minute", palette_help="From the current segment"),
    # Priority, so the focus moves before the keys typed right after it are dispatched.
    ConsoleAction("focus_notes", "Note", "i,enter", priority=True),
    ConsoleAction("ask_next_question", "Asked", "a",
                  palette="Mark next question asked", palette_help="Guiding questions"),
    ConsoleAction("pick_segment", "Go to", "g", palette="Go to segment…", palette_help="Pick a segment"),
    ConsoleAction("pick_question", "Questions", "q", show=False,
                  palette="Mark a question…", palette_help="Any guiding question, asked or not"),
    ConsoleAction("copy_signal", "Signal", "c", while_typing="f8",
                  palette="Copy time signal for the chat", palette_help="Clipboard, in the session's language"),
    ConsoleAction("stage_message", "Stage", "m", show=False,
                  palette="Message to the speaker…", palette_help="The stage view: message, flash, blackout"),
    ConsoleAction("share", "Share", "s", show=False,
                  palette="Share: links and QR codes", palette_help="Stage view, backstage, seats"),
    ConsoleAction("tick_cue", "Cue done", "k", show=False,
                  palette="Tick the next cue", palette_help="The segment's checklist"),
    ConsoleAction("cycle_view", "View", "v", show=False,
                  palette="Switch view", palette_help="Notes / agenda / questions / cues on a narrow screen"),
    ConsoleAction("end_session", "End", "e", palette="End the session", palette_help="Asks first"),
    ConsoleAction("edit_last_note", "Edit last note", while_typing="ctrl+e",
                  palette="Edit the last note", palette_help="Back into the box to correct it"),
    ConsoleAction("delete_last_note", "Delete last note",
                  palette="Delete the last note", palette_help="Asks first; the journal keeps a record"),
    ConsoleAction("pick_note", "Notes…", "o", show=False, while_typing="ctrl+o",
                  palette="Correct or delete a note…", palette_help="Any note, not only the last"),
    ConsoleAction("enter_participants", "Participants",
                  palette="Set the number of participants",
                  palette_help="Types 'participants: ' in the note box; a new count replaces the old"),
)


def console_bindings() -> list[BindingType]:
    return [binding for action in CONSOLE_ACTIONS for binding in action.bindings()]


def palette_actions() -> list[ConsoleAction]:
    """The console's actions in the command palette (ctrl+p), searchable by name."""
    return [action for action in CONSOLE_ACTIONS if action.palette]


README_KEY_NAMES = {"enter": "enter"}
"""Where the README writes a key otherwise than Textual's Footer does (``⏎``)."""


def key_label(key: str) -> str:
    """A key as the README and the palette write it: ``space``, ``→``, ``+``, ``F5``, ``ctrl+n``."""
    if key[:1] == "f" and key[1:].isdigit():
        return key.upper()
    return README_KEY_NAMES.get(key) or format_key(key)
