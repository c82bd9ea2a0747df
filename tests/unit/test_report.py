"""The report as a function: where each note goes, languages, escaping, formats, purity.

Escaping is checked with a real Markdown parser (markdown-it-py, which rich already
brings): whatever a rapporteur types, the parsed document has the same blocks and no new
inline markup as with a plain note, and the text reads back exactly as typed.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import string
from html.parser import HTMLParser
from typing import Any

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from unit.test_report_golden import SCENARIOS

from moderator.programme import Programme, parse_programme
from moderator.report import FORMATS, TEXT_FORMATS, build_report, format_date, render_report, render_report_bytes
from moderator.report.labels import LABELS
from moderator.report.layout_json import render_layout_json
from moderator.session.clock import FakeClock
from moderator.session.engine import Engine
from moderator.session.events import decode
from moderator.session.state import State, apply

START = pendulum.datetime(2021, 10, 8, 9, 0, tz="UTC")

PROGRAMME = """
[session]
title = "{title}"
date = 2021-10-08
start = "18:00"
timezone = "Asia/Seoul"
also_show = ["UTC"]
language = "{language}"

[moderator]
name = "{moderator}"

[[speaker]]
id = "kim"
name = "{speaker}"
topic = "Networks"

[[round]]
id = "r1"
title = "{round_title}"
questions = ["{question}", "Second question"]

[[segment]]
kind = "check"
title = "Check"
duration = "1m"

[[segment]]
kind = "speaker"
speaker = "kim"
title = "{segment_title}"
duration = "10m"

[[segment]]
kind = "discussion"
title = "Discussion"
duration = "10m"

[[segment]]
kind = "qa"
title = "Q&A"
duration = "5m"

[[segment]]
kind = "closing"
title = "Closing"
duration = "5m"
cues = ["Take the group photo"]
"""

DEFAULTS = {
    "title": "Test session", "moderator": "Dara Huot", "speaker": "Young Kim", "round_title": "Round one",
    "question": "First question", "segment_title": "Kim on networks", "language": "en",
}
CHECK, KIM, DISCUSSION, QA, CLOSING = range(5)


def toml_string(text: str) -> str:
    """``text`` as the inside of a TOML basic string."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def programme(**fields: str) -> Programme:
    values = {**DEFAULTS, **{k: toml_string(v) for k, v in fields.items()}}
    return parse_programme(PROGRAMME.format(**values).encode("utf-8"), "test.toml")


def started(prog: Programme, segment: int = KIM) -> tuple[Engine, FakeClock]:
    clock = FakeClock(START)
    engine = Engine.create(prog, clock, None)
    engine.start()
    clock.advance(60)
    if segment:
        engine.goto(segment)
        clock.advance(30)
    return engine, clock


def raw_note(state: State, text: str, *, kind: str = "note", segment: int | None = KIM,
             speaker: str | None = "kim", question: list[Any] | None = None) -> int:
    """Log a note with exactly this text (bypassing what ``parse_note`` would understand)."""
    note_id = state.next_note_id
    apply(state, decode({"type": "note_added", "t": state.last_t + 1, "wall": state.last_wall, "id": note_id,
                  "text": text, "kind": kind, "segment": segment, "speaker": speaker, "question": question}))
    return note_id


# ----------------------------------------------------------------------------- Markdown structure

MARKDOWN = MarkdownIt("commonmark").enable("table").enable("strikethrough")
_ALLOWED_INLINE = {"text", "hardbreak", "softbreak"}


def structure(markdown: str) -> list[tuple[Any, ...]]:
    """Block tokens, and the markup inside each paragraph/heading/cell (text itself left out)."""
    shape: list[tuple[Any, ...]] = []
    for token in MARKDOWN.parse(markdown):
        if token.type == "inline":
            shape.append(("inline", tuple(c.type for c in token.children or () if c.type not in _ALLOWED_INLINE)))
        else:
            shape.append((token.type, token.tag, token.level))
    return shape


def visible_text(markdown: str) -> str:
    """What a reader sees: inline text with line breaks, blocks separated by newlines."""
    parts = []
    for token in MARKDOWN.parse(markdown):
        if token.type != "inline":
            continue
        for child in token.children or ():
            if child.type in ("hardbreak", "softbreak"):
                parts.append("\n")
            elif child.content:
                parts.append(child.content)
        parts.append("\n")
    return "".join(parts)


