"""What ``--share`` and its options ask for, checked before anything starts.

Kept apart from ``hosting`` (which brings aiohttp) so that a console started without
``--share`` never pays for importing the web server.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

from moderator.problems import ModeratorError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


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
        raise ModeratorError("{path}: cannot use this certificate and key ({reason})", path=str(options.tls_cert),
                             reason=str(error)) from None
    return context
