"""Stage 4, find (what happened and who reports): events and reporting duties."""

from __future__ import annotations

import bisect
import re

from hoptac.extract.agencies import parse_agency_list
from hoptac.extract.find import Found, find_dates
from hoptac.extract.model import Event, Named, Reporting, Span
from hoptac.extract.text import fold_same_length, sentences
from hoptac.extract.words import event_patterns

__all__ = ["find_events", "find_reporting", "headline_events"]

_SIGNED_RE = re.compile(r"\b(?:da|cung|tien hanh)\s+(?:thong qua va\s+)?ky(?: ket)?\b")
_NOT_EVENT_RE = re.compile(r"\bso\s*:?\s*\d|\bky ngay\b")
# A sentence that approves, plans or announces: what it names has not happened.
_NOT_DONE_RE = re.compile(
    r"^\W*(?:\d+\.\s*)?(?:dong y|de nghi|du kien|cho phep|giao)\b"
    r"|\b(?:se|du kien|ke hoach)\s+(?:to chuc|sang|den|tham|ky)"
)


class _Spans:
    """A set of spans asked whether any overlaps a given one, in log time (a long document cites
    thousands of numbers, each mention of which hides the date printed after it)."""

    def __init__(self, spans: list[Span]) -> None:
        ordered = sorted(spans)
        self.starts = [a for a, _b in ordered]
        self.max_end: list[int] = []
        top = -1
        for _a, b in ordered:
            top = max(top, b)
            self.max_end.append(top)

    def overlaps(self, span: Span) -> bool:
        k = bisect.bisect_left(self.starts, span[1])  # spans starting before this one ends
        return k > 0 and self.max_end[k - 1] > span[0]


# "Hội nghị sơ kết 1 năm thực hiện thỏa thuận … (được ký kết ngày 14/05/2018)": the review is held
# that many years after the signing (RULES 8: a year that follows from the text).
_REVIEW_RE = re.compile(r"\b(?:so ket|tong ket)\s+(\d{1,2})\s+nam\s+thuc hien\b")
_SIGNED_ON_RE = re.compile(r"\bky(?: ket)?\s+(?:vao\s+)?ngay\s*\d{1,2}\s*/\s*\d{1,2}\s*/\s*((?:19|20)\d{2})")


# "Kết thúc Hội nghị, lãnh đạo hai tỉnh đã ký kết …": a signing at the event reported before.
_AT_THE_EVENT_RE = re.compile(r"\b(?:ket thuc|ben le|tai|trong)\s+(?:buoi\s+)?(?:hoi nghi|hoi dam|le ky|cuoc hop)\b")


def review_year(text: str) -> int | None:
    """The year of a review ("sơ kết N năm thực hiện") of an agreement whose signing is dated."""
    folded = fold_same_length(text[:20000])
    review = _REVIEW_RE.search(folded)
    signed = _SIGNED_ON_RE.search(folded, review.end()) if review else None
    return int(signed[1]) + int(review[1]) if review and signed else None


def find_events(
    text: str, spans: list[Span], *, year: int | None, exclude: list[Span], carry: bool = False
) -> list[Event]:
    """Events reported as done, in the narrative stretches ``spans``; dates at ``exclude`` are not theirs.

    With ``carry`` (a news item), a signing reported without a date of its own in the sentences
    right after a dated event was held at it ("Hai bên đã ký kết biên bản …").
    """
    events: list[Event] = []
    seen: set[tuple[str, str]] = set()
    excluded = _Spans(exclude)
    for a, b in spans:
        last: tuple[Found, int] | None = None  # the last dated event and its sentence number
        for n, (s, e) in enumerate(sentences(text, a, b)):
            sentence = text[s:e]
            folded = fold_same_length(sentence)
            if _NOT_DONE_RE.search(folded):
                continue
            dates = [d for d in find_dates(sentence, s, default_year=year) if not excluded.overlaps(d.span)]
            if not dates:
                near = last is not None and (n - last[1] <= 2 or bool(_AT_THE_EVENT_RE.search(folded)))
                if carry and last is not None and near and _SIGNED_RE.search(folded):
                    key = (last[0].value, "ky_ket")
                    if key not in seen:
                        seen.add(key)
                        events.append(Event(last[0].value, "ky_ket", " ".join(sentence.split())[:300], (s, e)))
                continue
            bracketed = [(d, text[max(0, d.span[0] - 8) : d.span[0]].rstrip().endswith("(")) for d in dates]
            hits = _head_words(
                [(m.start(), m.end(), kind) for kind, pattern in event_patterns() for m in pattern.finditer(folded)]
            )
            for start_, end_, kind in sorted(hits):
                pos = s + start_
                date = _date_for(pos, s + end_, bracketed, [s + h[0] for h in hits if h[0] != start_])
                if date is None:
                    continue
                key = (date.value, kind)
                # "ký ngày 18/2/1979" in a treaty's name is not an event of this document.
                if key in seen or _NOT_EVENT_RE.search(folded[max(0, start_ - 10) : end_ + 12]):
                    continue
                seen.add(key)
                events.append(Event(date.value, kind, " ".join(sentence.split())[:300], (s, e)))
                if kind != "ky_ket":  # a later signing is held at a meeting, not at another signing
                    last = (date, n)
    return events


