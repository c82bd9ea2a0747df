"""The programme's rules: a parsed TOML document in, a ``Programme`` or every problem out.

Strict in substance, forgiving in form: each table is read through ``TableAt`` (typed
readers that report at the key's line and still return a usable value), so one run
reports every mistake in the file, and only a document without errors becomes a
``Programme``. Warnings (unknown keys, likely typos) travel with the programme.

Messages are ``Words`` (English templates and their words), said by the command line in the
language the programme declares: the ``ProgrammeError`` carries that language as soon as
``[session] language`` has been read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import pendulum

from moderator.problems import ProgrammeError, Words
from moderator.programme.fields import ProblemLog, TableAt, type_name
from moderator.programme.language import language_code
from moderator.programme.model import (
    DEFAULT_DANGER,
    DEFAULT_WARN,
    FLOW_MODES,
    SEGMENT_KINDS,
    UNTITLED_ROUND,
    Person,
    Programme,
    Round,
    Segment,
    SegmentKind,
    SessionInfo,
    Speaker,
)
from moderator.programme.toml_lines import LineIndex
from moderator.programme.zones import zone

MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2199, 12, 31)
"""Dates outside these are typos in the year, and the planner's arithmetic overflows near 1 and 9999."""
_SPEAKER_ID = re.compile(r"^[a-z0-9_-]+$")

SESSION_KEYS = (
    "title", "date", "start", "timezone", "also_show", "event", "type", "platform", "audience",
    "language", "main_question", "objectives", "warn", "danger", "end", "messages", "flow",
)
PERSON_KEYS = ("name", "organization", "role", "country", "email")
SPEAKER_KEYS = ("id", "name", "organization", "country", "role", "topic", "bio", "timezone")
ROUND_KEYS = ("id", "title", "questions")
SEGMENT_KEYS = (
    "kind", "duration", "title", "speaker", "speakers", "round", "at", "cues", "notes",
    "warn", "danger", "groups", "flow",
)
TOP_LEVEL_TABLES = ("session", "moderator", "rapporteur", "speaker", "round", "segment")


def validate_programme(document: Mapping[str, Any], path: str, lines: LineIndex, digest: str) -> Programme:
    """Build the ``Programme``; raise ``ProgrammeError`` with every problem if there is any error."""
    return _Validator(path, lines, digest).programme(document)


