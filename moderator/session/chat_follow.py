"""Following a Zoom chat file while Zoom writes it (``moderator run FILE --chat CHAT``).

Zoom appends to its saved chat as messages arrive. ``ChatFollower.poll`` looks at the file's
size and, only when it changed, reads and parses the whole file again with ``growing=True``
(a last line without its newline is still being written and waits for the next poll); the
engine keeps only the messages whose fingerprint it has not seen. Reading is bounded and
done off the event loop (``moderator.host`` runs it in a thread); nothing here touches state.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from moderator.problems import ModeratorError, Words
from moderator.programme.zones import ZoneError, check_zone
from moderator.session.zoom_chat import (
    MAX_CHAT_BYTES,
    DatedChatMessage,
    assign_dates,
    decode_chat_bytes,
    parse_zoom_chat,
)

POLL_SECONDS = 2.0


def host_zone() -> str:
    """This computer's zone (``TZ``, else the system's), as an IANA name when there is one."""
    import os

    from pendulum.tz import local_timezone

    # TZ first, read now: pendulum keeps the zone it found first for the life of the process
    name = os.environ.get("TZ", "").removeprefix(":") or local_timezone().name or "UTC"
    try:
        return check_zone(name)
    except ZoneError:
        return "UTC"


def chat_zone(zone: str | None, *, report: bool = False) -> tuple[str, Words]:
    """The zone to read the chat's times in (``report``: a webinar report's), and a sentence saying
    where it came from (``Words``: said in the session's language)."""
    if zone is not None:
        try:
            chosen = check_zone(zone)
        except ZoneError as error:
            raise ModeratorError("--zone: {error} ({hint})", error=error.words, hint=error.hint) from None
        return chosen, (Words("report times read as {zone} (--zone)", zone=chosen) if report
                        else Words("chat times read as {zone} (--zone)", zone=chosen))
    chosen = host_zone()
    if report:
        return chosen, Words("report times read as {zone}, this computer's zone (use --zone if the chat was saved "
                             "elsewhere)", zone=chosen)
    return chosen, Words("chat times read as {zone}, this computer's zone (use --zone if the chat was saved elsewhere)",
                         zone=chosen)




class ChatFollower:
    def __init__(self, path: Path, zone: str, session_date: dt.date) -> None:
        self.path = path
        self.zone = zone
        self.session_date = session_date
        self._seen_size: int | None = None
        self.problem: str | None = None
        """The last reason the file could not be read (shown once by the console), else ``None``."""

    def poll(self, started_wall: dt.datetime | None = None) -> tuple[DatedChatMessage, ...]:
        """Every message to everyone in the file if it grew since the last poll, else nothing.

        ``started_wall`` (the session's actual start) anchors Zoom's clock times to a day.
        Never raises: a file not there yet, unreadable or not a chat sets ``problem``.
        """
        try:
            size = os.stat(self.path).st_size
        except FileNotFoundError:
            return ()  # Zoom writes the file with the first message
        except OSError as error:
            self.problem = Words("{path}: {problem}", path=str(self.path), problem=error.strerror or str(error))
            return ()
        if size == self._seen_size:
            return ()
        try:
            if size > MAX_CHAT_BYTES:
                raise ModeratorError("{path}: larger than a chat can be ({size} bytes); not followed",
                                     path=str(self.path), size=size)
            with open(self.path, "rb") as handle:
                data = handle.read(MAX_CHAT_BYTES + 1)
            parsed = parse_zoom_chat(decode_chat_bytes(data), growing=True)
            dated = assign_dates(parsed.messages, self.session_date, self.zone, started_wall)
        except (OSError, ModeratorError) as error:  # ``Words``: the console says it in the session's language
            reason = (Words(error.template, **error.words) if isinstance(error, ModeratorError)
                      else error.strerror or str(error))
            self.problem = Words("{path}: {problem}", path=str(self.path), problem=reason)
            self._seen_size = size  # try again when it changes
            return ()
        self._seen_size = size
        self.problem = None
        return dated
