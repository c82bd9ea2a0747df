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
from moderator.programme import Programme, Segment, SegmentKind
from moderator.programme.model import SEGMENT_KIND_LABELS
from moderator.programme.plan import session_start
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
    "enable_sound": "Enable sound", "sound_on": "Sound on", "agenda": "Agenda", "planned_start": "Planned start",
    "planned_duration": "Planned time", "actual_start": "Started", "actual_duration": "Took", "difference": "Diff",
    "status": "Status", "pace": "Pace", "behind": "behind", "ahead": "ahead", "on_schedule": "on schedule",
    "projected_end": "Projected end", "message_on_stage": "Message on stage", "current": "Now", "done": "Done",
    "skipped": "Skipped", "segment": "Segment", "none": "nothing", "flashing": "Stage flashing",
    "blackout": "Stage black", "backstage": "Backstage", "starts_in": "Starts in", "starting_soon": "Starting soon",
    "back_at": "Back at {time}", "session_ended": "The session has ended", "thank_you": "Thank you",
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
    co-moderator, through the API) also the agenda, the pace and the projected end.

    ``holding``: before the start and during a break the stage shows a holding view (the session's
    title and when it starts, or when it is back); after the end, no segment (a calm, ended stage)."""
    session = programme.session
    # Before the start the speaker sees the first segment, waiting ("Not started", its full time).
    segment, following = snapshot.on_stage, snapshot.up_next
    if snapshot.status is Status.ENDED:
        segment, following = None, None
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
        "holding": _holding(programme, snapshot, host_t, rate),
    }
    if role is not Role.STAGE:
        zones = session.zones
        page["pace_s"] = round(snapshot.offset, 1) if snapshot.status is not Status.NOT_STARTED else None
        page["projected_end"] = _in_zones(snapshot.projected_end, zones)
        page["zones"] = [short_zone_label(name) for name in zones]
        page["agenda"] = _agenda(programme, snapshot, zones)
    return page


def _holding(programme: Programme, snapshot: Snapshot, host_t: float, rate: float) -> dict[str, Any] | None:
    """What the holding view says: before the start, the planned start (``starts_host_t``: on the host's
    clock, for the page to count "starts in 04:12" by itself; ``None`` once that time has passed, or
    far away); during a break, when the session is back (``back_at``, in the session's zone)."""
    home = zone(programme.session.timezone)
    if snapshot.status is Status.NOT_STARTED:
        until = (session_start(programme) - snapshot.now).total_seconds()
        counts = 0 < until <= HOLDING_COUNTDOWN_FROM
        return {"kind": "before", "starts_host_t": host_t + until / rate if counts else None,
                "starts_at": session_start(programme).in_timezone(home).format("HH:mm")}
    if snapshot.status in (Status.RUNNING, Status.PAUSED) and snapshot.segment is not None \
            and snapshot.segment.kind is SegmentKind.BREAK:
        back = snapshot.now.add(microseconds=round(max(0.0, snapshot.remaining) * 1_000_000))
        return {"kind": "break", "back_at": back.in_timezone(home).format("HH:mm")}
    return None


HOLDING_COUNTDOWN_FROM = 12 * 3600
"""Seconds before the planned start from which the holding view counts down to it (a rehearsal the
day before says the start time, not "starts in 23:10:00")."""


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
    tr = translator(programme.session.language)
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
            "kind_label": tr(SEGMENT_KIND_LABELS.get(timing.segment.kind, timing.segment.kind)),
            "planned_start": _in_zones(timing.planned_start, zones), "planned_s": timing.planned,
            "actual_start": parse_wall(timing.actual_start).in_timezone(home).format("HH:mm:ss") if started else None,
            "actual_s": round(timing.actual, 1) if status in ("done", "current") else None,
            "status": status,
        })
    return rows
