"""Reading saved Zoom chats: both formats, three client languages, and anything else without a traceback.

The sample files in ``tests/data/zoom_chat`` were written for these tests, one per format and
language; the Spanish one is saved with a BOM and CRLF line ends and crosses midnight, like a
21:30 session in Madrid that runs late.
"""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moderator.problems import ModeratorError
from moderator.session.zoom_chat import (
    MAX_CHAT_BYTES,
    MAX_MESSAGE_CHARS,
    ChatFileError,
    ChatMessage,
    ChatParse,
    SkipReason,
    assign_dates,
    chat_fingerprint,
    decode_chat_bytes,
    parse_zoom_chat,
)

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "zoom_chat"
ROOT = Path(__file__).resolve().parents[2]


def sample(name: str) -> ChatParse:
    return parse_zoom_chat(decode_chat_bytes((SAMPLES / name).read_bytes()))


def summary(parse: ChatParse) -> list[tuple[int, str, str, str, str | None]]:
    return [(m.line, f"{m.time:%H:%M:%S}", m.sender, m.text, m.reply_to) for m in parse.messages]


def skipped(parse: ChatParse) -> list[tuple[int, SkipReason]]:
    return [(s.line, s.reason) for s in parse.skipped]


# ----------------------------------------------------------------------------- the sample files


def test_english_one_line_format():
    parse = sample("en_oneline.txt")
    assert summary(parse) == [
        (1, "18:02:11", "Samuel Moderator", "Welcome all! Please write your questions here.", None),
        (2, "18:05:40", "Ana Pérez", "How do municipalities fund the first two years?", None),
        (4, "18:07:15", "François Dubois", "Two questions:\n1. Who owns the platform?\n2. Is it open source?", None),
        (8, "18:12:48", "Leyton O'Brien", "Link to the report: https://example.org/report?a=1&b=2", None),
    ]
    assert skipped(parse) == [(3, SkipReason.PRIVATE), (7, SkipReason.PRIVATE)]
    assert all(m.to_everyone for m in parse.messages)


def test_english_threaded_format_with_reply_and_reactions():
    parse = sample("en_threaded.txt")
    assert summary(parse) == [
        (1, "18:02:11", "Samuel Moderator", "Welcome all! Please write your questions here.", None),
        (3, "18:05:40", "Ana Pérez", "How do municipalities fund the first two years?", None),
        (7, "18:06:30", "Kwame", "In Accra the first year came from a revolving fund.", "How do municipalities fu..."),
        (15, "18:07:15", "François Dubois", "Two questions:\n1. Who owns the platform?\n2. Is it open source?", None),
    ]
    assert skipped(parse) == [(5, SkipReason.PRIVATE), (11, SkipReason.REACTION), (13, SkipReason.REACTION)]


def test_spanish_one_line_format():
    parse = sample("es_oneline.txt")
    assert summary(parse) == [
        (1, "21:31:05", "Samuel DIESIS", "¡Bienvenidas y bienvenidos!", None),
        (2, "21:40:12", "María José Núñez", "¿Cómo se financian las cooperativas de plataforma?", None),
        (5, "21:52:19", "Ángela Ruiz", "Gracias. Una pregunta para Paula:\n¿qué papel tienen los ayuntamientos?", None),
    ]
    assert skipped(parse) == [(3, SkipReason.PRIVATE), (4, SkipReason.PRIVATE)]


