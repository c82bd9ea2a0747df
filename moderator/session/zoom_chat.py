"""Read a saved Zoom chat: the audience's messages to everyone, with who wrote them and when.

The audience asks its questions in the Zoom chat, and the rapporteur used to copy them by hand.
Zoom saves the chat as plain text in two shapes, in the client's language:

* the older one-line shape, ``10:02:33 From  Ana Pérez  to  Everyone : text`` (names padded with
  double spaces; continuation lines of a multi-line message simply follow, indented or not);
* the newer shape, a header ``10:02:33 From Ana Pérez to Everyone:`` followed by the body on
  tab-indented lines, where a reply starts with ``Replying to "quoted start..."`` and a
  reaction is a message of its own, ``Reacted to "..." with 👍``.

This module is pure: it takes the text (or the bytes, see ``decode_chat_bytes``) and returns
frozen values. Private messages and reactions never reach ``messages``; they are listed in
``skipped`` with their line, so a person can see what was left out and why. Zoom writes local
clock times without a zone or a date: ``assign_dates`` turns them into UTC instants once the
caller knows the zone and the day.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from moderator.problems import ModeratorError, Words
from moderator.programme.zones import ZoneError, check_zone
from moderator.programme.zones import zone as zone_named

__all__ = [
    "MAX_CHAT_BYTES", "MAX_MESSAGE_CHARS", "ChatFileError", "ChatMessage", "ChatParse", "DatedChatMessage",
    "SkipReason", "SkippedLine", "assign_dates", "chat_fingerprint", "decode_chat_bytes", "parse_zoom_chat",
]

MAX_CHAT_BYTES = 20 * 1024 * 1024
"""A two-hour session's chat is a few hundred kilobytes; anything past 20 MB is not a chat."""
MAX_MESSAGE_CHARS = 20_000
"""Longer message texts are cut (and the cut is reported): no question needs more."""
MAX_NAME_CHARS = 200
"""Zoom display names are short; a longer 'name' means the line is not a header we understand."""
MAX_CONTROL_SHARE = 0.01
"""Above this share of control characters the input is binary, not a chat someone saved."""
ROLLOVER_SECONDS = 12 * 3600
"""A clock that goes back by more than this between two messages has crossed midnight."""


class ChatFileError(ModeratorError):
    """The input cannot be a Zoom chat at all (too big, binary, undecodable): nothing was read."""


class SkipReason(StrEnum):
    """Why a line did not become a message (``TRUNCATED`` keeps the message but cuts its text)."""

    PRIVATE = "private message"
    REACTION = "reaction"
    EMPTY = "empty message"
    UNREADABLE = "unreadable"
    TRUNCATED = "truncated"


@dataclass(frozen=True)
class SkippedLine:
    """One line left out (or one message cut short), with the reason a person can act on."""

    line: int
    reason: SkipReason
    detail: str


@dataclass(frozen=True)
class ChatMessage:
    """A message to everyone, as Zoom saved it: local clock time, display name, text."""

    line: int
    time: time
    sender: str
    to_everyone: bool
    text: str
    reply_to: str | None
    fingerprint: str


@dataclass(frozen=True)
class ChatParse:
    messages: tuple[ChatMessage, ...]
    skipped: tuple[SkippedLine, ...]


@dataclass(frozen=True)
class DatedChatMessage:
    """A message placed on the session's time axis: ``wall`` is an aware UTC datetime."""

    message: ChatMessage
    wall: datetime


# ----------------------------------------------------------------------------- words of each client language

_EVERYONE = frozenset({"everyone", "todos", "todo el mundo", "tout le monde", "all panelists and attendees"})
_PRIVATE_MARKS = frozenset({
    "direct message", "privately", "private",
    "mensaje directo", "en privado", "privado",
    "message direct", "en privé", "message privé", "privé",
})
_TO = r"(?:to|a|à)"
_QUOTE_OPEN = "\"“”«„'‘"
_QUOTE_CLOSE = "\"”“»'’"

