"""``moderator join URL``: the console on a seat, following a session another console hosts.

It connects first (the programme comes from the host: the person joining needs no file), then
opens the same console as the host's over a ``RemoteEngine``, in the same asyncio loop as the
seat's connection, which keeps reconnecting by itself while the console runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path

from moderator.problems import ModeratorError
from moderator.session.runs import OpenedRun
from moderator.share.remote_engine import RemoteEngine
from moderator.share.seat_client import SeatClient, shown_link

FIRST_CONTACT_TIMEOUT = 30.0


def join(url: str, name: str | None, *, bell: bool = False) -> int:
    client = SeatClient(url, name=name)
    try:
        return asyncio.run(_follow(client, url, bell))
    finally:
        client.close()


async def _follow(client: SeatClient, url: str, bell: bool) -> int:
    runner = asyncio.ensure_future(client.run())
    try:
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
        engine = RemoteEngine(client)
        run = OpenedRun(engine=engine, journal=None, journal_path=Path(), report_path=Path("(kept by the host)"),
                        rehearsal=engine.state.mode == "rehearsal")
        from moderator.tui.app import ModeratorApp

        await ModeratorApp(run, bell=bell).run_async()
    finally:
        client.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(runner, 3.0)
    waiting = len(client.waiting())
    if waiting:
        print(f"{waiting} command(s) not yet acknowledged are kept in {client.outbox.path}; "
              "they are sent when you join again.", file=sys.stderr)
    return 0


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
