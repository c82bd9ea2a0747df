"""The console's keys, written once.

``CONSOLE_ACTIONS`` is the single source of the key help: the console's bindings (and so the
Footer) and the command palette's entries are generated from it, and a test checks the
README's key table against the bindings. Its order is the Footer's order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.binding import Binding, BindingsMap, BindingType
from textual.keys import format_key

from moderator.i18n import Translate


def N_(text: str) -> str:
    """Marks an English message for the catalogs; ``ConsoleScreen`` translates it when shown."""
    return text


def _english(text: str) -> str:
    return text


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
    group: Binding.Group | None = None
    """Shown with others under one description in the Footer (``+ - ±1 min``)."""
    sends: str = ""
    """The command it sends (a name of ``share.commands.COMMANDS``): a seat whose role may not send
    it has neither the key nor the palette entry. Empty: the console's own (views, clipboard, links)."""
    note_seat_key: str = ""
    """The key shown in the Footer of a seat that only writes notes (a rapporteur's), where the
    timer's keys are not."""

    def bindings(self, notes_only: bool = False) -> list[Binding]:
        """Its bindings; ``notes_only``: on a seat that only writes notes, its ``note_seat_key`` shown."""
        found = []
        keys, typing = self.keys, self.while_typing
        if notes_only and self.note_seat_key:
            key = self.note_seat_key
            works_while_typing = key in typing.split(",")
            found.append(Binding(key, f"while_typing('{self.action}')" if works_while_typing else self.action,
                                 self.description, priority=works_while_typing))
            keys, typing = _without(keys, key), _without(typing, key)
        if keys:
            found.append(Binding(keys, self.action, self.description, show=self.show, priority=self.priority,
                                 group=self.group))
        if typing:
            found.append(Binding(typing, f"while_typing('{self.action}')", self.description,
                                 show=False, priority=True))
        return found

    @property
    def all_keys(self) -> list[str]:
        return [key for keys in (self.keys, self.while_typing) if keys for key in keys.split(",")]

    @property
    def palette_text(self) -> str:
        return self.palette_text_in(_english)

    def palette_text_in(self, _: Translate) -> str:
        """``The timer (space, F5)``: the help and every key that does it."""
        keys = ", ".join(key_label(key) for key in self.all_keys)
        return f"{_(self.palette_help)} ({keys})" if keys else _(self.palette_help)


MINUTE = Binding.Group(N_("±1 min"), compact=True)

