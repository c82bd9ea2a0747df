"""The time signal a moderator pastes into the Zoom chat, in the session's language.

Speakers read the chat, not the moderator's screen: "Young Kim: 2 minutes left" is the
polite interruption every online session relies on.
"""

from __future__ import annotations

import math

from moderator.programme import Programme
from moderator.session.snapshot import Snapshot
from moderator.session.state import Status

_TEXTS = {
    "en": {
        "minutes": "{who}: {n} minutes left", "minute": "{who}: 1 minute left",
        "seconds": "{who}: {n} seconds left", "over": "{who}: time is up, please conclude",
        "not_started": "{who}: we start in a moment", "ended": "Thank you all: the session has ended",
    },
    "es": {
        "minutes": "{who}: quedan {n} minutos", "minute": "{who}: queda 1 minuto",
        "seconds": "{who}: quedan {n} segundos", "over": "{who}: se acabó el tiempo, por favor concluya",
        "not_started": "{who}: empezamos en un momento", "ended": "Gracias a todos: la sesión ha terminado",
    },
    "fr": {
        "minutes": "{who} : il reste {n} minutes", "minute": "{who} : il reste 1 minute",
        "seconds": "{who} : il reste {n} secondes", "over": "{who} : le temps est écoulé, merci de conclure",
        "not_started": "{who} : nous commençons dans un instant",
        "ended": "Merci à toutes et à tous : la session est terminée",
    },
}


def who_is_on(programme: Programme, snapshot: Snapshot) -> str:
    """The speaker(s) on stage, else the segment's title."""
    segment = snapshot.segment or (snapshot.next_segment if snapshot.status is Status.NOT_STARTED else None)
    if segment is None:
        return programme.session.title
    speakers = programme.segment_speakers(segment)
    return " & ".join(s.name for s in speakers) if speakers else segment.title


def chat_signal(programme: Programme, snapshot: Snapshot) -> str:
    texts = _TEXTS.get(programme.session.language, _TEXTS["en"])
    if snapshot.status is Status.ENDED:
        return texts["ended"]
    who = who_is_on(programme, snapshot)
    if snapshot.status is Status.NOT_STARTED:
        return texts["not_started"].format(who=who)
    remaining = snapshot.remaining
    if remaining <= 0:
        return texts["over"].format(who=who)
    if remaining < 60:
        return texts["seconds"].format(who=who, n=math.ceil(remaining))
    minutes = math.ceil(remaining / 60) if remaining % 60 > 30 else math.floor(remaining / 60)
    minutes = max(1, minutes)
    return texts["minute"].format(who=who) if minutes == 1 else texts["minutes"].format(who=who, n=minutes)
