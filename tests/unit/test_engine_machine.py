"""Random command sequences against a model, with the journal replayed after every step.

Hypothesis drives the engine on a fake clock through any order of commands, clock moves,
wall-clock jumps and crashes (with or without a torn last line, after a reboot that
resets the monotonic clock). After every step:

* the state rebuilt from the journal on disk equals the live state, and so does every
  derived value at the current clock reading;
* the engine agrees with a small independent model: which commands are refused, where
  the session is, and how much running time each segment has had.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path

import hypothesis.strategies as st
from helpers_engine import DURATIONS, PRINTED_START, workshop
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from moderator.session.clock import FakeClock
from moderator.session.engine import CommandRefused, Engine, replay_state
from moderator.session.journal import Journal, read_journal
from moderator.session.notes import NoteError
from moderator.session.snapshot import take_snapshot
from moderator.session.state import Status

SEGMENTS = len(DURATIONS)
ROUNDS = {"r1": 2, "r2": 2}
CUES = {0: 2, 2: 2, 3: 1, 4: 1, 5: 1, 6: 1, 7: 2, 8: 1, 9: 2}
DISCUSSION = 7
TOLERANCE = 1e-6

# Clock moves in whole milliseconds: the journal keeps times to the millisecond, so the
# model's arithmetic and the engine's agree exactly (up to float noise).
milliseconds = st.integers(min_value=0, max_value=900_000).map(lambda ms: ms / 1000)
note_texts = st.one_of(
    st.sampled_from([
        "plain note", '"A quote."', "> quoted", "! an action", "? a question from the chat",
        "@kim networks matter", "@eric agrees", "@moderator thanks all", '@"Young Kim" again',
        "quote: together", "pregunta: ¿quién paga?", "ambiguous @b stays text", "@b ambiguous", "@nobody x",
        "", "!", "línea\ncon salto 한국어",
    ]),
    st.text(max_size=12),
)


class EngineMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="moderator-machine-"))
        self.path = self.folder / "live.journal.jsonl"
        self.programme = workshop()
        self.clock = FakeClock(wall=PRINTED_START.subtract(minutes=2), monotonic=5000.0)
        self.journal = Journal(self.path)
        self.engine = Engine.create(self.programme, self.clock, self.journal, mode="live")
        # the model
        self.t = 0.0
        self.status = Status.NOT_STARTED
        self.current: int | None = None
        self.spent = [0.0] * SEGMENTS
        self.added = [0] * SEGMENTS
        self.started_t: float | None = None
        self.ended_t: float | None = None
        self.notes: dict[int, bool] = {}  # id -> deleted
        self.asked: set[tuple[str, int]] = set()
        self.question: tuple[str, int] | None = None
        self.wall_skew = 0.0  # wall-clock jumps since the last event
        self.events = 1

    def teardown(self) -> None:
        self.journal.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # ------------------------------------------------------------------ helpers

    def attempt(self, command, refused: bool) -> bool:
        """Run a command; check it was refused exactly when the model says so."""
        try:
            command()
        except CommandRefused:
            assert refused, "the engine refused a command the model allows"
            assert self.engine.state.events == self.events
            return False
        assert not refused, "the engine accepted a command the model refuses"
        self.events += 1
        self.wall_skew = 0.0
        return True

    def enter(self, segment: int) -> None:
        self.status = Status.RUNNING
        self.current = segment
        self.question = None

    @property
    def here(self) -> int:
        """The current segment, once started (the rules that read it run only then)."""
        assert self.current is not None
        return self.current

    # ------------------------------------------------------------------ time

    @rule(seconds=milliseconds)
    def advance(self, seconds):
        self.clock.advance(seconds)
        self.t += seconds
        if self.status is Status.RUNNING:
            self.spent[self.here] += seconds

    @rule(seconds=st.integers(min_value=-7200, max_value=7200))
    def wall_clock_jumps(self, seconds):
        self.clock.jump_wall(seconds)
        self.wall_skew += seconds

    @rule(downtime=st.integers(min_value=0, max_value=3600), monotonic=st.integers(0, 10**6), torn=st.booleans())
    def crash_and_resume(self, downtime, monotonic, torn):
        """The process dies (perhaps mid-write) and the console is started again after a reboot."""
        self.journal.close()
        if torn:
            with open(self.path, "ab") as handle:
                handle.write(b'{"type":"note_added","t":1.0,"wall":"2021-10-08T0')
        wall = self.clock.now().add(seconds=downtime)
        self.clock = FakeClock(wall=wall, monotonic=float(monotonic))
        contents = read_journal(self.path)
        assert bool(contents.warnings) == torn
        self.journal = Journal(self.path)
        self.engine, warnings = Engine.reopen(self.programme, self.clock, self.journal, contents.events)
        assert warnings == []
        # the session axis continues from the last event plus the wall-clock gap
        last_t = contents.events[-1].t
        resumed_t = last_t + max(0.0, (self.t - last_t) + self.wall_skew + downtime)
        if self.status is Status.RUNNING:
            self.spent[self.here] += resumed_t - self.t
        self.t = resumed_t
        self.events += 1
        self.wall_skew = 0.0

    # ------------------------------------------------------------------ timer commands

    @rule(segment=st.integers(min_value=-1, max_value=SEGMENTS))
    def start(self, segment):
        refused = self.status is not Status.NOT_STARTED or not 0 <= segment < SEGMENTS
        if self.attempt(lambda: self.engine.start(segment), refused):
            self.started_t = self.t
            self.enter(segment)

    @rule()
    def pause(self):
        if self.attempt(self.engine.pause, self.status is not Status.RUNNING):
            self.status = Status.PAUSED

    @rule()
    def resume(self):
        if self.attempt(self.engine.resume, self.status is not Status.PAUSED):
            self.status = Status.RUNNING

    @rule()
    def toggle(self):
        expected = {Status.NOT_STARTED: "started", Status.RUNNING: "paused", Status.PAUSED: "resumed"}
        done: list[str] = []
        if self.attempt(lambda: done.append(self.engine.toggle()), self.status is Status.ENDED):
            assert done == [expected[self.status]]
            if self.status is Status.NOT_STARTED:
                self.started_t = self.t
                self.enter(0)
            else:
                self.status = Status.PAUSED if self.status is Status.RUNNING else Status.RUNNING

    @rule()
    def next(self):
        refused = self.status in (Status.NOT_STARTED, Status.ENDED) or self.current == SEGMENTS - 1
        if self.attempt(self.engine.next, refused):
            self.enter(self.here + 1)

    @rule()
    def previous(self):
        refused = self.status in (Status.NOT_STARTED, Status.ENDED) or self.current == 0
        if self.attempt(self.engine.previous, refused):
            self.enter(self.here - 1)

    @rule(segment=st.integers(min_value=-1, max_value=SEGMENTS))
    def goto(self, segment):
        refused = (not 0 <= segment < SEGMENTS or self.status is Status.ENDED
                   or (self.status is not Status.NOT_STARTED and segment == self.current))
        if self.attempt(lambda: self.engine.goto(segment), refused):
            if self.status is Status.NOT_STARTED:
                self.started_t = self.t
            self.enter(segment)

    @rule(seconds=st.sampled_from([-120, -60, -30, 0, 30, 60, 120, 300]))
    def adjust(self, seconds):
        """Time comes off only down to what the segment has used: at most its whole seconds left."""
        refused = seconds == 0 or self.status in (Status.NOT_STARTED, Status.ENDED)
        if not refused and seconds < 0:
            left = math.floor(max(0.0, DURATIONS[self.here] + self.added[self.here] - self.spent[self.here]))
            refused = left <= 0
            seconds = max(seconds, -left)
        if self.attempt(lambda: self.engine.adjust(seconds), refused):
            self.added[self.here] += seconds

    @rule()
    def end(self):
        if self.attempt(self.engine.end, self.status in (Status.NOT_STARTED, Status.ENDED)):
            self.status = Status.ENDED
            self.ended_t = self.t

    # ------------------------------------------------------------------ notes and marks

    @rule(raw=note_texts, kind=st.sampled_from([None, "note", "quote", "action", "question"]),
          speaker=st.sampled_from([None, None, "luyiga", "moderator"]))
    def add_note(self, raw, kind, speaker):
        expected_id = max(self.notes, default=0) + 1
        try:
            note = self.engine.add_note(raw, kind=kind, speaker=speaker)
        except NoteError:
            assert self.engine.state.events == self.events
            return
        self.events += 1
        self.wall_skew = 0.0
        assert note.id == expected_id
        assert note.segment == self.current
        assert note.question == self.question
        assert abs(note.t - self.t) < TOLERANCE
        if speaker:
            assert note.speaker == speaker
        if kind:
            assert note.kind == kind
        self.notes[note.id] = False

    @precondition(lambda self: self.notes)
    @rule(data=st.data(), raw=note_texts)
    def edit_note(self, data, raw):
        note_id = data.draw(st.sampled_from(sorted(self.notes)))
        try:
            self.attempt(lambda: self.engine.edit_note(note_id, raw), self.notes[note_id])
        except NoteError:
            assert self.engine.state.events == self.events

    @precondition(lambda self: self.notes)
    @rule(data=st.data())
    def delete_note(self, data):
        note_id = data.draw(st.sampled_from([*sorted(self.notes), max(self.notes) + 1]))
        if self.attempt(lambda: self.engine.delete_note(note_id), self.notes.get(note_id, True)):
            self.notes[note_id] = True

    @rule(round_id=st.sampled_from(["r1", "r2", "r3"]), index=st.integers(-1, 2))
    def ask_question(self, round_id, index):
        refused = round_id not in ROUNDS or not 0 <= index < ROUNDS[round_id]
        if self.attempt(lambda: self.engine.ask_question(round_id, index), refused):
            self.asked.add((round_id, index))
            self.question = (round_id, index)

    @rule()
    def ask_next_question(self):
        unasked = [(r, i) for r in ROUNDS for i in range(ROUNDS[r]) if (r, i) not in self.asked]
        refused = self.current != DISCUSSION or self.status is Status.ENDED or not unasked
        got: list[tuple[str, int]] = []
        if self.attempt(lambda: got.append(self.engine.ask_next_question()), refused):
            assert got == [unasked[0]]
            self.asked.add(unasked[0])
            self.question = unasked[0]

    @rule(round_id=st.sampled_from(["r1", "r2"]), index=st.integers(0, 1))
    def unask_question(self, round_id, index):
        key = (round_id, index)
        if self.attempt(lambda: self.engine.unask_question(round_id, index), key not in self.asked):
            self.asked.discard(key)
            if self.question == key:
                self.question = None

    @rule(segment=st.integers(-1, SEGMENTS), cue=st.integers(-1, 2), done=st.booleans())
    def tick_cue(self, segment, cue, done):
        refused = not 0 <= cue < CUES.get(segment, 0)
        self.attempt(lambda: self.engine.tick_cue(segment, cue, done), refused)

    @rule(count=st.integers(-2, 500))
    def participants(self, count):
        self.attempt(lambda: self.engine.set_participants(count), count < 0)

    # ------------------------------------------------------------------ checks

    @invariant()
    def replay_of_the_journal_is_the_live_state(self):
        events = read_journal(self.path).events
        assert len(events) == self.events == self.engine.state.events
        replayed = replay_state(self.programme, events)
        assert replayed == self.engine.state
        live = self.engine.snapshot()
        assert take_snapshot(self.programme, replayed, self.engine.now_t(), self.clock.now()) == live

    @invariant()
    def the_engine_agrees_with_the_model(self):
        engine = self.engine
        state = engine.state
        assert state.status is self.status
        assert state.current == self.current
        assert abs(engine.now_t() - self.t) < TOLERANCE
        assert state.current_question == self.question
        assert set(state.asked) == self.asked
        assert {i: n.deleted for i, n in state.notes.items()} == self.notes
        assert [a.added for a in state.segments] == self.added
        snap = engine.snapshot()
        for timing in snap.timings:
            assert abs(timing.actual - self.spent[timing.index]) < TOLERANCE
        expected_remaining: float
        if self.status is Status.NOT_STARTED:
            expected_remaining = DURATIONS[0]
        elif self.status is Status.ENDED:
            expected_remaining = 0
        else:
            expected_remaining = DURATIONS[self.here] + self.added[self.here] - self.spent[self.here]
        assert abs(engine.remaining() - expected_remaining) < TOLERANCE
        assert abs(snap.remaining - expected_remaining) < TOLERANCE
        if self.started_t is not None:
            end = self.ended_t if self.ended_t is not None else self.t
            assert abs(snap.session_elapsed - (end - self.started_t)) < TOLERANCE


EngineMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestEngineMachine = EngineMachine.TestCase
