"""``moderator check`` on a long programme: a measurement, not a test.

A generated programme of ``segments`` segments (speakers in five time zones, guiding
questions, cues, shown in three zones) is checked by the installed command in a fresh
process, its output discarded; the baseline is ``python -c "import rich, pendulum"``
(the interpreter starting and importing the two libraries ``check`` cannot do without: the
floor). Wall times, medians of ``runs``.

``python -m benchmarks.bench_cli`` prints the figure for 300 segments.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.harness import median, ratio, run_wall

_ZONES = ("Asia/Seoul", "America/Santiago", "Africa/Kampala", "America/Toronto", "Europe/Paris")
_KINDS = ("speaker", "speaker", "discussion", "qa", "break", "other")


def programme_text(segments: int = 300, duration: str = "2m") -> str:
    """A valid programme of ``segments`` segments of ``duration`` each, every kind of table in it."""
    lines = [
        "[session]",
        'title = "A long day of the social and solidarity economy, generated for benchmarks"',
        'event = "Benchmarks"',
        'language = "en"',
        "date = 2021-10-08",
        'start = "08:00"',
        'timezone = "Europe/Paris"',
        'also_show = ["UTC", "Asia/Seoul", "America/Mexico_City"]',
        'main_question = "What makes local alliances last?"',
        "",
        "[moderator]",
        'name = "Dara Huot"',
        "",
    ]
    for n, zone in enumerate(_ZONES * 4):
        lines += ["[[speaker]]", f'id = "s{n}"', f'name = "Speaker Number {n}"', f'organization = "Network {n}"',
                  'country = "Somewhere"', f'topic = "Topic of speaker {n}"', f'timezone = "{zone}"', ""]
    for n in range(4):
        lines += ["[[round]]", f'id = "r{n}"', f'title = "Round {n + 1}"',
                  f'questions = ["Question {n}.1?", "Question {n}.2?", "Question {n}.3?"]', ""]
    for n in range(segments):
        kind = _KINDS[n % len(_KINDS)]
        lines += ["[[segment]]", f'kind = "{kind}"', f'duration = "{duration}"']
        if kind == "speaker":
            lines.append(f'speaker = "s{n % 20}"')
        else:
            lines.append(f'title = "Segment {n + 1}: {kind}"')
        if kind == "discussion":
            lines.append(f'round = "r{n % 4}"')
            lines.append('cues = ["Ask for the group photo", "Share the chat link"]')
        lines.append("")
    return "\n".join(lines)


def measure_check(segments: int = 300, runs: int = 7) -> dict[str, Any]:
    """Wall milliseconds of ``moderator check`` on a generated programme vs ``python -c "import rich, pendulum"``
    (``check_imports_ms``: the modules ``check`` needs, imported and nothing done, for where the time goes)."""
    check_ms: list[float] = []
    import_ms: list[float] = []
    imports_ms: list[float] = []
    with tempfile.TemporaryDirectory(prefix="moderator-bench-check-") as scratch:
        path = Path(scratch) / "long.toml"
        path.write_text(programme_text(segments), encoding="utf-8")
        check = [sys.executable, "-m", "moderator", "check", str(path)]
        bare = [sys.executable, "-c", "import rich, pendulum"]
        modules = [sys.executable, "-c", "import moderator.cli, moderator.commands.check"]
        for argv in (check, bare, modules):
            run_wall(argv)  # warm: .pyc files, the disk cache
        for attempt in range(runs):
            trio = [(check, check_ms), (bare, import_ms), (modules, imports_ms)]
            for argv, into in trio if attempt % 2 else reversed(trio):
                into.append(run_wall(argv) * 1000)
    return {
        "segments": segments,
        "runs": runs,
        "check_ms": median(check_ms),
        "import_ms": median(import_ms),
        "check_imports_ms": median(imports_ms),
        "ratio": ratio(median(check_ms), median(import_ms)),
    }


def main() -> None:
    result = measure_check(300, 5)
    print(f"moderator check, {result['segments']} segments: {result['check_ms']:.0f} ms "
          f"(import rich, pendulum {result['import_ms']:.0f} ms, ratio {result['ratio']:.1f}; "
          f"its imports alone {result['check_imports_ms']:.0f} ms)")


if __name__ == "__main__":
    main()
