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

from moderator.problems import ModeratorError
from moderator.session.journal import Journal
from moderator.share.remote_engine import SeatEngine
from moderator.share.seat_client import SeatClient, shown_link

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
    try:
        _say_damage(client)
        print(f"Connecting to {shown_link(url)}", file=sys.stderr)
        try:
            await _first_contact(client)
        except TimeoutError:
            reason = f" ({client.last_error})" if client.last_error else ""
            raise ModeratorError(f"cannot reach the session at {shown_link(url)}{reason}; check the link and "
                                 "that the host's console runs with --share") from None
        if client.identity_refused:
            print(f"The host did not know this seat ({client.identity_refused}): joined as a new seat.",
                  file=sys.stderr)
        engine = SeatEngine(client)
        run = SeatRun(engine, rehearsal=engine.state.mode == "rehearsal", warnings=_damage(client))
        from moderator.tui.app import ModeratorApp

        app = ModeratorApp(run, bell=bell)
        await app.run_async()
    finally:
        client.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(runner, 3.0)
    with contextlib.suppress(OSError):  # the terminal may be gone
        _say_damage(client)
        waiting = len(client.waiting())
        if waiting:
            print(f"{waiting} command(s) not yet acknowledged are kept in {client.outbox.path}; "
                  "they are sent when you join again.", file=sys.stderr)
    # Textual's 1 when the console crashed, 128 + N after signal N: a crash is never a success.
    return app.return_code or 0


def _damage(client: SeatClient) -> list[str]:
    """Damaged lines of the outbox (kept aside, not sent): said on stderr, in the console and after it."""
    if not client.outbox.damaged:
        return []
    return [f"{client.outbox.damaged} damaged line(s) in the seat's outbox could not be read and were not sent; "
            f"they are kept in {client.outbox.damaged_path}"]


def _say_damage(client: SeatClient) -> None:
    for line in _damage(client):
        print(line, file=sys.stderr)


async def _first_contact(client: SeatClient) -> None:
    """Wait for the host's welcome; a link the host refuses is said at once, not after the timeout
    (``shown_link``: never the token, a password, on a screen others may see)."""
    deadline = asyncio.get_running_loop().time() + FIRST_CONTACT_TIMEOUT
    while not client.connected:
        if client.link_refused:
            raise ModeratorError(f"{client.last_error}; ask the host for the current link "
                                 "(its Share screen, key s, or links.txt)")
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            raise TimeoutError
        with contextlib.suppress(TimeoutError):
            await client.wait_welcomed(min(0.1, remaining))
