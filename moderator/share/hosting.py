"""Starting and stopping the web server for one run, as the console asks (``--share``).

``ShareOptions`` is what the command line said; ``start_sharing`` keeps the run's tokens, binds
(the default port, or the next free one), writes ``links.txt`` and returns a ``Sharing`` with what
the console shows on its Share screen. It runs on the console's own asyncio loop.
"""

from __future__ import annotations

import errno
import ssl
from dataclasses import dataclass, field
from pathlib import Path

from moderator.problems import ModeratorError
from moderator.session.engine import Engine
from moderator.share.links import Link, base_url, links, open_interfaces, write_links
from moderator.share.seat_protocol import add_seat_routes
from moderator.share.server import Extension, ShareServer
from moderator.share.tokens import load_or_create, tokens_path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
PORTS_TRIED = 20
"""When the default port is taken (another console shares its session), the next ones are tried."""


@dataclass(frozen=True)
class ShareOptions:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    port_given: bool = False
    """``--listen`` named the port: use that one or fail, never another."""
    public_url: str | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    new_links: bool = False


@dataclass
class Sharing:
    server: ShareServer
    host: str
    port: int
    links: list[Link]
    links_file: Path
    interfaces: str
    extensions: list[Extension] = field(default_factory=list)

    async def stop(self) -> None:
        await self.server.stop()


def parse_listen(text: str) -> tuple[str, int | None]:
    """``HOST:PORT``, ``HOST``, ``:PORT`` or ``[::]:PORT``; ``ModeratorError`` when it is none of them."""
    host, port_text = text, ""
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest.removeprefix(":")
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    if not port_text:
        return host or "0.0.0.0", None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ModeratorError(f"--listen {text}: the port must be a number from 1 to 65535 (e.g. 0.0.0.0:8765)")
    return host or "0.0.0.0", int(port_text)


def check_public_url(url: str) -> str:
    """``https://stage.example.org`` or ``http://host:port/prefix``: the base the links start with."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ModeratorError(f"--public-url {url}: expected http(s)://HOST[:PORT][/PATH], "
                             "the address people open (e.g. https://abc.trycloudflare.com)")
    return url.rstrip("/")


def tls_context(options: ShareOptions) -> ssl.SSLContext | None:
    if options.tls_cert is None and options.tls_key is None:
        return None
    if options.tls_cert is None or options.tls_key is None:
        raise ModeratorError("--tls-cert and --tls-key go together (the certificate and its private key)")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(options.tls_cert, options.tls_key)
    except (OSError, ssl.SSLError) as error:
        raise ModeratorError(f"{options.tls_cert}: cannot use this certificate and key ({error})") from None
    return context


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
                where = f"{options.host}:{port}"
                raise ModeratorError(f"--listen {where}: cannot listen there ({error.strerror})") from None
    port = bound[0][1]
    base = base_url(options.host, port, tls=context is not None, public_url=options.public_url)
    found = links(base, tokens)
    links_file = write_links(journal_path.parent, found)
    return Sharing(server=server, host=options.host, port=port, links=found, links_file=links_file,
                   interfaces=open_interfaces(options.host, port))


def _origins(urls: list[str]) -> list[str]:
    from urllib.parse import urlsplit

    return [f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" for url in urls]
