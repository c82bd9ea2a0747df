"""A live report kept with a ``RenderMemo`` is the report, byte for byte, after every event.

The memo lets a rewrite reuse each unchanged note's spans and Markdown (issue 27: a rewrite
costs what changed, not what the session holds). These sessions add, nest, edit and delete
notes, ask questions, follow the chat and end: after each event the memoised render is
compared with a render from nothing, and the memo never keeps more than the last render used.
"""

from __future__ import annotations

import pytest
from test_report_golden import NOTE_SCENARIOS, SCENARIOS, Scenario

from moderator.report import render_report
from moderator.report.memo import Memo, RenderMemo
from moderator.session.engine import Engine
from moderator.session.events import Event
from moderator.session.state import State

ALL = {f"{name}-{language}": scenario for name, scenarios in (("report", SCENARIOS), ("notes", NOTE_SCENARIOS))
       for language, scenario in scenarios.items()}


@pytest.mark.parametrize("name", sorted(ALL))
def test_the_memoised_render_is_the_render_after_every_event(name: str) -> None:
    scenario: Scenario = ALL[name]
    memo = RenderMemo()
    compared = 0
    engine_box: list[Engine] = []

    def compare(_event: Event, state: State) -> None:
        nonlocal compared
        programme = engine_box[0].programme
        assert render_report(programme, state, "md", memo) == render_report(programme, state, "md")
        compared += 1
        assert len(memo.spans) <= len(state.visible_notes())

    def attach(engine: Engine) -> None:
        engine_box.append(engine)
        engine.subscribe(compare)

    engine = scenario.run(attach=attach)
    assert compared > 10 and compared >= engine.state.events - 1  # every event after the opening one


def test_an_edited_and_a_deleted_note_leave_the_memo() -> None:
    scenario = SCENARIOS["en"]
    engine = scenario.run()
    memo = RenderMemo()
    render_report(engine.programme, engine.state, "md", memo)
    first = engine.state.visible_notes()[0]
    engine.edit_note(first.id, "a corrected first note")
    engine.delete_note(engine.state.visible_notes()[-1].id)
    text = render_report(engine.programme, engine.state, "md", memo)
    assert text == render_report(engine.programme, engine.state, "md")
    assert "a corrected first note" in text
    assert len(memo.spans) == len({(n.text, n.kind, n.speaker, n.after_end) for n in engine.state.visible_notes()})


def test_a_memo_keeps_what_the_last_round_used() -> None:
    memo: Memo[str] = Memo()
    computed: list[str] = []

    def make(key: str) -> str:
        computed.append(key)
        return key.upper()

    assert [memo.get(k, lambda k=k: make(k)) for k in ("a", "b")] == ["A", "B"]
    memo.finish()
    assert memo.get("a", lambda: make("a")) == "A" and computed == ["a", "b"]  # reused, not computed again
    memo.finish()
    assert len(memo) == 1  # "b" was not used in the last round: dropped
    assert memo.get("b", lambda: make("b")) == "B" and computed == ["a", "b", "b"]
