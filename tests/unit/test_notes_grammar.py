"""The note grammar of issue 11: one set of prefixes for every language, text kept as typed."""

from __future__ import annotations

import json

import pytest
from helpers_engine import KIM, QA, WORKSHOP_PATH, new_engine, workshop, write_programme

from moderator.session import events as ev
from moderator.session.notes import NoteError, parse_note, participants_count
from moderator.session.state import Note, Status


@pytest.mark.parametrize(("raw", "kind", "text"), [
    ("¿Por qué las cooperativas no acceden a la banca? Andrés lo explica", "note",
     "¿Por qué las cooperativas no acceden a la banca? Andrés lo explica"),
    ("Why do cooperatives not get loans? He explains", "note", "Why do cooperatives not get loans? He explains"),
    ('!"Create a municipal guarantee fund"', "action", '"Create a municipal guarantee fund"'),
    ('! "Create a municipal guarantee fund"', "action", '"Create a municipal guarantee fund"'),
    ('"He said "yes" to the network"', "quote", 'He said "yes" to the network'),
    ("«Guillemets» y algo más", "note", "«Guillemets» y algo más"),
    ('"Unclosed quote', "quote", "Unclosed quote"),
    ("!!!", "note", "!!!"),
    ("?!", "note", "?!"),
    ("!! urgent", "note", "!! urgent"),
    ("> > x", "quote", "> x"),
    ("\u200b? a hidden mark still marks", "question", "a hidden mark still marks"),
    ("\ufeff! after a BOM", "action", "after a BOM"),
    ("? ¿Cómo se financia?", "question", "¿Cómo se financia?"),
    ("recommandation : cartographier", "action", "cartographier"),
    ("-5% growth", "note", "-5% growth"),
    ("--- a rule", "note", "--- a rule"),
])
def test_the_grammar_reads_kinds_the_same_in_every_language(raw, kind, text):
    parsed = parse_note(raw, workshop())
    assert (parsed.kind, parsed.text, parsed.level) == (kind, text, 0)


@pytest.mark.parametrize("raw", ['"', "\x00\x00\x00", "- ", "-- !", "\u200b", "! \u200d", "@kim >"])
def test_a_note_with_no_words_after_its_marks_is_refused(raw):
    with pytest.raises(NoteError, match="empty"):
        parse_note(raw, workshop())


@pytest.mark.parametrize(("raw", "level", "speaker", "kind", "text"), [
    ("- a sub-point", 1, None, "note", "a sub-point"),
    ("-- a sub-sub-point", 2, None, "note", "a sub-sub-point"),
    ("- @kim ! map the actors", 1, "kim", "action", "map the actors"),
    ('-- ! @leyton "Replicate it."', 2, "leyton", "action", '"Replicate it."'),
    ("@kim @moderator x", 0, "kim", "note", "@moderator x"),
])
def test_levels_and_attributions_combine_in_one_order(raw, level, speaker, kind, text):
    parsed = parse_note(raw, workshop())
    assert (parsed.level, parsed.speaker_id, parsed.kind, parsed.text) == (level, speaker, kind, text)


@pytest.mark.parametrize(("raw", "level", "speaker", "kind", "text"), [
    ("@kim - las cooperativas acceden al crédito", 1, "kim", "note", "las cooperativas acceden al crédito"),
    ("@Young -- ! crear mesas", 2, "kim", "action", "crear mesas"),
    ("! @kim - x", 1, "kim", "action", "x"),
    ("@kim -5 grados", 0, "kim", "note", "-5 grados"),
])
def test_a_level_mark_after_the_name_is_understood(raw, level, speaker, kind, text):
    """Marks typed in another order than the grammar's (issue 22): stored as ``- las…`` before."""
    parsed = parse_note(raw, workshop())
    assert (parsed.level, parsed.speaker_id, parsed.kind, parsed.text) == (level, speaker, kind, text)


def test_a_level_mark_after_a_group_is_understood():
    parsed = parse_note("@g3 - garanties", workshop(), ("Alpha", "Beta", "Gamma"))
    assert (parsed.level, parsed.group, parsed.text) == (1, 2, "garanties")  # the third group, from 0


def test_the_rapporteur_and_moderator_can_be_named(tmp_path):
    text = WORKSHOP_PATH.read_text(encoding="utf-8")
    text = text.replace("[moderator]", '[rapporteur]\nname = "Ana Ruiz"\n\n[moderator]')
    programme = write_programme(tmp_path, text)
    assert parse_note("@rapporteur missed the start", programme).speaker_id == "rapporteur"
    assert parse_note("@Ana missed the start", programme).speaker_id == "rapporteur"
    assert parse_note("@Dara opens", programme).speaker_id == "moderator"


