"""Speaking time per person: time on stage, and with a transcript, time speaking in discussions and Q&A.

Organizers who care about balance (OpenSlides users ask for it) want to see at a glance who held the
floor. Stage time is each speaker's own segments as they ran (pauses excluded; a shared slot counts
for every speaker in it; an introduction or a closing without speakers is the moderator's); with a
transcript (``moderator transcript``), the cues each person spoke in
discussion and Q&A segments add up to their speaking time there. Whole seconds, each rounded once.
"""

from __future__ import annotations

from dataclasses import dataclass

from moderator.programme.durations import whole_seconds
from moderator.programme.model import Programme
from moderator.session.clock import parse_wall
from moderator.session.notes import MODERATOR_ID, people
from moderator.session.snapshot import SegmentStatus, take_snapshot
from moderator.session.state import State

FLOOR_KINDS = ("discussion", "qa")
"""The segments where speakers take the floor in turn: their speaking time there comes from the transcript."""


@dataclass(frozen=True)
class SpeakingTime:
    person: str
    """The programme's id (a speaker's, ``moderator``, ``rapporteur``)."""
    name: str
    on_stage: int
    """Seconds of their own segments, as run."""
    in_discussion: int | None
    """Seconds they spoke in discussions and Q&A, by the transcript (``None``: no transcript)."""


def speaking_times(programme: Programme, state: State) -> tuple[SpeakingTime, ...]:
    """Everyone the programme names who was on stage or spoke, in the programme's order."""
    now = parse_wall(state.last_wall) if state.last_wall else None
    stage: dict[str, float] = {}
    if now is not None:
        snapshot = take_snapshot(programme, state, state.last_t, now)
        for timing in snapshot.timings:
            if timing.status not in (SegmentStatus.DONE, SegmentStatus.CURRENT):
                continue
            segment = timing.segment
            if segment.speaker_ids and segment.kind in ("speaker", "intro", "closing"):
                holders: tuple[str, ...] = segment.speaker_ids
            elif segment.kind in ("intro", "closing"):  # the moderator's own: welcome, their talk, the close
                holders = (MODERATOR_ID,)
            else:
                continue
            for person in holders:
                stage[person] = stage.get(person, 0.0) + timing.actual
    spoken: dict[str, float] | None = None
    if state.transcript:
        spoken = {}
        for line in state.transcript:
            index = line.segment
            if line.speaker is None or index is None or index >= len(programme.segments):
                continue
            if programme.segments[index].kind not in FLOOR_KINDS:
                continue
            seconds = (parse_wall(line.until) - parse_wall(line.at)).total_seconds()
            spoken[line.speaker] = spoken.get(line.speaker, 0.0) + max(0.0, seconds)
    out = []
    for person, name in people(programme):
        on_stage = whole_seconds(stage.get(person, 0.0))
        talked = whole_seconds(spoken.get(person, 0.0)) if spoken is not None else None
        if on_stage or talked:
            out.append(SpeakingTime(person, name, on_stage, talked))
    return tuple(out)