def normalized_lines(text: str) -> list[str]:
    """The report's reading of typed text: non-blank lines, trimmed, control characters as spaces."""
    lines = [re.sub(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", " ", line).strip() for line in text.splitlines()]
    return [line for line in lines if line]  # (a parser may also trim no-break spaces at the ends)


DANGEROUS = [
    "pipe | in | the text",
    "# not a heading",
    "###### not a heading either ##",
    "ends with hashes ##",
    "*not emphasis* and **not bold**",
    "_not emphasis_ and __not bold__",
    "<b>not html</b> <script>alert(1)</script>",
    "<!-- not a comment -->",
    "<https://not.an.autolink>",
    "`not code` and ``neither``",
    "```\nnot a fence\n```",
    "~~~\nnot a fence\n~~~",
    "~~not struck~~",
    "[not a link](https://example.org) and ![not an image](x.png)",
    "[ref]: https://example.org",
    "- not a list item",
    "+ not a list item",
    "* not a list item",
    "1. not a numbered item",
    "2) not a numbered item",
    "> not a quote",
    "---",
    "***",
    "___",
    "===",
    "a line\n---",
    "a line\n===",
    "first line\nsecond line",
    "blank lines\n\n\nin between",
    "continued\n- item\n# heading\n> quote\n1. one\n    code\n| a | b |\n|---|---|",
    "| a | b |\n|---|---|\n| c | d |",
    "    indented like code",
    "\ttabbed",
    "trailing backslash \\",
    "back\\slash and \\*escaped\\*",
    "entities &amp; &#35; &copy; stay as typed",
    "hard break by spaces   \nnext",
    "windows\r\nline\r\nends",
    "unicode\u2028line\u2029separators",
    "controls \x00 \x07 \x1b[31m red",
    "«guillemets» and “quotes”",
    "\u00a0- leading no-break space",
]


@pytest.mark.parametrize("text", DANGEROUS)
@pytest.mark.parametrize("kind", ["note", "quote", "action"])
def test_nothing_typed_in_a_note_changes_the_markdown_structure(text: str, kind: str) -> None:
    prog = programme()
    engine, _ = started(prog)
    baseline_state = copy.deepcopy(engine.state)
    raw_note(baseline_state, "plain words", kind=kind)
    raw_note(engine.state, text, kind=kind)
    baseline = render_report(prog, baseline_state)
    report = render_report(prog, engine.state)
    assert structure(report) == structure(baseline)
    shown = visible_text(report)
    assert "\n".join(normalized_lines(text)) in shown


@pytest.mark.parametrize("text", DANGEROUS)
@pytest.mark.parametrize("field", ["title", "moderator", "speaker", "round_title", "question", "segment_title"])
def test_nothing_in_programme_text_changes_the_markdown_structure(text: str, field: str) -> None:
    prog, baseline_prog = programme(**{field: text}), programme(**{field: "Plain words"})
    engine, _ = started(prog)
    raw_note(engine.state, "a note", speaker=None, segment=DISCUSSION, question=["r1", 0])
    raw_note(engine.state, "a remark", speaker="moderator", segment=None)
    apply(engine.state, decode({"type": "question_asked", "t": engine.state.last_t,
                                "wall": engine.state.last_wall, "round": "r1", "index": 0}))
    report = render_report(prog, engine.state)
    baseline = render_report(baseline_prog, engine.state)
    assert structure(report) == structure(baseline)
    shown = visible_text(report)
    assert " / ".join(normalized_lines(text)) in shown  # single-line places (cells, names) join lines


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=string.ascii_letters[:6] + "0123456789 \t\n\\`*_[](){}<>#+-=.!|~&;:\"'>\r", max_size=40))
def test_any_text_keeps_the_structure_and_reads_back_as_typed(text: str) -> None:
    prog = programme()
    engine, _ = started(prog)
    baseline_state = copy.deepcopy(engine.state)
    raw_note(baseline_state, "plain")
    raw_note(engine.state, text)
    report = render_report(prog, engine.state)
    if not normalized_lines(text):
        return  # nothing visible to show; structure may lose the note's bullet text only
    assert structure(report) == structure(render_report(prog, baseline_state))
    assert "\n".join(normalized_lines(text)) in visible_text(report)


