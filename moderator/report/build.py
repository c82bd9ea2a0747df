"""Building the rapporteur's report: a pure function of the programme and the session's state.

``build_report`` lays the report out once, as a ``ReportDocument`` (``moderator.report.model``),
in the session's language; the renderers only walk it. The layout follows the organizers'
own report format (seed 004: header table, moderator, speakers, main question, summary of
presentations, screenshots) and completes it with the discussion, the audience's questions,
closing remarks, actions, and timing.

Pure: "now" is the state's last event, so the same programme and state give the same text,
byte for byte; that is what lets ``moderator report JOURNAL`` reproduce the live file.

Every note that is not deleted appears exactly once, in the first place that fits:
an action -> actions (marked when typed after the end); given to a person in the review ->
their presentation; typed after the end -> its own
section; a marked audience question -> questions from the audience; anything else said in a
Q&A segment -> the Q&A's notes, under whoever answered when named; a break-out group named
-> that group; a closing segment -> closing remarks; a guiding question or a discussion
segment -> discussion; a person, or a shared slot -> summary of presentations (a shared
slot's plain notes under the slot, every speaker in it); else -> other notes.

Within each place, a note of level 1 or 2 (typed ``- `` or ``-- ``) is a sub-point of the
note before it there, and nests under it as seed 004 does.

Text stays text here: the renderers escape it (and speaker names, and programme text) so that
nothing a rapporteur types can change the document's structure.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pendulum

from moderator.programme.durations import format_duration, whole_seconds
from moderator.programme.model import Person, Programme, Segment
from moderator.programme.plan import day_marker, planned_end, session_start
from moderator.programme.zones import city_label, paper_size, zone
from moderator.report.labels import LABELS
from moderator.report.landing import Landing, guiding_question, landing
from moderator.report.memo import RenderMemo
from moderator.report.model import (
    Block,
    Bullets,
    Heading,
    Item,
    Paragraph,
    ReportDocument,
    Section,
    Span,
    SpanStyle,
    Table,
)
from moderator.report.speaking import speaking_times
from moderator.report.timing import end_of_run
from moderator.session.clock import parse_wall
from moderator.session.notes import MODERATOR_ID, QUOTE_MARKS, RAPPORTEUR_ID
from moderator.session.snapshot import SegmentStatus, SegmentTiming, take_snapshot
from moderator.session.state import ChatEntry, Note, State, Status, WebinarEntry

_PHOTO_CUE = re.compile(r"photo|foto|v[ií]d[eé]o|screen\s*shot|captur", re.IGNORECASE)
"""A cue about the group photo or screenshots (English, Spanish, French)."""


def build_report(programme: Programme, state: State, memo: RenderMemo | None = None) -> ReportDocument:
    """Lay the report out in the session's language; pure (time comes only from ``state``). With
    ``memo`` (the live report's, kept between renders of one programme), a note unchanged since the
    last render reuses its spans: the same document, laid out at the cost of what changed."""
    return _Builder(programme, state, memo).document()


def format_date(date: dt.date, language: str) -> str:
    """``8 October 2021``, ``7 de octubre de 2021``, ``1er octobre 2021``."""
    labels = LABELS[language]
    text = pendulum.date(date.year, date.month, date.day).format(labels["date_format"], locale=language)
    if language == "fr" and date.day == 1:
        text = "1er" + text[1:]
    return text


class _Builder:
    def __init__(self, programme: Programme, state: State, memo: RenderMemo | None = None) -> None:
        self.memo = memo
        self.programme = programme
        self.state = state
        self.info = programme.session
        self.language = self.info.language if self.info.language in LABELS else "en"
        self.labels = LABELS[self.language]
        self.zone_name = self.info.timezone
        self.tz = zone(self.zone_name)
        self.speakers = {s.id: s for s in programme.speakers}
        self.rounds = {r.id: r for r in programme.rounds}
        self.notes = sorted(state.visible_notes(), key=lambda n: (n.order, n.id))  # the review may reorder
        self.places = {note.id: landing(programme, note) for note in self.notes}
        self._by_place: dict[Landing, list[Note]] = {}
        """The notes of each place, in order: one pass, not one pass per place over every note."""
        for note in self.notes:
            self._by_place.setdefault(self.places[note.id], []).append(note)
        # the day times are read against: the day it ran (a rehearsal's own), else the planned one
        self.day = self.local(state.started_wall).date() if state.started_wall else self.info.date
        self._clocks: dict[tuple[str, bool], str] = {}
        self._chat_marks = (Span(self.label("colon")), Span(" — "))

    # -- small helpers

    def label(self, key: str, **values: object) -> str:
        text = self.labels[key]
        return text.format(**values) if values else text

    def local(self, wall: str) -> pendulum.DateTime:
        return parse_wall(wall).in_timezone(self.tz)

    def clock(self, wall: str | None, *, seconds: bool = False) -> str:
        """A journal time as ``HH:mm`` in the session's zone (``—`` for none); each distinct time is
        worked out once (a chat of 100,000 messages has a few thousand distinct seconds)."""
        if not wall:
            return "—"
        key = (wall, seconds)
        text = self._clocks.get(key)
        if text is None:
            text = self._clocks[key] = self.clock_at(self.local(wall), seconds=seconds)
        return text

    def clock_at(self, moment: pendulum.DateTime, *, seconds: bool = False) -> str:
        """``HH:mm``, with the date when it is not the day the session ran (or was planned)."""
        moment = moment.in_timezone(self.tz)
        text = moment.format("HH:mm:ss" if seconds else "HH:mm")
        if moment.date() != self.day:
            text += f" ({format_date(moment.date(), self.language)})"
        return text

    def zone_description(self) -> str:
        """``Seúl (Asia/Seoul)``: the city a reader knows, and the zone's exact name."""
        city = city_label(self.zone_name, self.language)
        return city if city == self.zone_name else f"{city} ({self.zone_name})"

    def segment(self, index: int | None) -> Segment | None:
        if index is None or not 0 <= index < len(self.programme.segments):
            return None
        return self.programme.segments[index]

    def segment_label(self, index: int | None) -> str:
        if index is None:
            return self.label("before_start")
        segment = self.segment(index)
        if segment is None:
            return self.label("segment_n", n=index + 1)
        return f"{index + 1}. {segment.title}" if segment.title else self.label("segment_n", n=index + 1)

    def person_name(self, person_id: str) -> str:
        if person_id in self.speakers:
            return self.speakers[person_id].name
        if person_id == MODERATOR_ID:
            return self.programme.moderator.name
        if person_id == RAPPORTEUR_ID and self.programme.rapporteur is not None:
            return self.programme.rapporteur.name
        return person_id

    def group_label(self, note: Note) -> str:
        """``Group 2 — Legal frameworks``: the group a note reports on (its number alone if the
        programme no longer has it)."""
        assert note.group is not None
        number = self.label("group_n", n=note.group + 1)
        segment = self.segment(note.group_segment)
        if segment is not None and 0 <= note.group < len(segment.groups):
            return f"{number} — {segment.groups[note.group]}"
        return number

    def quoted(self, text: str) -> str:
        """A quotation in the report's language, marked once: text already quoted keeps its own marks."""
        text = text.strip()
        if text[:1] in QUOTE_MARKS:
            return text
        return self.label("quote_open") + text + self.label("quote_close")

    def note_spans(self, note: Note, *, attribute: bool = True) -> tuple[Span, ...]:
        if self.memo is None:
            return self._note_spans(note, attribute)
        # Everything _note_spans reads of the note (its place matters only as "after_end", which
        # its kind and after_end decide): equal keys give equal spans.
        key = (note.text, note.kind, note.speaker, note.after_end, attribute)
        return self.memo.spans.get(key, lambda: self._note_spans(note, attribute))

    def _note_spans(self, note: Note, attribute: bool) -> tuple[Span, ...]:
        body = Span(self.quoted(note.text), SpanStyle.QUOTE) if note.kind == "quote" else Span(note.text)
        spans: tuple[Span, ...] = (body,)
        if attribute and note.speaker:
            name = self.person_name(note.speaker)
            if note.kind == "question":  # asked by the audience, to someone
                spans = (body, Span(" "), Span(self.label("question_for", name=name), SpanStyle.EM))
            else:
                spans = (Span(name, SpanStyle.STRONG), Span(self.label("colon")), body)
        elif attribute and note.group is not None and self.places.get(note.id) is not Landing.GROUPS:
            # an action (or a question) typed for a break-out group: credited to the group, as its notes are
            spans = (Span(self.group_label(note), SpanStyle.STRONG), Span(self.label("colon")), body)
        if note.after_end and self.places.get(note.id) is not Landing.AFTER_END:
            spans += (Span(" "), Span(self.label("after_end_tag"), SpanStyle.EM))
        return spans

    def note_items(self, notes: Iterable[Note], *, attribute: bool = True) -> tuple[Item, ...]:
        """The notes as bullets, each sub-point (level 1, 2) under the nearest point before it."""
        roots: list[_Node] = []
        path: list[_Node] = []
        for note in notes:
            while path and path[-1].level >= note.level:
                path.pop()
            node = _Node(note.level, self.note_spans(note, attribute=attribute), [])
            (path[-1].children if path else roots).append(node)
            path.append(node)
        return tuple(node.item() for node in roots)

    def notes_or_nothing(self, notes: list[Note], *, attribute: bool = True) -> tuple[Block, ...]:
        if not notes:
            return (Paragraph((Span(self.label("no_notes"), SpanStyle.EM),)),)
        return (Bullets(self.note_items(notes, attribute=attribute)),)

    def placed(self, place: Landing) -> list[Note]:
        return list(self._by_place.get(place, ()))

    # -- the document

    def document(self) -> ReportDocument:
        sections = [
            self.header(),
            self.speakers_section(),
            self.main_question(),
            self.objectives(),
            self.summary(),
            self.groups(),
            self.discussion(),
            self.audience(),
            self.polls(),
            self.simple(Landing.CLOSING, "closing"),
            self.simple(Landing.ACTIONS, "actions"),
            self.review_section("key_messages"),
            self.review_section("way_forward"),
            self.after_end(),
            self.other_notes(),
            self.timing(),
            self.screenshots(),
        ]
        return ReportDocument(
            language=self.language,
            title=self.label("report_title"),
            sections=tuple(s for s in sections if s is not None),
            footer=self.footer(),
            paper=paper_size(self.zone_name),
        )

    def header(self) -> Section:
        info, state = self.info, self.state
        rows: list[tuple[str, str]] = []
        if info.event:
            rows.append((self.label("event"), info.event))
        if info.type:
            rows.append((self.label("type"), info.type))
        rows.append((self.label("language"), self.label(f"lang_{self.language}")))
        rows.append((self.label("date"), format_date(info.date, self.language)))
        start, end = session_start(self.programme), planned_end(self.programme)
        for name in info.zones:
            local_start, local_end = start.in_timezone(zone(name)), end.in_timezone(zone(name))
            text = f"{local_start:%H:%M}–{local_end:%H:%M}"
            marker = day_marker(local_end, local_start.date())
            if marker:
                text += f" ({marker})"
            if local_start.date() != info.date:
                text += f", {format_date(local_start.date(), self.language)}"
            rows.append((self.label("time_in", zone=city_label(name, self.language)), text))
        if state.started_wall:
            started = self.local(state.started_wall)
            actual_start = started.format("HH:mm")
            if started.date() != info.date:
                actual_start += f", {format_date(started.date(), self.language)}"
        else:
            actual_start = self.label("not_started")
        rows.append((self.label("actual_start"), actual_start))
        if state.ended_wall:
            actual_end = self.clock(state.ended_wall)
        else:
            actual_end = self.label("in_progress") if state.started_wall else "—"
        rows.append((self.label("actual_end"), actual_end))
        participants = str(state.participants) if state.participants is not None else self.label("not_recorded")
        rows.append((self.label("participants"), participants))
        if info.platform:
            rows.append((self.label("platform"), info.platform))
        if info.audience:
            rows.append((self.label("audience"), info.audience))
        rows.append((self.label("moderator"), _person(self.programme.moderator)))
        rapporteur = self.programme.rapporteur
        rows.append((self.label("rapporteur"), _rapporteurs(_person(rapporteur) if rapporteur else None, state)))
        blocks: list[Block] = []
        if state.mode == "rehearsal":
            blocks.append(Paragraph((Span(self.label("rehearsal_notice"), SpanStyle.STRONG),)))
        blocks.append(Table((self.label("title"), info.title), tuple(rows)))
        return Section("session", None, tuple(blocks))

    def speakers_section(self) -> Section | None:
        if not self.programme.speakers:
            return None
        header = tuple(self.label(k) for k in ("col_name", "col_role", "col_organization", "col_country", "col_topic"))
        rows = tuple((s.name, s.role, s.organization, s.country, s.topic) for s in self.programme.speakers)
        return Section("speakers", self.label("speakers"), (Table(header, rows),))

    def main_question(self) -> Section | None:
        if not self.info.main_question:
            return None
        return Section("main_question", self.label("main_question"),
                       (Paragraph((Span(self.info.main_question, SpanStyle.STRONG),)),))

    def objectives(self) -> Section | None:
        if not self.info.objectives:
            return None
        items = tuple(Item((Span(text),)) for text in self.info.objectives)
        return Section("objectives", self.label("objectives"), (Bullets(items),))

    def summary(self) -> Section:
        by_person: dict[str, list[Note]] = {}
        by_slot: dict[int, list[Note]] = {}
        for note in self.placed(Landing.SUMMARY):
            if note.speaker:
                by_person.setdefault(note.speaker, []).append(note)
            elif note.segment is not None:
                by_slot.setdefault(note.segment, []).append(note)
        items: list[Item] = []
        for person_id, tag in ((MODERATOR_ID, "moderator_tag"), (RAPPORTEUR_ID, "rapporteur_tag")):
            if person_id in by_person and person_id not in self.speakers:
                spans: tuple[Span, ...] = (Span(self.person_name(person_id), SpanStyle.STRONG),
                                           Span(f" ({self.label(tag)})"))
                items.append(self._person_item(spans, by_person.pop(person_id), person_id))
        for speaker in self.programme.speakers:
            spans = (Span(speaker.name, SpanStyle.STRONG),)
            if speaker.topic:
                spans += (Span(" — "), Span(speaker.topic, SpanStyle.EM))
            items.append(self._person_item(spans, by_person.pop(speaker.id, []), speaker.id))
            for index in sorted(by_slot):  # a shared slot follows its first speaker
                segment = self.segment(index)
                if segment is not None and segment.speaker_ids[:1] == (speaker.id,):
                    items.append(self._slot_item(segment, by_slot.pop(index)))
        for index, notes in sorted(by_slot.items()):  # a slot whose speakers the programme no longer has
            items.append(self._person_item((Span(self.segment_label(index), SpanStyle.STRONG),), notes))
        for unknown, notes in by_person.items():  # a speaker the programme no longer has
            items.append(self._person_item((Span(unknown, SpanStyle.STRONG),), notes))
        if not items:
            return Section("summary", self.label("summary"), self.notes_or_nothing([]))
        return Section("summary", self.label("summary"), (Bullets(tuple(items)),))

    def _slot_item(self, segment: Segment, notes: list[Note]) -> Item:
        """A shared slot's own notes, under every speaker in it (``Kim and Leyton — title``)."""
        names = [self.person_name(sid) for sid in segment.speaker_ids]
        joined = ", ".join(names[:-1]) + f" {self.label('and')} " + names[-1]
        spans: tuple[Span, ...] = (Span(joined, SpanStyle.STRONG),)
        if segment.title:
            spans += (Span(" — "), Span(segment.title, SpanStyle.EM))
        return self._person_item(spans, notes)

    def _person_item(self, spans: tuple[Span, ...], notes: list[Note], person: str | None = None) -> Item:
        """Someone's entry: the summary the review wrote for them first, then their notes."""
        summary = self.state.review_texts.get(f"summary:{person}") if person else None
        nothing = () if summary else (Item((Span(self.label("no_notes"), SpanStyle.EM),)),)
        children = self.note_items(notes, attribute=False) if notes else nothing
        if summary:
            children = (Item((Span(self.label("summary_of"), SpanStyle.STRONG), Span(self.label("colon")),
                              Span(summary))), *children)
        return Item(spans, Bullets(children))

    def discussion(self) -> Section:
        by_question: dict[tuple[str, int], list[Note]] = {}
        for note in self.placed(Landing.QUESTION):
            key = guiding_question(self.programme, note)
            assert key is not None
            by_question.setdefault(key, []).append(note)
        blocks: list[Block] = []
        for round_ in self.programme.rounds:
            items = []
            for index, question in enumerate(round_.questions):
                asked = self.state.asked.get((round_.id, index))
                status = self.label("asked_at", time=self.clock(asked.wall)) if asked else self.label("not_asked")
                notes = by_question.get((round_.id, index), [])
                children = Bullets(self.note_items(notes)) if notes else None
                spans = (Span(question, SpanStyle.STRONG), Span(" "), Span(f"({status})", SpanStyle.EM))
                items.append(Item(spans, children))
            first = self.programme.question_number(round_.id, 0) if round_.questions else 1
            blocks += [Heading(round_.title), Bullets(tuple(items), ordered=True, start=first)]
        loose = self.placed(Landing.DISCUSSION)
        if loose:
            if blocks:
                blocks.append(Heading(self.label("discussion_other")))
            blocks.append(self._by_segment(loose) if len({n.segment for n in loose}) > 1
                          else Bullets(self.note_items(loose)))
        if not blocks:
            blocks = list(self.notes_or_nothing([]))
        return Section("discussion", self.label("discussion"), tuple(blocks))

    def _by_segment(self, notes: list[Note]) -> Bullets:
        groups: dict[int | None, list[Note]] = {}
        for note in notes:
            groups.setdefault(note.segment, []).append(note)
        order = sorted(groups, key=lambda index: -1 if index is None else index)
        return Bullets(tuple(
            Item((Span(self.segment_label(index), SpanStyle.STRONG),), Bullets(self.note_items(groups[index])))
            for index in order
        ))

    def groups(self) -> Section | None:
        """One entry per break-out group, with its notes; a section only when a break-out has groups."""
        breakouts = [s for s in self.programme.segments if s.kind == "breakout" and s.groups]
        placed = self.placed(Landing.GROUPS)
        if not breakouts and not placed:
            return None
        by_group: dict[tuple[int | None, int], list[Note]] = {}
        for note in placed:
            assert note.group is not None
            by_group.setdefault((note.group_segment, note.group), []).append(note)
        blocks: list[Block] = []
        for segment in breakouts:
            if len(breakouts) > 1:
                blocks.append(Heading(self.segment_label(segment.index)))
            items = []
            for position, name in enumerate(segment.groups):
                notes = by_group.pop((segment.index, position), [])
                spans = (Span(self.label("group_n", n=position + 1), SpanStyle.STRONG), Span(" — "),
                         Span(name, SpanStyle.STRONG))
                items.append(self._person_item(spans, notes))
            blocks.append(Bullets(tuple(items)))
        leftover = [(key, notes) for key, notes in sorted(by_group.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1]))]
        if leftover:  # groups the programme no longer has
            blocks.append(Bullets(tuple(
                self._person_item((Span(self.label("group_n", n=position + 1), SpanStyle.STRONG),), notes)
                for (_, position), notes in leftover)))
        return Section("groups", self.label("breakout_groups"), tuple(blocks))

    def audience(self) -> Section:
        """The audience's marked questions; then what else was said in the Q&A, by whoever answered;
        then the Zoom chat's questions with the participant's name, and its other messages to everyone."""
        chat = self.state.visible_chat()
        questions = [entry for entry in chat if entry.kind == "question"]
        others = [entry for entry in chat if entry.kind != "question"]
        notes = self.placed(Landing.AUDIENCE)
        blocks: list[Block] = []
        if notes or not (questions or others):
            blocks += list(self.notes_or_nothing(notes))
        qa_notes = self.placed(Landing.QA)
        if qa_notes:
            blocks += [Heading(self.label("qa_notes")), Bullets(self.note_items(qa_notes))]
        if questions:
            blocks += [Heading(self.label("chat_questions")), Bullets(tuple(self.chat_item(e) for e in questions))]
        if others:
            blocks += [Heading(self.label("chat_other")), Bullets(tuple(self.chat_item(e) for e in others))]
        webinar = self.state.webinar_questions
        if webinar:
            if not blocks or blocks == list(self.notes_or_nothing([])):
                blocks = []
            blocks += [Heading(self.label("webinar_questions")), Bullets(tuple(self.webinar_item(q) for q in webinar))]
        return Section("audience", self.label("audience_questions"), tuple(blocks))

    def webinar_item(self, question: WebinarEntry) -> Item:
        """``**Ana Pérez**: question — 22:47 (segment)``, its answer below, credited to who answered."""
        spans = [Span(question.asker, SpanStyle.STRONG), Span(self.label("colon")), Span(question.text)]
        if question.at:
            spans += [Span(" — "), Span(self.clock(question.at), SpanStyle.EM)]
        answer: list[Item] = []
        if question.answer or question.live:
            who = self.label("answer_by", name=question.answered_by) if question.answered_by else self.label("answer")
            text = question.answer or self.label("answered_live")
            answer.append(Item((Span(who, SpanStyle.STRONG), Span(self.label("colon")),
                                Span(text, SpanStyle.EM if not question.answer else SpanStyle.PLAIN))))
        return Item(tuple(spans), Bullets(tuple(answer)) if answer else None)

    def polls(self) -> Section | None:
        """Each poll question as a table of its answers, under the segment it was run in."""
        if not self.state.polls:
            return None
        blocks: list[Block] = []
        ordered = sorted(self.state.polls.values(), key=lambda p: (p.at or "", p.poll, p.question))
        for poll in ordered:
            where = f" — {self.segment_label(poll.segment)}" if poll.segment is not None else ""
            spans: tuple[Span, ...] = (Span(poll.poll + where, SpanStyle.STRONG),)
            if poll.at:
                spans += (Span(" "), Span(f"({self.clock(poll.at)})", SpanStyle.EM))
            blocks.append(Paragraph(spans))
            blocks.append(Paragraph((Span(poll.question),)))
            total = sum(count for _, count in poll.answers) or 1
            rows = tuple((answer, str(count), f"{round(100 * count / total)} %") for answer, count in poll.answers)
            blocks.append(Table((self.label("col_answer"), self.label("col_responses"), "%"), rows))
        return Section("polls", self.label("polls"), tuple(blocks))

    def chat_item(self, entry: ChatEntry) -> Item:
        """``**Ana Pérez**: text (replying to “...”) — 22:47``."""
        colon, dash = self._chat_marks
        if not entry.reply_to:  # most messages: one tuple, the marks shared
            return Item((Span(entry.sender, SpanStyle.STRONG), colon, Span(entry.text), dash,
                         Span(self.clock(entry.at), SpanStyle.EM)))
        quote = self.label("quote_open") + entry.reply_to + self.label("quote_close")
        return Item((Span(entry.sender, SpanStyle.STRONG), colon, Span(entry.text), Span(" "),
                     Span(f"({self.label('replying_to', quote=quote)})", SpanStyle.EM), dash,
                     Span(self.clock(entry.at), SpanStyle.EM)))

    def review_section(self, key: str) -> Section | None:
        """The key messages or the way forward, as the rapporteur wrote them in the review (one point a line)."""
        text = self.state.review_texts.get(key)
        if not text:
            return None
        points = [line.strip().removeprefix("- ").strip() for line in text.splitlines() if line.strip()]
        return Section(key, self.label(key), (Bullets(tuple(Item((Span(point),)) for point in points if point)),))

    def after_end(self) -> Section | None:
        notes = self.placed(Landing.AFTER_END)
        if not notes:
            return None
        return Section("after_end", self.label("after_end"), (Bullets(self.note_items(notes)),))

    def simple(self, place: Landing, heading_key: str) -> Section:
        return Section(place, self.label(heading_key), self.notes_or_nothing(self.placed(place)))

    def other_notes(self) -> Section | None:
        notes = self.placed(Landing.OTHER)
        if not notes:
            return None
        return Section("other", self.label("other_notes"), (self._by_segment(notes),))

    def timing(self) -> Section:
        state = self.state
        now = parse_wall(state.last_wall) if state.last_wall else session_start(self.programme)
        snapshot = take_snapshot(self.programme, state, state.last_t, now)
        header = tuple(self.label(k) for k in ("col_number", "col_segment", "col_planned_start", "col_planned",
                                            "col_actual_start", "col_actual", "col_difference"))
        rows = []
        total_actual = 0
        total_difference = 0
        for timing in snapshot.timings:
            actual, actual_cell, difference = self._timing_cells(timing)
            total_actual += actual
            total_difference += difference or 0
            planned = format_duration(timing.planned)
            if timing.allowed != timing.planned:
                planned += f" ({self.label('allowed', duration=format_duration(timing.allowed))})"
            rows.append((
                str(timing.index + 1), timing.segment.title,
                timing.planned_start.in_timezone(self.tz).format("HH:mm"), planned,
                self.clock(timing.actual_start), actual_cell,
                format_duration(difference, signed=True) if difference is not None else "—",
            ))
        total = self.label("total" if state.status is Status.ENDED else "total_so_far")
        rows.append(("", total, "", format_duration(self.programme.total_duration), "",
                     format_duration(total_actual), format_duration(total_difference, signed=True)))
        lines: list[Item] = [self._line("planned_end", self.clock_at(snapshot.planned_end))]
        if state.status is not Status.NOT_STARTED:
            offset = whole_seconds(snapshot.offset)
            end = snapshot.projected_end
            if state.status is Status.ENDED:  # to the second, as ``moderator timing`` says it
                ended, end_offset = end_of_run(self.programme, state)
                end, offset = ended or end, end_offset if end_offset is not None else offset
            if offset > 0:
                verdict = self.label("behind", duration=format_duration(offset))
            elif offset < 0:
                verdict = self.label("ahead", duration=format_duration(-offset))
            else:
                verdict = self.label("on_time")
            key = "actual_end" if state.status is Status.ENDED else "projected_end"
            when = self.clock_at(end, seconds=state.status is Status.ENDED)
            lines.append(self._line(key, f"{when} — {verdict}"))
        pauses = sum(actual.pauses for actual in state.segments)
        if pauses:
            paused = sum(actual.paused_seconds for actual in state.segments)
            lines.append(self._line("pauses", f"{pauses} ({format_duration(whole_seconds(paused))})"))
        blocks: tuple[Block, ...] = (
            Paragraph((Span(self.label("times_in", zone=self.zone_description())),)),
            Table(header, tuple(rows)),
            Bullets(tuple(lines)),
        )
        return Section("timing", self.label("timing"), blocks + self.speaking() + self.stage_signals())

    def speaking(self) -> tuple[Block, ...]:
        """Who held the floor: stage time per speaker, and with a transcript, speaking time in discussions."""
        times = speaking_times(self.programme, self.state)
        if not times:
            return ()
        with_transcript = any(t.in_discussion is not None for t in times)
        header: tuple[str, ...] = (self.label("col_name"), self.label("col_on_stage"))
        if with_transcript:
            header += (self.label("col_in_discussion"),)
        rows = []
        for time in times:
            row: tuple[str, ...] = (time.name, format_duration(time.on_stage) if time.on_stage else "—")
            if with_transcript:
                row += (format_duration(time.in_discussion) if time.in_discussion else "—",)
            rows.append(row)
        return (Paragraph((Span(self.label("speaking_time"), SpanStyle.STRONG),)), Table(header, tuple(rows)))

    def stage_signals(self) -> tuple[Block, ...]:
        """When the speakers were signalled on their stage view (key m, the HTTP API): only if they were."""
        signals = self.state.stage_signals
        if not signals:
            return ()
        items = []
        for signal in signals:
            if signal.kind == "message_shown":
                what = self.label("signal_message", text=signal.text or "")
            elif signal.kind == "message_cleared":
                what = self.label("signal_cleared")
            else:
                what = self.label(f"signal_{signal.kind}" + ("" if signal.on else "_off"))
            where = self.segment_label(signal.segment) if signal.segment is not None else ""
            items.append(Item((Span(self.clock(signal.wall, seconds=True), SpanStyle.STRONG),
                               Span(f" {what}" + (f" — {where}" if where else "")))))
        return (Paragraph((Span(self.label("signals"), SpanStyle.STRONG),)), Bullets(tuple(items)))

    def _timing_cells(self, timing: SegmentTiming) -> tuple[int, str, int | None]:
        """The actual seconds counted in the total, the actual cell, and the difference counted (or none).

        One rounding rule (``whole_seconds``) for every measured value, and totals that are the
        sums of the cells: a skipped segment took 0 s of its planned time (its difference is minus
        its plan), a segment not reached yet or still under its time counts nothing yet.
        """
        if timing.status is SegmentStatus.SKIPPED:
            return 0, self.label("status_skipped"), -timing.planned
        if timing.status is SegmentStatus.UPCOMING:
            return 0, self.label("status_upcoming"), None
        actual = whole_seconds(timing.actual)
        cell = format_duration(actual)
        if timing.status is SegmentStatus.CURRENT:
            cell += f" ({self.label('status_current')})"
            if actual <= timing.planned:  # not over yet: nothing to count
                return actual, cell, None
        return actual, cell, actual - timing.planned

    def _line(self, key: str, value: str) -> Item:
        return Item((Span(self.label(key), SpanStyle.STRONG), Span(self.label("colon") + value)))

    def screenshots(self) -> Section:
        items = []
        for segment in self.programme.segments:
            for index, cue in enumerate(segment.cues):
                if not _PHOTO_CUE.search(cue):
                    continue
                ticked = self.state.cues.get((segment.index, index))
                status = self.label("cue_done", time=self.clock(ticked)) if ticked else self.label("cue_not_done")
                items.append(Item((Span(cue), Span(" — "), Span(status, SpanStyle.EM))))
        blocks: list[Block] = [Paragraph((Span(self.label("screenshots_reminder")),))]
        blocks.append(Bullets(tuple(items)) if items else Paragraph((Span(self.label("no_photo_cue"), SpanStyle.EM),)))
        return Section("screenshots", self.label("screenshots"), tuple(blocks))

    def footer(self) -> str:
        state = self.state
        key = "footer_final" if state.status is Status.ENDED else "footer_live"
        if state.final:
            key = "footer_reviewed"
        when = self.clock(state.last_wall, seconds=True) if state.last_wall else "—"
        return self.label(key, events=state.events, time=when)


@dataclass
class _Node:
    """A note on its way to being a bullet, gathering its sub-points."""

    level: int
    spans: tuple[Span, ...]
    children: list[_Node]

    def item(self) -> Item:
        return Item(self.spans, Bullets(tuple(c.item() for c in self.children)) if self.children else None)


def _person(person: Person) -> str:
    """``Dara Huot — Chief Executive, Phare Performing Social Enterprise``."""
    details = ", ".join(part for part in (person.role, person.organization) if part)
    return f"{person.name} — {details}" if details else person.name


def _rapporteurs(planned: str | None, state: State) -> str:
    """The programme's rapporteur, then whoever else wrote notes from a seat (``join --name``), in the
    order they first wrote: the report credits the people who took the notes."""
    names: list[str] = [planned] if planned else []
    for note in state.visible_notes():
        if note.author and note.author not in names and (planned is None or note.author not in planned):
            names.append(note.author)
    return ", ".join(names) or "—"
