"""The console's dialogs, as modal screens: a yes/no confirmation and a picker.

What they show may be the user's own text (a note, a question, a segment's title): it is
shown as text, never read as markup.
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from moderator.i18n import Translate


def _english(text: str) -> str:
    return text


def translate_bindings(bindings: BindingsMap, _: Translate) -> BindingsMap:
    """The same keys, their descriptions (the Footer's words) in the session's language."""
    groups: dict[int, Binding.Group] = {}

    def group(found: Binding.Group | None) -> Binding.Group | None:
        if found is None:
            return None
        return groups.setdefault(id(found), replace(found, description=_(found.description)))

    return BindingsMap.from_keys({
        key: [replace(binding, description=_(binding.description), group=group(binding.group))
              if binding.description else binding
              for binding in found]
        for key, found in bindings.key_to_bindings.items()
    })


class ConfirmScreen(ModalScreen[bool]):
    """Ask before something that cannot be undone; ``y`` confirms (and the session's own word for
    yes: ``s`` for sí, ``o`` for oui), ``n`` or ``esc`` cancel."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, detail: str = "", *, tr: Translate = _english) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.tr = tr
        self._bindings = translate_bindings(self._bindings, tr)
        self.yes_key = yes_key(tr)
        if self.yes_key != "y":
            self._bindings.bind(self.yes_key, "answer(True)", tr("Yes"))

    def compose(self) -> ComposeResult:
        _ = self.tr
        keys = Text()
        keys.append(self.yes_key, style="bold")
        keys.append(" " + _("yes") + "   ")
        keys.append("n", style="bold")
        keys.append(" / ")
        keys.append("esc", style="bold")
        keys.append(" " + _("no"))
        with Vertical(id="confirm-dialog"):
            yield Label(self.question, id="confirm-question", markup=False)
            if self.detail:
                yield Label(self.detail, id="confirm-detail", markup=False)
            yield Label(keys, id="confirm-keys")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


def yes_key(tr: Translate) -> str:
    """The key that says yes in the session's language (``y``; ``s``, sí; ``o``, oui); never ``n``."""
    # Translators: the one letter that answers "yes" in a confirmation (y/n): the word for yes begins with it.
    key = tr("y")
    return key if len(key) == 1 and key.isalpha() and key.islower() and key != "n" else "y"


class Picker(ModalScreen[int | None]):
    """Choose one line of a list; returns its position, or None on escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, labels: list[str], current: int | None, *, tr: Translate = _english) -> None:
        super().__init__()
        self.title_text = title
        self.labels = labels
        self.current = current
        self.tr = tr
        self._bindings = translate_bindings(self._bindings, tr)

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-dialog"):
            hint = self.tr("(enter to choose, esc to cancel)")
            yield Label(f"{self.title_text} {hint}", id="picker-title", markup=False)
            options = (Option(label, id=str(i)) for i, label in enumerate(self.labels))
            yield OptionList(*options, id="picker-list", markup=False)

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        if self.current is not None:
            picker.highlighted = self.current
        picker.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_cancel(self) -> None:
        self.dismiss(None)
