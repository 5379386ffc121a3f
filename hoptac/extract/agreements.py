"""Stage 4, find (agreements and event titles): what the records should propose from a document.

An agreement is proposed when the document is one (a thỏa thuận, bản ghi nhớ, biên bản), when it
reports one signed ("… ký kết Thỏa thuận thiết lập quan hệ huyện hữu nghị …"), or when a plan
carries one out ("Thực hiện Thỏa thuận hợp tác giữa … giai đoạn 2021-2025"). Events get short
titles, the kind and the two sides ("Hội đàm giữa huyện Vị Xuyên và huyện Malypho"), not the
sentence they were read from.
"""

from __future__ import annotations

import re

from hoptac.extract.model import Agreement, DocumentInfo, Event, Party, Period
from hoptac.extract.text import fold_same_length

__all__ = ["find_agreements", "short_event_titles"]

# The signed document's kind word, on folded text, longest first.
_KIND_WORDS = (
    ("bien ban ghi nho", "ban_ghi_nho"),
    ("ban ghi nho", "ban_ghi_nho"),
    ("y dinh thu", "y_dinh_thu"),
    ("thoa thuan", "thoa_thuan"),
    ("bien ban", "bien_ban"),
)
_KIND_RE = re.compile(r"\b(" + "|".join(w for w, _ in _KIND_WORDS) + r")\b")
_DOCUMENT_KINDS = {"thoa_thuan", "ban_ghi_nho", "bien_ban"}
_PERIOD_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-–—]\s*((?:19|20)\d{2})(?!\d)")
_EVENT_LABELS = {"hoi_dam": "Hội đàm", "ky_ket": "Ký kết", "tham": "Thăm và làm việc", "hoi_nghi": "Hội nghị"}
_MAX_TITLE = 160


def _kind_of(folded: str) -> tuple[str, int] | None:
    m = _KIND_RE.search(folded)
    if m is None:
        return None
    return dict(_KIND_WORDS)[m[1]], m.start()


def _cut(text: str, limit: int = _MAX_TITLE, *, comma: bool = False) -> str:
    """``text`` up to the end of its clause, at most ``limit`` characters, never mid-word; in
    sentence case when it was printed in capitals."""
    text = " ".join(text.split())
    if text.isupper():
        text = text[:1] + text[1:].lower()
    m = re.search(r"[.;:]\s|[(\[]" + (r"|,\s" if comma else ""), text)
    if m:
        text = text[: m.start()]
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0]
    return text.strip(" ,-–")


def _sides(parties: tuple[Party, ...]) -> tuple[Party, Party] | None:
    home = next((p for p in parties if p.country == "VN"), None)
    partner = next((p for p in parties if p.country != "VN"), None)
    return (home, partner) if home is not None and partner is not None else None


def find_agreements(
    info: DocumentInfo, parties: tuple[Party, ...], period: Period | None, events: tuple[Event, ...], text: str
) -> list[Agreement]:
    out: list[Agreement] = []
    seen: set[tuple[str, str | None]] = set()

    def add(agreement: Agreement) -> None:
        key = (agreement.kind, agreement.signed)
        if key not in seen and not any(a.kind == agreement.kind and a.signed is None for a in out):
            seen.add(key)
            out.append(agreement)

    title = info.title.name if info.title else ""
    if info.kind in _DOCUMENT_KINDS and parties:
        span = info.title.span if info.title else (0, 0)
        date = info.date.name if info.date else None
        add(Agreement(info.kind, _cut(title) or info.kind, parties, date, period, "signed", span))
    # Signings the document reports.
    for event in events:
        if event.kind != "ky_ket":
            continue
        sentence = text[event.span[0] : event.span[1]]
        found = _kind_of(fold_same_length(sentence))
        if found is None or not parties:
            continue
        kind, at = found
        name = _cut(sentence[at:], comma=True)
        name = name[:1].upper() + name[1:]
        m = _PERIOD_RE.search(sentence)
        signed_period = Period(int(m[1]), int(m[2])) if m and int(m[1]) < int(m[2]) else period
        add(Agreement(kind, name, parties, event.date, signed_period, "signed", event.span))
    # A plan that carries an agreement out.
    if info.kind == "ke_hoach" and title and parties and not out:
        found = _kind_of(fold_same_length(title))
        if found is not None:
            kind, at = found
            name = _cut(title[at:], 300)
            span = info.title.span if info.title else (0, 0)
            add(Agreement(kind, name[:1].upper() + name[1:], parties, None, period, "in_force", span))
    return out


def short_event_titles(events: list[Event], parties: tuple[Party, ...], text: str) -> list[Event]:
    """Each event titled by its kind and the two sides, or by the clause that reports it."""
    sides = _sides(parties)
    out = []
    for e in events:
        sentence = text[e.span[0] : e.span[1]] if e.span[1] > e.span[0] else e.title
        if e.kind == "ky_ket":
            found = _kind_of(fold_same_length(sentence))
            what = _cut(sentence[found[1] :], 80, comma=True) if found else ""
            label = f"Ký kết {what[:1].lower() + what[1:]}" if what else "Ký kết"
        else:
            label = _EVENT_LABELS.get(e.kind, "")
        if sides is not None and label and " giua " not in f" {fold_same_length(label)} ":
            title = f"{label} giữa {sides[0].name} và {sides[1].name}"
        elif label and e.kind == "ky_ket" and label != "Ký kết":
            title = label
        else:
            title = _cut(sentence)
        out.append(Event(e.date, e.kind, title, e.span))
    return out
