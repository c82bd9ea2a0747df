"""Robustness: what a live session can throw at the console, and what it must survive.

* programme files damaged in every small way (a line lost, doubled, swapped, the file cut
  short, a value replaced, a byte flipped): a ``ProgrammeError`` or a programme that works;
* SIGKILL of the installed console in a real terminal, and of the console run headless in a
  child process, again and again: every note that was shown is in the journal's replay;
* the report's folder turning read-only mid-session: said plainly, nothing lost, the report
  written again once it can be;
* the wall clock jumping an hour during a segment: the countdown does not jump;
* the terminal resized from 40x12 to 250x70 while the timer runs;
* names and notes in Korean, Spanish, Portuguese, emoji, Arabic and Hebrew: on screen and in
  the report, byte for byte.

Each test is bounded (seconds, not minutes); the SIGKILL loops are seeded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, SESSIONS, WORKSHOP, WORKSHOP_START
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from programme_helpers import exercise, toml_string
from textual.widgets import Digits
from tui_helpers import let_time_pass

from moderator.problems import ProgrammeError
from moderator.programme import Programme, load_programme, parse_programme
from moderator.report import render_report
from moderator.report.live import LiveReport
from moderator.session.clock import FakeClock
from moderator.session.engine import CommandRefused, Engine
from moderator.session.events import NoteAdded
from moderator.session.journal import read_journal
from moderator.session.notes import NoteError
from moderator.session.runs import load_run, open_run, session_folder
from moderator.session.state import Status
from moderator.tui.note_box import NoteBox
from moderator.tui.widgets import NotesLog

SESSION_FILES = sorted(SESSIONS.glob("*.toml"))


# =========================================================================== programme fuzzing

_ASSIGNMENT = re.compile(rb"^(\s*[A-Za-z0-9_\"'.-]+\s*=\s*)(.*)$")


TOML_SCALARS = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(
        lambda f: "nan" if f != f else ("inf" if f == float("inf") else "-inf" if f == float("-inf") else repr(f))),
    st.booleans().map(lambda b: "true" if b else "false"),
    st.text(max_size=30).map(toml_string),
    st.sampled_from(['""', '"10m"', '"0m"', '"-5m"', '"25:99"', '"18:00"', '"Europe/Pariss"', '"UTC+14"',
                     '"speaker"', '"nobody"', "[]", '["UTC"]', "{}", "0", "-1", "1e400"]),
    st.dates().map(lambda d: d.isoformat()),
    st.times().map(lambda t: t.isoformat()),
    st.datetimes().map(lambda d: d.isoformat()),
)


@st.composite
def mutations(draw: st.DrawFn, data: bytes) -> tuple[str, bytes]:
    """One small accident to a programme file, and what it was."""
    lines = data.split(b"\n")
    kind = draw(st.sampled_from(["delete", "duplicate", "swap", "truncate", "replace", "flip"]))
    index = draw(st.integers(0, len(lines) - 1))
    if kind == "delete":
        del lines[index]
    elif kind == "duplicate":
        lines.insert(index, lines[index])
    elif kind == "swap":
        other = draw(st.integers(0, len(lines) - 1))
        lines[index], lines[other] = lines[other], lines[index]
    elif kind == "truncate":
        return kind, data[: draw(st.integers(0, len(data)))]
    elif kind == "flip":
        position = draw(st.integers(0, len(data) - 1))
        bit = draw(st.integers(0, 7))
        flipped = bytearray(data)
        flipped[position] ^= 1 << bit
        return kind, bytes(flipped)
    else:
        assignments = [n for n, line in enumerate(lines) if _ASSIGNMENT.match(line)]
        index = draw(st.sampled_from(assignments))
        key = _ASSIGNMENT.match(lines[index]).group(1)  # type: ignore[union-attr]
        lines[index] = key + draw(TOML_SCALARS).encode("utf-8")
    return kind, b"\n".join(lines)


def _exercise(programme: Programme) -> None:
    """What ``check``, the engine and the report do with a programme that loaded must not fail."""
    exercise(programme)
    clock = FakeClock(WORKSHOP_START)
    engine = Engine.create(programme, clock, None)
    engine.start()
    engine.add_note("a first note")
    clock.advance(90)
    with contextlib.suppress(CommandRefused):  # a one-segment programme has no next
        engine.next()
    engine.add_note('"a quote')
    engine.snapshot()
    for language_format in ("md", "html", "json"):
        assert render_report(programme, engine.state, language_format)


@pytest.mark.parametrize("path", SESSION_FILES, ids=lambda p: p.stem)
def test_a_damaged_programme_loads_or_says_what_is_wrong(path: Path) -> None:
    original = path.read_bytes()

    @settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(mutations(original))
    def damaged(mutation: tuple[str, bytes]) -> None:
        _, data = mutation
        try:
            programme = parse_programme(data, path.name)
        except ProgrammeError as error:
            assert error.errors, "a ProgrammeError always says what is wrong"
            for problem in error.errors:
                assert str(problem).startswith(path.name)
            return
        _exercise(programme)

    damaged()


def test_every_session_file_loads_and_works_undamaged() -> None:
    assert len(SESSION_FILES) >= 5
    for path in SESSION_FILES:
        _exercise(load_programme(path))


# =========================================================================== SIGKILL: the real console in tmux

TMUX = shutil.which("tmux")
MODERATOR = Path(sys.executable).with_name("moderator")


@pytest.mark.e2e
@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
@pytest.mark.skipif(not MODERATOR.exists(), reason="the moderator script is not installed in this environment")
def test_the_installed_console_killed_five_times_keeps_every_note_shown(tmp_path: Path) -> None:
    """``moderator run`` in tmux: type notes, SIGKILL as soon as they show, start it again; five times.

    A note is acknowledged when it is on screen (it is on disk before it shows). One more note
    is typed right before each kill: it may be saved or not, but never half of it."""
    from system.test_e2e_tmux import Terminal

    rng = random.Random(20211008)
    command = f"{MODERATOR} run {WORKSHOP} --out reports"
    acknowledged: list[str] = []
    maybe: list[str] = []
    for attempt in range(5):
        terminal = Terminal(command, tmp_path, width=110, height=34)
        try:
            if attempt == 0:
                terminal.wait_for("press space to start")
                terminal.keys("Space")
                terminal.wait_for(" left")
            else:
                terminal.wait_for("Resumed at segment")
            terminal.keys("n")
            # moved: a lone command key runs 0.25 s after it is pressed (an `i` sooner would be typing)
            terminal.wait_for(f" {attempt + 2}/10")
            terminal.keys("i")
            texts = [f"k{attempt}n{k} alliances across borders" for k in range(2)]
            for text in texts:
                terminal.type(text)
                terminal.keys("Enter")
            terminal.wait_for(texts[-1], timeout=15)
            acknowledged += texts
            unsure = f"k{attempt}x typed just before the kill"
            terminal.type(unsure)
            terminal.keys("Enter")
            maybe.append(unsure)
            time.sleep(rng.uniform(0, 0.05))
            os.kill(terminal.pid(), signal.SIGKILL)
        finally:
            terminal.close()
    folder = next((tmp_path / "reports").glob("*/"))
    journal = folder / "live.journal.jsonl"
    contents = read_journal(journal)
    assert not [w for w in contents.warnings if "unreadable" in w], contents.warnings
    notes = [e.text for e in contents.events if isinstance(e, NoteAdded)]
    for text in acknowledged:
        assert text in notes, f"{text!r} was on screen but is not in the journal"
    for text in notes:
        assert text in acknowledged or text in maybe, f"a note that nobody typed: {text!r}"
    replayed = load_run(journal)
    assert [n.text for n in replayed.state.visible_notes()] == notes
    assert replayed.state.reopened == 4


# =========================================================================== SIGKILL: the console headless, 20 times

CONSOLE_CHILD = r"""
import asyncio, sys
from pathlib import Path

