"""A seat's link is a password: ``moderator join`` takes it from a file, standard input or the
environment, never prints it, says what a page link is, and says when its link was revoked."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from share_helpers import ShareHost, share_host

from moderator.problems import ModeratorError
from moderator.share.link_input import ENVIRONMENT_VARIABLE, find_link
from moderator.share.remote_engine import RemoteEngine
from moderator.share.seat_client import SeatClient
from moderator.share.tokens import Role, Tokens

TOKEN = "Zq3_never-shown-on-screen-0123456789"
LINK = f"http://127.0.0.1:9/rapporteur/{TOKEN}"


def test_the_link_from_the_argument_a_file_stdin_or_the_environment(tmp_path: Path) -> None:
    assert find_link(LINK, None, {}) == LINK
    kept = tmp_path / "link.txt"
    kept.write_text(f"\n  {LINK}  \nsomething else\n")
    assert find_link(None, str(kept), {}) == LINK
    assert find_link(None, None, {ENVIRONMENT_VARIABLE: f" {LINK}\n"}) == LINK
    assert find_link("-", None, {}, stdin=io.StringIO(LINK + "\n")) == LINK
    assert find_link(None, "-", {}, stdin=io.StringIO(LINK + "\n")) == LINK
    with pytest.raises(ModeratorError, match="MODERATOR_LINK"):
        find_link(None, None, {})
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    with pytest.raises(ModeratorError, match="no link"):
        find_link(None, str(empty), {})
    with pytest.raises(ModeratorError, match="not a regular file"):
        find_link(None, "/dev/zero", {})


def run_join(state: Path, *arguments: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``moderator join`` as a person runs it, its state folder in ``state``."""
    return subprocess.run([sys.executable, "-m", "moderator", "join", *arguments], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "XDG_STATE_HOME": str(state)}, input=stdin)


@pytest.mark.attack("N10")
def test_join_with_a_page_link_says_to_open_it_in_a_browser_and_never_prints_the_token(tmp_path: Path) -> None:
    for page in ("stage", "backstage"):
        done = run_join(tmp_path, f"http://127.0.0.1:9/{page}/{TOKEN}")
        assert done.returncode == 2
        assert "browser" in done.stderr and TOKEN not in done.stderr + done.stdout
    done = run_join(tmp_path, "--link-file", "-", stdin=f"http://127.0.0.1:9/stage/{TOKEN}\n")
    assert done.returncode == 2 and "browser" in done.stderr and TOKEN not in done.stderr


@pytest.fixture
async def host(tmp_path: Path) -> AsyncIterator[ShareHost]:
    made = await share_host(tmp_path)
    made.engine.start()
    yield made
    await made.close()


async def wait_until(predicate: object, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


@pytest.mark.attack("N11")
async def test_after_new_links_a_seat_says_its_link_was_revoked(host: ShareHost, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{host.client.port}/rapporteur/{host.token(Role.RAPPORTEUR)}"
    client = SeatClient(url, name="Ana", folder=tmp_path / "seat")
    runner = asyncio.ensure_future(client.run())
    try:
        await client.wait_welcomed(5)
        engine = RemoteEngine(client)
        # --new-links: the host's tokens change, and the seats connected on the old ones are let go
        host.server.tokens = Tokens.new()
        host.hub.close_all()
        await wait_until(lambda: client.revoked)
        client.send_durable("add_note", {"text": "typed after the cut"})
        line = engine.seat_line("en")
        assert "link revoked" in line and "1 note waiting" in line
        assert "revocado" in engine.seat_line("es") and "révoqué" in engine.seat_line("fr")
        assert client.last_error is not None and host.token(Role.RAPPORTEUR) not in client.last_error
    finally:
        client.stop()
        await asyncio.wait_for(runner, 5)
        client.close()


async def test_a_link_refused_at_the_first_contact_is_said_at_once_without_its_token(host: ShareHost,
                                                                                    tmp_path: Path) -> None:
    from moderator.tui.join import _first_contact

    url = f"http://127.0.0.1:{host.client.port}/rapporteur/{TOKEN}"
    client = SeatClient(url, name="Ana", folder=tmp_path / "seat")
    runner = asyncio.ensure_future(client.run())
    try:
        with pytest.raises(ModeratorError) as refused:
            await asyncio.wait_for(_first_contact(client), 10)
        assert "refused this link" in str(refused.value) and TOKEN not in str(refused.value)
    finally:
        client.stop()
        await asyncio.wait_for(runner, 5)
        client.close()


async def test_a_terminal_seat_keeps_its_identity_beside_its_outbox_and_is_itself_again(host: ShareHost,
                                                                                       tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{host.client.port}/rapporteur/{host.token(Role.RAPPORTEUR)}"
    ids = []
    for _ in range(2):  # the same person joins twice (a restart of `moderator join`)
        client = SeatClient(url, name="Ana", folder=tmp_path / "seat")
        runner = asyncio.ensure_future(client.run())
        await client.wait_welcomed(5)
        ids.append(client.seat_id)
        assert client.identity_path.parent == client.outbox.path.parent
        assert oct(client.identity_path.stat().st_mode & 0o777) == "0o600"
        client.stop()
        await asyncio.wait_for(runner, 5)
        client.close()
    assert ids[0] == ids[1] and ids[0] is not None and len(host.hub.registry) == 1
    # the host lost its seats (its run folder was restored without them): the seat is told, and is a new seat
    host.hub.registry.seats.clear()
    client = SeatClient(url, name="Ana", folder=tmp_path / "seat")
    runner = asyncio.ensure_future(client.run())
    try:
        await client.wait_welcomed(10)
        assert client.identity_refused and client.seat_id not in (None, ids[0])
    finally:
        client.stop()
        await asyncio.wait_for(runner, 5)
        client.close()
