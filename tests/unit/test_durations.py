"""Durations and clock times as people type them into programmes.

The table below is the accepted vocabulary: widening it is fine, narrowing it breaks
programmes that users already wrote against the contract.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from moderator.programme.durations import (
    MAX_DURATION,
    DurationError,
    format_duration,
    humanize_minutes,
    parse_clock_time,
    parse_duration,
)

GOOD_DURATIONS = [
    # the contract's own spellings
    ("10m", 600),
    ("1h30m", 5400),
    ("1h 30m", 5400),
    ("1h30", 5400),
    ("2h05", 7500),
    ("1 h 30", 5400),
    ("90s", 90),
    ("1m30s", 90),
    ("10 min", 600),
    (10, 600),
    # other spellings the parser accepts
    ("10 mins", 600),
    ("10 minutes", 600),
    ("1 hour", 3600),
    ("1H30M", 5400),
    (" 10m ", 600),
    ("1h, 30m", 5400),
    ("1m 30s", 90),
    ("1:30:00", 5400),
    ("0:00:30", 30),
    ("1:30", 90),  # m:ss, like the timer shows it (NOT 1 h 30)
    ("2.5m", 150),  # decimals are read as fractions of the unit
    ("1.5h", 5400),
    ("90", 5400),  # a bare number in a string is minutes, as an integer is
    ("1.5", 90),
    (2.5, 150),  # a TOML float: minutes
    ("24h", MAX_DURATION),
]

BAD_DURATIONS = [
    ("", "empty duration"),
    ("   ", "empty duration"),
    ("abc", "cannot read"),
    ("ten minutes", "cannot read"),
    ("10 parsecs", "unknown unit 'parsecs'"),
    ("10mn", "unknown unit 'mn'"),
    ("1h75", "minutes run from 0 to 59"),
    ("0", "longer than zero"),
    ("0m", "longer than zero"),
    ("-5m", "longer than zero"),
    ("-5", "longer than zero"),
    (0, "longer than zero"),
    (-5, "longer than zero"),
    (0.001, "longer than zero"),
    ("1:75", "cannot read"),
    ("1:75:00", "cannot read"),
    ("25h", "longer than 24 hours"),
    (10**18, "longer than 24 hours"),
    (math.inf, "not inf"),
    (-math.inf, "not -inf"),
    (math.nan, "not nan"),
    (True, "not a boolean"),
    (False, "not a boolean"),
    ([], "expected a duration"),
    (None, "expected a duration"),
    ({"m": 10}, "expected a duration"),
    (dt.time(0, 10), "expected a duration"),
]


@pytest.mark.parametrize(("value", "seconds"), GOOD_DURATIONS, ids=repr)
def test_good_durations(value: object, seconds: int) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize(("value", "message"), BAD_DURATIONS, ids=repr)
def test_bad_durations(value: object, message: str) -> None:
    with pytest.raises(DurationError, match=message.replace("(", r"\(")) as raised:
        parse_duration(value)
    assert isinstance(raised.value, ValueError)


def test_duration_message_shows_an_accepted_form() -> None:
    with pytest.raises(DurationError) as raised:
        parse_duration("ten minutes")
    assert '"10m"' in str(raised.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("18:00", dt.time(18, 0)),
        ("9:05", dt.time(9, 5)),
        (" 09:05 ", dt.time(9, 5)),
        ("18h00", dt.time(18, 0)),
        ("18h", dt.time(18, 0)),
        ("18:00:30", dt.time(18, 0, 30)),
        ("0:00", dt.time(0, 0)),
        ("23:59", dt.time(23, 59)),
        (dt.time(18, 0), dt.time(18, 0)),
    ],
    ids=repr,
)
def test_good_clock_times(value: object, expected: dt.time) -> None:
    assert parse_clock_time(value) == expected


@pytest.mark.parametrize(
    "value",
    ["24:00", "18:60", "18:00:60", "noon", "6pm", "18", "", 1800, 18.5, None, True,
     dt.date(2021, 10, 8), dt.datetime(2021, 10, 8, 18, 0),
     dt.time(18, 0, tzinfo=dt.UTC)],
    ids=repr,
)
def test_bad_clock_times(value: object) -> None:
    with pytest.raises(ValueError):
        parse_clock_time(value)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(5400, "1h30m"), (90, "1m30s"), (600, "10m"), (0, "0s"), (3600, "1h"), (3661, "1h1m1s")],
)
def test_humanize_minutes(seconds: int, text: str) -> None:
    assert humanize_minutes(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "signed", "text"),
    [(754, False, "12:34"), (4000, False, "1:06:40"), (-65, False, "-01:05"),
     (65, True, "+01:05"), (0, True, "00:00"), (59.9, False, "00:59")],
)
def test_format_duration(seconds: float, signed: bool, text: str) -> None:
    assert format_duration(seconds, signed=signed) == text


def test_humanize_round_trips_through_parse() -> None:
    """What the run sheet prints can be pasted back into a programme."""
    for seconds in (1, 59, 60, 90, 599, 600, 3599, 3600, 5400, 3661, MAX_DURATION):
        assert parse_duration(humanize_minutes(seconds)) == seconds
