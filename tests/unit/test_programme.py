"""Loading good programmes: the contract's example, its defaults and its accepted spellings."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from moderator.problems import ProgrammeError
from moderator.programme import Programme, SegmentKind, load_programme, parse_programme
from moderator.programme.model import DEFAULT_DANGER, DEFAULT_WARN

# The example of docs/programme-format.md, exactly as written there: it MUST load.
CONTRACT_EXAMPLE = '''\
[session]
title = "Initiatives and alliances between local governments and SSE actors to build a new economy"
event = "GSEF2021 Global Virtual Forum"
type = "Workshop"
language = "en"
date = 2021-10-08
start = "18:00"
timezone = "Asia/Seoul"
also_show = ["UTC", "America/Mexico_City"]
platform = "Zoom"
main_question = "What should be the actions or strategies ... to achieve a better and more inclusive world?"
objectives = ["Recognize the importance of developing global alliances ...", "..."]
warn = "2m"
danger = "30s"

[moderator]
name = "Dara Huot"
organization = "Phare Performing Social Enterprise"
role = "Chief Executive"

[[speaker]]
id = "kim"
name = "Young Kim"
organization = "SSEGOV"
country = "South Korea"
role = "Executive Director"
topic = "Network of local governments promoting SSE"

[[round]]
id = "r1"
title = "Guiding questions"
questions = [
  "What is the tangible and real benefit of cooperation networks in the SSE sector?",
  "What is the role of governments in fostering cooperation between different actors and sectors?",
]

[[segment]]
kind = "check"
title = "Internet connection check"
duration = "1m"
at = "18:00"

[[segment]]
kind = "speaker"
speaker = "kim"
duration = "10m"
at = "18:11"

[[segment]]
kind = "discussion"
title = "Questions and discussions guided by the moderator"
round = "r1"
duration = "24m"

[[segment]]
kind = "qa"
title = "Q&A from participants via chat"
duration = "10m"

[[segment]]
kind = "closing"
title = "Closing remarks by the speakers and the moderator"
duration = "5m"
cues = ["Ask everyone to turn on their video for the group photo"]
'''

MINIMAL = '''\
[session]
title = "Minimal"
date = 2021-10-08
start = "09:00"
timezone = "UTC"

[moderator]
name = "M"

[[segment]]
kind = "other"
title = "Everything"
duration = 30
'''


def load(text: str, path: str = "p.toml") -> Programme:
    return parse_programme(text.encode(), path)


def test_contract_example_loads() -> None:
    programme = load(CONTRACT_EXAMPLE)
    info = programme.session
    assert info.title.startswith("Initiatives and alliances")
    assert info.date == dt.date(2021, 10, 8)
    assert info.start == dt.time(18, 0)
    assert info.timezone == "Asia/Seoul"
    assert info.zones == ("Asia/Seoul", "UTC", "America/Mexico_City")
    assert (info.warn, info.danger) == (120, 30)
    assert programme.moderator.name == "Dara Huot"
    assert [s.kind for s in programme.segments] == ["check", "speaker", "discussion", "qa", "closing"]
    assert [s.duration for s in programme.segments] == [60, 600, 1440, 600, 300]
    assert programme.total_duration == 50 * 60
    assert programme.warnings == ()


def test_contract_example_details() -> None:
    programme = load(CONTRACT_EXAMPLE)
    check, talk, discussion, _qa, closing = programme.segments
    assert check.at == dt.time(18, 0)
    assert talk.title == "Network of local governments promoting SSE"  # the speaker's topic
    assert programme.segment_speakers(talk)[0].name == "Young Kim"
    assert discussion.round_ids == ("r1",)
    assert len(programme.segment_rounds(discussion)[0].questions) == 2
    assert closing.cues == ("Ask everyone to turn on their video for the group photo",)
    assert [s.index for s in programme.segments] == [0, 1, 2, 3, 4]
    lines = CONTRACT_EXAMPLE.splitlines()
    for segment in programme.segments:
        assert segment.line is not None
        assert lines[segment.line - 1] == "[[segment]]"


def test_minimal_programme_defaults() -> None:
    programme = load(MINIMAL)
    info = programme.session
    assert info.language == "en"
    assert (info.warn, info.danger) == (DEFAULT_WARN, DEFAULT_DANGER)
    assert info.also_show == ()
    assert info.end is None
    assert programme.speakers == () and programme.rounds == ()
    assert programme.rapporteur is None
    assert programme.segments[0].duration == 30 * 60
    assert programme.sha256 == hashlib.sha256(MINIMAL.encode()).hexdigest()
    assert programme.path == "p.toml"


def test_load_programme_reads_a_file(tmp_path) -> None:
    path = tmp_path / "session.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    programme = load_programme(path)
    assert programme.path == str(path)
    assert programme.session.title == "Minimal"


def replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "check"),
    [
        ('start = "09:00"', "start = 09:00:00", lambda p: p.session.start == dt.time(9)),
        ('start = "09:00"', 'start = "9h00"', lambda p: p.session.start == dt.time(9)),
        ("date = 2021-10-08", 'date = "2021-10-08"', lambda p: p.session.date == dt.date(2021, 10, 8)),
        ('timezone = "UTC"', 'timezone = "UTC-3"', lambda p: p.session.timezone == "UTC-3"),
        ('timezone = "UTC"', 'timezone = "europe/madrid"', lambda p: p.session.timezone == "Europe/Madrid"),
        ('timezone = "UTC"', 'timezone = "UTC"\nalso_show = "Asia/Seoul"',
         lambda p: p.session.also_show == ("Asia/Seoul",)),
        ('timezone = "UTC"', 'timezone = "UTC"\nalso_show = ["UTC", "Asia/Seoul"]',
         lambda p: p.session.zones == ("UTC", "Asia/Seoul")),
        ('timezone = "UTC"', 'timezone = "UTC"\nlanguage = "Spanish"', lambda p: p.session.language == "es"),
        ('timezone = "UTC"', 'timezone = "UTC"\nlanguage = "FR"', lambda p: p.session.language == "fr"),
        ('timezone = "UTC"', 'timezone = "UTC"\nend = "09:30"', lambda p: p.session.end == dt.time(9, 30)),
        ('timezone = "UTC"', 'timezone = "UTC"\nobjectives = "One objective"',
         lambda p: p.session.objectives == ("One objective",)),
        ('timezone = "UTC"', 'timezone = "UTC"\nwarn = "5m"\ndanger = "1m"',
         lambda p: (p.segments[0].warn, p.segments[0].danger) == (300, 60)),
        ("duration = 30", 'duration = "1h 30m"', lambda p: p.segments[0].duration == 5400),
        ("duration = 30", 'duration = "10 min"', lambda p: p.segments[0].duration == 600),
        ("duration = 30", "duration = 2.5", lambda p: p.segments[0].duration == 150),
        ("duration = 30", 'duration = 30\nwarn = "1m"\ndanger = "10s"',
         lambda p: (p.segments[0].warn, p.segments[0].danger) == (60, 10)),
        ("duration = 30", 'duration = 30\nat = "09:00"\nnotes = "  private  "',
         lambda p: (p.segments[0].at, p.segments[0].notes) == (dt.time(9), "private")),
        ('kind = "other"', 'kind = "QA"', lambda p: p.segments[0].kind == "qa"),
        ('name = "M"', 'name = "M"\n\n[rapporteur]\nname = "R"\nemail = "r@example.org"',
         lambda p: p.rapporteur is not None and p.rapporteur.email == "r@example.org"),
    ],
)
def test_accepted_spellings(old: str, new: str, check) -> None:
    assert check(load(replace(MINIMAL, old, new)))


def test_speakers_rounds_and_shared_slots() -> None:
    text = MINIMAL + '''
[[speaker]]
id = "ana"
name = "Ana"
timezone = "America/Santiago"

[[speaker]]
id = "bo"
name = "Bo"
topic = "Bo's topic"

[[round]]
questions = ["first?"]

[[round]]
id = "second"
questions = ["second?", "third?"]

[[segment]]
kind = "speaker"
speakers = ["ana", "bo"]
duration = "20m"

[[segment]]
kind = "speaker"
speaker = "ana"
duration = "5m"

[[segment]]
kind = "discussion"
title = "All rounds"
duration = "10m"
'''
    programme = load(text)
    assert [r.id for r in programme.rounds] == ["round1", "second"]
    assert [r.title for r in programme.rounds] == ["Round 1", "Round 2"]
    for language, titles in {"es": ["Ronda 1", "Ronda 2"], "fr": ["Tour 1", "Tour 2"]}.items():
        declared = text.replace("[session]\n", f'[session]\nlanguage = "{language}"\n', 1)
        assert [r.title for r in load(declared).rounds] == titles  # the programme's words, in its language
    shared, alone, discussion = programme.segments[1:]
    assert shared.speaker_ids == ("ana", "bo")
    assert shared.title == "Ana / Bo's topic"  # topic, else name
    assert alone.title == "Ana"
    assert discussion.round_ids == ("round1", "second")  # no round key: all rounds
    assert programme.speaker("ana").timezone == "America/Santiago"
    with pytest.raises(KeyError):
        programme.speaker("nobody")


def test_byte_order_mark_and_crlf_are_accepted() -> None:
    data = b"\xef\xbb\xbf" + MINIMAL.replace("\n", "\r\n").encode()
    programme = parse_programme(data, "bom.toml")
    assert programme.session.title == "Minimal"
    assert programme.segments[0].line == 10


def test_crlf_keeps_line_numbers() -> None:
    text = replace(MINIMAL, 'kind = "other"', 'kind = "otter"').replace("\n", "\r\n")
    with pytest.raises(ProgrammeError) as raised:
        parse_programme(text.encode(), "crlf.toml")
    (problem,) = raised.value.errors
    assert problem.line == 11


def test_unknown_keys_are_warnings_with_the_closest_key() -> None:
    text = replace(MINIMAL, "duration = 30", "duration = 30\ncue = [\"x\"]")
    text = replace(text, 'title = "Minimal"', 'title = "Minimal"\nplatfrom = "Zoom"')
    text += "\n[speakers]\nx = 1\n"
    programme = load(text)
    messages = [str(w) for w in programme.warnings]
    assert messages == [
        "p.toml:17: warning: unknown table or key 'speakers' (did you mean 'speaker'?)",
        "p.toml:3: warning: unknown key 'platfrom' in [session] (did you mean 'platform'?)",
        "p.toml:15: warning: unknown key 'cue' in [[segment]] #1 (did you mean 'cues'?)",
    ]


def test_lines_of_dotted_keys_and_inline_tables() -> None:
    """Keys written as ``session.title`` or ``moderator = {...}`` are still located."""
    text = (
        'session.title = "T"\nsession.date = 1\nsession.start = "09:00"\n'
        'session.timezone = "UTC"\nmoderator = {name = 3}\n'
        'segment = [{kind = "zz", title = "x", duration = 1}]\n'
    )
    with pytest.raises(ProgrammeError) as raised:
        load(text)
    lines = {p.message.split(" ")[0]: p.line for p in raised.value.errors}
    assert lines == {"[session].date": 2, "[moderator].name": 5, "[[segment]]": 6}


def test_subtable_of_a_segment_is_located_at_its_header() -> None:
    text = MINIMAL + "\n[segment.extra]\nx = 1\n"
    (warning,) = load(text).warnings
    assert warning.line == 15
    assert "unknown key 'extra' in [[segment]] #1" in warning.message


def test_headers_inside_multiline_strings_are_not_tables() -> None:
    text = replace(MINIMAL, 'title = "Minimal"', 'title = """\n[[segment]]\nkind = "x"\n"""')
    text = replace(text, 'kind = "other"', 'kind = "otter"')
    with pytest.raises(ProgrammeError) as raised:
        load(text)
    (problem,) = raised.value.errors
    assert problem.line == text.splitlines().index('kind = "otter"') + 1


def test_segment_kinds_are_the_enum_and_still_compare_as_text() -> None:
    kinds = [segment.kind for segment in load(CONTRACT_EXAMPLE).segments]
    assert all(type(kind) is SegmentKind for kind in kinds)
    assert kinds[1] is SegmentKind.SPEAKER and kinds[1] == "speaker" and f"{kinds[1]}" == "speaker"


def test_session_messages_and_breakout_groups() -> None:
    text = replace(MINIMAL, 'timezone = "UTC"', 'timezone = "UTC"\nmessages = ["Please wrap up", "  ", " Mic! "]')
    text = replace(text, 'kind = "other"', 'kind = "breakout"\ngroups = ["Legal frameworks", "Planning"]')
    programme = load(text)
    assert programme.session.messages == ("Please wrap up", "Mic!")
    assert programme.segments[0].groups == ("Legal frameworks", "Planning")
    assert programme.warnings == ()


def test_messages_and_groups_default_to_empty() -> None:
    programme = load(MINIMAL)
    assert programme.session.messages == ()
    assert programme.segments[0].groups == ()


def test_bad_messages_and_groups_are_reported_at_their_lines() -> None:
    text = replace(MINIMAL, 'timezone = "UTC"', 'timezone = "UTC"\nmessages = [1, 2]')
    text = replace(text, 'kind = "other"', 'kind = "breakout"\ngroups = [["nested"]]')
    with pytest.raises(ProgrammeError) as raised:
        load(text)
    lines = text.splitlines()
    assert [(p.line, p.message) for p in raised.value.errors] == [
        (lines.index("messages = [1, 2]") + 1, "[session].messages must be a list of strings"),
        (lines.index('groups = [["nested"]]') + 1, "[[segment]] #1.groups must be a list of strings"),
    ]


def test_groups_outside_a_breakout_warn_at_their_line() -> None:
    text = replace(MINIMAL, 'duration = 30', 'duration = 30\ngroups = ["A"]')
    programme = load(text)
    assert programme.segments[0].groups == ("A",)
    (warning,) = programme.warnings
    assert warning.line == text.splitlines().index('groups = ["A"]') + 1
    assert warning.message == "[[segment]] #1.groups is only used by breakout segments, not other"
