"""Stage 4, find (references): every document cited by number, with its kind, date and issuer."""

from __future__ import annotations

import re

from hoptac.extract import vocab
from hoptac.extract.find import find_dates, find_numbers
from hoptac.extract.model import Reference
from hoptac.extract.text import fold_same_length

__all__ = ["find_references"]

KINDS = {
    "nghi dinh": "Nghị định",
    "quyet dinh": "Quyết định",
    "ket luan": "Kết luận",
    "ke hoach": "Kế hoạch",
    "thong tu lien tich": "Thông tư liên tịch",
    "thong tu": "Thông tư",
    "chi thi": "Chỉ thị",
    "nghi quyet": "Nghị quyết",
    "quy che": "Quy chế",
    "quy dinh": "Quy định",
    "cong van": "Công văn",
    "thong bao": "Thông báo",
    "luat": "Luật",
    "huong dan": "Hướng dẫn",
    "chuong trinh": "Chương trình",
    "bao cao": "Báo cáo",
    "to trinh": "Tờ trình",
    "de an": "Đề án",
    "van ban": "Văn bản",
    "phap lenh": "Pháp lệnh",
}
SYMBOLS = {
    "NĐ": "Nghị định",
    "QĐ": "Quyết định",
    "KL": "Kết luận",
    "KH": "Kế hoạch",
    "TT": "Thông tư",
    "CT": "Chỉ thị",
    "NQ": "Nghị quyết",
    "QC": "Quy chế",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "BC": "Báo cáo",
    "CV": "Công văn",
    "QH": "Luật",
    "CTr": "Chương trình",
    "TTr": "Tờ trình",
}
_KIND_BEFORE_RE = re.compile(r"\b(" + "|".join(sorted(KINDS, key=len, reverse=True)) + r")\s*(?:so\s*:?\s*)?$")
_ISSUER_AFTER_RE = re.compile(
    r"^\s*,?\s*(?:cua|do)\s+(.{3,90}?)"
    r"(?=\s+(?:ve|ban hanh|phe duyet|huong dan|thuc hien|trien khai|quy dinh|tai)\b|[,;:(]|\.\s|$)"
)
_ISSUER_BEFORE_RE = re.compile(r"\bcua\s+(.{3,60}?)\s+tai\s*$")


def _kind(folded_before: str, number: str) -> str:
    m = _KIND_BEFORE_RE.search(folded_before)
    if m:
        return KINDS[m[1]]
    for part in re.split(r"[-/]", number):
        if part in SYMBOLS:
            return SYMBOLS[part]
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
        dm = re.match(r"^\s*(?:[^\d\s,;.]+\s+){0,2}?,?\s*(?:ngay\s*)?(?=\d)", after)
        if dm:
            dates = find_dates(after_text[dm.end() : dm.end() + 30])
            if dates and dates[0].span[0] == 0 and len(dates[0].value) == 10:
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
