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
from moderator.share.remote_engine import SeatEngine
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
        engine = SeatEngine(client)
        # --new-links: the host's tokens change, and the seats connected on the old ones are let go
        host.server.tokens = Tokens.new()
        host.hub.close_all()
        await wait_until(lambda: client.revoked)
        client.send_durable("add_note", {"text": "typed after the cut"})
        line = engine.status_line("en")
        assert "link revoked" in line and "1 note waiting" in line
        assert "revocado" in engine.status_line("es") and "révoqué" in engine.status_line("fr")
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


async def _joined(url: str, folder: Path, name: str = "Ana") -> tuple[SeatClient, asyncio.Future[None]]:
    client = SeatClient(url, name=name, folder=folder)
    runner = asyncio.ensure_future(client.run())
    await client.wait_welcomed(5)
    return client, runner


async def _left(client: SeatClient, runner: asyncio.Future[None]) -> None:
    client.stop()
    await asyncio.wait_for(runner, 5)
    client.close()


def _new_links(host: ShareHost) -> Tokens:
    """``--new-links``: the host's tokens change, and the seats connected on the old ones are let go."""
    host.server.tokens = Tokens.new()
    host.hub.close_all()
    return host.server.tokens


@pytest.mark.attack("N14")
async def test_notes_left_waiting_on_a_revoked_link_go_on_with_the_new_one(host: ShareHost, tmp_path: Path) -> None:
    """Typed after the host made new links: kept in the old link's outbox. Joining with the new link,
    the same person on the same computer is the same seat (their notes stay theirs to correct) and
    their waiting note reaches the journal, once."""
    base = f"http://127.0.0.1:{host.client.port}/rapporteur/"
    old, runner = await _joined(base + host.token(Role.RAPPORTEUR), tmp_path / "seat")
    old.send_durable("add_note", {"text": "said before the cut"})
    await wait_until(lambda: not old.waiting())
    tokens = _new_links(host)
    await wait_until(lambda: old.revoked)
    old.send_durable("add_note", {"text": "typed after the cut"})
    seat_id, old_files = old.seat_id, (old.identity_path, old.outbox.path)
    await _left(old, runner)  # the person closes the old join, and joins with the new link

    new, runner = await _joined(base + tokens.token(Role.RAPPORTEUR), tmp_path / "seat")
    try:
        await wait_until(lambda: not new.waiting())
        notes = host.engine.state.visible_notes()
        assert [note.text for note in notes] == ["said before the cut", "typed after the cut"]
        assert {note.seat for note in notes} == {seat_id} and new.seat_id == seat_id and new.taken_over == 1
        assert new.identity_refused is None and len(host.hub.registry) == 1
        assert not any(path.exists() for path in old_files)
        from moderator.tui.join import goodbye_words

        assert goodbye_words(new, "en") == ["1 command(s) left waiting on this seat's revoked link were sent with "
                                            "this link"]
        assert "enlace revocado" in goodbye_words(new, "es")[0] and "lien révoqué" in goodbye_words(new, "fr")[0]
    finally:
        await _left(new, runner)


async def test_a_revoked_link_s_notes_never_go_to_another_role(host: ShareHost, tmp_path: Path) -> None:
    """The same person joining with the co-moderator's new link: another seat of another role; the
    rapporteur's waiting note is not sent there (it waits for the rapporteur's new link)."""
    rapporteur = f"http://127.0.0.1:{host.client.port}/rapporteur/{host.token(Role.RAPPORTEUR)}"
    old, runner = await _joined(rapporteur, tmp_path / "seat")
    tokens = _new_links(host)
    await wait_until(lambda: old.revoked)
    old.send_durable("add_note", {"text": "for the rapporteur's seat only"})
    await _left(old, runner)

    comoderator = f"http://127.0.0.1:{host.client.port}/comoderator/{tokens.token(Role.COMODERATOR)}"
    other, runner = await _joined(comoderator, tmp_path / "seat")
    try:
        assert other.role == "comoderator" and other.taken_over == 0 and other.identity_refused is None
        assert other.seat_id != old.seat_id and not host.engine.state.visible_notes()
    finally:
        await _left(other, runner)
    again, runner = await _joined(f"http://127.0.0.1:{host.client.port}/rapporteur/{tokens.token(Role.RAPPORTEUR)}",
                                  tmp_path / "seat")
    try:
        await wait_until(lambda: bool(host.engine.state.visible_notes()))
        assert [note.text for note in host.engine.state.visible_notes()] == ["for the rapporteur's seat only"]
        assert again.seat_id == old.seat_id
    finally:
        await _left(again, runner)


