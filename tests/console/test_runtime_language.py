"""Every message around a running session speaks its language (issue 25, item 5): a damaged
journal's warnings on the console, in ``timing`` and ``report``; a second ``run`` refused; the
closing words; the post-session commands; a seat's messages once the host has welcomed it.

Each output is read as text and checked with the language test's two nets (``english_left``: a
catalog message left in English; ``english_words_left``: an English word the catalog's translations
never use, which finds a sentence the catalog does not hold at all). English sessions keep their words.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import pendulum
import pytest
from conftest import WORKSHOP
from console.test_tui_language import PROGRAMMES, english_left, english_words_left, without_paths

from moderator.cli import main
from moderator.i18n import translator
from moderator.locking import Holder
from moderator.problems import say
from moderator.programme import load_programme
from moderator.session.clock import FakeClock
from moderator.session.journal import Journal, busy_message, fallback_prefix, merge_fallbacks, read_journal
from moderator.session.runs import open_run
from moderator.tui.app import ModeratorApp
from moderator.tui.launch import closing_lines

LANGUAGES = ["es", "fr"]
START = pendulum.datetime(2021, 12, 6, 9, 0, tz="UTC")


JOURNAL_NAMES = "moved from_a_newer_version note_added"
"""The journal's own names for its events, quoted from the line a warning is about, as its paths are."""


def _no_english(text: str, language: str) -> None:
    programme_text = PROGRAMMES[language].read_text(encoding="utf-8")
    shown = without_paths(text)
    assert english_left(shown, language) == [], text
    assert english_words_left(shown, language, programme_text + JOURNAL_NAMES) == [], text


def _damaged_journal(programme_path: Path, out: Path, clock: FakeClock) -> Path:
    """A run of three segments, its journal then damaged as disks and editors damage one: a line a
    newer version wrote, a line that is not JSON, a move to a segment the run never had, a torn tail."""
    run = open_run(load_programme(programme_path), out, clock)
    run.engine.start()
    for _ in range(2):
        clock.advance(90)
        run.engine.next()
    run.journal.close()
    path = run.journal_path
    moved = next(json.loads(line) for line in path.read_bytes().splitlines() if b'"moved"' in line)
    with path.open("ab") as journal:
        journal.write(b'{"type":"from_a_newer_version","t":200.0}\n')
        journal.write(b'{"type": "note_added", "text": \n')
        journal.write(json.dumps({**moved, "segment": 99}).encode() + b"\n")
        journal.write(b'{"type":"note_added","t":21')  # the last write, cut off
    return path


