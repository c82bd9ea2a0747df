"""What the stage and backstage pages are sent: a display snapshot, built by one pure function.

The pages do not get journal events (the reducer stays in Python): they get what to show, in the
session's language, and the current segment's deadline on the host's clock, from which they count
by themselves. No timing is computed here: every figure comes from ``session/snapshot.py``'s
``Snapshot`` (one clock reading); ``host_t`` is the host's clock at that same reading.

``rate`` is the rehearsal's clock speed: the deadline is where the countdown reaches zero on the
host's real clock, and the page multiplies what is left by ``rate`` to show rehearsal seconds.
"""

from __future__ import annotations

from typing import Any

from moderator.i18n import translator
from moderator.programme import Programme, Segment
from moderator.programme.zones import short_zone_label, zone
from moderator.session.clock import parse_wall
from moderator.session.snapshot import SegmentStatus, Snapshot
from moderator.session.state import State, Status
from moderator.share.seat_words import SEAT_WORDS
from moderator.share.tokens import Role

PROTOCOL = 1

PAGE_WORDS: dict[str, str] = {
    "connecting": "Connecting…", "reconnecting": "Reconnecting…", "stale": "Data may be out of date",
    "next": "Next", "min": "min", "on_time": "On time", "warn": "Wrap up", "danger": "Almost out of time",
    "overtime": "Overtime", "paused": "Paused", "not_started": "Not started", "ended": "Ended",
    "enable_sound": "Enable sound", "sound_on": "Sound on", "agenda": "Agenda", "planned_start": "Planned",
    "planned_duration": "Planned", "actual_start": "Started", "actual_duration": "Took", "difference": "Diff",
    "status": "Status", "pace": "Pace", "behind": "behind", "ahead": "ahead", "on_schedule": "on schedule",
    "projected_end": "Projected end", "message_on_stage": "Message on stage", "current": "Now", "done": "Done",
    "skipped": "Skipped", "segment": "Segment",
}
"""The pages' words (their keys are ``common.js``'s ``FALLBACK_LABELS``), English as the gettext msgid."""

_AGENDA_STATUS = {
    SegmentStatus.DONE: "done", SegmentStatus.CURRENT: "current", SegmentStatus.SKIPPED: "skipped",
    SegmentStatus.UPCOMING: "pending",
}


def page_labels(language: str, *, seat: bool = False) -> dict[str, str]:
    """The words of a page in ``language``; ``seat``: also the rapporteur's and co-moderator's pages'."""
    _ = translator(language)
    words = {**PAGE_WORDS, **SEAT_WORDS} if seat else PAGE_WORDS
    return {key: _(text) for key, text in words.items()}


def page_snapshot(programme: Programme, state: State, snapshot: Snapshot, host_t: float, *,
                  role: Role = Role.STAGE, rate: float = 1.0) -> dict[str, Any]:
    """The snapshot a page of ``role`` is sent. The stage gets what a speaker sees; backstage (and the
    co-moderator, through the API) also the agenda, the pace and the projected end."""
    session = programme.session
    segment, following = snapshot.segment, snapshot.next_segment
    if snapshot.status is Status.NOT_STARTED and programme.segments:
        # Before the start the speaker sees the first segment, waiting ("Not started", its full time).
        segment = programme.segments[0]
        following = programme.segments[1] if len(programme.segments) > 1 else None
    running = snapshot.status is Status.RUNNING and segment is not None
    message = state.stage_message
    page: dict[str, Any] = {
        "type": "snapshot", "protocol": PROTOCOL, "language": session.language,
        "labels": page_labels(session.language), "title": session.title,
        "segment": _segment(programme, segment) if segment is not None else None,
        "next": _next(programme, following),
        "status": snapshot.status.value,
        "deadline_host_t": host_t + snapshot.remaining / rate if running else None,
        "remaining_s": round(snapshot.remaining, 3) if segment is not None else None,
        "host_t": host_t, "rate": rate,
        "warn_s": segment.warn if segment is not None else session.warn,
        "danger_s": segment.danger if segment is not None else session.danger,
        "message": {"text": message.text, "id": message.id} if message is not None else None,
        "flash": state.flash, "blackout": state.blackout,
    }
    if role is not Role.STAGE:
        zones = session.zones
        page["pace_s"] = round(snapshot.offset, 1) if snapshot.status is not Status.NOT_STARTED else None
        page["projected_end"] = _in_zones(snapshot.projected_end, zones)
        page["zones"] = [short_zone_label(name) for name in zones]
        page["agenda"] = _agenda(programme, snapshot, zones)
    return page


def _speakers(programme: Programme, segment: Segment) -> list[str]:
    return [speaker.name for speaker in programme.segment_speakers(segment)]


def _segment(programme: Programme, segment: Segment) -> dict[str, Any]:
    return {"number": segment.index + 1, "count": len(programme.segments), "title": segment.title,
            "kind": segment.kind.value, "speakers": _speakers(programme, segment)}


def _next(programme: Programme, segment: Segment | None) -> dict[str, Any] | None:
    if segment is None:
        return None
    return {"title": segment.title, "speakers": _speakers(programme, segment), "duration_s": segment.duration}


def _in_zones(moment: Any, zones: tuple[str, ...], fmt: str = "HH:mm") -> dict[str, str]:
    return {short_zone_label(name): moment.in_timezone(zone(name)).format(fmt) for name in zones}


def _agenda(programme: Programme, snapshot: Snapshot, zones: tuple[str, ...]) -> list[dict[str, Any]]:
    home = zone(programme.session.timezone)
    rows = []
    upcoming_seen = False
    for timing in snapshot.timings:
        status = _AGENDA_STATUS[timing.status]
        if status == "pending" and not upcoming_seen and snapshot.status is not Status.ENDED:
            upcoming_seen = True
            if snapshot.status is not Status.NOT_STARTED or timing.index == 0:
                status = "next"
        started = timing.actual_start is not None
        rows.append({
            "number": timing.index + 1, "title": timing.segment.title, "kind": timing.segment.kind.value,
            "planned_start": _in_zones(timing.planned_start, zones), "planned_s": timing.planned,
            "actual_start": parse_wall(timing.actual_start).in_timezone(home).format("HH:mm:ss") if started else None,
            "actual_s": round(timing.actual, 1) if status in ("done", "current") else None,
            "status": status,
        })
    return rows
