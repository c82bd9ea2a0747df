"""The rapporteur's report: a pure function of the programme and the session's state.

``build_report`` lays the report out once, as a small document model (sections of
headings, tables, paragraphs and nested bullet lists holding plain text), in the session's
language; ``render_report`` turns that model into Markdown, HTML or JSON. The layout follows
the organizers' own report format (seed 004: header table, moderator, speakers, main
question, summary of presentations, screenshots) and completes it with the discussion,
the audience's questions, closing remarks, actions, and timing.

Pure: "now" is the state's last event, so the same programme and state give the same text,
byte for byte; that is what lets ``moderator report JOURNAL`` reproduce the live file.

Every note that is not deleted appears exactly once, in the first place that fits:
an action -> actions; a question or anything said in a Q&A segment -> questions from the
audience; a closing segment -> closing remarks; a guiding question or a discussion segment
-> discussion; a speaker or the moderator -> summary of presentations; else -> other notes.

Note text is text: the renderers escape it (and speaker names, and programme text) so that
nothing a rapporteur types can change the document's structure.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pendulum

from moderator.programme.durations import format_duration
from moderator.programme.loading import Person, Programme, Segment
from moderator.programme.plan import day_marker, planned_end, session_start
from moderator.programme.zones import short_zone_label, zone
from moderator.report.labels import LABELS
from moderator.session.notes import MODERATOR_ID
from moderator.session.snapshot import SegmentStatus, SegmentTiming, take_snapshot
from moderator.session.state import Note, State, Status

FORMATS = ("md", "html", "json")
JSON_FORMAT_VERSION = 1

PLAIN, STRONG, EM, QUOTE = "plain", "strong", "em", "quote"
_PHOTO_CUE = re.compile(r"photo|foto|v[ií]d[eé]o|screen\s*shot|captur", re.IGNORECASE)
"""A cue about the group photo or screenshots (English, Spanish, French)."""

# ----------------------------------------------------------------------------- the document model


@dataclass(frozen=True)
class Span:
    """A run of text in one style: ``plain``, ``strong``, ``em`` or ``quote`` (marks included)."""

    text: str
    style: str = PLAIN


@dataclass(frozen=True)
class Item:
    spans: tuple[Span, ...]
    children: Bullets | None = None


@dataclass(frozen=True)
class Bullets:
    items: tuple[Item, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 3


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Paragraph | Table | Bullets


@dataclass(frozen=True)
class Section:
    id: str
    """Stable across languages: ``session``, ``speakers``, ``summary``, ``discussion``..."""
    heading: str | None
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ReportDocument:
    language: str
    title: str
    sections: tuple[Section, ...]
    footer: str

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)


# ----------------------------------------------------------------------------- building


def build_report(programme: Programme, state: State) -> ReportDocument:
    """Lay the report out in the session's language; pure (time comes only from ``state``)."""
    return _Builder(programme, state).document()


def render_report(programme: Programme, state: State, fmt: str = "md") -> str:
    """The report as Markdown (``md``), a standalone HTML page (``html``) or ``json``."""
    if fmt not in _RENDERERS:
        raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    return _RENDERERS[fmt](build_report(programme, state))


def format_date(date: dt.date, language: str) -> str:
    """``8 October 2021``, ``7 de octubre de 2021``, ``1er octobre 2021``."""
    labels = LABELS[language]
    text = pendulum.date(date.year, date.month, date.day).format(labels["date_format"], locale=language)
    if language == "fr" and date.day == 1:
        text = "1er" + text[1:]
    return text


