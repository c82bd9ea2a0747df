"""Time zones: names people write, and a plan that stays right across offsets, DST and midnight.

Planning happens in UTC and is shown in each zone, so real elapsed durations must stay
exact while the local clock labels jump (or repeat) the way the wall clock does.
"""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from moderator.commands.check import clock
from moderator.problems import ProgrammeError
from moderator.programme import Programme, parse_programme
from moderator.programme.plan import day_marker, plan, plan_warnings, planned_end, session_start
from moderator.programme.zones import ZoneError, check_zone, short_zone_label, zone


def make_programme(*, date: str, start: str, timezone: str, durations: list[str],
                   also_show: tuple[str, ...] | list[str] = (), extra: str = "",
                   ats: dict[int, str] | None = None) -> Programme:
    """A minimal valid programme with one segment per duration (``ats``: index -> printed at)."""
    ats = ats or {}
    zones = ", ".join(f'"{z}"' for z in also_show)
    lines = [
        "[session]", 'title = "Zones"', f"date = {date}", f'start = "{start}"',
        f'timezone = "{timezone}"', f"also_show = [{zones}]", extra,
        "[moderator]", 'name = "M"',
    ]
    for n, duration in enumerate(durations):
        lines += ["[[segment]]", 'kind = "other"', f'title = "S{n + 1}"', f'duration = "{duration}"']
        if n in ats:
            lines.append(f'at = "{ats[n]}"')
    return parse_programme("\n".join(lines).encode(), "zones.toml")


def starts(programme: Programme, zone_name: str) -> list[str]:
    return [f"{item.start_in(zone_name):%H:%M}" for item in plan(programme)]


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("written", "accepted"),
    [
        ("Asia/Seoul", "Asia/Seoul"),
        ("America/Mexico_City", "America/Mexico_City"),
        ("  Europe/Paris ", "Europe/Paris"),
        ("europe/paris", "Europe/Paris"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("GMT", "UTC"),
        ("Z", "UTC"),
        ("UTC-3", "UTC-3"),
        ("utc-3", "UTC-3"),
        ("UTC - 3", "UTC-3"),
        ("GMT+2", "GMT+2"),
        ("UTC+05:30", "UTC+05:30"),
        ("UTC+14", "UTC+14"),
        ("UTC-12", "UTC-12"),
    ],
)
def test_check_zone_accepts(written: str, accepted: str) -> None:
    assert check_zone(written) == accepted


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("Europe/Pariss", "did you mean 'Europe/Paris'?"),
        ("America/New York", "did you mean 'America/New_York'?"),
        ("Asia/Seol", "did you mean 'Asia/Seoul'?"),
        ("Mars/Olympus", "IANA name"),
        ("", "IANA name"),
        ("../../etc/passwd", "IANA name"),
        ("UTC+15", "UTC-14 to UTC+14"),
        ("UTC+99", "UTC-14 to UTC+14"),
        ("UTC-3:75", "UTC-14 to UTC+14"),
    ],
)
def test_check_zone_rejects_with_a_hint(written: str, hint: str) -> None:
    with pytest.raises(ZoneError) as raised:
        check_zone(written)
    assert hint in raised.value.hint


@pytest.mark.parametrize(
    ("name", "label"),
    [("America/Mexico_City", "Mexico City"), ("Asia/Seoul", "Seoul"), ("UTC", "UTC"),
     ("UTC-3", "UTC-3"), ("America/Argentina/Buenos_Aires", "Buenos Aires")],
)
def test_short_zone_label(name: str, label: str) -> None:
    assert short_zone_label(name) == label


def test_fixed_offsets_never_observe_dst() -> None:
    winter = pendulum.datetime(2021, 1, 15, 12, tz="UTC").in_timezone(zone("UTC-3"))
    summer = pendulum.datetime(2021, 7, 15, 12, tz="UTC").in_timezone(zone("UTC-3"))
    assert (winter.hour, summer.hour) == (9, 9)
    assert zone("GMT+5:30").utcoffset(dt.datetime(2021, 1, 1)) == dt.timedelta(hours=5, minutes=30)


# --------------------------------------------------------------------------- plans