def test_spanish_threaded_format_with_bom_and_crlf():
    raw = (SAMPLES / "es_threaded_midnight.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw, "the sample must keep its BOM and CRLF"
    parse = sample("es_threaded_midnight.txt")
    assert summary(parse) == [
        (1, "23:55:02", "Samuel DIESIS", "Quedan cinco minutos: últimas preguntas.", None),
        (3, "23:58:40", "María José Núñez", "¿Qué acciones concretas proponen para 2022?", None),
        (7, "00:01:15", "Paula", "Redes locales de compra pública.\nY formación.", "¿Qué acciones concretas..."),
        (14, "00:02:05", "Camila", "¡Gracias a todas!", None),
    ]
    assert skipped(parse) == [(5, SkipReason.PRIVATE), (12, SkipReason.REACTION)]


def test_french_one_line_format():
    parse = sample("fr_oneline.txt")
    assert summary(parse) == [
        (1, "09:00:31", "Claire Lefèvre", "Bonjour à toutes et à tous !", None),
        (2, "09:04:02", "Jean-Baptiste N'Diaye", "Quel est le rôle des collectivités locales ?", None),
    ]
    assert skipped(parse) == [(3, SkipReason.PRIVATE), (4, SkipReason.PRIVATE)]


def test_french_threaded_format_with_guillemets():
    parse = sample("fr_threaded.txt")
    assert summary(parse) == [
        (1, "09:00:31", "Claire Lefèvre", "Bonjour à toutes et à tous !", None),
        (3, "09:04:02", "Jean-Baptiste N'Diaye", "Quel est le rôle des collectivités locales ?", None),
        (5, "09:06:20", "Awa", "Elles achètent aux coopératives.", "Quel est le rôle des coll..."),
    ]
    assert skipped(parse) == [(9, SkipReason.REACTION), (11, SkipReason.PRIVATE)]


def test_private_messages_say_who_to_but_never_leak_their_text():
    for name in ("en_oneline.txt", "en_threaded.txt", "es_oneline.txt", "fr_threaded.txt"):
        parse = sample(name)
        texts = " ".join(m.text for m in parse.messages)
        assert "audio" not in texts and "son" not in texts.split()
        for skip in parse.skipped:
            if skip.reason is SkipReason.PRIVATE:
                assert skip.detail.startswith("from ") and " to " in skip.detail


# ----------------------------------------------------------------------------- headers, liberally


@pytest.mark.parametrize("header", [
    "10:00:00 From Ana to Everyone:",
    "10:00:00 FROM Ana TO EVERYONE:",
    "10:00:00 from Ana to everyone :",
    "10:00:00 From  Ana  to  Everyone  :",
    "10:00:00\t From  Ana  to  Everyone:",
    "10:00:00 De Ana a Todos:",
    "10:00:00 de Ana a todos :",
    "10:00:00 De Ana à Tout le monde :",
    "10:00:00 De Ana a tout le monde:",
    "10:00:00 From Ana to All Panelists and Attendees:",
    "10:00:00 From Ana to Everyone",
])
def test_public_headers_in_every_spelling(header):
    parse = parse_zoom_chat(f"{header}\n\thello\n")
    assert summary(parse) == [(1, "10:00:00", "Ana", "hello", None)]
    assert parse.skipped == ()


@pytest.mark.parametrize("header", [
    "10:00:00 From Ana to Ben(Direct Message) :",
    "10:00:00 From Ana to Ben (Privately):",
    "10:00:00 De Ana a Ben (Mensaje directo):",
    "10:00:00 De Ana a Ben(En privado) :",
    "10:00:00 De Ana à Ben (Message direct) :",
    "10:00:00 De Ana à Ben (En privé):",
    "10:00:00 From Ana to Ben:",
    "10:00:00 From Ana to Everyone (in Waiting Room):",
    "10:00:00 From Ana to All Panelists:",
])
def test_anything_not_to_everyone_is_left_out(header):
    parse = parse_zoom_chat(f"{header}\n\tsecret\n")
    assert parse.messages == ()
    assert skipped(parse) == [(1, SkipReason.PRIVATE)]
    assert "secret" not in parse.skipped[0].detail


def test_the_header_ends_at_its_own_colon_not_one_in_the_text():
    parse = parse_zoom_chat(
        "10:00:00 From Ana to Ben (Direct Message): please say to Everyone: hi\n"
        "10:00:05 From Ana to Everyone: Ben (Direct Message): is muted\n"
    )
    assert summary(parse) == [(2, "10:00:05", "Ana", "Ben (Direct Message): is muted", None)]
    assert skipped(parse) == [(1, SkipReason.PRIVATE)]


def test_names_with_double_spaces_accents_and_the_word_to():
    decomposed = unicodedata.normalize("NFD", "José  Núñez")
    parse = parse_zoom_chat(
        f"10:00:00 From   {decomposed}   to  Everyone : hola\n"
        "10:00:01 From Ana to Ben to Everyone: a name with 'to' in it\n"
        "10:00:02 From Ana (she/her) to Everyone: pronouns stay\n"
    )
    assert [m.sender for m in parse.messages] == ["José Núñez", "Ana to Ben", "Ana (she/her)"]
    assert parse.messages[0].sender == unicodedata.normalize("NFC", "José Núñez")


def test_twelve_hour_clock_and_the_oldest_format_without_recipient():
    parse = parse_zoom_chat(
        "10:02:33 PM From Ana to Everyone: evening\n"
        "12:00:05 AM From Ana to Everyone: midnight\n"
        "10:03:00 a. m. De Ana a Todos: mañana\n"
        "10:04:00\t From  Kim : the oldest clients named no recipient\n"
        "10:05:00\t From  Kim (Privately) : but marked private ones\n"
    )
    assert [(f"{m.time:%H:%M:%S}", m.text) for m in parse.messages] == [
        ("22:02:33", "evening"), ("00:00:05", "midnight"), ("10:03:00", "mañana"),
        ("10:04:00", "the oldest clients named no recipient"),
    ]
    assert skipped(parse) == [(5, SkipReason.PRIVATE)]


def test_one_line_continuations_indented_or_not_and_blank_lines_inside():
    parse = parse_zoom_chat(
        "10:00:00 From Ana to Everyone : first\n"
        "   second, indented\n"
        "third, not indented\n"
        "\n"
        "fifth after a blank\n"
        "\n"
        "10:01:00 From Ben to Everyone : next\n"
    )
    assert [m.text for m in parse.messages] == ["first\nsecond, indented\nthird, not indented\n\nfifth after a blank",
                                                "next"]


def test_reply_with_spanish_keyword_and_curly_quotes():
    parse = parse_zoom_chat("10:00:00 De Ana a Todos:\n\tRespondiendo a “¿Cómo se fin...”\n\t\n\tCon fondos locales.\n")
    assert summary(parse) == [(1, "10:00:00", "Ana", "Con fondos locales.", "¿Cómo se fin...")]


def test_a_message_that_merely_mentions_replying_is_kept_whole():
    parse = parse_zoom_chat("10:00:00 From Ana to Everyone:\n\tReplying to Ben: I agree\n")
    assert summary(parse) == [(1, "10:00:00", "Ana", "Replying to Ben: I agree", None)]


def test_empty_messages_and_unreadable_headers_are_reported_with_their_lines():
    parse = parse_zoom_chat(
        "Chat of the GSEF workshop\n"
        "saved by Samuel\n"
        "\n"
        "25:61:00 From Ana to Everyone:\n"
        "\tthis body belongs to the unreadable header\n"
        "10:00:00 From Ana to Everyone:\n"
        "10:00:05 From Ben to Everyone:\n"
        "\tfine\n"
    )
    assert summary(parse) == [(7, "10:00:05", "Ben", "fine", None)]
    assert skipped(parse) == [(1, SkipReason.UNREADABLE), (4, SkipReason.UNREADABLE), (6, SkipReason.EMPTY)]
    assert parse.skipped[0].detail.startswith("2 lines outside any message")


def test_the_cloud_recording_format_is_named_when_refused():
    parse = parse_zoom_chat("00:58:04\tAlex:\tDepends on your teaching style.\n00:58:20\tWheezy:\tIndeed.\n")
    assert parse.messages == ()
    assert skipped(parse) == [(1, SkipReason.UNREADABLE)]
    assert "cloud-recording" in parse.skipped[0].detail


def test_line_ends_and_bom_do_not_change_the_result():
    text = (SAMPLES / "en_threaded.txt").read_text(encoding="utf-8")
    expected = parse_zoom_chat(text)
    for variant in (text.replace("\n", "\r\n"), "\ufeff" + text, text.replace("\n", "\r"), text.rstrip("\n")):
        assert parse_zoom_chat(variant) == expected


def test_a_growing_file_ignores_its_unfinished_last_line():
    complete = "10:00:00 From Ana to Everyone: one\n"
    partial = complete + "10:00:09 From Ben to Everyone: half a mess"
    assert [m.text for m in parse_zoom_chat(partial, growing=True).messages] == ["one"]
    assert [m.text for m in parse_zoom_chat(partial).messages] == ["one", "half a mess"]
    assert parse_zoom_chat(partial + "age\n", growing=True).messages[1].text == "half a message"


def test_a_huge_message_is_cut_and_the_cut_reported():
    body = "x" * (MAX_MESSAGE_CHARS + 500)
    parse = parse_zoom_chat(f"10:00:00 From Ana to Everyone:\n\t{body}\n10:00:01 From Ben to Everyone: ok\n")
    assert [len(m.text) for m in parse.messages] == [MAX_MESSAGE_CHARS, 2]
    assert skipped(parse) == [(1, SkipReason.TRUNCATED)]
    assert str(MAX_MESSAGE_CHARS + 500) in parse.skipped[0].detail


def test_a_pathological_long_line_is_read_in_linear_time():
    line = "10:00:00 From " + "a to " * 400_000
    spaces = "10:00:00" + " \t" * 1_000_000 + "x"
    parse = parse_zoom_chat(line + "\n" + "b a " * 400_000 + "\n" + spaces + "\n")
    assert parse.messages == ()
    assert [s.reason for s in parse.skipped] == [SkipReason.UNREADABLE]


# ----------------------------------------------------------------------------- fingerprints


def test_fingerprints_are_stable_across_parses_and_formats():
    one_line, threaded = sample("en_oneline.txt"), sample("en_threaded.txt")
    assert [m.fingerprint for m in one_line.messages] == [m.fingerprint for m in sample("en_oneline.txt").messages]
    by_text = {m.text: m.fingerprint for m in one_line.messages}
    shared = [m for m in threaded.messages if m.text in by_text]
    assert len(shared) == 3
    assert all(by_text[m.text] == m.fingerprint for m in shared)
    assert all(m.fingerprint == chat_fingerprint(m.time, m.sender, m.text) for m in threaded.messages)


def test_fingerprints_tell_time_sender_and_text_apart():
    base = chat_fingerprint(time(10, 0, 0), "Ana", "hello")
    others = {
        chat_fingerprint(time(10, 0, 1), "Ana", "hello"),
        chat_fingerprint(time(10, 0, 0), "Ana Pérez", "hello"),
        chat_fingerprint(time(10, 0, 0), "Ana", "hello!"),
        chat_fingerprint(time(10, 0, 0), "Ana\nhello", ""),
    }
    assert base not in others and len(others) == 4
    every_message = [m for path in sorted(SAMPLES.iterdir()) for m in sample(path.name).messages]
    triples = {(m.time, m.sender, m.text) for m in every_message}
    assert len({m.fingerprint for m in every_message}) == len(triples) > 10


# ----------------------------------------------------------------------------- bounds of the input


def test_bytes_over_the_limit_are_refused_before_decoding():
    with pytest.raises(ChatFileError, match="MB"):
        decode_chat_bytes(b"a" * (MAX_CHAT_BYTES + 1))


def test_text_over_the_limit_is_refused():
    with pytest.raises(ChatFileError, match="MB"):
        parse_zoom_chat("é" * (MAX_CHAT_BYTES // 2 + 1))


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(256)) * 4, b"\x81\x8d\x8f\x90"])
def test_binary_is_refused_with_a_clear_message(data):
    with pytest.raises(ChatFileError, match="not") as caught:
        parse_zoom_chat(decode_chat_bytes(data))
    assert isinstance(caught.value, ModeratorError)


