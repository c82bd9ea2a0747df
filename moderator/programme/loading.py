"""The programme: a session's TOML file loaded into frozen dataclasses.

The format is a contract with users (``docs/programme-format.md`` in shared docs, and
the README): programmes we have never seen must load. So the loader is forgiving in form
(several duration and time spellings, defaults everywhere the contract allows) and strict
in substance: every mistake in the file is collected and reported in one run, each with
its line, before anything else happens.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import hashlib
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moderator.problems import Problem, ProgrammeError, Severity
from moderator.programme.durations import DurationError, parse_clock_time, parse_duration
from moderator.programme.toml_lines import LineIndex, index_lines
from moderator.programme.zones import ZoneError, check_zone

SEGMENT_KINDS = ("check", "intro", "speaker", "discussion", "qa", "break", "breakout", "closing", "other")
LANGUAGES = ("en", "es", "fr")
_LANGUAGE_ALIASES = {
    "english": "en", "inglés": "en", "anglais": "en",
    "spanish": "es", "español": "es", "espanol": "es", "espagnol": "es", "castellano": "es",
    "french": "fr", "français": "fr", "francais": "fr", "francés": "fr",
}
DEFAULT_WARN = 120
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2199, 12, 31)
"""Dates outside these are typos in the year, and the planner's arithmetic overflows near 1 and 9999."""
DEFAULT_DANGER = 30
_SPEAKER_ID = re.compile(r"^[a-z0-9_-]+$")

SESSION_KEYS = (
    "title", "date", "start", "timezone", "also_show", "event", "type", "platform", "audience",
    "language", "main_question", "objectives", "warn", "danger", "end",
)
PERSON_KEYS = ("name", "organization", "role", "country", "email")
SPEAKER_KEYS = ("id", "name", "organization", "country", "role", "topic", "bio", "timezone")
ROUND_KEYS = ("id", "title", "questions")
SEGMENT_KEYS = (
    "kind", "duration", "title", "speaker", "speakers", "round", "at", "cues", "notes",
    "warn", "danger",
)
TOP_LEVEL_TABLES = ("session", "moderator", "rapporteur", "speaker", "round", "segment")


@dataclass(frozen=True)
class Person:
    name: str
    organization: str = ""
    role: str = ""
    country: str = ""
    email: str = ""


@dataclass(frozen=True)
class Speaker:
    id: str
    name: str
    organization: str = ""
    country: str = ""
    role: str = ""
    topic: str = ""
    bio: str = ""
    timezone: str | None = None


@dataclass(frozen=True)
class Round:
    id: str
    title: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Segment:
    index: int
    kind: str
    title: str
    duration: int
    """Planned duration in seconds."""
    speaker_ids: tuple[str, ...] = ()
    round_ids: tuple[str, ...] = ()
    at: dt.time | None = None
    cues: tuple[str, ...] = ()
    notes: str = ""
    warn: int = DEFAULT_WARN
    danger: int = DEFAULT_DANGER
    line: int | None = None


@dataclass(frozen=True)
class SessionInfo:
    title: str
    date: dt.date
    start: dt.time
    timezone: str
    also_show: tuple[str, ...] = ()
    event: str = ""
    type: str = ""
    platform: str = ""
    audience: str = ""
    language: str = "en"
    main_question: str = ""
    objectives: tuple[str, ...] = ()
    warn: int = DEFAULT_WARN
    danger: int = DEFAULT_DANGER
    end: dt.time | None = None
    end_line: int | None = field(default=None, compare=False)
    """Where ``end`` is written, for the warning when the segments do not fill start..end."""

    @property
    def zones(self) -> tuple[str, ...]:
        """The session's own zone first, then every ``also_show`` zone, without repeats."""
        return tuple(dict.fromkeys((self.timezone, *self.also_show)))


