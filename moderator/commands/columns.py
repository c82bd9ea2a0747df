"""A table laid out by hand for the run sheet: fixed columns as wide as their widest cell,
flexible ones sharing the rest of the line (by ratio) and wrapping their words.

Rich's ``Table`` measures every cell several times to lay a table out; for a 300-segment
programme (2,700 cells) that was most of ``moderator check``'s time, several times the cost
of starting Python and importing its libraries. This does one pass over the cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text

SEPARATOR = " │ "
HEADER_SEPARATOR = " ┃ "


@dataclass(frozen=True)
class Column:
    header: str
    right: bool = False
    """Right-justified (numbers, durations)."""
    ratio: int = 0
    """0: as wide as its widest cell, never wrapped; more: a share of what is left, wrapped."""
    min_width: int = 0


def lay_out(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> Text:
    """The table as text at most ``width`` cells wide: a bold header, a rule, then the rows."""
    widths = _widths(columns, rows, width)
    lines = [_line(columns, widths, [[column.header] for column in columns], 0, HEADER_SEPARATOR)]
    lines.append("━╇━".join("━" * w for w in widths))
    for row in rows:
        cells = [_wrap(cell, w) if column.ratio else [cell]
                 for column, cell, w in zip(columns, row, widths, strict=True)]
        lines.extend(_line(columns, widths, cells, n) for n in range(max(len(c) for c in cells)))
    text = Text("\n".join(lines))
    text.stylize("bold", 0, len(lines[0]))
    return text


def _widths(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> list[int]:
    natural = [max([cell_len(column.header), *(cell_len(row[n]) for row in rows)])
               for n, column in enumerate(columns)]
    ratios = sum(column.ratio for column in columns)
    if not ratios:
        return natural
    fixed = sum(w for column, w in zip(columns, natural, strict=True) if not column.ratio)
    left = max(0, width - fixed - len(SEPARATOR) * (len(columns) - 1))
    return [w if not column.ratio else max(column.min_width, cell_len(column.header), left * column.ratio // ratios)
            for column, w in zip(columns, natural, strict=True)]


def _line(columns: Sequence[Column], widths: Sequence[int], cells: Sequence[Sequence[str]], n: int,
          separator: str = SEPARATOR) -> str:
    parts = []
    for column, w, lines in zip(columns, widths, cells, strict=True):
        part = lines[n] if n < len(lines) else ""
        pad = " " * max(0, w - cell_len(part))
        parts.append(pad + part if column.right else part + pad)
    return separator.join(parts).rstrip()


def _wrap(text: str, width: int) -> list[str]:
    """Words to lines of at most ``width`` cells; a word longer than that is cut."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while cell_len(word) > width:
            if current:
                lines.append(current)
                current = ""
            cut = _fit(word, width)
            lines.append(word[:cut])
            word = word[cut:]
        if not current:
            current = word
        elif cell_len(current) + 1 + cell_len(word) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines


def _fit(word: str, width: int) -> int:
    """How many characters of ``word`` fit in ``width`` cells (at least one)."""
    used = 0
    for index, char in enumerate(word):
        used += cell_len(char)
        if used > width:
            return max(1, index)
    return len(word)
