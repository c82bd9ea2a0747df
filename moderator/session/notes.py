"""What a rapporteur types, understood: one small grammar of prefixes, the same in every language.

A note is read left to right, and each part is optional::

    [level] [@who] [kind] text          (@who and kind may come in either order)

- level: ``- `` makes the note a sub-point of the note before it in the same place of the
  report, ``-- `` a sub-sub-point (three levels in all, as in the organizers' format);
- who: ``@kim``, ``@Young``, ``@"Young Kim"``, ``@moderator``, ``@rapporteur`` (an id, a name, a
  first or last name, or a unique prefix, accents ignored) gives the note to that person instead
  of the one on stage; during a break-out and the segment after it, ``@g1``, ``@g2``… or
  ``@"group name"`` gives it to a break-out group;
- kind: ``!`` an action or recommendation, ``?`` a question from the audience, ``>`` or an
  opening ``"`` a quote; or the words ``action:``, ``question:``, ``quote:``, ``note:`` and their
  Spanish and French forms. Only one kind is read: ``> > x`` is the quote ``> x``;
- ``!!``, ``?!``, ``??`` are no markers but text; an opening ``¿``, ``“``, ``«`` or ``„`` always
  belongs to the sentence, never marks it.

``participants: 42`` (``participantes``, either spacing) is no note: it records the count.
A note with nothing visible after its markers is refused. Everything after the markers is
kept exactly as typed or pasted, line breaks and zero-width joiners included.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from moderator.problems import ModeratorError
from moderator.programme import Programme
from moderator.session.events import MAX_LEVEL, NoteKind

MAX_NOTE_CHARACTERS = 5_000
"""A note is a sentence or a paragraph; a page of text typed into the box is a paste gone wrong.
The console's note box and the host, for a seat's note, hold a note to the same length."""
MODERATOR_ID = "moderator"
RAPPORTEUR_ID = "rapporteur"

_SYMBOL_KINDS = {'"': NoteKind.QUOTE, ">": NoteKind.QUOTE, "!": NoteKind.ACTION, "?": NoteKind.QUESTION}
_NOT_AFTER_SYMBOL = frozenset("!?")
"""``!!``, ``?!``, ``!?``: emphasis typed as text, not a marker."""
_WORD_KINDS = {
    "quote": NoteKind.QUOTE, "cita": NoteKind.QUOTE, "citation": NoteKind.QUOTE,
    "action": NoteKind.ACTION, "acción": NoteKind.ACTION, "accion": NoteKind.ACTION,
    "recommendation": NoteKind.ACTION, "recomendación": NoteKind.ACTION, "recomendacion": NoteKind.ACTION,
    "recommandation": NoteKind.ACTION,
    "question": NoteKind.QUESTION, "pregunta": NoteKind.QUESTION, "q": NoteKind.QUESTION,
    "note": NoteKind.NOTE, "nota": NoteKind.NOTE,
}
_WORD_PREFIX = re.compile(r"^([^\W\d_]+)[ \t]*:[ \t]*", re.UNICODE)
_LEVEL = re.compile(rf"^(-{{1,{MAX_LEVEL}}})(?:[ \t]+|$)")
_MENTION = re.compile(r'^@(?:"([^"]+)"|“([^”]+)”|(\S+))[ \t]*')
_GROUP_NUMBER = re.compile(r"^g(\d{1,4})$", re.IGNORECASE)
_PARTICIPANTS = re.compile(r"^(?:participants|participantes|asistentes)[ \t]*:[ \t]*(\d{1,8})[ \t]*$",
                           re.IGNORECASE)
_MODERATOR_WORDS = frozenset({"moderator", "moderador", "moderadora", "moderateur", "moderatrice"})
_RAPPORTEUR_WORDS = frozenset({"rapporteur", "rapporteuse", "relator", "relatora"})
QUOTE_MARKS = frozenset('"“”„«»‘’‚‹›\'')
"""Characters that show a text is already quoted: the report adds no marks of its own."""


class NoteError(ModeratorError):
    """The note's text could not be understood (an ``@name`` that matches nobody, no words)."""


@dataclass(frozen=True)
class ParsedNote:
    text: str
    kind: NoteKind
    speaker_id: str | None
    """``None`` when the text names nobody: the engine then uses the speaker on stage."""
    level: int = 0
    group: int | None = None
    """The break-out group named (its position in the segment's ``groups``)."""
    participants: int | None = None
    """Set when the line was ``participants: N``: a count to record, not a note."""


def parse_note(raw: str, programme: Programme, groups: tuple[str, ...] = ()) -> ParsedNote:
    """Read one entry of the note box; ``groups`` are the break-out groups that ``@g1``… may name now."""
    text = _strip_invisible_start(raw).rstrip()
    counted = _PARTICIPANTS.match(text)
    if counted:
        return ParsedNote(text="", kind=NoteKind.NOTE, speaker_id=None, participants=int(counted.group(1)))
    level = 0
    leveled = _LEVEL.match(text)
    if leveled:
        level, text = len(leveled.group(1)), text[leveled.end():]
    kind: NoteKind | None = None
    who: tuple[str, int | str] | None = None
    for _ in range(3):  # who, kind and level may come in any order, once each (``@Andrés - las…``)
        if kind is None:
            text, kind = _take_kind(text)
        if who is None:
            text, who = _take_mention(text, programme, groups)
        if not level and who is not None and (leveled := _LEVEL.match(text)):
            level, text = len(leveled.group(1)), text[leveled.end():]
    if kind is NoteKind.QUOTE:
        text = _unquote(text)
    if not has_words(text):
        raise NoteError("the note is empty: type some words after its marks")
    speaker_id = str(who[1]) if who is not None and who[0] == "person" else None
    group = int(who[1]) if who is not None and who[0] == "group" else None
    return ParsedNote(text=text, kind=kind or NoteKind.NOTE, speaker_id=speaker_id, level=level, group=group)


