"""The session as data: ``moderator report --format json``, for organizers' own tools.

Organizers compare sessions across a forum ("every action, by speaker", "how late did the
workshops run"), so this is the session's facts, not the report's layout: the session, its
people with their ids, every segment with its planned and actual times, the guiding
questions, break-out groups, participants, every note and every chat message, each with the
ids that tie it to a speaker, a segment, a question or a group. ``docs/report.schema.json``
documents it (a test validates every report against it); ``SCHEMA`` changes when the shape
changes incompatibly. Instants are ISO 8601 in UTC (``...Z``), durations whole seconds
(``programme.durations.whole_seconds``), so the timing totals add up exactly.

Pure: a function of the programme and the state, like the other formats.
"""

from __future__ import annotations

import json
from typing import Any

import pendulum

from moderator.programme.durations import whole_seconds
from moderator.programme.model import Person, Programme
from moderator.programme.plan import plan, session_start
from moderator.report.speaking import speaking_times
from moderator.session.clock import iso_utc, iso_utc_wall, parse_wall
from moderator.session.notes import MODERATOR_ID
from moderator.session.snapshot import SegmentStatus, take_snapshot
from moderator.session.state import Note, State, Status

SCHEMA = "moderator-report/1"
STATUS_WORDS = {
    SegmentStatus.DONE: "done",
    SegmentStatus.CURRENT: "current",
    SegmentStatus.SKIPPED: "skipped",
    SegmentStatus.UPCOMING: "not_reached",
}


def report_data(programme: Programme, state: State) -> dict[str, Any]:
    """The session's data as plain JSON values (see ``docs/report.schema.json``)."""
    info = programme.session
    return {
        "schema": SCHEMA,
        "session": {
            "title": info.title,
            "event": info.event or None,
            "type": info.type or None,
            "language": info.language,
            "date": info.date.isoformat(),
            "start": info.start.strftime("%H:%M"),
            "timezone": info.timezone,
            "also_show": list(info.also_show),
            "platform": info.platform or None,
            "audience": info.audience or None,
            "main_question": info.main_question or None,
            "objectives": list(info.objectives),
            "mode": state.mode,
            "status": str(state.status),
            "started": iso_utc_wall(state.started_wall),
            "ended": iso_utc_wall(state.ended_wall),
            "programme": {"path": programme.path, "sha256": state.programme_sha256 or programme.sha256},
            "events": state.events,
        },
        "moderator": _person(programme.moderator, MODERATOR_ID),
        "rapporteur": _person(programme.rapporteur, None) if programme.rapporteur else None,
        "speakers": [
            {"id": s.id, "name": s.name, "organization": s.organization or None, "role": s.role or None,
             "country": s.country or None, "topic": s.topic or None, "timezone": s.timezone}
            for s in programme.speakers
        ],
        "rounds": [
            {"id": r.id, "title": r.title, "questions": [
                {"index": i, "text": q, "asked": iso_utc_wall(a.wall) if (a := state.asked.get((r.id, i))) else None,
                 "segment": a.segment if a else None}
                for i, q in enumerate(r.questions)
            ]}
            for r in programme.rounds
        ],
        "segments": _segments(programme, state),
        "groups": [
            {"id": f"g{number}", "segment": segment.index, "name": name}
            for segment in programme.segments for number, name in enumerate(segment.groups, start=1)
        ],
        "participants": {
            "count": state.participants,
            "recorded": iso_utc_wall(state.participants_wall),
            "in_chat": sorted({entry.sender for entry in state.visible_chat()}, key=str.casefold),
        },
        "notes": _notes(state),
        "chat": [
            {"number": e.number, "sender": e.sender, "kind": str(e.kind), "text": e.text, "time": iso_utc_wall(e.at),
             "segment": e.segment, "reply_to": e.reply_to, "fingerprint": e.fingerprint}
            for e in state.visible_chat()
        ],
        "transcript": [
            {"number": line.number, "name": line.name, "speaker": line.speaker, "text": line.text,
             "start": iso_utc_wall(line.at), "end": iso_utc_wall(line.until), "segment": line.segment,
             "fingerprint": line.fingerprint}
            for line in state.transcript
        ],
        "timing": _timing(programme, state),
        "webinar": {
            "questions": [
                {"asker": q.asker, "text": q.text, "time": iso_utc_wall(q.at), "segment": q.segment,
                 "answer": q.answer, "answered_by": q.answered_by, "answered_live": q.live}
                for q in state.webinar_questions
            ],
            "polls": [
                {"poll": p.poll, "question": p.question, "time": iso_utc_wall(p.at), "segment": p.segment,
                 "answers": [{"answer": answer, "count": count} for answer, count in p.answers]}
                for p in state.polls.values()
            ],
        },
        "review": {
            "final": state.final,
            "summaries": {key.removeprefix("summary:"): text for key, text in sorted(state.review_texts.items())
                          if key.startswith("summary:")},
            "key_messages": state.review_texts.get("key_messages"),
            "way_forward": state.review_texts.get("way_forward"),
        },
        "speaking": [
            {"person": t.person, "name": t.name, "on_stage": t.on_stage, "in_discussion": t.in_discussion}
            for t in speaking_times(programme, state)
        ],
    }