def test_counts_of_headings_and_table_rows_do_not_move() -> None:
    prog = programme()
    engine, _ = started(prog)
    plain = copy.deepcopy(engine.state)
    raw_note(plain, "plain")
    raw_note(engine.state, "| x | y |\n# h\n## h2\n|---|---|\n- a\n1. b")
    counts = []
    for state in (plain, engine.state):
        lines = render_report(prog, state).splitlines()
        counts.append((sum(line.startswith("#") for line in lines), sum(line.startswith("|") for line in lines),
                       sum(line.lstrip().startswith(("- ", "1. ", "2. ")) for line in lines)))
    assert counts[0] == counts[1]


# ----------------------------------------------------------------------------- HTML and JSON


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.tags.append("/" + tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.tags.append("!--")


@pytest.mark.parametrize("text", DANGEROUS)
def test_html_escapes_everything_typed(text: str) -> None:
    prog = programme(speaker="<i>Young</i> & Kim")
    engine, _ = started(prog)
    plain = copy.deepcopy(engine.state)
    raw_note(plain, "plain words")
    raw_note(engine.state, text)
    report, baseline = _Tags(), _Tags()
    report.feed(render_report(prog, engine.state, "html"))
    baseline.feed(render_report(prog, plain, "html"))
    line_breaks = len(normalized_lines(text)) - 1
    assert [t for t in report.tags if t != "br"] == [t for t in baseline.tags if t != "br"]
    assert report.tags.count("br") == baseline.tags.count("br") + line_breaks
    shown = "".join(report.text)
    assert "".join(normalized_lines(text)) in shown
    assert "<i>Young</i> & Kim" in shown


def test_html_is_one_standalone_page_in_the_session_language() -> None:
    engine = SCENARIOS["es"].run()
    page = render_report(engine.programme, engine.state, "html")
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"es\">")
    assert page.rstrip().endswith("</html>")
    parser = _Tags()
    parser.feed(page)
    for tag in ("section", "table", "ul", "ol", "li", "h2", "h3", "p"):
        assert parser.tags.count(tag) == parser.tags.count("/" + tag), tag


@pytest.mark.parametrize("language", sorted(SCENARIOS))
def test_layout_json_round_trips(language: str) -> None:
    """The layout model, kept for internal use (the JSON users get is the session's data)."""
    engine = SCENARIOS[language].run()
    text = render_layout_json(build_report(engine.programme, engine.state))
    data = json.loads(text)
    assert data["format"] == "moderator-report"
    assert data["language"] == language
    assert [s["id"] for s in data["sections"]] == [s.id for s in build_report(engine.programme, engine.state).sections]
    assert json.dumps(data, ensure_ascii=False, indent=2) + "\n" == text


def test_json_keeps_the_text_exactly_as_typed() -> None:
    prog = programme()
    engine, _ = started(prog)
    typed = "line one | *two*\n# three <b>"
    raw_note(engine.state, typed)
    layout = json.loads(render_layout_json(build_report(prog, engine.state)))
    assert any(span["text"] == typed and span["style"] == "plain" for span in _all_spans(layout))
    data = json.loads(render_report(prog, engine.state, "json"))
    assert [note["text"] for note in data["notes"]] == [typed]


def _all_spans(node: object):
    if isinstance(node, dict):
        if "text" in node and "style" in node:
            yield node
        for value in node.values():
            yield from _all_spans(value)
    elif isinstance(node, list):
        for value in node:
            yield from _all_spans(value)


# ----------------------------------------------------------------------------- purity


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("language", sorted(SCENARIOS))
def test_rendering_is_pure(language: str, fmt: str) -> None:
    engine = SCENARIOS[language].run()
    before = copy.deepcopy(engine.state)
    first = render_report_bytes(engine.programme, engine.state, fmt)
    assert engine.state == before
    assert render_report_bytes(engine.programme, copy.deepcopy(engine.state), fmt) == first


def test_the_clock_has_no_say_only_the_last_event() -> None:
    """Rendering later, with the wall clock far on, gives the same text: "now" is the last event."""
    engine = SCENARIOS["fr"].run()  # still under way
    first = render_report(engine.programme, engine.state)
    engine.clock.advance(3600)  # type: ignore[attr-defined]
    assert render_report(engine.programme, engine.state) == first


def test_an_unknown_format_is_refused() -> None:
    prog = programme()
    engine, _ = started(prog)
    with pytest.raises(ValueError, match="md, html, json"):
        render_report(prog, engine.state, "pdf")


# ----------------------------------------------------------------------------- where notes go


