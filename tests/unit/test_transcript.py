"""The recording's transcript (``moderator transcript``): read with a WebVTT parser, placed in the
segments that ran, names matched to the programme, kept apart from the notes, idempotent, bounded."""

from __future__ import annotations

import json
from pathlib import Path

import pendulum
import pytest
from unit.test_report_golden import SCENARIOS

from moderator.cli import main
from moderator.programme import load_programme
from moderator.report import render_report
from moderator.session.events import TranscriptLine, decode_line, encode
from moderator.session.notes import MODERATOR_ID, RAPPORTEUR_ID
from moderator.session.runs import load_run
from moderator.session.transcript import (
    MAX_TRANSCRIPT_BYTES,
    TranscriptFileError,
    decode_transcript_bytes,
    match_person,
    parse_transcript,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "transcripts"
ROOT = Path(__file__).resolve().parents[2]


def journal_of(tmp_path: Path, language: str) -> Path:
    return SCENARIOS[language].journal(tmp_path / "live.journal.jsonl")


def test_zoom_transcript_names_and_times() -> None:
    parsed = parse_transcript((DATA / "diesis_es_transcript.vtt").read_text(encoding="utf-8"))
    assert len(parsed.cues) == 12 and parsed.unreadable == 0
    first = parsed.cues[0]
    assert (first.start, first.end, first.name) == (90.0, 96.5, "Samuel DIESIS")
    assert first.text.startswith("Bienvenidas y bienvenidos")
    assert parsed.cues[2].name == "Paula Pérez (ACCIÓ)" and parsed.cues[2].end == 968.25


def test_closed_captions_with_voices_lines_and_no_name() -> None:
    parsed = parse_transcript((DATA / "diesis_es_captions.vtt").read_text(encoding="utf-8"))
    names = [cue.name for cue in parsed.cues]
    assert names == ["Samuel DIESIS", "Paula", None, "Víctor"]
    assert parsed.cues[0].text == "Bienvenidas y bienvenidos a la sesión de DIESIS."  # the cue's two lines, one text
    assert parsed.unreadable == 1  # the cue whose timing line is broken, counted


@pytest.mark.parametrize(("written", "expected"), [
    ("Samuel DIESIS", MODERATOR_ID),  # the moderator's first name, and the organization after it
    ("Paula Pérez (ACCIÓ)", "paula"),
    ("Víctor Meseguer", "victor"),  # an accent the programme does not write
    ("camila", "camila"),
    ("MARIANA LÓPEZ", "mariana"),
    ("Jorge Ramírez", None),  # someone from the audience: kept as written
    ("", None),
    (None, None),
])
def test_names_are_matched_to_the_programmes_people_es(written: str | None, expected: str | None) -> None:
    programme = load_programme(ROOT / "sessions" / "gsef2021-diesis-es.toml")
    assert match_person(written, programme) == expected


@pytest.mark.parametrize(("written", "expected"), [
    ("Young Kim", "kim"), ("Eric Leytón", "leyton"), ("Eric Leyton", "leyton"), ("Dr. Bernard Luyiga", "luyiga"),
    ("martin van den borre", "vandenborre"), ("Priya Shah", None), ("Kim", "kim"),
])
def test_names_are_matched_to_the_programmes_people_en(written: str, expected: str | None) -> None:
    programme = load_programme(ROOT / "sessions" / "gsef2021-workshop-alliances.toml")
    assert match_person(written, programme) == expected


@pytest.mark.parametrize(("written", "expected"), [
    ("Claire Dubois", MODERATOR_ID), ("Awa Ndiaye (Dakar)", "ndiaye"), ("marc lefevre", "lefevre"),
    ("Awa NDIAYE", "ndiaye"), ("Idrissa Diop", RAPPORTEUR_ID), ("Éric Martin", None),
])
def test_names_are_matched_to_the_programmes_people_fr(written: str, expected: str | None) -> None:
    programme = load_programme(ROOT / "tests" / "golden" / "atelier-fr.toml")
    assert match_person(written, programme) == expected


def test_import_places_each_cue_in_its_segment_says_what_is_outside_and_twice_adds_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = journal_of(tmp_path, "es")
    before = load_run(journal).state
    vtt = DATA / "diesis_es_transcript.vtt"
    assert main(["transcript", str(journal), str(vtt), "--started", "21:32"]) == 0  # Seoul, the session's zone
    out, err = capsys.readouterr()
    assert "grabación iniciada a las 2021-10-07 21:32:00 (Asia/Seoul, --started)" in err
    assert "12 fragmentos; se añadieron 11" in out and "1 fuera de la sesión, no se añadieron" in out
    assert "--started" in out
    assert "conservados tal como se escribieron: Jorge Ramírez" in out
    state = load_run(journal).state
    lines = state.transcript
    assert [line.segment for line in lines] == [1, 2, 3, 4, 5, 6, 7, 7, 8, 8, 9]
    assert [line.speaker for line in lines] == [MODERATOR_ID, MODERATOR_ID, "paula", "victor", "camila", "mariana",
                                                "victor", "mariana", None, MODERATOR_ID, "camila"]
    assert lines[8].name == "Jorge Ramírez"
    assert pendulum.parse(lines[0].at) == pendulum.datetime(2021, 10, 7, 12, 33, 30, tz="UTC")
    # kept with the run, apart from the notes; no clock moved
    assert len(state.visible_notes()) == len(before.visible_notes())
    assert (state.last_t, state.last_wall, state.ended_wall) == (before.last_t, before.last_wall, before.ended_wall)
    assert main(["transcript", str(journal), str(vtt), "--started", "21:32"]) == 0
    assert "se añadieron 0, 11 ya estaban en el diario" in capsys.readouterr().out
    assert len(load_run(journal).state.transcript) == 11


def test_without_started_the_runs_start_is_used_and_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = journal_of(tmp_path, "fr")
    assert main(["transcript", str(journal), str(DATA / "atelier_fr_transcript.vtt")]) == 0
    out, err = capsys.readouterr()
    assert "fragments placés depuis le début de la session, 14:00:00 (Europe/Paris)" in err and "--started" in err
    lines = load_run(journal).state.transcript
    assert [(line.speaker, line.segment) for line in lines] == [
        (MODERATOR_ID, 1), ("ndiaye", 2), ("lefevre", 3), ("ndiaye", 4), (None, 4)]
    assert "4 noms sur 5 rapprochés du programme" in out  # names as written: "Awa Ndiaye (Dakar)", "Awa NDIAYE"


def test_captions_in_another_zone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = journal_of(tmp_path, "en")
    assert main(["transcript", str(journal), str(DATA / "workshop_en_captions.vtt"),
                 "--started", "2021-10-08 09:01", "--zone", "UTC"]) == 0
    lines = load_run(journal).state.transcript
    assert [(line.speaker, line.segment) for line in lines] == [
        ("kim", 3), ("leyton", 4), ("luyiga", 5), ("vandenborre", 6), ("kim", 7), ("leyton", 7), (None, 8)]


def test_the_report_data_carries_the_transcript_by_segment_and_speaker(tmp_path: Path) -> None:
    from unit.test_report_data import validator

    journal = journal_of(tmp_path, "es")
    main(["transcript", str(journal), str(DATA / "diesis_es_transcript.vtt"), "--started", "21:32"])
    run = load_run(journal)
    data = json.loads(render_report(run.programme, run.state, "json"))
    validator().validate(data)
    lines = data["transcript"]
    assert len(lines) == 11
    assert (lines[0]["start"], lines[0]["end"]) == ("2021-10-07T12:33:30Z", "2021-10-07T12:33:36.500000Z")
    assert [line["segment"] for line in lines if line["speaker"] == "victor"] == [4, 7]
    assert {line["name"] for line in lines if line["speaker"] is None} == {"Jorge Ramírez"}


@pytest.mark.parametrize(("args", "message"), [
    (["--started", "25:00"], "no existe la hora"),
    (["--started", "noon"], "no es una hora"),
    (["--zone", "Mars/Olympus"], "--zone"),
])
def test_bad_options_are_one_line_and_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                args: list[str], message: str) -> None:
    journal = journal_of(tmp_path, "es")
    assert main(["transcript", str(journal), str(DATA / "diesis_es_transcript.vtt"), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("data", "message"), [
    (b"1\n00:00:01.000 --> 00:00:02.000\nhola\n", "no es una transcripción WebVTT"),
    (b"WEBVTT\n\x00\x00", "no es texto UTF-8"),
    (b"\xff\xfe\x00\xd8", "no es texto UTF-8"),
])
def test_files_that_are_not_transcripts_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     data: bytes, message: str) -> None:
    journal = journal_of(tmp_path, "es")
    bad = tmp_path / "bad.vtt"
    bad.write_bytes(data)
    assert main(["transcript", str(journal), str(bad)]) == 2
    err = capsys.readouterr().err
    assert message in err and str(bad) in err


