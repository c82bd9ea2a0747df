"""What the browser seats are told by the host: where a note would land (the console's grammar, nothing
journalled), who ``@`` may name, the co-moderator's questions, cues and presets, in the session's language,
and a ``next`` that moves one segment however many times it is pressed."""

from __future__ import annotations

import pytest
from helpers_engine import KIM, LEYTON, ROOT, new_engine

from moderator.programme import load_programme
from moderator.session.engine import CommandRefused, Engine
from moderator.session.state import Note
from moderator.share.commands import BadCommand, run_command
from moderator.share.note_preview import landing
from moderator.share.page_snapshot import page_labels, page_snapshot
from moderator.share.seat_view import seat_extras
from moderator.share.seat_words import SEAT_WORDS
from moderator.share.tokens import Role

pytestmark = pytest.mark.unit

COCREATION = ROOT / "sessions" / "gsef2021-cocreation-2-3-2.toml"
BREAKOUT = 4


def test_the_preview_says_where_each_kind_of_note_lands_and_journals_nothing() -> None:
    engine, _ = new_engine()
    engine.start(KIM)
    before = len(engine.history)
    plain = landing(engine, "budgets first")
    assert (plain["kind"], plain["speaker"], plain["speaker_id"], plain["level"]) == ("note", "Young Kim", "kim", 0)
    assert landing(engine, "! map the actors")["kind"] == "action"
    assert landing(engine, "? how do towns join")["kind"] == "question"
    assert landing(engine, "> words")["kind"] == "quote"
    assert landing(engine, "-- deeper")["level"] == 2
    named = landing(engine, "@leyton public buyers")
    assert (named["speaker"], named["named"]) == ("Eric Leyton Inostroza", True)
    assert landing(engine, "participants: 42") == {"participants": 42}
    assert "no speaker matches @nobody" in landing(engine, "@nobody hello")["error"]
    assert "empty" in landing(engine, "!   ")["error"]
    assert len(engine.history) == before, "a preview journals nothing"


def test_the_preview_names_break_out_groups_and_the_question_being_discussed() -> None:
    engine, _ = new_engine(programme=load_programme(COCREATION))
    engine.start(BREAKOUT)
    found = landing(engine, "@g2 policies are co-built")
    assert (found["group"], found["group_number"], found["speaker"]) == ("Co-construction of public policies", 2, None)
    assert "@g1 to @g8" in landing(engine, "@g9 nothing")["error"]
    workshop, _ = new_engine()
    workshop.start(7)  # the discussion
    workshop.ask_next_question()
    assert landing(workshop, "a point")["question"] == 1


def test_seat_pages_get_people_groups_and_for_the_co_moderator_questions_cues_and_presets() -> None:
    engine, _ = new_engine(programme=load_programme(COCREATION))
    engine.start(BREAKOUT)
    engine.tick_cue(BREAKOUT, 1)
    rapporteur = seat_extras(engine, Role.RAPPORTEUR)
    assert rapporteur["groups"][1] == "Co-construction of public policies"
    assert {"id": "moderator", "name": engine.programme.moderator.name} in rapporteur["people"]
    assert "presets" not in rapporteur and "cues" not in rapporteur
    comoderator = seat_extras(engine, Role.COMODERATOR)
    assert [cue["done"] for cue in comoderator["cues"]] == [False, True, False, False]
    assert comoderator["current"] == BREAKOUT
    workshop, _ = new_engine()
    workshop.start(7)
    questions = seat_extras(workshop, Role.COMODERATOR)["questions"]
    assert [q["number"] for q in questions] == [1, 2, 3, 4] and not any(q["asked"] for q in questions)
    assert "Please wrap up" in seat_extras(workshop, Role.COMODERATOR)["presets"]


def test_only_the_seat_pages_get_their_words() -> None:
    engine, _ = new_engine()
    engine.start(KIM)
    assert seat_extras(engine, Role.RAPPORTEUR)["labels"]["send"] == "Send"
    assert seat_extras(engine, Role.RAPPORTEUR)["labels"]["next"] == "Next", "the stage's words too"
    stage = page_snapshot(engine.programme, engine.state, engine.snapshot(), 10.0, role=Role.STAGE)
    assert "send" not in stage["labels"]


@pytest.mark.parametrize("language", ["es", "fr"])
def test_every_word_of_the_seat_pages_is_translated(language: str) -> None:
    words = page_labels(language, seat=True)
    same = {key for key, english in SEAT_WORDS.items() if words[key] == english}
    assert same <= {"plus_minute", "minus_minute", "notes", "questions", "lands_point", "pause", "lands_action"}, same
    assert page_labels("es", seat=True)["lands_point_for"] == "punto para {name}"


def test_next_from_the_segment_shown_moves_once_however_often_it_is_pressed() -> None:
    engine, _ = new_engine()
    engine.start(KIM)
    run_command(engine, "next", {"from": KIM})
    with pytest.raises(CommandRefused, match="already changed"):
        run_command(engine, "next", {"from": KIM})
    assert engine.state.current == LEYTON
    run_command(engine, "previous", {"from": LEYTON})
    assert engine.state.current == KIM
    run_command(engine, "next", {})  # without "from", as the HTTP API's Stream Deck sends it: every press counts
    assert engine.state.current == LEYTON


def test_a_note_that_waited_while_the_session_moved_on_lands_where_it_was_typed() -> None:
    engine, _ = new_engine()
    engine.start(KIM)
    engine.next()  # the rapporteur's network was cut; meanwhile Eric Leyton Inostroza took the stage
    late = run_remote_note(engine, {"text": "budgets last longer than mandates", "typed_in": KIM})
    assert (late.segment, late.speaker, late.question) == (KIM, "kim", None)
    here = run_remote_note(engine, {"text": "public buyers", "typed_in": LEYTON})
    assert (here.segment, here.speaker) == (LEYTON, "leyton")
    named = run_remote_note(engine, {"text": "@luyiga from East Africa", "typed_in": KIM})
    assert (named.segment, named.speaker) == (KIM, "luyiga")
    future = run_remote_note(engine, {"text": "not reached yet", "typed_in": LEYTON + 2})
    assert (future.segment, future.speaker) == (LEYTON, "leyton"), "only a segment already reached counts"
    plain = run_remote_note(engine, {"text": "no hint"})
    assert plain.segment == LEYTON
    with pytest.raises(BadCommand):
        run_command(engine, "add_note", {"text": "x", "typed_in": -1})


def run_remote_note(engine: Engine, args: dict[str, object]) -> Note:
    run_command(engine, "add_note", args)
    return engine.state.notes[engine.state.next_note_id - 1]