def test_text_is_kept_byte_for_byte_zwj_and_line_breaks_included():
    raw = "👩🏽\u200d💻 coder\nsecond line\n- third, not a marker inside a note"
    assert parse_note(raw, workshop()).text == raw


@pytest.mark.parametrize(("raw", "count"), [
    ("participants: 42", 42), ("participantes: 42", 42), ("participants : 42", 42), ("Participantes :17 ", 17),
    ("participants: many", None), ("the participants: 42", None),
])
def test_participants_is_a_count_not_a_note(raw, count):
    assert participants_count(raw) == count


GROUPS = ("Legal and institutional frameworks", "Strategic planning", "Financiación y servicios")
BREAKOUT = 'kind = "breakout"\ngroups = ' + json.dumps(list(GROUPS), ensure_ascii=False)


@pytest.mark.parametrize(("mention", "group"), [
    ("@g1", 0), ("@G2", 1), ('@"legal"', 0), ("@Strategic", 1), ('@"financiacion"', 2), ("@plan", 1),
])
def test_a_group_is_named_by_number_or_prefix_without_accents(mention, group):
    assert parse_note(f"{mention} outcome", workshop(), GROUPS).group == group


def test_groups_cannot_be_named_outside_a_breakout():
    with pytest.raises(NoteError):
        parse_note("@g1 outcome", workshop())
    with pytest.raises(NoteError, match="g1 to @g3"):
        parse_note("@g4 outcome", workshop(), GROUPS)


def _breakout_engine(tmp_path):
    text = WORKSHOP_PATH.read_text(encoding="utf-8")
    marker = 'kind = "discussion"'
    assert marker in text
    programme = write_programme(tmp_path, text.replace(marker, BREAKOUT, 1))
    return new_engine(programme=programme)


def test_group_notes_are_taken_during_the_breakout_and_the_restitution_after_it(tmp_path):
    engine, _ = _breakout_engine(tmp_path)
    breakout = next(s.index for s in engine.programme.segments if s.kind == "breakout")
    engine.start(breakout)
    note = engine.add_note('@"legal" laws first')
    assert (note.group, note.group_segment, note.speaker) == (0, breakout, None)
    engine.next()  # the restitution
    assert engine.add_note("@g2 plans").group == 1
    engine.next()
    with pytest.raises(NoteError):
        engine.add_note("@g2 too late")


def test_a_sub_point_level_and_group_survive_the_journal_and_old_lines_still_load(tmp_path):
    engine, _ = new_engine(tmp_path)
    engine.start(KIM)
    engine.add_note("a point")
    engine.add_note("-- a detail")
    wall = "2021-10-08T09:00:00+00:00"  # a journal line's wall is an ISO time (a damaged line otherwise)
    line = ev.encode(ev.NoteAdded(id=9, text="x", level=2, group=1, group_segment=3, wall=wall))
    assert ev.decode_line(line) == ev.NoteAdded(id=9, text="x", level=2, group=1, group_segment=3, wall=wall)
    old = '{"type":"note_added","t":1.0,"wall":"2021-10-08T09:00:00+00:00","id":1,"text":"old"}'
    assert ev.decode_line(old) == ev.NoteAdded(t=1.0, wall="2021-10-08T09:00:00+00:00", id=1, text="old")
    for bad in ('"level":3', '"level":-1', '"group":-1', '"group_segment":99999999'):
        with pytest.raises(ev.EventError):
            ev.decode_line(old[:-1] + "," + bad + "}")
    assert [n.level for n in engine.state.visible_notes()] == [0, 2]


def test_any_note_can_be_corrected_and_its_level_and_person_changed(tmp_path):
    engine, _ = new_engine(tmp_path)
    engine.start(KIM)
    first = engine.add_note("frist point")
    engine.add_note("second")
    engine.add_note("third")
    engine.edit_note(first.id, "- @leyton first point")
    assert (first.text, first.level, first.speaker, first.edited) == ("first point", 1, "leyton", True)
    engine.delete_note(2)
    assert [n.id for n in engine.state.visible_notes()] == [1, 3]


def test_notes_after_the_end_are_marked_and_the_participants_line_is_recorded(tmp_path):
    engine, _ = new_engine(tmp_path)
    engine.start(QA)
    assert engine.log_entry("participantes: 42") == 42  # the count, confirmed on screen
    assert engine.state.participants == 42
    engine.log_entry("participants : 45")
    assert engine.state.participants == 45
    engine.end()
    assert engine.state.status is Status.ENDED
    late = engine.log_entry("a thought after the end")
    assert isinstance(late, Note) and late.after_end
