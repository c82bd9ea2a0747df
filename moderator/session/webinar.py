"""Read Zoom's webinar reports (CSV): the Q&A report and the poll report.

A Zoom webinar keeps its audience questions in the Q&A panel, not the chat, and its polls apart:
after the webinar the host downloads each as a CSV report (a few lines about the webinar, then a
table). The Q&A report's table has the question, who asked, when, and the answer (and, in newer
reports, who answered and when); the poll report's has one row per participant and poll question,
with their answer. Columns are found by their names, in the order the report gives them.

Pure: text in, frozen values out. Times are Zoom's local clock times of the account that ran the
webinar; ``moderator webinar`` reads them in ``--zone`` as the chat import does.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import unicodedata
from collections import Counter
from dataclasses import dataclass

from moderator.problems import ModeratorError

MAX_REPORT_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_CELL = 20_000

_TIME_FORMATS = ("%b %d, %Y %H:%M:%S", "%b %d, %Y %H:%M", "%b %d, %Y %I:%M:%S %p", "%b %d, %Y %I:%M %p",
                 "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M",
                 "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p")
"""How Zoom writes a time in its reports, across its versions (English month names, 24 h or AM/PM)."""
_NO_ANSWER = frozenset({"", "live answered", "answered live", "respondida en vivo", "répondu en direct"})


class WebinarReportError(ModeratorError):
    """Not a Zoom webinar Q&A or poll report."""


@dataclass(frozen=True)
class WebinarQuestion:
    line: int
    asker: str
    text: str
    asked: dt.datetime | None
    """Local clock time, naive (read in a zone by the caller)."""
    answer: str | None
    answered_by: str | None
    live: bool
    """Answered live (said aloud), not in writing."""
    fingerprint: str


@dataclass(frozen=True)
class PollQuestion:
    poll: str
    question: str
    answers: tuple[tuple[str, int], ...]
    """(answer, how many chose it), most chosen first."""
    first: dt.datetime | None
    """When the first answer was submitted (local clock, naive)."""
    fingerprint: str


@dataclass(frozen=True)
class WebinarReport:
    questions: tuple[WebinarQuestion, ...] = ()
    polls: tuple[PollQuestion, ...] = ()
    unreadable: int = 0


def decode_report_bytes(data: bytes) -> str:
    if len(data) > MAX_REPORT_BYTES:
        raise WebinarReportError("the report is {size} MB, more than a webinar's can be",
                                 size=f"{len(data) / 1024 / 1024:.1f}")
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise WebinarReportError("the report is not text (it contains NUL bytes); download it from Zoom as CSV")
    for encoding in (("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "cp1252")):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise WebinarReportError("the report is not readable text (neither UTF-8 nor UTF-16 nor Windows-1252)")


def parse_webinar_report(text: str) -> WebinarReport:
    """The Q&A or the poll report's rows; ``WebinarReportError`` if it is neither."""
    try:
        rows = list(csv.reader(io.StringIO(text.replace("\x00", ""))))
    except csv.Error as error:
        raise WebinarReportError("not a CSV report ({reason})", reason=str(error)) from None
    if len(rows) > MAX_ROWS:
        raise WebinarReportError("the report has {n} rows, more than a webinar's can have", n=len(rows))
    for number, row in enumerate(rows):
        names = [cell.strip().casefold() for cell in row]
        if "question" in names and any(name.startswith("asker") for name in names):
            return _questions(rows[number + 1:], names, number + 2)
        if "question" in names and "answer" in names and any("user" in name or "name" in name for name in names):
            return _polls(rows[number + 1:], names)
    raise WebinarReportError("neither a Zoom webinar Q&A report nor a poll report (no 'Question' and "
                             "'Asker Name', or 'Question' and 'Answer', columns); download it from the "
                             "webinar's reports")


def _column(names: list[str], *wanted: str) -> int | None:
    for want in wanted:
        for index, name in enumerate(names):
            if name == want or name.startswith(want):
                return index
    return None


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return unicodedata.normalize("NFC", " ".join(row[index].split()))[:MAX_CELL]


def parse_time(text: str) -> dt.datetime | None:
    for pattern in _TIME_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
    return None


def _questions(rows: list[list[str]], names: list[str], first_line: int) -> WebinarReport:
    question, asker = _column(names, "question"), _column(names, "asker name", "asker")
    when = _column(names, "question time", "time", "asked")
    answer, by = _column(names, "answer(s)", "answer"), _column(names, "answered by", "answerer")
    found: list[WebinarQuestion] = []
    unreadable = 0
    for offset, row in enumerate(rows):
        text = _cell(row, question)
        if not text:
            unreadable += any(cell.strip() for cell in row)
            continue
        reply = _cell(row, answer)
        live = reply.casefold() in _NO_ANSWER - {""}
        asked = parse_time(_cell(row, when)) if when is not None else None
        who = _cell(row, asker) or "?"
        found.append(WebinarQuestion(
            line=first_line + offset, asker=who, text=text, asked=asked,
            answer=None if reply.casefold() in _NO_ANSWER else reply, answered_by=_cell(row, by) or None,
            live=live, fingerprint=_fingerprint("qa", who, text, _cell(row, when)),
        ))
    return WebinarReport(questions=tuple(found), unreadable=unreadable)


def _polls(rows: list[list[str]], names: list[str]) -> WebinarReport:
    poll, question, answer = _column(names, "poll"), _column(names, "question"), _column(names, "answer")
    when = _column(names, "submitted", "time")
    counts: dict[tuple[str, str], Counter[str]] = {}
    first: dict[tuple[str, str], dt.datetime | None] = {}
    unreadable = 0
    for row in rows:
        key = (_cell(row, poll), _cell(row, question))
        if not key[1]:
            unreadable += any(cell.strip() for cell in row)
            continue
        counts.setdefault(key, Counter())
        for choice in _cell(row, answer).split(";"):  # several choices are written a;b
            if choice.strip():
                counts[key][choice.strip()] += 1
        submitted = parse_time(_cell(row, when)) if when is not None else None
        if submitted is not None and (first.get(key) is None or submitted < first[key]):  # type: ignore[operator]
            first[key] = submitted
        first.setdefault(key, None)
    polls = tuple(
        PollQuestion(name, text, tuple(counter.most_common()), first[(name, text)],
                     _fingerprint("poll", name, text, ""))
        for (name, text), counter in counts.items()
    )
    return WebinarReport(polls=polls, unreadable=unreadable)


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]
