"""The key help is written once, in ``moderator.tui.keymap``: the console's bindings, and so the
Footer and the command palette, come from it; the README's key table is checked against them."""

from __future__ import annotations

import re
from pathlib import Path

from textual.app import App

from moderator.tui.keymap import CONSOLE_ACTIONS, key_label, palette_actions

README = Path(__file__).resolve().parents[2] / "README.md"
KEYS_SECTION = "## The console's keys"


def readme_keys(readme: str) -> set[str]:
    """The keys in the first column of the README's key table, as it writes them (``→``, ``F5``)."""
    section = readme.split(KEYS_SECTION, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {key for row in rows for key in re.findall(r"`([^`]+)`", row.split("|")[1])}


def bound_keys(app: App[None]) -> set[str]:
    """Every key that does something on the console's screen (its bindings and the App's)."""
    return {key_label(key) for key in app.screen.active_bindings}


def footer_keys(app: App[None]) -> set[str]:
    """The keys the Footer shows: the first key of each action shown, and the palette's."""
    first_key_of: dict[str, str] = {}
    for key, active in app.screen.active_bindings.items():
        if active.binding.show:
            first_key_of.setdefault(active.binding.action, key)
    shown = set(first_key_of.values())
    if app.ENABLE_COMMAND_PALETTE:
        shown.add(app.COMMAND_PALETTE_BINDING)
    return {key_label(key) for key in shown}


def unbound(readme: str, app: App[None]) -> set[str]:
    return readme_keys(readme) - bound_keys(app)


def undocumented(readme: str, app: App[None]) -> set[str]:
    return footer_keys(app) - readme_keys(readme)


async def test_every_key_in_the_readme_is_bound(make_app):
    readme = README.read_text(encoding="utf-8")
    assert len(readme_keys(readme)) >= 20, "the README's key table was found and read"
    app = make_app()
    async with app.run_test(size=(120, 40)):
        assert unbound(readme, app) == set()


async def test_every_key_in_the_footer_is_in_the_readme(make_app):
    readme = README.read_text(encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40)):
        # ctrl+q left the Footer (issue 12): its room goes to the keys pressed mid-session.
        assert {"space", "n", "p", "g", "c", "e", "ctrl+p"} <= footer_keys(app)
        assert undocumented(readme, app) == set()


async def test_the_checks_catch_a_readme_out_of_step(make_app):
    readme = README.read_text(encoding="utf-8")
    with_unbound_key = readme.replace("| key | action |\n|---|---|\n",
                                      "| key | action |\n|---|---|\n| `x` | nothing |\n")
    without_end = readme.replace("| `e` | end the session", "| `E` | end the session")
    assert with_unbound_key != readme and without_end != readme
    app = make_app()
    async with app.run_test(size=(120, 40)):
        assert unbound(with_unbound_key, app) == {"x"}
        assert undocumented(without_end, app) == {"e"}


async def test_the_palette_is_generated_from_the_same_table(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)):
        commands = {command.title: command.help for command in app.get_system_commands(app.screen)}
    for action in palette_actions():
        assert commands[action.palette] == action.palette_text
    assert commands["Start / pause / resume"] == "The timer (space, F5)"
    assert commands["Delete the last note"] == "Asks first; the journal keeps a record"


def test_every_bound_action_of_the_table_exists_on_the_console():
    from moderator.tui.app import ModeratorApp
    from moderator.tui.console import ConsoleScreen

    for action in CONSOLE_ACTIONS:
        name = action.action.split("(")[0]
        owner: type = ModeratorApp if name.startswith("app.") else ConsoleScreen
        assert hasattr(owner, f"action_{name.removeprefix('app.')}"), action
