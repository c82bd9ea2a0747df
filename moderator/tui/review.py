"""``moderator review JOURNAL``: the rapporteur's review of an ended session, in the terminal.

On the left, everyone who spoke and every guiding question; on the right, for the one highlighted,
side by side: the notes, the chat messages and the transcript lines of its time. The rapporteur
promotes a transcript line to a quote (``p``), moves a note to another person or question (``m``),
merges it with the next (``j``), moves it up or down (``ctrl+↑``/``ctrl+↓``), writes the
presentation's summary (``s``), the key messages (``k``) and the way forward (``w``), and marks the
report final (``f``). The screen computes nothing: each key calls ``moderator.session.review``,
which journals one event; the lists are read again from the state.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, ListItem, ListView, Static, TextArea

from moderator.i18n import Translate, translator
from moderator.problems import ModeratorError, Words
from moderator.session import review
from moderator.session.engine import Engine
from moderator.session.review import Entry, Window
from moderator.text import visible
from moderator.tui.dialogs import Picker, translate_bindings


def _item(text: str, key: str) -> ListItem:
    """One line of a list: user text shown as text (never markup), with a name to find it by."""
    return ListItem(Label(visible(" ".join(text.split())), markup=False), name=key)


class TextDialog(ModalScreen[str | None]):
    """Write or correct a text (a summary, the key messages...): ``ctrl+s`` keeps it, ``escape`` leaves it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, text: str, *, tr: Translate) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.tr = tr
        self._bindings = translate_bindings(self._bindings, tr)

    def compose(self) -> ComposeResult:
        with Vertical(id="text-dialog"):
            yield Static(visible(self.title_text), markup=False, id="text-dialog-title")
            yield TextArea(self.text, id="text-dialog-area")
            yield Static(self.tr("ctrl+s: save · escape: cancel"), markup=False)

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReviewApp(App[None]):
    CSS = """
    #entries { width: 30%; border: round $primary; }
    #columns { height: 1fr; }
    .column { width: 1fr; border: round $secondary; }
    #summary { height: auto; max-height: 6; border: round $accent; padding: 0 1; }
    #status { height: 1; padding: 0 1; }
    #text-dialog { width: 80%; height: 70%; border: thick $accent; background: $surface; padding: 1; }
    #text-dialog-area { height: 1fr; }
    TextDialog { align: center middle; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "promote", "Quote"),
        Binding("m", "move", "Move"),
        Binding("j", "merge", "Merge"),
        Binding("ctrl+up", "shift(-1)", "Up"),
        Binding("ctrl+down", "shift(1)", "Down"),
        Binding("s", "summary", "Summary"),
        Binding("k", "write('key_messages')", "Key messages"),
        Binding("w", "write('way_forward')", "Way forward"),
        Binding("f", "final", "Final"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, engine: Engine, *, language: str | None = None) -> None:
        super().__init__()
        self.engine = engine
        self.language = language or engine.programme.session.language
        self.tr = translator(self.language)
        self._bindings = translate_bindings(self._bindings, self.tr)
        self.entries = review.entries(engine.programme)
        self.current: Window = Window((), (), ())

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        _ = self.tr
        yield Static(visible(self.title_line()), markup=False, id="status")
        with Horizontal():
            yield ListView(*(_item(entry.label, str(n)) for n, entry in enumerate(self.entries)), id="entries")
            with Vertical():
                yield Static("", markup=False, id="summary")
                with Horizontal(id="columns"):
                    yield ListView(id="notes", classes="column")
                    yield ListView(id="chat", classes="column")
                    yield ListView(id="transcript", classes="column")
        yield Footer()

    def on_mount(self) -> None:
        _ = self.tr
        self.query_one("#notes").border_title = _("Notes")
        self.query_one("#chat").border_title = _("Chat")
        self.query_one("#transcript").border_title = _("Transcript")
        self.query_one("#entries").border_title = _("Speakers and questions")
        self.query_one("#entries", ListView).focus()
        self.show(0)

    def title_line(self) -> str:
        _ = self.tr
        final = _("final") if self.engine.state.final else _("draft")
        return f"{_('Review')} · {self.engine.programme.session.title} · {final}"

    # ------------------------------------------------------------------ what is shown

    @property
    def entry(self) -> Entry:
        index = self.query_one("#entries", ListView).index or 0
        return self.entries[index]

    def on_list_view_highlighted(self, event: ListView.Highlighted) -> None:
        if event.list_view.id == "entries" and event.list_view.index is not None:
            self.show(event.list_view.index)

    def show(self, index: int) -> None:
        """Fill the three columns with the highlighted entry's window, and its summary above them."""
        _ = self.tr
        entry = self.entries[index]
        self.current = review.window(self.engine.programme, self.engine.state, entry)
        self._fill("#notes", [(note.text, f"note-{note.id}") for note in self.current.notes])
        self._fill("#chat", [(f"{m.sender}: {m.text}", f"chat-{m.number}") for m in self.current.chat])
        self._fill("#transcript", [(f"{line.name or '?'}: {line.text}", f"line-{line.number}")
                                   for line in self.current.transcript])
        key = entry.summary_key
        summary = self.engine.state.review_texts.get(key, "") if key else ""
        label = _("Summary") if key else _("Guiding question")
        self.query_one("#summary", Static).update(
            visible(f"{label}: {summary or _('(none yet: s to write it)')}" if key else f"{label}: {entry.label}"))
        self.query_one("#status", Static).update(visible(self.title_line()))

    def _fill(self, selector: str, rows: list[tuple[str, str]]) -> None:
        view = self.query_one(selector, ListView)
        index = view.index
        view.clear()
        view.extend(_item(text, key) for text, key in rows)
        if rows:
            view.index = min(index or 0, len(rows) - 1)

    def refresh_entry(self) -> None:
        self.show(self.query_one("#entries", ListView).index or 0)

    def _highlighted(self, selector: str) -> int | None:
        """The number in the highlighted row's name (a note's id, a transcript line's number)."""
        view = self.query_one(selector, ListView)
        item = view.highlighted_child
        if item is None or item.name is None:
            return None
        return int(item.name.rsplit("-", 1)[1])

    def _do(self, action: Callable[[], object], done: str) -> None:
        """Run one review action (it journals its event), then show the result or the reason it was refused."""
        try:
            action()
        except ModeratorError as error:
            self.notify(visible(self.tr(str(error))), severity="warning")  # the core's refusal, in the session's words
            return
        self.refresh_entry()
        self.notify(done)

    # ------------------------------------------------------------------ actions (each one journal event or more)

    def action_promote(self) -> None:
        _ = self.tr
        number = self._highlighted("#transcript")
        if number is None:
            self.notify(_("Highlight a transcript line first (tab to its column)"), severity="warning")
            return
        self._do(lambda: review.promote_to_quote(self.engine, number), _("Quote added to the report"))

    def action_move(self) -> None:
        _ = self.tr
        note = self._highlighted("#notes")
        if note is None:
            self.notify(_("Highlight a note first (tab to its column)"), severity="warning")
            return

        def moved(choice: int | None) -> None:
            if choice is not None:
                self._do(lambda: review.move_note(self.engine, note, self.entries[choice]), _("Note moved"))

        self.push_screen(Picker(_("Move the note to"), [e.label for e in self.entries], None, tr=self.tr), moved)

    def action_merge(self) -> None:
        _ = self.tr
        note = self._highlighted("#notes")
        ids = [n.id for n in self.current.notes]
        if note is None or note not in ids or ids.index(note) + 1 >= len(ids):
            self.notify(_("Highlight a note that has another below it"), severity="warning")
            return
        following = ids[ids.index(note) + 1]
        self._do(lambda: review.merge_notes(self.engine, note, following), _("Notes merged"))

    def action_shift(self, offset: int) -> None:
        _ = self.tr
        note = self._highlighted("#notes")
        if note is None:
            self.notify(_("Highlight a note first (tab to its column)"), severity="warning")
            return
        view = self.query_one("#notes", ListView)
        self._do(lambda: review.move_before(self.engine, note, list(self.current.notes), offset), _("Note moved"))
        if view.index is not None:
            view.index = max(0, min(len(self.current.notes) - 1, view.index + offset))

    def action_summary(self) -> None:
        _ = self.tr
        key = self.entry.summary_key
        if key is None:
            self.notify(_("A summary is written for a person: highlight a speaker"), severity="warning")
            return
        self._write(key, _("Summary of {name}").format(name=self.entry.label))

    def action_write(self, key: str) -> None:
        _ = self.tr
        self._write(key, _("Key messages") if key == "key_messages" else _("Way forward"))

    def _write(self, key: str, title: str) -> None:
        _ = self.tr

        def written(text: str | None) -> None:
            if text is not None:
                self._do(lambda: review.write_text(self.engine, key, text), _("Saved in the journal"))

        self.push_screen(TextDialog(title, self.engine.state.review_texts.get(key, ""), tr=self.tr), written)

    def action_final(self) -> None:
        _ = self.tr
        final = not self.engine.state.final
        self._do(lambda: review.mark_final(self.engine, final),
                 _("Report marked final") if final else _("Report back to draft"))


def run_review(journal: Path) -> int:
    """Open a run's journal for its review (refused while a console runs it) and show the review screen."""
    from moderator.session.runs import open_for_adding

    target = open_for_adding(journal, busy_hint=Words("review it once the console is closed"))
    try:
        ReviewApp(target.engine).run()
    finally:
        target.journal.close()
    return 0
