"""User text made safe to show: the one place control characters are neutralised.

Programme strings, notes, names and chat messages come from people and files we do not
control. Shown raw, an escape sequence in a title could retitle the terminal or clear the
screen, and a ``[bold]`` in a note would be read as Rich markup. Every face (console,
``check``, ``timing``, ``ics``, error lines) passes user text through ``visible`` before it
reaches a terminal, and builds ``rich.text.Text`` from it (never markup strings).
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _picture(match: re.Match[str]) -> str:
    """C0 controls as their Unicode control pictures (␛ for ESC), others as ``\\x..``/``\\u....``."""
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def json_safe(document: str) -> str:
    """A JSON document whose strings hold no character a terminal would act on.

    ``json.dumps`` escapes C0 controls itself; C1 controls, line separators and bidi overrides
    it leaves raw (with ``ensure_ascii=False``). They can only be inside strings, so writing
    them as ``\\uXXXX`` keeps the document valid and its values exactly the same.
    """
    return _CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", document)


def visible_lines(document: str, line_break: str = "\n") -> str:
    """A whole document (Markdown, HTML, iCalendar with ``\\r\\n``) with its lines kept and every
    other control character made visible."""
    return line_break.join(visible(line) for line in document.split(line_break))


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every control character shown as a visible symbol instead of acting.

    Tabs become a space. With ``keep_newlines`` a line break stays a line break (notes pasted
    on several lines); otherwise it shows as ␊, so a one-line field stays on one line.
    """
    text = text.replace("\t", " ").replace("\r\n", "\n")
    if keep_newlines:
        return _CONTROL.sub(_picture, text)
    return _CONTROL_OR_NEWLINE.sub(_picture, text)