def test_text_full_of_control_characters_is_refused():
    with pytest.raises(ChatFileError, match="control characters"):
        parse_zoom_chat("\x01\x02\x03" * 100)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "cp1252"])
def test_other_encodings_windows_may_have_saved(encoding):
    text = "10:00:00 De José a Todos : ¿Qué tal?\n"
    assert parse_zoom_chat(decode_chat_bytes(text.encode(encoding))) == parse_zoom_chat(text)


# ----------------------------------------------------------------------------- dates and zones


def chat(*rows: str) -> tuple[ChatMessage, ...]:
    """Messages at the given clock times, one line each."""
    return parse_zoom_chat("".join(f"{row} From Ana to Everyone: at {row}\n" for row in rows)).messages


def local(tz: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, *,
          fold: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=ZoneInfo(tz), fold=fold).astimezone(UTC)


def test_a_chat_crossing_midnight_rolls_the_day():
    messages = sample("es_threaded_midnight.txt").messages
    dated = assign_dates(messages, date(2021, 10, 7), "Europe/Madrid")
    assert [d.message for d in dated] == list(messages)
    assert [d.wall for d in dated] == [
        local("Europe/Madrid", 2021, 10, 7, 23, 55, 2), local("Europe/Madrid", 2021, 10, 7, 23, 58, 40),
        local("Europe/Madrid", 2021, 10, 8, 0, 1, 15), local("Europe/Madrid", 2021, 10, 8, 0, 2, 5),
    ]
    assert all(d.wall.tzinfo is UTC for d in dated)