class _Builder:
    def __init__(self, programme: Programme, state: State) -> None:
        self.programme = programme
        self.state = state
        self.info = programme.session
        self.language = self.info.language if self.info.language in LABELS else "en"
        self.labels = LABELS[self.language]
        self.zone_name = self.info.timezone
        self.tz = zone(self.zone_name)
        self.speakers = {s.id: s for s in programme.speakers}
        self.rounds = {r.id: r for r in programme.rounds}
        self.notes = sorted(state.visible_notes(), key=lambda n: n.id)
        self.places = {note.id: self._place(note) for note in self.notes}
        # the day times are read against: the day it ran (a rehearsal's own), else the planned one
        self.day = self.local(state.started_wall).date() if state.started_wall else self.info.date

    # -- small helpers

    def label(self, key: str, **values: object) -> str:
        text = self.labels[key]
        return text.format(**values) if values else text

    def local(self, wall: str) -> pendulum.DateTime:
        return pendulum.parse(wall).in_timezone(self.tz)  # type: ignore[union-attr]

    def clock(self, wall: str | None, *, seconds: bool = False) -> str:
        """A journal time as ``HH:mm`` in the session's zone (``—`` for none)."""
        return self.clock_at(self.local(wall), seconds=seconds) if wall else "—"

    def clock_at(self, moment: pendulum.DateTime, *, seconds: bool = False) -> str:
        """``HH:mm``, with the date when it is not the day the session ran (or was planned)."""
        moment = moment.in_timezone(self.tz)
        text = moment.format("HH:mm:ss" if seconds else "HH:mm")
        if moment.date() != self.day:
            text += f" ({format_date(moment.date(), self.language)})"
        return text

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
        return person_id

    def note_spans(self, note: Note, *, attribute: bool = True) -> tuple[Span, ...]:
        if note.kind == "quote":
            body = Span(self.label("quote_open") + note.text.strip() + self.label("quote_close"), QUOTE)
        else:
            body = Span(note.text)
        if not attribute or not note.speaker:
            return (body,)
        name = self.person_name(note.speaker)
        if note.kind == "question":  # asked by the audience, to someone
            return (body, Span(" "), Span(self.label("question_for", name=name), EM))
        return (Span(name, STRONG), Span(self.label("colon")), body)

    def note_items(self, notes: Iterable[Note], *, attribute: bool = True) -> tuple[Item, ...]:
        return tuple(Item(self.note_spans(note, attribute=attribute)) for note in notes)

    def notes_or_nothing(self, notes: list[Note], *, attribute: bool = True) -> tuple[Block, ...]:
        if not notes:
            return (Paragraph((Span(self.label("no_notes"), EM),)),)
        return (Bullets(self.note_items(notes, attribute=attribute)),)

    def placed(self, place: str) -> list[Note]:
        return [note for note in self.notes if self.places[note.id] == place]

    def _place(self, note: Note) -> str:
        """Where a note goes: exactly one section, so none is lost and none is repeated."""
        segment = self.segment(note.segment)
        kind = segment.kind if segment is not None else None
        if note.kind == "action":
            return "actions"
        if note.kind == "question" or kind == "qa":
            return "audience"
        if kind == "closing":
            return "closing"
        if self._question_of(note) is not None:
            return "question"
        if kind == "discussion":
            return "discussion"
        if note.speaker:
            return "summary"
        return "other"

    def _question_of(self, note: Note) -> tuple[str, int] | None:
        if note.question is None:
            return None
        round_id, index = note.question
        round_ = self.rounds.get(round_id)
        if round_ is None or not 0 <= index < len(round_.questions):
            return None  # the programme changed since: the note goes by its segment
        return round_id, index

    # -- the document

    def document(self) -> ReportDocument:
        sections = [
            self.header(),
            self.speakers_section(),
            self.main_question(),
            self.objectives(),
            self.summary(),
            self.discussion(),
            self.simple("audience", "audience_questions"),
            self.simple("closing", "closing"),
            self.simple("actions", "actions"),
            self.other_notes(),
            self.timing(),
            self.screenshots(),
        ]
        return ReportDocument(
            language=self.language,
            title=self.label("report_title"),
            sections=tuple(s for s in sections if s is not None),
            footer=self.footer(),
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
            rows.append((self.label("time_in", zone=short_zone_label(name)), text))
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
        rows.append((self.label("rapporteur"), _person(rapporteur) if rapporteur else "—"))
        blocks: list[Block] = []
        if state.mode == "rehearsal":
            blocks.append(Paragraph((Span(self.label("rehearsal_notice"), STRONG),)))
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
                       (Paragraph((Span(self.info.main_question, STRONG),)),))

    def objectives(self) -> Section | None:
        if not self.info.objectives:
            return None
        items = tuple(Item((Span(text),)) for text in self.info.objectives)
        return Section("objectives", self.label("objectives"), (Bullets(items),))

    def summary(self) -> Section:
        by_person: dict[str, list[Note]] = {}
        for note in self.placed("summary"):
            by_person.setdefault(note.speaker or "", []).append(note)
        items: list[Item] = []
        moderator = self.programme.moderator
        if MODERATOR_ID in by_person and MODERATOR_ID not in self.speakers:
            spans = (Span(moderator.name, STRONG), Span(f" ({self.label('moderator_tag')})"))
            items.append(self._person_item(spans, by_person.pop(MODERATOR_ID)))
        for speaker in self.programme.speakers:
            spans = (Span(speaker.name, STRONG),)
            if speaker.topic:
                spans += (Span(" — "), Span(speaker.topic, EM))
            items.append(self._person_item(spans, by_person.pop(speaker.id, [])))
        for unknown, notes in by_person.items():  # a speaker the programme no longer has
            items.append(self._person_item((Span(unknown, STRONG),), notes))
        if not items:
            return Section("summary", self.label("summary"), self.notes_or_nothing([]))
        return Section("summary", self.label("summary"), (Bullets(tuple(items)),))

    def _person_item(self, spans: tuple[Span, ...], notes: list[Note]) -> Item:
        nothing = (Item((Span(self.label("no_notes"), EM),)),)
        children = self.note_items(notes, attribute=False) if notes else nothing
        return Item(spans, Bullets(children))

    def discussion(self) -> Section:
        by_question: dict[tuple[str, int], list[Note]] = {}
        for note in self.placed("question"):
            key = self._question_of(note)
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
                items.append(Item((Span(question, STRONG), Span(" "), Span(f"({status})", EM)), children))
            blocks += [Heading(round_.title), Bullets(tuple(items), ordered=True)]
        loose = self.placed("discussion")
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
            Item((Span(self.segment_label(index), STRONG),), Bullets(self.note_items(groups[index])))
            for index in order
        ))

    def simple(self, place: str, heading_key: str) -> Section:
        return Section(place, self.label(heading_key), self.notes_or_nothing(self.placed(place)))

    def other_notes(self) -> Section | None:
        notes = self.placed("other")
        if not notes:
            return None
        return Section("other", self.label("other_notes"), (self._by_segment(notes),))

    def timing(self) -> Section:
        state = self.state
        now = pendulum.parse(state.last_wall) if state.last_wall else session_start(self.programme)
        snapshot = take_snapshot(self.programme, state, state.last_t, now)  # type: ignore[arg-type]
        header = tuple(self.label(k) for k in ("col_number", "col_segment", "col_planned_start", "col_planned",
                                            "col_actual_start", "col_actual", "col_difference"))
        rows = []
        total_actual = 0.0
        total_difference = 0.0
        for timing in snapshot.timings:
            actual_cell, difference_cell, difference = self._timing_cells(timing)
            total_actual += timing.actual
            total_difference += difference
            planned = format_duration(timing.planned)
            if timing.allowed != timing.planned:
                planned += f" ({self.label('allowed', duration=format_duration(timing.allowed))})"
            rows.append((
                str(timing.index + 1), timing.segment.title,
                timing.planned_start.in_timezone(self.tz).format("HH:mm"), planned,
                self.clock(timing.actual_start), actual_cell, difference_cell,
            ))
        rows.append(("", self.label("total"), "", format_duration(self.programme.total_duration), "",
                     format_duration(total_actual), format_duration(total_difference, signed=True)))
        lines: list[Item] = [self._line("planned_end", self.clock_at(snapshot.planned_end))]
        if state.status is not Status.NOT_STARTED:
            offset = round(snapshot.offset)
            if offset > 0:
                verdict = self.label("behind", duration=format_duration(offset))
            elif offset < 0:
                verdict = self.label("ahead", duration=format_duration(-offset))
            else:
                verdict = self.label("on_time")
            key = "actual_end" if state.status is Status.ENDED else "projected_end"
            lines.append(self._line(key, f"{self.clock_at(snapshot.projected_end)} — {verdict}"))
        pauses = sum(actual.pauses for actual in state.segments)
        if pauses:
            paused = sum(actual.paused_seconds for actual in state.segments)
            lines.append(self._line("pauses", f"{pauses} ({format_duration(paused)})"))
        blocks: tuple[Block, ...] = (
            Paragraph((Span(self.label("times_in", zone=self.zone_name)),)),
            Table(header, tuple(rows)),
            Bullets(tuple(lines)),
        )
        return Section("timing", self.label("timing"), blocks)

    def _timing_cells(self, timing: SegmentTiming) -> tuple[str, str, float]:
        """The actual and difference cells, and the overrun counted in the total."""
        if timing.status is SegmentStatus.SKIPPED:
            return self.label("status_skipped"), "—", 0.0
        if timing.status is SegmentStatus.UPCOMING:
            return self.label("status_upcoming"), "—", 0.0
        actual = format_duration(timing.actual)
        if timing.status is SegmentStatus.CURRENT:
            actual += f" ({self.label('status_current')})"
            if timing.overrun <= 0:  # not over yet: nothing to count
                return actual, "—", 0.0
        return actual, format_duration(timing.overrun, signed=True), timing.overrun

    def _line(self, key: str, value: str) -> Item:
        return Item((Span(self.label(key), STRONG), Span(self.label("colon") + value)))

    def screenshots(self) -> Section:
        items = []
        for segment in self.programme.segments:
            for index, cue in enumerate(segment.cues):
                if not _PHOTO_CUE.search(cue):
                    continue
                ticked = self.state.cues.get((segment.index, index))
                status = self.label("cue_done", time=self.clock(ticked)) if ticked else self.label("cue_not_done")
                items.append(Item((Span(cue), Span(" — "), Span(status, EM))))
        blocks: list[Block] = [Paragraph((Span(self.label("screenshots_reminder")),))]
        blocks.append(Bullets(tuple(items)) if items else Paragraph((Span(self.label("no_photo_cue"), EM),)))
        return Section("screenshots", self.label("screenshots"), tuple(blocks))

    def footer(self) -> str:
        state = self.state
        key = "footer_final" if state.status is Status.ENDED else "footer_live"
        when = self.clock(state.last_wall, seconds=True) if state.last_wall else "—"
        return self.label(key, events=state.events, time=when)


