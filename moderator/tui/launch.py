"""Start the console over a host: ``moderator run`` / ``rehearse`` and the demo.

The host (``moderator.host``: the run, the live report, sharing, the chat) is built from typed
options before the console opens, so bad input is said on one line with nothing on screen; the
console shows it and sends its keys, and on the way out the host leaves everything on disk.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from moderator.host import Host, HostOptions
from moderator.i18n import Translate
from moderator.text import visible
from moderator.tui import shutdown

if TYPE_CHECKING:
    from moderator.tui.app import ModeratorApp

DEMO_PROGRAMME = "demo/workshop.toml"


def demo_path() -> Path:
    from importlib import resources  # here, not at the top: importing it slows every start by a few ms

    return Path(str(resources.files("moderator").joinpath(DEMO_PROGRAMME)))


def launch(options: HostOptions, *, bell: bool = False, language: str | None = None) -> int:
    """``bell``: ring at warn and danger; ``language`` (``--lang``): the console's words."""
    host = Host(options)
    from moderator.tui.app import ModeratorApp

    app = ModeratorApp(host.run, host=host, report=host.report, bell=bell, speed=host.speed, language=language)
    try:
        app.run()
    finally:
        # After a signal or a lost terminal the watchdog ends the process soon: the report is
        # written in the time left, then the journal closed (every event in it is already fsync'd).
        host.close(lambda: shutdown.time_left(default=5.0))
        if app.stop_handlers is not None:
            app.stop_handlers.finished()  # Windows' window closed: the handler may let it go now
    return _closing_words(app, host.run.journal.active_path, host.run.report_path, host.docx_path)


def _closing_words(app: ModeratorApp, journal: Path, report: Path, docx: Path | None) -> int:
    """Where the files are, in the console's language, and the exit status: 0 after ``ctrl+q``,
    128 + N after signal N (everything was saved all the same), Textual's 1 when the console crashed."""
    with contextlib.suppress(OSError):  # SIGHUP: the terminal may be gone
        for line in closing_lines(app.tr, journal, report, docx, stopped_by=app.stopped_by.name if app.stopped_by
                                  else None, terminal_lost=app.terminal_lost):
            print(line)
    return app.return_code or 0


def closing_lines(_: Translate, journal: Path, report: Path, docx: Path | None, *, stopped_by: str | None = None,
                  terminal_lost: bool = False) -> list[str]:
    """What is printed once the console has closed: why it ended (a signal, the terminal gone), then
    the files, their names aligned after labels in the console's language."""
    lines = []
    if stopped_by is not None:
        lines.append(_("Stopped by {signal}; every note is in the journal").format(signal=stopped_by))
    elif terminal_lost:
        lines.append(_("The terminal closed; every note is in the journal"))
    files = [(_("Journal:"), journal), (_("Report:"), report), *([(_("Word:"), docx)] if docx is not None else [])]
    width = max(len(label) for label, _path in files) + 1
    lines.extend(visible(f"{label.ljust(width)}{path}") for label, path in files)
    return lines


def launch_demo() -> int:
    """``moderator`` with no arguments: rehearse the bundled workshop programme."""
    return launch(HostOptions(programme=demo_path(), rehearsal=True))
