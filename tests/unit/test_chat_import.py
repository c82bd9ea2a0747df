"""The Zoom chat in the journal: ``moderator chat`` and ``Engine.add_chat_messages`` (on a Spanish session:
what the command says is in Spanish)."""

from __future__ import annotations

from pathlib import Path

import pendulum
import pytest
from unit.test_report_golden import SCENARIOS

from moderator.cli import main
from moderator.commands.chat import run_chat
from moderator.locking import FileLock
from moderator.problems import ModeratorError
from moderator.report import render_report
from moderator.session.engine import replay_state
from moderator.session.events import ChatMessageAdded, NoteKind, decode_line, encode
from moderator.session.journal import Journal, read_journal
from moderator.session.runs import load_run
from moderator.session.state import new_state

ROOT = Path(__file__).resolve().parents[2]
CHATS = ROOT / "tests" / "data" / "zoom_chat"
ONELINE = CHATS / "diesis_es_oneline.txt"
THREADED = CHATS / "diesis_es_threaded.txt"


def diesis_journal(tmp_path: Path) -> Path:
    path = tmp_path / "live.journal.jsonl"
    journal = Journal(path)
    SCENARIOS["es"].run(journal=journal)
    journal.close()
    return path


def test_the_event_round_trips_and_is_bounded() -> None:
    event = ChatMessageAdded(t=1.0, wall="2021-10-07T12:50:00+00:00", sender="Ana", text="¿Hola?",
                             at="2021-10-07T12:49:00+00:00", fingerprint="abc", kind=NoteKind.QUESTION,
                             segment=3, reply_to="Hola...")
    assert decode_line(encode(event)) == event
    with pytest.raises(ValueError, match="sender"):
        decode_line(encode(event).replace(b'"sender":"Ana"', b'"sender":' + b'"' + b"x" * 3000 + b'"'))


def test_the_reducer_keeps_the_first_of_each_fingerprint() -> None:
    state = new_state(3)
    event = ChatMessageAdded(t=0.0, wall="w", sender="Ana", text="hola", at="2021-10-07T12:49:00+00:00",
                             fingerprint="f1")
    from moderator.session.state import apply

    apply(state, event)
    apply(state, event)
    assert [entry.sender for entry in state.chat] == ["Ana"]


def test_import_places_messages_in_their_segment_and_twice_adds_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = diesis_journal(tmp_path)
    before = load_run(journal).state
    assert run_chat(journal, ONELINE, "Europe/Madrid") == 0
    out, err = capsys.readouterr()
    assert "6 mensajes para todos; se añadieron 5 (3 preguntas)" in out and "1 × mensaje privado" in out
    assert "1 fuera de la sesión, no se añadieron" in out and "--zone" in out  # the welcome, a minute before the start
    assert "horas del chat leídas como Europe/Madrid (--zone)" in err
    assert run_chat(journal, ONELINE, "Europe/Madrid") == 0
    assert "se añadieron 0" in capsys.readouterr().out
    after = load_run(journal).state
    assert len(after.chat) == 5
    assert [e.segment for e in after.chat] == [1, 3, 6, 8, 8]
    # the import moved no clock: the timing and the footer's last event are as they were
    assert (after.last_t, after.last_wall, after.ended_wall) == (before.last_t, before.last_wall, before.ended_wall)
    report = render_report(load_run(journal).programme, after)
    assert "- **Jorge Ramírez**: ¿ACCIÓ apoya también a cooperativas pequeñas? — *21:50*" in report