class _Validator:
    """Walks the document table by table, collecting every problem in ``log``."""

    def __init__(self, path: str, lines: LineIndex, digest: str) -> None:
        self.path = path
        self.lines = lines
        self.digest = digest
        self.log = ProblemLog(path)
        self.language: str | None = None
        """``[session] language`` once read (and valid): the language the problems are said in."""

    def single(self, table: Mapping[str, Any], name: str) -> TableAt:
        return TableAt.single(table, name, self.lines, self.log)

    def entries(self, tables: list[Mapping[str, Any]], name: str) -> list[TableAt]:
        return [TableAt.entry(table, name, n, self.lines, self.log) for n, table in enumerate(tables)]

    # -- the document's shape

    def table(self, document: Mapping[str, Any], name: str, *, required: bool) -> TableAt | None:
        if name not in document:
            if required:
                self.log.error(1, Words("missing [{name}] table", name=name),
                               Words("add a [{name}] table; see the README", name=name))
            return None
        value = document[name]
        if not isinstance(value, dict):
            kind = Words("an array of tables") if isinstance(value, list) else type_name(value)
            self.log.error(self.lines.table_line(name) or self.lines.key_line("", 0, name),
                           Words("[{name}] must be a single table, not {kind}", name=name, kind=kind),
                           Words("write [{name}] once", name=name))
            return None
        return self.single(value, name)

    def tables(self, document: Mapping[str, Any], name: str) -> list[TableAt]:
        if name not in document:
            return []
        value = document[name]
        if isinstance(value, dict):
            self.log.error(self.lines.table_line(name), Words("[{name}] must be written [[{name}]]", name=name),
                           Words("use double brackets: one [[...]] per entry"))
            return self.entries([value], name)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.log.error(self.lines.key_line("", 0, name), Words("'{name}' must be [[{name}]] tables", name=name))
            return []
        return self.entries(value, name)

    def programme(self, document: Mapping[str, Any]) -> Programme:
        for key in document:
            if key not in TOP_LEVEL_TABLES:
                close = difflib.get_close_matches(key, TOP_LEVEL_TABLES, n=1, cutoff=0.6)
                hint = Words("did you mean '{name}'?", name=close[0]) if close else \
                    Words("known tables: {tables}", tables=", ".join(TOP_LEVEL_TABLES))
                line = self.lines.table_line(key) or self.lines.key_line("", 0, key)
                self.log.warn(line, Words("unknown table or key '{key}'", key=key), hint)
        session_at = self.table(document, "session", required=True)
        session = self.session(session_at) if session_at is not None else None
        moderator_at = self.table(document, "moderator", required=True)
        moderator = self.person(moderator_at) if moderator_at is not None else None
        rapporteur_at = self.table(document, "rapporteur", required=False)
        rapporteur = self.person(rapporteur_at) if rapporteur_at is not None else None
        speakers = self.speakers(self.tables(document, "speaker"))
        rounds = self.rounds(self.tables(document, "round"))
        segments = self.segments(self.tables(document, "segment"), session, speakers, rounds)
        if not self.log.has_errors:
            if session is None or moderator is None:  # pragma: no cover - reported above
                raise AssertionError("validator accepted a programme without session or moderator")
            return Programme(
                session=session, moderator=moderator, rapporteur=rapporteur,
                speakers=tuple(speakers), rounds=tuple(rounds), segments=tuple(segments),
                path=self.path, sha256=self.digest, warnings=tuple(self.log.problems),
            )
        raise ProgrammeError(self.log.problems, language=self.language)

    # -- [session]

    def session(self, at: TableAt) -> SessionInfo | None:
        at.unknown_keys(SESSION_KEYS)
        title = at.text("title", required=True)
        if title and not any(unicodedata.category(char)[0] in "LNPS" for char in title):
            at.error("title", Words("[session].title has no visible character (only spaces or invisible ones)"),
                     Words("write the session's title"))
        date = self._date(at)
        if "start" not in at:
            at.missing("start", Words('add start = "18:00"'))
        start = at.clock_time("start")
        zone: str | None = None
        if "timezone" not in at:
            at.missing("timezone", Words('add timezone = "America/Mexico_City" (an IANA name)'))
        else:
            zone = at.zone("timezone")
        also_show = self._also_show(at)
        language = self._language(at)
        warn = at.duration("warn", DEFAULT_WARN) or DEFAULT_WARN
        danger = at.duration("danger", DEFAULT_DANGER) or DEFAULT_DANGER
        if danger >= warn:
            at.warn("danger", Words("[session].danger is not shorter than warn"),
                    Words("danger should come after warn"))
        end = at.clock_time("end")
        if date is None or start is None or zone is None:
            return None
        _warn_if_skipped(at, date, start, zone)
        return SessionInfo(
            title=title, date=date, start=start, timezone=zone, also_show=also_show,
            event=at.text("event"),
            type=at.text("type"),
            platform=at.text("platform"),
            audience=at.text("audience"),
            language=language,
            main_question=at.text("main_question"),
            objectives=at.text_list("objectives"),
            warn=warn, danger=danger, end=end, end_line=at.line("end") if end else None,
            messages=at.text_list("messages"),
            flow=self._flow(at),
        )

    def _flow(self, at: TableAt) -> str:
        """``[session] flow``: ``"off"``, ``"breaks"`` or ``"all"``; ``true`` is ``"all"``, ``false`` ``"off"``."""
        if "flow" not in at:
            return "off"
        value = at.table["flow"]
        if isinstance(value, bool):
            return "all" if value else "off"
        if isinstance(value, str) and value.strip().lower() in FLOW_MODES:
            return value.strip().lower()
        at.error("flow", Words("[session].flow must be one of {modes}, not {value}", modes=", ".join(FLOW_MODES),
                               value=repr(value)),
                 Words('write flow = "breaks" (breaks move on by themselves) or flow = "all"'))
        return "off"

    def _date(self, at: TableAt) -> dt.date | None:
        if "date" not in at:
            at.missing("date", Words("add date = 2021-10-08 (no quotes)"))
            return None
        value = at.table["date"]
        if isinstance(value, dt.datetime):
            at.error("date", Words("[session].date must be a date without a time"),
                     Words("write date = 2021-10-08 and put the time in start"))
            return None
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(value.strip())
        if isinstance(value, dt.date):
            if not MIN_DATE <= value <= MAX_DATE:
                at.error("date", Words("[session].date {date} is out of range", date=value.isoformat()),
                         Words("check the year: {first} to {last}", first=MIN_DATE.year, last=MAX_DATE.year))
                return None
            return value
        at.error("date", Words("[session].date must be a date like 2021-10-08, not {value}", value=repr(value)),
                 Words("write date = 2021-10-08 (year-month-day)"))
        return None

    def _also_show(self, at: TableAt) -> tuple[str, ...]:
        raw = at.table.get("also_show", [])
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list):
            at.error("also_show", Words("[session].also_show must be a list of time zone names"),
                     Words('write also_show = ["UTC", "Europe/Paris"]'))
            return ()
        zones = (at.zone_value(value, "also_show", "[session].also_show") for value in raw)
        return tuple(zone for zone in zones if zone)

    def _language(self, at: TableAt) -> str:
        if "language" not in at:
            self.language = "en"
            return "en"
        value = at.table["language"]
        code = language_code(value) if isinstance(value, str) else None
        if code is not None:
            self.language = code
            return code
        at.error("language", Words("[session].language must be one of en, es, fr, not {value}", value=repr(value)),
                 Words("the report's headings and dates use this language"))
        return "en"

    # -- people

    def person(self, at: TableAt) -> Person:
        at.unknown_keys(PERSON_KEYS)
        return Person(
            name=at.text("name", required=True),
            organization=at.text("organization"),
            role=at.text("role"),
            country=at.text("country"),
            email=at.text("email"),
        )

    def speakers(self, entries: list[TableAt]) -> list[Speaker]:
        speakers: list[Speaker] = []
        seen: dict[str, int] = {}
        for at in entries:
            at.unknown_keys(SPEAKER_KEYS)
            speaker_id = at.text("id", required=True)
            if speaker_id and not _SPEAKER_ID.match(speaker_id):
                at.error("id", Words("{label}: id '{id}' may only use a-z, 0-9, '_' and '-'", label=at.label,
                                     id=speaker_id),
                         Words('for example id = "{id}"', id=_slug(speaker_id)))
            if speaker_id in seen:
                at.error("id", Words("{label}: duplicate speaker id '{id}'", label=at.label, id=speaker_id),
                         Words("already used by [[speaker]] #{n}", n=seen[speaker_id] + 1))
            elif speaker_id:
                seen[speaker_id] = at.index
            zone = at.zone("timezone") if "timezone" in at else None
            speakers.append(Speaker(
                id=speaker_id,
                name=at.text("name", required=True),
                organization=at.text("organization"),
                country=at.text("country"),
                role=at.text("role"),
                topic=at.text("topic"),
                bio=at.text("bio"),
                timezone=zone,
            ))
        return speakers

    # -- [[round]]

    def rounds(self, entries: list[TableAt]) -> list[Round]:
        rounds: list[Round] = []
        seen: set[str] = set()
        for at in entries:
            number = at.index + 1
            at.unknown_keys(ROUND_KEYS)
            round_id = at.text("id", default=f"round{number}") or f"round{number}"
            if round_id in seen:
                at.error("id", Words("{label}: duplicate round id '{id}'", label=at.label, id=round_id))
            seen.add(round_id)
            title = at.text("title") or UNTITLED_ROUND[self.language or "en"].format(n=number)
            if "questions" not in at:
                at.missing("questions", Words('add questions = ["...", "..."]'))
            questions = at.text_list("questions")
            if "questions" in at and not questions:
                at.error("questions", Words("{label}.questions is empty", label=at.label),
                         Words("give at least one question"))
            rounds.append(Round(id=round_id, title=title, questions=questions))
        return rounds

    # -- [[segment]]

    def segments(self, entries: list[TableAt], session: SessionInfo | None,
                 speakers: list[Speaker], rounds: list[Round]) -> list[Segment]:
        if not entries:
            self.log.error(1, Words("the programme has no [[segment]]"),
                           Words("add at least one [[segment]] with kind and duration"))
            return []
        speaker_ids = {s.id: s for s in speakers}
        round_ids = [r.id for r in rounds]
        base_warn = session.warn if session else DEFAULT_WARN
        base_danger = session.danger if session else DEFAULT_DANGER
        segments: list[Segment] = []
        for at in entries:
            at.unknown_keys(SEGMENT_KEYS)
            kind = at.text("kind", required=True).lower()
            if kind and kind not in SEGMENT_KINDS:
                # Only a really close kind is suggested ("keynote" is not "other"); else the list.
                close = difflib.get_close_matches(kind, SEGMENT_KINDS, n=1, cutoff=0.75)
                hint = Words("did you mean '{name}'?", name=close[0]) if close else \
                    Words("use one of {kinds}", kinds=", ".join(SEGMENT_KINDS))
                at.error("kind", Words("{label}: unknown kind '{kind}'", label=at.label, kind=kind), hint)
            if "duration" not in at:
                at.missing("duration", Words('add duration = "10m"'))
            duration = at.duration("duration", None) or 0
            ids = self._segment_speakers(at, kind, speaker_ids)
            round_ids_for = self._segment_rounds(at, kind, round_ids)
            title = at.text("title")
            if not title:
                if kind == "speaker" and ids and all(i in speaker_ids for i in ids):
                    chosen = [speaker_ids[i] for i in ids]
                    title = " / ".join(s.topic or s.name for s in chosen)
                elif "title" not in at and kind and kind != "speaker":
                    at.missing("title", Words('add title = "..."; only speaker segments may leave it out'))
            warn = at.duration("warn", base_warn) or base_warn
            danger = at.duration("danger", base_danger) or base_danger
            segments.append(Segment(
                # An unknown kind is an error reported above: the placeholder never leaves the validator.
                index=at.index, kind=SegmentKind(kind) if kind in SEGMENT_KINDS else SegmentKind.OTHER,
                title=title, duration=duration, speaker_ids=ids,
                round_ids=round_ids_for, at=at.clock_time("at"),
                cues=at.text_list("cues"),
                notes=at.text("notes"),
                warn=warn, danger=danger, line=at.header_line,
                groups=self._segment_groups(at, kind),
                flow=self._segment_flow(at, session),
            ))
        return segments

    def _segment_speakers(self, at: TableAt, kind: str, known: Mapping[str, Speaker]) -> tuple[str, ...]:
        key = "speaker" if "speaker" in at else "speakers"
        if "speaker" in at and "speakers" in at:
            at.error(key, Words("{label} has both 'speaker' and 'speakers'", label=at.label),
                     Words("keep one of them"))
        value = at.table.get(key)
        if value is None:
            if kind == "speaker":
                at.error(None, _needs_a_speaker(at), _known_ids_hint(known))
            return ()
        raw: list[Any] = value if isinstance(value, list) else [value]
        if kind == "speaker" and not raw:
            at.error(key, _needs_a_speaker(at), _known_ids_hint(known))
        ids: list[str] = []
        for item in raw:
            if not isinstance(item, str):
                at.error(key, Words("{label}.{key} must name speaker ids as strings, not {kind}", label=at.label,
                                    key=key, kind=type_name(item)),
                         _known_ids_hint(known))
                continue
            if item not in known:
                at.error(key, Words("{label}: no [[speaker]] has id '{id}'", label=at.label, id=item),
                         _known_ids_hint(known, item))
            ids.append(item)
        return tuple(ids)

    def _segment_rounds(self, at: TableAt, kind: str, known: list[str]) -> tuple[str, ...]:
        if "round" not in at:
            return tuple(known) if kind == "discussion" else ()
        value = at.table["round"]
        values = value if isinstance(value, list) else [value]
        ids: list[str] = []
        for item in values:
            if not isinstance(item, str):
                at.error("round", Words("{label}.round must be a round id string, not {kind}", label=at.label,
                                        kind=type_name(item)))
                continue
            if item not in known:
                hint = Words("known round ids: {ids}", ids=", ".join(known)) if known else \
                    Words("define it with [[round]] first")
                at.error("round", Words("{label}: no [[round]] has id '{id}'", label=at.label, id=item), hint)
            ids.append(item)
        return tuple(ids)

    def _segment_flow(self, at: TableAt, session: SessionInfo | None) -> bool | None:
        flow = at.flag("flow")
        if flow is not None and session is not None and session.flow == "off":
            at.warn("flow", Words("{label}.flow is ignored: the session does not flow", label=at.label),
                    Words('add flow = "breaks" (or "all") to [session]'))
        return flow

    def _segment_groups(self, at: TableAt, kind: str) -> tuple[str, ...]:
        groups = at.text_list("groups")
        if "groups" in at and kind in SEGMENT_KINDS and kind != SegmentKind.BREAKOUT:
            at.warn("groups", Words("{label}.groups is only used by breakout segments, not {kind}", label=at.label,
                                    kind=kind),
                    Words('remove it, or set kind = "breakout"'))
        return groups


