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

from moderator.i18n import Translate, translator
from moderator.programme import Programme
from moderator.session.events import MAX_STAGE_MESSAGE
from moderator.session.state import State
from moderator.share.seat_words import STAGE_PRESETS
from moderator.text import visible
from moderator.tui.dialogs import translate_bindings

PRESETS = STAGE_PRESETS
"""The built-in messages, as gettext msgids: shown in the session's language."""


@dataclass(frozen=True)
class StageChoice:
    """What the moderator chose: ``kind`` is ``message`` (with ``text``; ``keep``: for the next speaker
    too), ``keep`` (the keep switch, flipped in the dialog), ``clear``, ``flash`` or ``blackout``."""

    kind: str
    text: str = ""
    on: bool = True
    keep: bool = False


def _english(text: str) -> str:
    return text


def stage_choices(programme: Programme, state: State, *, keep: bool = False,
                  tr: Translate | None = None) -> list[tuple[str, StageChoice]]:
    """The picker's lines, in order: the presets, the programme's own messages, the keep switch,
    then the switches of the stage."""
    _ = tr or translator(programme.session.language)
    choices: list[tuple[str, StageChoice]] = []
    texts = [_(preset) for preset in PRESETS] + list(programme.session.messages)
    for text in dict.fromkeys(texts):
        choices.append((f"“{text}”", StageChoice("message", text, keep=keep)))
    choices.append((("☑ " if keep else "☐ ") + _("Keep the message for the next speaker"), StageChoice("keep")))
    if state.stage_message is not None:
        choices.append(("✕ " + _("Clear the message"), StageChoice("clear")))
    flash = _("Stop flashing") if state.flash else _("Flash the stage")
    choices.append(("⚡ " + flash, StageChoice("flash", on=not state.flash)))
    choices.append(("■ " + (_("End the blackout") if state.blackout else _("Black out the stage")),
                    StageChoice("blackout", on=not state.blackout)))
    return choices


class StageMessagePicker(ModalScreen[StageChoice | None]):
    """A list to pick from, and a box to type a message of one's own (enter sends it). A message
    leaves the stage with its speaker unless "keep for the next speaker" is ticked first."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, programme: Programme, state: State, *, tr: Translate | None = None) -> None:
        super().__init__()
        self.programme, self._stage_state = programme, state
        self.tr = tr or translator(programme.session.language)
        self._bindings = translate_bindings(self._bindings, self.tr)
        self.keep = False
        self.choices = stage_choices(programme, state, keep=self.keep, tr=self.tr)
        self.on_stage = state.stage_message.text if state.stage_message is not None else None
        self.kept = state.stage_message is not None and state.stage_message.keep

    def compose(self) -> ComposeResult:
        _ = self.tr
        with Vertical(id="stage-dialog"):
            yield Label(_("Message to the stage"), id="stage-title", markup=False)
            yield Label(_("enter sends, esc cancels"), id="stage-hint", markup=False)
            shown = Text(_("On stage now:") + " ", style="dim")
            if self.on_stage:
                shown.append(visible(self.on_stage), style="bold")
                if self.kept:
                    shown.append(" · " + _("kept for the next speaker"), style="dim")
            else:
                shown.append(_("nothing"), style="dim")
            yield Label(shown, id="stage-now")
            yield Input(placeholder=_("Type a message of your own…"), max_length=MAX_STAGE_MESSAGE, id="stage-text")
            yield OptionList(*self._options(), id="stage-list")

    def _options(self) -> list[Option]:
        return [Option(Text(visible(label)), id=str(i)) for i, (label, _) in enumerate(self.choices)]

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        choice = self.choices[int(event.option.id or 0)][1]
        if choice.kind != "keep":
            self.dismiss(choice)
            return
        self.keep = not self.keep
        self.choices = stage_choices(self.programme, self._stage_state, keep=self.keep, tr=self.tr)
        picker = self.query_one(OptionList)
        highlighted = picker.highlighted
        picker.clear_options()
        picker.add_options(self._options())
        picker.highlighted = highlighted

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(StageChoice("message", event.value, keep=self.keep))

    def action_cancel(self) -> None:
        self.dismiss(None)