def render_data_json(programme: Programme, state: State) -> str:
    return json.dumps(report_data(programme, state), ensure_ascii=False, indent=2) + "\n"


def _person(person: Person | None, person_id: str | None) -> dict[str, Any]:
    assert person is not None
    return {"id": person_id, "name": person.name, "organization": person.organization or None,
            "role": person.role or None, "country": person.country or None}


def _notes(state: State) -> list[dict[str, Any]]:
    """Every note by id; a sub-point (``level`` above 0) names its parent point: the latest earlier
    note of the same segment one level up, as the report nests them."""
    notes = sorted(state.visible_notes(), key=lambda n: n.id)
    latest: dict[tuple[int | None, int], int] = {}
    out = []
    for note in notes:
        level = note.level
        parent = latest.get((note.segment, level - 1)) if level > 0 else None
        latest[(note.segment, level)] = note.id
        out.append(_note(note, parent))
    return out


def _note(note: Note, parent: int | None) -> dict[str, Any]:
    author = note.author or note.seat
    group = f"g{note.group + 1}" if note.group is not None else None
    return {
        "id": note.id,
        "kind": str(note.kind),
        "text": note.text,
        "author": author,
        "speaker": note.speaker,
        "segment": note.segment,
        "question": {"round": note.question[0], "index": note.question[1]} if note.question else None,
        "group": group,
        "parent": parent,
        "time": iso_utc_wall(note.wall),
        "edited": note.edited,
    }


def _now(programme: Programme, state: State) -> pendulum.DateTime:
    return parse_wall(state.last_wall) if state.last_wall else session_start(programme)


def _segments(programme: Programme, state: State) -> list[dict[str, Any]]:
    snapshot = take_snapshot(programme, state, state.last_t, _now(programme, state))
    printed = plan(programme)
    rows = []
    for timing, planned in zip(snapshot.timings, printed, strict=True):
        ran = timing.status in (SegmentStatus.DONE, SegmentStatus.CURRENT)
        actual = whole_seconds(timing.actual) if ran else 0
        rows.append({
            "index": timing.index,
            "number": timing.index + 1,
            "kind": str(timing.segment.kind),
            "title": timing.segment.title,
            "speakers": list(timing.segment.speaker_ids),
            "rounds": list(timing.segment.round_ids),
            "planned": {"start": iso_utc(planned.start), "end": iso_utc(planned.end), "duration": timing.planned,
                        "allowed": timing.allowed},
            "actual": {"start": iso_utc_wall(timing.actual_start), "end": iso_utc_wall(timing.actual_end),
                       "duration": actual, "status": STATUS_WORDS[timing.status],
                       "difference": actual - timing.planned if ran else None},
        })
    return rows


def _timing(programme: Programme, state: State) -> dict[str, Any]:
    """Totals of the segments' rounded durations; a skipped or unreached segment counts as 0 s."""
    segments = _segments(programme, state)
    planned = sum(s["planned"]["duration"] for s in segments)
    actual = sum(s["actual"]["duration"] for s in segments)
    return {
        "finished": state.status is Status.ENDED,
        "planned_duration": planned,
        "actual_duration": actual,
        "difference": actual - planned,
        "skipped": [s["index"] for s in segments if s["actual"]["status"] == "skipped"],
        "not_reached": [s["index"] for s in segments if s["actual"]["status"] == "not_reached"],
    }
