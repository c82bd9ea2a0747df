"""Where a session's files go, and opening a run: new, resumed after a crash, fresh, or a rehearsal."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from helpers_engine import (
    DISCUSSION,
    DURATIONS,
    INTRO_SESSION,
    KIM,
    LEYTON,
    PRINTED_START,
    WORKSHOP_PATH,
    fake_clock,
    journal_events,
    replay_file,
    workshop,
)

from moderator.cli import build_parser
from moderator.problems import ModeratorError
from moderator.programme import load_programme
from moderator.session.clock import FakeClock
from moderator.session.events import decode, to_dict
from moderator.session.events import encode as encode_event
from moderator.session.journal import JournalError
from moderator.session.runs import legacy_session_folder, load_run, open_run, report_path_for, session_folder, slugify
from moderator.session.snapshot import take_snapshot
from moderator.session.state import Status

FOLDER_NAME = "2021-10-08-initiatives-and-alliances-between-local-governments-and-sse-dd8a6adc"


def crash(run) -> None:
    """The process dies: nothing is closed politely, the journal simply stops."""
    run.journal.close()


# ----------------------------------------------------------------------------- naming


def test_one_folder_per_session_named_from_date_and_title_slug(tmp_path):
    assert session_folder(workshop(), tmp_path) == tmp_path / FOLDER_NAME


@pytest.mark.parametrize(("title", "slug"), [
    ("Économie sociale et solidaire: ¿qué sigue?", "economie-sociale-et-solidaire-que-sigue"),
    ("  --Plenary #5 (GSEF 2020)--  ", "plenary-5-gsef-2020"),
    ("사회적경제", "session"),
    ("", "session"),
    ("a" * 59 + " b", "a" * 59),  # cut at 60 without a trailing dash
])
def test_slugify(title, slug):
    assert slugify(title) == slug
    assert len(slugify(title)) <= 60


def test_the_default_out_folder_is_reports():
    for command in ("run", "rehearse"):
        assert build_parser().parse_args([command, "x.toml"]).out == Path("reports")
    assert build_parser().parse_args(["run", "x.toml", "--out", "elsewhere"]).out == Path("elsewhere")


def test_a_live_run_keeps_journal_and_report_side_by_side(tmp_path):
    run = open_run(workshop(), tmp_path, fake_clock())
    folder = tmp_path / FOLDER_NAME
    assert run.journal_path == folder / "live.journal.jsonl"
    assert run.report_path == folder / "live.report.md"
    assert not run.rehearsal and not run.resumed and run.message is None
    opened = journal_events(run.journal_path)[0]
    assert opened["type"] == "opened" and opened["mode"] == "live"
    assert opened["programme"] == str(WORKSHOP_PATH) and Path(opened["programme"]).is_absolute()
    assert opened["sha256"] == workshop().sha256


def test_report_path_for():
    assert report_path_for(Path("x/rehearsal-20211004-153000.journal.jsonl")) == Path(
        "x/rehearsal-20211004-153000.report.md")
    assert report_path_for(Path("x/odd.jsonl")) == Path("x/odd.report.md")


# ----------------------------------------------------------------------------- rehearsals


def test_a_rehearsal_never_touches_the_live_run(tmp_path):
    clock = fake_clock()
    live = open_run(workshop(), tmp_path, clock)
    live.engine.start()
    live.engine.add_note("said live")
    crash(live)
    live_bytes = live.journal_path.read_bytes()

    rehearsal = open_run(workshop(), tmp_path, clock, rehearsal=True)
    assert rehearsal.rehearsal and not rehearsal.resumed  # the unfinished live run is not resumed
    assert rehearsal.journal_path == tmp_path / FOLDER_NAME / "rehearsal-20211008-090000.journal.jsonl"
    assert rehearsal.report_path == tmp_path / FOLDER_NAME / "rehearsal-20211008-090000.report.md"
    assert journal_events(rehearsal.journal_path)[0]["mode"] == "rehearsal"
    rehearsal.engine.start()
    rehearsal.engine.add_note("said in rehearsal")
    clock.advance(60)
    rehearsal.engine.next()
    rehearsal.engine.end()
    crash(rehearsal)
    assert live.journal_path.read_bytes() == live_bytes

    again = open_run(workshop(), tmp_path, clock)
    assert again.resumed and again.journal_path == live.journal_path
    assert [n.text for n in again.engine.state.visible_notes()] == ["said live"]
    assert again.engine.state.mode == "live"
    crash(again)


def test_an_unfinished_rehearsal_is_resumed_by_the_next_rehearsal(tmp_path):
    clock = fake_clock()
    first = open_run(workshop(), tmp_path, clock, rehearsal=True)
    first.engine.start()
    crash(first)
    clock.advance(30)
    second = open_run(workshop(), tmp_path, clock, rehearsal=True)
    assert second.resumed and second.journal_path == first.journal_path
    assert second.message == "Resumed at segment 1, 00:30 elapsed"
    assert not (tmp_path / FOLDER_NAME / "live.journal.jsonl").exists()
    crash(second)


def test_a_finished_rehearsal_is_kept_and_the_next_one_gets_its_own_journal(tmp_path):
    clock = fake_clock()
    journals = []
    for _ in range(3):  # all within the same second of the clock
        run = open_run(workshop(), tmp_path, clock, rehearsal=True)
        assert not run.resumed
        journals.append(run.journal_path)
        run.engine.start()
        run.engine.end()
        crash(run)
    assert len(set(journals)) == 3
    for path in journals:
        events = journal_events(path)
        assert [e["type"] for e in events] == ["opened", "started", "ended"]
    # the newest rehearsal is the one a later rehearsal would resume
    unfinished = open_run(workshop(), tmp_path, clock, rehearsal=True)
    unfinished.engine.start()
    crash(unfinished)
    resumed = open_run(workshop(), tmp_path, clock, rehearsal=True)
    assert resumed.resumed and resumed.journal_path == unfinished.journal_path
    crash(resumed)


def test_fresh_rehearsal_leaves_the_unfinished_one_alone(tmp_path):
    clock = fake_clock()
    first = open_run(workshop(), tmp_path, clock, rehearsal=True)
    first.engine.start()
    crash(first)
    before = first.journal_path.read_bytes()
    clock.advance(5)
    fresh = open_run(workshop(), tmp_path, clock, rehearsal=True, fresh=True)
    assert not fresh.resumed and fresh.journal_path != first.journal_path
    assert first.journal_path.read_bytes() == before
    crash(fresh)


# ----------------------------------------------------------------------------- fresh and ended live runs


def test_fresh_keeps_the_old_live_journal_under_a_dated_name(tmp_path):
    clock = fake_clock()
    old = open_run(workshop(), tmp_path, clock)
    clock.advance(65)
    old.engine.start()
    old.engine.add_note("from the first attempt")
    crash(old)
    old_bytes = old.journal_path.read_bytes()
    old.report_path.write_text("# old report\n", encoding="utf-8")
    clock.advance(600)

    fresh = open_run(workshop(), tmp_path, clock, fresh=True)
    folder = tmp_path / FOLDER_NAME
    kept = folder / "live-20211008-090105.journal.jsonl"
    assert not fresh.resumed
    assert fresh.journal_path == folder / "live.journal.jsonl"
    assert [e["type"] for e in journal_events(fresh.journal_path)] == ["opened"]
    assert kept.read_bytes() == old_bytes
    assert (folder / "live-20211008-090105.report.md").read_text(encoding="utf-8") == "# old report\n"
    assert not fresh.report_path.exists()
    crash(fresh)

    again = open_run(workshop(), tmp_path, clock, fresh=True)  # a second --fresh keeps both
    crash(again)
    names = sorted(p.name for p in folder.glob("live*.journal.jsonl"))
    assert names == ["live-20211008-090105.journal.jsonl", "live-20211008-091105.journal.jsonl",
                     "live.journal.jsonl"]


def test_an_ended_live_run_is_kept_and_a_new_one_begins(tmp_path):
    clock = fake_clock()
    first = open_run(workshop(), tmp_path, clock)
    first.engine.start()
    first.engine.end()
    crash(first)
    second = open_run(workshop(), tmp_path, clock)
    assert not second.resumed
    assert [e["type"] for e in journal_events(second.journal_path)] == ["opened"]
    assert (tmp_path / FOLDER_NAME / "live-20211008-090000.journal.jsonl").exists()
    second.engine.start()
    second.engine.end()
    crash(second)
    third = open_run(workshop(), tmp_path, clock)
    crash(third)
    assert (tmp_path / FOLDER_NAME / "live-20211008-090000-2.journal.jsonl").exists()


# ----------------------------------------------------------------------------- resuming after a crash


def test_resume_message_names_the_segment_and_its_elapsed_time(tmp_path):
    clock = fake_clock()
    run = open_run(workshop(), tmp_path, clock)
    run.engine.start()
    clock.advance(DURATIONS[0])
    run.engine.next()
    clock.advance(DURATIONS[1])
    run.engine.next()
    clock.advance(90)
    crash(run)
    resumed = open_run(workshop(), tmp_path, clock)
    assert resumed.resumed
    assert resumed.message == "Resumed at segment 3, 01:30 elapsed"
    assert resumed.warnings == []
    assert resumed.engine.state.current == INTRO_SESSION
    assert resumed.engine.remaining() == DURATIONS[INTRO_SESSION] - 90
    crash(resumed)


def test_resume_counts_the_minutes_spent_restarting(tmp_path):
    clock = fake_clock()
    run = open_run(workshop(), tmp_path, clock)
    run.engine.start(KIM)
    clock.advance(90)
    run.engine.add_note("last note before the crash")
    crash(run)
    clock.jump_wall(240)  # the laptop reboots: four minutes pass on the wall, none on this monotonic clock
    resumed = open_run(workshop(), tmp_path, clock)
    assert resumed.message == "Resumed at segment 4, 05:30 elapsed"
    assert resumed.engine.remaining() == DURATIONS[KIM] - 330
    reopened = journal_events(resumed.journal_path)[-1]
    assert reopened["type"] == "reopened" and reopened["gap"] == 240
    clock.advance(30)
    assert resumed.engine.remaining() == DURATIONS[KIM] - 360
    assert resumed.engine.snapshot().session_elapsed == 360
    crash(resumed)
    assert replay_file(workshop(), resumed.journal_path) == resumed.engine.state


def test_resume_after_a_reboot_that_reset_the_monotonic_clock(tmp_path):
    clock = fake_clock()
    run = open_run(workshop(), tmp_path, clock)
    run.engine.start(LEYTON)
    clock.advance(200)
    run.engine.add_note("x")
    crash(run)
    after_reboot = FakeClock(wall=clock.now().add(seconds=125), monotonic=2.0)
    resumed = open_run(workshop(), tmp_path, after_reboot)
    assert resumed.message == "Resumed at segment 5, 05:25 elapsed"
    after_reboot.advance(5)
    assert resumed.engine.remaining() == DURATIONS[LEYTON] - 330
    crash(resumed)


def test_a_paused_session_resumes_paused(tmp_path):
    clock = fake_clock()
    run = open_run(workshop(), tmp_path, clock)
    run.engine.start(KIM)
    clock.advance(100)
    run.engine.pause()
    crash(run)
    clock.jump_wall(600)
    resumed = open_run(workshop(), tmp_path, clock)
    engine = resumed.engine
    assert engine.status is Status.PAUSED
    assert resumed.message == "Resumed at segment 4, 01:40 elapsed"
    assert engine.remaining() == 500
    engine.resume()
    assert engine.state.segments[KIM].paused_seconds == 600
    crash(resumed)


def test_resume_before_the_start(tmp_path):
    clock = fake_clock()
    crash(open_run(workshop(), tmp_path, clock))
    clock.advance(300)
    resumed = open_run(workshop(), tmp_path, clock)
    assert resumed.resumed and resumed.message == "Resumed before the start"
    assert resumed.engine.status is Status.NOT_STARTED
    crash(resumed)


def test_resumed_runs_keep_note_ids_going(tmp_path):
    clock = fake_clock()
    run = open_run(workshop(), tmp_path, clock)
    run.engine.start()
    assert [run.engine.add_note(f"n{i}").id for i in range(3)] == [1, 2, 3]
    run.engine.delete_note(3)
    crash(run)
    resumed = open_run(workshop(), tmp_path, clock)
    assert resumed.engine.add_note("after").id == 4
    crash(resumed)


def test_a_torn_last_line_is_skipped_with_a_warning_and_the_run_resumes(tmp_path):
    clock = fake_clock()
    run = open_run(workshop(), tmp_path, clock)
    run.engine.start()
    run.engine.add_note("durable")
    crash(run)
    torn = encode_event(decode({"type": "note_added", "t": 9.0, "wall": "2021-10-08T09:00:00+00:00",
                                     "id": 2, "text": "never acknowledged"}))
    with open(run.journal_path, "ab") as handle:
        handle.write(torn[:25])
    resumed = open_run(workshop(), tmp_path, clock)
    assert resumed.resumed
    assert any("cut off" in w for w in resumed.warnings)
    assert [n.text for n in resumed.engine.state.visible_notes()] == ["durable"]
    assert resumed.engine.add_note("next").id == 2
    crash(resumed)
    contents = journal_events(resumed.journal_path)
    assert [e["type"] for e in contents] == ["opened", "started", "note_added", "reopened", "note_added"]
    assert run.journal_path.with_name("live.journal.jsonl.torn").read_bytes() == torn[:25] + b"\n"


# ----------------------------------------------------------------------------- the programme changed


def copy_workshop(folder: Path) -> Path:
    target = folder / "workshop.toml"
    shutil.copyfile(WORKSHOP_PATH, target)
    return target


def test_a_changed_programme_resumes_by_segment_number_with_a_warning(tmp_path):
    source = copy_workshop(tmp_path)
    out = tmp_path / "reports"
    clock = fake_clock()
    run = open_run(load_programme(source), out, clock)
    run.engine.start()
    run.engine.goto(LEYTON)
    clock.advance(60)
    crash(run)
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace('duration = "10m"\nat = "18:21"', 'duration = "12m"\nat = "18:21"'),
                      encoding="utf-8")
    changed = load_programme(source)
    assert changed.sha256 != workshop().sha256
    resumed = open_run(changed, out, clock)
    assert resumed.resumed
    assert any("programme changed" in w and "segment number" in w for w in resumed.warnings)
    assert resumed.engine.state.current == LEYTON
    assert resumed.engine.remaining() == 12 * 60 - 60
    assert journal_events(resumed.journal_path)[-1]["programme_changed"] is True
    crash(resumed)


def test_a_shortened_programme_resumes_at_its_last_segment(tmp_path):
    source = copy_workshop(tmp_path)
    out = tmp_path / "reports"
    clock = fake_clock()
    run = open_run(load_programme(source), out, clock)
    run.engine.start(DISCUSSION)
    crash(run)
    text = source.read_text(encoding="utf-8")
    cut = text.index('[[segment]]\nkind = "discussion"')
    source.write_text(text[:cut], encoding="utf-8")  # the discussion, Q&A and closing are gone
    shorter = load_programme(source)
    assert len(shorter.segments) == 7
    resumed = open_run(shorter, out, clock)
    assert resumed.warnings and resumed.engine.state.current == 6
    assert resumed.message == "Resumed at segment 7, 00:00 elapsed"
    resumed.engine.snapshot()  # every derived value can still be computed
    crash(resumed)


# ----------------------------------------------------------------------------- load_run (report, timing)


def test_load_run_finds_the_programme_the_journal_names(tmp_path):
    clock = fake_clock()
    run = open_run(workshop(), tmp_path, clock)
    run.engine.start()
    run.engine.add_note("for the report")
    crash(run)
    loaded = load_run(run.journal_path)
    assert loaded.programme.sha256 == workshop().sha256
    assert loaded.warnings == []
    assert loaded.state == run.engine.state
    assert [to_dict(e) for e in loaded.events] == journal_events(run.journal_path)


def test_load_run_warns_when_the_programme_changed_and_fails_when_it_is_gone(tmp_path):
    source = copy_workshop(tmp_path)
    clock = fake_clock()
    run = open_run(load_programme(source), tmp_path / "reports", clock)
    run.engine.start()
    crash(run)
    source.write_text(source.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert any("changed since this run" in w for w in load_run(run.journal_path).warnings)
    source.unlink()
    with pytest.raises(ModeratorError, match="is not there any more"):
        load_run(run.journal_path)
    assert load_run(run.journal_path, WORKSHOP_PATH).programme.sha256 == workshop().sha256


def test_load_run_of_an_unfinished_run_whose_programme_was_shortened(tmp_path):
    """``report`` and ``timing`` read such a journal without resuming it: nothing may crash."""
    source = copy_workshop(tmp_path)
    clock = fake_clock()
    run = open_run(load_programme(source), tmp_path / "reports", clock)
    run.engine.start(DISCUSSION + 1)
    clock.advance(30)
    run.engine.add_note("in the Q&A")
    crash(run)
    text = source.read_text(encoding="utf-8")
    source.write_text(text[:text.index('[[segment]]\nkind = "discussion"')], encoding="utf-8")
    loaded = load_run(run.journal_path)
    assert any("changed since this run" in w for w in loaded.warnings)
    assert loaded.state.current == DISCUSSION + 1 and len(loaded.programme.segments) == 7
    snap = take_snapshot(loaded.programme, loaded.state, loaded.state.last_t, clock.now())
    assert snap.remaining == 0
    assert len(snap.timings) == 7


def test_load_run_of_an_empty_journal_is_an_error(tmp_path):
    path = tmp_path / "live.journal.jsonl"
    path.write_bytes(b"")
    with pytest.raises(JournalError, match="empty"):
        load_run(path)


def test_the_plan_of_a_resumed_live_run_stays_on_the_printed_start(tmp_path):
    clock = fake_clock(PRINTED_START.add(minutes=3))
    run = open_run(workshop(), tmp_path, clock)
    run.engine.start()
    crash(run)
    clock.jump_wall(120)
    resumed = open_run(workshop(), tmp_path, clock)
    snap = resumed.engine.snapshot()
    assert snap.planned_end == PRINTED_START.add(seconds=sum(DURATIONS))
    assert snap.offset == 180 + (120 - DURATIONS[0])  # 3 min late, then the check overran by the reboot
    crash(resumed)


def test_an_unreadable_live_journal_is_set_aside_only_when_asked(tmp_path):
    programme = load_programme(WORKSHOP_PATH)
    folder = session_folder(programme, tmp_path)
    folder.mkdir(parents=True)
    stray = folder / "live.journal.jsonl"
    stray.write_text('{"type":"started","t":0,"wall":"2021-10-08T09:00:00+00:00"}\n', encoding="utf-8")
    with pytest.raises(JournalError, match="--fresh"):
        open_run(programme, tmp_path, FakeClock())
    assert stray.exists(), "nothing is moved without being asked"
    run = open_run(programme, tmp_path, FakeClock(), fresh=True)
    kept = list(folder.glob("live-unreadable-*.jsonl"))
    assert len(kept) == 1 and '"started"' in kept[0].read_text(encoding="utf-8")
    assert run.engine.state.status is Status.NOT_STARTED


def test_long_titles_that_differ_only_at_their_end_get_their_own_folders(tmp_path):
    programme = load_programme(WORKSHOP_PATH)
    base = programme.session.title
    part_one = dataclasses.replace(programme, session=dataclasses.replace(programme.session, title=base + " (part 1)"))
    part_two = dataclasses.replace(programme, session=dataclasses.replace(programme.session, title=base + " (part 2)"))
    assert session_folder(part_one, tmp_path) != session_folder(part_two, tmp_path)
    short = dataclasses.replace(programme, session=dataclasses.replace(programme.session, title="Plenary 5"))
    assert session_folder(short, tmp_path).name.startswith("2021-10-08-plenary-5-"), "short Latin titles stay readable"


def test_a_file_that_is_no_journal_is_named_as_such(tmp_path):
    stray = tmp_path / "programme.toml"
    stray.write_text('[session]\ntitle = "not a journal"\n', encoding="utf-8")
    with pytest.raises(JournalError, match="not a moderator journal"):
        load_run(stray)


@pytest.mark.parametrize("titles", [
    ("Panel: A/B", "Panel A-B"),
    (".", "..", "/", "-----", "session"),
    ("Plenary", "plenary", "PLENARY"),
])
@pytest.mark.attack("A04")
def test_different_titles_never_share_a_folder(tmp_path, titles):
    """Issue 16 #4: folders are told apart by a hash of the exact title, not by its slug."""
    programme = workshop()
    folders = {session_folder(dataclasses.replace(programme, session=dataclasses.replace(programme.session, title=t)),
                              tmp_path) for t in titles}
    assert len(folders) == len(titles)
    assert all(folder.parent == tmp_path and folder.name not in (".", "..") for folder in folders)


