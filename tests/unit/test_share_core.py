"""Sharing's pure parts on a fake clock: the stage signals as journal events, the page snapshot,
the remote commands, the tokens and the links files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from helpers_engine import DURATIONS, KIM, LEYTON, journal_events, new_engine, replay_file, workshop

from moderator.report.build import build_report
from moderator.session import events as ev
from moderator.session.engine import CommandRefused
from moderator.session.events import EventError, decode, decode_line, encode
from moderator.share.commands import BadCommand, run_command
from moderator.share.links import links, qr_text, read_links, write_links
from moderator.share.page_snapshot import PAGE_WORDS, page_labels, page_snapshot
from moderator.share.tokens import Role, Tokens, load_or_create, tokens_path

pytestmark = pytest.mark.unit


# ------------------------------------------------------------------ journal events


def test_messages_flash_and_blackout_are_journalled_and_replayed(tmp_path: Path) -> None:
    engine, clock = new_engine(tmp_path)
    engine.start(KIM)
    clock.advance(480)
    engine.show_message("  2 minutes\tleft  ")
    clock.advance(30)
    engine.set_flash(True)
    engine.set_blackout(True)
    engine.set_flash(False)
    engine.clear_message()
    written = journal_events(tmp_path / "session.journal.jsonl")
    kinds = [(e["type"], e.get("text"), e.get("on"), e.get("segment")) for e in written[2:]]
    assert kinds == [
        ("message_shown", "2 minutes left", None, KIM), ("flash", None, True, KIM), ("blackout", None, True, KIM),
        ("flash", None, False, KIM), ("message_cleared", None, None, KIM),
    ]
    replayed = replay_file(workshop(), tmp_path / "session.journal.jsonl")
    assert replayed.stage_message is None and replayed.blackout and not replayed.flash
    assert [(s.kind, s.text, s.t) for s in replayed.stage_signals][:2] == [
        ("message_shown", "2 minutes left", 480.0), ("flash", None, 510.0)]


def test_a_new_message_has_a_new_id_even_with_the_same_words() -> None:
    engine, _ = new_engine()
    engine.start()
    engine.show_message("Please wrap up")
    first = engine.state.stage_message
    engine.show_message("Please wrap up")
    assert first is not None and engine.state.stage_message is not None
    assert engine.state.stage_message.id != first.id


@pytest.mark.parametrize("command", [
    lambda e: e.show_message("   "), lambda e: e.show_message("x" * (ev.MAX_STAGE_MESSAGE + 1)),
    lambda e: e.clear_message(), lambda e: e.set_flash(False), lambda e: e.set_blackout(False),
])
def test_pointless_signals_are_refused_with_a_reason(command) -> None:
    engine, _ = new_engine()
    with pytest.raises(CommandRefused):
        command(engine)
    assert engine.state.stage_signals == []


def test_the_signals_decode_with_their_bounds() -> None:
    shown = ev.MessageShown(text="Louder please", segment=3, t=1.0, wall="2021-10-08T09:00:01+00:00")
    assert decode_line(encode(shown)) == shown
    with pytest.raises(EventError, match="longer than"):
        decode({"type": "message_shown", "t": 0, "wall": "2021-10-08T09:00:00+00:00", "text": "x" * 281})
    with pytest.raises(EventError, match="missing 'on'"):
        decode({"type": "flash", "t": 0, "wall": "2021-10-08T09:00:00+00:00"})


# ------------------------------------------------------------------ the page snapshot


def test_the_stage_snapshot_carries_the_deadline_on_the_host_clock_and_no_agenda() -> None:
    engine, clock = new_engine()
    engine.start(KIM)
    clock.advance(100.25)
    engine.show_message("2 minutes left")
    page = page_snapshot(engine.programme, engine.state, engine.snapshot(), 5000.0)
    assert page["deadline_host_t"] == pytest.approx(5000.0 + DURATIONS[KIM] - 100.25)
    assert page["remaining_s"] == pytest.approx(DURATIONS[KIM] - 100.25)
    assert page["segment"] == {"number": KIM + 1, "count": 10, "title": engine.programme.segments[KIM].title,
                               "kind": "speaker", "speakers": ["Young Kim"]}
    assert page["next"]["speakers"] == ["Eric Leyton Inostroza"]
    assert page["next"]["duration_s"] == DURATIONS[LEYTON]
    assert page["message"] == {"text": "2 minutes left", "id": engine.state.stage_message.id}  # type: ignore[union-attr]
    assert page["status"] == "running" and page["rate"] == 1.0
    assert not {"agenda", "pace_s", "projected_end", "zones"} & page.keys()


def test_backstage_gets_the_agenda_pace_and_projected_end_in_every_zone() -> None:
    engine, clock = new_engine()
    engine.start()
    clock.advance(DURATIONS[0] + 30)
    engine.next()
    page = page_snapshot(engine.programme, engine.state, engine.snapshot(), 0.0, role=Role.BACKSTAGE)
    assert page["zones"] == ["Seoul", "UTC", "Mexico City", "Brussels"][: len(page["zones"])]
    assert [row["status"] for row in page["agenda"][:3]] == ["done", "current", "next"]
    assert page["agenda"][0]["actual_s"] == DURATIONS[0] + 30
    assert page["agenda"][0]["planned_start"]["Seoul"] == "18:00"
    assert page["pace_s"] == 30.0
    assert page["projected_end"]["Seoul"] == "19:30"


def test_paused_there_is_no_deadline_and_a_faster_rehearsal_scales_it() -> None:
    engine, clock = new_engine()
    engine.start()
    clock.advance(20)
    fast = page_snapshot(engine.programme, engine.state, engine.snapshot(), 10.0, rate=4.0)
    assert fast["deadline_host_t"] == pytest.approx(10.0 + (DURATIONS[0] - 20) / 4)
    engine.pause()
    paused = page_snapshot(engine.programme, engine.state, engine.snapshot(), 10.0)
    assert paused["deadline_host_t"] is None and paused["remaining_s"] == DURATIONS[0] - 20


def test_the_pages_words_come_from_the_catalogs() -> None:
    english = page_labels("en")
    assert english == PAGE_WORDS
    assert page_labels("es")["next"] == "Siguiente"


# ------------------------------------------------------------------ remote commands


def test_remote_commands_are_the_engine_s_commands() -> None:
    engine, clock = new_engine()
    run_command(engine, "start", {})
    clock.advance(10)
    run_command(engine, "adjust", {"seconds": -60})
    run_command(engine, "next", None)
    run_command(engine, "message", {"text": "Look at the chat"})
    run_command(engine, "flash", {})
    run_command(engine, "blackout", {"on": True})
    run_command(engine, "toggle", {})
    assert engine.state.current == 1 and engine.state.flash and engine.state.blackout
    assert engine.state.status.value == "paused"
    with pytest.raises(CommandRefused):
        run_command(engine, "pause", {})
    for wrong in [("launch", {}), ("adjust", {"seconds": "60"}), ("adjust", {"seconds": 10**9}),
                  ("message", {"text": 3}), ("flash", {"on": "yes"}), ("next", [1])]:
        with pytest.raises(BadCommand):
            run_command(engine, *wrong)


# ------------------------------------------------------------------ tokens and links


def mode_of(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_tokens_are_kept_with_the_run_private_and_replaced_on_request(tmp_path: Path) -> None:
    path = tokens_path(tmp_path / "live.journal.jsonl")
    assert path.name == "live.share.json"
    first = load_or_create(path)
    assert mode_of(path) == 0o600
    assert len({first.token(role) for role in Role}) == len(Role)
    assert all(len(first.token(role)) >= 32 for role in Role)
    assert load_or_create(path) == first
    os.chmod(path, 0o644)
    renewed = load_or_create(path, renew=True)
    assert mode_of(path) == 0o600
    assert all(renewed.token(role) != first.token(role) for role in Role)


def test_a_token_names_its_role_and_nothing_else_does() -> None:
    tokens = Tokens.new()
    for role in Role:
        assert tokens.role_of(tokens.token(role)) is role
    stage = tokens.token(Role.STAGE)
    for wrong in ["", stage[:-1], stage + "x", stage.upper(), "\udcff" + stage[1:]]:
        assert tokens.role_of(wrong) is None
    assert stage not in repr(tokens) and stage not in str(tokens)


def test_links_file_is_private_with_one_role_and_url_a_line(tmp_path: Path) -> None:
    tokens = Tokens.new()
    found = links("http://192.0.2.7:8765", tokens)
    path = write_links(tmp_path, found)
    assert mode_of(path) == 0o600
    lines = path.read_text().splitlines()
    assert lines[0] == f"stage http://192.0.2.7:8765/stage/{tokens.token(Role.STAGE)}"
    assert [line.split()[0] for line in lines[:len(Role)]] == [role.value for role in Role]
    assert lines[len(Role)] == ""  # then each link's QR code, under its role and URL
    rapporteur = found[-1].url
    assert f"# rapporteur {rapporteur}" in lines
    start = lines.index(f"# rapporteur {rapporteur}") + 1
    assert "\n".join(lines[start:start + len(qr_text(rapporteur).splitlines())]) == qr_text(rapporteur)



def test_links_read_back_as_written_whatever_the_qr_codes_hold(tmp_path: Path) -> None:
    """Scripts (benchmarks, tests, a person's own) read ``links.txt`` through ``read_links``: only its
    ``ROLE URL`` lines count, never a QR caption or a line of blocks."""
    found = links("http://192.0.2.7:8765", Tokens.new())
    read = read_links(write_links(tmp_path, found).read_text())
    assert read == {link.role.value: link.url for link in found}
    assert read_links("# stage http://elsewhere/\n██ ▀▀\nstage\nspeaker http://x/\n") == {}


def test_the_qr_code_is_square_blocks() -> None:
    code = qr_text("http://192.0.2.7:8765/stage/abc").splitlines()
    assert len({len(line) for line in code}) == 1
    assert len(code[0]) >= 25 and set("".join(code)) <= set("█▀▄ ")


# ------------------------------------------------------------------ the report


def test_the_report_s_timing_shows_when_the_speaker_was_signalled() -> None:
    from moderator.report.markdown import render_markdown

    engine, clock = new_engine()
    engine.start(KIM)
    clock.advance(480)
    engine.show_message("2 minutes left")
    clock.advance(125)
    engine.set_flash(True)
    text = render_markdown(build_report(engine.programme, engine.state))
    timing = text.split("## Timing", 1)[1]
    assert "**Signals to the speakers**" in timing
    assert "- **18:08:00** message “2 minutes left” — 4. Network of local governments promoting SSE" in timing
    assert "- **18:10:05** flash — 4." in timing


def test_a_report_without_signals_has_no_such_part() -> None:
    engine, _ = new_engine()
    engine.start()
    assert "Signals to the speakers" not in str(build_report(engine.programme, engine.state))


# ------------------------------------------------------------------ the command line


@pytest.mark.parametrize("arguments, message", [
    (["--listen", "0.0.0.0:99999"], "--listen 0.0.0.0:99999: the port must be a number from 1 to 65535"),
    (["--listen", "host:http"], "--listen host:http: the port must be"),
    (["--public-url", "stage.example.org"], "--public-url stage.example.org: expected http(s)://"),
    (["--tls-cert", "cert.pem"], "--tls-cert and --tls-key go together"),
    (["--tls-cert", "missing.pem", "--tls-key", "missing.key"], "missing.pem: cannot use this certificate"),
])
def test_bad_sharing_options_are_one_line_and_status_2(arguments: list[str], message: str,
                                                      capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from moderator.cli import main

    monkeypatch.chdir(tmp_path)
    programme = Path(__file__).resolve().parents[2] / "sessions" / "gsef2021-workshop-alliances.toml"
    assert main(["rehearse", str(programme), "--share", *arguments]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and message in error


def test_listen_forms() -> None:
    from moderator.share.hosting import parse_listen

    assert parse_listen("0.0.0.0:8800") == ("0.0.0.0", 8800)
    assert parse_listen(":8800") == ("0.0.0.0", 8800)
    assert parse_listen("192.168.1.5") == ("192.168.1.5", None)
    assert parse_listen("[::]:8765") == ("::", 8765)


def test_before_the_start_the_stage_shows_the_first_segment_waiting_with_its_full_time() -> None:
    engine, _ = new_engine()
    page = page_snapshot(engine.programme, engine.state, engine.snapshot(), 1.0)
    assert page["status"] == "not_started" and page["deadline_host_t"] is None
    assert page["segment"]["number"] == 1 and page["remaining_s"] == DURATIONS[0]
    assert page["next"]["title"] == engine.programme.segments[1].title


def test_who_can_reach_the_server_is_said_in_the_session_s_language() -> None:
    from moderator.i18n import translator
    from moderator.share.links import open_interfaces

    assert open_interfaces("127.0.0.1", 8765).startswith("Listening on 127.0.0.1:8765: this computer only")
    assert open_interfaces("127.0.0.1", 8765, translator("es")).startswith("Escuchando en 127.0.0.1:8765")
    assert open_interfaces("192.0.2.7", 80, translator("fr")).startswith("À l’écoute sur 192.0.2.7:80")
