"""Where a seat sat, kept beside its outbox, so that a revoked link's waiting notes go on with the new one.

When the host makes new links (``--new-links``: a link went further than it should), a seat's old
link is refused. What its person typed until then, and while it was refused, waits in the outbox
of the old link; the person joins again with the new link, whose outbox is another file. So each
seat keeps, in its identity file beside its outbox (mode 0600), what the host said of it: its id
and secret, and its place (``SeatPlace``: the host's seat address without the token, the role,
the session, the name the person gave), and marks the file ``revoked`` when its link is refused.

A seat joining with a link then finds on this computer the revoked seats of the same address and
name (``revoked_seats``): before its first hello it presents the revoked seat's id and secret
(the host knows the person by them: their notes stay theirs to correct); once welcomed into the
same session and role, it takes the revoked seat's waiting commands into its own outbox, with
their ids (``take_waiting``), so the host applies each once, whichever link brings it. A seat of
another session (the next day's run on the same address) is never taken: no note is misfiled.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from moderator.locking import lock_path
from moderator.problems import ModeratorError
from moderator.programme.model import LANGUAGES
from moderator.share.outbox import Outbox, OutboxBusy
from moderator.share.private_files import write_private

IDENTITY_SUFFIX = ".seat.json"


@dataclass(frozen=True)
class SeatPlace:
    """What identifies a seat's place apart from its token, which changes with ``--new-links``."""

    address: str
    """The host's seat address without the token (``ws://host:port/seat``)."""
    name: str
    """The name the person joined with (``--name``; empty when none)."""
    role: str = ""
    session: str = ""
    language: str = ""
    """The session's language, as its programme declares it: what the seat says before the host's
    next welcome ("Connecting to…") is said in it."""


@dataclass(frozen=True)
class KeptSeat:
    """One identity file: who the host said this seat is, where it sat, and whether its link was refused."""

    path: Path
    seat_id: str
    secret: str
    place: SeatPlace | None
    revoked: bool = False

    @property
    def outbox_path(self) -> Path:
        return self.path.with_name(self.path.name.removesuffix(IDENTITY_SUFFIX) + ".jsonl")


def identity_path(outbox_path: Path) -> Path:
    return outbox_path.with_name(outbox_path.stem + IDENTITY_SUFFIX)


def read_seat(path: Path) -> KeptSeat | None:
    """The identity kept in ``path``; ``None`` when there is none or it does not read."""
    try:
        kept: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict):
        return None
    seat_id, secret, place = kept.get("seat_id"), kept.get("seat_secret"), kept.get("place")
    if not isinstance(seat_id, str) or not isinstance(secret, str) or not seat_id or not secret:
        return None
    fields = ("address", "name", "role", "session")
    found = (SeatPlace(**{key: place[key] for key in fields}, language=_language(place.get("language")))
             if isinstance(place, dict) and all(isinstance(place.get(key), str) for key in fields) else None)
    return KeptSeat(path, seat_id, secret, found, kept.get("revoked") is True)


def _language(kept: object) -> str:
    return kept if isinstance(kept, str) and kept in LANGUAGES else ""


def write_seat(path: Path, seat_id: str, secret: str, place: SeatPlace | None, *, revoked: bool = False) -> None:
    record: dict[str, Any] = {"seat_id": seat_id, "seat_secret": secret}
    if place is not None:
        record["place"] = asdict(place)
    if revoked:
        record["revoked"] = True
    write_private(path, json.dumps(record) + "\n")


def revoked_seats(folder: Path, address: str, name: str, *, besides: Path) -> list[KeptSeat]:
    """The seats on this computer at ``address`` under ``name`` whose link the host refused after it
    had worked, oldest first (``besides``: this seat's own identity file)."""
    found: list[tuple[float, KeptSeat]] = []
    for path in folder.glob("*" + IDENTITY_SUFFIX):
        if path == besides:
            continue
        seat = read_seat(path)
        if seat is not None and seat.revoked and seat.place is not None and \
                (seat.place.address, seat.place.name) == (address, name):
            with contextlib.suppress(OSError):
                found.append((path.stat().st_mtime, seat))
    return [seat for _, seat in sorted(found, key=lambda item: item[0])]


def take_waiting(seat: KeptSeat, outbox: Outbox) -> int:
    """Move the revoked ``seat``'s waiting commands into ``outbox`` (fsync'd there before they leave
    the old one; a crash between the two sends a command twice, which the host answers once), then
    forget the revoked seat. How many were taken; 0 when its outbox is in use (a `moderator join`
    still running on the old link: taken at a later welcome, once it has closed)."""
    try:
        old = Outbox(seat.outbox_path)
    except (OutboxBusy, ModeratorError):
        return 0
    try:
        waiting = old.waiting()
        for command in waiting:
            outbox.put(command)
        for command in waiting:
            old.acked(command.id)
    finally:
        old.close()
    for leftover in (seat.path, seat.outbox_path, lock_path(seat.outbox_path)):
        with contextlib.suppress(OSError):
            leftover.unlink()
    return len(waiting)
