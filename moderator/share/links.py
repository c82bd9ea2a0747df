"""The links people open: one URL per role, written to ``links.txt`` (mode 0600) and drawn as QR codes.

A link is ``<base>/<page>/<token>``; ``<base>`` is ``--public-url`` when the host is reached through
a tunnel or a proxy, else the address the server listens on (a LAN address when it listens on
every interface, so the QR code works from a phone on the same network).
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from moderator.share.private_files import write_private
from moderator.share.tokens import Role, Tokens

LINKS_FILE = "links.txt"
ROLE_PATHS = {Role.STAGE: "stage", Role.BACKSTAGE: "backstage", Role.COMODERATOR: "comoderator",
              Role.RAPPORTEUR: "rapporteur"}
"""Where each role's link leads: its page in a browser. The rapporteur's and co-moderator's links are
also seats: ``moderator join LINK`` takes them as they are (the seat speaks on ``/seat/<token>``).
The co-moderator's token also drives the HTTP API (``Authorization: Bearer <token>``)."""
WILDCARDS = ("0.0.0.0", "::", "")


@dataclass(frozen=True)
class Link:
    role: Role
    url: str


def base_url(host: str, port: int, *, tls: bool, public_url: str | None = None) -> str:
    if public_url:
        return public_url.rstrip("/")
    shown = lan_addresses()[0] if host in WILDCARDS and lan_addresses() else host
    if host in WILDCARDS and not lan_addresses():
        shown = "127.0.0.1"
    if ":" in shown:
        shown = f"[{shown}]"
    return f"{'https' if tls else 'http'}://{shown}:{port}"


def links(base: str, tokens: Tokens) -> list[Link]:
    return [Link(role, f"{base}/{ROLE_PATHS[role]}/{tokens.token(role)}") for role in Role]


def write_links(folder: Path, found: list[Link]) -> Path:
    """``links.txt`` in the run's folder, readable by its owner only: first one ``ROLE URL`` per line (what
    scripts read), then each link's QR code under a ``# ROLE URL`` line, to scan from the file on a screen
    (``cat links.txt`` in a terminal: drawn for light text on a dark background, as on the Share screen)."""
    path = folder / LINKS_FILE
    lines = "".join(f"{link.role.value} {link.url}\n" for link in found)
    codes = "".join(f"\n# {link.role.value} {link.url}\n{qr_text(link.url)}\n" for link in found)
    write_private(path, lines + codes)
    return path


def read_links(text: str) -> dict[str, str]:
    """Role -> URL from a ``links.txt``'s ``ROLE URL`` lines (what ``write_links`` promises scripts);
    the QR codes and their ``# ROLE URL`` captions after them are skipped."""
    roles = {role.value for role in Role}
    found: dict[str, str] = {}
    for line in text.splitlines():
        role, _, url = line.partition(" ")
        if role in roles and url.strip():
            found.setdefault(role, url.strip())
    return found


def lan_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses, as far as its own name resolves them (no traffic)."""
    found: list[str] = []
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return found
    for info in infos:
        address = str(info[4][0])
        if not address.startswith("127.") and address not in found:
            found.append(address)
    return found


def open_interfaces(host: str, port: int, _: Callable[[str], str] = str) -> str:
    """What the console says about who can reach the server (``_``: the session's language)."""
    if host in ("127.0.0.1", "::1", "localhost"):
        return _("Listening on {host}:{port}: this computer only (use --listen, an SSH tunnel or --public-url)"
                 ).format(host=host, port=port)
    if host in WILDCARDS:
        others = ", ".join(lan_addresses()) or _("every address of this computer")
        return _("Listening on every interface, port {port} ({others}): anyone on these networks with a link"
                 ).format(port=port, others=others)
    return _("Listening on {host}:{port}: anyone who can reach that address with a link").format(host=host, port=port)


def qr_text(url: str) -> str:
    """The URL as a QR code in the terminal: half-block characters, two modules a character cell."""
    import segno

    code = segno.make(url, error="l", boost_error=False)
    matrix = [list(row) for row in code.matrix]
    border = 2
    size = len(matrix)
    dark = [[False] * (size + 2 * border) for _ in range(border)]
    padded = dark + [[False] * border + [bool(v) for v in row] + [False] * border for row in matrix] + dark
    width = size + 2 * border
    if len(padded) % 2:
        padded.append([False] * width)
    lines = []
    for top, bottom in zip(padded[0::2], padded[1::2], strict=True):
        # Light-on-dark terminals: a dark module is drawn as a blank, a light one as a full block.
        line = ""
        for upper, lower in zip(top, bottom, strict=True):
            line += {(False, False): "█", (True, False): "▄", (False, True): "▀", (True, True): " "}[(upper, lower)]
        lines.append(line)
    return "\n".join(lines)
