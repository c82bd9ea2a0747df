"""The Zoom chat in the session: which messages are questions, and where in the session they fall.

``moderator.session.zoom_chat`` reads the file; this module turns its messages into
``chat_message`` journal events (through ``Engine.add_chat_messages``): a message goes to the
segment that was running when it was written, and is a question when it asks one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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
