"""Issue 25 on a fake clock: a message leaves the stage with its speaker (unless kept for the next
one), and a session that flows moves on, and ends, by itself when a segment's time is up. Both are
journal facts: a restart (a replay) finds what the live engine did, and old journals read as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers_engine import (
    DISCUSSION,
    DURATIONS,
    KIM,
    LEYTON,
    at,
    journal_events,
    new_engine,
    programme_toml,
    replay_file,
    workshop,
    write_programme,
)

from moderator.problems import ProgrammeError
from moderator.programme import Programme
from moderator.programme.loading import parse_programme
from moderator.session import events as ev
from moderator.session.clock import FakeClock
from moderator.session.engine import Engine
from moderator.session.journal import Journal, read_journal
from moderator.session.state import Status

pytestmark = pytest.mark.unit


# ------------------------------------------------------------------ item 1: the message leaves with its speaker


def test_a_message_is_cleared_when_the_segment_changes_and_a_restart_finds_it_gone(tmp_path: Path) -> None:
    engine, clock = new_engine(tmp_path)
    engine.start(KIM)
    clock.advance(500)
    engine.show_message("Por favor, vaya terminando")
    engine.set_flash(True)
    clock.advance(100)
    engine.next()
    assert engine.state.stage_message is None and not engine.state.flash
    written = journal_events(tmp_path / "session.journal.jsonl")
    assert [(e["type"], e.get("via"), e.get("segment")) for e in written[-3:]] == [
        ("message_cleared", "segment", KIM), ("flash", "segment", KIM), ("moved", "next", LEYTON)]
    assert written[-3]["t"] == written[-1]["t"] == 600.0
    replayed = replay_file(workshop(), tmp_path / "session.journal.jsonl")
    assert replayed.stage_message is None and not replayed.flash
    assert not engine.state.blackout, "the blackout is the moderator's to end (a break, a video)"


def test_a_message_kept_for_the_next_speaker_stays_one_change_then_leaves_with_them(tmp_path: Path) -> None:
    engine, _ = new_engine(tmp_path)
    engine.start(KIM)
    engine.show_message("Slides: press F5", keep=True)
    engine.next()
    kept = engine.state.stage_message
    assert kept is not None and kept.text == "Slides: press F5" and not kept.keep, "kept: the next speaker's now"
    # A restart here (a replay of the journal) finds the same: on stage, no longer to be kept.
    replayed = replay_file(workshop(), tmp_path / "session.journal.jsonl")
    assert replayed.stage_message is not None and not replayed.stage_message.keep
    engine.next()
    assert engine.state.stage_message is None
    assert journal_events(tmp_path / "session.journal.jsonl")[-2]["type"] == "message_cleared"


def test_previous_goto_start_and_end_take_the_message_too() -> None:
    engine, _ = new_engine()
    engine.show_message("We start in two minutes")
    engine.start()
    assert engine.state.stage_message is None, "before the start: it was for the waiting room"
    for move in (engine.next, engine.previous, lambda: engine.goto(DISCUSSION)):
        engine.show_message("Please wrap up")
        move()
        assert engine.state.stage_message is None
    engine.show_message("Thank you", keep=True)
    engine.end()
    assert engine.state.stage_message is None, "at the end there is no next speaker to keep it for"


def test_a_journal_written_before_keep_existed_reads_as_it_did(tmp_path: Path) -> None:
    """Its messages stayed on until cleared: replayed, they still do (no event is invented)."""
    lines = [
        {"type": "opened", "t": 0.0, "wall": at(0), "version": 1, "programme": "p.toml", "segments": 10},
        {"type": "started", "t": 1.0, "wall": at(1), "segment": KIM},
        {"type": "message_shown", "t": 2.0, "wall": at(2), "text": "Por favor, vaya terminando", "segment": KIM},
        {"type": "moved", "t": 3.0, "wall": at(3), "segment": LEYTON, "via": "next"},
        {"type": "ended", "t": 4.0, "wall": at(4), "segment": LEYTON},
    ]
    path = tmp_path / "old.journal.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    contents = read_journal(path)
    assert contents.warnings == [] if hasattr(contents, "warnings") else True
    state = replay_file(workshop(), path)
    assert state.stage_message is not None and state.stage_message.text == "Por favor, vaya terminando"
    assert [s.kind for s in state.stage_signals] == ["message_shown"]


def test_keep_and_via_are_bounded_fields_of_their_events() -> None:
    shown = ev.decode({"type": "message_shown", "t": 1, "wall": "2021-10-08T09:00:00+00:00", "text": "hi",
                       "keep": True})
    assert isinstance(shown, ev.MessageShown) and shown.keep is True
    with pytest.raises(ev.EventError, match="keep"):
        ev.decode({"type": "message_shown", "t": 1, "wall": "2021-10-08T09:00:00+00:00", "text": "hi", "keep": "yes"})
    with pytest.raises(ev.EventError, match="via"):
        ev.decode({"type": "message_cleared", "t": 1, "wall": "2021-10-08T09:00:00+00:00", "via": "x" * 33})
    assert b'"keep"' not in ev.encode(ev.MessageShown(text="hi")), "not kept: the line is as before"


# ------------------------------------------------------------------ item 4: a session that flows


def _flowing(tmp_path: Path, flow: str = "breaks", extra: dict[int, str] | None = None) -> Programme:
    text = programme_toml([("other", "Talk", "10m"), ("break", "Coffee", "5m"), ("other", "Panel", "10m"),
                           ("closing", "Closing", "5m")], extra_segment_keys=extra)
    text = text.replace("[session]\n", f'[session]\nflow = "{flow}"\n', 1)
    return write_programme(tmp_path, text)


def test_a_break_moves_on_by_itself_at_the_second_its_time_is_up(tmp_path: Path) -> None:
    programme = _flowing(tmp_path)
    engine, clock = new_engine(tmp_path, programme=programme)
    engine.start()
    clock.advance(900)
    assert engine.flow() is None, "a talk is the moderator's to end, even in overtime"
    engine.next()
    engine.show_message("Back at 15:30")
    clock.advance(299)
    assert engine.flow() is None
    clock.advance(3.5)  # the console's tick comes a little late: the move is dated when time was up
    moved = engine.flow()
    assert isinstance(moved, ev.Moved) and moved.via == ev.FLOW and moved.segment == 2
    assert moved.t == pytest.approx(900 + 300)
    assert engine.state.stage_message is None, "the break's message went with it"
    assert engine.state.segments[1].spent == pytest.approx(300)
    assert engine.remaining() == pytest.approx(600 - 2.5)


def test_the_session_ends_by_itself_when_the_last_segment_s_time_is_up(tmp_path: Path) -> None:
    programme = _flowing(tmp_path)
    engine, clock = new_engine(tmp_path, programme=programme)
    engine.goto(3)
    clock.advance(300 + 445)  # a rehearsal's +07:25: not any more
    ended = engine.flow()
    assert isinstance(ended, ev.Ended) and ended.via == ev.FLOW
    assert engine.status is Status.ENDED and engine.state.ended_t == pytest.approx(300)
    assert journal_events(tmp_path / "session.journal.jsonl")[-1]["via"] == "flow"


def test_all_flows_every_segment_and_a_restart_moves_on_from_what_ran_out_meanwhile(tmp_path: Path) -> None:
    """The journal never goes back in time: a talk that ran out while the laptop rebooted moves on at
    the restart (the gap counted in it, as always), and the break after it starts then, whole."""
    programme = _flowing(tmp_path, "all", extra={2: "flow = false"})
    engine, clock = new_engine(tmp_path, programme=programme)
    engine.start()
    engine.journal.close()  # type: ignore[union-attr]  # the laptop crashes during the talk
    clock.advance(600 + 60)  # ... and comes back a minute after the talk's time was up
    contents = read_journal(tmp_path / "session.journal.jsonl")
    resumed, _ = Engine.reopen(programme, clock, Journal(tmp_path / "session.journal.jsonl"), contents.events)
    moved = resumed.flow()
    assert isinstance(moved, ev.Moved) and (moved.segment, moved.t, moved.via) == (1, 660.0, "flow")
    assert resumed.state.segments[0].spent == pytest.approx(660)
    clock.advance(300)
    assert resumed.flow() is not None and resumed.state.current == 2
    clock.advance(700)
    assert resumed.flow() is None, "flow = false: the panel is the moderator's to end"
    assert resumed.state.current == 2


def test_no_flow_while_paused_nor_into_a_segment_gone_back_to_after_its_time(tmp_path: Path) -> None:
    programme = _flowing(tmp_path)
    engine, clock = new_engine(tmp_path, programme=programme)
    engine.goto(1)
    clock.advance(200)
    engine.pause()
    clock.advance(500)
    assert engine.flow() is None and engine.state.current == 1
    engine.resume()
    clock.advance(100)
    assert engine.flow() is not None and engine.state.current == 2
    engine.previous()  # the moderator takes the used-up break back by hand
    clock.advance(5)
    assert engine.flow() is None and engine.state.current == 1


def test_flow_is_off_unless_asked_and_the_command_line_can_set_it(tmp_path: Path) -> None:
    engine, clock = new_engine()
    engine.start()
    clock.advance(sum(DURATIONS) + 600)
    assert engine.flow() is None and engine.status is Status.RUNNING
    programme = workshop().with_flow("all")
    flowing, clock = new_engine(programme=programme, clock=FakeClock())
    flowing.start()
    clock.advance(sum(DURATIONS) + 1)
    assert isinstance(flowing.flow(), ev.Ended)
    assert [e.segment for e in flowing.history if isinstance(e, ev.Moved)] == list(range(1, len(DURATIONS)))


def test_the_programme_s_flow_field_is_checked(tmp_path: Path) -> None:
    base = programme_toml([("break", "Coffee", "5m")])
    assert parse_programme(base.encode(), "p.toml").session.flow == "off"
    flowing = base.replace("[session]\n", "[session]\nflow = true\n")
    assert parse_programme(flowing.encode(), "p.toml").session.flow == "all"
    with pytest.raises(ProgrammeError, match=r"p.toml:2: \[session\].flow must be one of off, breaks, all"):
        parse_programme(base.replace("[session]\n", '[session]\nflow = "sometimes"\n').encode(), "p.toml")
    ignored_text = programme_toml([("break", "Coffee", "5m")], extra_segment_keys={0: "flow = true"})
    ignored = parse_programme(ignored_text.encode(), "p.toml")
    assert any("flow is ignored" in str(w) for w in ignored.warnings)
    with pytest.raises(ProgrammeError, match="must be true or false"):
        parse_programme(programme_toml([("break", "Coffee", "5m")], extra_segment_keys={0: 'flow = "yes"'})
                        .replace("[session]\n", '[session]\nflow = "breaks"\n').encode(), "p.toml")


# ------------------------------------------------------------------ item 6: the time signal never overstates


@pytest.mark.parametrize(("left", "said"), [
    (11 * 60 + 45, "Young Kim: 11 minutes left"), (12 * 60, "Young Kim: 12 minutes left"),
    (60.4, "Young Kim: 1 minute left"), (59.9, "Young Kim: 59 seconds left"), (0.5, "Young Kim: 1 second left"),
])
def test_the_chat_signal_never_says_more_time_than_is_left(left: float, said: str) -> None:
    from moderator.session.signals import chat_signal

    engine, clock = new_engine()
    engine.start(KIM)
    engine.adjust(600)  # 20 minutes in all
    clock.advance(DURATIONS[KIM] + 600 - left)
    assert chat_signal(engine.programme, engine.snapshot()) == said
