"""Who a seat is: an id and a secret the host makes at the seat's first join, kept with the run.

A seat's identity is the host's, never the client's: a ``hello`` without an identity gets a new
seat (id ``seat-`` + 8 hex digits, which labels its notes and is no secret; a secret of 192 random
bits, handed over once in the ``welcome``); a ``hello`` with one must present the secret of a seat
of the link's role, or it is refused. Only the secret's SHA-256 is kept, with the seat's role and
name, in ``<run>.seats.json`` beside the journal (mode 0600), so seats keep their notes across a
restart of the host and a stolen file gives no secret. Secrets are compared in constant time and
never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from moderator.share.private_files import write_private
from moderator.share.tokens import Role

SEATS_SUFFIX = ".seats.json"
SECRET_BYTES = 24
MAX_SEATS = 256
"""Seats one run remembers; when full, the oldest seat that is not connected and wrote nothing goes."""
MAX_SEAT_NAME = 80
MAX_SECRET = 128

log = logging.getLogger("moderator.share.seats")


@dataclass
class SeatRecord:
    seat_id: str
    role: Role
    name: str | None
    secret_sha256: str


def seats_path(journal_path: Path) -> Path:
    """Beside the run's journal: ``live.seats.json`` for ``live.journal.jsonl``."""
    return journal_path.with_name(journal_path.name.removesuffix(".journal.jsonl") + SEATS_SUFFIX)


def clean_name(name: object) -> str | None:
    """The name a seat gives, as the host keeps it: trimmed, bounded; ``None`` when there is none."""
    if not isinstance(name, str):
        return None
    name = " ".join(name.split())[:MAX_SEAT_NAME]
    return name or None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogateescape")).hexdigest()


class SeatFull(Exception):
    """No room for one more seat in this run."""


class SeatRegistry:
    """The run's seats. ``path`` None: kept in memory only (tests, a host without a journal)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.seats: dict[str, SeatRecord] = self._load() if path is not None else {}

    def __len__(self) -> int:
        return len(self.seats)

    def create(self, role: Role, name: str | None,
               evictable: Callable[[SeatRecord], bool] = lambda _: False) -> tuple[SeatRecord, str]:
        """A new seat of ``role``: its record and its secret (the only time the secret exists here)."""
        if len(self.seats) >= MAX_SEATS:
            oldest = next((record for record in self.seats.values() if evictable(record)), None)
            if oldest is None:
                raise SeatFull
            del self.seats[oldest.seat_id]
        seat_id = "seat-" + secrets.token_hex(4)
        while seat_id in self.seats:
            seat_id = "seat-" + secrets.token_hex(4)
        secret = secrets.token_urlsafe(SECRET_BYTES)
        record = SeatRecord(seat_id, role, name, _digest(secret))
        self.seats[seat_id] = record
        self._save()
        return record, secret

    def verify(self, seat_id: object, secret: object, role: Role) -> SeatRecord | None:
        """The seat ``seat_id`` if ``secret`` is its secret and it is a seat of ``role``; else None.
        The digest is compared in constant time, against a dummy when the id is unknown."""
        if not isinstance(seat_id, str) or not isinstance(secret, str) or len(secret) > MAX_SECRET:
            return None
        record = self.seats.get(seat_id)
        expected = record.secret_sha256 if record is not None else _digest("")
        matches = hmac.compare_digest(_digest(secret).encode("ascii"), expected.encode("ascii"))
        if record is None or not matches or record.role is not role:
            return None
        return record

    def rename(self, record: SeatRecord, name: str | None) -> None:
        """The seat now goes by ``name`` (said at its latest ``hello``): its next notes carry it."""
        if name is not None and name != record.name:
            record.name = name
            self._save()

    # ------------------------------------------------------------------ the file

    def _load(self) -> dict[str, SeatRecord]:
        assert self.path is not None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, RecursionError) as error:
            log.warning("the seats file could not be read (%s): seats join again as new seats",
                        type(error).__name__)
            return {}
        found: dict[str, SeatRecord] = {}
        entries = data.get("seats") if isinstance(data, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            seat_id, role, digest = entry.get("id"), entry.get("role"), entry.get("secret_sha256")
            if not (isinstance(seat_id, str) and seat_id.startswith("seat-") and len(seat_id) <= 64
                    and role in {r.value for r in Role} and isinstance(digest, str) and len(digest) == 64):
                continue
            found[seat_id] = SeatRecord(seat_id, Role(role), clean_name(entry.get("name")), digest)
        return dict(list(found.items())[-MAX_SEATS:])

    def _save(self) -> None:
        if self.path is None:
            return
        entries = [{"id": r.seat_id, "role": r.role.value, "name": r.name, "secret_sha256": r.secret_sha256}
                   for r in self.seats.values()]
        try:
            write_private(self.path, json.dumps({"seats": entries}, ensure_ascii=False, indent=1) + "\n")
        except OSError as error:
            # The seats go on in memory; after a restart of the host they would join as new seats.
            log.warning("the seats file could not be written (%s)", error.strerror)