def test_replies_keep_their_context_and_reactions_are_left_out(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    journal = diesis_journal(tmp_path)
    run_chat(journal, ONELINE, "Europe/Madrid")
    run_chat(journal, THREADED, "Europe/Madrid")
    assert "1 × reacción" in capsys.readouterr().out
    state = load_run(journal).state
    reply = state.chat[-1]
    assert reply.sender == "Samuel DIESIS" and reply.reply_to and reply.reply_to.startswith("¿Habrá grabación")
    report = render_report(load_run(journal).programme, state)
    assert "(en respuesta a «¿Habrá grabación de la s...»)" in report


def test_without_zone_the_hosts_zone_is_assumed_and_said(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Seoul")
    journal = diesis_journal(tmp_path)
    seoul = tmp_path / "seoul.txt"
    seoul.write_text("21:50:03 From  Kim  to  Everyone : A question from Seoul?\n", encoding="utf-8")
    assert main(["chat", str(journal), str(seoul)]) == 0
    err = capsys.readouterr().err
    assert "la zona de este ordenador" in err and "--zone" in err
    (entry,) = load_run(journal).state.chat
    assert pendulum.parse(entry.at) == pendulum.datetime(2021, 10, 7, 12, 50, 3, tz="UTC")


def test_a_running_console_holds_the_journal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = diesis_journal(tmp_path)
    with FileLock(journal, role="console"):  # what a console does while it runs
        assert main(["chat", str(journal), str(ONELINE), "--zone", "Europe/Madrid"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "una consola está ejecutando esta sesión" in err and "--chat" in err
    assert not load_run(journal).state.chat


@pytest.mark.parametrize("content, message", [
    (b"\x00\x01binary", "no es texto"),
])
def test_bad_chat_files_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes,
                                     message: str) -> None:
    journal = diesis_journal(tmp_path)
    bad = tmp_path / "chat.txt"
    bad.write_bytes(content)
    assert main(["chat", str(journal), str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and str(bad) in err
    assert main(["chat", str(journal), str(tmp_path / "missing.txt")]) == 2
    assert main(["chat", str(journal), str(ONELINE), "--zone", "Mars/Olympus"]) == 2


def test_replaying_gives_the_same_chat(tmp_path: Path) -> None:
    journal = diesis_journal(tmp_path)
    run_chat(journal, ONELINE, "Europe/Madrid")
    loaded = load_run(journal)
    again = replay_state(loaded.programme, read_journal(journal).events)
    assert again.chat == loaded.state.chat


def test_the_engine_adds_live_messages_to_the_running_segment() -> None:
    from moderator.session.zoom_chat import assign_dates, parse_zoom_chat

    engine = SCENARIOS["en"].run()
    parsed = parse_zoom_chat("19:22:00 From  Ana  to  Everyone : Is there a directory?\n")
    added = engine.add_chat_messages(assign_dates(parsed.messages, engine.programme.session.date, "Asia/Seoul"))
    assert added == 1 and engine.state.chat[0].segment == 8 and engine.state.chat[0].kind == "question"
    with pytest.raises(ModeratorError):
        run_chat(Path("/nonexistent/journal"), ONELINE, "UTC")


def test_a_chat_read_in_the_wrong_zone_adds_nothing_and_says_so(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Read as UTC instead of Madrid time, every message falls two hours off the run: none is added."""
    journal = diesis_journal(tmp_path)
    assert run_chat(journal, ONELINE, "UTC") == 0
    out = capsys.readouterr().out
    assert "se añadieron 0" in out and "6 fuera de la sesión, no se añadieron" in out
    assert "--zone" in out and "--replace" in out
    assert load_run(journal).state.chat == []


def test_replace_takes_back_an_earlier_import_and_reads_it_again(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """An import from before the run's bounds were checked, read in the wrong zone (times in the run, but
    in the wrong segments): ``--replace`` removes its messages, then imports them again in the right zone."""
    from moderator.session.engine import Engine
    from moderator.session.zoom_chat import assign_dates, decode_chat_bytes, parse_zoom_chat

    journal = diesis_journal(tmp_path)
    run = load_run(journal)
    with Journal(journal) as writer:
        engine = Engine.after_the_fact(run.programme, writer, read_journal(journal).events)
        parsed = parse_zoom_chat(decode_chat_bytes(ONELINE.read_bytes()))
        engine.add_chat_messages(assign_dates(parsed.messages, run.programme.session.date, "Europe/London"))
    wrong = [entry.segment for entry in load_run(journal).state.chat]
    assert run_chat(journal, ONELINE, "Europe/Madrid") == 0
    assert "se añadieron 0" in capsys.readouterr().out  # the same messages (time, sender, text): nothing new
    assert run_chat(journal, ONELINE, "Europe/Madrid", replace=True) == 0
    out = capsys.readouterr().out
    assert "6 de una importación anterior eliminados; se añadieron 5" in out
    state = load_run(journal).state
    assert [entry.segment for entry in state.visible_chat()] == [1, 3, 6, 8, 8] != wrong
    report = render_report(load_run(journal).programme, state)
    assert report.count("¿ACCIÓ apoya también a cooperativas pequeñas?") == 1
    assert main(["chat", str(journal), str(ONELINE), "--zone", "Europe/Madrid", "--replace"]) == 0
    assert len(load_run(journal).state.visible_chat()) == 5  # replacing again gives the same chat
