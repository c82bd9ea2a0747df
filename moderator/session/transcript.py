"""Read a Zoom transcript or closed-caption file (WebVTT): who said what, when, from the recording's start.

Zoom hands rapporteurs two ``.vtt`` files after a recorded session, both timed from the
recording's start: the audio transcript, whose cues read ``Name: text``, and the closed
captions, whose cues carry the name the same way or as a WebVTT voice (``<v Name>text``), or
none at all. The file is read by ``webvtt-py`` (a maintained WebVTT parser); this module bounds the
input as the chat import does, takes the speaker's name out of each cue, and matches it to the
programme's people (accents and case ignored, a first or last name alone is enough, an unknown
name is kept as written).

Pure: text in, frozen values out; ``place_cues`` puts the cues on the session's clock once the
recording's start is known.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from moderator.problems import ModeratorError, Words
from moderator.programme.model import Programme
from moderator.session.notes import fold, people

MAX_TRANSCRIPT_BYTES = 20 * 1024 * 1024
"""A three-hour transcript is about a megabyte; anything past 20 MB is not one."""
MAX_CUE_CHARS = 20_000
MAX_CUES = 200_000
MAX_NAME_CHARS = 200
MAX_CONTROL_SHARE = 0.01

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_NAMED = re.compile(rf"^(?P<name>[^:\n]{{1,{MAX_NAME_CHARS}}}?)\s*:\s+(?P<text>\S.*)$", re.DOTALL)
"""``Name: text`` (Zoom's transcript); the name holds no colon and the text follows a space."""
_TIMING = re.compile(r"-->")
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")


class TranscriptFileError(ModeratorError):
    """The input cannot be a WebVTT transcript (too big, binary, no ``WEBVTT`` header): nothing was read."""


@dataclass(frozen=True)
class Cue:
    """One cue as the file has it: seconds from the recording's start, the name as written, the text."""

    number: int
    start: float
    end: float
    name: str | None
    text: str
    fingerprint: str


@dataclass(frozen=True)
class TranscriptParse:
    cues: tuple[Cue, ...]
    unreadable: int
    """Cues the parser could not read (a broken timing line), left out and counted."""
    cut: int
    """Cues whose text was cut to ``MAX_CUE_CHARS``."""


@dataclass(frozen=True)
class PlacedCue:
    """A cue on the session's clock: ``at`` and ``until`` are aware UTC datetimes; ``person`` the
    programme's id of the speaker (``None``: a name the programme does not have, or none)."""

    cue: Cue
    at: datetime
    until: datetime
    person: str | None


def decode_transcript_bytes(data: bytes) -> str:
    if len(data) > MAX_TRANSCRIPT_BYTES:
        raise TranscriptFileError("the transcript is {size} MB, more than the {limit} MB a transcript can plausibly "
                                  "be; is it the right file?", size=f"{len(data) / 1024 / 1024:.1f}",
                                  limit=MAX_TRANSCRIPT_BYTES // 1024 // 1024)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
    raise TranscriptFileError("the transcript is not UTF-8 text; save it from Zoom as .vtt")


def parse_transcript(text: str) -> TranscriptParse:
    """The cues of a WebVTT file, each with the speaker's name when it gives one."""
    import webvtt  # loaded only when a transcript is read
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) * MAX_CONTROL_SHARE):
        raise TranscriptFileError("the transcript is not text ({n} control characters); is it the right file?",
                                  n=controls)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    timings = len(_TIMING.findall(text))
    if timings > MAX_CUES:
        raise TranscriptFileError("the transcript has {n} cues, more than the {limit} a session can have",
                                  n=timings, limit=MAX_CUES)
    try:
        captions = webvtt.from_string(text).captions
    except (MalformedFileError, MalformedCaptionError) as error:
        first = text.lstrip()[:6]
        why = Words("it does not start with WEBVTT") if first != "WEBVTT" else str(error)
        raise TranscriptFileError("not a WebVTT transcript ({why}); save the transcript from Zoom as .vtt",
                                  why=why) from None
    cues: list[Cue] = []
    cut = 0
    for number, caption in enumerate(captions, start=1):
        body = " ".join(line.strip() for line in caption.text.split("\n") if line.strip())
        name: str | None = caption.voice.strip() if caption.voice else None
        if name is None:
            named = _NAMED.match(body)
            if named is not None:
                name, body = named["name"].strip(), named["text"].strip()
        if name is not None:
            name = unicodedata.normalize("NFC", " ".join(name.split()))[:MAX_NAME_CHARS] or None
        body = unicodedata.normalize("NFC", body)
        if not body:
            continue
        if len(body) > MAX_CUE_CHARS:
            body, cut = body[:MAX_CUE_CHARS], cut + 1
        start = caption.start_time.in_milliseconds() / 1000
        end = max(start, caption.end_time.in_milliseconds() / 1000)
        cues.append(Cue(number, start, end, name, body, cue_fingerprint(start, name, body)))
    return TranscriptParse(tuple(cues), max(0, timings - len(captions)), cut)


def cue_fingerprint(start: float, name: str | None, text: str) -> str:
    """A stable hash of a cue's time, name and text: importing the same file twice adds nothing."""
    payload = f"{start:.3f}\n{name or ''}\n{text}".encode("utf-8", "surrogatepass")
    return hashlib.sha256(payload).hexdigest()[:16]


def match_person(written: str | None, programme: Programme) -> str | None:
    """The programme's id of the person a transcript names, or ``None``.

    Zoom names people as they signed in: ``Paula Pérez (ACCIÓ)``, ``paula``, ``Dr. Young Kim``. Accents,
    case and what is in brackets are ignored; a full name matches, else a unique person all of whose
    names are among the written words, else a unique person with a name among the written words."""
    if not written:
        return None
    words = fold(_PARENTHESES.sub(" ", written).replace(".", " ").replace("-", " ")).split()
    if not words:
        return None
    candidates = [(pid, fold(name).split()) for pid, name in people(programme)]
    exact = {pid for pid, names in candidates if names == words}
    if len(exact) == 1:
        return exact.pop()
    every_name = {pid for pid, names in candidates if names and all(n in words for n in names)}
    if len(every_name) == 1:
        return every_name.pop()
    some_name = {pid for pid, names in candidates if any(n in words for n in names if len(n) > 1)}
    if len(some_name) == 1:
        return some_name.pop()
    return None


def place_cues(cues: Sequence[Cue], recording_start: datetime, programme: Programme) -> tuple[PlacedCue, ...]:
    """Each cue at its instant (the recording's start plus its offset), with its speaker matched."""
    matched: dict[str | None, str | None] = {}
    placed = []
    for cue in cues:
        if cue.name not in matched:
            matched[cue.name] = match_person(cue.name, programme)
        placed.append(PlacedCue(cue, recording_start + timedelta(seconds=cue.start),
                                recording_start + timedelta(seconds=cue.end), matched[cue.name]))
    return tuple(placed)
