"""Notes as a rapporteur types them, and the marks logged beside them (questions, cues, participants)."""

from __future__ import annotations

import pytest
from helpers_engine import (
    CHECK,
    CLOSING,
    DISCUSSION,
    INTRO_MODERATOR,
    INTRO_SESSION,
    KIM,
    LEYTON,
    QA,
    WORKSHOP_PATH,
    at,
    journal_events,
    journal_file,
    new_engine,
    replay_file,
    workshop,
    write_programme,
)

from moderator.session.engine import CommandRefused
from moderator.session.notes import MODERATOR_ID, NoteError, parse_note, resolve_speaker

# ----------------------------------------------------------------------------- parsing: kinds


@pytest.mark.parametrize(("raw", "kind", "text"), [
    ("plain words", "note", "plain words"),
    ('"Cooperation is the new economy."', "quote", "Cooperation is the new economy."),
    ('"Words," she said', "quote", '"Words," she said'),
    ("“Curly quotes.”", "note", "“Curly quotes.”"),
    ("«Guillemets»", "note", "«Guillemets»"),
    ("> quoted line", "quote", "quoted line"),
    ("! follow up with SSEGOV", "action", "follow up with SSEGOV"),
    ("? how do municipalities fund this", "question", "how do municipalities fund this"),
    ("¿cómo se financia?", "note", "¿cómo se financia?"),
    ("? ¿Cómo se financia?", "question", "¿Cómo se financia?"),
    ("quote: we are stronger together", "quote", "we are stronger together"),
    ("Action: send the slides", "action", "send the slides"),
    ("recommendation : map the networks", "action", "map the networks"),
    ("Q: who pays", "question", "who pays"),
    ("pregunta: quién paga", "question", "quién paga"),
    ("acción: enviar", "action", "enviar"),
    ("cita: juntos", "quote", "juntos"),
    ("note: nothing special", "note", "nothing special"),
    ("Conclusion: not a kind word", "note", "Conclusion: not a kind word"),
    ("   padded   ", "note", "padded"),
])
def test_a_prefix_gives_the_kind(raw, kind, text):
    parsed = parse_note(raw, workshop())
    assert (parsed.kind, parsed.text, parsed.speaker_id) == (kind, text, None)


@pytest.mark.parametrize("raw", ["", "   ", "!", "?", "> ", "@kim", "! @kim", "quote:"])
def test_an_empty_note_is_an_error(raw):
    with pytest.raises(NoteError, match="empty"):
        parse_note(raw, workshop())


# ----------------------------------------------------------------------------- parsing: speakers


@pytest.mark.parametrize(("mention", "speaker"), [
    ("@kim", "kim"),
    ("@leyton", "leyton"),
    ("@Young", "kim"),
    ("@young", "kim"),
    ("@Young_Kim", "kim"),
    ('@"Young Kim"', "kim"),
    ("@Young-Kim", "kim"),
    ("@eric", "leyton"),          # Eric Leyton Inostroza
    ("@Inostroza", "leyton"),
    ("@Bernard", "luyiga"),
    ("@Van", "vandenborre"),      # Martin Van Den Borre
    ("@Borre", "vandenborre"),
    ('@"Martin Van Den Borre"', "vandenborre"),
    ("@Mart", "vandenborre"),     # a unique prefix
    ("@moderator", MODERATOR_ID),
    ("@Dara", MODERATOR_ID),      # the moderator's name
    ("@kim:", "kim"),             # trailing punctuation after a mention
])
def test_a_leading_mention_gives_the_speaker(mention, speaker):
    parsed = parse_note(f"{mention} networks need funding", workshop())
    assert parsed.speaker_id == speaker
    assert parsed.text == "networks need funding"
    assert parsed.kind == "note"


def test_accents_are_ignored_in_mentions(tmp_path):
    programme = workshop()
    assert resolve_speaker("ÉRIC", programme) == "leyton"


@pytest.mark.parametrize("raw", ["! @kim call back", "@kim ! call back"])
def test_kind_and_mention_in_either_order(raw):
    parsed = parse_note(raw, workshop())
    assert (parsed.kind, parsed.speaker_id, parsed.text) == ("action", "kim", "call back")


def test_a_quote_with_a_mention():
    parsed = parse_note('@luyiga "Local first."', workshop())
    assert (parsed.kind, parsed.speaker_id, parsed.text) == ("quote", "luyiga", "Local first.")


def test_an_unknown_mention_is_an_error_naming_the_speakers():
    with pytest.raises(NoteError, match=r"no speaker matches @nobody .*@kim.*@moderator"):
        parse_note("@nobody said this", workshop())


def test_an_ambiguous_mention_is_an_error():
    with pytest.raises(NoteError, match="could be several"):
        parse_note("@b said this", workshop())  # Bernard, Borre


def test_a_mention_later_in_the_text_is_just_text():
    parsed = parse_note("ask @kim later", workshop())
    assert (parsed.text, parsed.speaker_id) == ("ask @kim later", None)