def _titled(title: str):
    programme = workshop()
    return dataclasses.replace(programme, session=dataclasses.replace(programme.session, title=title))


def _move_to_legacy_folder(programme, out: Path) -> Path:
    """The folder as a version before the title hash named it: ``<date>-<slug>``."""
    legacy = legacy_session_folder(programme, out)
    assert legacy.name == "2021-10-08-panel-a-b"
    session_folder(programme, out).rename(legacy)
    return legacy


@pytest.mark.attack("A04")
def test_an_unfinished_run_in_a_folder_named_before_the_title_hash_resumes_there(tmp_path):
    programme = _titled("Panel: A/B")
    clock = fake_clock()
    run = open_run(programme, tmp_path, clock)
    run.engine.start()
    run.engine.add_note("said before the upgrade")
    crash(run)
    legacy = _move_to_legacy_folder(programme, tmp_path)
    resumed = open_run(programme, tmp_path, clock)
    assert resumed.resumed and resumed.journal_path == legacy / "live.journal.jsonl"
    assert [note.text for note in resumed.engine.state.visible_notes()] == ["said before the upgrade"]
    assert resumed.engine.add_note("said after").id == 2
    crash(resumed)
    assert not session_folder(programme, tmp_path).exists(), "no second, empty folder beside it"


