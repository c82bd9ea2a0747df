"""What a rapporteur types, understood: note kinds from a prefix and ``@speaker`` mentions.

``"`` or ``>`` marks a quote, ``!`` an action or recommendation, ``?`` a question from the
audience; the words ``quote:``, ``action:``, ``question:`` (and their Spanish and French
forms) do the same. ``@kim``, ``@Young``, ``@Young_Kim`` or ``@"Young Kim"`` gives the note
to a speaker other than the one on stage; ``@moderator`` to the moderator.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from moderator.problems import ModeratorError
from moderator.programme import Programme
from moderator.session.events import NoteKind

NOTE_KINDS = tuple(NoteKind)
MODERATOR_ID = "moderator"

_SYMBOL_KINDS = {
    '"': "quote", "“": "quote", "«": "quote", ">": "quote",
    "!": "action", "?": "question", "¿": "question",
}
_PART_OF_SENTENCE = frozenset('"“«¿')
_WORD_KINDS = {
    "quote": "quote", "cita": "quote", "citation": "quote",
    "action": "action", "acción": "action", "accion": "action", "recommendation": "action",
    "question": "question", "pregunta": "question", "q": "question",
    "note": "note", "nota": "note",
}
_WORD_PREFIX = re.compile(r"^([^\W\d_]+)\s*:\s*", re.UNICODE)
_MENTION = re.compile(r'^@(?:"([^"]+)"|(\S+))\s*')


class NoteError(ModeratorError):
    """The note's text could not be understood (an ``@name`` that matches nobody)."""


@dataclass(frozen=True)
class ParsedNote:
    text: str
    kind: NoteKind
    speaker_id: str | None
    """``None`` when the text names nobody: the engine then uses the speaker on stage."""


def parse_note(raw: str, programme: Programme) -> ParsedNote:
    text = raw.strip()
    kind = "note"
    speaker_id = None
    for _ in range(2):  # kind and mention may come in either order
        text, found_kind = _take_kind(text)
        kind = found_kind or kind
        text, found_speaker = _take_mention(text, programme)
        speaker_id = found_speaker or speaker_id
    if kind == "quote":
        text = _unquote(text)
    if not text:
        raise NoteError("the note is empty")
    return ParsedNote(text=text, kind=NoteKind(kind), speaker_id=speaker_id)


_QUOTE_PAIRS = {'"': '"', "“": "”", "«": "»"}


def _unquote(text: str) -> str:
    """``"Words," she said`` keeps its quotes; ``"Words."`` loses the pair around it."""
    text = text.strip()
    closing = _QUOTE_PAIRS.get(text[:1])
    if closing and len(text) > 1 and text.endswith(closing) and closing not in text[1:-1]:
        return text[1:-1].strip()
    return text


def _take_kind(text: str) -> tuple[str, str | None]:
    if text[:1] in _SYMBOL_KINDS:
        kind = _SYMBOL_KINDS[text[0]]
        # Opening quotes and the Spanish "¿" belong to the sentence; the others are markers.
        keeps_mark = text[0] in _PART_OF_SENTENCE
        return (text if keeps_mark else text[1:]).strip(), kind
    match = _WORD_PREFIX.match(text)
    if match and match.group(1).lower() in _WORD_KINDS:
        return text[match.end():].strip(), _WORD_KINDS[match.group(1).lower()]
    return text, None


def _take_mention(text: str, programme: Programme) -> tuple[str, str | None]:
    match = _MENTION.match(text)
    if not match:
        return text, None
    token = (match.group(1) or match.group(2)).rstrip(":,;.")
    return text[match.end():].strip(), resolve_speaker(token, programme)


def resolve_speaker(token: str, programme: Programme) -> str:
    """Match an id, a full name, a first or last name, or a unique prefix of one."""
    wanted = _fold(token.replace("_", " ").replace("-", " "))
    for speaker in programme.speakers:
        if token == speaker.id:
            return speaker.id
    people = [(s.id, s.name) for s in programme.speakers]
    if not any(sid == MODERATOR_ID for sid, _ in people):
        people.append((MODERATOR_ID, programme.moderator.name))
        if wanted in ("moderator", "moderador", "moderadora", "moderateur", "moderatrice"):
            return MODERATOR_ID
    exact = [sid for sid, name in people if _fold(name) == wanted or _fold(name).replace(" ", "") == wanted]
    if len(exact) == 1:
        return exact[0]
    by_word = [sid for sid, name in people if wanted in _fold(name).split()]
    if len(by_word) == 1:
        return by_word[0]
    by_prefix = [sid for sid, name in people
                 if any(part.startswith(wanted) for part in [_fold(name), *_fold(name).split()])]
    if len(set(by_prefix)) == 1:
        return by_prefix[0]
    known = ", ".join(f"@{s.id}" for s in programme.speakers) or "none"
    if len(set(by_prefix)) > 1:
        raise NoteError(f"@{token} could be several speakers; use their id ({known})")
    raise NoteError(f"no speaker matches @{token} (speakers: {known}, @moderator)")


def _fold(text: str) -> str:
    """Lower case without accents, so ``@eric`` finds Éric and ``@leyton`` finds Leytón."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())