def _person(person: Person) -> str:
    """``Dara Huot — Chief Executive, Phare Performing Social Enterprise``."""
    details = ", ".join(part for part in (person.role, person.organization) if part)
    return f"{person.name} — {details}" if details else person.name


# ----------------------------------------------------------------------------- Markdown

_MD_PUNCTUATION = re.compile(r"[\\`*_\[\]<|~]")
"""Inline Markdown: code, emphasis, links, HTML and autolinks, table cells, strikethrough."""
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_MD_LEADING = re.compile(r"^(?:[-+=#>]|\d+(?=[.)]))")
"""What starts a block when it begins a line: list items, setext underlines, headings, quotes."""
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_BREAK = "\x00"
"""Stands for a line break inside a bullet until the renderer knows the item's indentation."""


def _lines(text: str) -> list[str]:
    """The text's non-blank lines, without indentation; tabs and control characters become spaces."""
    lines = []
    for line in text.splitlines():
        line = _CONTROL.sub(" ", line).strip(" \t")
        if line:
            lines.append(line)
    return lines


def _layout(text: str) -> tuple[str, str, str]:
    """A span's leading space, body and trailing space (``" — "``, ``": "`` are layout, kept as one space)."""
    body = text.strip(" ")
    lead = " " if text[:1] == " " else ""
    trail = " " if body and text[-1:] == " " else ""
    return lead, body, trail