def test_the_input_is_bounded() -> None:
    with pytest.raises(TranscriptFileError, match="MB"):
        decode_transcript_bytes(b"WEBVTT\n" + b" " * MAX_TRANSCRIPT_BYTES)
    with pytest.raises(TranscriptFileError, match="control characters"):
        parse_transcript("WEBVTT\n\n" + "\x01" * 100)
    long = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAna: " + "a" * 30_000 + "\n"
    parsed = parse_transcript(long)
    assert parsed.cut == 1 and len(parsed.cues[0].text) == 20_000


def test_the_event_round_trips_and_is_bounded() -> None:
    event = TranscriptLine(t=1.0, wall="2021-10-07T12:50:00+00:00", text="hola", at="2021-10-07T12:49:00+00:00",
                           until="2021-10-07T12:49:03+00:00", fingerprint="abc", name="Ana", speaker=None, segment=3)
    assert decode_line(encode(event)) == event
    with pytest.raises(ValueError, match="name"):
        decode_line(encode(event).replace(b'"name":"Ana"', b'"name":"' + b"x" * 3000 + b'"'))


def test_speaking_time_on_stage_and_in_the_discussion(tmp_path: Path) -> None:
    """Stage time from the segments as run; with the transcript, who spoke how long in the debate and Q&A."""
    journal = journal_of(tmp_path, "es")
    run = load_run(journal)
    before = json.loads(render_report(run.programme, run.state, "json"))["speaking"]
    assert {t["person"]: (t["on_stage"], t["in_discussion"]) for t in before} == {
        "paula": (540, None), "victor": (600, None), "camila": (615, None), "mariana": (660, None),
        MODERATOR_ID: (180 + 630 + 290, None)}  # the welcome and Samuel's own talk (intros), and the closing
    main(["transcript", str(journal), str(DATA / "diesis_es_transcript.vtt"), "--started", "21:32"])
    run = load_run(journal)
    speaking = {t["person"]: t["in_discussion"] for t in json.loads(render_report(run.programme, run.state,
                                                                                  "json"))["speaking"]}
    assert speaking == {"paula": 0, "victor": 12, "camila": 0, "mariana": 10, MODERATOR_ID: 4}
    report = render_report(run.programme, run.state)
    assert "| Victor | 10:00 | 00:12 |" in report and "**Tiempo de palabra**" in report
