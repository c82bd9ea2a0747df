"""Typed readers for the keys of one table of a programme, each reporting at the key's line.

``tomllib`` gives values without positions and the validator checks about forty keys, so
"where am I in the document" is one object, ``TableAt``: the table, its name and entry
number (for the line index) and its label (for the messages). A check then reads
``at.text("title")``, and every reader returns a usable value even after reporting a
problem, so one run finds every mistake in the file.

Every message and hint is ``Words`` (the English template and its words): the core knows no
language, and the command line says each problem in the one the programme declares. The
author's own words (keys, ids, zone names, the label ``[[segment]] #3``) go in as written.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from moderator.problems import Problem, Severity, Words
from moderator.programme.durations import ClockTimeError, DurationError, parse_clock_time, parse_duration
from moderator.programme.toml_lines import LineIndex
from moderator.programme.zones import ZoneError, check_zone


@dataclass
class ProblemLog:
    """Every problem found in one file, in the order found."""

    path: str
    problems: list[Problem] = field(default_factory=list)

    def error(self, line: int | None, message: Words, hint: Words | None = None) -> None:
        self.problems.append(Problem(self.path, line, message, hint))

    def warn(self, line: int | None, message: Words, hint: Words | None = None) -> None:
        self.problems.append(Problem(self.path, line, message, hint, severity=Severity.WARNING))

    @property
    def has_errors(self) -> bool:
        return any(problem.is_error for problem in self.problems)


@dataclass(frozen=True)
class TableAt:
    """One table of the document (``[session]``, the third ``[[segment]]``, ...) and where it is written."""

    table: Mapping[str, Any]
    name: str
    """The table's name in the line index: ``"session"``, ``"segment"``."""
    index: int
    """Which ``[[name]]`` entry, from 0; plain tables are entry 0."""
    label: str
    """How messages name it: ``"[session]"``, ``"[[segment]] #3"``."""
    lines: LineIndex
    log: ProblemLog

    @classmethod
    def single(cls, table: Mapping[str, Any], name: str, lines: LineIndex, log: ProblemLog) -> TableAt:
        return cls(table, name, 0, f"[{name}]", lines, log)

    @classmethod
    def entry(cls, table: Mapping[str, Any], name: str, index: int, lines: LineIndex, log: ProblemLog) -> TableAt:
        return cls(table, name, index, f"[[{name}]] #{index + 1}", lines, log)

    # -- where

    def line(self, key: str) -> int | None:
        """The line of ``key``, or of the table's header when the key is not written."""
        return self.lines.key_line(self.name, self.index, key)

    @property
    def header_line(self) -> int | None:
        return self.lines.table_line(self.name, self.index)

    def __contains__(self, key: str) -> bool:
        return key in self.table

    # -- reporting

    def error(self, key: str | None, message: Words, hint: Words | None = None) -> None:
        """Report at the line of ``key``; ``None`` means the table's header (a key that is missing)."""
        self.log.error(self.header_line if key is None else self.line(key), message, hint)

    def warn(self, key: str | None, message: Words, hint: Words | None = None) -> None:
        self.log.warn(self.header_line if key is None else self.line(key), message, hint)

    def missing(self, key: str, hint: Words) -> None:
        self.error(None, Words("{label} is missing required key '{key}'", label=self.label, key=key), hint)

    def unknown_keys(self, known: tuple[str, ...]) -> None:
        for key in self.table:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                hint = Words("did you mean '{name}'?", name=close[0]) if close else \
                    Words("known keys: {keys}", keys=", ".join(known))
                self.warn(key, Words("unknown key '{key}' in {label}", key=key, label=self.label), hint)

    # -- typed readers

    def text(self, key: str, *, required: bool = False, default: str = "") -> str:
        if key not in self.table:
            if required:
                self.missing(key, Words('add {key} = "..."', key=key))
            return default
        value = self.table[key]
        if not isinstance(value, str):
            self.error(key, Words("{label}.{key} must be a string, not {kind}", label=self.label, key=key,
                                  kind=type_name(value)),
                       Words('put the value in quotes: {key} = "{value}"', key=key, value=value))
            return default if not isinstance(value, int | float) else str(value)
        if required and not value.strip():
            self.error(key, Words("{label}.{key} is empty", label=self.label, key=key))
        return value.strip()

    def text_list(self, key: str) -> tuple[str, ...]:
        """A list of strings; a single string is a list of one, blank entries are dropped."""
        if key not in self.table:
            return ()
        value = self.table[key]
        if isinstance(value, str):
            return (value.strip(),) if value.strip() else ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(key, Words("{label}.{key} must be a list of strings", label=self.label, key=key),
                       Words('write {key} = ["first", "second"]', key=key))
            return ()
        return tuple(v.strip() for v in value if v.strip())

    def flag(self, key: str) -> bool | None:
        """``true`` or ``false``; ``None`` when the key is absent or not a boolean (an error)."""
        if key not in self.table:
            return None
        value = self.table[key]
        if not isinstance(value, bool):
            self.error(key, Words("{label}.{key} must be true or false, not {kind}", label=self.label, key=key,
                                  kind=type_name(value)),
                       Words("write {key} = true (no quotes)", key=key))
            return None
        return value

    def duration(self, key: str, default: int | None) -> int | None:
        """Seconds; ``default`` when the key is absent or wrong."""
        if key not in self.table:
            return default
        try:
            return parse_duration(self.table[key])
        except DurationError as error:
            self.error(key, Words("{label}.{key}: {problem}", label=self.label, key=key, problem=error.words))
            return default

    def clock_time(self, key: str) -> dt.time | None:
        if key not in self.table:
            return None
        try:
            return parse_clock_time(self.table[key])
        except ClockTimeError as error:
            self.error(key, Words("{label}.{key}: {problem}", label=self.label, key=key, problem=error.words))
            return None

    def zone(self, key: str) -> str | None:
        """The IANA zone written at ``key`` (which must be present)."""
        return self.zone_value(self.table[key], key, f"{self.label}.{key}")

    def zone_value(self, value: Any, key: str, label: str) -> str | None:
        """Check one zone name found at ``key``; ``label`` names it in the message."""
        if not isinstance(value, str):
            self.error(key, Words("{label} must be a time zone name, not {kind}", label=label, kind=type_name(value)),
                       Words('for example "Europe/Madrid"'))
            return None
        try:
            return check_zone(value)
        except ZoneError as error:
            self.error(key, Words("{label}: unknown time zone '{name}'", label=label, name=value), error.hint)
            return None


_TYPE_NAMES = {
    bool: Words("a boolean"), int: Words("a number"), float: Words("a number"), str: Words("a string"),
    list: Words("a list"), dict: Words("a table"), dt.date: Words("a date"), dt.time: Words("a time"),
    dt.datetime: Words("a date-time"),
}


def type_name(value: Any) -> str:
    """A value's TOML type as a person would say it, for "must be a string, not a number" (``Words``,
    said in the same language as the sentence around it)."""
    return _TYPE_NAMES.get(type(value), type(value).__name__)
