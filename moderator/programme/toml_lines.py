"""Find the line of a table or key in TOML source, since ``tomllib`` keeps no positions.

A small scanner walks the text once, skipping strings, comments and the inside of arrays
and inline tables, and records where each ``[table]``, ``[[array]]`` entry and top-level
key starts. Good enough to point a person at the line they must fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field

_PART = r"""(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)"""
_DOTTED = rf"{_PART}(?:\s*\.\s*{_PART})*"
_HEADER = re.compile(rf"\s*(\[\[?)\s*({_DOTTED})\s*\]\]?")
_KEY = re.compile(rf"\s*({_DOTTED})\s*=")
_DOT = re.compile(rf"\s*({_PART})\s*\.?")


@dataclass
class LineIndex:
    """Lines of tables and keys: ``tables[(name, n)]`` and ``keys[(name, n, key)]``.

    ``n`` counts entries of an array of tables (``[[segment]]``) from 0; plain tables use 0.
    The document's root table is named ``""``.
    """

    tables: dict[tuple[str, int], int] = field(default_factory=dict)
    keys: dict[tuple[str, int, str], int] = field(default_factory=dict)

    def table_line(self, name: str, index: int = 0) -> int | None:
        return self.tables.get((name, index))

    def key_line(self, name: str, index: int, key: str) -> int | None:
        return self.keys.get((name, index, key)) or self.table_line(name, index)


def index_lines(source: str) -> LineIndex:
    index = LineIndex()
    counts: dict[str, int] = {}
    table, entry = "", 0
    depth = 0
    state = ""  # "", '"', "'", '"""', "'''"
    # TOML ends lines with \n or \r\n only; str.splitlines() would also split at \x85, \u2028...
    for number, line in enumerate(source.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not state and depth == 0:
            header = _HEADER.match(line)
            if header and not line.lstrip().startswith("#"):
                brackets, name = header.groups()
                parts = _key_parts(name)
                table = ".".join(parts)
                if brackets == "[[":
                    entry = counts.get(table, 0)
                    counts[table] = entry + 1
                else:
                    entry = 0
                index.tables.setdefault((table, entry), number)
                if len(parts) > 1:  # [segment.extra]: a key of the (last) enclosing entry
                    parent = max(counts.get(parts[0], 0) - 1, 0)
                    index.tables.setdefault((parts[0], parent), number)
                    index.keys.setdefault((parts[0], parent, parts[1]), number)
                continue
            key = _KEY.match(line)
            if key:
                parts = _key_parts(key.group(1))
                index.keys.setdefault((table, entry, parts[0]), number)
                if table == "":  # session.title = ... or moderator = {...} at the top
                    index.tables.setdefault((parts[0], 0), number)
                    if len(parts) > 1:
                        index.keys.setdefault((parts[0], 0, parts[1]), number)
        state, depth = _scan(line, state, depth)
    return index


def _key_parts(text: str) -> list[str]:
    """``session . "my key"`` -> ``["session", "my key"]``: the parts of a dotted key."""
    return [_unquote(part) for part in _DOT.findall(text)] or [text.strip()]


def _unquote(part: str) -> str:
    """A key part as ``tomllib`` names it: quotes removed, escapes of basic strings decoded."""
    if part.startswith('"'):
        try:
            value = tomllib.loads(f"k = {part}")["k"]
        except tomllib.TOMLDecodeError:  # pragma: no cover - the source already parsed
            pass
        else:
            if isinstance(value, str):
                return value
    return part.strip("\"'")


def _scan(line: str, state: str, depth: int) -> tuple[str, int]:
    """Advance the string/bracket state over one line."""
    i = 0
    while i < len(line):
        if state in ('"""', "'''"):
            end = line.find(state, i)
            if end < 0:
                return state, depth
            i, state = end + 3, ""
            continue
        if state == '"':
            if line[i] == "\\":
                i += 2
                continue
            if line[i] == '"':
                state = ""
            i += 1
            continue
        if state == "'":
            if line[i] == "'":
                state = ""
            i += 1
            continue
        char = line[i]
        if char == "#":
            return "", depth
        if line.startswith('"""', i) or line.startswith("'''", i):
            state, i = line[i : i + 3], i + 3
            continue
        if char in "\"'":
            state = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth = max(0, depth - 1)
        i += 1
    return ("" if state in ('"', "'") else state), depth
