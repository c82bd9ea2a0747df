"""Start the console from the command line: load, open (or resume) the run, wire the report."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from moderator.programme import Programme, load_programme
from moderator.report.live import LiveReport
from moderator.session.chat_follow import ChatFollower
from moderator.session.clock import Clock, ScaledClock, SystemClock
from moderator.session.runs import open_run
from moderator.share.options import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    ShareOptions,
    check_public_url,
    parse_listen,
    tls_context,
)
from moderator.text import visible
from moderator.tui import shutdown

if TYPE_CHECKING:
    from moderator.tui.app import ModeratorApp

DEMO_PROGRAMME = "demo/workshop.toml"
REPORT_FIRST_WRITE_DELAY = 1.0
"""Seconds the live report waits (unless an event comes first) so the console draws first."""


def demo_path() -> Path:
    from importlib import resources  # here, not at the top: importing it slows every start by a few ms

    return Path(str(resources.files("moderator").joinpath(DEMO_PROGRAMME)))


def launch(args: argparse.Namespace, *, rehearsal: bool) -> int:
    programme = load_programme(args.file)
    if getattr(args, "flow", None):
        programme = programme.with_flow(args.flow)
    share = share_options(args)  # bad sharing options are said before any file is written
    speed = getattr(args, "speed", 1.0)
    clock: Clock = ScaledClock(speed) if rehearsal and speed != 1 else SystemClock()
    follower, assumption = _chat_follower(args, programme)
    run = open_run(programme, args.out, clock, rehearsal=rehearsal, fresh=args.fresh)
    journal = run.journal
    assert journal is not None  # a run opened here has its journal; only a seat's has none
    docx_path = run.report_path.with_suffix(".docx") if getattr(args, "docx", False) else None
    report = LiveReport(programme, run.report_path, run.engine.state, first_write_delay=REPORT_FIRST_WRITE_DELAY,
                        docx_path=docx_path)
    run.engine.subscribe(report.on_event)
    from moderator.tui.app import ModeratorApp

    app = ModeratorApp(run, report=report, bell=args.bell, speed=speed, share=share, chat=follower,
                       chat_assumption=assumption, language=getattr(args, "lang", None))
    try:
        app.run()
    finally:
        # After a signal or a lost terminal the watchdog ends the process soon: write the report
        # in the time left, then close the journal (every event in it is already fsync'd).
        report.flush(timeout=shutdown.time_left(default=5.0))
        report.close(timeout=shutdown.time_left(default=5.0))
        journal.close()
        if app.stop_handlers is not None:
            app.stop_handlers.finished()  # Windows' window closed: the handler may let it go now
    return _closing_words(app, journal.active_path, run.report_path, docx_path)


def _closing_words(app: ModeratorApp, journal: Path, report: Path, docx: Path | None) -> int:
    """Where the files are, and the exit status: 0 after ``ctrl+q``, 128 + N after signal N
    (everything was saved all the same), Textual's 1 when the console crashed."""
    with contextlib.suppress(OSError):  # SIGHUP: the terminal may be gone
        if app.stopped_by is not None:
            print(f"Stopped by {app.stopped_by.name}; every note is in the journal")
        elif app.terminal_lost:
            print("The terminal closed; every note is in the journal")
        print(visible(f"Journal: {journal}"))
        print(visible(f"Report:  {report}"))
        if docx is not None:
            print(visible(f"Word:    {docx}"))
    return app.return_code or 0


def share_options(args: argparse.Namespace) -> ShareOptions | None:
    """What ``--share`` and its options ask for; None without ``--share``."""
    if not getattr(args, "share", False):
        return None
    host, port = DEFAULT_HOST, None
    if args.listen:
        host, port = parse_listen(args.listen)
    public_url = check_public_url(args.public_url) if args.public_url else None
    options = ShareOptions(host=host, port=port or DEFAULT_PORT, port_given=port is not None,
                           public_url=public_url, tls_cert=args.tls_cert, tls_key=args.tls_key,
                           new_links=args.new_links)
    tls_context(options)  # a missing or unreadable certificate is said before the console opens
    return options


def _chat_follower(args: argparse.Namespace, programme: Programme) -> tuple[ChatFollower | None, str]:
    """The chat to follow (``--chat``), read in ``--zone`` or this computer's zone, and that assumption."""
    chat = getattr(args, "chat", None)
    if chat is None:
        return None, ""
    from moderator.commands.chat import chat_zone

    zone_name, assumption = chat_zone(getattr(args, "zone", None))
    return ChatFollower(Path(chat), zone_name, programme.session.date), assumption


def launch_demo() -> int:
    """``moderator`` with no arguments: rehearse the bundled workshop programme."""
    args = argparse.Namespace(file=demo_path(), out=Path("reports"), fresh=False, bell=False, speed=1.0,
                              chat=None, zone=None, docx=False, lang=None, flow=None)
    return launch(args, rehearsal=True)