def test_small_steps_back_do_not_roll_the_day():
    dated = assign_dates(chat("10:00:00", "09:59:00", "10:01:00"), date(2021, 10, 8), "Asia/Seoul")
    assert [d.wall.date() for d in dated] == [date(2021, 10, 8)] * 3
    assert dated[1].wall < dated[0].wall


def test_the_journal_start_decides_the_day_over_the_programme_date():
    rehearsal_start = datetime(2024, 5, 2, 21, 50, tzinfo=UTC)  # 23:50 in Madrid
    dated = assign_dates(chat("23:52:00", "00:10:00"), date(2021, 10, 7), "Europe/Madrid", rehearsal_start)
    assert [d.wall for d in dated] == [
        local("Europe/Madrid", 2024, 5, 2, 23, 52), local("Europe/Madrid", 2024, 5, 3, 0, 10),
    ]


def test_a_chat_saved_from_before_midnight_when_the_run_opened_after_it():
    opened = datetime(2024, 5, 2, 22, 5, tzinfo=UTC)  # 00:05 on 3 May in Madrid
    dated = assign_dates(chat("23:58:00", "00:06:00"), date(2024, 5, 3), "Europe/Madrid", opened)
    assert [d.wall for d in dated] == [
        local("Europe/Madrid", 2024, 5, 2, 23, 58), local("Europe/Madrid", 2024, 5, 3, 0, 6),
    ]


