"""``moderator ics``: calendars read back with icalendar, compared in UTC."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest

from moderator.cli import main
from moderator.commands.ics import build_calendar, event_uid, run_ics
from moderator.problems import ProgrammeError
from moderator.programme import SegmentKind, load_programme
from moderator.programme.model import SEGMENT_KIND_LABELS

ROOT = Path(__file__).resolve().parents[2]
WORKSHOP = ROOT / "sessions" / "gsef2021-workshop-alliances.toml"
STAMP = dt.datetime(2021, 10, 1, 12, 0, tzinfo=dt.UTC)
UTC = dt.UTC


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def events(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return [event for event in calendar.walk("VEVENT") if isinstance(event, icalendar.Event)]


def read_back(calendar: icalendar.Calendar) -> icalendar.Calendar:
    """What a calendar application gets: the serialised bytes, parsed again."""
    return icalendar.Calendar.from_ical(calendar.to_ical())


def times(event: icalendar.Event) -> tuple[dt.datetime, dt.datetime]:
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start.tzinfo is not None and end.tzinfo is not None, "never floating times"
    return start.astimezone(UTC), end.astimezone(UTC)


def programme_file(tmp_path: Path, *, timezone: str, date: str, start: str,
                   durations: list[str], name: str = "p.toml") -> Path:
    segments = "\n".join(
        f'[[segment]]\nkind = "other"\ntitle = "Part {n + 1}"\nduration = "{d}"\n'
        for n, d in enumerate(durations)
    )
    path = tmp_path / name
    path.write_text(
        f'[session]\ntitle = "Test session"\ndate = {date}\nstart = "{start}"\ntimezone = "{timezone}"\n'
        f'platform = "Zoom"\n\n[moderator]\nname = "Ana"\n\n{segments}',
        encoding="utf-8",
    )
    return path


# --------------------------------------------------------------------------- the workshop


def test_the_workshop_session_event() -> None:
    programme = load_programme(WORKSHOP)
    calendar = read_back(build_calendar(programme, segments=False, stamp=STAMP))
    assert calendar["version"] == "2.0"
    assert "moderator" in str(calendar["prodid"])
    (event,) = events(calendar)
    assert times(event) == (utc(2021, 10, 8, 9, 0), utc(2021, 10, 8, 10, 30))
    assert event.decoded("dtstart").tzinfo.key == "Asia/Seoul"  # written in the session's zone
    assert str(event["summary"]) == programme.session.title
    assert str(event["location"]) == "Zoom"
    assert event.decoded("dtstamp") == STAMP
    description = str(event["description"])
    assert "GSEF2021 Global Virtual Forum · Workshop" in description
    assert "Main question: What should be the actions" in description
    assert "18:11  Speaker: Network of local governments promoting SSE — Young Kim (10m)" in description
    assert "19:30  End" in description
    assert "09:00 UTC" in description
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Asia/Seoul"


def test_the_workshop_serialised_text_has_tzid_and_vtimezone() -> None:
    text = build_calendar(load_programme(WORKSHOP), segments=False, stamp=STAMP).to_ical().decode()
    assert "DTSTART;TZID=Asia/Seoul:20211008T180000\r\n" in text
    assert "DTEND;TZID=Asia/Seoul:20211008T193000\r\n" in text
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")
    assert "VERSION:2.0\r\n" in text and "PRODID:" in text


def test_one_event_per_segment() -> None:
    programme = load_programme(WORKSHOP)
    calendar = read_back(build_calendar(programme, segments=True, stamp=STAMP))
    session, *parts = events(calendar)
    assert len(parts) == len(programme.segments) == 10
    starts = [times(p)[0] for p in parts]
    ends = [times(p)[1] for p in parts]
    assert starts[0] == utc(2021, 10, 8, 9, 0) and ends[-1] == utc(2021, 10, 8, 10, 30)
    assert starts[1:] == ends[:-1], "segments follow each other without gaps"
    assert [int((e - s).total_seconds()) for s, e in zip(starts, ends, strict=True)] == \
        [s.duration for s in programme.segments]
    assert times(parts[4]) == (utc(2021, 10, 8, 9, 21), utc(2021, 10, 8, 9, 31))
    leyton = parts[4]
    assert str(leyton["summary"]) == ("Speaker: Work Integration Social Enterprises & International Cooperation"
                                      " — Eric Leyton Inostroza")
    description = str(leyton["description"])
    assert "Eric Leyton Inostroza: 06:21-06:31 America/Santiago" in description  # his own morning
    assert "Main question:" in description
    kampala = str(parts[5]["description"])
    assert "Bernard Luyiga: 12:31-12:41 Africa/Kampala" in kampala
    toronto = str(parts[6]["description"])
    assert "Martin Van Den Borre: 05:41-05:51 America/Toronto" in toronto
    assert str(parts[1]["summary"]) == "Introduction of the moderator"  # no "Introduction: Introduction"
    assert str(parts[7]["summary"]) == "Discussion: Questions and discussions guided by the moderator"
    uids = [str(e["uid"]) for e in events(calendar)]
    assert len(set(uids)) == 11
    assert all(str(p["related-to"]) == str(session["uid"]) for p in parts)


def test_every_segment_kind_has_one_name_shared_with_the_console() -> None:
    assert set(SEGMENT_KIND_LABELS) == set(SegmentKind)
    assert all(name.strip() for name in SEGMENT_KIND_LABELS.values())


def test_a_segment_summary_names_its_kind_once() -> None:
    calendar = read_back(build_calendar(load_programme(WORKSHOP), segments=True, stamp=STAMP))
    summaries = [str(event["summary"]) for event in events(calendar)[1:]]
    assert summaries[0] == "Internet connection check"  # the title ends with the kind's name
    assert summaries[1] == "Introduction of the moderator"  # it starts with it
    assert summaries[7] == "Discussion: Questions and discussions guided by the moderator"  # it does neither
    description = str(events(calendar)[0]["description"])
    assert "18:00  Internet connection check (1m)" in description


def test_uids_are_stable_between_runs_and_follow_title_date_and_number(tmp_path: Path) -> None:
    programme = load_programme(WORKSHOP)
    first = build_calendar(programme, segments=True)
    second = build_calendar(load_programme(WORKSHOP), segments=True)
    assert [str(e["uid"]) for e in events(first)] == [str(e["uid"]) for e in events(second)]
    assert str(events(first)[3]["uid"]) == event_uid(programme, 2)
    # Re-timing a segment keeps every UID (an import updates the events)...
    retimed = tmp_path / "retimed.toml"
    retimed.write_text(WORKSHOP.read_text(encoding="utf-8").replace('duration = "24m"', 'duration = "20m"'),
                       encoding="utf-8")
    assert [str(e["uid"]) for e in events(build_calendar(load_programme(retimed), segments=True))] == \
        [str(e["uid"]) for e in events(first)]
    # ...another date is another session.
    moved = tmp_path / "moved.toml"
    moved.write_text(WORKSHOP.read_text(encoding="utf-8").replace("date = 2021-10-08", "date = 2021-10-09"),
                     encoding="utf-8")
    assert str(events(build_calendar(load_programme(moved)))[0]["uid"]) != str(events(first)[0]["uid"])


def test_same_stamp_gives_the_same_bytes() -> None:
    programme = load_programme(WORKSHOP)
    assert build_calendar(programme, True, stamp=STAMP).to_ical() == \
        build_calendar(programme, True, stamp=STAMP).to_ical()


def test_source_date_epoch_fixes_the_stamp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(STAMP.timestamp())))
    (event,) = events(build_calendar(load_programme(WORKSHOP)))
    assert event.decoded("dtstamp") == STAMP


# --------------------------------------------------------------------------- zones


def test_a_session_across_the_end_of_daylight_saving(tmp_path: Path) -> None:
    """Paris, 31 October 2021: 03:00 CEST becomes 02:00 CET, so 02:00-03:00 happens twice.

    01:30 CEST is 23:30 UTC the day before; four half hours later it is 01:30 UTC, which is
    02:30 *CET*: written as 02:30 Europe/Paris it would read back as 02:30 CEST, an hour early.
    """
    path = programme_file(tmp_path, timezone="Europe/Paris", date="2021-10-31", start="01:30",
                          durations=["30m", "30m", "30m", "30m"])
    calendar = read_back(build_calendar(load_programme(path), segments=True, stamp=STAMP))
    session, *parts = events(calendar)
    assert times(session) == (utc(2021, 10, 30, 23, 30), utc(2021, 10, 31, 1, 30))
    assert [times(p) for p in parts] == [
        (utc(2021, 10, 30, 23, 30), utc(2021, 10, 31, 0, 0)),   # 01:30-02:00 CEST
        (utc(2021, 10, 31, 0, 0), utc(2021, 10, 31, 0, 30)),    # 02:00-02:30 CEST
        (utc(2021, 10, 31, 0, 30), utc(2021, 10, 31, 1, 0)),    # 02:30 CEST-02:00 CET
        (utc(2021, 10, 31, 1, 0), utc(2021, 10, 31, 1, 30)),    # 02:00-02:30 CET
    ]
    assert session.decoded("dtstart").tzinfo.key == "Europe/Paris"
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Paris"
    assert {c.name for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_a_session_across_the_start_of_daylight_saving(tmp_path: Path) -> None:
    """Paris, 28 March 2021: 02:00 CET jumps to 03:00 CEST."""
    path = programme_file(tmp_path, timezone="Europe/Paris", date="2021-03-28", start="01:30",
                          durations=["1h"])
    calendar = read_back(build_calendar(load_programme(path), segments=True, stamp=STAMP))
    session, part = events(calendar)
    assert times(session) == times(part) == (utc(2021, 3, 28, 0, 30), utc(2021, 3, 28, 1, 30))
    text = build_calendar(load_programme(path), stamp=STAMP).to_ical().decode()
    assert "DTEND;TZID=Europe/Paris:20210328T033000" in text


def test_a_half_hour_zone(tmp_path: Path) -> None:
    path = programme_file(tmp_path, timezone="Asia/Kolkata", date="2021-10-08", start="14:30",
                          durations=["45m", "45m"])
    calendar = read_back(build_calendar(load_programme(path), segments=True, stamp=STAMP))
    session, _first, second = events(calendar)
    assert times(session) == (utc(2021, 10, 8, 9, 0), utc(2021, 10, 8, 10, 30))
    assert times(second) == (utc(2021, 10, 8, 9, 45), utc(2021, 10, 8, 10, 30))
    assert "DTSTART;TZID=Asia/Kolkata:20211008T143000" in calendar.to_ical().decode()


def test_a_fixed_offset_zone_is_written_in_utc(tmp_path: Path) -> None:
    path = programme_file(tmp_path, timezone="UTC-3", date="2021-06-01", start="11:05",
                          durations=["1h", "1h30m"])
    calendar = build_calendar(load_programme(path), segments=True, stamp=STAMP)
    text = calendar.to_ical().decode()
    assert "DTSTART:20210601T140500Z\r\n" in text
    assert "DTEND:20210601T163500Z\r\n" in text
    assert "TZID" not in text and "VTIMEZONE" not in text
    session, _first, second = events(read_back(calendar))
    assert times(session) == (utc(2021, 6, 1, 14, 5), utc(2021, 6, 1, 16, 35))
    assert times(second) == (utc(2021, 6, 1, 15, 5), utc(2021, 6, 1, 16, 35))
    assert "11:05  Part 1 (1h)" in str(session["description"])  # the running order in the session's zone


def test_utc_sessions_are_written_in_utc(tmp_path: Path) -> None:
    path = programme_file(tmp_path, timezone="UTC", date="2021-06-01", start="23:30", durations=["1h"])
    text = build_calendar(load_programme(path), stamp=STAMP).to_ical().decode()
    assert "DTSTART:20210601T233000Z\r\n" in text and "DTEND:20210602T003000Z\r\n" in text
    assert "VTIMEZONE" not in text


def test_every_seed_session_exports(tmp_path: Path) -> None:
    for path in sorted((ROOT / "sessions").glob("*.toml")):
        programme = load_programme(path)
        calendar = read_back(build_calendar(programme, segments=True, stamp=STAMP))
        session, *parts = events(calendar)
        assert len(parts) == len(programme.segments)
        start, end = times(session)
        assert (end - start).total_seconds() == programme.total_duration
        assert not calendar.get_missing_tzids()


# --------------------------------------------------------------------------- command line


def test_run_ics_to_stdout_and_to_a_file(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert run_ics(WORKSHOP, None, segments=False) == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(b"BEGIN:VCALENDAR\r\n") and out.endswith(b"END:VCALENDAR\r\n")
    assert out.count(b"BEGIN:VEVENT") == 1
    target = tmp_path / "workshop.ics"
    assert main(["ics", str(WORKSHOP), "-o", str(target), "--segments"]) == 0
    assert capsysbinary.readouterr().out == b""
    assert len(events(icalendar.Calendar.from_ical(target.read_bytes()))) == 11


def test_bad_programme_propagates_to_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[session]\ntitle = "x"\n', encoding="utf-8")
    with pytest.raises(ProgrammeError):
        run_ics(bad, None, segments=False)
    assert main(["ics", str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Traceback" not in captured.err
    assert all(line.startswith(str(bad)) for line in captured.err.splitlines())
    assert main(["ics", str(tmp_path / "missing.toml")]) == 2
    assert capsys.readouterr().err.strip() == f"{tmp_path / 'missing.toml'}: no such file (check the path)"


def test_unwritable_output_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ics", str(WORKSHOP), "-o", str(tmp_path / "no" / "such" / "dir.ics")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("moderator: ") and err.count("\n") == 1


def test_the_installed_command_gives_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[session\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "moderator", "ics", str(bad)], capture_output=True,
                            text=True, cwd=tmp_path, env=dict(os.environ), check=False)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and str(bad) in result.stderr
    good = subprocess.run([sys.executable, "-m", "moderator", "ics", str(WORKSHOP), "--segments"],
                          capture_output=True, cwd=tmp_path, check=False)
    assert good.returncode == 0 and good.stdout.count(b"BEGIN:VEVENT") == 11


def test_a_closed_pipe_is_not_a_traceback(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run([sys.executable, "-m", "moderator", "ics", str(WORKSHOP), "--segments"],
                                stdout=write_end, stderr=subprocess.PIPE, text=True, cwd=tmp_path, check=False)
    finally:
        os.close(write_end)
    assert result.returncode == 1 and result.stderr == ""
