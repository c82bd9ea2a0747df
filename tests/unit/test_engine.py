"""The engine on a fake clock: every command, and every derived value at a given clock reading.

The programme is the real GSEF2021 workshop (10 segments, 90 minutes, 18:00 Asia/Seoul =
09:00 UTC); segment durations are in ``helpers_engine.DURATIONS``.
"""

from __future__ import annotations

import copy
import errno
import os
from pathlib import Path

import pendulum
import pytest
from helpers_engine import (
    CHECK,
    CLOSING,
    DISCUSSION,
    DURATIONS,
    INTRO_MODERATOR,
    INTRO_SESSION,
    KIM,
    LEYTON,
    LUYIGA,
    PRINTED_START,
    QA,
    VANDENBORRE,
    at,
    fake_clock,
    journal_events,
    journal_file,
    new_engine,
    programme_toml,
    replay_file,
    workshop,
    write_programme,
)

from moderator.session.clock import FakeClock, ScaledClock
from moderator.session.engine import CommandRefused, Engine, replay_state
from moderator.session.events import to_dict
from moderator.session.journal import Journal, JournalError, read_journal
from moderator.session.snapshot import Level, SegmentStatus, take_snapshot
from moderator.session.state import Status

TOTAL = sum(DURATIONS)


# ----------------------------------------------------------------------------- opening


def test_the_first_event_records_programme_path_hash_and_mode(tmp_path):
    engine, _ = new_engine(tmp_path, mode="rehearsal")
    events = journal_events(journal_file(engine))
    assert len(events) == 1
    opened = events[0]
    assert opened["type"] == "opened"
    assert opened["programme"] == workshop().path
    assert opened["sha256"] == workshop().sha256
    assert len(opened["sha256"]) == 64
    assert opened["mode"] == "rehearsal"
    assert opened["segments"] == 10
    assert opened["t"] == 0.0
    assert opened["wall"] == at(0)
    assert engine.state.programme_sha256 == workshop().sha256


def test_before_the_start_nothing_runs():
    engine, clock = new_engine()
    clock.advance(600)
    snap = engine.snapshot()
    assert engine.status is Status.NOT_STARTED
    assert snap.current is None and snap.segment is None
    assert snap.next_segment == workshop().segments[CHECK]
    assert snap.remaining == DURATIONS[CHECK]
    assert snap.segment_elapsed == 0 and snap.session_elapsed == 0
    assert snap.level is Level.OK


# ----------------------------------------------------------------------------- start


def test_start_runs_the_first_segment_and_records_the_actual_start():
    engine, clock = new_engine()
    clock.advance(5)
    engine.start()
    assert engine.status is Status.RUNNING
    assert engine.state.current == CHECK
    assert engine.state.started_t == 5.0
    assert engine.state.started_wall == at(5)
    assert engine.state.segments[CHECK].first_started_wall == at(5)
    assert engine.state.segments[CHECK].visits == 1
    clock.advance(10)
    assert engine.remaining() == 50


def test_start_at_a_chosen_segment():
    engine, clock = new_engine()
    engine.start(KIM)
    assert engine.state.current == KIM
    clock.advance(1)
    assert engine.remaining() == DURATIONS[KIM] - 1


@pytest.mark.parametrize("segment", [-1, 10, 99])
def test_start_at_a_missing_segment_is_refused(segment):
    engine, _ = new_engine()
    with pytest.raises(CommandRefused, match="no segment"):
        engine.start(segment)
    assert engine.status is Status.NOT_STARTED


def test_start_twice_is_refused():
    engine, _ = new_engine()
    engine.start()
    with pytest.raises(CommandRefused, match="already started"):
        engine.start()


# ----------------------------------------------------------------------------- pause, resume


def test_pause_freezes_the_countdown_and_records_the_pause():
    engine, clock = new_engine()
    engine.start(KIM)
    clock.advance(20)
    engine.pause()
    assert engine.status is Status.PAUSED
    assert engine.remaining() == 580
    clock.advance(100)
    assert engine.remaining() == 580
    assert engine.snapshot().segment_elapsed == 20
    engine.resume()
    clock.advance(5)
    assert engine.remaining() == 575
    actual = engine.state.segments[KIM]
    assert actual.pauses == 1
    assert actual.paused_seconds == 100


