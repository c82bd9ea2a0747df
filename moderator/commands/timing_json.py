"""``moderator timing --json``: the analysis as a document for other tools.

Stable keys, durations in seconds (to the millisecond), instants in ISO 8601 UTC. A segment's
status is written with the command's own words (``done``, ``current``, ``skipped``,
``not_reached``), which ``JSON_VERSION`` promises, whatever the snapshot calls them.
"""

from __future__ import annotations

from typing import Any

from moderator.report.timing import RunTiming, TimingAnalysis
from moderator.session.clock import iso_utc, iso_utc_wall
from moderator.session.snapshot import SegmentStatus

JSON_VERSION = 1
STATUS_WORDS = {
    SegmentStatus.DONE: "done",
    SegmentStatus.CURRENT: "current",
    SegmentStatus.SKIPPED: "skipped",
    SegmentStatus.UPCOMING: "not_reached",
}
"""A segment's status as the JSON writes it: a segment still upcoming when the run stopped was not reached."""


def to_json(analysis: TimingAnalysis) -> dict[str, Any]:
    """A document for other tools: stable keys, durations in seconds, instants in ISO 8601 UTC."""
    return {
        "version": JSON_VERSION,
        "title": analysis.title,
        "timezone": analysis.timezone,
        "same_programme": analysis.same_programme,
        "notes": list(analysis.notes),
        "segments": [
            {"index": row.index, "number": row.number, "kind": row.kind, "title": row.title,
             "planned": row.planned, "printed_start": iso_utc(row.printed_start)}
            for row in analysis.rows
        ],
        "runs": [_run_json(run) for run in analysis.runs],
        "top_overruns": [
            {"run": o.run, "index": o.index, "number": o.number, "title": o.title, "planned": o.planned,
             "actual": _seconds(o.actual), "deviation": _seconds(o.deviation)}
            for o in analysis.top_overruns
        ],
    }


def _run_json(run: RunTiming) -> dict[str, Any]:
    return {
        "label": run.label,
        "mode": run.mode,
        "status": run.status,
        "finished": run.finished,
        "title": run.title,
        "programme": run.programme_path,
        "sha256": run.programme_sha256,
        "printed_start": iso_utc(run.printed_start),
        "anchor": iso_utc(run.anchor),
        "anchored_on_printed_start": run.anchored_on_printed_start,
        "started": iso_utc(run.started),
        "late_start": _seconds(run.late_start),
        "planned_end": iso_utc(run.planned_end),
        "ended": iso_utc(run.ended),
        "end_offset": _seconds(run.end_offset),
        "skipped": [s.index for s in run.skipped],
        "repeated": [s.index for s in run.repeated],
        "not_reached": [s.index for s in run.not_reached],
        "warnings": list(run.warnings),
        "segments": [
            {"index": s.index, "number": s.number, "kind": s.kind, "title": s.title,
             "status": STATUS_WORDS[s.status], "planned": s.planned, "planned_start": iso_utc(s.planned_start),
             "allowed": s.allowed, "actual": _seconds(s.actual), "paused": _seconds(s.paused),
             "deviation": _seconds(s.deviation), "cumulative": _seconds(s.cumulative),
             "visits": s.visits, "repeated": s.repeated, "skipped": s.skipped,
             "actual_start": iso_utc_wall(s.actual_start), "actual_end": iso_utc_wall(s.actual_end)}
            for s in run.segments
        ],
    }


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