WARNED = {"es": ("omitido", "cortada a mitad de escritura", "se esperaba un valor"),
          "fr": ("ignoré", "coupée en cours d'écriture", "valeur attendue")}


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_damaged_journal_resumed_in_the_console_is_warned_of_in_the_session_s_language(
        make_app, clock, language):
    _damaged_journal(PROGRAMMES[language], Path("reports"), clock)
    app = make_app(PROGRAMMES[language])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        toasts = "\n".join(app.console_screen.toasts.history)
    assert toasts.count("\n") >= 4, toasts  # resumed, then four warnings
    for word in WARNED[language]:
        assert word in toasts, toasts
    _no_english(toasts, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_timing_and_report_on_a_damaged_journal_say_it_in_the_session_s_language(language, tmp_path, capsys):
    path = _damaged_journal(PROGRAMMES[language], tmp_path, FakeClock(START))
    assert main(["timing", str(path)]) == 0
    timing = capsys.readouterr()
    assert main(["timing", "--json", str(path)]) == 0
    as_json = capsys.readouterr()
    assert main(["report", str(path)]) == 0
    report = capsys.readouterr()
    for word in WARNED[language]:
        assert word in " ".join(timing.out.split()) and word in report.err and word in as_json.err
    for text in (timing.out, timing.err, report.err, as_json.err):
        _no_english(text, language)
    notes = json.loads(as_json.out)["notes"]
    assert any("cut off mid-write" in note for note in notes), "the JSON, for other tools, stays as it was"
    assert report.err.count("moderator: ") == 4


def test_an_english_journal_keeps_its_english_warnings(tmp_path, capsys):
    path = _damaged_journal(WORKSHOP, tmp_path, FakeClock(START))
    warnings = read_journal(path).warnings
    assert warnings[0] == (f"{path}: the last line was cut off mid-write (27 bytes) and was skipped; "
                           "the command it recorded was never acknowledged")
    assert warnings[1] == f"{path}:5: unknown event type 'from_a_newer_version' (written by a newer version?), skipped"
    assert warnings[2].startswith(f"{path}:6: not a journal event (not JSON (Expecting value: line 1 column ")
    assert warnings[3] == f"{path}:7: moved names segment 100, but the run had 10 segments, skipped"
    assert main(["report", str(path)]) == 0
    assert capsys.readouterr().err.splitlines()[0] == f"moderator: warning: {warnings[0]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_journal_s_notices_and_recovered_copies_are_said_in_the_session_s_language(language, tmp_path):
    """Recreated (removed, replaced), continued elsewhere, and brought back from a fallback copy."""
    _ = translator(language)
    journal = Journal(tmp_path / "run" / "live.journal.jsonl", fallback_dir=tmp_path / "fallback")
    programme = load_programme(PROGRAMMES[language])
    from moderator.session.engine import Engine

    engine = Engine.create(programme, FakeClock(START), journal, mode="live", programme_location="x")
    journal.path.unlink()
    engine.start()
    (tmp_path / "replacement").write_bytes(b"")
    (tmp_path / "replacement").replace(journal.path)
    engine.pause()
    notices = [say(notice, _) for notice in journal.take_notices()]
    assert len(notices) == 2
    journal.close()
    fallback = tmp_path / "fallback" / (fallback_prefix(journal.path) + "copy.jsonl")
    fallback.parent.mkdir()
    fallback.write_bytes(journal.path.read_bytes() + b'{"type":"paused","t":5.0,"wall":"2021-12-06T09:00:05+00:00"}\n')
    recovered = merge_fallbacks(journal.path, fallback.parent)
    assert len(recovered) == 1
    said = "\n".join([*notices, say(recovered[0], _)])
    _no_english(re.sub(r"\S+\.jsonl\S*", " ", said), language)  # (the files' names, as paths are)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_second_run_on_a_busy_session_is_refused_in_its_language(language, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("moderator.session.runs.PREVIOUS_CONSOLE_GRACE", 0.0)
    held = open_run(load_programme(PROGRAMMES[language]), tmp_path, FakeClock(START))  # its journal's lock held
    try:
        assert main(["run", str(PROGRAMMES[language]), "--out", str(tmp_path)]) == 2
    finally:
        held.journal.close()
    refusal = capsys.readouterr().err
    assert refusal.startswith({"es": "moderator: ya hay una consola ejecutando esta sesión (",
                               "fr": "moderator: une console exécute déjà cette session ("}[language]), refusal
    assert {"es": "consola, proceso", "fr": "console, processus"}[language] in refusal
    _no_english(refusal, language)


def test_a_second_run_on_a_busy_english_session_keeps_its_words(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("moderator.session.runs.PREVIOUS_CONSOLE_GRACE", 0.0)
    held = open_run(load_programme(WORKSHOP), tmp_path, FakeClock(START))
    try:
        assert main(["run", str(WORKSHOP), "--out", str(tmp_path)]) == 2
        assert main(["run", str(WORKSHOP), "--out", str(tmp_path), "--lang", "es"]) == 2
    finally:
        held.journal.close()
    english, spanish = capsys.readouterr().err.splitlines()
    assert english.startswith(f"moderator: a console is already running this session ({held.journal_path}, "
                              "console, process ")
    assert english.endswith("): every note is already saved")
    assert spanish.startswith("moderator: ya hay una consola"), "--lang first"


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_every_busy_refusal_is_said_whole(language, tmp_path):
    """Shared (the co-moderator link), held by a known process (on this or another computer), unknown."""
    journal = tmp_path / "live.journal.jsonl"
    here = Holder(pid=4242, host="", since="2021-12-06T09:00:00Z", role="console")
    elsewhere = Holder(pid=4242, host="laptop-of-someone-else", since="2021-12-06T09:00:00Z", role="seat")
    said = [say(busy_message(journal, holder), translator(language)) for holder in (here, elsewhere, None)]
    (tmp_path / "links.txt").write_text("links")
    said.append(say(busy_message(journal, here), translator(language)))
    assert all("4242" in text for text in said[:2]) and "laptop-of-someone-else" in said[1]
    assert "links.txt" in said[3] and "moderator join URL" in said[3]
    if language == "en":
        assert said[0] == (f"a console is already running this session ({journal}, console, process 4242, since "
                           "2021-12-06T09:00:00Z); close that console (ctrl+q in its terminal) or end its process "
                           "(4242): every note is already saved")
        assert str(busy_message(journal, here)) == said[3]
    else:
        for text in said:
            assert english_left(without_paths(text), language) == [], text
            assert english_words_left(without_paths(text), language, "laptop of someone else") == [], text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("why", [{"stopped_by": "SIGTERM"}, {"terminal_lost": True}, {}])
def test_the_closing_words_are_in_the_console_s_language_and_aligned(language, why):
    lines = closing_lines(translator(language), Path("reports/s/live.journal.jsonl"), Path("reports/s/live.report.md"),
                          Path("reports/s/live.report.docx"), **why)
    files = lines[-3:]
    assert len({line.index("reports/") for line in files}) == 1, "the paths start in one column"
    assert files[2].startswith("Word")
    _no_english("\n".join(lines), language)
    if why.get("stopped_by"):
        assert "SIGTERM" in lines[0]


def test_the_english_closing_words_are_today_s():
    lines = closing_lines(translator("en"), Path("j"), Path("r"), None, stopped_by="SIGTERM")
    assert lines == ["Stopped by SIGTERM; every note is in the journal", "Journal: j", "Report:  r"]


DATA = Path(__file__).resolve().parent.parent / "data"
IMPORTED = {"es": (DATA / "zoom_chat" / "diesis_es_oneline.txt", DATA / "transcripts" / "diesis_es_transcript.vtt"),
            "fr": (DATA / "zoom_chat" / "fr_oneline.txt", DATA / "transcripts" / "atelier_fr_transcript.vtt")}


def _scenario_journal(tmp_path: Path, language: str) -> Path:
    from unit.test_report_golden import SCENARIOS

    return SCENARIOS[language].journal(tmp_path / "live.journal.jsonl")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_post_session_commands_speak_the_session_s_language(language, tmp_path, capsys):
    """``chat`` (again, --replace, this computer's zone), ``webinar`` (Q&A, poll), ``transcript`` (with and
    without --started): what each says it did, and how it read the times."""
    journal = _scenario_journal(tmp_path, language)
    chat, vtt = IMPORTED[language]
    webinar = DATA / "webinar"
    commands = [["chat", str(journal), str(chat), "--zone", "Europe/Madrid"],
                ["chat", str(journal), str(chat), "--zone", "Europe/Madrid", "--replace"],
                ["chat", str(journal), str(chat)],
                ["webinar", str(journal), str(webinar / "diesis_es_qa.csv"), "--zone", "Europe/Madrid"],
                ["webinar", str(journal), str(webinar / "diesis_es_poll.csv")],
                ["transcript", str(journal), str(vtt)],
                ["transcript", str(journal), str(vtt), "--started", "21:32"]]
    said = []
    for command in commands:
        assert main(command) == 0, command
        out, err = capsys.readouterr()
        assert out and err.startswith("moderator: "), command
        said.append(out + err)
    inputs = "".join(path.read_text(encoding="utf-8") for path in (chat, vtt, *webinar.glob("*.csv")))
    for text in said:
        shown = without_paths(text)
        assert english_left(shown, language) == [], text
        programme_text = PROGRAMMES[language].read_text(encoding="utf-8")
        assert english_words_left(shown, language, programme_text + inputs) == [], text
    everything = "\n".join(said)
    assert {"es": "ya estaban en el diario", "fr": "déjà dans le journal"}[language] in everything
    assert {"es": "la zona de este ordenador", "fr": "le fuseau de cet ordinateur"}[language] in everything


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_post_session_commands_refuse_in_the_session_s_language(language, tmp_path, capsys):
    """A console holding the journal, a file that is not a chat, a bad --started, an unknown --zone."""
    from moderator.locking import FileLock

    journal = _scenario_journal(tmp_path, language)
    chat, vtt = IMPORTED[language]
    not_a_chat = tmp_path / "chat.txt"
    not_a_chat.write_bytes(b"\x00\x01binary")
    with FileLock(journal, role="console"):  # what a console does while it runs
        for command in (["chat", str(journal), str(chat)], ["review", str(journal)],
                        ["transcript", str(journal), str(vtt)], ["webinar", str(journal), str(chat)]):
            assert main(command) == 2
    refusals = capsys.readouterr().err.splitlines()
    assert len(refusals) == 4
    for command in (["chat", str(journal), str(not_a_chat)], ["transcript", str(journal), str(not_a_chat)],
                    ["transcript", str(journal), str(vtt), "--started", "noon"],
                    ["webinar", str(journal), str(not_a_chat)], ["chat", str(journal), str(chat), "--zone", "Mars/X"],
                    ["transcript", str(journal), str(vtt), "--zone", "Mars/X"]):
        assert main(command) == 2
    refusals += capsys.readouterr().err.splitlines()
    assert len(refusals) == 10
    for refusal in refusals:
        _no_english(refusal.replace("moderator run", " ").replace("WEBVTT", " "), language)
    assert {"es": "una consola está ejecutando esta sesión", "fr": "une console exécute cette session"}[language] \
        in refusals[0]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_host_s_chat_and_sharing_toasts_speak_the_session_s_language(in_tmp, clock, language):
    """How the followed chat's times are read, why the chat file cannot be read, and why sharing failed
    (its port taken)."""
    import socket

    from moderator.host import Host, HostOptions
    from moderator.share.options import ShareOptions
    from moderator.tui.app import ModeratorApp

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        host = Host(HostOptions(PROGRAMMES[language], chat=in_tmp / "chat.txt", zone="Europe/Madrid",
                                share=ShareOptions(host="127.0.0.1", port=port, port_given=True)), clock=clock)
        app = ModeratorApp(host.run, host=host, tick=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            (in_tmp / "chat.txt").write_bytes(b"\x00\x01 not a chat")
            await host.poll_chat()
            app._say_chat_problem()  # (what its interval does every poll)
            await pilot.pause()
            told = "\n".join(f"{note.title}: {note.message}" for note in app._notifications)
    host.close()
    assert host.sharing is None and "--listen" in told and "Europe/Madrid" in told
    assert {"es": "el archivo del chat no es texto", "fr": "le fichier du chat n'est pas du texte"}[language] in told
    _no_english(re.sub(r"\(error while attempting to bind[^\n]*", "", told), language)  # (the system's own words)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_seat_says_what_follows_the_host_s_welcome_in_the_session_s_language(language, tmp_path):
    """A seat the host no longer knows, with a damaged outbox, leaving a note unacknowledged: what it says
    after the welcome and once its console closed is in the session's language, its toast too."""
    import asyncio

    from seat_helpers import RAPPORTEUR_TOKEN, free_port, serve_host

    from moderator.share.remote_engine import SeatEngine
    from moderator.share.seat_client import SeatClient
    from moderator.tui.join import SeatRun, _damage, damage_words, goodbye_words, welcome_words

    port = free_port()
    ready = asyncio.Event()
    hosting = asyncio.ensure_future(serve_host(PROGRAMMES[language], tmp_path / "out", port, ready))
    url = f"http://127.0.0.1:{port}/seat/{RAPPORTEUR_TOKEN}"
    folder = tmp_path / "seat"
    first = SeatClient(url, name="Ana", folder=folder)  # where this seat keeps its outbox and identity
    outbox, identity = first.outbox.path, first.identity_path
    first.close()
    outbox.write_bytes(b"not a command\n")
    identity.write_text(json.dumps({"seat_id": "seat-0badf00d", "seat_secret": "not the host's"}), encoding="utf-8")
    client = SeatClient(url, name="Ana", folder=folder)
    try:
        await asyncio.wait_for(ready.wait(), 10)
        runner = asyncio.ensure_future(client.run())
        await client.wait_welcomed(10)
        engine = SeatEngine(client)
        assert engine.programme.session.language == language
        welcome = welcome_words(client, engine.programme.session.language)
        client.stop()
        await asyncio.wait_for(runner, 5)
        client.send_durable("add_note", {"text": "typed as the host went away"})
        goodbye = goodbye_words(client, language)
        app = ModeratorApp(SeatRun(engine, rehearsal=False, warnings=_damage(client)), tick=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            toasts = "\n".join(app.console_screen.toasts.history)
    finally:
        client.close()
        hosting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await hosting
    assert len(welcome) == 1 and len(goodbye) == 2, (welcome, goodbye)
    assert damage_words(client, "en")[0].startswith("1 damaged line(s) in the seat's outbox")
    for text in (*welcome, *goodbye, toasts):
        _no_english(text, language)
    assert {"es": "El anfitrión no conocía este puesto", "fr": "L'hôte ne connaissait pas ce poste"}[language] \
        in welcome[0]
    assert {"es": "1 orden(es) aún sin confirmar", "fr": "1 commande(s) pas encore"}[language] in goodbye[1]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_report_that_cannot_be_written_is_said_in_the_session_s_language(language, tmp_path, capsys):
    journal = _scenario_journal(tmp_path, language)
    out = tmp_path / "no-such-folder" / "report.md"
    assert main(["report", str(journal), "-o", str(out)]) == 2
    refusal = capsys.readouterr().err
    assert refusal.startswith(f"moderator: {out}") and refusal.count("\n") == 1
    assert {"es": "no se puede escribir el informe", "fr": "impossible d'écrire le rapport"}[language] in refusal
    _no_english(refusal.replace("No such file or directory", " "), language)  # (the system's own words)