def has_words(text: str) -> bool:
    """Whether anything in ``text`` would show: not only spaces, control or format characters."""
    return any(unicodedata.category(char)[0] not in "ZC" for char in text)


def _strip_invisible_start(text: str) -> str:
    """Leading spaces and invisible characters (a zero-width space, a BOM) hide no marker."""
    start = 0
    while start < len(text) and (text[start].isspace() or unicodedata.category(text[start]) in ("Cf", "Cc")):
        start += 1
    return text[start:]


def _unquote(text: str) -> str:
    """A quote marked with a straight ``"``: ``"Words."`` loses its pair, ``"Unclosed`` its opening
    mark; ``"Words," she said`` keeps both (the report then adds none)."""
    if text[:1] != '"':
        return text
    inner = text[1:]
    if inner.endswith('"'):
        return inner[:-1].strip()
    if '"' not in inner:
        return inner.strip()
    return text


def _take_kind(text: str) -> tuple[str, NoteKind | None]:
    first = text[:1]
    if first in _SYMBOL_KINDS:
        if first in _NOT_AFTER_SYMBOL and text[1:2] in _NOT_AFTER_SYMBOL:
            return text, None
        # The straight quote is the quote's own first mark: ``_unquote`` decides what to keep.
        rest = text if first == '"' else text[1:].lstrip(" \t")
        return rest, _SYMBOL_KINDS[first]
    match = _WORD_PREFIX.match(text)
    if match and match.group(1).casefold() in _WORD_KINDS:
        return text[match.end():], _WORD_KINDS[match.group(1).casefold()]
    return text, None


def _take_mention(text: str, programme: Programme,
                  groups: tuple[str, ...]) -> tuple[str, tuple[str, int | str] | None]:
    match = _MENTION.match(text)
    if not match:
        return text, None
    token = (match.group(1) or match.group(2) or match.group(3)).rstrip(":,;.")
    return text[match.end():], resolve_mention(token, programme, groups)


def resolve_speaker(token: str, programme: Programme) -> str:
    """Match an id, a full name, a first or last name, or a unique prefix of one."""
    found = resolve_mention(token, programme, ())
    assert found[0] == "person"
    return str(found[1])


def people(programme: Programme) -> list[tuple[str, str]]:
    """(id, name) of everyone a note may be about: the speakers, the moderator, the rapporteur."""
    found = [(s.id, s.name) for s in programme.speakers]
    ids = {sid for sid, _ in found}
    if MODERATOR_ID not in ids:
        found.append((MODERATOR_ID, programme.moderator.name))
    if programme.rapporteur is not None and RAPPORTEUR_ID not in ids:
        found.append((RAPPORTEUR_ID, programme.rapporteur.name))
    return found


def resolve_mention(token: str, programme: Programme, groups: tuple[str, ...]) -> tuple[str, int | str]:
    """``("person", id)`` or ``("group", position)`` for what ``@token`` names; ``NoteError`` if nothing
    or several things match. Groups are candidates only when ``groups`` is given."""
    for speaker in programme.speakers:
        if token == speaker.id:
            return "person", speaker.id
    wanted = _fold(token.replace("_", " ").replace("-", " "))
    ids = {s.id for s in programme.speakers}
    if wanted in _MODERATOR_WORDS and MODERATOR_ID not in ids:
        return "person", MODERATOR_ID
    if wanted in _RAPPORTEUR_WORDS and RAPPORTEUR_ID not in ids and programme.rapporteur is not None:
        return "person", RAPPORTEUR_ID
    number = _GROUP_NUMBER.match(token)
    if number and groups:
        position = int(number.group(1)) - 1
        if 0 <= position < len(groups):
            return "group", position
        raise NoteError("@{token}: this break-out has groups @g1 to @g{n}", token=token, n=len(groups))
    candidates: list[tuple[tuple[str, int | str], str]] = [(("person", pid), name) for pid, name in people(programme)]
    candidates += [(("group", position), name) for position, name in enumerate(groups)]
    exact = [key for key, name in candidates if _fold(name) == wanted or _fold(name).replace(" ", "") == wanted]
    by_word = [key for key, name in candidates if wanted in _fold(name).split()]
    by_prefix = [key for key, name in candidates
                 if any(part.startswith(wanted) for part in [_fold(name), *_fold(name).split()])]
    for found in (exact, by_word, by_prefix):
        if len(set(found)) == 1:
            return found[0]
        if len(set(found)) > 1 and found is by_prefix:
            raise NoteError("@{token} could be several people or groups; use more of the name (known: {known})",
                            token=token, known=_known(programme, groups))
    raise NoteError("no speaker matches @{token} (known: {known})", token=token, known=_known(programme, groups))


def _known(programme: Programme, groups: tuple[str, ...]) -> str:
    names = [f"@{s.id}" for s in programme.speakers] + ["@moderator"]
    if programme.rapporteur is not None:
        names.append("@rapporteur")
    names += [f"@g{n}" for n in range(1, len(groups) + 1)]
    return ", ".join(names)


def participants_count(raw: str) -> int | None:
    """The count of a ``participants: 42`` line, else ``None``."""
    match = _PARTICIPANTS.match(_strip_invisible_start(raw).rstrip())
    return int(match.group(1)) if match else None


def fold(text: str) -> str:
    """Lower case without accents, so ``@eric`` finds Éric and ``@leyton`` finds Leytón."""
    return _fold(text)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())
