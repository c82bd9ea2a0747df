"""Reading a programme: bytes to TOML to a validated ``Programme``, or every problem found.

The format is a contract with users (``docs/programme-format.md`` in shared docs, and
the README): programmes we have never seen must load. So the loader is forgiving in form
(a byte-order mark, several duration and time spellings, defaults everywhere the contract
allows) and strict in substance: every mistake in the file is collected and reported in
one run, each with its line, before anything else happens. This module owns the file and
its syntax; the rules of the format live in ``validation``, the types in ``model``.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path

from moderator.files import PROGRAMME_LIMIT, read_bounded
from moderator.problems import Problem, ProgrammeError
from moderator.programme.model import Programme
from moderator.programme.toml_lines import index_lines
from moderator.programme.validation import validate_programme

__all__ = ["load_programme", "parse_programme"]


def load_programme(path: str | Path) -> Programme:
    """Read and validate a programme file; raise ``ProgrammeError`` with every problem found."""
    shown = str(path)
    try:
        data = read_bounded(path, PROGRAMME_LIMIT)
    except FileNotFoundError:
        raise ProgrammeError([Problem(shown, None, "no such file", "check the path")]) from None
    except IsADirectoryError:
        raise ProgrammeError([Problem(shown, None, "is a directory, not a programme file")]) from None
    except OSError as error:
        raise ProgrammeError([Problem(shown, None, f"cannot read: {error.strerror}")]) from None
    return parse_programme(data, shown)


def parse_programme(data: bytes, path: str = "<programme>") -> Programme:
    """Validate programme bytes; ``path`` only labels the problems."""
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise ProgrammeError([Problem(
            path, line, "the file is not UTF-8 text", "save it as UTF-8", column=column,
        )]) from None
    if not source.strip():
        raise ProgrammeError([Problem(path, None, "the file is empty", "see the README for an example")])
    try:
        document = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise ProgrammeError([_syntax_problem(path, error, source)]) from None
    except RecursionError:
        raise ProgrammeError([Problem(path, None, "TOML nested too deeply to be a programme",
                                      "a programme's lists and tables are at most a few levels deep")]) from None
    except ValueError as error:  # an integer of thousands of digits: Python refuses to convert it
        raise ProgrammeError([Problem(path, None, f"TOML value out of range: {str(error)[:80]}",
                                      "numbers in a programme are durations and counts")]) from None
    return validate_programme(document, path, index_lines(source), digest)


def _syntax_problem(path: str, error: Exception, source: str) -> Problem:
    text = str(error)
    match = re.search(r"\(at line (\d+), column (\d+)\)", text)
    message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", text)
    message = f"TOML syntax: {message[:1].lower() + message[1:]}"
    line = int(match.group(1)) if match else getattr(error, "lineno", None)
    column = int(match.group(2)) if match else getattr(error, "colno", None)
    hint = "check quotes, brackets and '=' on that line"
    if line is None and "end of document" in text:
        # tomllib gives no position when the file ends inside a value: point at its last line.
        line = source.rstrip().count("\n") + 1
        message += " at the end of the file"
        hint = "a quote or bracket opened above is never closed"
    return Problem(path, line, message, hint, column=column)
