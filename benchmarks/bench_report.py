"""How fast the report renders (issue #5). A measurement, not a test.

The live report is rendered again after every event, on the worker thread; at 2,000 notes
(a long day's session, far beyond the seeds) one Markdown render should take under 50 ms.

Run ``python -m benchmarks.bench_report``; ``measure_render`` is importable for a wider runner.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import pendulum

import moderator
from moderator.programme import load_programme
from moderator.report import render_report
from moderator.session.clock import FakeClock
from moderator.session.engine import Engine
from moderator.session.state import State

PROGRAMME = Path(moderator.__file__).resolve().parent / "demo" / "workshop.toml"
TARGET_MS = 50.0
_TEXTS = (
    "Networks pool resources that no single cooperative has",
    '"Local governments must convene, not control."',
    "! send the SSEGOV charter to the participants",
    "? How do municipalities fund incubators? (from the chat)",
    "@leyton WISE incubators in three municipalities | since 2019 *(pilot)*",
    "Recovery depends on alliances\nbeyond the social economy",
)


def session_with_notes(notes: int) -> tuple[Engine, State]:
    """A whole workshop with ``notes`` notes spread over every segment: speakers, questions, Q&A, closing."""
    programme = load_programme(PROGRAMME)
    clock = FakeClock(pendulum.datetime(2021, 10, 8, 9, 0, tz="UTC"))
    engine = Engine.create(programme, clock, None)
    engine.start()
    segments = len(programme.segments)
    per_segment = -(-notes // segments)
    written = 0
    for index in range(segments):
        if index:
            engine.next()
        asking = bool(programme.segments[index].round_ids)
        for n in range(per_segment):
            if written == notes:
                break
            if asking and n % max(1, per_segment // 4) == 0:
                try:
                    engine.ask_next_question()
                except Exception:  # every question asked already
                    asking = False
            engine.add_note(f"{_TEXTS[written % len(_TEXTS)]} ({written})")
            written += 1
            clock.advance(2)
    engine.end()
    return engine, engine.state


def measure_render(notes: int = 2000, repeats: int = 7) -> dict[str, Any]:
    """Median milliseconds of ``render_report(..., "md")`` for a session holding ``notes`` notes."""
    engine, state = session_with_notes(notes)
    assert len(state.visible_notes()) == notes
    timings = []
    for _ in range(repeats):
        began = time.perf_counter()
        text = render_report(engine.programme, state, "md")
        timings.append((time.perf_counter() - began) * 1000)
    return {
        "notes": notes,
        "repeats": repeats,
        "median_ms": statistics.median(timings),
        "min_ms": min(timings),
        "max_ms": max(timings),
        "bytes": len(text.encode("utf-8")),
        "target_ms": TARGET_MS,
    }


def measure_rewrite_after_a_note(notes: int, repeats: int = 5) -> dict[str, Any]:
    """CPU milliseconds of the live report's rewrite after one new note, with ``notes`` notes before:
    as ``LiveReport`` does it (a ``RenderMemo`` kept from the last render), and from nothing (no memo).
    Median of ``repeats`` notes, each rendered once the memo holds the render before it."""
    from moderator.report.memo import RenderMemo

    engine, state = session_with_notes(notes)
    memo = RenderMemo()
    render_report(engine.programme, state, "md", memo)
    with_memo, without = [], []
    for number in range(repeats):
        engine.add_note(f"one more note on alliances ({number})")
        began = time.process_time()
        text = render_report(engine.programme, state, "md", memo)
        with_memo.append((time.process_time() - began) * 1000)
        began = time.process_time()
        plain = render_report(engine.programme, state, "md")
        without.append((time.process_time() - began) * 1000)
        assert text == plain
    return {"notes": notes, "memo_ms": statistics.median(with_memo), "plain_ms": statistics.median(without)}


def main() -> None:
    result = measure_render(2000, 7)
    print(f"report render, Markdown, {result['notes']} notes ({result['bytes']:,} bytes, {result['repeats']} runs): "
          f"median {result['median_ms']:.1f} ms, min {result['min_ms']:.1f} ms, max {result['max_ms']:.1f} ms "
          f"(target < {result['target_ms']:.0f} ms)")


if __name__ == "__main__":
    main()