def test_several_pauses_add_up():
    engine, clock = new_engine()
    engine.start()
    for _ in range(3):
        clock.advance(4)
        engine.pause()
        clock.advance(30)
        engine.resume()
    assert engine.state.segments[CHECK].pauses == 3
    assert engine.state.segments[CHECK].paused_seconds == 90
    assert engine.remaining() == 60 - 12


def test_pause_is_refused_unless_running():
    engine, _ = new_engine()
    with pytest.raises(CommandRefused, match="not running"):
        engine.pause()
    engine.start()
    engine.pause()
    with pytest.raises(CommandRefused, match="not running"):
        engine.pause()
    engine.end()
    with pytest.raises(CommandRefused):
        engine.pause()


def test_resume_is_refused_unless_paused():
    engine, _ = new_engine()
    with pytest.raises(CommandRefused, match="not paused"):
        engine.resume()
    engine.start()
    with pytest.raises(CommandRefused, match="not paused"):
        engine.resume()


def test_toggle_starts_pauses_resumes_and_then_is_refused():
    engine, _ = new_engine()
    assert engine.toggle() == "started"
    assert engine.toggle() == "paused"
    assert engine.toggle() == "resumed"
    assert engine.status is Status.RUNNING
    engine.end()
    with pytest.raises(CommandRefused, match="ended"):
        engine.toggle()


# ----------------------------------------------------------------------------- next, previous, goto


def test_next_moves_on_and_records_when_the_segment_was_left():
    engine, clock = new_engine()
    engine.start()
    clock.advance(75)
    engine.next()
    assert engine.state.current == INTRO_MODERATOR
    check = engine.state.segments[CHECK]
    assert check.spent == 75
    assert check.last_left_t == 75 and check.last_left_wall == at(75)
    assert engine.state.segments[INTRO_MODERATOR].first_started_wall == at(75)
    assert engine.remaining() == DURATIONS[INTRO_MODERATOR]


def test_next_before_the_start_and_on_the_last_segment_is_refused():
    engine, _ = new_engine()
    with pytest.raises(CommandRefused, match="not started"):
        engine.next()
    engine.start(CLOSING)
    with pytest.raises(CommandRefused, match="last segment"):
        engine.next()
    assert engine.state.current == CLOSING
    assert engine.status is Status.RUNNING


def test_switching_segment_while_paused_resumes_running():
    engine, clock = new_engine()
    engine.start()
    clock.advance(10)
    engine.pause()
    clock.advance(50)
    engine.next()
    assert engine.status is Status.RUNNING
    assert engine.state.segments[CHECK].paused_seconds == 50
    assert engine.state.segments[CHECK].spent == 10
    clock.advance(7)
    assert engine.remaining() == DURATIONS[INTRO_MODERATOR] - 7
    engine.pause()
    engine.previous()
    assert engine.status is Status.RUNNING
    engine.pause()
    engine.goto(KIM)
    assert engine.status is Status.RUNNING


def test_going_back_continues_the_segment_s_accumulated_time():
    engine, clock = new_engine()
    engine.start()
    clock.advance(30)
    engine.next()
    clock.advance(100)
    engine.previous()
    assert engine.state.current == CHECK
    assert engine.remaining() == 30
    assert engine.state.segments[CHECK].visits == 2
    clock.advance(40)
    assert engine.remaining() == -10
    engine.next()
    assert engine.remaining() == DURATIONS[INTRO_MODERATOR] - 100
    # the first start is kept, the last departure updated
    assert engine.state.segments[CHECK].first_started_wall == at(0)
    assert engine.state.segments[CHECK].last_left_wall == at(170)


def test_previous_before_the_start_and_on_the_first_segment_is_refused():
    engine, _ = new_engine()
    with pytest.raises(CommandRefused, match="not started"):
        engine.previous()
    engine.start()
    with pytest.raises(CommandRefused, match="first segment"):
        engine.previous()


def test_goto_jumps_and_leaves_the_skipped_segments_unvisited():
    engine, clock = new_engine()
    engine.start()
    clock.advance(60)
    engine.goto(LUYIGA)
    assert engine.state.current == LUYIGA
    clock.advance(1)
    assert engine.remaining() == DURATIONS[LUYIGA] - 1
    assert not engine.state.segments[INTRO_MODERATOR].visited
    engine.goto(CHECK)
    assert engine.remaining() == 0
    assert [i for i, actual in enumerate(engine.state.segments) if actual.visited] == [CHECK, LUYIGA]


