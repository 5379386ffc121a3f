"""Results of extraction: frozen dataclasses that keep where in the cleaned text they came from.

Every ``span`` is a ``(start, end)`` pair of offsets into ``Extraction.text`` (the cleaned
text), and ``Extraction.text[start:end] == item.source_text`` for every item that has one.
Values (``name``, ``title`` …) are normalised: abbreviations expanded, OCR repaired,
whitespace collapsed, so they need not equal the slice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "FORMAT",
    "Budget",
    "DocumentInfo",
    "Event",
    "Extraction",
    "Named",
    "Party",
    "Period",
    "Reference",
    "Reporting",
    "Span",
    "Task",
    "When",
]

FORMAT = "hoptac-extraction/1"

Span = tuple[int, int]
NO_SPAN: Span = (0, 0)


@dataclass(frozen=True)
class Named:
    """A canonical name found at ``span`` (the printed form may be abbreviated or garbled)."""

    name: str
    span: Span = NO_SPAN


@dataclass(frozen=True)
class DocumentInfo:
    kind: str = "khac"
    number: Named | None = None
    issuer: Named | None = None
    place: Named | None = None
    date: Named | None = None  # ISO date, or YYYY-MM when the day is blank
    title: Named | None = None
    signers: tuple[Named, ...] = ()


@dataclass(frozen=True)
class Party:
    name: str
    country: str  # ISO 3166 alpha-2
    span: Span = NO_SPAN


@dataclass(frozen=True)
class Period:
    start: int
    end: int
    span: Span = NO_SPAN


@dataclass(frozen=True)
class When:
    yearly: bool = False
    ongoing: bool = False
    years: tuple[int, ...] = ()
    from_year: int | None = None
    due: str | None = None  # ISO date, YYYY-MM, YYYY-Qn, or --MM-DD for a yearly deadline

    def is_empty(self) -> bool:
        return self == When()


@dataclass(frozen=True)
class Task:
    ref: str
    title: str
    lead: tuple[Named, ...] = ()
    support: tuple[Named, ...] = ()
    when: When = field(default_factory=When)
    span: Span = NO_SPAN


@dataclass(frozen=True)
class Reporting:
    sources: tuple[Named, ...]
    to: Named
    due: str | None = None
    yearly: bool = False
    span: Span = NO_SPAN


@dataclass(frozen=True)
class Budget:
    amount: int
    currency: str = "VND"
    span: Span = NO_SPAN


@dataclass(frozen=True)
class Reference:
    kind: str
    number: str
    date: str | None = None
    issuer: str | None = None
    span: Span = NO_SPAN


@dataclass(frozen=True)
class Event:
    date: str
    kind: str  # hoi_dam, ky_ket, tham, hoi_nghi, khac
    title: str
    span: Span = NO_SPAN


@dataclass(frozen=True)
class Agreement:
    """An agreement the document is, reports as signed, or carries out: a proposal for the records."""

    kind: str  # thoa_thuan, ban_ghi_nho, bien_ban, y_dinh_thu
    title: str
    parties: tuple[Party, ...] = ()
    signed: str | None = None  # ISO date or YYYY-MM
    period: Period | None = None
    status: str = "signed"  # signed, in_force (a plan carries it out)
    span: Span = NO_SPAN


@dataclass(frozen=True)
class Extraction:
    source: str
    text: str  # the cleaned text every span points into
    document: DocumentInfo
    parties: tuple[Party, ...] = ()
    period: Period | None = None
    tasks: tuple[Task, ...] = ()
    reporting: tuple[Reporting, ...] = ()
    budget: tuple[Budget, ...] = ()
    references: tuple[Reference, ...] = ()
    events: tuple[Event, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    # Words repaired from OCR damage: (start, end) in ``text`` and the word as printed.
    repairs: tuple[tuple[int, int, str], ...] = ()
    # Words OCR read with a low confidence: (start, end) in ``text`` and Tesseract's confidence (0–100).
    uncertain: tuple[tuple[int, int, float], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The ``hoptac-extraction/1`` JSON object, with spans as extra fields."""
        from hoptac.extract.output import to_dict

        return to_dict(self)
