"""What one render of the report can hand the next: each note's spans and their Markdown.

The live report is rewritten all session long, and between two rewrites only a few notes are
new or changed. Built from nothing each time, a report of 20,000 notes took a third of a second
of CPU (laying out every note's spans, escaping its Markdown, again and again); with a
``RenderMemo`` kept from one render to the next, a note unchanged since the last render costs a
dictionary look-up, and the rewrite's cost follows what changed, not what the session holds.

A memo never changes what is rendered: every entry is keyed by everything its value depends on
(a note's fields that the layout reads; the span tuple itself for its Markdown), and a memo
belongs to one programme (its owner makes a new one with a new programme). ``finish`` drops the
entries the last render did not use, so edited and deleted notes leave nothing behind: the memo
holds about one entry per note shown, never more than twice that.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from moderator.report.model import Span

Value = TypeVar("Value")


class Memo(Generic[Value]):
    """One kind of entry: values by key, those used since the last ``finish`` kept by it."""

    def __init__(self) -> None:
        self._kept: dict[Hashable, Value] = {}
        self._used: dict[Hashable, Value] = {}

    def get(self, key: Hashable, compute: Callable[[], Value]) -> Value:
        value = self._used.get(key)
        if value is None:
            value = self._kept.get(key)
            if value is None:
                value = compute()
            self._used[key] = value
        return value

    def finish(self) -> None:
        """The render is done: keep what it used, drop the rest."""
        self._kept, self._used = self._used, {}

    def __len__(self) -> int:
        return len(self._kept) + len(self._used)


class RenderMemo:
    """Everything one live report keeps from a render to the next (for one programme)."""

    def __init__(self) -> None:
        self.spans: Memo[tuple[Span, ...]] = Memo()
        """A note's spans (text, speaker, marks), by the note's fields and how it is attributed."""
        self.markdown: Memo[tuple[tuple[Span, ...], str]] = Memo()
        """The Markdown of a tuple of spans, by the tuple's identity: the spans a note's entry gives
        are the same object from one render to the next. The entry holds the tuple too, so its
        identity cannot be taken by another object while the entry lives."""

    def finish(self) -> None:
        for memo in (self.spans, self.markdown):
            memo.finish()
