"""A link is a role: every role's token on every route of the server, what it may open, read and do.

The expected matrix is written out here by hand (not read from ``roles.py``), so a change to the
table that the server follows must be made twice, on purpose. The host runs in the test's process
(aiohttp's test client on 127.0.0.1), with its seats' endpoint.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import WSServerHandshakeError
from share_helpers import ShareHost, share_host

from moderator.share.roles import RIGHTS, Route
from moderator.share.tokens import Role

STAGE, BACKSTAGE, RAPPORTEUR, COMODERATOR = Role.STAGE, Role.BACKSTAGE, Role.RAPPORTEUR, Role.COMODERATOR

OPENS: dict[Route, set[Role]] = {
    Route.STAGE_PAGE: {STAGE, BACKSTAGE, COMODERATOR},
    Route.BACKSTAGE_PAGE: {BACKSTAGE, COMODERATOR},
    Route.RAPPORTEUR_PAGE: {RAPPORTEUR, COMODERATOR},
    Route.COMODERATOR_PAGE: {COMODERATOR},
    Route.PAGE_SOCKET: {STAGE, BACKSTAGE, RAPPORTEUR, COMODERATOR},
    Route.SEAT_SOCKET: {RAPPORTEUR, COMODERATOR},
    Route.API_STATE: {STAGE, BACKSTAGE, RAPPORTEUR, COMODERATOR},
    Route.API_COMMAND: {COMODERATOR},
}
"""Who may open what. Stage and backstage are no seats: the seats' socket refuses them at the upgrade."""

STAGE_KEYS = {"type", "protocol", "language", "labels", "title", "segment", "next", "status", "deadline_host_t",
              "remaining_s", "host_t", "rate", "warn_s", "danger_s", "message", "flash", "blackout",
              "holding"}  # (issue 25: the holding view, the session's title and times only)
BACKSTAGE_KEYS = STAGE_KEYS | {"pace_s", "projected_end", "zones", "agenda"}
SEAT_PAGE_KEYS = {"people", "groups", "question", "breakouts", "current"}
"""The browser seats' extras (``seat_view.py``): whom ``@`` may name, the question being discussed."""
CONTROLLER_KEYS = SEAT_PAGE_KEYS | {"questions", "cues", "presets"}
READS = {STAGE: STAGE_KEYS, BACKSTAGE: BACKSTAGE_KEYS, RAPPORTEUR: BACKSTAGE_KEYS | SEAT_PAGE_KEYS,
         COMODERATOR: BACKSTAGE_KEYS | CONTROLLER_KEYS}
"""What a role's page socket and ``/api/state`` carry: the stage's snapshot, or the backstage's (and a
seat's page its extras). No role reads notes or their authors there; only a seat's socket carries the
journal."""

SECRET_NOTE, SECRET_AUTHOR = "only for the report 7f3a", "Rapporteur Zeta"


@pytest.fixture
async def host(tmp_path: Path) -> AsyncIterator[ShareHost]:
    made = await share_host(tmp_path)
    made.engine.start()
    seat = await made.seat(RAPPORTEUR, SECRET_AUTHOR)
    assert (await seat.command("n1", "add_note", text=SECRET_NOTE))["type"] == "ack"
    await seat.ws.close()
    yield made
    await made.close()


async def opens(host: ShareHost, role: Role, route: Route) -> bool:
    """Whether ``role``'s token opens ``route``: 403 (the same for every refusal) or not."""
    token = host.token(role)
    if route in (Route.PAGE_SOCKET, Route.SEAT_SOCKET):
        path = f"/ws/{token}" if route is Route.PAGE_SOCKET else f"/seat/{token}"
        try:
            socket = await host.client.ws_connect(path)
        except WSServerHandshakeError as refused:
            assert refused.status == 403
            return False
        await socket.close()
        return True
    if route is Route.API_COMMAND:
        response = await host.client.post("/api/command", json={"type": "flash"},
                                          headers=host.bearer(role))
    elif route is Route.API_STATE:
        response = await host.client.get("/api/state", headers=host.bearer(role))
    else:
        page = route.value.split("/")[1]
        response = await host.client.get(f"/{page}/{token}", allow_redirects=False)
    if response.status == 403:
        assert await response.text() == "403: Forbidden"
        return False
    assert response.status == 200, (role, route, response.status)
    return True