def test_goto_before_the_start_starts_there():
    engine, clock = new_engine()
    clock.advance(3)
    engine.goto(DISCUSSION)
    assert engine.status is Status.RUNNING
    assert engine.state.current == DISCUSSION
    assert engine.state.started_wall == at(3)


def test_goto_the_running_segment_or_a_missing_one_is_refused():
    engine, _ = new_engine()
    engine.start(KIM)
    with pytest.raises(CommandRefused, match="already running"):
        engine.goto(KIM)
    with pytest.raises(CommandRefused, match="no segment 11"):
        engine.goto(10)
    with pytest.raises(CommandRefused):
        engine.goto(-1)
    assert engine.state.current == KIM


# ----------------------------------------------------------------------------- adjust


def test_adjust_adds_and_removes_time_on_the_current_segment_only():
    engine, clock = new_engine()
    engine.start()
    clock.advance(50)
    engine.adjust(+60)
    assert engine.remaining() == 70
    engine.adjust(-30)
    assert engine.remaining() == 40
    assert engine.state.segments[CHECK].added == 30
    assert engine.snapshot().segment_allowed == 90
    engine.next()
    assert engine.remaining() == DURATIONS[INTRO_MODERATOR]
    assert engine.state.segments[INTRO_MODERATOR].added == 0
    engine.previous()
    assert engine.remaining() == 40


def test_adjust_takes_off_only_down_to_the_time_used():
    """Issue 12: eleven ``-`` on a 10-minute slot once gave "allotted -01:00" in the report."""
    engine, clock = new_engine()
    engine.start()
    clock.advance(50)
    engine.adjust(-20)  # only the 10 seconds left come off
    assert engine.remaining() == 0
    assert engine.snapshot().segment_allowed == 50
    with pytest.raises(CommandRefused):
        engine.adjust(-60)
    engine.next()
    for _ in range(11):
        try:
            engine.adjust(-60)
        except CommandRefused:
            break
    assert engine.snapshot().segment_allowed >= 0
    assert all(timing.allowed >= 0 for timing in engine.snapshot().timings)


def test_going_back_does_not_mark_the_segment_left_as_done():
    """Issue 12: ``p`` ticked a speaker who had not spoken (✓ with their few seconds)."""
    engine, clock = new_engine()
    engine.start()
    clock.advance(30)
    engine.next()
    clock.advance(4)
    engine.previous()
    timings = engine.snapshot().timings
    assert timings[0].status is SegmentStatus.CURRENT
    assert timings[1].status is SegmentStatus.UPCOMING
    engine.next()
    assert engine.snapshot().timings[0].status is SegmentStatus.DONE


def test_adjust_while_paused_counts():
    engine, clock = new_engine()
    engine.start()
    clock.advance(10)
    engine.pause()
    engine.adjust(120)
    assert engine.remaining() == 170


def test_adjust_is_refused_when_it_makes_no_sense():
    engine, _ = new_engine()
    with pytest.raises(CommandRefused, match="not started"):
        engine.adjust(60)
    engine.start()
    with pytest.raises(CommandRefused, match="nothing"):
        engine.adjust(0)
    engine.end()
    with pytest.raises(CommandRefused, match="ended"):
        engine.adjust(60)


# ----------------------------------------------------------------------------- end


def test_end_records_the_end_and_freezes_the_timing():
    engine, clock = new_engine()
    engine.start()
    clock.advance(60)
    engine.goto(CLOSING)
    clock.advance(200)
    engine.end()
    assert engine.status is Status.ENDED
    assert engine.state.ended_t == 260 and engine.state.ended_wall == at(260)
    closing = engine.state.segments[CLOSING]
    assert closing.spent == 200 and closing.last_left_wall == at(260)
    clock.advance(3600)
    snap = engine.snapshot()
    assert snap.remaining == 0
    assert snap.session_elapsed == 260
    assert snap.projected_end == PRINTED_START.add(seconds=260)
    assert snap.next_segment is None
    assert snap.timings[CLOSING].actual == 200