CONSOLE_ACTIONS: tuple[ConsoleAction, ...] = (
    # Textual's own ctrl+q binding (a priority one, on the App) runs it; this row puts it in
    # the Footer, first, where it always was.
    # Not in the Footer: at 80 columns its room goes to the keys a moderator presses mid-session.
    ConsoleAction("app.quit", N_("Quit"), "ctrl+q", priority=True, show=False),
    ConsoleAction("toggle_timer", N_("Timer"), "space", while_typing="f5",
                  palette=N_("Start / pause / resume"), palette_help=N_("The timer"), sends="toggle"),
    ConsoleAction("next_segment", N_("Next"), "n,right", while_typing="f7,ctrl+n",
                  palette=N_("Next segment"), palette_help=N_("Move on"), sends="next"),
    ConsoleAction("previous_segment", N_("Back"), "p,left", while_typing="f6",
                  palette=N_("Previous segment"), palette_help=N_("Go back"), sends="previous"),
    ConsoleAction("adjust(60)", N_("+1m"), "plus,equals_sign", group=MINUTE,
                  palette=N_("Add a minute"), palette_help=N_("To the current segment"), sends="adjust"),
    ConsoleAction("adjust(-60)", N_("-1m"), "minus", group=MINUTE,
                  palette=N_("Remove a minute"), palette_help=N_("From the current segment"), sends="adjust"),
    # Priority, so the focus moves before the keys typed right after it are dispatched.
    ConsoleAction("focus_notes", N_("Note"), "i,enter", priority=True, sends="add_note"),
    ConsoleAction("ask_next_question", N_("Asked"), "a",
                  palette=N_("Mark next question asked"), palette_help=N_("Guiding questions"), sends="ask_question"),
    ConsoleAction("pick_segment", N_("Go to"), "g", palette=N_("Go to segment…"), palette_help=N_("Pick a segment"),
                  sends="goto"),
    ConsoleAction("pick_question", N_("Questions"), "q", show=False,
                  palette=N_("Mark a question…"), palette_help=N_("Any guiding question, asked or not"),
                  sends="ask_question"),
    ConsoleAction("copy_signal", N_("Signal"), "c", while_typing="f8",
                  palette=N_("Copy time signal for the chat"), palette_help=N_("Clipboard, in the session's language")),
    ConsoleAction("stage_message", N_("Stage"), "m", show=False,
                  palette=N_("Message to the speaker…"), palette_help=N_("The stage view: message, flash, blackout"),
                  sends="message"),
    ConsoleAction("app.share", N_("Share"), "s", show=False,
                  palette=N_("Share: links and QR codes"), palette_help=N_("Stage view, backstage, seats")),
    ConsoleAction("tick_cue", N_("Cue done"), "k", show=False,
                  palette=N_("Tick the next cue"), palette_help=N_("The segment's checklist"), sends="tick_cue"),
    ConsoleAction("cycle_view", N_("View"), "v", show=False,
                  palette=N_("Switch view"), palette_help=N_("Notes / agenda / questions / cues on a narrow screen")),
    ConsoleAction("scroll_questions(-5)", N_("Questions up"), "pageup", show=False,
                  palette=N_("Scroll the questions up"), palette_help=N_("Guiding questions")),
    ConsoleAction("scroll_questions(5)", N_("Questions down"), "pagedown", show=False,
                  palette=N_("Scroll the questions down"), palette_help=N_("Guiding questions")),
    ConsoleAction("end_session", N_("End"), "e", palette=N_("End the session"), palette_help=N_("Asks first"),
                  sends="end"),
    ConsoleAction("edit_last_note", N_("Edit last note"), while_typing="ctrl+e",
                  palette=N_("Edit the last note"), palette_help=N_("Back into the box to correct it"),
                  sends="edit_note", note_seat_key="ctrl+e"),
    ConsoleAction("delete_last_note", N_("Delete last note"),
                  palette=N_("Delete the last note"), palette_help=N_("Asks first; the journal keeps a record"),
                  sends="delete_note"),
    ConsoleAction("pick_note", N_("Notes…"), "o", show=False, while_typing="ctrl+o",
                  palette=N_("Correct or delete a note…"), palette_help=N_("Any note, not only the last"),
                  sends="edit_note", note_seat_key="o"),
    ConsoleAction("enter_participants", N_("Participants"),
                  palette=N_("Set the number of participants"),
                  palette_help=N_("Types 'participants: ' in the note box; a new count replaces the old"),
                  sends="add_note"),
)


def _without(keys: str, key: str) -> str:
    return ",".join(found for found in keys.split(",") if found and found != key)


def _everything(_: str) -> bool:
    return True


def console_actions(may: Callable[[str], bool] = _everything) -> list[ConsoleAction]:
    """The actions of a console whose engine ``may`` send their commands (a seat's role decides)."""
    return [action for action in CONSOLE_ACTIONS if not action.sends or may(action.sends)]


def console_bindings() -> list[BindingType]:
    return [binding for action in CONSOLE_ACTIONS for binding in action.bindings()]


def bindings_for_role(bindings: BindingsMap, may: Callable[[str], bool]) -> BindingsMap:
    """A console's bindings (so its Footer) when its engine ``may`` send only some commands (a
    seat's role): the keys of what it may not do are gone, and a seat that may not drive the timer
    shows in its Footer what it may do instead (``o``, ``ctrl+e``)."""
    refused = {action.action for action in CONSOLE_ACTIONS if action.sends and not may(action.sends)}
    if not refused:
        return bindings

    def kept(binding: Binding) -> bool:
        action = binding.action.removeprefix("while_typing('").removesuffix("')")
        return action not in refused

    keys = {key: [binding for binding in found if kept(binding)] for key, found in bindings.key_to_bindings.items()}
    if not may("toggle"):
        for action in console_actions(may):
            if action.note_seat_key:
                for binding in Binding.make_bindings(action.bindings(notes_only=True)):
                    if binding.key == action.note_seat_key:
                        keys[binding.key] = [binding]
    return BindingsMap.from_keys({key: found for key, found in keys.items() if found})


def palette_actions(may: Callable[[str], bool] = _everything) -> list[ConsoleAction]:
    """The console's actions in the command palette (ctrl+p), searchable by name."""
    return [action for action in console_actions(may) if action.palette]


README_KEY_NAMES = {"enter": "enter"}
"""Where the README writes a key otherwise than Textual's Footer does (``⏎``)."""


def key_label(key: str) -> str:
    """A key as the README and the palette write it: ``space``, ``→``, ``+``, ``F5``, ``ctrl+n``."""
    if key[:1] == "f" and key[1:].isdigit():
        return key.upper()
    return README_KEY_NAMES.get(key) or format_key(key)
