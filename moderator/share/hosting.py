"""Starting and stopping the web server for one run, as the console asks (``--share``).

``ShareOptions`` is what the command line said; ``start_sharing`` keeps the run's tokens, binds
(the default port, or the next free one), writes ``links.txt`` and returns a ``Sharing`` with what
the console shows on its Share screen. It runs on the console's own asyncio loop.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path

from moderator.problems import ModeratorError
from moderator.session.engine import Engine
from moderator.share.links import Link, base_url, links, write_links
from moderator.share.options import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    ShareOptions,
    check_public_url,
    parse_listen,
    tls_context,
)
from moderator.share.seat_protocol import add_seat_routes
from moderator.share.server import Extension, ShareServer
from moderator.share.tokens import load_or_create, tokens_path

PORTS_TRIED = 20
"""When the default port is taken (another console shares its session), the next ones are tried."""

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "ShareOptions", "Sharing", "check_public_url", "parse_listen",
           "start_sharing", "tls_context"]

@dataclass
class Sharing:
    server: ShareServer
    host: str
    port: int
    links: list[Link]
    links_file: Path

    async def stop(self) -> None:
        await self.server.stop()


async def start_sharing(engine: Engine, journal_path: Path, options: ShareOptions, *, rate: float = 1.0,
                        extensions: list[Extension] | None = None) -> Sharing:
    tokens = load_or_create(tokens_path(journal_path), renew=options.new_links)
    context = tls_context(options)
    public = [options.public_url] if options.public_url else []
    server = ShareServer(engine, tokens, rate=rate, public_origins=_origins(public),
                         extensions=[add_seat_routes, *(extensions or [])])
    ports = [options.port] if options.port_given else list(range(options.port, options.port + PORTS_TRIED))
    bound: list[tuple[str, int]] = []
    for port in ports:
        try:
            bound = await server.start(options.host, port, context)
            break
        except OSError as error:
            if error.errno != errno.EADDRINUSE or port == ports[-1]:
                raise ModeratorError("--listen {where}: cannot listen there ({reason})", where=f"{options.host}:{port}",
                                     reason=error.strerror) from None
    port = bound[0][1]
    base = base_url(options.host, port, tls=context is not None, public_url=options.public_url)
    found = links(base, tokens)
    links_file = write_links(journal_path.parent, found)
    return Sharing(server=server, host=options.host, port=port, links=found, links_file=links_file)


def _origins(urls: list[str]) -> list[str]:
    from urllib.parse import urlsplit

    return [f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" for url in urls]