def test_end_while_paused_closes_the_pause():
    engine, clock = new_engine()
    engine.start()
    clock.advance(10)
    engine.pause()
    clock.advance(25)
    engine.end()
    assert engine.state.segments[CHECK].paused_seconds == 25
    assert engine.state.segments[CHECK].spent == 10


def test_end_before_the_start_is_refused():
    engine, _ = new_engine()
    with pytest.raises(CommandRefused, match="not started"):
        engine.end()


def test_every_timer_command_after_the_end_is_refused():
    engine, _ = new_engine()
    engine.start()
    engine.end()
    commands = [
        engine.start, engine.pause, engine.resume, engine.next, engine.previous, engine.end,
        lambda: engine.goto(KIM), lambda: engine.adjust(60), engine.toggle,
    ]
    events = engine.state.events
    for command in commands:
        with pytest.raises(CommandRefused):
            command()
    assert engine.state.events == events
    assert engine.status is Status.ENDED


# ----------------------------------------------------------------------------- remaining and level


def test_remaining_goes_negative_in_overtime():
    engine, clock = new_engine()
    engine.start()
    clock.advance(75)
    assert engine.remaining() == -15
    assert engine.snapshot().remaining == -15
    assert engine.snapshot().level is Level.OVER


@pytest.mark.parametrize(("elapsed", "level"), [
    (0, Level.OK), (479, Level.OK),        # 121 s left
    (480, Level.WARN), (569, Level.WARN),  # 120 .. 31 s left (warn = 2m)
    (570, Level.DANGER), (599, Level.DANGER),  # 30 .. 1 s left (danger = 30s)
    (600, Level.OVER), (601, Level.OVER), (5000, Level.OVER),
])
def test_level_follows_the_thresholds(elapsed, level):
    engine, clock = new_engine()
    engine.start(KIM)
    clock.advance(elapsed)
    snap = engine.snapshot()
    assert snap.remaining == 600 - elapsed
    assert snap.level is level


def test_segment_thresholds_override_the_session_s(tmp_path):
    programme = write_programme(tmp_path, programme_toml(
        [("speaker", "Long talk", "20m"), ("closing", "Bye", "5m")],
        extra_segment_keys={0: 'warn = "5m"\ndanger = "1m"'},
    ).replace("[[segment]]\nkind = \"speaker\"", "[[segment]]\nkind = \"other\"", 1))
    engine, clock = new_engine(programme=programme)
    engine.start()
    clock.advance(20 * 60 - 301)
    assert engine.snapshot().level is Level.OK
    clock.advance(1)
    assert engine.snapshot().level is Level.WARN
    clock.advance(240)
    assert engine.snapshot().level is Level.DANGER
    engine.next()
    clock.advance(300 - 120)
    assert engine.snapshot().level is Level.WARN  # session default: 2m


def test_elapsed_in_segment_excludes_pauses_and_in_session_includes_them():
    engine, clock = new_engine()
    clock.advance(100)  # before the start counts for neither
    engine.start()
    clock.advance(30)
    engine.pause()
    clock.advance(10)
    engine.resume()
    clock.advance(5)
    snap = engine.snapshot()
    assert snap.segment_elapsed == 35
    assert snap.session_elapsed == 45
    engine.next()
    clock.advance(12)
    snap = engine.snapshot()
    assert snap.segment_elapsed == 12
    assert snap.session_elapsed == 57
    assert snap.progress == pytest.approx(12 / 300)


# ----------------------------------------------------------------------------- offset and projected end


def test_on_time_the_offset_is_zero_and_the_projected_end_is_the_planned_end():
    engine, clock = new_engine()
    engine.start()
    for segment in range(CLOSING):
        clock.advance(DURATIONS[segment])
        snap = engine.snapshot()
        assert snap.offset == 0
        assert snap.projected_end == snap.planned_end == PRINTED_START.add(seconds=TOTAL)
        engine.next()


def test_a_late_live_start_is_behind_the_printed_plan():
    engine, clock = new_engine(clock=fake_clock(PRINTED_START.subtract(minutes=10)))
    assert engine.snapshot().offset == 0  # early, not started: still on plan
    clock.advance(600 + 120)  # 2 minutes past the printed start, not started yet
    assert engine.snapshot().offset == 120
    clock.advance(180)
    engine.start()
    snap = engine.snapshot()
    assert snap.planned_end == PRINTED_START.add(seconds=TOTAL)
    assert snap.offset == 300
    assert snap.projected_end == PRINTED_START.add(seconds=TOTAL + 300)


