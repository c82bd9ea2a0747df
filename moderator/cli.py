"""Command-line entry points: ``moderator [run|rehearse|check|report|timing|ics] ...``.

Each command's work lives in its own module; this file only parses arguments and turns
the project's own errors into one clear line and exit status 2. Modules are imported
lazily so that ``moderator check`` never pays for importing Textual.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from moderator.i18n import LANGUAGES, translator
from moderator.problems import ModeratorError, ProgrammeError
from moderator.programme.model import FLOW_MODES
from moderator.text import visible

if TYPE_CHECKING:
    from moderator.host import HostOptions
    from moderator.share.options import ShareOptions

EXIT_OK = 0
EXIT_USAGE = 2

DEFAULT_OUT = Path("reports")
MAX_SPEED = 1000.0
"""A 90-minute session rehearsed in under 6 seconds; faster shows nothing a person could follow."""
DESCRIPTION = ("A terminal console for moderators, rapporteurs and organizers of live online sessions: "
               "a programme in, a live timer, the rapporteur's report out.")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """Usage errors are bad input too: one line, status 2."""
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="moderator", description=DESCRIPTION,
                     epilog="With no command, rehearse the bundled demo workshop. "
                            "'moderator COMMAND --help' tells more about each command.")
    parser.add_argument("--version", action=_VersionAction, help="show the version, the system and its clock")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    run = commands.add_parser("run", help="run a live session from a programme")
    _console_arguments(run)

    rehearse = commands.add_parser("rehearse", help="rehearse a programme (its own journal, optionally faster)")
    _console_arguments(rehearse)
    rehearse.add_argument("--speed", type=_positive_float, default=1.0,
                          help="run the clock N times faster (default 1)")

    join = commands.add_parser("join", help="follow a session another console hosts, from a seat link")
    join.add_argument("url", metavar="URL", nargs="?",
                      help="the rapporteur or co-moderator link the host gave you (- reads it from standard "
                           "input; or use --link-file, or MODERATOR_LINK, to keep it out of the process list)")
    join.add_argument("--link-file", metavar="FILE",
                      help="read the link from the first line of FILE (- : standard input)")
    join.add_argument("--name", help="your name, credited on the notes you write")
    join.add_argument("--bell", action="store_true", help="ring the terminal bell at warn and danger")

    check = commands.add_parser("check", help="validate programmes and print their run sheet")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")

    report = commands.add_parser("report", help="render the report of a session from its journal")
    report.add_argument("journal", type=Path, metavar="JOURNAL")
    report.add_argument("-o", "--output", type=Path, help="write here instead of standard output")
    report.add_argument("--format", choices=("md", "html", "json", "docx"), default="md",
                        help="md (default), html, json (the session's data), docx (Word; needs -o)")
    report.add_argument("--programme", type=Path, metavar="FILE",
                        help="the programme the session was run from (default: the one the journal names)")
    report.add_argument("--template", type=Path, metavar="FORM",
                        help="fill the organizers' own Word form (.docx with placeholders; --format docx)")

    chat = commands.add_parser("chat", help="import a saved Zoom chat into a session's journal")
    chat.add_argument("journal", type=Path, metavar="JOURNAL")
    chat.add_argument("chat_file", type=Path, metavar="FILE", help="the chat as Zoom saved it (.txt)")
    chat.add_argument("--zone", help="the zone of the computer that saved the chat (default: this one's)")
    chat.add_argument("--replace", action="store_true",
                      help="remove what an earlier import of this file added, then import it again")

    webinar = commands.add_parser("webinar", help="import a Zoom webinar's Q&A or poll report (.csv) into a journal")
    webinar.add_argument("journal", type=Path, metavar="JOURNAL")
    webinar.add_argument("report_file", type=Path, metavar="FILE",
                         help="the Q&A or poll report as Zoom gives it (.csv)")
    webinar.add_argument("--zone", help="the zone of the report's times (default: this computer's)")

    review = commands.add_parser("review", help="review an ended session's report: quotes, summaries, key messages")
    review.add_argument("journal", type=Path, metavar="JOURNAL")

    transcript = commands.add_parser("transcript", help="import a Zoom transcript or captions (.vtt) into a journal")
    transcript.add_argument("journal", type=Path, metavar="JOURNAL")
    transcript.add_argument("vtt", type=Path, metavar="FILE", help="the transcript or closed captions (.vtt)")
    transcript.add_argument("--started", metavar="TIME",
                            help="when the recording began (HH:MM[:SS] or YYYY-MM-DD HH:MM; default: the run's start)")
    transcript.add_argument("--zone", help="the zone of --started (default: the session's)")

    timing = commands.add_parser("timing", help="compare planned and actual timing of one or more runs")
    timing.add_argument("journals", nargs="+", type=Path, metavar="JOURNAL")
    timing.add_argument("--json", action="store_true", help="print JSON for other tools")
    timing.add_argument("--zone", help="show times of day in this zone (default: the session's)")
    timing.add_argument("--programme", type=Path, metavar="FILE",
                        help="the programme the sessions were run from (default: the one each journal names)")

    ics = commands.add_parser("ics", help="write an iCalendar file for the session")
    ics.add_argument("file", type=Path, metavar="FILE")
    ics.add_argument("-o", "--output", type=Path, help="write here instead of standard output")
    ics.add_argument("--segments", action="store_true", help="one event per segment")
    return parser


def _console_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="the programme (TOML)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder for journals and reports (default ./reports)")
    parser.add_argument("--fresh", action="store_true",
                        help="start a new run even if an unfinished one exists (the old journal is kept)")
    parser.add_argument("--bell", action="store_true", help="ring the terminal bell at warn and danger")
    sharing = parser.add_argument_group("sharing (the speakers' stage view, backstage, HTTP API)")
    sharing.add_argument("--share", action="store_true",
                         help="serve the stage view and the HTTP API from this console (links: key s, links.txt)")
    sharing.add_argument("--listen", metavar="HOST:PORT",
                         help="where to listen (default 127.0.0.1:8765, the next free port if taken); "
                              "0.0.0.0:8765 opens it to the local network")
    sharing.add_argument("--public-url", metavar="URL",
                         help="the address people reach the console at (a tunnel or a proxy), used in the links")
    sharing.add_argument("--tls-cert", type=Path, metavar="FILE", help="serve HTTPS with this certificate (PEM)")
    sharing.add_argument("--tls-key", type=Path, metavar="FILE", help="... and this private key (PEM)")
    sharing.add_argument("--new-links", action="store_true",
                         help="replace this run's links (the old ones stop working)")
    parser.add_argument("--flow", choices=FLOW_MODES, default=None,
                        help="move on by itself when a segment's time is up: breaks (and break-outs), all "
                             "segments, or off; a flowing session ends when the last segment's time is up "
                             "(default: the programme's [session] flow)")
    parser.add_argument("--lang", choices=LANGUAGES, default=None,
                        help="the console's language (default: the programme's [session] language)")
    parser.add_argument("--chat", type=Path, metavar="CHAT",
                        help="follow this Zoom chat file while Zoom writes it (its messages join the report)")
    parser.add_argument("--zone", help="the zone of the chat's times (default: this computer's)")
    parser.add_argument("--docx", action="store_true",
                        help="also keep the report as a Word file (.report.docx) beside the .md")


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or not 0 < value <= MAX_SPEED:
        raise argparse.ArgumentTypeError(f"must be a number greater than zero and at most {MAX_SPEED:g}")
    return value


class _VersionAction(argparse.Action):
    """``--version``: printed as written (argparse's own would re-wrap its lines), read only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> NoReturn:
        print(_version())
        parser.exit(0)


def _version() -> str:
    """The version, and what a bug report from a Windows or Mac laptop needs: the Python, the
    system, and the clock the countdown reads (one that counts a sleep, or not)."""
    import platform

    from moderator import __version__
    from moderator.session.clock import sleep_clocks

    clocks = sleep_clocks()
    counts = "counts a sleep" if clocks.awake is not None else "cannot tell a sleep"
    return (f"moderator {__version__}\n"
            f"Python {platform.python_version()} on {platform.system() or sys.platform} {platform.release()}; "
            f"clock: {clocks.name} ({counts})")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except ProgrammeError as error:
        tr = _session_words(args, error)
        for problem in error.problems:
            print(problem.said(tr), file=sys.stderr)
        return EXIT_USAGE
    except ModeratorError as error:
        print(visible(f"moderator: {error.say(_session_words(args, error))}"), file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        from moderator.commands.output import reader_went_away

        return reader_went_away()
    except KeyboardInterrupt:
        return 130


def _session_words(args: argparse.Namespace, error: ModeratorError) -> Callable[[str], str]:
    """An error said in the session's language: ``--lang`` where the command has it, else the
    language the error's session declares (``ModeratorError.language``), else English."""
    return translator(getattr(args, "lang", None) or error.language or "en")


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command
    if command is None:
        from moderator.tui.launch import launch_demo

        return launch_demo()
    if command in ("run", "rehearse"):
        options = host_options(args, rehearsal=command == "rehearse")  # bad options: said before any file
        from moderator.tui.launch import launch

        return launch(options, bell=args.bell, language=args.lang)
    if command == "join":
        from moderator.share.link_input import find_link
        from moderator.tui.join import join

        return join(find_link(args.url, args.link_file), args.name, bell=args.bell)
    if command == "check":
        from moderator.commands.check import run_check

        return run_check(args.files)
    if command == "report":
        from moderator.commands.report import run_report

        return run_report(args.journal, args.output, args.format, programme=args.programme, template=args.template)
    if command == "timing":
        from moderator.commands.timing import run_timing

        return run_timing(args.journals, as_json=args.json, zone_name=args.zone, programme=args.programme)
    if command == "chat":
        from moderator.commands.chat import run_chat

        return run_chat(args.journal, args.chat_file, args.zone, replace=args.replace)
    if command == "webinar":
        from moderator.commands.webinar import run_webinar

        return run_webinar(args.journal, args.report_file, args.zone)
    if command == "review":
        from moderator.tui.review import run_review

        return run_review(args.journal)
    if command == "transcript":
        from moderator.commands.transcript import run_transcript

        return run_transcript(args.journal, args.vtt, args.started, args.zone)
    if command == "ics":
        from moderator.commands.ics import run_ics

        return run_ics(args.file, args.output, segments=args.segments)
    raise AssertionError(f"unhandled command {command}")  # pragma: no cover


def host_options(args: argparse.Namespace, *, rehearsal: bool) -> HostOptions:
    """``run`` / ``rehearse``'s arguments as the host's typed options (the only place that reads them)."""
    from moderator.host import HostOptions

    return HostOptions(programme=args.file, out=args.out, rehearsal=rehearsal, fresh=args.fresh,
                       speed=args.speed if rehearsal else 1.0, share=share_options(args), chat=args.chat,
                       zone=args.zone, docx=args.docx, flow=args.flow)


def share_options(args: argparse.Namespace) -> ShareOptions | None:
    """What ``--share`` and its options ask for; None without ``--share``."""
    if not args.share:
        return None
    from moderator.share.options import DEFAULT_HOST, DEFAULT_PORT, ShareOptions, check_public_url, parse_listen

    host, port = DEFAULT_HOST, None
    if args.listen:
        host, port = parse_listen(args.listen)
    public_url = check_public_url(args.public_url) if args.public_url else None
    return ShareOptions(host=host, port=port or DEFAULT_PORT, port_given=port is not None, public_url=public_url,
                        tls_cert=args.tls_cert, tls_key=args.tls_key, new_links=args.new_links)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
