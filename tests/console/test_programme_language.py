"""The programme loader speaks the session's language (issue 25, item 5): a Spanish or French
programme with a mistake gets its ``FILE:LINE:`` lines in Spanish or French, from ``check``,
``run`` and ``ics``, through the real command line.

One corpus of broken programmes (one per kind of mistake), each written three times: in
Spanish, in French and in English. The Spanish and French lines keep the ``FILE:LINE[:COL]:``
prefix editors read, say every word in the session's language (no English word of the
catalog's left but the author's own: keys, ids, zone names written in the file) and differ
from the English; the English lines are exactly those of ``tests/golden/programme-problems.en.txt``
(the loader's English as it was before it spoke other languages).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pendulum
import pytest
from conftest import ROOT
from console.test_tui_language import english_words_left

from moderator.cli import main
from moderator.i18n import translator
from moderator.programme import validation
from moderator.programme.model import FLOW_MODES, SEGMENT_KINDS

GOLDEN = ROOT / "tests" / "golden" / "programme-problems.en.txt"

BASES = {
    "es": '''\
[session]
title = "Economía social y ciudades"
date = 2021-10-08
start = "18:00"
timezone = "America/Mexico_City"
also_show = ["Europe/Madrid"]
language = "es"

[moderator]
name = "Ana Pérez"

[[speaker]]
id = "garcia"
name = "Luis García"

[[speaker]]
id = "mendez"
name = "Itzel Méndez"

[[round]]
id = "r1"
title = "Primera ronda"
questions = ["¿Qué aprendimos?"]

[[segment]]
kind = "check"
title = "Prueba de conexión"
duration = "2m"

[[segment]]
kind = "speaker"
speaker = "garcia"
duration = "10m"

[[segment]]
kind = "discussion"
title = "Debate"
round = "r1"
duration = "20m"
''',
    "fr": '''\
[session]
title = "Économie sociale et villes"
date = 2021-10-08
start = "14:00"
timezone = "Europe/Paris"
also_show = ["Africa/Dakar"]
language = "fr"

[moderator]
name = "Claire Dubois"

[[speaker]]
id = "garcia"
name = "Luis García"

[[speaker]]
id = "mendez"
name = "Itzel Méndez"

[[round]]
id = "r1"
title = "Premier tour"
questions = ["Qu'avons-nous appris ?"]

[[segment]]
kind = "check"
title = "Test de connexion"
duration = "2m"

[[segment]]
kind = "speaker"
speaker = "garcia"
duration = "10m"

[[segment]]
kind = "discussion"
title = "Débat"
round = "r1"
duration = "20m"
''',
}

Edit = Callable[[str], str]


def line(key: str, new: str, nth: int = 1) -> Edit:
    """The ``nth`` line ``key = ...`` written ``new`` instead (``""``: removed)."""
    def edit(text: str) -> str:
        lines = text.split("\n")
        found = [n for n, written in enumerate(lines) if re.match(rf"{re.escape(key)}\s*=", written)]
        number = found[nth - 1]
        if new:
            lines[number] = new
        else:
            del lines[number]
        return "\n".join(lines)
    return edit


def after(key: str, extra: str, nth: int = 1) -> Edit:
    """A line ``extra`` written after the ``nth`` line ``key = ...``."""
    def edit(text: str) -> str:
        found = [m for m in re.finditer(rf"^{re.escape(key)}\s*=.*$", text, re.MULTILINE)]
        end = found[nth - 1].end()
        return text[:end] + "\n" + extra + text[end:]
    return edit


def replace(old: str, new: str) -> Edit:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)
    return edit


def append(extra: str) -> Edit:
    return lambda text: text + extra


def both(*edits: Edit) -> Edit:
    def edit(text: str) -> str:
        for one in edits:
            text = one(text)
        return text
    return edit


def before_segments(text: str) -> str:
    return text[: text.index("[[segment]]")]


@dataclass(frozen=True)
class Case:
    name: str
    edit: Edit
    loads: bool = False
    """Only warnings: the programme loads (``run`` would open the console; ``check`` and ``ics`` say them)."""


CASES = [
    # -- keys the format does not know (warnings)
    Case("unknown-key-close", after("duration", 'cue = ["Cambiar de ronda"]', 3), loads=True),
    Case("unknown-key-far", after("also_show", "zzz = 1"), loads=True),
    Case("unknown-table", append('\n[extras]\nnota = "x"\n'), loads=True),
    # -- each reader, given the wrong type
    Case("text-not-a-string", line("title", "title = 5")),
    Case("text-empty", line("name", 'name = " "')),
    Case("text-no-visible-character", line("title", 'title = "\u200b"')),
    Case("list-not-strings", after("also_show", 'messages = ["Vaya terminando", 2]')),
    Case("flag-not-a-boolean", both(after("also_show", 'flow = "breaks"'), after("duration", 'flow = "sí"', 3))),
    Case("zone-not-a-string", line("timezone", "timezone = 5")),
    Case("also-show-not-a-list", line("also_show", "also_show = 3")),
    Case("speaker-not-a-string", line("speaker", "speaker = 3")),
    Case("round-not-a-string", line("round", "round = 3")),
    Case("table-written-twice", replace("[session]", "[[session]]")),
    Case("segment-written-as-table", both(replace("[[segment]]\nkind = \"check\"", "[segment]\nkind = \"check\""),
                                          replace("[[segment]]", "[[x]]"), replace("[[segment]]", "[[x]]"))),
    Case("segments-not-tables", lambda text: before_segments(text).replace("[session]", "segment = 3\n[session]")),
    # -- required keys missing
    Case("missing-title", line("title", "")),
    Case("missing-date", line("date", "")),
    Case("missing-start", line("start", "")),
    Case("missing-timezone", line("timezone", "")),
    Case("missing-moderator", replace("[moderator]", "[moderador]")),
    Case("missing-moderator-name", line("name", 'organization = "Red"')),
    Case("missing-speaker-name", line("name", "", 3)),
    Case("missing-kind", line("kind", "", 3)),
    Case("missing-duration", line("duration", "", 1)),
    Case("missing-segment-title", line("title", "", 4)),
    Case("missing-questions", line("questions", "")),
    Case("empty-questions", line("questions", "questions = []")),
    Case("no-segments", before_segments),
    Case("speaker-segment-without-speaker", line("speaker", "")),
    Case("speaker-segment-with-empty-list", line("speaker", "speakers = []")),
    Case("speaker-and-speakers", after("speaker", 'speakers = ["mendez"]')),
    # -- durations
    Case("duration-words", line("duration", 'duration = "diez minutos"', 2)),
    Case("duration-unknown-unit", line("duration", 'duration = "10 lightyears"', 2)),
    Case("duration-zero", line("duration", 'duration = "0m"', 2)),
    Case("duration-negative", line("duration", 'duration = "-5m"', 2)),
    Case("duration-boolean", line("duration", "duration = true", 2)),
    Case("duration-infinite", line("duration", "duration = inf", 2)),
    Case("duration-too-long", line("duration", 'duration = "100h"', 2)),
    Case("duration-empty", line("duration", 'duration = ""', 2)),
    Case("duration-minutes-past-59", line("duration", 'duration = "1h75"', 2)),
    Case("duration-far-too-long", line("duration", f'duration = "{"9" * 400}.5"', 2)),
    Case("duration-a-list", line("duration", "duration = [10]", 2)),
    Case("duration-bad-clock", line("duration", 'duration = "1:99:00"', 2)),
    Case("warn-after-danger", after("also_show", 'warn = "1m"\ndanger = "2m"'), loads=True),
    # -- clock times and dates
    Case("start-out-of-range", line("start", 'start = "25:00"')),
    Case("start-words", line("start", 'start = "por la tarde"')),
    Case("start-a-date", line("start", "start = 2021-10-08")),
    Case("start-with-offset", line("start", "start = 18:00:00Z")),
    Case("start-a-number", line("start", "start = 18")),
    Case("at-out-of-range", after("duration", 'at = "18:75"', 2)),
    Case("date-words", line("date", 'date = "8 de octubre"')),
    Case("date-with-time", line("date", "date = 2021-10-08T18:00:00")),
    Case("date-out-of-range", line("date", "date = 0021-10-08")),
    Case("start-in-a-clock-change", both(line("date", "date = 2021-03-28"), line("start", 'start = "02:30"'),
                                         line("timezone", 'timezone = "Europe/Madrid"')), loads=True),
    # -- time zones
    Case("zone-close", line("timezone", 'timezone = "Europe/Pariss"')),
    Case("zone-far", line("timezone", 'timezone = "Nowhere/Land"')),
    Case("zone-offset-out-of-range", line("timezone", 'timezone = "UTC+25"')),
    Case("also-show-unknown", line("also_show", 'also_show = ["Asia/Seol"]')),
    Case("speaker-zone-unknown", after("name", 'timezone = "Chile"', 2)),
    # -- ids and references
    Case("duplicate-speaker-id", line("id", 'id = "garcia"', 2)),
    Case("bad-speaker-id", line("id", 'id = "Itzel Méndez"', 2)),
    Case("duplicate-round-id", after("duration", '\n[[round]]\nid = "r1"\nquestions = ["¿Y?"]', 3)),
    Case("unknown-speaker-close", line("speaker", 'speaker = "garcya"')),
    Case("unknown-speaker-far", line("speaker", 'speaker = "zzz"')),
    Case("no-speakers-defined", lambda text: re.sub(r"\[\[speaker\]\]\nid = .*\nname = .*\n\n", "", text)),
    Case("unknown-round", line("round", 'round = "r9"')),
    Case("no-rounds-defined", both(replace("[[round]]", "[[x]]"), line("id", "", 3))),
    # -- kinds, flow, groups, language
    Case("kind-close", line("kind", 'kind = "discusion"', 3)),
    Case("kind-far", line("kind", 'kind = "keynote"', 3)),
    Case("session-flow-unknown", after("also_show", 'flow = "a veces"')),
    Case("segment-flow-ignored", after("duration", "flow = true", 3), loads=True),
    Case("groups-on-a-discussion", after("duration", 'groups = ["Norte", "Sur"]', 3), loads=True),
    # -- TOML syntax (every message tomllib gives that a person can cause)
    Case("syntax-unclosed-string", line("title", 'title = "Economía', 1)),
    Case("syntax-language-unclosed", lambda text: re.sub(r'language = "(\w+)"', r'language = "\1', text)),
    Case("syntax-bare-word", line("name", "name = Ana Pérez")),
    Case("syntax-table-twice", append("\n[session]\n")),
    Case("syntax-array-never-closed", append('cues = ["a",\n')),
    Case("syntax-no-equals", line("title", 'title "Economía"')),
    Case("syntax-table-header", replace("[moderator]", "[moderator")),
    Case("syntax-array-header", replace("[[round]]", "[[round]")),
    Case("syntax-key-twice", after("title", 'title = "Otra vez"')),
    Case("syntax-inline-table-unclosed", after("also_show", 'extra = {a = 1')),
    Case("syntax-bad-date", line("date", "date = 2021-02-30")),
    Case("syntax-bad-escape", line("title", r'title = "a\qb"')),
    Case("syntax-after-statement", line("title", 'title = "a" b')),
    Case("syntax-literal-never-closed", append("notes = '''sin cerrar\n")),
    Case("syntax-basic-never-closed", append('notes = """sin cerrar\n')),
    Case("syntax-statement", append("!\n")),
    Case("syntax-bad-hex", line("title", r'title = "\uZZZZ"')),
    Case("syntax-not-a-scalar", line("title", r'title = "\uD800"')),
    Case("syntax-inline-key-twice", after("also_show", "extra = {a = 1, a = 2}")),
    Case("syntax-redefine", append("\n[a.b]\nx = 1\n[a]\nb.c = 1\n")),
    Case("syntax-control-character", line("title", 'title = "a\x01b"')),
    Case("syntax-nested-too-deeply", after("also_show", "deep = " + "[" * 2000 + "]" * 2000)),
    Case("syntax-number-out-of-range", after("also_show", "big = " + "9" * 5000)),
]