def test_overrunning_puts_the_session_behind_and_finishing_early_ahead():
    engine, clock = new_engine(mode="rehearsal")
    engine.start()
    clock.advance(90)  # 30 s over the check
    assert engine.snapshot().offset == 30
    engine.next()
    assert engine.snapshot().offset == 30
    clock.advance(240)  # the moderator's introduction ends a minute early
    engine.next()
    assert engine.snapshot().offset == -30
    clock.advance(DURATIONS[INTRO_SESSION])
    assert engine.snapshot().offset == -30


def test_time_spent_paused_puts_the_session_behind():
    engine, clock = new_engine(mode="rehearsal")
    engine.start()
    clock.advance(20)
    engine.pause()
    clock.advance(45)
    assert engine.snapshot().offset == 45
    engine.resume()
    clock.advance(40)
    engine.next()
    assert engine.snapshot().offset == 45


def test_skipping_segments_puts_the_session_ahead():
    engine, clock = new_engine(mode="rehearsal")
    engine.start(KIM)  # the check and both introductions (660 s) never happen
    clock.advance(100)
    assert engine.snapshot().offset == -660


def test_added_time_moves_the_projected_end():
    engine, clock = new_engine(mode="rehearsal")
    engine.start()
    engine.adjust(120)
    assert engine.snapshot().offset == 120
    engine.adjust(-180)
    assert engine.snapshot().offset == -60
    clock.advance(60)  # the check's remaining 0 s is up
    engine.next()
    assert engine.snapshot().offset == 0


def test_projected_end_in_every_zone():
    engine, clock = new_engine()
    engine.start()
    snap = engine.snapshot()
    local = {z: snap.projected_end.in_timezone(z).format("YYYY-MM-DD HH:mm") for z in workshop().session.zones}
    assert local == {
        "Asia/Seoul": "2021-10-08 19:30",
        "UTC": "2021-10-08 10:30",
        "America/Mexico_City": "2021-10-08 05:30",
    }
    clock.advance(DURATIONS[CHECK] + 300)  # five minutes over the check
    snap = engine.snapshot()
    assert snap.projected_end.in_timezone("Asia/Seoul").format("HH:mm") == "19:35"
    assert snap.projected_end.in_timezone("America/Mexico_City").format("HH:mm") == "05:35"
    assert snap.offset == 300


def test_a_live_run_far_from_its_printed_date_is_measured_from_its_actual_start():
    start = pendulum.datetime(2025, 3, 1, 14, 0, tz="UTC")
    engine, _ = new_engine(clock=fake_clock(start))
    engine.start()
    snap = engine.snapshot()
    assert snap.planned_end == start.add(seconds=TOTAL)
    assert snap.offset == 0


@pytest.mark.parametrize(("late_hours", "anchored_at_print"), [(11.9, True), (12, True), (12.1, False), (-13, False)])
def test_the_live_anchor_window_is_twelve_hours(late_hours, anchored_at_print):
    start = PRINTED_START.add(seconds=round(late_hours * 3600))
    engine, _ = new_engine(clock=fake_clock(start))
    engine.start()
    snap = engine.snapshot()
    expected_anchor = PRINTED_START if anchored_at_print else start
    assert snap.planned_end == expected_anchor.add(seconds=TOTAL)
    assert snap.timings[0].planned_start == expected_anchor


def test_a_rehearsal_is_measured_from_its_actual_start_even_on_the_day():
    engine, _ = new_engine(clock=fake_clock(PRINTED_START.add(minutes=7)), mode="rehearsal")
    engine.start()
    assert engine.snapshot().offset == 0
    assert engine.snapshot().planned_end == PRINTED_START.add(minutes=7, seconds=TOTAL)


# ----------------------------------------------------------------------------- planned vs actual