async def test_a_revoked_seat_of_another_session_is_never_taken(host: ShareHost, tmp_path: Path) -> None:
    """Yesterday's run on the same address and name: its waiting note stays where it is (a note is
    never filed in another session), and its seat, unknown here, is quietly not used."""
    from moderator.share.outbox import Outbox, Pending
    from moderator.share.seat_place import SeatPlace, identity_path, write_seat

    url = f"http://127.0.0.1:{host.client.port}/rapporteur/{host.token(Role.RAPPORTEUR)}"
    folder = tmp_path / "seat" / "outbox"
    folder.mkdir(parents=True)
    yesterday = Outbox(folder / "0123456789abcdef-0123456789abcdef.jsonl")
    yesterday.put(Pending("yesterday-1", "add_note", {"text": "about yesterday's session"}))
    yesterday.close()
    address = f"ws://127.0.0.1:{host.client.port}/seat"
    write_seat(identity_path(yesterday.path), "seat-0badc0de", "not-a-secret-of-this-run",
               SeatPlace(address, "Ana", "rapporteur", "another-session"), revoked=True)
    client, runner = await _joined(url, tmp_path / "seat")
    try:
        assert client.seat_id != "seat-0badc0de" and client.identity_refused is None and client.taken_over == 0
        assert not host.engine.state.visible_notes() and yesterday.path.exists()
        assert "yesterday-1" in yesterday.path.read_text()
    finally:
        await _left(client, runner)


async def test_before_the_welcome_a_seat_speaks_the_language_it_was_last_welcomed_in(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Welcomed once into a Spanish session, the seat says "Conectando con …" and, the host gone,
    gives up in Spanish too: nothing before the welcome can know the session, but the last one can."""
    from conftest import SESSIONS
    from helpers_engine import new_engine

    from moderator.i18n import translator
    from moderator.programme import load_programme
    from moderator.tui.join import _follow

    (tmp_path / "host").mkdir()
    engine, _ = new_engine(tmp_path / "host", programme=load_programme(SESSIONS / "gsef2021-diesis-es.toml"))
    host = await share_host(tmp_path / "host", engine=engine)
    engine.start()
    port = host.client.port
    url = f"http://127.0.0.1:{port}/rapporteur/{host.token(Role.RAPPORTEUR)}"
    first, runner = await _joined(url, tmp_path / "seat")
    assert SeatClient(url, name="Bo", folder=tmp_path / "elsewhere").remembered_language is None
    await _left(first, runner)
    await host.close()  # the host's console has closed: nobody answers now

    monkeypatch.setattr("moderator.tui.join.FIRST_CONTACT_TIMEOUT", 0.5)
    again = SeatClient(url, name="Ana", folder=tmp_path / "seat")
    assert again.remembered_language == "es"
    try:
        with pytest.raises(ModeratorError) as refused:
            await _follow(again, url, bell=False)
    finally:
        again.close()
    assert capsys.readouterr().err.startswith(f"Conectando con http://127.0.0.1:{port}/rapporteur/…")
    assert refused.value.language == "es"
    assert refused.value.say(translator("es")).startswith("no se puede llegar a la sesión")
