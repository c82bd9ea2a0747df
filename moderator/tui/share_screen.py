"""Key ``s``: the session's links (stage, backstage, co-moderator, rapporteur), each with a QR code
to scan from a phone, and who can reach the server. The links are secrets: this screen is the only
place the console shows them (and ``links.txt``, mode 0600)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from moderator.i18n import Translate
from moderator.share.hosting import Sharing
from moderator.share.links import open_interfaces, qr_text
from moderator.share.tokens import Role
from moderator.text import visible
from moderator.tui.dialogs import translate_bindings
from moderator.tui.keymap import N_
from moderator.tui.textual_private import rebind

ROLE_TITLES = {
    Role.STAGE: N_("Stage view — for the speakers (their second screen, laptop or phone)"),
    Role.BACKSTAGE: N_("Backstage — for organizers (agenda, pace, projected end; read only)"),
    Role.COMODERATOR: N_("Co-moderator — moderator join, or the HTTP API's token (drives the session)"),
    Role.RAPPORTEUR: N_("Rapporteur — moderator join (types notes)"),
}


def _english(text: str) -> str:
    return text


class ShareScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,s,q", "close", N_("Close"))]

    def __init__(self, sharing: Sharing | None, problem: str | None = None, *, tr: Translate = _english) -> None:
        super().__init__()
        self.sharing = sharing
        self.problem = problem
        self.tr = tr
        rebind(self, lambda bindings: translate_bindings(bindings, tr))

    def compose(self) -> ComposeResult:
        _ = self.tr
        with Vertical(id="share-dialog"):
            yield Label(_("Share this session (esc to close)"), id="share-title")
            if self.sharing is None:
                yield Label(Text(self.problem or _("Not shared. Start the console with --share "
                                                   "(moderator run FILE --share) to give speakers a stage view.")),
                            id="share-off")
                return
            interfaces = open_interfaces(self.sharing.host, self.sharing.port, _)
            yield Label(Text(visible(interfaces)), id="share-interfaces")
            also = _("Also in {file} (readable by you only)").format(file=self.sharing.links_file)
            yield Label(Text(also), id="share-file")
            with VerticalScroll(id="share-links"):
                for link in self.sharing.links:
                    yield Static(Text(_(ROLE_TITLES[link.role]), style="bold"),
                                 classes="share-role")
                    yield Static(Text(link.url), classes="share-url")
                    yield Static(Text(qr_text(link.url), no_wrap=True), classes="share-qr")

    def action_close(self) -> None:
        self.dismiss(None)