def test_planned_and_actual_per_segment():
    engine, clock = new_engine()
    engine.start()
    clock.advance(90)
    engine.next()
    clock.advance(250)
    engine.goto(LEYTON)  # skips the session introduction and Kim
    clock.advance(100)
    timings = engine.snapshot().timings
    assert [t.status for t in timings] == [
        SegmentStatus.DONE, SegmentStatus.DONE, SegmentStatus.SKIPPED, SegmentStatus.SKIPPED,
        SegmentStatus.CURRENT, *[SegmentStatus.UPCOMING] * 5,
    ]
    assert [t.planned for t in timings] == list(DURATIONS)
    assert [t.actual for t in timings] == [90, 250, 0, 0, 100, 0, 0, 0, 0, 0]
    assert timings[CHECK].overrun == 30
    assert timings[INTRO_MODERATOR].overrun == -50
    assert timings[CHECK].actual_start == at(0) and timings[CHECK].actual_end == at(90)
    assert timings[LEYTON].actual_start == at(340) and timings[LEYTON].actual_end is None
    assert timings[INTRO_SESSION].actual_start is None
    planned_starts = [t.planned_start for t in timings]
    assert planned_starts[LEYTON] == PRINTED_START.add(seconds=sum(DURATIONS[:LEYTON]))
    assert planned_starts[CLOSING].in_timezone("Asia/Seoul").format("HH:mm") == "19:25"


def test_added_time_is_part_of_the_allowed_time_not_the_plan():
    engine, clock = new_engine()
    engine.start(KIM)
    engine.adjust(90)
    clock.advance(650)
    timing = engine.snapshot().timings[KIM]
    assert timing.planned == 600 and timing.allowed == 690
    assert timing.overrun == 50


def test_after_the_end_segments_never_held_are_skipped():
    """Once the session has ended nothing is upcoming; UPCOMING then only means an unfinished run."""
    engine, clock = new_engine()
    engine.start()
    clock.advance(60)
    engine.goto(KIM)
    clock.advance(600)
    statuses = [t.status for t in engine.snapshot().timings]
    assert statuses[INTRO_MODERATOR] is statuses[INTRO_SESSION] is SegmentStatus.SKIPPED
    assert all(s is SegmentStatus.UPCOMING for s in statuses[LEYTON:])  # still running: not reached yet
    engine.end()
    statuses = [t.status for t in engine.snapshot().timings]
    assert statuses[CHECK] is SegmentStatus.DONE and statuses[KIM] is SegmentStatus.DONE
    assert statuses[INTRO_MODERATOR] is statuses[INTRO_SESSION] is SegmentStatus.SKIPPED
    assert all(s is SegmentStatus.SKIPPED for s in statuses[LEYTON:])
    assert SegmentStatus.CURRENT not in statuses and SegmentStatus.UPCOMING not in statuses


def test_the_snapshot_names_the_next_segment():
    engine, _ = new_engine()
    engine.start(VANDENBORRE)
    snap = engine.snapshot()
    assert snap.segment == workshop().segments[VANDENBORRE]
    assert snap.next_segment == workshop().segments[DISCUSSION]
    engine.goto(CLOSING)
    assert engine.snapshot().next_segment is None
    engine.goto(QA)
    assert engine.snapshot().next_segment == workshop().segments[CLOSING]


# ----------------------------------------------------------------------------- the clock


def test_remaining_is_read_from_the_clock_however_often_it_is_asked():
    a, clock_a = new_engine()
    b, clock_b = new_engine()
    a.start(KIM)
    b.start(KIM)
    for _ in range(400):
        clock_a.advance(0.25)
        a.remaining()
    clock_b.advance(100)
    assert a.remaining() == b.remaining() == 500


def test_a_wall_clock_jump_changes_no_duration():
    engine, clock = new_engine()
    engine.start(KIM)
    clock.advance(10)
    before = engine.snapshot()
    clock.jump_wall(3600)
    assert engine.remaining() == 590
    assert engine.snapshot().offset == before.offset, "the pace does not jump with the wall clock"
    assert engine.snapshot().projected_end == before.projected_end
    clock.jump_wall(-7200)
    snap = engine.snapshot()
    assert snap.offset == before.offset
    assert snap.remaining == 590
    assert snap.segment_elapsed == 10 and snap.session_elapsed == 10
    engine.next()
    assert engine.state.segments[KIM].spent == 10


def test_the_speed_factor_lives_in_the_clock():
    base = fake_clock()
    engine, _ = new_engine(clock=ScaledClock(10, base=base), mode="rehearsal")  # type: ignore[arg-type]
    engine.start(KIM)
    base.advance(6)
    assert engine.remaining() == pytest.approx(540)
    assert engine.clock.now() == PRINTED_START.add(seconds=60)
    with pytest.raises(ValueError):
        ScaledClock(0, base=base)