@pytest.mark.attack("A04")
def test_a_folder_named_before_the_title_hash_is_not_taken_by_another_title_with_its_slug(tmp_path):
    first = _titled("Panel: A/B")
    clock = fake_clock()
    run = open_run(first, tmp_path, clock)
    run.engine.start()
    run.engine.add_note("A's note")
    crash(run)
    legacy = _move_to_legacy_folder(first, tmp_path)
    second = _titled("Panel A-B")
    assert legacy_session_folder(second, tmp_path) == legacy, "one slug for both titles"
    other = open_run(second, tmp_path, clock)
    assert not other.resumed and other.journal_path.parent == session_folder(second, tmp_path)
    assert other.engine.state.visible_notes() == []
    crash(other)
    again = open_run(first, tmp_path, clock)
    assert again.resumed and again.journal_path.parent == legacy
    crash(again)


@pytest.mark.attack("A04")
def test_once_the_hashed_folder_holds_a_run_the_legacy_one_is_left_alone(tmp_path):
    programme = _titled("Panel: A/B")
    clock = fake_clock()
    old = open_run(programme, tmp_path, clock)
    old.engine.start()
    old.engine.add_note("in the old folder")
    crash(old)
    legacy = _move_to_legacy_folder(programme, tmp_path)
    newer = open_run(programme, tmp_path, clock, rehearsal=True)  # legacy folder: its run's session
    crash(newer)
    assert newer.journal_path.parent == legacy
    hashed = session_folder(programme, tmp_path)
    hashed.mkdir()
    (hashed / "live.journal.jsonl").write_bytes((legacy / "live.journal.jsonl").read_bytes())
    moved = open_run(programme, tmp_path, clock)
    assert moved.journal_path.parent == hashed
    crash(moved)