def texts(case: Case, language: str) -> bytes:
    """The case's programme in ``language`` (``en``: the Spanish one declaring English)."""
    base = BASES["es" if language == "en" else language]
    if language == "en":
        base = base.replace('language = "es"', 'language = "en"')
    return case.edit(base).encode("utf-8")


def said(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], list[str]]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err.splitlines()


def problem_lines(case: Case, language: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """What ``check`` says of the case's programme (written in the current folder): its error lines,
    or the warnings under the run sheet of one that loads."""
    path = Path(f"{case.name}.{language}.toml")
    path.write_bytes(texts(case, language))
    status, out, err = said(["check", str(path)], capsys)
    assert status == (0 if case.loads else 2), (out, err)
    return [written for written in (out if case.loads else err) if written.startswith(f"{path}:")]


def known_words(source: str) -> str:
    """The author's own words: what the file says, the key, table, kind and flow names the format
    knows (a hint lists them as written), TOML's ``true`` and ``false``, and the zones' names (a
    hint suggests one)."""
    names = (*validation.SESSION_KEYS, *validation.PERSON_KEYS, *validation.SPEAKER_KEYS,
             *validation.ROUND_KEYS, *validation.SEGMENT_KEYS, *validation.TOP_LEVEL_TABLES,
             *SEGMENT_KINDS, *FLOW_MODES, "true", "false", *pendulum.timezones())
    return source + "\n" + " ".join(names)


def test_the_corpus_is_many_distinct_mistakes() -> None:
    assert len({case.name for case in CASES}) == len(CASES) >= 80
    for language in ("es", "fr"):
        written = [texts(case, language) for case in CASES]
        assert len(set(written)) == len(written), "every case changes the programme its own way"
        assert all(text != BASES[language].encode() for text in written)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_an_english_programme_says_exactly_what_it_said_before(case: Case, in_tmp: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    golden = _golden()
    assert problem_lines(case, "en", capsys) == golden[case.name]


def _golden() -> dict[str, list[str]]:
    cases: dict[str, list[str]] = {}
    for written in GOLDEN.read_text(encoding="utf-8").splitlines():
        if written.startswith("## "):
            cases[written[3:]] = []
        elif written:
            cases[list(cases)[-1]].append(written)
    return cases


def _english_run(case: Case, capsys: pytest.CaptureFixture[str]) -> list[str]:
    return [written.replace(".en.toml:", ".LANG.toml:", 1) for written in problem_lines(case, "en", capsys)]


@pytest.mark.parametrize("language", ["es", "fr"])
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_check_says_every_mistake_in_the_programme_s_language(case: Case, language: str, in_tmp: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    lines = problem_lines(case, language, capsys)
    english = _english_run(case, capsys)
    assert len(lines) == len(english) >= 1
    source = texts(case, language).decode("utf-8")
    for said_line, english_line in zip(lines, english, strict=True):
        prefix = re.match(rf"{re.escape(case.name)}\.{language}\.toml:(\d+:)?(\d+:)? ", said_line)
        assert prefix, said_line
        english_prefix = english_line.replace(".LANG.", f".{language}.", 1)[: prefix.end()]
        assert said_line[: prefix.end()] == english_prefix, "the same FILE:LINE[:COL]: as in English"
        said = said_line[prefix.end():]
        assert said != english_line[prefix.end():], f"said in English: {said_line}"
        assert english_words_left(said, language, known_words(source)) == [], said_line


@pytest.mark.parametrize("language", ["es", "fr"])
@pytest.mark.parametrize("case", [case for case in CASES if not case.loads], ids=lambda case: case.name)
def test_run_refuses_a_broken_programme_in_its_language(case: Case, language: str, in_tmp: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """``run`` stops before the console opens, with the same lines as ``check``."""
    expected = problem_lines(case, language, capsys)
    path = Path(f"{case.name}.{language}.toml")
    status, out, err = said(["run", str(path), "--out", "reports"], capsys)
    assert (status, out, err) == (2, [], expected)
    assert not Path("reports").exists(), "nothing written for a programme that did not load"


@pytest.mark.parametrize("language", ["es", "fr"])
def test_a_file_that_is_not_utf8_is_told_in_the_language_it_declares(language: str, in_tmp: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Saved as Latin-1 by an old editor: no TOML to read, the language is sniffed from the bytes."""
    path = Path(f"latin1.{language}.toml")
    path.write_bytes(BASES[language].encode("latin-1"))
    status, _out, err = said(["check", str(path)], capsys)
    first_accent = next(n for n, written in enumerate(BASES[language].splitlines(), 1)
                        if any(ord(char) > 127 for char in written))
    assert status == 2
    assert len(err) == 1 and err[0].startswith(f"{path}:{first_accent}:")
    assert "UTF-8" in err[0] and english_words_left(err[0], language) == []
    assert err[0] != _english_of(err[0])


def _english_of(line: str) -> str:
    """The line as English would say it (every translated word back to its msgid): a line made
    only of words the catalogs leave alike would come back unchanged."""
    from moderator.i18n import catalog

    for language in ("es", "fr"):
        for key, translated in catalog(language)._catalog.items():  # type: ignore[attr-defined]
            if isinstance(key, str) and key and translated in line:
                line = line.replace(translated, key)
    return line


@pytest.mark.parametrize("language", ["es", "fr"])
@pytest.mark.parametrize("text", [b"", b" \n\t\n"], ids=["empty", "blank"])
def test_an_empty_file_declares_nothing_and_lang_says_it(language: str, text: bytes, in_tmp: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """An empty file has no language: ``check`` says it in English, ``run --lang`` in the one asked."""
    path = Path("programa.toml")
    path.write_bytes(text)
    assert said(["check", str(path)], capsys) == (2, [], [f"{path}: the file is empty (see the README for an example)"])
    status, out, err = said(["run", str(path), "--lang", language, "--out", "reports"], capsys)
    assert (status, out, len(err)) == (2, [], 1)
    assert err[0].startswith(f"{path}: ") and english_words_left(err[0], language, "README") == []
    assert "README" in err[0] and "empty" not in err[0]


def test_lang_on_run_wins_over_the_programme_s_language(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A French moderator running a Spanish programme reads its mistakes in French."""
    case = next(case for case in CASES if case.name == "unknown-speaker-close")
    path = Path("espagnol.toml")
    path.write_bytes(texts(case, "es"))
    status, _out, err = said(["run", str(path), "--lang", "fr", "--out", "reports"], capsys)
    assert status == 2
    assert err == [f"{path}:32: [[segment]] #2 : aucun [[speaker]] n'a l'id 'garcya' "
                   "(vouliez-vous dire 'garcia' ? id connus : garcia, mendez)"]
    syntax = Path("syntaxe.toml")
    syntax.write_bytes(next(case for case in CASES if case.name == "syntax-language-unclosed").edit(BASES["es"])
                       .encode())
    assert said(["run", str(syntax), "--lang", "fr", "--out", "reports"], capsys)[2] == [
        f"{syntax}:7:15: syntaxe TOML : caractère interdit '\\n' "
        "(vérifiez les guillemets, les crochets et le '=' de cette ligne)"]


def test_a_missing_file_is_said_in_the_language_asked(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No file, no language declared: English, or ``run --lang``'s."""
    assert said(["check", "nowhere.toml"], capsys)[2] == ["nowhere.toml: no such file (check the path)"]
    assert said(["run", "nowhere.toml", "--lang", "es", "--out", "reports"], capsys)[2] == [
        "nowhere.toml: no existe ese archivo (revise la ruta)"]
    assert said(["run", ".", "--lang", "fr", "--out", "reports"], capsys)[2] == [
        ".: est un dossier, pas un fichier de programme"]


@pytest.mark.parametrize("language", ["es", "fr"])
def test_ics_says_a_programme_s_warnings_in_its_language(language: str, in_tmp: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    case = next(case for case in CASES if case.name == "unknown-key-close")
    path = Path(f"ics.{language}.toml")
    path.write_bytes(texts(case, language))
    status, _out, err = said(["ics", str(path), "-o", "session.ics"], capsys)
    assert status == 0 and Path("session.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    warned = [written for written in err if written.startswith(f"{path}:40: ")]
    assert len(warned) == 1, err
    assert "'cue'" in warned[0] and english_words_left(warned[0], language, known_words(path.read_text())) == []
    assert warned[0].startswith(f"{path}:40: {translator(language)('warning:')} ")


def test_an_english_programme_s_ics_warnings_are_as_before(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = next(case for case in CASES if case.name == "unknown-key-close")
    path = Path(f"{case.name}.en.toml")
    path.write_bytes(texts(case, "en"))
    _status, _out, err = said(["ics", str(path), "-o", "session.ics"], capsys)
    assert err[:1] == _golden()[case.name][:1]


@pytest.mark.parametrize("language", ["es", "fr"])
def test_report_with_a_broken_programme_says_it_in_its_language(language: str, in_tmp: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """``report --programme FILE`` loads the programme as ``check`` does: the same lines."""
    from unit.test_report_golden import SCENARIOS

    from moderator.session.journal import Journal

    journal_path = Path("live.journal.jsonl")
    journal = Journal(journal_path)
    SCENARIOS["es"].run(journal=journal)
    journal.close()
    case = next(case for case in CASES if case.name == "duration-unknown-unit")
    expected = problem_lines(case, language, capsys)
    status, out, err = said(["report", str(journal_path), "--programme", f"{case.name}.{language}.toml"], capsys)
    assert (status, out, err) == (2, [], expected)


def test_a_programme_that_may_not_be_read_is_said_in_the_language_asked(
        in_tmp: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """(Root reads every file: the refusal comes from the system call, as it would for a person.)"""
    from moderator.programme import loading

    def refuse(path: object, limit: int) -> bytes:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(loading, "read_bounded", refuse)
    assert said(["check", "locked.toml"], capsys)[2] == ["locked.toml: cannot read: Permission denied"]
    assert said(["run", "locked.toml", "--lang", "es", "--out", "reports"], capsys)[2] == [
        "locked.toml: no se puede leer: permiso denegado"]


def test_why_a_file_cannot_be_read_is_said_in_the_language_asked(in_tmp: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """``files.read_bounded``'s refusals (a device, a file too big for a programme) in Spanish, the
    English as it was."""
    from moderator.files import PROGRAMME_LIMIT

    huge = Path("huge.toml")
    with huge.open("wb") as handle:
        handle.truncate(PROGRAMME_LIMIT + 1)  # sparse: nothing written
    for path, english, spanish in (
        ("/dev/zero", "/dev/zero: cannot read: not a regular file (a pipe, a device or a socket); only files are read",
         "/dev/zero: no se puede leer: no es un archivo normal (una tubería, un dispositivo o un socket); solo se "
         "leen archivos"),
        ("huge.toml", "huge.toml: cannot read: larger than 4 MB, the most a file of its kind can be",
         "huge.toml: no se puede leer: más de 4 MB, lo máximo que puede ocupar un archivo de este tipo"),
    ):
        assert said(["check", path], capsys)[2] == [english]
        assert said(["run", path, "--lang", "es", "--out", "reports"], capsys)[2] == [spanish]