def test_the_autumn_repeated_hour_and_the_spring_gap():
    autumn = assign_dates(chat("02:50:00", "02:10:00", "02:20:00", "03:05:00"), date(2021, 10, 31), "Europe/Madrid")
    assert [d.wall for d in autumn] == [
        local("Europe/Madrid", 2021, 10, 31, 2, 50), local("Europe/Madrid", 2021, 10, 31, 2, 10, fold=1),
        local("Europe/Madrid", 2021, 10, 31, 2, 20, fold=1), local("Europe/Madrid", 2021, 10, 31, 3, 5),
    ]
    assert [d.wall for d in autumn] == sorted(d.wall for d in autumn)
    spring = assign_dates(chat("01:59:00", "02:30:00"), date(2021, 3, 28), "Europe/Madrid")
    assert spring[1].wall == datetime(2021, 3, 28, 1, 30, tzinfo=UTC)  # 03:30 CEST: after the gap


def test_fixed_offsets_and_unknown_zones():
    dated = assign_dates(chat("11:05:00"), date(2021, 6, 1), "UTC-3")
    assert dated[0].wall == datetime(2021, 6, 1, 14, 5, tzinfo=UTC)
    with pytest.raises(ChatFileError, match="Europe/Paris"):
        assign_dates(chat("11:05:00"), date(2021, 6, 1), "Europe/Pariss")
    assert assign_dates((), date(2021, 6, 1), "UTC") == ()


# ----------------------------------------------------------------------------- never a traceback

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PIECES = st.sampled_from([
    "10:00:00", "23:59:59", "25:00:00", "1:2:3", "12:00:00 PM", " From ", " De ", " to ", " a ", " à ", " To ",
    "Everyone", "everyone", "Todos", "Tout le monde", ":", " : ", "(Direct Message)", "(Privately)", "(",
    ")", "\t", "\n", "\r\n", "\r", "\ufeff", "Replying to \"", "Respondiendo a «", "Reacted to \"", "\" with 👍",
    "Removed a 👍 reaction from \"", "\"", "”", "»", "Ana  Pérez", "José", "\u2028", "\x0b", "\x00", "é",
])


def check_invariants(text: str) -> None:
    try:
        parse = parse_zoom_chat(text)
    except ChatFileError:
        return
    line_count = text.count("\n") + text.count("\r") + 1
    for message in parse.messages:
        assert message.to_everyone and message.text.strip()
        assert 1 <= message.line <= line_count
        assert len(message.text) <= MAX_MESSAGE_CHARS
        assert message.sender == " ".join(message.sender.split())
        assert message.fingerprint == chat_fingerprint(message.time, message.sender, message.text)
    assert [m.line for m in parse.messages] == sorted({m.line for m in parse.messages})
    assign_dates(parse.messages, date(2021, 10, 8), "Asia/Seoul")


@FUZZ
@given(st.text(max_size=3000))
def test_arbitrary_text_never_raises_anything_but_chat_file_error(text):
    check_invariants(text)


@FUZZ
@given(st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=80).map("".join))
def test_chat_shaped_text_never_raises_anything_but_chat_file_error(text):
    check_invariants(text)


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise_anything_but_chat_file_error(data):
    try:
        text = decode_chat_bytes(data)
    except ChatFileError:
        return
    check_invariants(text)


def test_the_parser_is_pure():
    code = ("import sys, moderator.session.zoom_chat; "
            "assert not {'textual', 'aiohttp'} & set(sys.modules), 'the chat parser imported UI or network code'")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
