"""Forgiving parsers for the durations and clock times people type into programmes.

Programmes are written by hand, often the night before; we accept the spellings people
actually use (``"10m"``, ``"1h 30m"``, ``"10 min"``, ``90``) and reject the rest with a
message that shows an accepted form.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from moderator.problems import Words

DURATION_EXAMPLES = Words('"10m", "1h30m", "90s", "10 min" or a number of minutes')
MAX_DURATION = 24 * 3600
"""Longer than a day is a typo in a live session, and would overflow the planner's dates."""
TIME_EXAMPLES = Words('"18:00" or 18:00:00')

_UNIT_SECONDS = {
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")
_CLOCK_DURATION = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})$")
_HOURS_AND_MINUTES = re.compile(r"^(\d+)\s*h\s*(\d{1,2})$")
"""``1h30``, as printed programmes write it: the bare number after the hours is minutes."""
_CLOCK_TIME = re.compile(r"^(\d{1,2})(?::|h)(\d{2})?(?::(\d{2}))?$")
_NOT_POSITIVE = Words("a duration must be longer than zero")
_TOO_LONG = Words("a duration must not be longer than 24 hours")


class DurationError(ValueError):
    """The text is not a duration we understand; ``words`` says why, for a face to say in the
    session's language (``str()`` is the English)."""

    def __init__(self, words: Words) -> None:
        super().__init__(words)
        self.words = words


class ClockTimeError(ValueError):
    """The value is not a time of day we understand; ``words`` as for ``DurationError``."""

    def __init__(self, words: Words) -> None:
        super().__init__(words)
        self.words = words


def parse_duration(value: object) -> int:
    """Return a duration in whole seconds; ``value`` is a TOML string or a number of minutes.

    Raises ``DurationError`` for anything else, including zero and negative durations.
    """
    if isinstance(value, bool):
        raise DurationError(Words("expected a duration like {examples}, not a boolean", examples=DURATION_EXAMPLES))
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise DurationError(Words("expected a duration like {examples}, not {value}", examples=DURATION_EXAMPLES,
                                      value=str(value)))
        seconds = _whole_seconds(value * 60)
    elif isinstance(value, str):
        try:
            seconds = _parse_duration_text(value)
        except DurationError:
            raise
        except (ValueError, OverflowError):  # int() of thousands of digits, a float too big
            raise DurationError(Words("{value} is far too long to be a duration", value=_clip(value))) from None
    else:
        raise DurationError(Words("expected a duration like {examples}", examples=DURATION_EXAMPLES))
    if seconds <= 0:
        raise DurationError(_NOT_POSITIVE)
    if seconds > MAX_DURATION:
        raise DurationError(_TOO_LONG)
    return seconds


def _whole_seconds(seconds: float) -> int:
    """``round(seconds)``, refusing what is no duration at all (``inf``, ``nan``, ``1e308``)."""
    if not math.isfinite(seconds) or abs(seconds) > 1000 * MAX_DURATION:
        raise DurationError(_TOO_LONG)
    return round(seconds)


def _clip(text: str, limit: int = 24) -> str:
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "…"


def _parse_duration_text(text: str) -> int:
    cleaned = text.strip().lower()
    if not cleaned:
        raise DurationError(Words("empty duration; write {examples}", examples=DURATION_EXAMPLES))
    if re.fullmatch(r"-?\d+(?:\.\d+)?", cleaned):
        return _whole_seconds(float(cleaned) * 60)
    hours_minutes = _HOURS_AND_MINUTES.match(cleaned)
    if hours_minutes:
        hours, minutes = (int(g) for g in hours_minutes.groups())
        if minutes > 59:
            raise DurationError(Words("{value}: minutes run from 0 to 59; write {examples}", value=repr(text),
                                        examples=DURATION_EXAMPLES))
        return hours * 3600 + minutes * 60
    clock = _CLOCK_DURATION.match(cleaned)
    if clock:
        hours, minutes, seconds = (int(g) if g else 0 for g in clock.groups())
        if seconds > 59 or (clock.group(1) and minutes > 59):
            raise DurationError(_unreadable(text))
        return hours * 3600 + minutes * 60 + seconds
    if cleaned.startswith("-"):
        raise DurationError(_NOT_POSITIVE)
    position = 0
    total = 0.0
    compact = cleaned.replace(",", " ")
    for match in _DURATION_PART.finditer(compact):
        if compact[position:match.start()].strip():
            break
        number, unit = match.groups()
        if unit not in _UNIT_SECONDS:
            raise DurationError(Words("unknown unit {unit} in {value}; write {examples}", unit=repr(unit),
                                      value=repr(text), examples=DURATION_EXAMPLES))
        total += float(number) * _UNIT_SECONDS[unit]
        position = match.end()
    if position == 0 or compact[position:].strip():
        raise DurationError(_unreadable(text))
    return _whole_seconds(total)


def _unreadable(text: str) -> Words:
    return Words("cannot read {value} as a duration; write {examples}", value=repr(text), examples=DURATION_EXAMPLES)


def parse_clock_time(value: object) -> dt.time:
    """Return a wall-clock time from ``"18:00"``, ``"9:05"``, ``"18h00"`` or a TOML local time."""
    if isinstance(value, dt.time):
        if value.tzinfo is not None:
            raise ClockTimeError(Words("give the time without an offset; the session's timezone applies"))
        return value
    if isinstance(value, dt.datetime | dt.date):
        raise ClockTimeError(Words("expected a time of day like {examples}, not a date", examples=TIME_EXAMPLES))
    if not isinstance(value, str):
        raise ClockTimeError(Words("expected a time of day like {examples}", examples=TIME_EXAMPLES))
    match = _CLOCK_TIME.match(value.strip().lower())
    if not match:
        raise ClockTimeError(Words("cannot read {value} as a time of day; write {examples}", value=repr(value),
                                     examples=TIME_EXAMPLES))
    hour, minute, second = (int(g) if g else 0 for g in match.groups())
    if hour > 23 or minute > 59 or second > 59:
        raise ClockTimeError(Words("{value} is not a time of day (00:00 to 23:59)", value=repr(value)))
    return dt.time(hour, minute, second)


def whole_seconds(seconds: float) -> int:
    """The one rounding rule for measured durations: to the nearest second, halves away from zero.

    Every table rounds each measured value once with it and adds the rounded values, so a
    column's total is the sum of the cells above it, to the second.
    """
    rounded = int(abs(seconds) + 0.5)
    return -rounded if seconds < 0 else rounded


def format_duration(seconds: float, *, signed: bool = False) -> str:
    """``754`` -> ``"12:34"``, ``4000`` -> ``"1:06:40"``; negative values get a minus sign."""
    sign = "-" if seconds < 0 else ("+" if signed and seconds > 0 else "")
    whole = int(abs(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes:02d}:{secs:02d}"


def humanize_minutes(seconds: int) -> str:
    """``5400`` -> ``"1h30m"``, ``90`` -> ``"1m30s"``: the compact form used in run sheets."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours}h")
    if minutes:
        parts.append(f"{minutes}m")
    if secs or not parts:
        parts.append(f"{secs}s")
    return "".join(parts)