from moderator.session.clock import SystemClock
from moderator.report.live import LiveReport
from moderator.programme import load_programme
from moderator.session.runs import open_run
from moderator.session.state import Status
from moderator.tui.app import ModeratorApp
from moderator.tui.note_box import NoteBox
from moderator.tui.widgets import NotesLog

programme_path, out, tag = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
programme = load_programme(programme_path)
run = open_run(programme, out, SystemClock())
report = LiveReport(programme, run.report_path, run.engine.state)
run.engine.subscribe(report.on_event)
print("open", int(run.resumed), flush=True)


async def main():
    app = ModeratorApp(run, report=report)
    async with app.run_test(size=(100, 30)) as pilot:
        if run.engine.status is Status.NOT_STARTED:
            await pilot.press("space")
        await pilot.press("i")
        box, log = app.query_one(NoteBox), app.query_one(NotesLog)
        n = 0
        while True:
            n += 1
            text = f"{tag}-{n} nothing shown is lost"
            box.value = text
            await pilot.press("enter")
            while not any(f"{tag}-{n} " in line.text for line in log.lines[-3:]):
                await pilot.pause()
            print("shown", f"{tag}-{n}", flush=True)

asyncio.run(main())
"""


class ConsoleChild:
    def __init__(self, out: Path, tag: str) -> None:
        paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths))
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # twenty starts: let them share compiled modules
        self.process = subprocess.Popen([sys.executable, "-c", CONSOLE_CHILD, str(WORKSHOP), str(out), tag],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=out)
        self.lines: list[str] = []
        self.shown = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            if not raw.endswith(b"\n"):
                break
            line = raw.decode().rstrip("\n")
            self.lines.append(line)
            if line.startswith("shown "):
                self.shown.set()

    def kill(self) -> str:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self._reader.join(timeout=10)
        return self.process.stderr.read().decode() if self.process.stderr else ""


def test_the_console_killed_twenty_times_keeps_every_note_it_showed(tmp_path: Path) -> None:
    """The console (headless, live report on) in a child process, killed at a random moment 20
    times: after a few notes showed, or while it starts, resumes or writes its report."""
    rng = random.Random(7)
    shown: list[str] = []
    for attempt in range(20):
        child = ConsoleChild(tmp_path, f"c{attempt}")
        if rng.random() < 0.75:
            assert child.shown.wait(timeout=30), "the console never showed a note"
            time.sleep(rng.uniform(0, 0.08))
        else:
            time.sleep(rng.uniform(0, 0.6))
        stderr = child.kill()
        assert child.process.returncode == -signal.SIGKILL, stderr
        assert "Traceback" not in stderr, stderr
        shown += [line.split()[1] for line in child.lines if line.startswith("shown ")]
    folder = session_folder(load_programme(WORKSHOP), tmp_path)
    journal = folder / "live.journal.jsonl"
    notes = [e.text for e in read_journal(journal).events if isinstance(e, NoteAdded)]
    tags = {text.split()[0] for text in notes}
    missing = [tag for tag in shown if tag not in tags]
    assert not missing, f"notes shown on screen but not in the journal: {missing}"
    assert len(shown) >= 10
    assert all(text.endswith(" nothing shown is lost") for text in notes), "a note was cut or glued"
    replayed = load_run(journal)
    assert {n.text.split()[0] for n in replayed.state.visible_notes()} == tags
    # The last kill may land mid-write: its temporary file can only go when the report is next
    # written, as the next console start does. Earlier kills' files went at each restart.
    report = LiveReport(replayed.programme, folder / "live.report.md", replayed.state)
    assert report.flush(timeout=30)
    report.close()
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert not leftovers, f"half-written temporary reports left behind: {leftovers}"


def test_temporary_reports_of_a_killed_console_are_cleared_at_the_next_start(tmp_path: Path) -> None:
    """What ``write_atomic`` leaves when the process dies between writing and renaming."""
    from moderator.report.live import LiveReport

    run = open_run(load_programme(WORKSHOP), tmp_path, FakeClock(WORKSHOP_START))
    folder = run.report_path.parent
    leftovers = [folder / f".{run.report_path.name}.{tag}.tmp" for tag in ("k1ll3d", "x_9")]
    others = [folder / ".live.journal.jsonl.abc.tmp", folder / "notes.tmp", folder / f"{run.report_path.name}.tmp"]
    for path in leftovers + others:
        path.write_text("half a report", encoding="utf-8")
    report = LiveReport(run.engine.programme, run.report_path, run.engine.state)
    try:
        assert report.flush(timeout=10)
    finally:
        report.close()
        run.journal.close()
    assert not any(path.exists() for path in leftovers)
    assert all(path.exists() for path in others), "only this report's own temporary files are removed"
    assert run.report_path.read_text(encoding="utf-8")


# =========================================================================== the report's folder turns read-only


class ReadOnlyFolder:
    """Make ``folder`` refuse new files, as a read-only folder (or a full disk) does.

    Not as root: permissions do not stop root, so there ``chmod`` would prove nothing, and the
    refusal is simulated where the report is written (``tempfile.mkstemp`` in that folder
    raises ``PermissionError``, as it does for a real read-only folder). The journal, already
    open, keeps being appended to in both cases: an open file stays writable.
    """

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folder = folder
        self.monkeypatch = monkeypatch
        self.simulated = os.geteuid() == 0
        self._mkstemp = tempfile.mkstemp

    def __enter__(self) -> ReadOnlyFolder:
        if self.simulated:
            def refuse(*args: Any, dir: str | None = None, **kwargs: Any) -> tuple[int, str]:
                if dir is not None and Path(dir).resolve() == self.folder.resolve():
                    raise PermissionError(13, "Permission denied", str(self.folder))
                return self._mkstemp(*args, dir=dir, **kwargs)  # type: ignore[call-overload, no-any-return]

            self.monkeypatch.setattr(tempfile, "mkstemp", refuse)  # the module moderator.files calls
        else:
            self.folder.chmod(0o500)
        return self

    def restore(self) -> None:
        if self.simulated:
            self.monkeypatch.setattr(tempfile, "mkstemp", self._mkstemp)
        else:
            self.folder.chmod(0o755)

    def __exit__(self, *_: object) -> None:
        self.restore()


async def _note(pilot, text: str) -> None:
    box = pilot.app.query_one(NoteBox)
    if pilot.app.focused is not box:
        await pilot.press("i")
    box.value = text
    await pilot.press("enter")


async def _wait_until(predicate, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_a_read_only_report_folder_is_said_plainly_and_nothing_is_lost(make_app, clock, monkeypatch):
    app = make_app(report=True)
    report = app.report
    report.retry_seconds = 0.2
    report_path = app.run_files.report_path
    texts = ["before the folder froze", "while it is read-only", "still read-only", "after it came back"]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        await _note(pilot, texts[0])
        assert report.flush(timeout=10)
        with ReadOnlyFolder(report_path.parent, monkeypatch) as frozen:
            await _note(pilot, texts[1])
            await _note(pilot, texts[2])
            await _wait_until(lambda: report.problem is not None)
            await let_time_pass(pilot, clock, 1)  # the console looks at the report once a second
            messages = [str(n.message) for n in app._notifications]
            said = [m for m in messages if str(report_path) in m and "journal" in m]
            assert said, f"no plain notification naming the report and the journal: {messages}"
            assert "report not written" in str(app.query_one("#notes-panel").border_subtitle)
            journal_notes = [e.text for e in read_journal(app.run_files.journal_path).events
                             if isinstance(e, NoteAdded)]
            assert journal_notes == texts[:3], "every note is in the journal meanwhile"
            assert texts[1] not in report_path.read_text(encoding="utf-8")
            frozen.restore()
            await _note(pilot, texts[3])
            assert report.flush(timeout=10), "the report is written again once it can be"
            await _wait_until(lambda: report.problem is None)
            await let_time_pass(pilot, clock, 1)
            assert any("written again" in str(n.message) for n in app._notifications)
        written = report_path.read_text(encoding="utf-8")
        for text in texts:
            assert text in written
        assert not [p for p in report_path.parent.iterdir() if p.name.endswith(".tmp")]
    report.close()


# =========================================================================== the wall clock jumps


async def test_the_countdown_does_not_jump_with_the_wall_clock(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "n", "n", "n")  # Young Kim, 10 minutes
        await let_time_pass(pilot, clock, 100)
        assert app.query_one(Digits).value == "08:20"
        before = app.engine.remaining()
        for jump in (3600, -3600, -3600, 7200):
            clock.jump_wall(jump)
            await let_time_pass(pilot, clock, 0)
            assert app.engine.remaining() == before
            assert app.query_one(Digits).value == "08:20", f"the countdown moved when the wall clock jumped {jump}s"
        await let_time_pass(pilot, clock, 10)
        assert app.engine.remaining() == before - 10
        assert app.query_one(Digits).value == "08:10"
        clock.jump_wall(-3600)
        await pilot.press("space")  # pause, resume: the pause is timed on the monotonic clock too
        await let_time_pass(pilot, clock, 30)
        await pilot.press("space")
        await let_time_pass(pilot, clock, 5)
        assert app.query_one(Digits).value == "08:05"
        assert app.engine.snapshot().segment_elapsed == pytest.approx(115)


# =========================================================================== resizing while running

SIZES = [(40, 12), (80, 24), (119, 33), (120, 34), (250, 70), (41, 13), (160, 45), (60, 20), (200, 60),
         (40, 70), (250, 12), (100, 30), (120, 40)]


async def test_resizing_from_40x12_to_250x70_while_running(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        for number, (width, height) in enumerate(SIZES):
            await pilot.resize_terminal(width, height)
            await let_time_pass(pilot, clock, 7)
            if number % 3 == 0:
                await pilot.press("v")
            if number % 4 == 1:
                await _note(pilot, f"a note at {width}x{height}")
                await pilot.press("escape")
            if number == 5:
                await pilot.press("g")  # a dialog open through the next resizes
            if number == 8:
                await pilot.press("escape")
            assert app.size == (width, height)
        await pilot.press("n")
        await let_time_pass(pilot, clock, 1)
        assert app.engine.status is Status.RUNNING
        assert app.engine.state.current == 1
        assert len(app.engine.state.visible_notes()) == 3
        assert app.query_one(Digits).value


# =========================================================================== every script

I18N_PROGRAMME = """\
[session]
title = "사회연대경제 · Economía social · Economia solidária 🌍 الاقتصاد الاجتماعي · כלכלה חברתית"
event = "GSEF 2021 서울"
language = "es"
date = 2021-10-08
start = "18:00"
timezone = "Asia/Seoul"
also_show = ["America/Sao_Paulo", "Asia/Jerusalem"]
main_question = "¿Cómo construir alianzas? 어떻게 연대할까요?"

