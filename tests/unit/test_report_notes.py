"""Where the rapporteur's notes land in the report, and how they look (issue 11)."""

from __future__ import annotations

import pytest
from helpers_engine import KIM, QA, new_engine
from unit.test_report_golden import NOTE_SCENARIOS

from moderator.programme import Programme
from moderator.report import build_report, render_report
from moderator.report.model import Bullets
from moderator.session.state import State


def _section_text(engine, section_id: str) -> str:
    document = build_report(engine.programme, engine.state)
    return repr(document.section(section_id))


@pytest.mark.parametrize(("typed", "shown"), [
    ('"He said "yes" to the network"', '“He said "yes" to the network”'),
    ('"Unclosed quote', "“Unclosed quote”"),
    ('> «Guillemets» y algo más', "«Guillemets» y algo más"),
    ('"Words," she said', '"Words," she said'),
])
def test_a_quote_is_marked_once_never_doubled_or_mixed(typed, shown):
    engine, _ = new_engine()
    engine.start(KIM)
    engine.add_note(typed)
    report = render_report(engine.programme, engine.state, "md")
    assert f"  - {shown}\n" in report


def test_spanish_quotes_use_guillemets_and_an_action_keeps_its_quotes():
    report = render_report(*_run("es"), "md")
    assert "  - «La banca ética presta a quien la banca clásica no ve»\n" in report
    actions = report.split("## Acciones y recomendaciones")[1]
    assert '"Crear un fondo municipal de garantía"' in actions.split("##")[0]


def _run(language: str) -> tuple[Programme, State]:
    engine = NOTE_SCENARIOS[language].run()
    return engine.programme, engine.state


def test_only_marked_questions_are_the_audiences_and_answers_go_under_whoever_answered():
    engine, _ = new_engine()
    engine.start(QA)
    engine.add_note("? who pays")
    engine.add_note("@kim the city pays")
    engine.add_note("an answer nobody was named for")
    document = build_report(engine.programme, engine.state)
    audience = document.section("audience")
    first = audience.blocks[0]
    assert isinstance(first, Bullets) and [i.spans[0].text for i in first.items] == ["who pays"]
    assert "the city pays" in repr(audience.blocks[2]) and "Young Kim" in repr(audience.blocks[2])


def test_after_the_end_notes_have_their_own_section_and_actions_say_so():
    engine, _ = new_engine()
    engine.start(KIM)
    engine.end()
    engine.add_note("late thought")
    engine.add_note("! late action")
    assert "late thought" in _section_text(engine, "after_end")
    assert "late action" in _section_text(engine, "actions") and "after the end" in _section_text(engine, "actions")
    assert "late thought" not in _section_text(engine, "summary")


def test_sub_points_nest_three_levels_deep_in_every_format():
    engine, _ = new_engine()
    engine.start(KIM)
    for typed in ("point", "- sub", "-- subsub", "- sub two", "next point"):
        engine.add_note(typed)
    md = render_report(engine.programme, engine.state, "md")
    assert "  - point\n    - sub\n      - subsub\n    - sub two\n  - next point\n" in md
    html = render_report(engine.programme, engine.state, "html")
    assert "<li>point\n<ul>\n<li>sub\n<ul>\n<li>subsub</li>\n</ul>\n</li>\n<li>sub two</li>" in html


def test_participants_from_a_note_reach_the_header_and_the_last_value_wins():
    md = render_report(*_run("es"), "md")
    assert "| Participantes | 34 |" in md


def test_an_action_typed_for_a_breakout_group_credits_the_group() -> None:
    """``@g2 ! ...`` during the break-out: under "Actions", credited to group 2 by name, in every format."""
    from unit.test_report_golden import NOTE_SCENARIOS, Scenario

    from moderator.report import render_report

    taller = NOTE_SCENARIOS["es"]

    def play(engine, clock) -> None:  # the taller up to its working groups, then an action for group 2
        engine.start()
        while engine.programme.segments[engine.state.current].kind != "breakout":
            clock.advance(300)
            engine.next()
        engine.add_note("@g2 ! publicar un mapa de los actores de la ESS")

    engine = Scenario("taller-action", taller.programme_path, taller.start, play).run()
    assert engine.state.current is not None
    groups = engine.programme.segments[engine.state.current].groups
    markdown = render_report(engine.programme, engine.state)
    actions = markdown[markdown.index("## Acciones"):]
    assert f"- **Grupo 2 — {groups[1]}**: publicar un mapa de los actores de la ESS" in actions
