"""Property tests: whatever a file holds, loading gives a Programme or a ProgrammeError.

"Never a traceback" is part of the contract, so no input may make the loader (or the
planning and printing that ``check`` does after it) raise anything else. Every error
must also carry a line, since the contract promises ``FILE:LINE: ...``.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from programme_helpers import exercise, toml_document

from moderator.problems import ProgrammeError
from moderator.programme import Programme, parse_programme
from moderator.programme.model import SEGMENT_KINDS
from moderator.programme.validation import (
    PERSON_KEYS,
    ROUND_KEYS,
    SEGMENT_KEYS,
    SESSION_KEYS,
    SPEAKER_KEYS,
)

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --------------------------------------------------------------------------- strategies

REALISTIC = st.sampled_from([
    "10m", "1h30m", "1h 30m", "90s", "10 min", "0", "0m", "-5m", "ten minutes", "1:30:00", "25h",
    "18:00", "23:45", "25:00", "9h00", "2021-10-08", "Asia/Seoul", "UTC", "UTC-3", "UTC+15",
    "Europe/Pariss", "America/Santiago", "Asia/Kathmandu", "speaker", "qa", "discussion", "kim",
    "leyton", "r1", "round1", "en", "es", "Spanish", "", "  ", "Dara Huot", "[session]", "é",
])
SCALARS = st.one_of(
    REALISTIC,
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=-100, max_value=2000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.dates(),
    st.times(),
    st.datetimes(timezones=st.none() | st.just(dt.UTC)),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def table(keys: tuple[str, ...], good: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """A table of the contract's keys (plus a typo or two), each often well-formed, sometimes not."""
    optional = {key: st.one_of(good.get(key, REALISTIC), VALUES) for key in keys}
    optional["titel"] = REALISTIC
    return st.fixed_dictionaries({}, optional=optional)


SESSION = table(SESSION_KEYS, {
    "title": st.just("A session"),
    "date": st.dates(min_value=dt.date(1899, 1, 1), max_value=dt.date(2201, 1, 1)) | st.dates(),
    "start": st.sampled_from(["18:00", "00:00", "23:59", "02:30"]) | st.times(),
    "timezone": st.sampled_from(["Asia/Seoul", "Europe/Paris", "UTC-3", "Asia/Kathmandu", "Pacific/Kiritimati"]),
    "end": st.sampled_from(["19:30", "00:10", "18:00"]),
    "also_show": st.lists(st.sampled_from(["UTC", "America/Mexico_City", "GMT+14", "Etc/GMT-14"]), max_size=3),
})
PERSON = table(PERSON_KEYS, {"name": st.just("Dara Huot")})
SPEAKER = table(SPEAKER_KEYS, {
    "id": st.sampled_from(["kim", "leyton", "Kim Young", "kim"]),
    "name": st.just("Young Kim"),
    "timezone": st.sampled_from(["America/Santiago", "Asia/Seoul", "Pacific/Kiritimati", "UTC-12"]),
})
ROUND = table(ROUND_KEYS, {"questions": st.lists(st.text(max_size=8), max_size=2)})
SEGMENT = table(SEGMENT_KEYS, {
    "kind": st.sampled_from(SEGMENT_KINDS),
    "title": st.just("Segment"),
    "duration": st.sampled_from(["10m", "1h", "24h", "90s", 5, 1440, 0.5]),
    "speaker": st.sampled_from(["kim", "leyton", "nobody"]),
    "speakers": st.lists(st.sampled_from(["kim", "leyton", "nobody"]), max_size=3),
    "round": st.sampled_from(["r1", "round1", "round2"]),
    "at": st.sampled_from(["18:00", "18:11"]),
})

DOCUMENTS = st.fixed_dictionaries({}, optional={
    "session": SESSION | VALUES,
    "moderator": PERSON,
    "rapporteur": PERSON | VALUES,
    "speaker": st.lists(SPEAKER, max_size=4),
    "round": st.lists(ROUND, max_size=3),
    "segment": st.lists(SEGMENT, max_size=30) | SEGMENT,
    "sesion": VALUES,
}).flatmap(lambda doc: st.dictionaries(st.text(max_size=5), VALUES, max_size=2).map(lambda extra: extra | doc))


