"""Where a session's files live, and opening a run: new, resumed, or fresh beside an old one.

Layout, under ``--out`` (default ``./reports``)::

    reports/2021-10-08-initiatives-and-alliances-between-local-governments-and-sse-dd8a6adc/
        live.journal.jsonl            the live run's journal (source of truth)
        live.report.md                its report, rewritten after every event
        live-20211008-090112.journal.jsonl   an earlier live run (ended, or kept by --fresh)
        rehearsal-20211004-153000.journal.jsonl  each rehearsal on its own
        rehearsal-20211004-153000.report.md
        rehearsal-20211004-153000-2.journal.jsonl  another begun in the same second

A rehearsal never touches the live run's files.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pendulum

from moderator.problems import ModeratorError, Words
from moderator.programme import Programme, load_programme
from moderator.programme.durations import format_duration
from moderator.session.clock import Clock, parse_wall
from moderator.session.engine import Engine, replay_state
from moderator.session.events import Event, Opened
from moderator.session.journal import (
    PREVIOUS_CONSOLE_GRACE,
    Journal,
    JournalBusy,
    JournalError,
    ensure_not_running,
    merge_fallbacks,
    read_journal,
)
from moderator.session.state import State, Status

JOURNAL_SUFFIX = ".journal.jsonl"
REPORT_SUFFIX = ".report.md"
LIVE_NAME = "live"


def slugify(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "session"


def session_folder(programme: Programme, out: Path) -> Path:
    """``<date>-<slug of the title>-<hash of the exact title>``.

    The slug is for people; the hash (of the title exactly as written, NFC) is what keeps two
    sessions apart: ``Panel: A/B`` and ``Panel A-B`` have one slug, and so have ``.``, ``..``,
    ``/`` and ``-----``, or two long titles that differ only at their end, and titles in Hangul or
    Arabic have none. Two different titles on one day must never share a folder, and with it
    a live journal one would resume."""
    title = programme.session.title
    digest = hashlib.sha256(unicodedata.normalize("NFC", title).encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return out / f"{programme.session.date.isoformat()}-{slugify(title)}-{digest}"


def legacy_session_folder(programme: Programme, out: Path) -> Path:
    """``<date>-<slug of the title>``: the folder earlier versions gave a session whose slug lost
    nothing (when it lost something they added the same hash as ``session_folder`` does now)."""
    return out / f"{programme.session.date.isoformat()}-{slugify(programme.session.title)}"


def run_folder(programme: Programme, out: Path) -> Path:
    """The folder this programme's runs live in: ``session_folder``, or the legacy one if the
    session began under an earlier version (so its unfinished run resumes).

    The legacy folder is used only while the hashed one holds no run, and only if its journal's
    ``opened`` event names exactly this title: a slug is shared by different titles (``Panel:
    A/B``, ``Panel A-B``), which must still never share a folder."""
    folder = session_folder(programme, out)
    if _journals_in(folder):
        return folder
    legacy = legacy_session_folder(programme, out)
    journal = _identifying_journal(legacy)
    if journal is not None and _opened_title(journal) == programme.session.title:
        return legacy
    return folder


def _journals_in(folder: Path) -> list[Path]:
    try:
        return [path for path in folder.glob("*" + JOURNAL_SUFFIX) if path.is_file()]
    except OSError:
        return []


def _identifying_journal(folder: Path) -> Path | None:
    """The journal that says whose folder this is: the live one, else the latest rehearsal."""
    live = folder / (LIVE_NAME + JOURNAL_SUFFIX)
    if live.is_file():
        return live
    try:
        return _latest_rehearsal(folder) if folder.is_dir() else None
    except OSError:
        return None


def _opened_title(journal: Path) -> str | None:
    """The title the journal's ``opened`` event recorded; None if it cannot be read or has none."""
    try:
        events = read_journal(journal).events
    except (ModeratorError, OSError):
        return None
    return events[0].title if events and isinstance(events[0], Opened) else None


def report_path_for(journal: Path) -> Path:
    name = journal.name
    stem = name[: -len(JOURNAL_SUFFIX)] if name.endswith(JOURNAL_SUFFIX) else journal.stem
    return journal.with_name(stem + REPORT_SUFFIX)


