"""The console says "The computer slept 05:02" on each system's clocks (issue 24): the console runs on
``SystemClock`` reading a simulated Linux, macOS or Windows machine (``clock_systems_helpers.Machine``),
where the lid is closed for 5:02 mid-segment."""

from __future__ import annotations

import pytest
from clock_systems_helpers import Machine, machine_clock

from moderator.session.events import Slept
from moderator.session.journal import read_journal


@pytest.fixture(params=["linux", "darwin", "win32"])
def machine(request: pytest.FixtureRequest) -> Machine:
    return Machine()


@pytest.fixture
def clock(machine: Machine, request: pytest.FixtureRequest) -> object:
    """``make_app`` opens its run on this clock: the system's, on the simulated machine."""
    system = request.node.callspec.params["machine"]
    return machine_clock(system, machine)


@pytest.mark.attack("A17")
async def test_the_console_says_the_computer_slept_on_each_system(make_app, machine: Machine) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        await pilot.press("n")  # the moderator's introduction: 5 minutes
        machine.run(10)
        app.console_screen.tick()
        await pilot.pause()
        machine.sleep(302)  # the lid closed: the clock that counts a sleep went on
        app.console_screen.tick()
        await pilot.pause()
        assert any("slept 05:02; counted as elapsed" in n.message for n in app._notifications)
        app.console_screen.tick()
        await pilot.pause()
    slept = [e for e in read_journal(app.run_files.journal_path).events if isinstance(e, Slept)]
    assert [round(e.seconds) for e in slept] == [302]
