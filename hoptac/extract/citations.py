"""Stage 4, find (references): every document cited by number, with its kind, date and issuer."""

from __future__ import annotations

import re
from functools import cache

from hoptac.extract import vocab
from hoptac.extract.find import find_dates, find_numbers
from hoptac.extract.model import Reference
from hoptac.extract.text import fold_same_length
from hoptac.extract.words import citation_kinds, citation_symbols

__all__ = ["find_references"]


@cache
def _kind_before_re() -> re.Pattern[str]:
    kinds = sorted(citation_kinds(), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(map(re.escape, kinds)) + r")\s*(?:so\s*:?\s*)?$")


_ISSUER_AFTER_RE = re.compile(
    r"^\s*,?\s*(?:cua|do)\s+(.{3,90}?)"
    r"(?=\s+(?:ve|ban hanh|phe duyet|huong dan|thuc hien|trien khai|quy dinh|tai)\b|[,;:(]|\.\s|$)"
)
_ISSUER_BEFORE_RE = re.compile(r"\bcua\s+(.{3,60}?)\s+tai\s*$")


def _kind(folded_before: str, number: str) -> str:
    m = _kind_before_re().search(folded_before)
    if m:
        return citation_kinds()[m[1]]
    for part in re.split(r"[-/]", number):
        if part in citation_symbols():
            return citation_symbols()[part]
    return "Văn bản"


def _issuer(text: str, province: str | None) -> str:
    name = vocab.expand_abbreviations(" ".join(text.split()))
    if province:
        name = re.sub(
            r"^((?:Chủ tịch |Thường trực )?Ủy ban nhân dân tỉnh|(?:Thường trực |Ban Thường vụ )?Tỉnh ủy)$",
            rf"\1 {province}",
            name,
        )
        name = re.sub(r"^(Ban Chấp hành Đảng bộ tỉnh)$", rf"\1 {province}", name)
    return name


def find_references(text: str, *, exclude: set[str], province: str | None, start: int = 0) -> list[Reference]:
    """Every document number cited in ``text[start:]``, once each, with what is printed around it."""
    found: dict[str, Reference] = {}
    order: list[str] = []
    for num in find_numbers(text, 0, start):
        key = re.sub(r"\s+", "", vocab.fold(num.value))
        if key in exclude:
            continue
        s, e = num.span
        before = fold_same_length(text[max(0, s - 40) : s])
        after_text = text[e : e + 140]
        after = fold_same_length(after_text)
        date = None
        dm = re.match(r"^\s*(?:[^\d\s,;.]+\s+){0,2}?,?\s*(?=ngay\s*\d|\d)", after)
        if dm:
            dates = find_dates(after_text[dm.end() : dm.end() + 40])
            window = after[dm.end() : dm.end() + 40]
            if dates and re.fullmatch(r"(?:ngay\s*)?", window[: dates[0].span[0]]) and len(dates[0].value) == 10:
                date = dates[0].value
                after_date = dm.end() + dates[0].span[1]
            else:
                after_date = 0
        else:
            after_date = 0
        issuer = None
        im = _ISSUER_AFTER_RE.match(after[after_date:])
        if im:
            issuer = _issuer(after_text[after_date + im.start(1) : after_date + im.end(1)], province)
        else:
            window = fold_same_length(text[max(0, s - 120) : s])
            bm = _ISSUER_BEFORE_RE.search(window.rsplit(" so", 1)[0].rstrip())
            if bm:
                chunk_start = max(0, s - 120)
                issuer = _issuer(text[chunk_start + bm.start(1) : chunk_start + bm.end(1)], province)
        ref = Reference(kind=_kind(before, num.value), number=num.value, date=date, issuer=issuer, span=num.span)
        if key not in found:
            found[key] = ref
            order.append(key)
        else:
            old = found[key]
            found[key] = Reference(
                kind=old.kind if old.kind != "Văn bản" else ref.kind,
                number=old.number,
                date=old.date or ref.date,
                issuer=old.issuer or ref.issuer,
                span=old.span,
            )
    return [found[k] for k in order]