def _md_escape_line(line: str, *, leading: bool = True) -> str:
    line = _MD_PUNCTUATION.sub(lambda m: "\\" + m.group(0), line)
    line = _MD_ENTITY.sub(r"\\&", line)
    if not leading:
        return line
    return _MD_LEADING.sub(lambda m: m.group(0) + "\\" if m.group(0).isdigit() else "\\" + m.group(0), line)


def md_escape(text: str, *, multiline: bool = False) -> str:
    """Markdown for literal ``text``: punctuation escaped, no line able to start a block.

    A single-line context (heading, bold name) joins lines with `` / ``; ``multiline``
    keeps them as hard line breaks inside the same bullet or paragraph.
    """
    separator = _BREAK if multiline else " / "
    return separator.join(_md_escape_line(line) for line in _lines(text))


def _md_heading(text: str) -> str:
    """A heading's text: as ``md_escape``, and no ``#`` can close it early."""
    return " / ".join(_md_escape_line(line, leading=False).replace("#", "\\#") for line in _lines(text))


def _md_cell(text: str) -> str:
    """A table cell: inline escapes only (a cell cannot start a block), lines joined with `` / ``."""
    return " / ".join(_md_escape_line(line, leading=False) for line in _lines(text))


def _md_spans(spans: tuple[Span, ...]) -> str:
    out = []
    for span in spans:
        if span.style == STRONG or span.style == EM:
            text = _md_cell(span.text.strip())  # after ** or *, a line's start is no block
            if text:
                mark = "**" if span.style == STRONG else "*"
                out.append(f"{mark}{text}{mark}")
        else:
            lead, body, trail = _layout(span.text)
            out.append(lead + md_escape(body, multiline=True) + trail)
    return "".join(out).strip(" ")


def _md_block(block: Block, out: list[str]) -> None:
    if isinstance(block, Heading):
        out.append(f"{'#' * block.level} {_md_heading(block.text)}")
    elif isinstance(block, Paragraph):
        out.append(_md_spans(block.spans).replace(_BREAK, "\\\n"))
    elif isinstance(block, Table):
        out.append("| " + " | ".join(_md_cell(c) for c in block.header) + " |")
        out.append("|" + "|".join("---" for _ in block.header) + "|")
        for row in block.rows:
            out.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
    else:
        _md_list(block, "", out)


