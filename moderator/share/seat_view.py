"""What the rapporteur's page and the co-moderator's controller need beyond the stage's snapshot.

Added to the display snapshot of those two links only (``ShareServer.snapshot_for``): their pages'
words in the session's language (``labels``, the stage's and their own), who a note
may name (``@`` completion), the break-out groups that ``@g1``… may name now, the guiding question
being discussed and, for the co-moderator, the current segment's questions and cues and the stage
message presets in the session's language. All of it is read from the engine's state; the pages
decide nothing with it (the host parses every note, ``note_preview``).
"""

from __future__ import annotations

from typing import Any

from moderator.i18n import translator
from moderator.session.engine import Engine
from moderator.session.notes import people
from moderator.share.page_snapshot import page_labels
from moderator.share.seat_words import STAGE_PRESETS
from moderator.share.tokens import Role


def seat_extras(engine: Engine, role: Role) -> dict[str, Any]:
    programme, state = engine.programme, engine.state
    groups, _ = engine.current_groups()
    extras: dict[str, Any] = {
        "labels": page_labels(programme.session.language, seat=True),
        "people": [{"id": pid, "name": name} for pid, name in people(programme)],
        "groups": list(groups),
        "question": _question(engine),
        "breakouts": {str(segment.index): list(segment.groups) for segment in programme.segments if segment.groups},
        "current": state.current,
    }
    if role is Role.COMODERATOR:
        extras["questions"] = _questions(engine)
        extras["cues"] = _cues(engine)
        _ = translator(programme.session.language)
        extras["presets"] = list(dict.fromkeys([_(text) for text in STAGE_PRESETS] + list(programme.session.messages)))
    return extras


def _question(engine: Engine) -> dict[str, Any] | None:
    asked = engine.state.current_question
    if asked is None:
        return None
    round_id, index = asked
    try:
        text = engine.programme.round(round_id).questions[index]
    except (KeyError, IndexError):
        return None
    return {"number": engine.programme.question_number(round_id, index), "text": text}


def _questions(engine: Engine) -> list[dict[str, Any]]:
    programme, state = engine.programme, engine.state
    found = []
    for round_id in engine.current_rounds():
        for index, text in enumerate(programme.round(round_id).questions):
            found.append({"round": round_id, "index": index, "number": programme.question_number(round_id, index),
                          "text": text, "asked": (round_id, index) in state.asked})
    return found


def _cues(engine: Engine) -> list[dict[str, Any]]:
    current = engine.state.current
    if current is None or current >= len(engine.programme.segments):
        return []
    cues = engine.programme.segments[current].cues
    return [{"segment": current, "index": index, "text": text, "done": (current, index) in engine.state.cues}
            for index, text in enumerate(cues)]
