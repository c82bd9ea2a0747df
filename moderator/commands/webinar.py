"""``moderator webinar JOURNAL FILE.csv [--zone Z]``: a Zoom webinar's Q&A or poll report, into the journal.

The Q&A report's questions become the session's audience questions, each with its answer and in the
segment running when it was asked; the poll report's questions become tables in the report, each in
its segment. Zoom writes local clock times: they are read in ``--zone`` (this computer's zone by
default, said), and what falls outside the run is counted, not added (a sign of the wrong zone).
Importing the same report again adds nothing; a poll report with more answers replaces the counts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from pathlib import Path

from moderator.i18n import translator
from moderator.problems import ModeratorError, Words, about_session, say
from moderator.programme.zones import zone as zone_named
from moderator.session import events as ev
from moderator.session.chat import run_bounds
from moderator.session.chat_follow import chat_zone
from moderator.session.events import clean_text
from moderator.session.runs import open_for_adding
from moderator.session.webinar import WebinarReport, WebinarReportError, decode_report_bytes, parse_webinar_report
from moderator.text import visible


def read_report(path: Path) -> WebinarReport:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ModeratorError("{path}: cannot read the report: {reason}", path=str(path),
                             reason=error.strerror or str(error)) from None
    try:
        return parse_webinar_report(decode_report_bytes(data))
    except WebinarReportError as error:
        raise ModeratorError("{path}: {problem}", path=str(path),
                             problem=Words(error.template, **error.words)) from None


def run_webinar(journal: Path, report_file: Path, zone: str | None = None) -> int:
    def utc(local: dt.datetime | None) -> dt.datetime | None:
        return local.replace(tzinfo=tz).astimezone(dt.UTC) if local is not None else None

    target = open_for_adding(journal, busy_hint=Words("import the report once the console is closed"))
    language = target.run.programme.session.language
    _ = translator(language)
    try:
        with about_session(language):  # --zone's and the report file's problems in the session's language
            zone_name, assumption = chat_zone(zone, report=True)
            report = read_report(report_file)
        tz = zone_named(zone_name)
        state = target.engine.state
        bounds = run_bounds(state.started_wall, state.ended_wall, state.last_wall)

        def inside(moment: dt.datetime | None) -> bool:
            return moment is None or (bounds is not None and bounds[0] <= moment <= bounds[1])

        questions = []
        for question in report.questions:
            at = utc(question.asked)
            questions.append((ev.WebinarQuestion(
                asker=clean_text(question.asker)[:ev.MAX_SHORT_TEXT], text=clean_text(question.text),
                fingerprint=question.fingerprint, at=at.isoformat() if at else None,
                answer=clean_text(question.answer) if question.answer else None,
                answered_by=clean_text(question.answered_by)[:ev.MAX_SHORT_TEXT] if question.answered_by else None,
                live=question.live), at))
        polls = []
        for poll in report.polls:
            at = utc(poll.first)
            results = "\n".join(f"{count}\t{clean_text(answer)}" for answer, count in poll.answers)
            fingerprint = hashlib.sha256(f"{poll.fingerprint}\n{results}".encode()).hexdigest()[:16]
            polls.append((ev.PollResult(poll=clean_text(poll.poll)[:ev.MAX_SHORT_TEXT] or "Poll",
                                        question=clean_text(poll.question), results=results[:ev.MAX_TEXT],
                                        fingerprint=fingerprint, at=at.isoformat() if at else None), at))
        kept_questions = [(q, at) for q, at in questions if inside(at)]
        kept_polls = [(p, at) for p, at in polls if inside(at)]
        added_questions, added_polls = target.engine.add_webinar(kept_questions, kept_polls)
    finally:
        target.journal.close()
    print(visible(f"moderator: {say(assumption, _)}"), file=sys.stderr)
    outside = len(questions) - len(kept_questions) + len(polls) - len(kept_polls)
    if report.questions:
        said = [_("{file}: {n} questions of the webinar's Q&A").format(file=report_file, n=len(questions)),
                _("{added} added, {already} already in the journal").format(
                    added=added_questions, already=len(kept_questions) - added_questions)]
    else:
        said = [_("{file}: {n} poll questions").format(file=report_file, n=len(polls)),
                _("{added} added or updated, {already} already in the journal").format(
                    added=added_polls, already=len(kept_polls) - added_polls)]
    if outside:
        said.append(_("{n} outside the run, not added (were the times read in the right zone? try --zone with the "
                      "zone of the Zoom account that ran the webinar)").format(n=outside))
    if report.unreadable:
        said.append(_("{n} unreadable rows left out").format(n=report.unreadable))
    print(visible("; ".join(said)))
    return 0
