"""Key ``s``: the session's links (stage, backstage, co-moderator, rapporteur), each with a QR code
to scan from a phone, and who can reach the server. The links are secrets: this screen is the only
place the console shows them (and ``links.txt``, mode 0600).

One link at a time, so the whole screen fits 80x24 without scrolling: its QR code on the left, on
the right the list of links (``1``-``4`` or the arrows choose), the chosen one's role and its full
URL (wrapped, never cut), who can reach the server and where ``links.txt`` is.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from moderator.i18n import Translate
from moderator.share.hosting import Sharing
from moderator.share.links import open_interfaces, qr_text
from moderator.text import visible
from moderator.tui.dialogs import translate_bindings
from moderator.tui.keymap import N_

ROLE_TITLES = {
    "stage": N_("Stage view — for the speakers (their second screen, laptop or phone)"),
    "backstage": N_("Backstage — for organizers (agenda, pace, projected end; read only)"),
    "comoderator": N_("Co-moderator — opens the controller in a browser; also moderator join and the HTTP API"),
    "rapporteur": N_("Rapporteur — opens the note page in a browser; also moderator join"),
}
ROLE_NAMES = {"stage": N_("Stage"), "backstage": N_("Backstage"), "comoderator": N_("Co-moderator"),
              "rapporteur": N_("Rapporteur")}


def _english(text: str) -> str:
    return text


class ShareScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,s,q", "close", N_("Close")),
        Binding("right,down,tab", "move(1)", N_("Next link"), show=False),
        Binding("left,up,shift+tab", "move(-1)", N_("Previous link"), show=False),
        Binding("1", "choose(0)", show=False), Binding("2", "choose(1)", show=False),
        Binding("3", "choose(2)", show=False), Binding("4", "choose(3)", show=False),
    ]

    def __init__(self, sharing: Sharing | None, problem: str | None = None, *, tr: Translate = _english) -> None:
        super().__init__()
        self.sharing = sharing
        self.problem = problem
        self.tr = tr
        self.chosen = 0
        self._bindings = translate_bindings(self._bindings, tr)

    def compose(self) -> ComposeResult:
        _ = self.tr
        with Vertical(id="share-dialog"):
            yield Label(_("Share this session (esc to close)"), id="share-title")
            if self.sharing is None:
                yield Label(Text(self.problem or _("Not shared. Start the console with --share "
                                                   "(moderator run FILE --share) to give speakers a stage view.")),
                            id="share-off")
                return
            with Horizontal(id="share-body"):
                yield Static(id="share-qr", classes="share-qr")
                with Vertical(id="share-side"):
                    yield Static(id="share-choices")
                    yield Static(id="share-role", classes="share-role")
                    yield Static(id="share-url", classes="share-url")
                    interfaces = open_interfaces(self.sharing.host, self.sharing.port, _)
                    yield Static(Text(visible(interfaces), overflow="fold"), id="share-interfaces")
                    also = _("Also in {file} (readable by you only)").format(file=self.sharing.links_file)
                    yield Static(Text(visible(also), overflow="fold"), id="share-file")

    def on_mount(self) -> None:
        if self.sharing is not None:
            self._show()

    def _show(self) -> None:
        assert self.sharing is not None
        _ = self.tr
        found = self.sharing.links
        link = found[self.chosen]
        choices = Text()
        for index, each in enumerate(found):
            mark = "▸ " if index == self.chosen else "  "
            choices.append(f"{mark}{index + 1} {_(ROLE_NAMES.get(each.role.value, each.role.value))}\n",
                           style="bold reverse" if index == self.chosen else "")
        choices.append(_("1-4 or arrows: another link"), style="italic")
        self.query_one("#share-choices", Static).update(choices)
        self.query_one("#share-role", Static).update(
            Text(_(ROLE_TITLES.get(link.role.value, link.role.value)), style="bold"))
        self.query_one("#share-url", Static).update(Text(link.url, overflow="fold"))
        self.query_one("#share-qr", Static).update(Text(qr_text(link.url), no_wrap=True))

    def action_move(self, step: int) -> None:
        if self.sharing is not None:
            self.chosen = (self.chosen + step) % len(self.sharing.links)
            self._show()

    def action_choose(self, index: int) -> None:
        if self.sharing is not None and index < len(self.sharing.links):
            self.chosen = index
            self._show()

    def action_close(self) -> None:
        self.dismiss(None)
