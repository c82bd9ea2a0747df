"""Programmes for property tests: a tiny TOML writer, and what must never fail on a programme
that loaded. Shared by the fuzzing tests and the robustness suite."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from typing import Any

from rich.console import Console

from moderator.commands.check import print_run_sheet, speaker_shares
from moderator.programme import Programme
from moderator.programme.plan import plan, plan_warnings

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else toml_string(key)


def toml_string(text: str) -> str:
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def toml_document(document: dict[str, Any]) -> str:
    """Plain keys first, then ``[table]`` and ``[[array]]`` sections; deeper levels inline."""
    lines = [f"{toml_key(k)} = {toml_value(v)}" for k, v in document.items()
             if not isinstance(v, dict) and not is_table_array(v)]
    for key, value in document.items():
        entries = [value] if isinstance(value, dict) else value if is_table_array(value) else []
        for entry in entries:
            lines.append(f"\n[{toml_key(key)}]" if isinstance(value, dict) else f"\n[[{toml_key(key)}]]")
            lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in entry.items()]
    return "\n".join(lines) + "\n"


def exercise(programme: Programme) -> None:
    """What ``check`` does after loading must not raise either."""
    timeline = plan(programme)
    assert len(timeline) == len(programme.segments)
    assert (timeline[-1].end - timeline[0].start).total_seconds() == programme.total_duration
    plan_warnings(programme)
    speaker_shares(programme, timeline)
    print_run_sheet(Console(file=io.StringIO(), width=120), programme)