# Mostly valid programmes, so that planning and printing get exercised too: required keys
# present with good values, edge dates and zones, and now and then a random extra key.
ZONES = st.sampled_from(["Asia/Seoul", "Europe/Paris", "UTC-3", "Asia/Kathmandu", "Pacific/Kiritimati",
                         "Etc/GMT+12", "America/Santiago", "Australia/Lord_Howe", "utc"])
EXTRA = st.dictionaries(st.sampled_from(["notes", "cues", "platform", "notez", "x"]), SCALARS, max_size=1)
GOOD_SPEAKERS = st.lists(
    st.fixed_dictionaries({"id": st.sampled_from(["kim", "leyton", "luyiga"]), "name": st.text(max_size=10)},
                          optional={"timezone": ZONES, "topic": st.text(max_size=10)}),
    max_size=3, unique_by=lambda speaker: speaker["id"],
)
GOOD_SEGMENT = st.fixed_dictionaries(
    {"kind": st.sampled_from(SEGMENT_KINDS), "title": st.text(min_size=1, max_size=10).filter(str.strip),
     "duration": st.sampled_from(["10m", "1h 30m", "90s", "24h", "1:30:00", 1, 1440, 0.5])},
    optional={"at": st.times(), "speakers": st.lists(st.sampled_from(["kim", "leyton"]), max_size=2),
              "warn": st.sampled_from(["2m", "5s"]), "danger": st.sampled_from(["30s", "10m"])},
).flatmap(lambda segment: EXTRA.map(lambda extra: extra | segment))
GOOD_DOCUMENTS = st.fixed_dictionaries({
    "session": st.fixed_dictionaries(
        {"title": st.text(min_size=1, max_size=20).filter(str.strip),
         "date": st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31)),
         "start": st.times() | st.sampled_from(["18:00", "0:00", "23h59"]),
         "timezone": ZONES},
        optional={"also_show": st.lists(ZONES, max_size=3), "end": st.times(),
                  "language": st.sampled_from(["en", "es", "fr", "French"])},
    ),
    "moderator": st.fixed_dictionaries({"name": st.text(min_size=1, max_size=10).filter(str.strip)}),
    "speaker": GOOD_SPEAKERS,
    "segment": st.lists(GOOD_SEGMENT, min_size=1, max_size=40),
})


# --------------------------------------------------------------------------- properties


def load_or_problems(data: bytes) -> Programme | ProgrammeError:
    try:
        return parse_programme(data, "x.toml")
    except ProgrammeError as error:
        return error


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data: bytes) -> None:
    result = load_or_problems(data)
    if isinstance(result, Programme):
        exercise(result)
    else:
        assert result.errors


@FUZZ
@given(st.text(alphabet=st.sampled_from(list('[]{}="\'#\n .,:-_0123456789abcdefgkmnst\\')), max_size=200))
def test_toml_like_text(text: str) -> None:
    result = load_or_problems(text.encode())
    if isinstance(result, Programme):
        exercise(result)
    else:
        assert result.errors


@FUZZ
@given(DOCUMENTS)
def test_toml_documents(document: dict[str, Any]) -> None:
    source = toml_document(document)
    tomllib.loads(source)  # the writer itself must produce valid TOML
    result = load_or_problems(source.encode())
    if isinstance(result, Programme):
        exercise(result)
        assert all(not p.is_error for p in result.warnings)
        return
    assert result.errors
    if source.strip():
        located = [p for p in result.problems if p.line is None]
        assert not located, [str(p) for p in located]
        for problem in result.problems:
            assert str(problem).startswith(f"x.toml:{problem.line}: ")
            assert problem.line is not None
            assert 1 <= problem.line <= max(1, source.count("\n"))


@FUZZ
@given(GOOD_DOCUMENTS)
def test_mostly_valid_documents(document: dict[str, Any]) -> None:
    """Speakers named in segments always exist here: only the values vary."""
    known = {speaker["id"] for speaker in document["speaker"]}
    for segment in document["segment"]:
        segment["speakers"] = [s for s in segment.get("speakers", []) if s in known]
    result = load_or_problems(toml_document(document).encode())
    if isinstance(result, ProgrammeError):
        assert result.errors
        assert all(p.line is not None for p in result.problems)
        return
    exercise(result)


def test_writer_round_trips() -> None:
    document = {"a": 1, "b": {"c": [1, "x\"\\\x7f"], "d": {"e": dt.date(2021, 10, 8)}},
                "s": [{"k": 1.5}, {"k": math.inf}], "": dt.time(18, 0)}
    assert tomllib.loads(toml_document(document)) == document