def test_workshop_seoul_in_utc_and_mexico_city() -> None:
    """The GSEF2021 workshop: 18:00 Asia/Seoul on 2021-10-08 is 09:00 UTC, 04:00 in Mexico City."""
    programme = make_programme(date="2021-10-08", start="18:00", timezone="Asia/Seoul",
                               also_show=["UTC", "America/Mexico_City"], durations=["1m", "89m"])
    first = plan(programme)[0]
    assert first.start == pendulum.datetime(2021, 10, 8, 9, 0, tz="UTC")
    assert f"{first.start_in('UTC'):%H:%M}" == "09:00"
    assert f"{first.start_in('America/Mexico_City'):%H:%M}" == "04:00"
    end = planned_end(programme)
    assert f"{end.in_timezone(zone('Asia/Seoul')):%H:%M}" == "19:30"
    assert f"{end.in_timezone(zone('America/Mexico_City')):%H:%M}" == "05:30"
    for zone_name in programme.session.zones:
        assert day_marker(first.start_in(zone_name), programme.session.date) == ""


def test_fall_back_keeps_real_durations_and_repeats_the_clock() -> None:
    """Europe/Paris leaves summer time at 03:00 CEST on 2021-10-31: 02:00-03:00 happens twice.

    Five 30-minute slots from 01:30 take 2 h 30 real minutes although the wall clock
    only moves from 01:30 to 03:00.
    """
    programme = make_programme(date="2021-10-31", start="01:30", timezone="Europe/Paris",
                               also_show=["UTC"], durations=["30m"] * 5, extra='end = "03:00"',
                               ats={1: "02:00", 3: "02:00"})
    timeline = plan(programme)
    assert starts(programme, "Europe/Paris") == ["01:30", "02:00", "02:30", "02:00", "02:30"]
    assert starts(programme, "UTC") == ["23:30", "00:00", "00:30", "01:00", "01:30"]
    assert [item.start_in("Europe/Paris").utcoffset() for item in timeline] == (
        [dt.timedelta(hours=2)] * 3 + [dt.timedelta(hours=1)] * 2
    )
    for item in timeline:
        assert (item.end - item.start).total_seconds() == 1800
    assert (timeline[-1].end - timeline[0].start).total_seconds() == 150 * 60
    assert f"{timeline[-1].end_in('Europe/Paris'):%H:%M}" == "03:00"
    # both printed 02:00 and the printed end match the plan; the clock change itself is said (issue 25)
    (warning,) = plan_warnings(programme)
    assert "clocks change in Europe/Paris during segment 4" in warning.message and "-60 min" in warning.message
    # UTC is on the previous calendar day at the start
    assert day_marker(timeline[0].start_in("UTC"), programme.session.date) == "-1"


def test_spring_forward_skips_the_missing_hour() -> None:
    """Europe/Paris jumps from 02:00 to 03:00 on 2021-03-28: a 30-minute slot at 01:30 ends at 03:00."""
    programme = make_programme(date="2021-03-28", start="01:30", timezone="Europe/Paris",
                               durations=["30m", "30m", "30m"], extra='end = "03:30"')
    assert starts(programme, "Europe/Paris") == ["01:30", "03:00", "03:30"]
    timeline = plan(programme)
    assert (timeline[-1].end - timeline[0].start).total_seconds() == 90 * 60
    assert f"{timeline[-1].end_in('Europe/Paris'):%H:%M}" == "04:00"
    change, overrun = plan_warnings(programme)
    assert "clocks change in Europe/Paris during segment 2" in change.message and "+60 min" in change.message
    assert "overrun 30 min" in overrun.message  # 01:30-03:30 local is only 60 real minutes


def test_start_inside_the_skipped_hour_moves_forward() -> None:
    programme = make_programme(date="2021-03-28", start="02:30", timezone="Europe/Paris",
                               durations=["10m"])
    assert session_start(programme) == pendulum.datetime(2021, 3, 28, 1, 30, tz="UTC")
    assert starts(programme, "Europe/Paris") == ["03:30"]


def test_dst_in_an_also_show_zone_only() -> None:
    """A UTC session shown in New York across the 2021-11-07 fall-back: labels 01:30, 01:00."""
    programme = make_programme(date="2021-11-07", start="05:30", timezone="UTC",
                               also_show=["America/New_York"], durations=["30m", "30m", "30m"])
    assert starts(programme, "UTC") == ["05:30", "06:00", "06:30"]
    assert starts(programme, "America/New_York") == ["01:30", "01:00", "01:30"]