def _needs_a_speaker(at: TableAt) -> Words:
    return Words("{label} of kind speaker needs a 'speaker'", label=at.label)


def _known_ids_hint(known: Mapping[str, Speaker], wrong: str | None = None) -> Words:
    if not known:
        return Words("define the speaker with a [[speaker]] table first")
    if wrong:
        close = difflib.get_close_matches(wrong, list(known), n=1, cutoff=0.6)
        if close:
            return Words("did you mean '{name}'? known ids: {ids}", name=close[0], ids=", ".join(known))
    return Words("known ids: {ids}", ids=", ".join(known))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-") or "speaker"


def _warn_if_skipped(at: TableAt, date: dt.date, start: dt.time, zone_name: str) -> None:
    """A start inside a daylight-saving gap (02:30 on the night clocks jump from 02:00 to 03:00)
    names a time that never happens on that day; the planner moves it forward: say so."""
    local = pendulum.datetime(date.year, date.month, date.day, start.hour, start.minute, start.second,
                              tz=zone(zone_name))
    if (local.hour, local.minute, local.second) != (start.hour, start.minute, start.second):
        at.warn("start", Words("[session].start {start} does not exist on {date} in {zone} (the clocks jump "
                               "forward); the session starts at {moved}", start=f"{start:%H:%M}", date=str(date),
                               zone=zone_name, moved=f"{local:%H:%M}"),
                Words("write the time the session really starts"))
