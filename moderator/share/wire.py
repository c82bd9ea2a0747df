"""JSON from the network, read as hostile: what ``json.loads`` lets through that we do not.

Python's ``json`` accepts ``NaN``, ``Infinity`` and ``-Infinity`` (not JSON: a browser's
``JSON.parse`` refuses them, so echoing one back would break the page that reads it) and raises
``RecursionError`` on an array nested a few thousand deep. ``loads`` turns both into the
``ValueError`` every caller already handles (a WebSocket closed, an HTTP 400), and
``finite_number`` is the one check for a number a client sends and the host echoes.
"""

from __future__ import annotations

import json
import math
from typing import Any


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def loads(text: str | bytes | bytearray) -> Any:
    """Parse ``text`` as strict JSON; ``ValueError`` for anything else, however deep or odd."""
    try:
        if not isinstance(text, str):
            text = bytes(text).decode("utf-8")
        return _DECODER.decode(text)
    except RecursionError:
        raise ValueError("JSON nested too deep") from None


def finite_number(value: object) -> bool:
    """A JSON number a client may send and be sent back: not a boolean, not NaN, not infinite."""
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)