_HEADER = re.compile(
    r"(?P<h>\d{1,2}):(?P<m>\d{2}):(?P<s>\d{2})(?:\s*(?P<ampm>[ap])\.?\s?m\.?)?\s+(?:from|de)\s+(?P<rest>.*)",
    re.IGNORECASE | re.DOTALL,
)
"""A header starts at column 0 with a clock time and the word for 'From': body lines never do."""
_SENDER_TO_RECIPIENT = re.compile(
    rf"(?P<sender>[^:]{{1,{MAX_NAME_CHARS}}}?)\s+{_TO}\s+(?P<to>[^:]{{0,{MAX_NAME_CHARS}}}?)\s*(?::\s?(?P<text>.*))?",
    re.IGNORECASE | re.DOTALL,
)
_SENDER_ONLY = re.compile(rf"(?P<sender>[^:]{{1,{MAX_NAME_CHARS}}}?)\s*:\s?(?P<text>.*)", re.DOTALL)
"""The oldest clients wrote ``From  Ana : text`` for public messages, naming a recipient only in private."""
_EVERYONE_SUFFIX = re.compile(
    rf"(?P<more>.+?)\s+{_TO}\s+(?P<to>{'|'.join(sorted(_EVERYONE))})", re.IGNORECASE
)
_TRAILING_MARK = re.compile(r"\(\s*(?P<mark>[^()]*?)\s*\)\s*$")
_REPLY = re.compile(r"(?:replying to|respondiendo a|en respuesta a|en réponse à|réponse à)\s*(?P<quote>.*)", re.I)
_REACTION = re.compile(
    r"(?:reacted to|reaccionó a|reacciono a|a réagi à|réagi à)\s*[" + _QUOTE_OPEN + r"]"
    r"|removed an? .{1,40} reaction from\s*[" + _QUOTE_OPEN + r"]",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
"""Control characters (Unicode category Cc) other than the whitespace ones a text file may hold."""
_CLOUD_LINE = re.compile(r"\d{1,2}:\d{2}:\d{2}\t[^\t]{1,200}:\t")
"""The chat Zoom's cloud recordings offer: times relative to the recording, so no clock to place them."""


# ----------------------------------------------------------------------------- input bounds


def decode_chat_bytes(data: bytes) -> str:
    """The text of a chat file's bytes, or ``ChatFileError`` if it is too big or not text.

    Zoom writes UTF-8 (sometimes with a BOM); Windows editors may have re-saved it as UTF-16 or
    in the ANSI code page, which we accept too. The size is checked before anything is decoded.
    """
    if len(data) > MAX_CHAT_BYTES:
        raise ChatFileError(_too_big(len(data)))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    if b"\x00" in data and encodings != ("utf-16",):
        raise ChatFileError("the chat file is not text (it contains NUL bytes); save the chat from Zoom as .txt")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ChatFileError("the chat file is not readable text (neither UTF-8 nor UTF-16 nor Windows-1252)")


def _too_big(size: int) -> Words:
    return Words("the chat file is {size} MB, more than the {limit} MB a Zoom chat can plausibly be; is it the "
                 "right file?", size=f"{size / 1024 / 1024:.1f}", limit=MAX_CHAT_BYTES // 1024 // 1024)


def _check_text(text: str) -> None:
    if len(text) > MAX_CHAT_BYTES or (
        len(text) * 4 > MAX_CHAT_BYTES and len(text.encode("utf-8", "surrogatepass")) > MAX_CHAT_BYTES
    ):
        raise ChatFileError(_too_big(len(text.encode("utf-8", "surrogatepass"))))
    if "\x00" in text:
        raise ChatFileError("the chat file is not text (it contains NUL characters); save the chat from Zoom as .txt")
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) * MAX_CONTROL_SHARE):
        raise ChatFileError("the chat file is not text ({n} control characters); is it the right file?", n=controls)


# ----------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class _Header:
    line: int
    clock: time
    sender: str
    recipient: str
    public: bool
    inline: str | None


@dataclass(frozen=True)
class _Block:
    """A header line and the lines under it, up to the next header."""

    line: int
    header: _Header | None
    problem: str | None
    body: tuple[str, ...]


def parse_zoom_chat(text: str, *, growing: bool = False) -> ChatParse:
    """The messages to everyone in a saved Zoom chat, and every line left out with its reason.

    Never raises anything but ``ChatFileError`` (input too big or not text): a line we cannot
    read is reported in ``skipped``, not fatal. ``growing=True`` is for a file Zoom is still
    writing: a last line without its newline is ignored until it is complete.
    """
    _check_text(text)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if growing:
        text = text[: text.rfind("\n") + 1]
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    messages: list[ChatMessage] = []
    skipped: list[SkippedLine] = []
    for block in _blocks(lines, skipped):
        _read_block(block, messages, skipped)
    skipped.sort(key=lambda s: s.line)
    return ChatParse(messages=tuple(messages), skipped=tuple(skipped))


