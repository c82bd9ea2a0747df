"""The Zoom chat in the session: which messages are questions, and where in the session they fall.

``moderator.session.zoom_chat`` reads the file; this module turns its messages into
``chat_message`` journal events (through ``Engine.add_chat_messages``): a message goes to the
segment that was running when it was written, and is a question when it asks one.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from datetime import datetime

from moderator.session.clock import parse_wall
from moderator.session.events import NoteKind

_QUESTION = re.compile(r"[?¿？]|^\s*(?:q|p|question|pregunta)\s*[:.-]", re.IGNORECASE)
"""A question mark anywhere (Spanish opens with ¿), or a message that starts ``Q:``, ``Pregunta:``..."""


def chat_kind(text: str) -> NoteKind:
    """``question`` for a message that asks something, else ``note`` (greetings, links, remarks)."""
    return NoteKind.QUESTION if _QUESTION.search(text) else NoteKind.NOTE


def segment_at(timeline: Sequence[tuple[str, int | None]], at: str) -> int | None:
    """The segment running at ``at`` (ISO): ``None`` before the start and after the end."""
    moment = parse_wall(at)
    running: int | None = None
    for wall, segment in timeline:
        if parse_wall(wall) > moment:
            break
        running = segment
    return running


class SegmentLocator:
    """``segment_at`` for many instants at once: the timeline read once, each instant found by bisection
    (an import of 100,000 messages would otherwise read the timeline 100,000 times)."""

    def __init__(self, timeline: Sequence[tuple[str, int | None]]) -> None:
        self._instants = [parse_wall(wall) for wall, _ in timeline]
        self._segments = [segment for _, segment in timeline]
        self._sorted = all(a <= b for a, b in zip(self._instants, self._instants[1:], strict=False))

    def at(self, moment: datetime) -> int | None:
        """The segment running at ``moment`` (aware): ``None`` before the start and after the end."""
        if self._sorted:
            position = bisect.bisect_right(self._instants, moment)
        else:  # the wall clock went back during the run: read the timeline in order, as segment_at does
            position = next((i for i, instant in enumerate(self._instants) if instant > moment), len(self._instants))
        return self._segments[position - 1] if position else None


def run_bounds(started_wall: str | None, ended_wall: str | None, last_wall: str) -> tuple[datetime, datetime] | None:
    """When the run began and ended (its last event, if it never ended); ``None`` if it never started."""
    if started_wall is None:
        return None
    return parse_wall(started_wall), parse_wall(ended_wall or last_wall)