def section_text(prog: Programme, state: State, section_id: str) -> str:
    section = build_report(prog, state).section(section_id)
    return json.dumps([repr(b) for b in section.blocks], ensure_ascii=False)


def test_each_note_appears_exactly_once_whatever_its_kind_and_segment() -> None:
    prog = programme()
    engine, clock = started(prog, CHECK)
    tokens: list[str] = []
    for segment in (CHECK, KIM, DISCUSSION, QA, CLOSING):
        if segment:
            engine.goto(segment)
        for kind in ("note", "quote", "action", "question"):
            for speaker in (None, "kim", "moderator", "gone"):
                token = f"N{len(tokens):03d}"
                tokens.append(token)
                raw_note(engine.state, f"{token} {kind}", kind=kind, segment=segment, speaker=speaker)
        clock.advance(60)
    raw_note(engine.state, "N900 before the start", segment=None, speaker=None)
    raw_note(engine.state, "N901 in a segment the programme lost", segment=42, speaker=None)
    raw_note(engine.state, "N902 on a round the programme lost", segment=DISCUSSION, question=["old", 3])
    tokens += ["N900", "N901", "N902"]
    for fmt in TEXT_FORMATS:
        report = render_report(prog, engine.state, fmt)
        for token in tokens:
            assert report.count(token) == 1, (fmt, token)


def test_deleted_notes_are_gone_and_edited_ones_show_their_latest_text() -> None:
    prog = programme()
    engine, _ = started(prog)
    kept = engine.add_note("first draft")
    gone = engine.add_note("never mind")
    engine.edit_note(kept.id, "final wording")
    engine.delete_note(gone.id)
    report = render_report(prog, engine.state)
    assert "final wording" in report
    assert "first draft" not in report
    assert "never mind" not in report


def test_sections_receive_the_notes_that_belong_to_them() -> None:
    prog = programme()
    engine, clock = started(prog)
    engine.add_note("kim says networks matter")
    engine.add_note("! map the networks")
    engine.add_note("? who pays for it")
    engine.goto(DISCUSSION)
    engine.add_note("warm-up before any question")
    engine.ask_question("r1", 0)
    clock.advance(65)
    engine.add_note("@kim answer to the first question")
    engine.goto(QA)
    engine.add_note("the chat was busy")
    engine.goto(CLOSING)
    engine.add_note("@moderator thanks everyone")
    engine.tick_cue(CLOSING, 0)
    state = engine.state
    assert "kim says networks matter" in section_text(prog, state, "summary")
    assert "map the networks" in section_text(prog, state, "actions")
    audience = section_text(prog, state, "audience")
    assert "who pays for it" in audience and "the chat was busy" in audience
    discussion = section_text(prog, state, "discussion")
    assert "warm-up before any question" in discussion and "answer to the first question" in discussion
    assert "thanks everyone" in section_text(prog, state, "closing")
    report = render_report(prog, state)
    assert "1. **First question** *(asked at 18:01)*\n   - **Young Kim**: answer to the first question" in report
    assert "2. **Second question** *(not asked)*" in report
    assert "- who pays for it *(for Young Kim)*" in report
    assert "- **Young Kim**: map the networks" in report
    assert "- Take the group photo — *done at 18:02*" in report


def test_a_rehearsal_says_so_and_reads_times_on_its_own_day() -> None:
    prog = programme()
    clock = FakeClock(START.subtract(days=4))
    engine = Engine.create(prog, clock, None, mode="rehearsal")
    engine.start()
    clock.advance(90)
    engine.next()
    report = render_report(prog, engine.state)
    assert "**Rehearsal: this is not the report of the live session.**" in report
    assert "| Actual start | 18:00, 4 October 2021 |" in report
    assert "| 2 | Kim on networks | 18:01 | 10:00 | 18:01 | 00:00 (under way) | — |" in report