[moderator]
name = "Dara Huot"

[[speaker]]
id = "kim"
name = "김영희"
organization = "사회적경제 지방정부협의회"
country = "대한민국"
topic = "지방정부 네트워크"

[[speaker]]
id = "jose"
name = "José Peña Ñúñez"
country = "España"
topic = "Economía social en Andalucía"

[[speaker]]
id = "joao"
name = "João Gonçalves"
country = "Brasil"
topic = "Cooperação e ações solidárias"

[[speaker]]
id = "amal"
name = "أمل الحسيني"
country = "الأردن"
topic = "الاقتصاد التضامني"

[[speaker]]
id = "sara"
name = "שרה לוי"
country = "ישראל"
topic = "כלכלה חברתית"

[[speaker]]
id = "ana"
name = "Ana 🌱 Lima"
topic = "🌍🤝 redes"

[[segment]]
kind = "speaker"
speaker = "kim"
duration = "5m"

[[segment]]
kind = "speaker"
speaker = "jose"
duration = "5m"

[[segment]]
kind = "speaker"
speaker = "joao"
duration = "5m"

[[segment]]
kind = "speaker"
speaker = "amal"
duration = "5m"

[[segment]]
kind = "speaker"
speaker = "sara"
duration = "5m"

[[segment]]
kind = "speaker"
speaker = "ana"
duration = "5m"
"""

I18N_NOTES = [
    ("kim", "사회적경제 네트워크가 중요합니다"),
    ("jose", "la economía social y solidaria crea empleo"),
    ("joao", "ações de cooperação são essenciais"),
    ("amal", "الاقتصاد الاجتماعي والتضامني"),
    ("sara", "כלכלה חברתית וסולידרית"),
    ("ana", "🌍🤝 alianças globais 🌱"),
]
DECOMPOSED = "Conceic\u0327a\u0303o"
"""'Conceição' typed with combining marks (as some keyboards and pastes send it)."""


async def test_every_script_reaches_the_screen_and_the_report_intact(in_tmp, clock):
    from moderator.report.live import LiveReport
    from moderator.tui.app import ModeratorApp

    path = in_tmp / "mundo.toml"
    path.write_text(I18N_PROGRAMME, encoding="utf-8")
    programme = load_programme(path)
    run = open_run(programme, Path("reports"), clock)
    report = LiveReport(programme, run.report_path, run.engine.state)
    run.engine.subscribe(report.on_event)
    app = ModeratorApp(run, report=report, tick=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("space")
        for number, (_, text) in enumerate(I18N_NOTES):
            assert app.engine.state.current == number
            await _note(pilot, text)
            await pilot.press("escape", "n")
            await let_time_pass(pilot, clock, 1)
        await _note(pilot, f"@João {DECOMPOSED} e Ñúñez")
        await _note(pilot, "@김영희 감사합니다")
        shown = "\n".join(line.text for line in app.query_one(NotesLog).lines)
        for speaker, text in I18N_NOTES:
            assert text in shown
            assert programme.speaker(speaker).name in shown
        assert DECOMPOSED in shown
        title = str(app.query_one("#clockbar").render())
        assert "사회연대경제" in title
    notes = app.engine.state.visible_notes()
    assert [n.speaker for n in notes] == [s for s, _ in I18N_NOTES] + ["joao", "kim"]
    assert report.flush(timeout=10)
    report.close()
    run.journal.close()
    written = run.report_path.read_bytes()
    for speaker, text in I18N_NOTES:
        assert text.encode("utf-8") in written
        assert programme.speaker(speaker).name.encode("utf-8") in written
    assert DECOMPOSED.encode("utf-8") in written, "the report keeps the text as typed, byte for byte"
    journal = [json.loads(line) for line in run.journal_path.read_text(encoding="utf-8").splitlines()]
    assert [e["text"] for e in journal if e["type"] == "note_added"][-2] == f"{DECOMPOSED} e Ñúñez"


def test_sessions_whose_titles_have_no_latin_letters_do_not_share_a_folder(tmp_path: Path) -> None:
    """A Korean, an Arabic and a Hebrew session on the same day: three folders, three journals."""
    titles = ["사회연대경제 포럼", "المنتدى الاجتماعي", "פורום כלכלה חברתית", "🌍🤝"]
    folders = set()
    for number, title in enumerate(titles):
        text = I18N_PROGRAMME.replace(I18N_PROGRAMME.splitlines()[1], f'title = "{title}"')
        path = tmp_path / f"p{number}.toml"
        path.write_text(text, encoding="utf-8")
        programme = load_programme(path)
        run = open_run(programme, tmp_path / "reports", FakeClock(WORKSHOP_START))
        try:
            assert not run.resumed, f"{title!r} resumed another session's journal"
            folders.add(run.journal_path.parent)
        finally:
            run.journal.close()
    assert len(folders) == len(titles)
    again = load_programme(tmp_path / "p0.toml")
    assert session_folder(again, tmp_path / "reports") in folders, "the same session finds its folder again"


def test_mentions_in_every_script_find_their_speaker(tmp_path: Path) -> None:
    path = tmp_path / "mundo.toml"
    path.write_text(I18N_PROGRAMME, encoding="utf-8")
    programme = load_programme(path)
    engine = Engine.create(programme, FakeClock(WORKSHOP_START), None)
    engine.start()
    for mention, speaker in [("@김영희", "kim"), ("@jose", "jose"), ("@Peña", "jose"), ("@joão", "joao"),
                             ("@Joao", "joao"), ("@أمل", "amal"), ("@שרה", "sara"), ('@"Ana 🌱 Lima"', "ana")]:
        note = engine.add_note(f"{mention} texto")
        assert (note.speaker, note.text) == (speaker, "texto"), mention
    with pytest.raises(NoteError):
        engine.add_note("@Нина nobody by that name")
