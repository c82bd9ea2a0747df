"""The console's notifications: few, fresh, and out of the way.

A moderator pressing ``-`` three times wants one toast saying "−3 min on this segment", not
three stacked over the countdown; a "00:30 left" toast must not outlive its segment while the
next speaker talks; and a toast must not sit over an open picker. So every toast goes through
``Toasts``: one with the same ``key`` as a live one replaces it, at most ``MAX_SHOWN`` are
shown (the oldest goes), those tied to a segment go when it ends, and ``clear`` empties the
rack when a dialog opens.

Only public Textual APIs are used: a toast is a ``Notification`` posted with ``Notify``, and
removing some means clearing the rack and posting the survivors again (their time left kept).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from textual.app import App
from textual.notifications import Notification, Notify, SeverityLevel

Renderer = Callable[[int, int], tuple[str, str]]
"""``(total, count) -> (message, title)`` for a toast that adds up repeated actions."""

HISTORY = 50
MAX_SHOWN = 2
"""Toasts on screen at once; beyond that the oldest goes (the rack grows upwards, towards the
countdown on a narrow screen)."""


@dataclass
class _Shown:
    notification: Notification
    key: str | None
    segment: int | None
    count: int = 1
    total: int = 0


class Toasts:
    def __init__(self, app: App[object]) -> None:
        self.app = app
        self._shown: list[_Shown] = []
        self.history: deque[str] = deque(maxlen=HISTORY)
        """The last messages told, shown or since gone (for tests and the benchmark)."""

    def tell(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
             timeout: float = 5.0, key: str | None = None, segment: int | None = None) -> None:
        """Show ``message`` (text, never markup). ``key``: replaces a live toast with the same
        key; ``segment``: goes when that segment ends (``segment_changed``)."""
        notification = Notification(message, title, severity, timeout, markup=False)
        self.history.append(message)
        kept = [shown for shown in self._alive() if key is None or shown.key != key]
        removed = len(kept) != len(self._shown)
        kept.append(_Shown(notification, key, segment))
        if len(kept) > MAX_SHOWN:
            kept, removed = kept[-MAX_SHOWN:], True
        self._replace(kept, removed, new=notification)

    def accumulate(self, key: str, amount: int, render: Renderer, *, window: float = 4.0,
                   segment: int | None = None) -> None:
        """Repeated actions in one toast: ``render(total, count)`` says what they add up to,
        while the toast of the previous one is still on screen (``window`` seconds)."""
        previous = next((s for s in self._alive() if s.key == key), None)
        total = amount + (previous.total if previous is not None else 0)
        count = 1 + (previous.count if previous is not None else 0)
        message, title = render(total, count)
        self.tell(message, title=title, timeout=window, key=key, segment=segment)
        self._shown[-1].total, self._shown[-1].count = total, count

    def segment_changed(self, current: int | None) -> None:
        """The toasts about another segment than ``current`` go."""
        kept = [s for s in self._alive() if s.segment is None or s.segment == current]
        if len(kept) != len(self._shown):
            self._replace(kept, True)

    def drop(self, key: str) -> None:
        """The live toast with ``key`` goes (the others stay, their time left kept)."""
        kept = [s for s in self._alive() if s.key != key]
        if len(kept) != len(self._shown):
            self._replace(kept, True)

    def clear(self) -> None:
        self._shown = []
        self.app.clear_notifications()

    @property
    def messages(self) -> list[str]:
        """What is on screen now (for tests and the benchmark)."""
        return [shown.notification.message for shown in self._alive()]

    def _alive(self) -> list[_Shown]:
        now = time.time()
        return [s for s in self._shown if s.notification.raised_at + s.notification.timeout > now]

    def _replace(self, kept: list[_Shown], removed: bool, new: Notification | None = None) -> None:
        self._shown = kept
        if removed:
            self.app.clear_notifications()
            for shown in kept:
                self.app.post_message(Notify(shown.notification))
        elif new is not None:
            self.app.post_message(Notify(new))