def test_event_times_never_go_backwards():
    engine, clock = new_engine()
    engine.start()
    times = []
    for _ in range(5):
        clock.advance(0.0004)  # below the journal's millisecond resolution
        engine.add_note("tick")
        times.append(engine.state.notes[engine.state.next_note_id - 1].t)
    assert times == sorted(times)


# ----------------------------------------------------------------------------- journal and replay


def test_every_command_becomes_one_journal_event_in_order(tmp_path):
    engine, clock = new_engine(tmp_path)
    engine.start()
    clock.advance(10)
    engine.pause()
    engine.resume()
    engine.next()
    engine.previous()
    engine.goto(DISCUSSION)
    engine.adjust(60)
    engine.ask_next_question()
    engine.unask_question("r1", 0)
    note = engine.add_note("hello")
    engine.edit_note(note.id, "hello again")
    engine.delete_note(note.id)
    engine.tick_cue(DISCUSSION, 0)
    engine.set_participants(42)
    engine.end()
    types = [e["type"] for e in journal_events(journal_file(engine))]
    assert types == [
        "opened", "started", "paused", "resumed", "moved", "moved", "moved", "adjusted",
        "question_asked", "question_unasked", "note_added", "note_edited", "note_deleted",
        "cue_ticked", "participants", "ended",
    ]
    assert engine.state.events == len(types)
    moved = [e for e in journal_events(journal_file(engine)) if e["type"] == "moved"]
    assert [(e["segment"], e["via"]) for e in moved] == [(1, "next"), (0, "previous"), (DISCUSSION, "goto")]


def test_a_refused_command_writes_nothing(tmp_path):
    engine, _ = new_engine(tmp_path)
    before = journal_file(engine).read_bytes()
    for command in (engine.pause, engine.resume, engine.next, engine.previous, engine.end):
        with pytest.raises(CommandRefused):
            command()
    assert journal_file(engine).read_bytes() == before


def test_replay_rebuilds_exactly_the_live_state(tmp_path):
    engine, clock = new_engine(tmp_path)
    engine.add_note("before the start")
    engine.start()
    for step in range(12):
        clock.advance(37.125 + step)
        engine.add_note(f"! action {step}" if step % 2 else f"@kim point {step}")
        if step % 3 == 0:
            engine.pause()
            clock.advance(3)
            engine.resume()
        if step % 4 == 1:
            engine.next()
    engine.adjust(-45)
    engine.goto(DISCUSSION)
    engine.ask_next_question()
    engine.add_note("? from the chat")
    engine.set_participants(57)
    clock.advance(99)
    replayed = replay_file(workshop(), journal_file(engine))
    assert replayed == engine.state
    now_t, now = engine.now_t(), clock.now()
    assert take_snapshot(workshop(), replayed, now_t, now) == engine.snapshot()


