"""Stage 3½, genre: what a document is, which decides what may be read from it.

The FORMAT kind (``ke_hoach``, ``quyet_dinh`` …) says what the document calls itself; the genre
says what it does. Only a plan gives tasks: a kế hoạch, a chương trình, or a decision that issues
one. Standing rules (laws, decrees, circulars, a decision that issues a Quy chế / Quy định /
Quy trình or publishes administrative procedures) and reference pages (a legal database's Q&A)
report no events, name no partners and commit no money, whatever dates and amounts they print.
"""

from __future__ import annotations

import re

from hoptac.extract.model import DocumentInfo
from hoptac.extract.text import fold_same_length

__all__ = ["GENRES", "genre"]

GENRES = ("plan", "rule", "reference", "letter", "news", "agreement", "report", "decision", "other")

_KIND_GENRE = {
    "ke_hoach": "plan",
    "cong_van": "letter",
    "tin_bai": "news",
    "ban_ghi_nho": "agreement",
    "thoa_thuan": "agreement",
    "bien_ban": "agreement",
    "bao_cao": "report",
    "thong_bao": "letter",
    "quyet_dinh": "decision",
}
# Type codes of statutes: "60/2024/QH15", "72/2015/NĐ-CP", "22/2016/TT-BTTTT", "05/2019/TTLT-…".
# A number with its year ("24/2018/QĐ-UBND", "55/2025/NQ-HĐND") is a legal normative document's.
_RULE_SYMBOL_RE = re.compile(
    r"/(?:qh\d*|nđ-cp|nd-cp|nđ|tt-|ttlt|l-ctn|pl-ubtvqh|ubtvqh)|^\d+/(?:19|20)\d\d/", re.IGNORECASE
)
# The kind word of a statute, printed alone above its title.
_RULE_WORD_RE = re.compile(r"^(?:luat|bo luat|nghi dinh|thong tu(?: lien tich)?|phap lenh|hien phap|van ban hop nhat)$")
_RULE_NUMBER_LINE_RE = re.compile(r"^(?:luat|bo luat|phap lenh)\s+so\b")
# What a decision or resolution issues: standing rules, or a plan.
_ISSUES_RULES_RE = re.compile(
    r"\b(?:ban hanh|sua doi|bo sung|bai bo|quy dinh)\b.{0,60}?\b(?:quy che|quy dinh|quy trinh|dieu le|tieu chuan|"
    r"dinh muc|bang gia|danh muc|he so|muc thu|chinh sach)\b"
    r"|\bcong bo\b.{0,60}?\bthu tuc hanh chinh\b|^(?:quy che|quy dinh|quy trinh)\b"
)
_ISSUES_PLAN_RE = re.compile(
    r"\b(?:ban hanh|phe duyet|trien khai)\b.{0,40}?\b(?:k\w{0,2} hoach|chuong trinh|de an|phuong an)\b"
    r"|^(?:k\w{0,2} hoach|chuong trinh)\b"
)
_PLAN_WORD_RE = re.compile(r"^(?:chuong trinh|k\w{0,2} hoach)\b")


def genre(info: DocumentInfo, head: list[str]) -> str:
    """The genre of a document, from its header (``info``) and its first lines (``head``)."""
    title = fold_same_length(info.title.name) if info.title else ""
    number = info.number.name if info.number else ""
    folded_head = [fold_same_length(line).strip(" |*#") for line in head]
    asks = title.rstrip().endswith("?") or any(x == "noi dung chinh" for x in folded_head)
    if info.kind in ("tin_bai", "khac") and not number and asks:
        return "reference"  # a legal database's question-and-answer page
    if _RULE_SYMBOL_RE.search(number) or any(
        _RULE_WORD_RE.match(x) or _RULE_NUMBER_LINE_RE.match(x) for x in folded_head
    ):
        return "rule"
    if info.kind in ("quyet_dinh", "khac"):
        if _ISSUES_RULES_RE.search(title):
            return "rule"
        if _ISSUES_PLAN_RE.search(title) or re.search(r"/(?:kh|ctr)-", number, re.IGNORECASE):
            return "plan"
        if info.kind == "khac" and any(_PLAN_WORD_RE.match(x) for x in folded_head):
            return "plan"
    return _KIND_GENRE.get(info.kind, "other")
