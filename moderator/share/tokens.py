"""One secret per role, kept with the run so that a link survives a restart of the console.

A token is ``secrets.token_urlsafe(24)`` (192 bits): it goes in the URL, so it fits in a QR
code and a chat message, and it cannot be guessed. It is compared in constant time
(``hmac.compare_digest``), never logged and never put in an error message: logs and errors name
the role only.
"""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from moderator.problems import ModeratorError
from moderator.share.private_files import write_private

TOKEN_BYTES = 24
TOKENS_SUFFIX = ".share.json"


class Role(StrEnum):
    STAGE = "stage"
    """The speaker's full-screen countdown (read only)."""
    BACKSTAGE = "backstage"
    """The organizers' page: agenda, pace, projected end (read only)."""
    COMODERATOR = "comoderator"
    """Drives the timer and the messages, through the HTTP API or a seat."""
    RAPPORTEUR = "rapporteur"
    """Types notes from a seat (``moderator join``)."""


@dataclass(frozen=True)
class Tokens:
    by_role: dict[Role, str]

    @classmethod
    def new(cls) -> Tokens:
        return cls({role: secrets.token_urlsafe(TOKEN_BYTES) for role in Role})

    def role_of(self, token: str) -> Role | None:
        """The role ``token`` belongs to, or None; every role's token is compared, in constant time,
        so how long this takes says nothing about which one (or how much of it) matched."""
        given = token.encode("utf-8", "surrogateescape")
        found = None
        for role, secret in self.by_role.items():
            if hmac.compare_digest(given, secret.encode("ascii")):
                found = role
        return found

    def token(self, role: Role) -> str:
        return self.by_role[role]

    def __repr__(self) -> str:  # never a token in a traceback or a log line
        return f"Tokens({', '.join(role.value for role in self.by_role)})"

    __str__ = __repr__


def tokens_path(journal_path: Path) -> Path:
    """Beside the run's journal: ``live.share.json`` for ``live.journal.jsonl``."""
    name = journal_path.name.removesuffix(".journal.jsonl")
    return journal_path.with_name(name + TOKENS_SUFFIX)


def load_or_create(path: Path, *, renew: bool = False) -> Tokens:
    """The run's tokens: those kept in ``path`` unless ``renew`` (``--new-links``) or there are none yet;
    any role missing from the file gets a new token. The file is written mode 0600."""
    kept: dict[Role, str] = {}
    if not renew and path.exists():
        kept = _read(path)
    tokens = Tokens({role: kept.get(role) or secrets.token_urlsafe(TOKEN_BYTES) for role in Role})
    if tokens.by_role != kept:
        try:
            write_private(path, json.dumps({r.value: t for r, t in tokens.by_role.items()}, indent=2) + "\n")
        except OSError as error:
            raise ModeratorError("{path}: cannot keep the links' tokens: {reason}", path=str(path),
                                 reason=error.strerror) from None
    return tokens


def _read(path: Path) -> dict[Role, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # unreadable: new links (the old ones stop working, which is the safe side)
    if not isinstance(data, dict):
        return {}
    kept = {}
    for role in Role:
        value = data.get(role.value)
        if isinstance(value, str) and len(value) >= 22 and value.isascii():
            kept[role] = value
    return kept