def test_a_command_that_cannot_be_written_raises_and_changes_nothing(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    journal = Journal(tmp_path / "session.journal.jsonl", fallback_dir=blocker)
    clock = fake_clock()
    engine = Engine.create(workshop(), clock, journal)
    heard = []
    engine.subscribe(lambda event, state: heard.append(event.TYPE))
    before = copy.deepcopy(engine.state)

    def full_disk(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(JournalError, match="could not save"):
        engine.start()
    with pytest.raises(JournalError):
        engine.add_note("lost?")
    assert engine.state == before
    assert heard == []


def test_listeners_hear_each_event_after_it_is_on_disk(tmp_path):
    engine, _ = new_engine(tmp_path)
    seen = []

    def listener(event, state):
        on_disk = journal_events(journal_file(engine))
        seen.append((event.TYPE, on_disk[-1] == to_dict(event), state.events == len(on_disk)))

    engine.subscribe(listener)
    engine.start()
    engine.add_note("x")
    assert seen == [("started", True, True), ("note_added", True, True)]


def test_an_engine_without_a_journal_still_works():
    engine, clock = new_engine(None)
    engine.start()
    clock.advance(1)
    assert engine.remaining() == 59


def test_replay_state_of_no_events_is_not_started():
    state = replay_state(workshop(), [])
    assert state.status is Status.NOT_STARTED
    assert len(state.segments) == 10


# ----------------------------------------------------------------------------- reopening


def test_reopen_continues_the_session_axis_across_the_downtime(tmp_path):
    engine, clock = new_engine(tmp_path)
    engine.start(KIM)
    clock.advance(100)
    engine.add_note("last words before the crash")
    assert engine.journal is not None
    engine.journal.close()
    clock.advance(20)  # still running when the laptop died
    reboot = FakeClock(wall=clock.now().add(seconds=180), monotonic=3.5)  # monotonic restarts after a reboot
    events = read_journal(tmp_path / "session.journal.jsonl").events
    resumed, warnings = Engine.reopen(workshop(), reboot, Journal(tmp_path / "session.journal.jsonl"), events)
    assert warnings == []
    assert resumed.now_t() == 300
    assert resumed.remaining() == 300
    reopened = journal_events(tmp_path / "session.journal.jsonl")[-1]
    assert reopened["type"] == "reopened" and reopened["gap"] == 200 and reopened["programme_changed"] is False
    assert resumed.state.reopened == 1
    reboot.advance(10)
    resumed.next()
    assert resumed.state.segments[KIM].spent == 310
    assert replay_file(workshop(), tmp_path / "session.journal.jsonl") == resumed.state


def test_reopen_with_the_wall_clock_behind_the_journal_counts_no_gap(tmp_path):
    engine, clock = new_engine(tmp_path)
    engine.start(KIM)
    clock.advance(100)
    engine.add_note("x")
    assert engine.journal is not None
    engine.journal.close()
    back = FakeClock(wall=clock.now().subtract(hours=1), monotonic=1.0)
    events = read_journal(tmp_path / "session.journal.jsonl").events
    resumed, _ = Engine.reopen(workshop(), back, Journal(tmp_path / "session.journal.jsonl"), events)
    assert resumed.remaining() == 500
    back.advance(1)
    assert resumed.remaining() == 499


def test_a_copy_of_the_state_is_equal_and_shares_nothing_apply_changes() -> None:
    from moderator.session.state import copy_state

    engine, _ = new_engine()
    engine.start()
    engine.add_note("first")
    copied = copy_state(engine.state)
    assert copied == engine.state
    engine.edit_note(1, "changed")
    engine.add_note("second")
    engine.next()
    assert copied != engine.state
    assert copied.notes[1].text == "first" and len(copied.notes) == 1
    assert copied.segments[0].visits == 1 and copied.current == 0


def test_a_journal_continued_from_what_was_read_holds_the_same_lines(tmp_path: Path) -> None:
    engine, _ = new_engine(tmp_path)
    engine.start()
    engine.add_note("kept")
    assert engine.journal is not None
    engine.journal.close()
    path = tmp_path / "session.journal.jsonl"
    with path.open("ab") as handle:
        handle.write(b'{"type":"note_ad')  # torn by a crash
    read = read_journal(path)
    continued = Journal(path, read=read)
    try:
        assert continued._lines == [line + b"\n" for line in path.read_bytes().split(b"\n") if line]
        assert path.read_bytes().endswith(b"\n")  # the torn tail was cut and kept aside
        assert (tmp_path / "session.journal.jsonl.torn").read_bytes() == b'{"type":"note_ad\n'
    finally:
        continued.close()


def test_taking_time_off_at_once_takes_the_whole_seconds_left_despite_the_clock_s_float_noise(tmp_path) -> None:
    """Found by the state machine: started 1 ms in, the monotonic clock's sum is 2e-13 s past the
    journal's millisecond, and 60 s left read as 59.9999999999998: ``-`` took 59 s, not 60."""
    from helpers_engine import DURATIONS, PRINTED_START, workshop

    from moderator.session.clock import FakeClock
    from moderator.session.engine import Engine
    from moderator.session.journal import Journal

    clock = FakeClock(wall=PRINTED_START.subtract(minutes=2), monotonic=5000.0)
    engine = Engine.create(workshop(), clock, Journal(tmp_path / "j.jsonl"), mode="live")
    clock.advance(0.001)
    engine.goto(0)
    engine.adjust(-120)
    assert engine.state.segments[0].added == -DURATIONS[0]
