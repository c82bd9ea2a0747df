"""The console's dialogs, as modal screens: a yes/no confirmation and a picker.

What they show may be the user's own text (a note, a question, a segment's title): it is
shown as text, never read as markup.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


class ConfirmScreen(ModalScreen[bool]):
    """Ask before something that cannot be undone; ``y`` confirms, anything else cancels."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Label(self.question, id="confirm-question", markup=False)
            if self.detail:
                yield Label(self.detail, id="confirm-detail", markup=False)
            yield Label("[b]y[/b] yes   [b]n[/b] / [b]esc[/b] no", id="confirm-keys")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class Picker(ModalScreen[int | None]):
    """Choose one line of a list; returns its position, or None on escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, labels: list[str], current: int | None) -> None:
        super().__init__()
        self.title_text = title
        self.labels = labels
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-dialog"):
            yield Label(f"{self.title_text} (enter to choose, esc to cancel)", id="picker-title", markup=False)
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
