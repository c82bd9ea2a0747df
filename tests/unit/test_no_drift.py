"""A three-hour session driven second by second on the fake clock: the countdown never drifts.

Remaining time is computed from the clock (deadline - now), never by counting ticks, so
after 10,800 one-second steps it is still exact to the second, and so is everything
derived from it (the projected end, the offset).
"""

from __future__ import annotations

import bisect
import itertools
import random

from helpers_engine import PRINTED_START, fake_clock, new_engine, programme_toml, write_programme

from moderator.session.snapshot import Level
from moderator.session.state import Status

THREE_HOURS = 3 * 3600
SEGMENTS = [
    ("check", "Connection check", "1m"),
    ("intro", "Welcome", "4m"),
    *[("other", f"Talk {n}", "15m") for n in range(1, 8)],
    ("break", "Break", "10m"),
    ("discussion", "Discussion", "40m"),
    ("qa", "Questions from the chat", "15m"),
    ("closing", "Closing", "5m"),
]
DURATIONS = [60, 240, *[900] * 7, 600, 2400, 900, 300]


def three_hour_programme(folder):
    programme = write_programme(folder, programme_toml(SEGMENTS, title="Three hours"))
    assert [s.duration for s in programme.segments] == DURATIONS
    assert programme.total_duration == THREE_HOURS
    return programme


def test_three_hours_second_by_second_without_drift(tmp_path):
    programme = three_hour_programme(tmp_path)
    engine, clock = new_engine(tmp_path, programme=programme)  # live, on the printed start
    ends = list(itertools.accumulate(DURATIONS))
    planned_end = PRINTED_START.add(seconds=THREE_HOURS)
    engine.start()
    moves = 0
    for second in range(1, THREE_HOURS + 1):
        clock.advance(1)
        segment = bisect.bisect_left(ends, second)
        expected = ends[segment] - second
        assert engine.state.current == segment
        assert engine.remaining() == expected, f"at second {second}"
        snap = engine.snapshot()
        assert snap.remaining == expected, f"at second {second}"
        assert snap.segment_elapsed == DURATIONS[segment] - expected
        assert snap.session_elapsed == second
        assert snap.projected_end == planned_end, f"at second {second}"
        assert snap.offset == 0
        if expected == 0 and segment + 1 < len(DURATIONS):
            assert snap.level is Level.OVER
            engine.next()  # the moderator moves on exactly on time
            moves += 1
            assert engine.remaining() == DURATIONS[segment + 1]
    assert moves == len(DURATIONS) - 1
    engine.end()
    snap = engine.snapshot()
    assert snap.status is Status.ENDED
    assert snap.session_elapsed == THREE_HOURS
    assert snap.projected_end == planned_end
    assert [t.actual for t in snap.timings] == DURATIONS
    assert engine.state.ended_wall == planned_end.isoformat()


def test_irregular_refreshes_pauses_and_added_time_do_not_drift(tmp_path):
    """Readings at random moments (as a busy UI would take them), with pauses and +/- time.

    Steps are multiples of 1/8 s, which floats hold exactly and the journal's millisecond
    times keep as they are, so the expected value (kept in integer eighths, independently of
    the engine) must match to the last bit.
    """
    programme = three_hour_programme(tmp_path)
    engine, clock = new_engine(tmp_path, programme=programme, clock=fake_clock(monotonic=123456.0), mode="rehearsal")
    rng = random.Random(20211008)
    engine.start()
    segment, spent, added, paused = 0, 0, 0, False  # spent in eighths of a second
    elapsed = readings = 0
    while segment < len(DURATIONS):
        step = rng.randint(1, 80)
        clock.advance(step / 8)
        elapsed += step
        if not paused:
            spent += step
        allowed = DURATIONS[segment] + added
        assert engine.remaining() == allowed - spent / 8
        if readings % 16 == 0:  # a full snapshot costs more; the countdown is checked every time
            snap = engine.snapshot()
            assert (snap.remaining, snap.session_elapsed) == (allowed - spent / 8, elapsed / 8)
        readings += 1
        roll = rng.random()
        if roll < 0.01:
            engine.toggle()
            paused = not paused
        elif roll < 0.02:
            change = rng.choice((-60, 30, 60, 120))
            engine.adjust(change)
            added += change
        elif spent >= allowed * 8:
            if segment + 1 == len(DURATIONS):
                break
            engine.next()
            segment, spent, added, paused = segment + 1, 0, 0, False
    assert segment == len(DURATIONS) - 1


def test_a_countdown_read_once_a_minute_is_as_exact_as_one_read_every_second():
    engine, clock = new_engine()
    engine.start(3)  # a ten-minute talk
    for minute in range(1, 15):
        clock.advance(60)
        assert engine.remaining() == 600 - 60 * minute