@pytest.mark.parametrize(
    ("zone_name", "expected"),
    [("Asia/Kolkata", ["17:30", "18:15"]), ("Asia/Kathmandu", ["17:45", "18:30"]),
     ("Australia/Eucla", ["20:45", "21:30"]), ("America/St_Johns", ["09:30", "10:15"])],
)
def test_half_and_quarter_hour_offsets(zone_name: str, expected: list[str]) -> None:
    programme = make_programme(date="2021-10-08", start="12:00", timezone="UTC",
                               also_show=[zone_name], durations=["45m", "45m"])
    assert starts(programme, zone_name) == expected


def test_session_in_a_half_hour_zone() -> None:
    programme = make_programme(date="2021-10-08", start="18:00", timezone="Asia/Kolkata",
                               also_show=["UTC", "Asia/Kathmandu"], durations=["20m"])
    assert starts(programme, "UTC") == ["12:30"]
    assert starts(programme, "Asia/Kathmandu") == ["18:15"]


def test_session_crossing_midnight_goes_on_to_the_next_day() -> None:
    programme = make_programme(date="2021-06-01", start="23:30", timezone="Europe/Paris",
                               also_show=["Asia/Seoul"], durations=["45m", "45m"], extra='end = "01:00"')
    timeline = plan(programme)
    date = programme.session.date
    assert [clock(item.start_in("Europe/Paris"), date) for item in timeline] == ["23:30", "00:15 +1"]
    assert clock(timeline[-1].end_in("Europe/Paris"), date) == "01:00 +1"
    assert clock(timeline[0].start_in("Asia/Seoul"), date) == "06:30 +1"
    # end = "01:00" is read as the next day, so the plan matches it
    assert plan_warnings(programme) == []


def test_an_also_show_zone_on_the_previous_day() -> None:
    programme = make_programme(date="2021-10-08", start="08:00", timezone="Asia/Seoul",
                               also_show=["America/Mexico_City"], durations=["30m"])
    item = plan(programme)[0]
    assert clock(item.start_in("America/Mexico_City"), programme.session.date) == "18:00 -1"


@pytest.mark.parametrize("written", ["UTC-3", "utc-3", "GMT-3", "UTC-03:00"])
def test_fixed_offset_session_zone(written: str) -> None:
    programme = make_programme(date="2021-06-01", start="11:05", timezone=written,
                               also_show=["UTC", "Europe/Paris"], durations=["2h30m"])
    assert starts(programme, programme.session.timezone) == ["11:05"]
    assert starts(programme, "UTC") == ["14:05"]
    assert starts(programme, "Europe/Paris") == ["16:05"]


def test_unknown_also_show_zone_is_an_error_with_suggestion() -> None:
    with pytest.raises(ProgrammeError) as raised:
        make_programme(date="2021-10-08", start="18:00", timezone="Asia/Seoul",
                       also_show=["UTC", "America/Mexico_Cty"], durations=["10m"])
    (problem,) = raised.value.errors
    assert problem.line == 6
    assert "America/Mexico_Cty" in problem.message
    assert "America/Mexico_City" in (problem.hint or "")


def test_day_marker() -> None:
    reference = dt.date(2021, 10, 8)
    moment = pendulum.datetime(2021, 10, 9, 0, 5, tz="UTC")
    assert day_marker(moment, reference) == "+1"
    assert day_marker(moment.subtract(days=2), reference) == "-1"
    assert day_marker(moment.subtract(days=1), reference) == ""


@pytest.mark.parametrize(("name", "language", "label"), [
    ("America/Montreal", "fr", "Montréal"),  # CLDR folds it into Toronto: the programme named Montréal
    ("America/Montreal", "en", "Montréal"),
    ("America/Toronto", "fr", "Toronto"),
    ("Asia/Seoul", "es", "Seúl"),
    ("US/Eastern", "en", "New York"),  # not a city's zone: CLDR's city is the better name
])
def test_city_label_names_the_zone_the_programme_names(name: str, language: str, label: str) -> None:
    from moderator.programme.zones import city_label

    assert city_label(name, language) == label


@pytest.mark.parametrize(("name", "paper"), [
    ("America/New_York", "letter"), ("US/Pacific", "letter"), ("America/Puerto_Rico", "letter"),
    ("America/Mexico_City", "a4"), ("Europe/Madrid", "a4"), ("Asia/Seoul", "a4"), ("UTC", "a4"), ("UTC+2", "a4"),
])
def test_paper_size_is_letter_only_in_the_united_states(name: str, paper: str) -> None:
    from moderator.programme.zones import paper_size

    assert paper_size(name) == paper
