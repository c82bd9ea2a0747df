"""Reading a programme: bytes to TOML to a validated ``Programme``, or every problem found.

The format is a contract with users (``docs/programme-format.md`` in shared docs, and
the README): programmes we have never seen must load. So the loader is forgiving in form
(a byte-order mark, several duration and time spellings, defaults everywhere the contract
allows) and strict in substance: every mistake in the file is collected and reported in
one run, each with its line, before anything else happens. This module owns the file and
its syntax; the rules of the format live in ``validation``, the types in ``model``.

Every problem is said in the language the programme declares: the validator's once it has read
``[session] language``; before that (a file that is not TOML, or not UTF-8) the language a
``language = "es"`` line in the raw text declares (``language.sniff_language``); for a file
that cannot be read at all, none (English, unless the command line says otherwise).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path

from moderator.files import PROGRAMME_LIMIT, read_bounded
from moderator.problems import Problem, ProgrammeError, Words
from moderator.programme.language import sniff_language, sniff_language_in_bytes
from moderator.programme.model import Programme
from moderator.programme.toml_lines import index_lines
from moderator.programme.toml_syntax import syntax_problem
from moderator.programme.validation import validate_programme

__all__ = ["load_programme", "parse_programme"]


def load_programme(path: str | Path) -> Programme:
    """Read and validate a programme file; raise ``ProgrammeError`` with every problem found."""
    shown = str(path)
    try:
        data = read_bounded(path, PROGRAMME_LIMIT)
    except FileNotFoundError:
        raise ProgrammeError([Problem(shown, None, Words("no such file"), Words("check the path"))]) from None
    except IsADirectoryError:
        raise ProgrammeError([Problem(shown, None, Words("is a directory, not a programme file"))]) from None
    except OSError as error:
        raise ProgrammeError([Problem(shown, None, Words("cannot read: {reason}", reason=_reason(error)))]) from None
    return parse_programme(data, shown)


_REASONS = tuple((re.compile(pattern), template) for pattern, template in (
    (r"Permission denied", Words("Permission denied")),
    (r"not a regular file \(a pipe, a device or a socket\); only files are read",
     Words("not a regular file (a pipe, a device or a socket); only files are read")),
    (r"larger than (?P<size>\d+ MB), the most a file of its kind can be",
     Words("larger than {size}, the most a file of its kind can be")),
))
"""Why a file could not be read, as ``files.read_bounded`` and the system say it, in words a face
says in the session's language; any other reason is the system's, as it gives it."""


def _reason(error: OSError) -> str:
    reason = error.strerror or str(error)
    for pattern, template in _REASONS:
        found = pattern.fullmatch(reason)
        if found:
            return Words(template.template, **found.groupdict())
    return reason


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
            path, line, Words("the file is not UTF-8 text"), Words("save it as UTF-8"), column=column,
        )], language=sniff_language_in_bytes(data)) from None
    if not source.strip():
        raise ProgrammeError([Problem(path, None, Words("the file is empty"), Words("see the README for an example"))])
    language = sniff_language(source)
    try:
        document = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise ProgrammeError([syntax_problem(path, error, source)], language=language) from None
    except RecursionError:
        raise ProgrammeError([Problem(path, None, Words("TOML nested too deeply to be a programme"),
                                      Words("a programme's lists and tables are at most a few levels deep"))],
                             language=language) from None
    except ValueError as error:  # an integer of thousands of digits: Python refuses to convert it
        # (Python's reason is English: a translation may leave {detail} out)
        raise ProgrammeError([Problem(path, None, Words("TOML value out of range: {detail}", detail=str(error)[:80]),
                                      Words("numbers in a programme are durations and counts"))],
                             language=language) from None
    try:
        return validate_programme(document, path, index_lines(source), digest)
    except ProgrammeError as error:
        if error.language is None:  # [session] unread ([[session]], say): what the text declares
            error.language = language
        raise

