"""The report as a small document model: what it says, before any format says how.

A report is sections of headings, tables, paragraphs and nested bullet lists that hold
plain text in a few styles. Building lays this out once (``moderator.report.build``); each
renderer (Markdown, HTML, the layout JSON) only walks it, so the formats cannot disagree
about what the report contains.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


class SpanStyle(StrEnum):
    """How a run of text is set; the value is what the layout JSON prints."""

    PLAIN = "plain"
    STRONG = "strong"
    EM = "em"
    QUOTE = "quote"
    """A quotation, its marks already in the text (they differ by language)."""


class Span(NamedTuple):
    """A run of text in one style (a quote's marks are part of its text). A named tuple, not a frozen
    dataclass: a report of 100,000 chat messages makes half a million of them."""

    text: str
    style: SpanStyle = SpanStyle.PLAIN


class Item(NamedTuple):
    spans: tuple[Span, ...]
    children: Bullets | None = None


@dataclass(frozen=True)
class Bullets:
    items: tuple[Item, ...]
    ordered: bool = False
    start: int = 1
    """The first item's number in an ordered list (guiding questions are numbered across rounds)."""


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 3


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Paragraph | Table | Bullets


@dataclass(frozen=True)
class Section:
    id: str
    """Stable across languages: ``session``, ``speakers``, ``summary``, ``discussion``..."""
    heading: str | None
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ReportDocument:
    language: str
    title: str
    sections: tuple[Section, ...]
    footer: str
    paper: str = "a4"
    """``a4``, or ``letter`` for a session held in the US (its zone's country): what a printed
    or PDF copy of the Word file is laid out on where the organizers are."""

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)