def _blocks(lines: Sequence[str], skipped: list[SkippedLine]) -> Iterable[_Block]:
    """Group lines under their headers; lines before the first header are reported as orphans."""
    start: int | None = None
    header: _Header | None = None
    problem: str | None = None
    body: list[str] = []
    orphans: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        match = _HEADER.match(line)
        if match is None:
            if start is None:
                if line.strip():
                    orphans.append((number, line))
                elif orphans:
                    skipped.append(_orphan_report(orphans))
                    orphans = []
            else:
                body.append(line)
            continue
        if orphans:
            skipped.append(_orphan_report(orphans))
            orphans = []
        if start is not None:
            yield _Block(start, header, problem, tuple(body))
        start, body = number, []
        header, problem = _read_header(number, match)
    if orphans:
        skipped.append(_orphan_report(orphans))
    if start is not None:
        yield _Block(start, header, problem, tuple(body))


def _orphan_report(orphans: list[tuple[int, str]]) -> SkippedLine:
    first = orphans[0][0]
    count = len(orphans)
    what = "1 line" if count == 1 else f"{count} lines"
    if any(_CLOUD_LINE.match(line) for _, line in orphans):
        return SkippedLine(first, SkipReason.UNREADABLE,
                           f"{what} in the cloud-recording chat format, whose times count from the recording's "
                           "start, not the clock; save the chat from the meeting instead")
    return SkippedLine(first, SkipReason.UNREADABLE, f"{what} outside any message (no 'HH:MM:SS From ...' header)")


def _read_header(number: int, match: re.Match[str]) -> tuple[_Header | None, str | None]:
    clock = _clock(match["h"], match["m"], match["s"], match["ampm"])
    if clock is None:
        return None, f"no such clock time {match['h']}:{match['m']}:{match['s']}"
    rest = match["rest"]
    split = _SENDER_TO_RECIPIENT.fullmatch(rest)
    if split is not None:
        sender, recipient, inline = _collapse(split["sender"]), _collapse(split["to"]), split["text"]
        if not _is_public(recipient):
            refined = _EVERYONE_SUFFIX.fullmatch(recipient)
            if refined is not None:  # a display name containing " to ": "Ana to Ben to Everyone"
                sender = f"{sender} {_connector(split)} {_collapse(refined['more'])}"
                recipient = _collapse(refined["to"])
        if recipient:
            return _Header(number, clock, sender, recipient, _is_public(recipient), inline), None
    alone = _SENDER_ONLY.fullmatch(rest)
    if alone is not None and _collapse(alone["sender"]):
        sender = _collapse(alone["sender"])
        mark = _TRAILING_MARK.search(sender)
        private = mark is not None and mark["mark"].casefold() in _PRIVATE_MARKS
        return _Header(number, clock, sender, "", not private, alone["text"]), None
    return None, "a header whose sender and recipient cannot be told apart"


def _connector(split: re.Match[str]) -> str:
    """The word ('to', 'a', 'à') Zoom put between the sender and the recipient, as written."""
    between = split.string[split.end("sender"): split.start("to")]
    return between.strip()


def _clock(hours: str, minutes: str, seconds: str, ampm: str | None) -> time | None:
    h, m, s = int(hours), int(minutes), int(seconds)
    if ampm is not None:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ampm.lower() == "p" else 0)
    if h > 23 or m > 59 or s > 59:
        return None
    return time(h, m, s)


def _collapse(name: str) -> str:
    """Zoom pads names with double spaces in the older format: one space, trimmed, NFC."""
    return unicodedata.normalize("NFC", " ".join(name.split()))


def _is_public(recipient: str) -> bool:
    return recipient.casefold() in _EVERYONE


def _read_block(block: _Block, messages: list[ChatMessage], skipped: list[SkippedLine]) -> None:
    header = block.header
    if header is None:
        skipped.append(SkippedLine(block.line, SkipReason.UNREADABLE, block.problem or "unreadable header"))
        return
    if len(header.sender) > MAX_NAME_CHARS:
        skipped.append(SkippedLine(block.line, SkipReason.UNREADABLE, "a sender name too long to be a Zoom name"))
        return
    if not header.public:
        to = f" to {header.recipient}" if header.recipient else ""
        skipped.append(SkippedLine(block.line, SkipReason.PRIVATE, f"from {header.sender}{to}"))
        return
    body = _body_lines(header.inline, block.body)
    if body and _REACTION.match(body[0]):
        skipped.append(SkippedLine(block.line, SkipReason.REACTION, f"from {header.sender}: {body[0][:80]}"))
        return
    reply_to: str | None = None
    if body:
        reply = _REPLY.match(body[0])
        if reply is not None and reply["quote"][:1] and reply["quote"][0] in _QUOTE_OPEN:
            reply_to = _unquote(reply["quote"])
            body = _trim_blank(body[1:])
    text = unicodedata.normalize("NFC", "\n".join(body))
    if not text.strip():
        skipped.append(SkippedLine(block.line, SkipReason.EMPTY, f"from {header.sender}, with no text"))
        return
    if len(text) > MAX_MESSAGE_CHARS:
        skipped.append(SkippedLine(block.line, SkipReason.TRUNCATED,
                                   f"from {header.sender}: text cut to {MAX_MESSAGE_CHARS} of {len(text)} characters"))
        text = text[:MAX_MESSAGE_CHARS]
    messages.append(ChatMessage(
        line=block.line, time=header.clock, sender=header.sender, to_everyone=True, text=text,
        reply_to=reply_to, fingerprint=chat_fingerprint(header.clock, header.sender, text),
    ))


