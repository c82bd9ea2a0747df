"""How fast the journal is where it matters (issue #3). A measurement, not a test.

* A note added -> durable on disk (written and ``fsync``'d, i.e. ``Engine.add_note`` has
  returned), with 5,000 notes already in the journal: target p99 under 20 ms.
* Replay of a 10,000-event journal (read the file, rebuild the state): target under 200 ms.

Run ``python -m benchmarks.bench_journal``; the functions are importable for a wider runner.
Journals are written to a temporary folder (``directory`` chooses the disk; the figures
depend on its ``fsync``).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pendulum

import moderator
from moderator.programme import Programme, load_programme
from moderator.session.clock import FakeClock, SystemClock
from moderator.session.engine import CommandRefused, Engine, replay_state
from moderator.session.events import Event
from moderator.session.events import encode as encode_event
from moderator.session.journal import read_journal
from moderator.session.runs import JOURNAL_SUFFIX, LIVE_NAME, open_run, session_folder

PROGRAMME = Path(moderator.__file__).resolve().parent / "demo" / "workshop.toml"
NOTE_TARGET_P99_MS = 20.0
REPLAY_TARGET_MS = 200.0
_TEXTS = (
    "Networks pool resources that no single cooperative has",
    '@kim "Local governments must convene, not control."',
    "! send the SSEGOV charter to the participants",
    "? How do municipalities fund incubators? (from the chat)",
    "@eric WISE incubators in three municipalities since 2019",
    "Recovery depends on alliances beyond the social economy",
)


class _Collector:
    """Stands in for a ``Journal``: keeps the events in memory, so building a large one is quick."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def append(self, event: Event) -> None:
        self.events.append(event)


def _session_events(programme: Programme, count: int, *, start: pendulum.DateTime, notes_only: bool) -> list[Event]:
    """``count`` events of a plausible session, made by a real engine on a fake clock."""
    clock = FakeClock(wall=start)
    collector = _Collector()
    engine = Engine.create(programme, clock, collector, mode="live")  # type: ignore[arg-type]
    engine.start()
    n = 0
    while len(collector.events) < count:
        n += 1
        clock.advance(0.75)
        if notes_only or n % 10:
            engine.add_note(_TEXTS[n % len(_TEXTS)] + f" ({n})")
            continue
        try:
            _timer_command(engine, (n // 10) % 8, n)
        except CommandRefused:
            if engine.state.current:
                engine.previous()
            else:
                engine.next()
    return collector.events[:count]


def _timer_command(engine: Engine, which: int, n: int) -> None:
    if which == 0:
        engine.next()
    elif which == 1:
        engine.pause()
    elif which == 2:
        engine.resume()
    elif which == 3:
        engine.adjust(60)
    elif which == 4:
        round_ = engine.programme.rounds[n % len(engine.programme.rounds)]
        engine.ask_question(round_.id, n % len(round_.questions))
    elif which == 5:
        engine.edit_note(engine.state.next_note_id - 1, _TEXTS[0] + " (edited)")
    elif which == 6:
        with_cues = [s.index for s in engine.programme.segments if s.cues]
        engine.tick_cue(with_cues[n % len(with_cues)], 0, done=bool(n % 3))
    else:
        engine.set_participants(40 + n % 60)


def _write(path: Path, events: list[Event]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(b"".join(encode_event(e) for e in events))
        handle.flush()
        os.fsync(handle.fileno())


@contextmanager
def _folder(directory: str | Path | None) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="moderator-bench-", dir=directory) as name:
        yield Path(name)


def _percentile(values: list[float], p: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def measure_note_durability(notes_before: int = 5000, samples: int = 1000, *,
                            directory: str | Path | None = None) -> dict[str, Any]:
    """Milliseconds from ``add_note`` called to returned (the note is then fsync'd on disk),
    in a live run resumed from a journal that already holds ``notes_before`` notes."""
    programme = load_programme(PROGRAMME)
    with _folder(directory) as out:
        start = pendulum.now("UTC").subtract(seconds=notes_before + 60)
        events = _session_events(programme, notes_before + 2, start=start, notes_only=True)
        _write(session_folder(programme, out) / (LIVE_NAME + JOURNAL_SUFFIX), events)
        run = open_run(programme, out, SystemClock())
        assert run.resumed and len(run.engine.state.notes) == notes_before
        timings = []
        try:
            for n in range(samples):
                began = time.perf_counter()
                run.engine.add_note(_TEXTS[n % len(_TEXTS)])
                timings.append((time.perf_counter() - began) * 1000)
        finally:
            if run.journal is not None:
                run.journal.close()
    return {
        "notes_before": notes_before,
        "samples": samples,
        "p50_ms": _percentile(timings, 50),
        "p99_ms": _percentile(timings, 99),
        "max_ms": max(timings),
        "target_p99_ms": NOTE_TARGET_P99_MS,
    }


def measure_replay(events: int = 10_000, repeats: int = 7, *, directory: str | Path | None = None) -> dict[str, Any]:
    """Milliseconds to read a journal of ``events`` events from disk and rebuild its state."""
    programme = load_programme(PROGRAMME)
    with _folder(directory) as out:
        path = out / "bench.journal.jsonl"
        made = _session_events(programme, events, start=pendulum.datetime(2021, 10, 8, 9, 0, tz="UTC"),
                               notes_only=False)
        _write(path, made)
        timings = []
        for _ in range(repeats):
            began = time.perf_counter()
            state = replay_state(programme, read_journal(path).events)
            timings.append((time.perf_counter() - began) * 1000)
            assert state.events == events
    return {
        "events": events,
        "repeats": repeats,
        "median_ms": statistics.median(timings),
        "min_ms": min(timings),
        "max_ms": max(timings),
        "target_ms": REPLAY_TARGET_MS,
    }


def main() -> None:
    note = measure_note_durability(5000, 1000)
    print(f"note durable on disk ({note['notes_before']} notes before, {note['samples']} samples): "
          f"p50 {note['p50_ms']:.2f} ms, p99 {note['p99_ms']:.2f} ms, max {note['max_ms']:.2f} ms "
          f"(target p99 < {note['target_p99_ms']:.0f} ms)")
    replay = measure_replay(10_000, 7)
    print(f"replay of a {replay['events']}-event journal ({replay['repeats']} runs): "
          f"median {replay['median_ms']:.1f} ms, min {replay['min_ms']:.1f} ms, max {replay['max_ms']:.1f} ms "
          f"(target < {replay['target_ms']:.0f} ms)")


if __name__ == "__main__":
    main()
