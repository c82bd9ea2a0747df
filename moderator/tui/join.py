"""``moderator join URL``: the console on a seat, following a session another console hosts.

It connects first (the programme comes from the host: the person joining needs no file), then
opens the same console as the host's over a ``SeatEngine``, in the same asyncio loop as the
seat's connection, which keeps reconnecting by itself while the console runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

from moderator.i18n import translator
from moderator.problems import ModeratorError, Words, about_session, say
from moderator.session.journal import Journal
from moderator.share.remote_engine import SeatEngine
from moderator.share.seat_client import SeatClient, shown_link
from moderator.text import visible

FIRST_CONTACT_TIMEOUT = 30.0
KEPT_BY_THE_HOST = Path("(kept by the host)")


@dataclass
class SeatRun:
    """What a seat's console shows of the run: its engine; the journal and report are the host's."""

    engine: SeatEngine
    rehearsal: bool
    journal: Journal | None = None
    report_path: Path = KEPT_BY_THE_HOST
    message: str | None = None
    warnings: list[str] = field(default_factory=list)


def join(url: str, name: str | None, *, bell: bool = False) -> int:
    client = SeatClient(url, name=name)
    try:
        return asyncio.run(_follow(client, url, bell))
    finally:
        client.close()


async def _follow(client: SeatClient, url: str, bell: bool) -> int:
    runner = asyncio.ensure_future(client.run())
    # Until the host's welcome says the session's language: the one this seat was last welcomed in.
    language = client.remembered_language or "en"
    try:
        _say(damage_words(client, language))
        print(visible(translator(language)("Connecting to {link}").format(link=shown_link(url))), file=sys.stderr)
        try:
            with about_session(language):
                await _first_contact(client)
        except TimeoutError:
            reason = f" ({client.last_error})" if client.last_error else ""
            refusal = ModeratorError("cannot reach the session at {link}{reason}; check the link and that the "
                                     "host's console runs with --share", link=shown_link(url), reason=reason)
            refusal.language = language
            raise refusal from None
        engine = SeatEngine(client)
        language = engine.programme.session.language  # known from the welcome on: said in it
        _say(welcome_words(client, language))
        run = SeatRun(engine, rehearsal=engine.state.mode == "rehearsal",
                      warnings=_damage(client) + _taken_over(client))
        from moderator.tui.app import ModeratorApp

        app = ModeratorApp(run, bell=bell)
        await app.run_async()
    finally:
        client.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(runner, 3.0)
    with contextlib.suppress(OSError):  # the terminal may be gone
        _say(goodbye_words(client, language))
    # Textual's 1 when the console crashed, 128 + N after signal N: a crash is never a success.
    return app.return_code or 0


def welcome_words(client: SeatClient, language: str) -> list[str]:
    """What the seat says once the host welcomed it, in the session's language (the welcome's programme)."""
    _ = translator(language)
    if not client.identity_refused:
        return []
    return [_("The host did not know this seat ({reason}): joined as a new seat.").format(
        reason=_(client.identity_refused))]  # the host's reason, in the seat's words where they are known


def goodbye_words(client: SeatClient, language: str) -> list[str]:
    """What the seat says once its console closed: the outbox's damaged lines, the commands still waiting."""
    _ = translator(language)
    said = damage_words(client, language) + [say(line, _) for line in _taken_over(client)]
    waiting = len(client.waiting())
    if waiting:
        said.append(_("{n} command(s) not yet acknowledged are kept in {path}; they are sent when you join "
                      "again.").format(n=waiting, path=client.outbox.path))
    return said


def damage_words(client: SeatClient, language: str) -> list[str]:
    """The outbox's damaged lines, in ``language`` (before the host's welcome the seat cannot know the
    session's: English)."""
    return [say(line, translator(language)) for line in _damage(client)]


def _taken_over(client: SeatClient) -> list[str]:
    """The commands a revoked link of this seat had left waiting, sent with this one (``seat_place``)."""
    if not client.taken_over:
        return []
    return [Words("{n} command(s) left waiting on this seat's revoked link were sent with this link",
                  n=client.taken_over)]


def _say(lines: list[str]) -> None:
    for line in lines:
        print(visible(line), file=sys.stderr)


def _damage(client: SeatClient) -> list[str]:
    """Damaged lines of the outbox (kept aside, not sent): said on stderr, in the console and after it
    (``Words``: in the session's language once the seat knows it, from the host's welcome)."""
    if not client.outbox.damaged:
        return []
    return [Words("{n} damaged line(s) in the seat's outbox could not be read and were not sent; they are kept "
                  "in {path}", n=client.outbox.damaged, path=str(client.outbox.damaged_path))]


async def _first_contact(client: SeatClient) -> None:
    """Wait for the host's welcome; a link the host refuses is said at once, not after the timeout
    (``shown_link``: never the token, a password, on a screen others may see)."""
    deadline = asyncio.get_running_loop().time() + FIRST_CONTACT_TIMEOUT
    while not client.connected:
        if client.link_refused:
            raise ModeratorError("{reason}; ask the host for the current link (its Share screen, key s, or "
                                 "links.txt)", reason=client.last_error)
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            raise TimeoutError
        with contextlib.suppress(TimeoutError):
            await client.wait_welcomed(min(0.1, remaining))