@dataclass(frozen=True)
class Programme:
    session: SessionInfo
    moderator: Person
    segments: tuple[Segment, ...]
    speakers: tuple[Speaker, ...] = ()
    rounds: tuple[Round, ...] = ()
    rapporteur: Person | None = None
    path: str = "<programme>"
    sha256: str = ""
    warnings: tuple[Problem, ...] = field(default=(), compare=False)

    def speaker(self, speaker_id: str) -> Speaker:
        for speaker in self.speakers:
            if speaker.id == speaker_id:
                return speaker
        raise KeyError(speaker_id)

    def round(self, round_id: str) -> Round:
        for round_ in self.rounds:
            if round_.id == round_id:
                return round_
        raise KeyError(round_id)

    def segment_speakers(self, segment: Segment) -> tuple[Speaker, ...]:
        return tuple(self.speaker(s) for s in segment.speaker_ids)

    def segment_rounds(self, segment: Segment) -> tuple[Round, ...]:
        return tuple(self.round(r) for r in segment.round_ids)

    @property
    def total_duration(self) -> int:
        return sum(s.duration for s in self.segments)


# --------------------------------------------------------------------------- loading


def load_programme(path: str | Path) -> Programme:
    """Read and validate a programme file; raise ``ProgrammeError`` with every problem found."""
    shown = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ProgrammeError([Problem(shown, None, "no such file", "check the path")]) from None
    except IsADirectoryError:
        raise ProgrammeError([Problem(shown, None, "is a directory, not a programme file")]) from None
    except OSError as error:
        raise ProgrammeError([Problem(shown, None, f"cannot read: {error.strerror}")]) from None
    return parse_programme(data, shown)


def parse_programme(data: bytes, path: str = "<programme>") -> Programme:
    """Validate programme bytes; ``path`` only labels the problems."""
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise ProgrammeError([Problem(
            path, line, "the file is not UTF-8 text", "save it as UTF-8", column=column,
        )]) from None
    if not source.strip():
        raise ProgrammeError([Problem(path, None, "the file is empty", "see the README for an example")])
    try:
        document = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise ProgrammeError([_syntax_problem(path, error, source)]) from None
    return _Validator(path, index_lines(source), digest).programme(document)


def _syntax_problem(path: str, error: Exception, source: str) -> Problem:
    text = str(error)
    match = re.search(r"\(at line (\d+), column (\d+)\)", text)
    message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", text)
    message = f"TOML syntax: {message[:1].lower() + message[1:]}"
    line = int(match.group(1)) if match else getattr(error, "lineno", None)
    column = int(match.group(2)) if match else getattr(error, "colno", None)
    hint = "check quotes, brackets and '=' on that line"
    if line is None and "end of document" in text:
        # tomllib gives no position when the file ends inside a value: point at its last line.
        line = source.rstrip().count("\n") + 1
        message += " at the end of the file"
        hint = "a quote or bracket opened above is never closed"
    return Problem(path, line, message, hint, column=column)


