"""Where a note would land, said before it is sent: the host reads it with the console's grammar.

The rapporteur's page asks ``preview_note {text}`` while the rapporteur types; the host answers
``preview {id, landing}`` from ``landing`` here, without touching the journal: the same
``parse_note`` the engine runs on Enter, with the groups and the default speaker of this moment,
so the page never guesses (the grammar lives in Python only).
"""

from __future__ import annotations

from typing import Any

from moderator.session.engine import Engine
from moderator.session.events import clean_text
from moderator.session.notes import NoteError, parse_note, people

MAX_PREVIEW_TEXT = 2000
"""Only the start of a note decides where it lands; a long paste is previewed from its start."""


def landing(engine: Engine, raw: str) -> dict[str, Any]:
    """``{kind, level, speaker, speaker_id, group, question, participants, segment}`` for ``raw`` now,
    or ``{"error": reason}`` when the note would be refused (the console's words)."""
    try:
        groups, _ = engine.current_groups()
        parsed = parse_note(clean_text(raw[:MAX_PREVIEW_TEXT]), engine.programme, groups)
    except NoteError as error:
        return {"error": str(error)}
    if parsed.participants is not None:
        return {"participants": parsed.participants}
    in_group = parsed.group is not None
    speaker_id = None if in_group else (parsed.speaker_id or engine.default_speaker())
    names = dict(people(engine.programme))
    state = engine.state
    segment = state.current
    return {
        "kind": parsed.kind.value,
        "level": parsed.level,
        "speaker_id": speaker_id,
        "speaker": names.get(speaker_id) if speaker_id is not None else None,
        "named": parsed.speaker_id is not None,
        "group": groups[parsed.group] if parsed.group is not None else None,
        "group_number": parsed.group + 1 if parsed.group is not None else None,
        "question": (engine.programme.question_number(*state.current_question)
                     if state.current_question is not None else None),
        "segment": segment + 1 if segment is not None else None,
    }