def _head_words(hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Event words that name one event together ("Hội nghị gặp gỡ đầu xuân"): the first, the head
    noun, names its kind."""
    out: list[tuple[int, int, str]] = []
    for hit in sorted(hits):
        if out and hit[0] - out[-1][1] <= 1 and hit[2] != out[-1][2]:
            continue
        out.append(hit)
    return out


def headline_events(headline: Named | None, events: list[Event]) -> list[Event]:
    """Events a news headline names without a date of their own, held at the reported event:
    "… hội đàm …, kết hợp tổ chức ký kết biên bản ghi nhớ" dates the signing by the talks."""
    if headline is None or not events:
        return []
    folded = fold_same_length(headline.name)
    have = {e.kind for e in events}
    first = events[0]
    out = []
    for kind, pattern in event_patterns():
        if kind not in have and kind in ("ky_ket", "hoi_dam") and pattern.search(folded):
            out.append(Event(first.date, kind, " ".join(headline.name.split())[:300], headline.span))
            have.add(kind)
    return out


def _date_for(start: int, end: int, dates: list[tuple[Found, bool]], others: list[int]) -> Found | None:
    """The date an event word refers to: a date in brackets right after it ("buổi làm việc …
    (tháng 5 năm 2022)"), else the nearest one; never across another event word."""
    best: tuple[int, Found] | None = None
    for d, bracketed in dates:
        after = d.span[0] >= end
        if bracketed and not after:
            continue  # a bracketed date qualifies what precedes it
        lo, hi = (end, d.span[0]) if after else (d.span[1], start)
        if any(lo <= o < hi for o in others):
            continue
        distance = hi - lo - (1000 if bracketed else 0)
        if hi - lo <= 400 and (best is None or distance < best[0]):
            best = (distance, d)
    return best[1] if best else None


_REPORT_RE = re.compile(r"\bbao cao\b")
_RECIPIENT_RE = re.compile(
    r"\b(?:bao cao|gui(?: ve)?|ve)\s+"
    r"(?=(?:uy ban|ubnd|so|bo|thuong truc|ban|tinh uy|van phong|hdnd|hoi dong|chu tich|cuc)\b)"
)
# Not report duties (RULES 6): reports on a condition ("Trường hợp …", "Khi …", "Nếu …") and
# budget proposals.
_NOT_A_DUTY_RE = re.compile(r"(?:truong hop|khi|neu|trong qua trinh)\b")
_BUDGET_RE = re.compile(r"\b(?:kinh phi|du toan)\b")
# "gửi kết quả rà soát … về Sở X": sending results is reporting them.
_SENDS_RESULTS_RE = re.compile(r"\bgui\b.{0,40}\bket qua\b")
_TIME_LABEL_RE = re.compile(r"(?:thoi gian|thoi han)[a-z ]{0,20}:")
_YEARLY_RE = re.compile(r"\b(?:dinh ky\s+)?h[ae]ng nam\b")
_SO_THAT_RE = re.compile(r"(?<!\w)[đĐ]ể(?!\w)")
_HEAD_OF_RE = re.compile(r"^(?:chu tich|giam doc|bo truong|thu truong)\s+")
_VAGUE_RE = re.compile(r"^(?:cap co tham quyen|cac co quan|co quan|cap tren|cap uy|lanh dao)")
_DUE_RE = re.compile(
    r"(?:tr\w{1,3}c|cham nhat(?:\s+(?:la|vao))?|khong muon hon)\s*"
    r"ngay\s*(\d{1,2})\s*(?:/|\s*thang)\s*(\d{1,2})(?:\s*(?:/|nam)\s*(\d{4}))?"
    r"(?:\s*va\s*(?:ngay\s*)?(\d{1,2})\s*/\s*(\d{1,2}))?(\s*\)?\s*h[ae]ng nam)?"
)


def _due(day: int, month: int, printed_year: str | None, recurring: bool, year: int | None) -> tuple[str | None, bool]:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None, False
    if printed_year:
        return f"{int(printed_year):04d}-{month:02d}-{day:02d}", False
    if recurring or not year:
        return f"--{month:02d}-{day:02d}", True
    return f"{year:04d}-{month:02d}-{day:02d}", False


def find_reporting(
    text: str,
    spans: list[tuple[Span, list[Named]]],
    *,
    year: int | None,
) -> list[Reporting]:
    """Report duties: "… gửi về Sở Ngoại vụ trước ngày 31/10 hằng năm" → (Sở Ngoại vụ, --10-31).

    ``spans`` pairs each stretch of text with the agencies that act in it (the item's lead).
    """
    out: dict[str, Reporting] = {}
    order: list[str] = []
    for (a, b), item_actors in spans:
        spans_of_sentences = list(sentences(text, a, b))
        for k, (s, e) in enumerate(spans_of_sentences):
            folded = fold_same_length(text[s:e])
            if not _REPORT_RE.search(folded) or _NOT_A_DUTY_RE.match(folded.lstrip(" -+•*")):
                continue
            # Clauses: "để" hands the next step to someone else: whoever was sent to reports on.
            # (Read unfolded: folded, "đề xuất" and "đề nghị" would open clauses too.)
            clause_starts = [0] + [m.start() - s for m in _SO_THAT_RE.finditer(text, s, e)]
            sent_to: list[Named] = []
            for m in _RECIPIENT_RE.finditer(folded):
                rest = text[s + m.end() : e]
                if _VAGUE_RE.match(fold_same_length(rest)):
                    continue
                head = _HEAD_OF_RE.match(fold_same_length(rest))
                skip = head.end() if head else 0
                names = parse_agency_list(rest[skip:], s + m.end() + skip)
                if head and names:
                    # "báo cáo Chủ tịch UBND tỉnh": the report goes to the head, named as printed.
                    title = rest[: head.end()].strip()
                    names = [Named(f"{title} {names[0].name}", (s + m.end(), names[0].span[1])), *names[1:]]
                if not names:
                    continue
                clause_start = max(c for c in clause_starts if c <= m.start())
                later = [c for c in clause_starts if c > m.start()]
                clause_end = later[0] if later else len(folded)
                clause = folded[clause_start:clause_end]
                handed_on = clause_start > 0 and bool(sent_to)
                actors = sent_to[-1:] if handed_on else item_actors
                sent_to = names
                if not (_REPORT_RE.search(clause) or _SENDS_RESULTS_RE.search(clause)) or _BUDGET_RE.search(clause):
                    continue
                dues: list[tuple[str | None, bool]] = [(None, False)]
                dm = _DUE_RE.search(clause)
                if dm is None and k + 1 < len(spans_of_sentences) and clause_end == len(folded):
                    # "… báo cáo kết quả gửi Bộ Tài chính. Thời gian hoàn thành: Trước ngày 31/5/2026."
                    ns, ne = spans_of_sentences[k + 1]
                    following = fold_same_length(text[ns:ne]).lstrip(" -+•*")
                    if _TIME_LABEL_RE.match(following):
                        dm, clause = _DUE_RE.search(following), clause + " " + following
                if dm and m.start() - clause_start < clause.find(dm[0]) + 400:
                    recurring = bool(dm[6]) or bool(_YEARLY_RE.search(clause[: dm.start()]))
                    dates = [(int(dm[1]), int(dm[2]))] + ([(int(dm[4]), int(dm[5]))] if dm[4] else [])
                    dues = [_due(day, month, dm[3], recurring, year) for day, month in dates]
                elif _YEARLY_RE.search(clause[: m.start() - clause_start]):
                    dues = [(None, True)]  # "Định kỳ hằng năm, … báo cáo về X": a recurrence, no date
                # A date names only the first recipient of its clause; each printed date is an entry.
                # One entry per reporter and recipient (RULES 6): an undated mention joins the dated one.
                pair = fold_same_length("|".join(x.name for x in actors))
                for i, to in enumerate(names):
                    for n, (due, yearly) in enumerate(dues if i == 0 else [(None, False)]):
                        key = fold_same_length(to.name) + "@" + pair + (f"#{n}" if n else "")
                        entry = Reporting(tuple(actors), to, due, yearly, (s, e))
                        if key not in out:
                            out[key] = entry
                            order.append(key)
                        elif out[key].due is None and entry.due is not None:
                            out[key] = entry
    return [out[k] for k in order]
