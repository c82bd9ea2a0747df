"""The moderator's commands as they arrive over the network (HTTP API, seats), run through the engine.

A remote command is the same engine call a key makes, so it is journalled (fsync'd) before
``run_command`` returns, refused with the same reasons, and seen by every listener. The vocabulary
is small on purpose: what a Stream Deck or a co-moderator needs, nothing that edits notes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from moderator.session.engine import CommandRefused, Engine
from moderator.session.state import Status

MAX_ADJUST_SECONDS = 3600


class BadCommand(ValueError):
    """The command is not one we know, or its arguments are wrong: the caller's mistake (HTTP 400)."""


def _start(engine: Engine, args: Mapping[str, Any]) -> None:
    if engine.status is Status.NOT_STARTED:
        engine.start()
    elif engine.status is Status.PAUSED:
        engine.resume()
    else:
        raise CommandRefused("the timer is already running" if engine.status is Status.RUNNING
                             else "the session has ended")


def _toggle(engine: Engine) -> None:
    engine.toggle()


def _adjust(engine: Engine, args: Mapping[str, Any]) -> None:
    seconds = args.get("seconds", 60)
    whole = isinstance(seconds, int) and not isinstance(seconds, bool)
    if not whole or not -MAX_ADJUST_SECONDS <= seconds <= MAX_ADJUST_SECONDS:
        raise BadCommand(f"adjust: 'seconds' must be a whole number from -{MAX_ADJUST_SECONDS} to {MAX_ADJUST_SECONDS}")
    engine.adjust(seconds)


def _message(engine: Engine, args: Mapping[str, Any]) -> None:
    text = args.get("text")
    if not isinstance(text, str):
        raise BadCommand("message: 'text' must be a string")
    engine.show_message(text)


def _switch(name: str, setter: Callable[[Engine, bool], None], current: Callable[[Engine], bool]) -> Any:
    """``flash``/``blackout``: ``{"on": true|false}``, or no argument to toggle."""
    def run(engine: Engine, args: Mapping[str, Any]) -> None:
        on = args.get("on")
        if on is None:
            on = not current(engine)
        if not isinstance(on, bool):
            raise BadCommand(f"{name}: 'on' must be true or false")
        setter(engine, on)
    return run


COMMANDS: dict[str, Callable[[Engine, Mapping[str, Any]], None]] = {
    "start": _start,
    "pause": lambda engine, _: engine.pause(),
    "toggle": lambda engine, _: _toggle(engine),
    "next": lambda engine, _: engine.next(),
    "previous": lambda engine, _: engine.previous(),
    "adjust": _adjust,
    "message": _message,
    "clear_message": lambda engine, _: engine.clear_message(),
    "flash": _switch("flash", Engine.set_flash, lambda engine: engine.state.flash),
    "blackout": _switch("blackout", Engine.set_blackout, lambda engine: engine.state.blackout),
}


def run_command(engine: Engine, command: str, args: object) -> None:
    """Run one command; ``BadCommand`` for a malformed one, ``CommandRefused`` when it makes no sense now
    (the engine's reason), ``JournalError`` when it could not be made durable."""
    handler = COMMANDS.get(command)
    if handler is None:
        raise BadCommand(f"unknown command (one of: {', '.join(COMMANDS)})")
    if args is None:
        args = {}
    if not isinstance(args, Mapping):
        raise BadCommand("'args' must be an object")
    handler(engine, args)