# ----------------------------------------------------------------------------- notes in the engine


def test_a_note_records_text_kind_segment_speaker_question_wall_and_session_time(tmp_path):
    engine, clock = new_engine(tmp_path)
    clock.advance(10)
    engine.start(KIM)
    clock.advance(42.5)
    note = engine.add_note("! invite SSEGOV to the next forum")
    assert note.id == 1
    assert note.text == "invite SSEGOV to the next forum"
    assert note.kind == "action"
    assert note.segment == KIM
    assert note.speaker == "kim"
    assert note.question is None
    assert note.t == 52.5
    assert note.wall == at(52.5)
    event = journal_events(journal_file(engine))[-1]
    assert event == {
        "type": "note_added", "t": 52.5, "wall": at(52.5), "id": 1, "text": "invite SSEGOV to the next forum",
        "kind": "action", "segment": KIM, "speaker": "kim",
    }


def test_notes_are_allowed_before_the_start_and_after_the_end():
    engine, _ = new_engine()
    before = engine.add_note("people are arriving")
    assert before.segment is None and before.speaker is None
    engine.start()
    engine.goto(CLOSING)
    engine.end()
    after = engine.add_note("thanks everyone")
    assert after.segment == CLOSING
    assert [n.id for n in engine.state.visible_notes()] == [1, 2]


@pytest.mark.parametrize(("segment", "speaker"), [
    (CHECK, None),
    (INTRO_MODERATOR, MODERATOR_ID),
    (INTRO_SESSION, MODERATOR_ID),
    (KIM, "kim"),
    (LEYTON, "leyton"),
    (DISCUSSION, None),
    (QA, None),
    (CLOSING, None),
])
def test_the_default_speaker_follows_the_segment(segment, speaker):
    engine, _ = new_engine()
    engine.start(segment)
    assert engine.add_note("something").speaker == speaker


def test_a_plain_note_in_a_shared_slot_belongs_to_the_slot_not_its_first_speaker(tmp_path):
    text = WORKSHOP_PATH.read_text(encoding="utf-8")
    panel = text.replace('speaker = "kim"\ntitle = "Network', 'speakers = ["luyiga", "kim"]\ntitle = "Network')
    assert panel != text
    engine, _ = new_engine(programme=write_programme(tmp_path, panel))
    engine.start(KIM)
    note = engine.add_note("shared slot")
    assert (note.speaker, note.segment) == (None, KIM)
    assert engine.add_note("@kim answered").speaker == "kim"


def test_a_mention_or_an_explicit_speaker_overrides_the_default():
    engine, _ = new_engine()
    engine.start(KIM)
    assert engine.add_note("@eric agrees").speaker == "leyton"
    assert engine.add_note("@moderator thanks Kim").speaker == MODERATOR_ID
    assert engine.add_note("chosen in the console", speaker="luyiga").speaker == "luyiga"


def test_an_explicit_kind_overrides_the_prefix():
    engine, _ = new_engine()
    engine.start(KIM)
    assert engine.add_note("plain", kind="quote").kind == "quote"
    with pytest.raises(NoteError, match="unknown note kind"):
        engine.add_note("plain", kind="rumour")


def test_a_note_that_cannot_be_understood_writes_nothing(tmp_path):
    engine, _ = new_engine(tmp_path)
    engine.start()
    before = journal_file(engine).read_bytes()
    for raw in ("", "@nobody hi", "!"):
        with pytest.raises(NoteError):
            engine.add_note(raw)
    assert journal_file(engine).read_bytes() == before
    assert engine.state.notes == {}


# ----------------------------------------------------------------------------- guiding questions


def test_a_discussion_note_carries_the_question_most_recently_asked():
    engine, _ = new_engine()
    engine.start(DISCUSSION)
    assert engine.add_note("warming up").question is None
    assert engine.ask_next_question() == ("r1", 0)
    assert engine.add_note("networks pool resources").question == ("r1", 0)
    assert engine.ask_next_question() == ("r1", 1)
    assert engine.add_note("governments convene").question == ("r1", 1)
    engine.ask_question("r2", 1)
    assert engine.add_note("recovery").question == ("r2", 1)
    engine.ask_question("r1", 0)  # back to an earlier question
    assert engine.add_note("more on benefits").question == ("r1", 0)


def test_the_current_question_is_reset_on_segment_change():
    engine, _ = new_engine()
    engine.start(DISCUSSION)
    engine.ask_next_question()
    engine.next()
    assert engine.add_note("in the Q&A").question is None
    engine.previous()
    assert engine.add_note("back in the discussion").question is None
    assert engine.ask_next_question() == ("r1", 1)  # what was asked stays asked
    assert engine.add_note("second question").question == ("r1", 1)


def test_unasking_the_current_question_clears_it():
    engine, _ = new_engine()
    engine.start(DISCUSSION)
    engine.ask_question("r1", 0)
    engine.ask_question("r1", 1)
    engine.unask_question("r1", 0)  # not the current one
    assert engine.add_note("a").question == ("r1", 1)
    engine.unask_question("r1", 1)
    assert engine.add_note("b").question is None
    assert engine.state.asked == {}