@dataclass
class OpenedRun:
    engine: Engine
    journal: Journal
    journal_path: Path
    report_path: Path
    rehearsal: bool
    resumed: bool = False
    message: str | None = None
    warnings: list[str] = field(default_factory=list)


def open_run(programme: Programme, out: Path, clock: Clock, *, rehearsal: bool = False,
             fresh: bool = False) -> OpenedRun:
    """Resume the unfinished run of this programme if there is one (unless ``fresh``), else begin one."""
    folder = run_folder(programme, out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ModeratorError("{folder}: cannot create the session folder: {reason}", folder=str(folder),
                             reason=error.strerror) from None
    candidate = _latest_rehearsal(folder) if rehearsal else folder / (LIVE_NAME + JOURNAL_SUFFIX)
    if candidate is not None:
        ensure_not_running(candidate, wait=PREVIOUS_CONSOLE_GRACE)  # before anything reads, merges or renames it
    recovered = merge_fallbacks(candidate) if candidate is not None else []
    contents = None
    if candidate is not None and candidate.exists():
        try:
            contents = read_journal(candidate)
        except JournalError as error:
            if not fresh:
                raise JournalError("{problem}; start with --fresh to keep it aside and begin a new run",
                                   problem=Words(error.template, **error.words)) from None
            _set_aside_unreadable(candidate, clock)
            contents = None
    if candidate is not None and candidate.exists() and contents is not None:
        state = replay_state(programme, contents.events)
        if state.status is not Status.ENDED and not fresh and contents.events:
            journal = Journal(candidate, read=contents)  # one read of the file, one replay
            engine, warnings = Engine.reopen(programme, clock, journal, contents.events, replayed=state)
            return OpenedRun(
                engine=engine, journal=journal, journal_path=candidate,
                report_path=report_path_for(candidate), rehearsal=rehearsal, resumed=True,
                message=resume_message(engine), warnings=recovered + contents.warnings + warnings,
            )
        if not rehearsal:
            _set_aside(candidate, state, clock)
    journal_path = _new_rehearsal_path(folder, clock.now()) if rehearsal else folder / (LIVE_NAME + JOURNAL_SUFFIX)
    journal = Journal(journal_path)
    engine = Engine.create(programme, clock, journal, mode="rehearsal" if rehearsal else "live",
                           programme_location=_absolute(programme.path))
    return OpenedRun(engine=engine, journal=journal, journal_path=journal_path,
                     report_path=report_path_for(journal_path), rehearsal=rehearsal, warnings=recovered)


def resume_message(engine: Engine) -> str:
    snapshot = engine.snapshot()
    if snapshot.current is None:
        return Words("Resumed before the start")
    return Words("Resumed at segment {n}, {elapsed} elapsed", n=snapshot.current + 1,
                 elapsed=format_duration(snapshot.segment_elapsed))


_REHEARSAL_NAME = re.compile(r"rehearsal-(\d{8}-\d{6})(?:-(\d+))?" + re.escape(JOURNAL_SUFFIX))


def _rehearsal_order(journal: Path) -> tuple[str, int, str]:
    """Oldest first: by start time, then by the counter of rehearsals begun in the same second."""
    match = _REHEARSAL_NAME.fullmatch(journal.name)
    if match is None:
        return ("", 0, journal.name)
    return (match.group(1), int(match.group(2) or 1), journal.name)


def _latest_rehearsal(folder: Path) -> Path | None:
    journals = sorted(folder.glob("rehearsal-*" + JOURNAL_SUFFIX), key=_rehearsal_order)
    return journals[-1] if journals else None


def _new_rehearsal_path(folder: Path, now: pendulum.DateTime) -> Path:
    """A name no earlier rehearsal has: two begun in the same second must not share a journal."""
    stem = f"rehearsal-{now.in_timezone('UTC'):%Y%m%d-%H%M%S}"
    target = folder / (stem + JOURNAL_SUFFIX)
    counter = 1
    while target.exists():
        counter += 1
        target = folder / f"{stem}-{counter}{JOURNAL_SUFFIX}"
    return target


def _set_aside(journal: Path, state: State, clock: Clock) -> None:
    """Keep an earlier live run (ended, or replaced with --fresh) under a dated name."""
    began = parse_wall(state.started_wall) if state.started_wall else clock.now()
    stem = f"{LIVE_NAME}-{began.in_timezone('UTC'):%Y%m%d-%H%M%S}"
    target = journal.with_name(stem + JOURNAL_SUFFIX)
    counter = 1
    while target.exists():
        counter += 1
        target = journal.with_name(f"{stem}-{counter}{JOURNAL_SUFFIX}")
    report = report_path_for(journal)
    journal.rename(target)
    if report.exists():
        report.rename(report_path_for(target))


def _set_aside_unreadable(journal: Path, clock: Clock) -> None:
    """Never delete what might hold someone's notes: keep it under a name that says why."""
    target = journal.with_name(f"{journal.name[: -len(JOURNAL_SUFFIX)]}-unreadable-{clock.now():%Y%m%d-%H%M%S}.jsonl")
    journal.rename(target)


def _absolute(path: str) -> str:
    candidate = Path(path)
    return str(candidate.resolve()) if candidate.exists() else path


@dataclass
class LoadedRun:
    programme: Programme
    state: State
    events: list[Event]
    warnings: list[str]


def load_run(journal_path: Path, programme_path: Path | None = None) -> LoadedRun:
    """Read a journal and the programme it names, for ``report`` and ``timing``."""
    contents = read_journal(journal_path)
    if not contents.events:
        if contents.warnings:  # lines there were, but none of them an event
            raise JournalError("{path}: not a moderator journal (none of its lines is an event)",
                               path=str(journal_path))
        raise JournalError("{path}: the journal is empty", path=str(journal_path))
    opened = contents.events[0] if isinstance(contents.events[0], Opened) else None
    if opened is None and programme_path is None:  # its first line is damaged (read_journal said so)
        raise JournalError("{where}: the first line, which names the programme, is damaged "
                           "(pass the programme with --programme FILE to use the rest)", where=f"{journal_path}:1")
    location = programme_path or Path(opened.programme if opened else "")
    if not location.exists():
        raise ModeratorError("{path}: the programme it was run from, {programme}, is not there any more "
                             "(move it back, or pass it with --programme FILE)", path=str(journal_path),
                             programme=str(location))
    programme = load_programme(location)
    warnings = list(contents.warnings)
    if opened is not None and opened.sha256 and opened.sha256 != programme.sha256:
        warnings.append(Words("{programme} changed since this run; segments are matched by number",
                              programme=str(location)))
    return LoadedRun(programme, replay_state(programme, contents.events), contents.events, warnings)


class SessionRunning(ModeratorError):
    """A console is running this session: it alone writes its journal."""


def refuse_if_running(journal_path: Path, hint: str) -> None:
    """Refuse a journal a console holds (its OS lock, ``journal.lock_journal``, taken while it runs):
    two writers would give two events one place. ``hint`` says what to do instead."""
    try:
        ensure_not_running(journal_path)
    except JournalBusy:
        raise SessionRunning("{path}: a console is running this session ({hint})", path=str(journal_path),
                             hint=hint) from None


@dataclass
class AppendingRun:
    """A finished (or interrupted) run opened to add to its journal, not to run it."""

    run: LoadedRun
    engine: Engine
    journal: Journal


def open_for_adding(journal_path: Path, *, busy_hint: str) -> AppendingRun:
    """Open a run's journal to add events after the fact (``moderator chat``), refusing one a console
    is running (``busy_hint`` tells what to do instead). Close ``journal`` when done."""
    refuse_if_running(journal_path, busy_hint)
    run = load_run(journal_path)
    try:
        journal = Journal(journal_path)  # holds the lock while the chat is added
    except JournalBusy:  # a console started since the check
        raise SessionRunning("{path}: a console is running this session ({hint})", path=str(journal_path),
                             hint=busy_hint) from None
    contents = read_journal(journal_path)
    engine = Engine.after_the_fact(run.programme, journal, contents.events)
    return AppendingRun(run, engine, journal)
