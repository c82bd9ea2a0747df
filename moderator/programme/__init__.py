"""The programme: a session's TOML file, loaded, validated and planned.

Import the public API from here: ``from moderator.programme import Programme, load_programme``.
``model`` holds the types, ``loading`` the file and its syntax, ``validation`` the format's
rules, ``plan`` the planned times; this package imports nothing from the console.
"""

from moderator.programme.loading import load_programme, parse_programme
from moderator.programme.model import Person, Programme, Round, Segment, SegmentKind, SessionInfo, Speaker

__all__ = [
    "Person",
    "Programme",
    "Round",
    "Segment",
    "SegmentKind",
    "SessionInfo",
    "Speaker",
    "load_programme",
    "parse_programme",
]