def test_a_question_marked_asked_is_recorded_with_segment_and_time():
    engine, clock = new_engine()
    engine.start(DISCUSSION)
    clock.advance(95)
    engine.ask_question("r2", 0)
    asked = engine.state.asked[("r2", 0)]
    assert (asked.round_id, asked.index, asked.segment, asked.t, asked.wall) == ("r2", 0, DISCUSSION, 95, at(95))


def test_asking_questions_is_refused_when_there_is_none():
    engine, _ = new_engine()
    engine.start(KIM)
    with pytest.raises(CommandRefused, match="no guiding questions"):
        engine.ask_next_question()
    with pytest.raises(CommandRefused, match="no question 3"):
        engine.ask_question("r1", 2)
    with pytest.raises(CommandRefused, match="no question 0"):
        engine.ask_question("r1", -1)
    with pytest.raises(CommandRefused, match="no round"):
        engine.ask_question("r9", 0)
    with pytest.raises(CommandRefused, match="not marked"):
        engine.unask_question("r1", 0)
    engine.goto(DISCUSSION)
    for _ in range(4):
        engine.ask_next_question()
    with pytest.raises(CommandRefused, match="every question"):
        engine.ask_next_question()


# ----------------------------------------------------------------------------- edit and delete


def test_editing_a_note_is_a_new_event_and_keeps_the_original_in_the_journal(tmp_path):
    engine, clock = new_engine(tmp_path)
    engine.start(KIM)
    note = engine.add_note("netwroks matter")
    clock.advance(30)
    edited = engine.edit_note(note.id, "networks matter")
    assert edited.text == "networks matter" and edited.edited
    assert edited.t == note.t and edited.speaker == "kim" and edited.kind == "note"
    events = journal_events(journal_file(engine))
    assert events[-2]["type"] == "note_added" and events[-2]["text"] == "netwroks matter"
    assert events[-1] == {"type": "note_edited", "t": 30.0, "wall": at(30), "id": note.id, "text": "networks matter"}
    assert replay_file(workshop(), journal_file(engine)).notes[note.id].text == "networks matter"


def test_editing_can_change_the_kind_and_the_speaker():
    engine, _ = new_engine()
    engine.start(KIM)
    note = engine.add_note("cooperate")
    engine.edit_note(note.id, '@leyton "Cooperate."')
    assert (note.kind, note.speaker, note.text) == ("quote", "leyton", "Cooperate.")
    engine.edit_note(note.id, "cooperate, he said")  # no prefix: back to a plain note, speaker kept
    assert (note.kind, note.speaker) == ("note", "leyton")


def test_deleting_a_note_is_a_new_event_and_hides_it(tmp_path):
    engine, _ = new_engine(tmp_path)
    engine.start()
    keep = engine.add_note("keep")
    gone = engine.add_note("typo")
    engine.delete_note(gone.id)
    assert engine.state.visible_notes() == [keep]
    assert gone.id in engine.state.notes and engine.state.notes[gone.id].deleted
    kinds = [e["type"] for e in journal_events(journal_file(engine))]
    assert kinds[-3:] == ["note_added", "note_added", "note_deleted"]
    assert engine.add_note("next").id == 3  # ids are never reused
    with pytest.raises(CommandRefused, match="no note 2"):
        engine.delete_note(gone.id)
    with pytest.raises(CommandRefused, match="no note 2"):
        engine.edit_note(gone.id, "resurrect")
    with pytest.raises(CommandRefused, match="no note 99"):
        engine.edit_note(99, "x")


# ----------------------------------------------------------------------------- cues and participants


def test_a_cue_is_ticked_and_unticked_with_its_wall_time():
    engine, clock = new_engine()
    engine.start()
    clock.advance(20)
    engine.tick_cue(CHECK, 1)
    assert engine.state.cues == {(CHECK, 1): at(20)}
    engine.tick_cue(CHECK, 1, done=False)
    assert engine.state.cues == {}
    engine.tick_cue(DISCUSSION, 0)  # cues of another segment may be ticked ahead
    assert (DISCUSSION, 0) in engine.state.cues


@pytest.mark.parametrize(("segment", "cue"), [(CHECK, 2), (INTRO_MODERATOR, 0), (10, 0), (-1, 0), (CHECK, -1)])
def test_a_missing_cue_is_refused(segment, cue):
    engine, _ = new_engine()
    with pytest.raises(CommandRefused, match="no such cue"):
        engine.tick_cue(segment, cue)


def test_the_number_of_participants_is_recorded():
    engine, clock = new_engine()
    engine.set_participants(12)
    clock.advance(300)
    engine.set_participants(87)
    assert engine.state.participants == 87
    assert engine.state.participants_wall == at(300)
    with pytest.raises(CommandRefused, match="negative"):
        engine.set_participants(-1)