class _Validator:
    """Turns a parsed TOML document into a ``Programme``, collecting every problem."""

    def __init__(self, path: str, lines: LineIndex, digest: str) -> None:
        self.path = path
        self.lines = lines
        self.digest = digest
        self.problems: list[Problem] = []

    # -- reporting

    def error(self, line: int | None, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.path, line, message, hint))

    def warn(self, line: int | None, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.path, line, message, hint, severity=Severity.WARNING))

    def _unknown_keys(self, table: Mapping[str, Any], known: tuple[str, ...], name: str,
                      index: int, label: str) -> None:
        for key in table:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
                self.warn(self.lines.key_line(name, index, key), f"unknown key '{key}' in {label}", hint)

    # -- typed field readers: each returns a usable value even after reporting a problem

    def text(self, table: Mapping[str, Any], key: str, name: str, index: int, label: str,
             *, required: bool = False, default: str = "") -> str:
        line = self.lines.key_line(name, index, key)
        if key not in table:
            if required:
                self.error(self.lines.table_line(name, index),
                           f"{label} is missing required key '{key}'", f'add {key} = "..."')
            return default
        value = table[key]
        if not isinstance(value, str):
            self.error(line, f"{label}.{key} must be a string, not {_type_name(value)}",
                       f'put the value in quotes: {key} = "{value}"')
            return default if not isinstance(value, int | float) else str(value)
        if required and not value.strip():
            self.error(line, f"{label}.{key} is empty")
        return value.strip()

    def text_list(self, table: Mapping[str, Any], key: str, name: str, index: int,
                  label: str) -> tuple[str, ...]:
        if key not in table:
            return ()
        value = table[key]
        line = self.lines.key_line(name, index, key)
        if isinstance(value, str):
            return (value.strip(),) if value.strip() else ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(line, f"{label}.{key} must be a list of strings",
                       f'write {key} = ["first", "second"]')
            return ()
        return tuple(v.strip() for v in value if v.strip())

    def duration(self, table: Mapping[str, Any], key: str, name: str, index: int, label: str,
                 default: int | None) -> int | None:
        if key not in table:
            return default
        try:
            return parse_duration(table[key])
        except DurationError as error:
            self.error(self.lines.key_line(name, index, key), f"{label}.{key}: {error}")
            return default

    def clock_time(self, table: Mapping[str, Any], key: str, name: str, index: int,
                   label: str) -> dt.time | None:
        if key not in table:
            return None
        try:
            return parse_clock_time(table[key])
        except ValueError as error:
            self.error(self.lines.key_line(name, index, key), f"{label}.{key}: {error}")
            return None

    def zone(self, value: Any, line: int | None, label: str) -> str | None:
        if not isinstance(value, str):
            self.error(line, f"{label} must be a time zone name, not {_type_name(value)}",
                       'for example "Europe/Madrid"')
            return None
        try:
            return check_zone(value)
        except ZoneError as error:
            self.error(line, f"{label}: unknown time zone '{value}'", error.hint)
            return None

    def table(self, document: Mapping[str, Any], name: str, *, required: bool) -> Mapping[str, Any] | None:
        if name not in document:
            if required:
                self.error(1, f"missing [{name}] table", f"add a [{name}] table; see the README")
            return None
        value = document[name]
        if not isinstance(value, dict):
            kind = "an array of tables" if isinstance(value, list) else _type_name(value)
            self.error(self.lines.table_line(name) or self.lines.key_line("", 0, name),
                       f"[{name}] must be a single table, not {kind}", f"write [{name}] once")
            return None
        return value

    def tables(self, document: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
        if name not in document:
            return []
        value = document[name]
        if isinstance(value, dict):
            self.error(self.lines.table_line(name), f"[{name}] must be written [[{name}]]",
                       "use double brackets: one [[...]] per entry")
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.error(self.lines.key_line("", 0, name), f"'{name}' must be [[{name}]] tables")
            return []
        return value

    # -- the document

    def programme(self, document: Mapping[str, Any]) -> Programme:
        for key in document:
            if key not in TOP_LEVEL_TABLES:
                close = difflib.get_close_matches(key, TOP_LEVEL_TABLES, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else f"known tables: {', '.join(TOP_LEVEL_TABLES)}"
                line = self.lines.table_line(key) or self.lines.key_line("", 0, key)
                self.warn(line, f"unknown table or key '{key}'", hint)
        session = self.session(self.table(document, "session", required=True))
        moderator_table = self.table(document, "moderator", required=True)
        moderator = self.person(moderator_table, "moderator") if moderator_table is not None else None
        rapporteur_table = self.table(document, "rapporteur", required=False)
        rapporteur = self.person(rapporteur_table, "rapporteur") if rapporteur_table is not None else None
        speakers = self.speakers(self.tables(document, "speaker"))
        rounds = self.rounds(self.tables(document, "round"))
        segments = self.segments(self.tables(document, "segment"), session, speakers, rounds)
        if not any(p.is_error for p in self.problems):
            if session is None or moderator is None:  # pragma: no cover - reported above
                raise AssertionError("validator accepted a programme without session or moderator")
            return Programme(
                session=session, moderator=moderator, rapporteur=rapporteur,
                speakers=tuple(speakers), rounds=tuple(rounds), segments=tuple(segments),
                path=self.path, sha256=self.digest, warnings=tuple(self.problems),
            )
        raise ProgrammeError(self.problems)

    def session(self, table: Mapping[str, Any] | None) -> SessionInfo | None:
        if table is None:
            return None
        name, label = "session", "[session]"
        self._unknown_keys(table, SESSION_KEYS, name, 0, label)
        title = self.text(table, "title", name, 0, label, required=True)
        date = self._date(table)
        if "start" not in table:
            self.error(self.lines.table_line(name), "[session] is missing required key 'start'",
                       'add start = "18:00"')
        start = self.clock_time(table, "start", name, 0, label)
        zone: str | None = None
        if "timezone" not in table:
            self.error(self.lines.table_line(name), "[session] is missing required key 'timezone'",
                       'add timezone = "America/Mexico_City" (an IANA name)')
        else:
            zone = self.zone(table["timezone"], self.lines.key_line(name, 0, "timezone"), "[session].timezone")
        also_show: list[str] = []
        line = self.lines.key_line(name, 0, "also_show")
        raw_also = table.get("also_show", [])
        if isinstance(raw_also, str):
            raw_also = [raw_also]
        if not isinstance(raw_also, list):
            self.error(line, "[session].also_show must be a list of time zone names",
                       'write also_show = ["UTC", "Europe/Paris"]')
        else:
            for value in raw_also:
                checked = self.zone(value, line, "[session].also_show")
                if checked:
                    also_show.append(checked)
        language = self._language(table)
        warn = self.duration(table, "warn", name, 0, label, DEFAULT_WARN) or DEFAULT_WARN
        danger = self.duration(table, "danger", name, 0, label, DEFAULT_DANGER) or DEFAULT_DANGER
        if danger >= warn:
            self.warn(self.lines.key_line(name, 0, "danger"),
                      "[session].danger is not shorter than warn", "danger should come after warn")
        end = self.clock_time(table, "end", name, 0, label)
        if date is None or start is None or zone is None:
            return None
        return SessionInfo(
            title=title, date=date, start=start, timezone=zone, also_show=tuple(also_show),
            event=self.text(table, "event", name, 0, label),
            type=self.text(table, "type", name, 0, label),
            platform=self.text(table, "platform", name, 0, label),
            audience=self.text(table, "audience", name, 0, label),
            language=language,
            main_question=self.text(table, "main_question", name, 0, label),
            objectives=self.text_list(table, "objectives", name, 0, label),
            warn=warn, danger=danger, end=end, end_line=self.lines.key_line(name, 0, "end") if end else None,
        )

    def _date(self, table: Mapping[str, Any]) -> dt.date | None:
        line = self.lines.key_line("session", 0, "date")
        if "date" not in table:
            self.error(self.lines.table_line("session"), "[session] is missing required key 'date'",
                       "add date = 2021-10-08 (no quotes)")
            return None
        value = table["date"]
        if isinstance(value, dt.datetime):
            self.error(line, "[session].date must be a date without a time",
                       "write date = 2021-10-08 and put the time in start")
            return None
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(value.strip())
        if isinstance(value, dt.date):
            if not MIN_DATE <= value <= MAX_DATE:
                self.error(line, f"[session].date {value.isoformat()} is out of range",
                           f"check the year: {MIN_DATE.year} to {MAX_DATE.year}")
                return None
            return value
        self.error(line, f"[session].date must be a date like 2021-10-08, not {value!r}",
                   "write date = 2021-10-08 (year-month-day)")
        return None

    def _language(self, table: Mapping[str, Any]) -> str:
        if "language" not in table:
            return "en"
        value = table["language"]
        line = self.lines.key_line("session", 0, "language")
        if isinstance(value, str):
            code = value.strip().lower()
            code = _LANGUAGE_ALIASES.get(code, code)
            if code in LANGUAGES:
                return code
        self.error(line, f"[session].language must be one of en, es, fr, not {value!r}",
                   "the report's headings and dates use this language")
        return "en"

    def person(self, table: Mapping[str, Any], name: str) -> Person:
        label = f"[{name}]"
        self._unknown_keys(table, PERSON_KEYS, name, 0, label)
        return Person(
            name=self.text(table, "name", name, 0, label, required=True),
            organization=self.text(table, "organization", name, 0, label),
            role=self.text(table, "role", name, 0, label),
            country=self.text(table, "country", name, 0, label),
            email=self.text(table, "email", name, 0, label),
        )

    def speakers(self, tables: list[Mapping[str, Any]]) -> list[Speaker]:
        speakers: list[Speaker] = []
        seen: dict[str, int] = {}
        for n, table in enumerate(tables):
            label = f"[[speaker]] #{n + 1}"
            self._unknown_keys(table, SPEAKER_KEYS, "speaker", n, label)
            speaker_id = self.text(table, "id", "speaker", n, label, required=True)
            line = self.lines.key_line("speaker", n, "id")
            if speaker_id and not _SPEAKER_ID.match(speaker_id):
                self.error(line, f"{label}: id '{speaker_id}' may only use a-z, 0-9, '_' and '-'",
                           f"for example id = \"{_slug(speaker_id)}\"")
            if speaker_id in seen:
                self.error(line, f"{label}: duplicate speaker id '{speaker_id}'",
                           f"already used by [[speaker]] #{seen[speaker_id] + 1}")
            elif speaker_id:
                seen[speaker_id] = n
            zone = None
            if "timezone" in table:
                zone = self.zone(table["timezone"], self.lines.key_line("speaker", n, "timezone"),
                                 f"{label}.timezone")
            speakers.append(Speaker(
                id=speaker_id,
                name=self.text(table, "name", "speaker", n, label, required=True),
                organization=self.text(table, "organization", "speaker", n, label),
                country=self.text(table, "country", "speaker", n, label),
                role=self.text(table, "role", "speaker", n, label),
                topic=self.text(table, "topic", "speaker", n, label),
                bio=self.text(table, "bio", "speaker", n, label),
                timezone=zone,
            ))
        return speakers

    def rounds(self, tables: list[Mapping[str, Any]]) -> list[Round]:
        rounds: list[Round] = []
        seen: set[str] = set()
        for n, table in enumerate(tables):
            label = f"[[round]] #{n + 1}"
            self._unknown_keys(table, ROUND_KEYS, "round", n, label)
            round_id = self.text(table, "id", "round", n, label, default=f"round{n + 1}") or f"round{n + 1}"
            if round_id in seen:
                self.error(self.lines.key_line("round", n, "id"), f"{label}: duplicate round id '{round_id}'")
            seen.add(round_id)
            title = self.text(table, "title", "round", n, label) or f"Round {n + 1}"
            if "questions" not in table:
                self.error(self.lines.table_line("round", n), f"{label} is missing required key 'questions'",
                           'add questions = ["...", "..."]')
            questions = self.text_list(table, "questions", "round", n, label)
            if "questions" in table and not questions:
                self.error(self.lines.key_line("round", n, "questions"), f"{label}.questions is empty",
                           "give at least one question")
            rounds.append(Round(id=round_id, title=title, questions=questions))
        return rounds

    def segments(self, tables: list[Mapping[str, Any]], session: SessionInfo | None,
                 speakers: list[Speaker], rounds: list[Round]) -> list[Segment]:
        if not tables:
            self.error(1, "the programme has no [[segment]]", "add at least one [[segment]] with kind and duration")
            return []
        speaker_ids = {s.id: s for s in speakers}
        round_ids = [r.id for r in rounds]
        base_warn = session.warn if session else DEFAULT_WARN
        base_danger = session.danger if session else DEFAULT_DANGER
        segments: list[Segment] = []
        for n, table in enumerate(tables):
            label = f"[[segment]] #{n + 1}"
            key_line: Callable[[str], int | None] = lambda key, n=n: self.lines.key_line("segment", n, key)  # noqa: E731
            table_line = self.lines.table_line("segment", n)
            self._unknown_keys(table, SEGMENT_KEYS, "segment", n, label)
            kind = self.text(table, "kind", "segment", n, label, required=True).lower()
            if kind and kind not in SEGMENT_KINDS:
                close = difflib.get_close_matches(kind, SEGMENT_KINDS, n=1, cutoff=0.5)
                hint = f"did you mean '{close[0]}'?" if close else "use one of " + ", ".join(SEGMENT_KINDS)
                self.error(key_line("kind"), f"{label}: unknown kind '{kind}'", hint)
            if "duration" not in table:
                self.error(table_line, f"{label} is missing required key 'duration'", 'add duration = "10m"')
            duration = self.duration(table, "duration", "segment", n, label, None) or 0
            ids = self._segment_speakers(table, n, label, kind, speaker_ids)
            round_ids_for = self._segment_rounds(table, n, label, kind, round_ids)
            title = self.text(table, "title", "segment", n, label)
            if not title:
                if kind == "speaker" and ids and all(i in speaker_ids for i in ids):
                    chosen = [speaker_ids[i] for i in ids]
                    title = " / ".join(s.topic or s.name for s in chosen)
                elif "title" not in table and kind and kind != "speaker":
                    self.error(table_line, f"{label} is missing required key 'title'",
                               'add title = "..."; only speaker segments may leave it out')
            warn = self.duration(table, "warn", "segment", n, label, base_warn) or base_warn
            danger = self.duration(table, "danger", "segment", n, label, base_danger) or base_danger
            segments.append(Segment(
                index=n, kind=kind, title=title, duration=duration, speaker_ids=ids,
                round_ids=round_ids_for, at=self.clock_time(table, "at", "segment", n, label),
                cues=self.text_list(table, "cues", "segment", n, label),
                notes=self.text(table, "notes", "segment", n, label),
                warn=warn, danger=danger, line=table_line,
            ))
        return segments

    def _segment_speakers(self, table: Mapping[str, Any], n: int, label: str, kind: str,
                          known: Mapping[str, Speaker]) -> tuple[str, ...]:
        raw: list[Any] = []
        key = "speaker" if "speaker" in table else "speakers"
        line = self.lines.key_line("segment", n, key)
        if "speaker" in table and "speakers" in table:
            self.error(line, f"{label} has both 'speaker' and 'speakers'", "keep one of them")
        value = table.get(key)
        if value is None:
            if kind == "speaker":
                self.error(self.lines.table_line("segment", n), f"{label} of kind speaker needs a 'speaker'",
                           _known_ids_hint(known))
            return ()
        raw = value if isinstance(value, list) else [value]
        if kind == "speaker" and not raw:
            self.error(line, f"{label} of kind speaker needs a 'speaker'", _known_ids_hint(known))
        ids: list[str] = []
        for item in raw:
            if not isinstance(item, str):
                self.error(line, f"{label}.{key} must name speaker ids as strings, not {_type_name(item)}",
                           _known_ids_hint(known))
                continue
            if item not in known:
                self.error(line, f"{label}: no [[speaker]] has id '{item}'", _known_ids_hint(known, item))
            ids.append(item)
        return tuple(ids)

    def _segment_rounds(self, table: Mapping[str, Any], n: int, label: str, kind: str,
                        known: list[str]) -> tuple[str, ...]:
        if "round" not in table:
            return tuple(known) if kind == "discussion" else ()
        value = table["round"]
        line = self.lines.key_line("segment", n, "round")
        values = value if isinstance(value, list) else [value]
        ids: list[str] = []
        for item in values:
            if not isinstance(item, str):
                self.error(line, f"{label}.round must be a round id string, not {_type_name(item)}")
                continue
            if item not in known:
                hint = f"known round ids: {', '.join(known)}" if known else "define it with [[round]] first"
                self.error(line, f"{label}: no [[round]] has id '{item}'", hint)
            ids.append(item)
        return tuple(ids)


def _known_ids_hint(known: Mapping[str, Speaker], wrong: str | None = None) -> str:
    if not known:
        return "define the speaker with a [[speaker]] table first"
    if wrong:
        close = difflib.get_close_matches(wrong, list(known), n=1, cutoff=0.6)
        if close:
            return f"did you mean '{close[0]}'? known ids: {', '.join(known)}"
    return f"known ids: {', '.join(known)}"


def _type_name(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "a table",
             dt.date: "a date", dt.time: "a time", dt.datetime: "a date-time"}
    return names.get(type(value), type(value).__name__)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-") or "speaker"
