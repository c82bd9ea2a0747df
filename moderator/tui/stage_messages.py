"""Key ``m``: what the speaker sees on the stage view. A message (a preset in the session's
language, one of the programme's ``[session] messages``, or free text), clearing it, the flash and
the blackout. The dialog only chooses; the console sends the choice to the engine, which journals it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from moderator.i18n import translator
from moderator.programme import Programme
from moderator.session.events import MAX_STAGE_MESSAGE
from moderator.session.state import State
from moderator.share.seat_words import STAGE_PRESETS
from moderator.text import visible

PRESETS = STAGE_PRESETS
"""The built-in messages, as gettext msgids: shown in the session's language."""


@dataclass(frozen=True)
class StageChoice:
    """What the moderator chose: ``kind`` is ``message`` (with ``text``), ``clear``, ``flash`` or ``blackout``."""

    kind: str
    text: str = ""
    on: bool = True


def stage_choices(programme: Programme, state: State) -> list[tuple[str, StageChoice]]:
    """The picker's lines, in order: the presets, the programme's own messages, then the switches."""
    _ = translator(programme.session.language)
    choices: list[tuple[str, StageChoice]] = []
    texts = [_(preset) for preset in PRESETS] + list(programme.session.messages)
    for text in dict.fromkeys(texts):
        choices.append((f"“{text}”", StageChoice("message", text)))
    if state.stage_message is not None:
        choices.append(("✕ Clear the message", StageChoice("clear")))
    flash = "⚡ Stop flashing" if state.flash else "⚡ Flash the stage"
    choices.append((flash, StageChoice("flash", on=not state.flash)))
    choices.append(("■ End the blackout" if state.blackout else "■ Black out the stage",
                    StageChoice("blackout", on=not state.blackout)))
    return choices


class StageMessagePicker(ModalScreen[StageChoice | None]):
    """A list to pick from, and a box to type a message of one's own (enter sends it)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, programme: Programme, state: State) -> None:
        super().__init__()
        self.choices = stage_choices(programme, state)
        self.on_stage = state.stage_message.text if state.stage_message is not None else None

    def compose(self) -> ComposeResult:
        with Vertical(id="stage-dialog"):
            yield Label("Message to the speaker's stage view (enter to send, esc to cancel)", id="stage-title")
            shown = Text("On stage now: ", style="dim")
            if self.on_stage:
                shown.append(visible(self.on_stage), style="bold")
            else:
                shown.append("nothing", style="dim")
            yield Label(shown, id="stage-now")
            yield Input(placeholder="Type a message of your own…", max_length=MAX_STAGE_MESSAGE, id="stage-text")
            options = (Option(Text(visible(label)), id=str(i)) for i, (label, _) in enumerate(self.choices))
            yield OptionList(*options, id="stage-list")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[int(event.option.id or 0)][1])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(StageChoice("message", event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)