def _body_lines(inline: str | None, body: Sequence[str]) -> list[str]:
    """The message's lines without Zoom's indentation, and without blank lines around them."""
    lines = [] if inline is None else [inline.strip()]
    lines.extend(line.strip() for line in body)
    return _trim_blank(lines)


def _trim_blank(lines: Sequence[str]) -> list[str]:
    kept = list(lines)
    while kept and not kept[0]:
        kept.pop(0)
    while kept and not kept[-1]:
        kept.pop()
    return kept


def _unquote(quoted: str) -> str:
    inner = quoted.strip()[1:]
    last = max(inner.rfind(ch) for ch in _QUOTE_CLOSE)
    return unicodedata.normalize("NFC", (inner[:last] if last >= 0 else inner).strip())


def chat_fingerprint(clock: time, sender: str, text: str) -> str:
    """A stable hash of time, sender and text: importing the same chat twice adds nothing.

    Two identical messages by the same person in the same second collapse into one, which is
    what a double-sent message deserves anyway.
    """
    payload = f"{clock:%H:%M:%S}\n{sender}\n{text}".encode("utf-8", "surrogatepass")
    return hashlib.sha256(payload).hexdigest()[:16]


# ----------------------------------------------------------------------------- placing messages in time


def assign_dates(
    messages: Sequence[ChatMessage], session_date: date, zone: str, start_wall_utc: datetime | None = None,
) -> tuple[DatedChatMessage, ...]:
    """Turn Zoom's local clock times into aware UTC datetimes, in the order of the file.

    The first message falls on the day, among the day before, of, and after the anchor, whose
    instant is nearest the anchor: ``start_wall_utc`` (when the session's journal was opened) if
    given, else noon of ``session_date`` in the zone. A clock going back by more than 12 hours
    between two messages has crossed midnight, so the day moves on. In the autumn's repeated
    hour, a clock going back picks the second pass of that hour.
    """
    try:
        tz: tzinfo = zone_named(check_zone(zone))
    except ZoneError as error:
        raise ChatFileError("{error} ({hint})", error=error.words, hint=error.hint) from error
    if not messages:
        return ()
    if start_wall_utc is not None:
        anchor = start_wall_utc if start_wall_utc.tzinfo is not None else start_wall_utc.replace(tzinfo=UTC)
    else:
        anchor = datetime.combine(session_date, time(12), tzinfo=tz)
    anchor_day = anchor.astimezone(tz).date()
    first = messages[0].time
    day = min(
        (anchor_day + timedelta(days=shift) for shift in (-1, 0, 1)),
        key=lambda d: abs((_instant(d, first, tz, fold=0) - anchor).total_seconds()),
    )
    dated: list[DatedChatMessage] = []
    previous: time | None = None
    second_pass = False
    for message in messages:
        clock = message.time
        if previous is not None:
            back = _seconds(previous) - _seconds(clock)
            if back > ROLLOVER_SECONDS:
                day += timedelta(days=1)
                second_pass = False
            elif back > 0:
                second_pass = True
        repeated = _is_repeated(day, clock, tz)
        second_pass = second_pass and repeated
        fold = 1 if second_pass else 0
        dated.append(DatedChatMessage(message, _instant(day, clock, tz, fold)))
        previous = clock
    return tuple(dated)


def _seconds(clock: time) -> int:
    return clock.hour * 3600 + clock.minute * 60 + clock.second


def _instant(day: date, clock: time, tz: tzinfo, fold: int) -> datetime:
    """Local day and clock in ``tz`` as UTC; a time skipped by spring DST lands after the gap."""
    return datetime.combine(day, clock, tzinfo=tz).replace(fold=fold).astimezone(UTC)


def _is_repeated(day: date, clock: time, tz: tzinfo) -> bool:
    """True in the hour the autumn change of clocks runs twice (not in the spring's skipped hour)."""
    local = datetime.combine(day, clock, tzinfo=tz)
    if local.utcoffset() == local.replace(fold=1).utcoffset():
        return False
    return local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == local.replace(tzinfo=None)
