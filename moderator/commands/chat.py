"""``moderator chat JOURNAL FILE [--zone Z]``: the Zoom chat, imported into the session's journal.

Messages to everyone become ``chat_message`` events: the participant's name, the text, the
message it replies to, the segment running when it was written, and whether it asks a
question; the report lists the questions under "Questions from the audience". Private
messages and reactions are left out (and counted). Importing the same file again adds nothing.

Zoom writes local clock times without a zone: they are read in this computer's zone unless
``--zone`` names the zone of the computer that saved the chat, and the command says which.
While a console runs the session, it alone writes the journal: use ``--chat FILE`` there.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from moderator.problems import ModeratorError
from moderator.session.chat_follow import chat_zone
from moderator.session.clock import parse_wall
from moderator.session.runs import open_for_adding
from moderator.session.zoom_chat import ChatParse, DatedChatMessage, assign_dates, decode_chat_bytes, parse_zoom_chat


def read_chat(path: Path) -> ChatParse:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ModeratorError(f"{path}: cannot read the chat: {error.strerror or error}") from None
    try:
        return parse_zoom_chat(decode_chat_bytes(data))
    except ModeratorError as error:
        raise ModeratorError(f"{path}: {error}") from None


def run_chat(journal: Path, chat_file: Path, zone: str | None = None) -> int:
    zone_name, assumption = chat_zone(zone)
    parsed = read_chat(chat_file)
    target = open_for_adding(journal, busy_hint=f"import the chat there: moderator run PROGRAMME --chat {chat_file}")
    try:
        state = target.engine.state
        anchor = parse_wall(state.started_wall) if state.started_wall else None
        dated: tuple[DatedChatMessage, ...] = assign_dates(
            parsed.messages, target.run.programme.session.date, zone_name, anchor)
        before = len(state.chat)
        added = target.engine.add_chat_messages(dated)
        questions = sum(1 for entry in state.chat[before:] if entry.kind == "question")
    finally:
        target.journal.close()
    print(f"moderator: {assumption}", file=sys.stderr)
    left_out = Counter(str(skip.reason) for skip in parsed.skipped)
    summary = (f"{chat_file}: {len(parsed.messages)} messages to everyone; {added} added "
               f"({questions} questions), {len(parsed.messages) - added} already in the journal")
    if left_out:
        summary += "; left out: " + ", ".join(f"{count} × {reason}" for reason, count in sorted(left_out.items()))
    print(summary)
    return 0
