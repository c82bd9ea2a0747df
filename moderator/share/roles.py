"""A link is a role: the one table of what each role's link may open, read and send.

Every face of the server reads this table and nothing else: the pages and their WebSocket
(``server.py``), the HTTP API (``server.py``), the seats' WebSocket (``seat_protocol.py``) and the
seats' commands (``dispatch.py``). A route a role may not open is refused with the same ``403``
as a wrong token, *before* anything is sent (a WebSocket at its upgrade, not filtered after).

What each role reads:

- **stage** (every speaker holds it): the stage page and its socket, and ``/api/state``, all with
  the *stage* snapshot: the segment, who is on stage, what comes next, the countdown, the message,
  flash and blackout. No notes, no authors, no pace, no projected end, no agenda.
- **backstage** (the organizers): the stage and backstage pages, their socket and ``/api/state``
  with the *backstage* snapshot: the stage's, plus the agenda (planned vs actual), the pace, the
  projected end and the zones. Still no notes and no authors: it follows the room, not the report.
  It sends nothing.
- **rapporteur**: its seat (``moderator join``, or its page in a browser) on ``/seat/<token>``,
  which carries the journal's events (notes and their authors included: a rapporteur sees the
  others' notes), and ``/api/state`` and the pages' socket with the backstage snapshot (nothing
  there it does not already follow on its seat). It sends notes, and corrects or deletes its own.
- **comoderator**: everything: every page, every socket, ``/api/state`` and ``/api/command``; it
  sends notes and every command that steers the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from moderator.share.commands import COMMANDS, Needs
from moderator.share.tokens import Role


class Route(StrEnum):
    """What a link can be used for, one name per route of the server."""

    STAGE_PAGE = "GET /stage/<token>"
    BACKSTAGE_PAGE = "GET /backstage/<token>"
    RAPPORTEUR_PAGE = "GET /rapporteur/<token>"
    COMODERATOR_PAGE = "GET /comoderator/<token>"
    PAGE_SOCKET = "WS /ws/<token>"
    SEAT_SOCKET = "WS /seat/<token>"
    API_STATE = "GET /api/state"
    API_COMMAND = "POST /api/command"


class View(StrEnum):
    """Which display snapshot a role is sent (``page_snapshot``)."""

    STAGE = "stage"
    BACKSTAGE = "backstage"


@dataclass(frozen=True)
class Rights:
    routes: frozenset[Route]
    view: View
    """The snapshot its pages' socket and ``/api/state`` get."""
    commands: frozenset[str]
    """The remote commands it may send (``share/commands.py``'s names)."""


_NOTES = frozenset(name for name, command in COMMANDS.items() if command.needs is Needs.POSTING_SEAT)
_ALL_COMMANDS = frozenset(COMMANDS)

RIGHTS: dict[Role, Rights] = {
    Role.STAGE: Rights(
        routes=frozenset({Route.STAGE_PAGE, Route.PAGE_SOCKET, Route.API_STATE}),
        view=View.STAGE, commands=frozenset()),
    Role.BACKSTAGE: Rights(
        routes=frozenset({Route.STAGE_PAGE, Route.BACKSTAGE_PAGE, Route.PAGE_SOCKET, Route.API_STATE}),
        view=View.BACKSTAGE, commands=frozenset()),
    Role.RAPPORTEUR: Rights(
        routes=frozenset({Route.RAPPORTEUR_PAGE, Route.SEAT_SOCKET, Route.PAGE_SOCKET, Route.API_STATE}),
        view=View.BACKSTAGE, commands=_NOTES),
    Role.COMODERATOR: Rights(
        routes=frozenset(Route),
        view=View.BACKSTAGE, commands=_ALL_COMMANDS),
}
"""The table. Tests check it cell by cell against the server (``tests/system/test_share_roles.py``)."""

SEAT_ROLES = frozenset(role for role, rights in RIGHTS.items() if Route.SEAT_SOCKET in rights.routes)
"""The roles whose link is a seat (rapporteur, co-moderator): the others' are pages in a browser."""


def may_open(role: Role, route: Route) -> bool:
    return route in RIGHTS[role].routes


def roles_for(route: Route) -> frozenset[Role]:
    return frozenset(role for role, rights in RIGHTS.items() if route in rights.routes)


def may_send(role: Role, command: str) -> bool:
    return command in RIGHTS[role].commands


def view_of(role: Role) -> View:
    return RIGHTS[role].view


def why_not(role: Role, command: str) -> str | None:
    """Why ``role`` may not send ``command`` (the words a seat is shown), or None when it may."""
    if command not in COMMANDS:
        return "unknown command"
    if may_send(role, command):
        return None
    if not RIGHTS[role].commands:
        return f"a {role.value} link can only follow the session"
    return f"a {role.value} seat cannot drive the timer or mark questions"