def test_the_timing_shows_overruns_pauses_and_the_end() -> None:
    prog = programme()
    engine, clock = started(prog, CHECK)  # check ran 60 s of its 60
    engine.next()
    clock.advance(700)  # kim: 11:40 of 10:00
    engine.pause()
    clock.advance(90)
    engine.resume()
    engine.next()
    clock.advance(300)
    engine.end()  # the Q&A and closing are skipped
    report = render_report(prog, engine.state)
    assert "| 2 | Kim on networks | 18:01 | 10:00 | 18:01 | 11:40 | +01:40 |" in report
    # A skipped segment took none of its planned time: its difference is minus its plan, counted in the total.
    assert "| 4 | Q&A | 18:21 | 05:00 | — | skipped | -05:00 |" in report
    total = re.search(r"^\|  \| Total \|  \| (\S+) \|  \| (\S+) \| (\S+) \|$", report, re.M)
    assert total is not None
    differences = re.findall(r"^\| \d+ \|.*\| ([+-]?\d\d:\d\d|—) \|$", report, re.M)
    seconds = [0 if d == "—" else (-1 if d.startswith("-") else 1) * (int(d[-5:-3]) * 60 + int(d[-2:]))
               for d in differences]
    sign = -1 if total.group(3).startswith("-") else 1
    assert sum(seconds) == sign * (int(total.group(3)[-5:-3]) * 60 + int(total.group(3)[-2:]))
    assert "- **Actual end**: 18:19:10 — 11:50 ahead of schedule" in report  # to the second, as timing says
    assert "- **Pauses**: 1 (01:30)" in report
    assert "| Actual end | 18:19 |" in report


# ----------------------------------------------------------------------------- languages


def test_every_language_has_every_label_with_the_same_placeholders() -> None:
    english = LABELS["en"]
    formatter = string.Formatter()

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in formatter.parse(text) if name}

    assert set(LABELS) == {"en", "es", "fr"}
    for language, labels in LABELS.items():
        assert labels.keys() == english.keys(), language
        for key, text in labels.items():
            assert text.strip(), (language, key)
            assert fields(text) == fields(english[key]), (language, key)


@pytest.mark.parametrize("language", ["es", "fr"])
def test_no_english_heading_is_left_in_another_language(language: str) -> None:
    english_engine = SCENARIOS["en"].run()
    engine = SCENARIOS[language].run()
    english = {line for line in render_report(english_engine.programme, english_engine.state).splitlines()
               if line.startswith("#") and not line.startswith("###")}
    report = render_report(engine.programme, engine.state)
    headings = {line for line in report.splitlines() if line.startswith("#") and not line.startswith("###")}
    assert len(headings) >= 10
    assert not headings & english
    english_words = set(LABELS["en"].values()) - set(LABELS[language].values())
    for line in report.splitlines():
        if line.startswith(("#", "| ", "- **")) and not line.startswith("| #"):
            label = re.split(r"\*\*|\|", line.lstrip("#|- *"))[0].strip()
            assert label not in english_words, line


@pytest.mark.parametrize(("date", "language", "text"), [
    (dt.date(2021, 10, 8), "en", "8 October 2021"),
    (dt.date(2022, 11, 15), "es", "15 de noviembre de 2022"),
    (dt.date(2021, 10, 7), "es", "7 de octubre de 2021"),
    (dt.date(2021, 10, 7), "fr", "7 octobre 2021"),
    (dt.date(2021, 10, 1), "fr", "1er octobre 2021"),
    (dt.date(2021, 8, 1), "en", "1 August 2021"),
])
def test_dates_read_as_the_language_writes_them(date: dt.date, language: str, text: str) -> None:
    assert format_date(date, language) == text


def test_french_uses_its_own_typography() -> None:
    engine = SCENARIOS["fr"].run()
    report = render_report(engine.programme, engine.state)
    assert "| Date | 1er octobre 2021 |" in report
    assert "«\u00a0La commande publique est notre premier outil de transition.\u00a0»" in report
    assert "**Fin prévue**\u00a0: 15:00" in report


# ----------------------------------------------------------------------------- only needed escapes


@pytest.mark.parametrize("typed, shown", [
    ("CoopCycle: plataforma en ~15 países", "CoopCycle: plataforma en ~15 países"),
    ("snake_case and 5 * 3 and a < b and [sic]", "snake_case and 5 * 3 and a < b and [sic]"),
    ("https://smart.coop/path_to_page", "https://smart.coop/path_to_page"),
    ("*bold* and _em_ and [a](b) and <b>", "\\*bold\\* and \\_em\\_ and [a\\](b) and \\<b>"),
    ("~~struck~~", "\\~\\~struck\\~\\~"),
])
def test_markdown_escapes_only_what_would_change_the_structure(typed: str, shown: str) -> None:
    prog = programme()
    engine, _ = started(prog)
    raw_note(engine.state, typed)
    report = render_report(prog, engine.state)
    assert shown in report
    assert typed in visible_text(report)
