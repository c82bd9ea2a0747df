"""Text the console shows, built from snapshots: no timing is computed here, only formatted."""

from __future__ import annotations

import math

import pendulum

from moderator.i18n import Translate
from moderator.programme import Programme, Segment
from moderator.programme.durations import format_duration
from moderator.programme.zones import short_zone_label, zone
from moderator.session.state import Note

NOTE_KIND_MARKS = {"note": "•", "quote": "❝", "action": "!", "question": "?"}


def displayed_seconds(remaining: float) -> int:
    """The whole second a countdown shows: ``07:23`` until 7:22 is reached; in overtime the
    seconds over, counted up (``+00:01`` once a full second is over)."""
    return math.ceil(remaining) if remaining > 0 else -math.floor(-remaining)


def countdown_text(remaining_whole: int) -> str:
    """``423`` -> ``07:23``; overtime counts up as ``+01:05``."""
    if remaining_whole < 0:
        return "+" + format_duration(-remaining_whole)
    return format_duration(remaining_whole)


def offset_text(offset: float, _: Translate) -> str:
    seconds = round(offset)
    if abs(seconds) < 30:
        return _("on time")
    template = _("{duration} behind") if seconds > 0 else _("{duration} ahead")
    return template.format(duration=format_duration(abs(seconds)))


def local_times(moment: pendulum.DateTime, zones: tuple[str, ...], fmt: str = "HH:mm") -> str:
    return " · ".join(f"{moment.in_timezone(zone(z)).format(fmt)} {short_zone_label(z)}" for z in zones)


def speakers_line(programme: Programme, segment: Segment) -> str:
    return " & ".join(s.name for s in programme.segment_speakers(segment))


def segment_label(programme: Programme, segment: Segment) -> str:
    names = speakers_line(programme, segment)
    return f"{segment.title} — {names}" if names and names not in segment.title else segment.title


def speaker_name(programme: Programme, speaker_id: str | None) -> str:
    if speaker_id is None:
        return ""
    if speaker_id == "moderator" and not any(s.id == "moderator" for s in programme.speakers):
        return programme.moderator.name
    try:
        return programme.speaker(speaker_id).name
    except KeyError:
        return speaker_id


PLAIN_NOTE_MARKS = {"es": "nota:"}
"""The word that makes a note plain whatever follows, in the session's language (``note:`` else)."""


def note_as_typed(note: Note, language: str = "en") -> str:
    """The text a rapporteur would type to get this note: its level, its speaker or group and its
    mark included, so that editing it keeps them all (``parse_note`` reads it back the same); the
    plain mark, when one is needed, in the session's language (``nota:`` in a Spanish session)."""
    level = "-" * note.level + " " if note.level else ""
    mention = f"@g{note.group + 1} " if note.group is not None else f"@{note.speaker} " if note.speaker else ""
    text = note.text
    if note.kind == "quote":
        body = f"> {text}" if '"' in text else f'"{text}"'
    elif note.kind == "action":
        body = f"! {text}"
    elif note.kind == "question":
        body = f"? {text}"
    elif text[:1] in '"!?>-@' or _looks_like_a_word_mark(text):
        body = f"{PLAIN_NOTE_MARKS.get(language, 'note:')} {text}"
    else:
        body = text
    return f"{level}{mention}{body}"


def _looks_like_a_word_mark(text: str) -> bool:
    head, colon, _ = text.partition(":")
    return bool(colon) and head.strip().isalpha() and len(head) < 20