def _md_list(bullets: Bullets, indent: str, out: list[str]) -> None:
    for number, item in enumerate(bullets.items, start=1):
        marker = f"{number}. " if bullets.ordered else "- "
        inner = indent + " " * len(marker)
        out.append(indent + marker + _md_spans(item.spans).replace(_BREAK, "\\\n" + inner))
        if item.children is not None:
            _md_list(item.children, inner, out)


def render_markdown(document: ReportDocument) -> str:
    out = [f"# {_md_heading(document.title)}", ""]
    for section in document.sections:
        if section.heading:
            out += [f"## {_md_heading(section.heading)}", ""]
        for block in section.blocks:
            _md_block(block, out)
            out.append("")
    out.append(f"*{md_escape(document.footer)}*")
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- HTML

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #bbb; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #eee; }
footer { margin-top: 2rem; color: #555; }
""".strip()


def _html_text(text: str) -> str:
    return "<br>".join(html.escape(line) for line in _lines(text))


def _html_spans(spans: tuple[Span, ...]) -> str:
    out = []
    for span in spans:
        lead, text, trail = _layout(span.text)
        body = _html_text(text)
        if span.style == STRONG:
            body = f"<strong>{body}</strong>"
        elif span.style == EM:
            body = f"<em>{body}</em>"
        elif span.style == QUOTE:
            body = f'<span class="quote">{body}</span>'
        out.append(lead + body + trail)
    return "".join(out).strip(" ")


def _html_list(bullets: Bullets, out: list[str]) -> None:
    tag = "ol" if bullets.ordered else "ul"
    out.append(f"<{tag}>")
    for item in bullets.items:
        if item.children is None:
            out.append(f"<li>{_html_spans(item.spans)}</li>")
        else:
            out.append(f"<li>{_html_spans(item.spans)}")
            _html_list(item.children, out)
            out.append("</li>")
    out.append(f"</{tag}>")


def _html_block(block: Block, out: list[str]) -> None:
    if isinstance(block, Heading):
        out.append(f"<h{block.level}>{_html_text(block.text)}</h{block.level}>")
    elif isinstance(block, Paragraph):
        out.append(f"<p>{_html_spans(block.spans)}</p>")
    elif isinstance(block, Table):
        out.append("<table>")
        out.append("<thead><tr>" + "".join(f"<th>{_html_text(c)}</th>" for c in block.header) + "</tr></thead>")
        out.append("<tbody>")
        for row in block.rows:
            out.append("<tr>" + "".join(f"<td>{_html_text(c)}</td>" for c in row) + "</tr>")
        out.append("</tbody>")
        out.append("</table>")
    else:
        _html_list(block, out)


def render_html(document: ReportDocument) -> str:
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(document.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_html_text(document.title)}</title>",
        f"<style>\n{_STYLE}\n</style>",
        "</head>",
        "<body>",
        f"<h1>{_html_text(document.title)}</h1>",
    ]
    for section in document.sections:
        out.append(f'<section id="{section.id}">')
        if section.heading:
            out.append(f"<h2>{_html_text(section.heading)}</h2>")
        for block in section.blocks:
            _html_block(block, out)
        out.append("</section>")
    out += [f"<footer><p><em>{_html_text(document.footer)}</em></p></footer>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- JSON


def _json_spans(spans: tuple[Span, ...]) -> list[dict[str, str]]:
    return [{"text": span.text, "style": span.style} for span in spans]


def _json_list(bullets: Bullets) -> dict[str, Any]:
    items = []
    for item in bullets.items:
        entry: dict[str, Any] = {"spans": _json_spans(item.spans)}
        if item.children is not None:
            entry["list"] = _json_list(item.children)
        items.append(entry)
    return {"type": "list", "ordered": bullets.ordered, "items": items}


def _json_block(block: Block) -> dict[str, Any]:
    if isinstance(block, Heading):
        return {"type": "heading", "level": block.level, "text": block.text}
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "spans": _json_spans(block.spans)}
    if isinstance(block, Table):
        return {"type": "table", "header": list(block.header), "rows": [list(row) for row in block.rows]}
    return _json_list(block)


def render_json(document: ReportDocument) -> str:
    data = {
        "format": "moderator-report",
        "version": JSON_FORMAT_VERSION,
        "language": document.language,
        "title": document.title,
        "sections": [
            {"id": s.id, "heading": s.heading, "blocks": [_json_block(b) for b in s.blocks]}
            for s in document.sections
        ],
        "footer": document.footer,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


_RENDERERS: dict[str, Callable[[ReportDocument], str]] = {
    "md": render_markdown,
    "html": render_html,
    "json": render_json,
}
