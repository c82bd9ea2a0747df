"""The floor of any countdown drawn in Textual: one ``Digits``, set from the monotonic clock once a second.

Nothing else on screen, no bindings, no footer: what a Textual app that shows a running
countdown cannot do without. The console's per-second CPU and bytes to the terminal are
compared with this app's, measured side by side in the same run (``bench_terminal.py``).

``python -m benchmarks.floor_app`` runs it (ctrl+q quits).
"""

from __future__ import annotations

import time

from textual.app import App, ComposeResult
from textual.widgets import Digits

COUNTDOWN_SECONDS = 90 * 60
"""As ``termdown 90m``, the other peer."""


def _shown(left: float) -> str:
    whole = max(0, int(left))
    return f"{whole // 60:02d}:{whole % 60:02d}"


class FloorApp(App[None]):
    AUTO_FOCUS = None

    def __init__(self) -> None:
        super().__init__()
        self._began = time.monotonic()

    def compose(self) -> ComposeResult:
        yield Digits(_shown(COUNTDOWN_SECONDS))

    def on_mount(self) -> None:
        self.set_interval(1, self._second)

    def _second(self) -> None:
        self.query_one(Digits).update(_shown(COUNTDOWN_SECONDS - (time.monotonic() - self._began)))


if __name__ == "__main__":
    FloorApp().run()