async def test_every_role_opens_exactly_the_routes_of_the_matrix(host: ShareHost) -> None:
    found = {route: {role for role in Role if await opens(host, role, route)} for route in Route}
    assert found == OPENS
    # the table the server reads says the same
    assert {route: {role for role in Role if route in RIGHTS[role].routes} for route in Route} == OPENS


async def test_no_token_and_a_wrong_token_open_nothing(host: ShareHost) -> None:
    for token in ["", "x" * 32, host.token(STAGE)[:-1]]:
        for path in ["/stage/", "/backstage/", "/rapporteur/", "/comoderator/", "/api/state/"]:
            response = await host.client.get(path + token)
            assert response.status in (403, 404) and SECRET_NOTE not in await response.text()
        for socket_path in ["/ws/", "/seat/"]:
            with pytest.raises(WSServerHandshakeError):
                await host.client.ws_connect(socket_path + (token or "none"))
    assert (await host.client.post("/api/command", json={"type": "next"})).status == 403


@pytest.mark.attack("N01")
async def test_each_role_reads_its_snapshot_and_no_note_nor_author(host: ShareHost) -> None:
    for role in Role:
        state = await (await host.client.get("/api/state", headers=host.bearer(role))).json()
        assert set(state) == READS[role], role
        socket = await host.client.ws_connect(f"/ws/{host.token(role)}")
        message = await socket.receive_str(timeout=3)
        await socket.close()
        assert set(json.loads(message)) == READS[role], role
        for text in (json.dumps(state, ensure_ascii=False), message):
            assert SECRET_NOTE not in text and SECRET_AUTHOR not in text


async def test_a_seat_socket_carries_the_journal_notes_and_authors_included(host: ShareHost) -> None:
    seat = await host.seat(COMODERATOR, "Chris")
    notes = [event for event in seat.welcome["events"] if event["type"] == "note_added"]
    assert [(note["text"], note["author"]) for note in notes] == [(SECRET_NOTE, SECRET_AUTHOR)]
    await seat.ws.close()


@pytest.mark.attack("N01")
async def test_the_stage_link_is_refused_at_the_seat_upgrade_before_any_event(host: ShareHost) -> None:
    for role in (STAGE, BACKSTAGE):
        response = await host.client.get(f"/seat/{host.token(role)}", headers={
            "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
        body = await response.text()
        assert (response.status, body) == (403, "403: Forbidden")


async def test_what_each_seat_may_send(host: ShareHost) -> None:
    rapporteur, comoderator = await host.seat(RAPPORTEUR, "Ana"), await host.seat(COMODERATOR, "Chris")
    answers = {}
    for name, seat in (("rapporteur", rapporteur), ("comoderator", comoderator)):
        for command, args in (("add_note", {"text": "a point"}), ("next", {}), ("message", {"text": "wrap up"}),
                              ("flash", {"on": True})):
            answers[name, command] = (await seat.command(f"{name}-{command}", command, **args))["type"]
    assert answers == {
        ("rapporteur", "add_note"): "ack", ("rapporteur", "next"): "refused",
        ("rapporteur", "message"): "refused", ("rapporteur", "flash"): "refused",
        ("comoderator", "add_note"): "ack", ("comoderator", "next"): "ack",
        ("comoderator", "message"): "ack", ("comoderator", "flash"): "ack",
    }
    for seat in (rapporteur, comoderator):
        await seat.ws.close()


async def test_a_seat_link_from_before_seats_had_pages_leads_to_its_page(host: ShareHost) -> None:
    response = await host.client.get(f"/seat/{host.token(RAPPORTEUR)}", allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"] == f"../rapporteur/{host.token(RAPPORTEUR)}"


async def test_seat_links_are_printed_as_their_pages(host: ShareHost) -> None:
    from moderator.share.links import links

    printed = {link.role: link.url for link in links("http://h:1", host.tokens)}
    assert printed[RAPPORTEUR] == f"http://h:1/rapporteur/{host.token(RAPPORTEUR)}"
    assert printed[COMODERATOR] == f"http://h:1/comoderator/{host.token(COMODERATOR)}"
    assert printed[STAGE] == f"http://h:1/stage/{host.token(STAGE)}"
