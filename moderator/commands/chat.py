"""``moderator chat JOURNAL FILE [--zone Z]``: the Zoom chat, imported into the session's journal.

Messages to everyone become ``chat_message`` events: the participant's name, the text, the
message it replies to, the segment running when it was written, and whether it asks a
question; the report lists the questions under "Questions from the audience". Private
messages and reactions are left out (and counted), and so are messages written outside the
run (before its start or after its end: most often a chat read in the wrong zone; the count is
said, with the remedy). Importing the same file again adds nothing; ``--replace`` first removes
what an earlier import of the file added (each removal a ``chat_removed`` event), so a chat read
in the wrong zone can be read again in the right one.

Zoom writes local clock times without a zone: they are read in this computer's zone unless
``--zone`` names the zone of the computer that saved the chat, and the command says which.
While a console runs the session, it alone writes the journal: use ``--chat FILE`` there.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from moderator.i18n import translator
from moderator.problems import ModeratorError, Words, about_session, say
from moderator.session.chat import run_bounds
from moderator.session.chat_follow import chat_zone
from moderator.session.clock import parse_wall
from moderator.session.runs import open_for_adding
from moderator.session.zoom_chat import (
    ChatParse,
    DatedChatMessage,
    SkipReason,
    assign_dates,
    decode_chat_bytes,
    parse_zoom_chat,
)
from moderator.text import visible


def read_chat(path: Path) -> ChatParse:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ModeratorError("{path}: cannot read the chat: {reason}", path=str(path),
                             reason=error.strerror or str(error)) from None
    try:
        return parse_zoom_chat(decode_chat_bytes(data))
    except ModeratorError as error:
        raise ModeratorError("{path}: {problem}", path=str(path),
                             problem=Words(error.template, **error.words)) from None


SKIPPED = {SkipReason.PRIVATE: Words("private message"), SkipReason.REACTION: Words("reaction"),
           SkipReason.EMPTY: Words("empty message"), SkipReason.UNREADABLE: Words("unreadable"),
           SkipReason.TRUNCATED: Words("truncated")}
"""Why a line was left out, as a person reads it (the reasons' values are English)."""


def run_chat(journal: Path, chat_file: Path, zone: str | None = None, *, replace: bool = False) -> int:
    target = open_for_adding(journal, busy_hint=Words("import the chat there: moderator run PROGRAMME --chat {file}",
                                                      file=str(chat_file)))
    language = target.run.programme.session.language
    _ = translator(language)
    try:
        with about_session(language):  # --zone's and the chat file's problems in the session's language
            zone_name, assumption = chat_zone(zone)
            parsed = read_chat(chat_file)
        state = target.engine.state
        anchor = parse_wall(state.started_wall) if state.started_wall else None
        dated: tuple[DatedChatMessage, ...] = assign_dates(
            parsed.messages, target.run.programme.session.date, zone_name, anchor)
        removed = target.engine.remove_chat_messages(m.fingerprint for m in parsed.messages) if replace else 0
        bounds = run_bounds(state.started_wall, state.ended_wall, state.last_wall)
        inside = [m for m in dated if bounds is None or bounds[0] <= m.wall <= bounds[1]]
        before = len(state.chat)
        added = target.engine.add_chat_messages(inside)
        questions = sum(1 for entry in state.chat[before:] if entry.kind == "question")
    finally:
        target.journal.close()
    print(visible(f"moderator: {say(assumption, _)}"), file=sys.stderr)
    left_out = Counter(skip.reason for skip in parsed.skipped)
    outside = len(dated) - len(inside)
    said = [_("{file}: {n} messages to everyone").format(file=chat_file, n=len(parsed.messages))]
    if replace:
        said.append(_("{n} of an earlier import removed").format(n=removed))
    said.append(_("{added} added ({questions} questions), {already} already in the journal").format(
        added=added, questions=questions, already=len(inside) - added))
    if outside:
        said.append(_("{n} outside the run, not added (were the times read in the right zone? try --zone with the "
                      "zone of the computer that saved the chat, and --replace)").format(n=outside))
    if left_out:
        reasons = ", ".join(_("{count} × {reason}").format(count=count, reason=say(SKIPPED[reason], _))
                            for reason, count in sorted(left_out.items(), key=lambda item: str(item[0])))
        said.append(_("left out: {reasons}").format(reasons=reasons))
    print(visible("; ".join(said)))
    return 0
