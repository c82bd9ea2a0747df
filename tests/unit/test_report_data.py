"""``report --format json``: the session's data, versioned, valid against docs/report.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from unit.test_report_golden import SCENARIOS

from moderator.report import render_report
from moderator.report.data import SCHEMA, report_data
from moderator.session.notes import MODERATOR_ID
from moderator.session.zoom_chat import assign_dates, decode_chat_bytes, parse_zoom_chat

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "docs" / "report.schema.json"
CHATS = ROOT / "tests" / "data" / "zoom_chat"


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def diesis_with_chat():
    engine = SCENARIOS["es"].run()
    for name in ("diesis_es_oneline.txt", "diesis_es_threaded.txt"):
        parsed = parse_zoom_chat(decode_chat_bytes((CHATS / name).read_bytes()))
        engine.add_chat_messages(assign_dates(parsed.messages, engine.programme.session.date, "Europe/Madrid"))
    return engine


@pytest.mark.parametrize("language", sorted(SCENARIOS))
def test_every_scenario_validates_against_the_schema(language: str) -> None:
    engine = SCENARIOS[language].run()
    data = json.loads(render_report(engine.programme, engine.state, "json"))
    validator().validate(data)
    assert data["schema"] == SCHEMA == validator().schema["properties"]["schema"]["const"]


def test_the_diesis_session_with_its_chat() -> None:
    engine = diesis_with_chat()
    data = json.loads(render_report(engine.programme, engine.state, "json"))
    validator().validate(data)
    assert list(data) == ["schema", "session", "moderator", "rapporteur", "speakers", "rounds", "segments",
                          "groups", "participants", "notes", "chat", "transcript", "timing", "webinar", "review",
                          "speaking"]
    assert [s["id"] for s in data["speakers"]] == ["paula", "victor", "camila", "mariana"]
    assert data["moderator"]["id"] == MODERATOR_ID
    speaker_ids = {s["id"] for s in data["speakers"]} | {MODERATOR_ID}
    assert {n["speaker"] for n in data["notes"] if n["speaker"]} <= speaker_ids
    # every note, by id, with its segment; the discussion's notes name their guiding question
    assert [n["id"] for n in data["notes"]] == sorted(n.id for n in engine.state.visible_notes())
    asked = [n for n in data["notes"] if n["question"]]
    assert asked and all(n["question"]["round"] == "principal" and n["segment"] == 7 for n in asked)
    # the chat: names, kinds, the segment at each message's time, replies with their context
    chat = data["chat"]
    assert [m["sender"] for m in chat if m["kind"] == "question"] == [
        "Jorge Ramírez", "María José Núñez", "Lucía Fernández"]
    jorge = chat[2]
    assert jorge["segment"] == 3 and jorge["time"] == "2021-10-07T12:50:03Z"  # 14:50:03 in Madrid, Paula on
    assert chat[0]["segment"] is None  # before the start
    reply = next(m for m in chat if m["reply_to"])
    assert reply["reply_to"].startswith("¿Habrá grabación")
    assert "Ana Pérez" in data["participants"]["in_chat"] and data["participants"]["count"] == 27


def test_timing_totals_add_up() -> None:
    engine = SCENARIOS["fr"].run()  # unfinished, with a skipped Q&A
    data = report_data(engine.programme, engine.state)
    segments, timing = data["segments"], data["timing"]
    assert timing["finished"] is False
    assert timing["planned_duration"] == sum(s["planned"]["duration"] for s in segments)
    assert timing["actual_duration"] == sum(s["actual"]["duration"] for s in segments)
    assert timing["difference"] == timing["actual_duration"] - timing["planned_duration"]
    skipped = [s for s in segments if s["actual"]["status"] == "skipped"]
    assert [s["index"] for s in skipped] == timing["skipped"] == [5]
    assert skipped[0]["actual"]["duration"] == 0 and skipped[0]["actual"]["difference"] is None


def test_a_session_not_started_is_valid_data() -> None:
    from moderator.session.clock import FakeClock
    from moderator.session.engine import Engine

    scenario = SCENARIOS["en"]
    engine = Engine.create(scenario.programme(), FakeClock(scenario.start), None)
    data = report_data(engine.programme, engine.state)
    validator().validate(data)
    assert data["session"]["started"] is None and data["notes"] == [] and data["chat"] == []


def test_sub_points_name_their_parent_point() -> None:
    from moderator.session.clock import FakeClock
    from moderator.session.engine import Engine

    scenario = SCENARIOS["es"]
    engine = Engine.create(scenario.programme(), FakeClock(scenario.start), None)
    engine.start()
    engine.goto(3)  # Paula
    point = engine.add_note("ACCIÓ: delegaciones en el extranjero")
    sub = engine.add_note("- Casablanca, Londres y Dubái")
    subsub = engine.add_note("-- cubren casi todos los países")
    second = engine.add_note("- apoyo comercial, no político")
    data = report_data(engine.programme, engine.state)
    validator().validate(data)
    parents = {n["id"]: n["parent"] for n in data["notes"]}
    assert parents == {point.id: None, sub.id: point.id, subsub.id: sub.id, second.id: point.id}
