"""The time signal a moderator pastes into the Zoom chat, in the session's language.

Speakers read the chat, not the moderator's screen: "Young Kim: 2 minutes left" is the
polite interruption every online session relies on.
"""

from __future__ import annotations

import math

from moderator.i18n import ngettext, translator
from moderator.programme import Programme
from moderator.session.snapshot import Snapshot
from moderator.session.state import Status


def _(text: str) -> str:
    """Marks a message for the catalogs; ``chat_signal`` translates it."""
    return text


MINUTES_LEFT = (_("{who}: 1 minute left"), _("{who}: {n} minutes left"))
SECONDS_LEFT = (_("{who}: 1 second left"), _("{who}: {n} seconds left"))
TIME_IS_UP = _("{who}: time is up, please conclude")
NOT_STARTED = _("{who}: we start in a moment")
ENDED = _("Thank you all: the session has ended")


def who_is_on(programme: Programme, snapshot: Snapshot) -> str:
    """The speaker(s) on stage, else the segment's title."""
    segment = snapshot.segment or (snapshot.next_segment if snapshot.status is Status.NOT_STARTED else None)
    if segment is None:
        return programme.session.title
    speakers = programme.segment_speakers(segment)
    return " & ".join(s.name for s in speakers) if speakers else segment.title


def chat_signal(programme: Programme, snapshot: Snapshot, language: str | None = None) -> str:
    """The signal in ``language`` (default: the programme's), from the gettext catalogs."""
    language = language or programme.session.language
    translate = translator(language)
    if snapshot.status is Status.ENDED:
        return translate(ENDED)
    who = who_is_on(programme, snapshot)
    if snapshot.status is Status.NOT_STARTED:
        return translate(NOT_STARTED).format(who=who)
    remaining = snapshot.remaining
    if remaining <= 0:
        return translate(TIME_IS_UP).format(who=who)
    if remaining < 60:  # never more than is left: 0:45.8 is "45 seconds"
        seconds = max(1, math.floor(remaining))
        return ngettext(language, *SECONDS_LEFT, seconds).format(who=who, n=seconds)
    minutes = math.floor(remaining / 60)  # 11:45 left is "11 minutes", never 12
    return ngettext(language, *MINUTES_LEFT, minutes).format(who=who, n=minutes)
