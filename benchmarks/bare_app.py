"""The baseline: a bare Textual app with the console's widget types and nothing else.

Digits, ProgressBar, Static, DataTable, RichLog, Input, Footer and Label, one or a few of
each, default styles, no timer: it draws its first frame and then idles. The console's
start-up time and idle CPU are compared with this app, measured in the same run on the
same machine.

``python -m benchmarks.bare_app`` runs it in the terminal (``ctrl+q`` quits).
``--ticking`` makes it keep time the way the console does and nothing more: a 4 Hz tick, and
once a second a new value in the Digits and the Label (the floor of any countdown drawn in
Textual, a second baseline for the CPU figure).
``--headless-rss`` mounts it headless, prints its peak resident memory (VmHWM) in KiB and exits
(the baseline of the memory figure).
"""

from __future__ import annotations

import sys
import time

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Digits, Footer, Input, Label, ProgressBar, RichLog, Static

TITLE_MARKER = "bare textual baseline"
"""Drawn on the first line of the first frame; the start-up benchmark waits for it."""


class BareApp(App[None]):
    AUTO_FOCUS = None
    """Like the console: nothing focused, so no blinking cursor."""

    BINDINGS = [
        Binding("space", "noop", "Timer"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def compose(self) -> ComposeResult:
        yield Static(TITLE_MARKER)
        yield Digits("10:00")
        yield Label("10:00 left")
        yield ProgressBar(total=600, show_eta=False, show_percentage=False)
        yield Static("A static line of text")
        yield DataTable()
        yield RichLog()
        yield Input(placeholder="Note")
        yield Footer()

    def __init__(self, *, ticking: bool = False) -> None:
        super().__init__()
        self.ticking = ticking
        self._left = 600
        self._ticked = 0.0

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("#", "Start", "Plan", "Segment")
        for n in range(10):
            table.add_row(str(n + 1), f"18:{n:02d}", "10m", f"Segment {n + 1}")
        self.query_one(RichLog).write("A first line in the log")
        if self.ticking:
            self.set_interval(1 / 4, self._tick)
            self.set_interval(1, self._second)

    def _tick(self) -> None:
        self._ticked = time.monotonic()

    def _second(self) -> None:
        self._left -= 1
        text = f"{self._left // 60:02d}:{self._left % 60:02d}"
        self.query_one(Digits).update(text)
        self.query_one(Label).update(f"{text} left", layout=False)

    def action_noop(self) -> None:
        """Bound so that the footer shows as many keys as the console's first ones."""


async def _headless_rss() -> int:
    from benchmarks.harness import peak_rss_kib

    app = BareApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
    return peak_rss_kib()


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if "--headless-rss" in args:
        import asyncio

        print(asyncio.run(_headless_rss()), flush=True)
        return
    BareApp(ticking="--ticking" in args).run()


if __name__ == "__main__":
    main()
