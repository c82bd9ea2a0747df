"""``run --chat FILE``: the console follows the Zoom chat while Zoom writes it, without blocking."""

from __future__ import annotations

import asyncio
from pathlib import Path

from conftest import WORKSHOP

from moderator.host import Host, HostOptions
from moderator.tui.app import ModeratorApp


async def wait_for(pilot, condition, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the console never got there")


async def test_messages_written_while_the_session_runs_join_it(in_tmp: Path, clock) -> None:
    chat = in_tmp / "meeting_saved_chat.txt"
    host = Host(HostOptions(WORKSHOP, chat=chat, zone="Asia/Seoul"), clock=clock)
    app = ModeratorApp(host.run, host=host, tick=False)
    async with app.run_test(size=(120, 40)) as pilot:
        assert any("chat times read as Asia/Seoul (--zone)" in note.message for note in app._notifications)
        await pilot.press("space")  # starts at 18:00 Seoul
        await host.poll_chat()  # nothing there yet: Zoom writes the file with the first message
        await pilot.pause(0.2)
        chat.write_text("18:00:30 From  Ana Pérez  to  Everyone : Is the session recorded?\n"
                        "18:00:40 From  Bo  to  Everyone : half a li", encoding="utf-8")
        await host.poll_chat()
        await wait_for(pilot, lambda: len(app.engine.state.chat) == 1)
        (entry,) = app.engine.state.chat
        assert (entry.sender, entry.kind, entry.segment) == ("Ana Pérez", "question", 0)
        with chat.open("a", encoding="utf-8") as handle:  # Zoom finishes the line, then writes another
            handle.write("ne\n18:01:00 From  Kim  to  Kim(Direct Message) : private\n")
        await host.poll_chat()
        await wait_for(pilot, lambda: len(app.engine.state.chat) == 2)
        assert app.engine.state.chat[1].text == "half a line"
        await host.poll_chat()  # the same size again: nothing is read, nothing added
        await pilot.pause(0.2)
        assert len(app.engine.state.chat) == 2
        await pilot.pause()
        assert any("1 new question(s) in the chat" in note.message for note in app._notifications)
        with chat.open("a", encoding="utf-8") as handle:  # another question while the toast is up: it counts on
            handle.write("18:01:10 From  Bo  to  Everyone : Where are the slides?\n")
        await host.poll_chat()
        await wait_for(pilot, lambda: len(app.engine.state.chat) == 3)

        def chat_toasts() -> list[str]:
            return [note.message for note in app._notifications if "in the chat" in note.message]

        await wait_for(pilot, lambda: chat_toasts() == ["2 new question(s) in the chat"])  # within a second
        await asyncio.sleep(0)
    host.close()


async def test_a_busy_chat_is_one_toast_counting_on(in_tmp: Path, clock) -> None:
    """Ten questions in half a second: the toast says the first at once, then the count at most
    once a second (each new toast clears and refills the rack: a stream of them held the loop)."""
    chat = in_tmp / "meeting_saved_chat.txt"
    host = Host(HostOptions(WORKSHOP, chat=chat, zone="Asia/Seoul"), clock=clock)
    app = ModeratorApp(host.run, host=host, tick=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        told = len(app.console_screen.toasts.history)
        for number in range(10):
            with chat.open("a", encoding="utf-8") as handle:
                handle.write(f"18:00:{number:02d} From  Ana  to  Everyone : question {number}?\n")
            await host.poll_chat()
            await pilot.pause(0.05)
        assert len(app.engine.state.chat) == 10

        def chat_toasts() -> list[str]:
            return [note.message for note in app._notifications if "in the chat" in note.message]

        await wait_for(pilot, lambda: chat_toasts() == ["10 new question(s) in the chat"])
        said = [message for message in list(app.console_screen.toasts.history)[told:] if "in the chat" in message]
        assert said[0] == "1 new question(s) in the chat" and len(said) <= 3
    host.close()
