"""Stage 5, resolve: put the found pieces together into one ``Extraction``.

Decides which parts of the document each finder reads (tasks only in a plan's content and
implementation sections, events only in narrative text), and gives every agency one name per
document: the fullest form the document prints anywhere (its recipients list included).
"""

from __future__ import annotations

import re
from dataclasses import replace

from hoptac.extract import vocab
from hoptac.extract.agencies import clean_agency_name, group_levels, is_tier_group, parse_agency_list
from hoptac.extract.agreements import find_agreements, short_event_titles
from hoptac.extract.citations import find_references
from hoptac.extract.clean import Cleaned
from hoptac.extract.find import find_money, find_numbers
from hoptac.extract.genre import genre
from hoptac.extract.header import read_header
from hoptac.extract.model import Budget, Extraction, Named, Span, Task
from hoptac.extract.narrative import find_events, find_reporting, headline_events, review_year
from hoptac.extract.parties import find_body_period, find_parties, find_parties_in_body, find_period, most_printed
from hoptac.extract.structure import Layout, leaves, structure
from hoptac.extract.tasks import find_tasks
from hoptac.extract.text import fold_same_length

__all__ = ["resolve"]

# What each genre may give beyond its header and references (the genre gate).
NARRATIVE_GENRES = {"plan", "letter", "news", "agreement", "report", "decision"}
BUDGET_GENRES = {"plan", "letter", "agreement", "report", "decision", "other"}
# Money that is charged, achieved or asked for, not committed: fines, fees, prices, revenue.
_NOT_BUDGET_RE = re.compile(
    r"\b(?:phat|xu phat|le phi|muc thu|muc chi|dinh muc|gia ban|gia tri hang hoa|thu nhap|luong"
    r"|tong thu|thu ngan sach|kien nghi)\b"
)
# A threshold or a rate, not a sum: "có giá trị từ 500 triệu đồng", "40.000 đồng/giờ".
_THRESHOLD_RE = re.compile(r"(?:gia tri|tu|tren|duoi|toi da|toi thieu|khong qua|vuot|den|=)\s*$")
# "1.500.000.000 đồng/năm x 05 năm = 7.500.000.000 đồng": the product is the sum committed.
_PRODUCT_RE = re.compile(r"(?:\bx|×)\s*\d+[^=]{0,20}=\s*$")


def _is_breakdown(text: str, line_start: int) -> bool:
    """Whether the line at ``line_start`` is a bullet of a "Trong đó:" list, the parts of a total."""
    pos = line_start
    for _ in range(12):
        if pos == 0 or text[pos : pos + 1] not in "-+•":
            return False
        prev_start = text.rfind("\n", 0, pos - 1) + 1
        prev = fold_same_length(text[prev_start : pos - 1]).rstrip()
        if prev.endswith("trong do:"):
            return True
        pos = prev_start
    return False


# Documents whose parties may be named anywhere in the body, not only in the title.
BODY_PARTY_KINDS = {"tin_bai", "cong_van", "thong_bao", "bao_cao"}
_YEAR_IN_TITLE_RE = re.compile(r"\bnăm\s+((?:19|20)\d{2})\b(?!\s*[-–])")


def _key(name: str) -> str:
    words = re.sub(r"[^\w\s]", " ", vocab.fold(name)).split()
    return " ".join(w for w in words if w not in ("cac", "cua"))


def _unify(names: list[str]) -> dict[str, str]:
    """Each name → the fullest form printed in the document ("Đại học X" → "Trường Đại học X")."""
    keys = {n: _key(n) for n in names}
    out = {}
    for n in names:
        k = keys[n]
        best = n
        for m in names:
            km = keys[m]
            if len(km) > len(keys[best]) and km.endswith(" " + k) and len(km.split()) - len(k.split()) <= 2:
                head = km[: -len(k)].strip()
                if head + " " in _UNIFY_HEADS:
                    best = m
        out[n] = best
    return out


def _unify_groups(names: list[str], recipients: list[str]) -> dict[str, str]:
    """Groups of committees with the same levels take one printed form, the recipients list's
    first; "cấp xã" takes the document's group of commune-level committees."""
    printed = [n for n in [*recipients, *names] if group_levels(n) is not None and not is_tier_group(n)]
    out: dict[str, str] = {}
    for n in names:
        levels = group_levels(n)
        if levels is None:
            continue
        if is_tier_group(n):
            same = [m for m in printed if (group_levels(m) or frozenset()) <= levels]
        else:
            same = [m for m in printed if group_levels(m) == levels]
        if same:
            out[n] = same[0]
    return out


def _recipient_names(layout: Layout) -> list[str]:
    """Names in the recipients list ("Nơi nhận:") that may be the fullest form of a task's agency
    ("Trường Đại học …" for "Đại học …")."""
    names: list[str] = []
    for line in layout.lines[layout.end : layout.end + 40]:
        text = line.text.strip()
        if text.startswith(("-", "+", "•")):
            for piece in _RECIPIENT_SPLIT_RE.split(text.lstrip("-+• ")):
                cleaned = clean_agency_name(piece.strip(" ."))
                if _key(cleaned).startswith(_RECIPIENT_HEADS):  # spelled out: "UBND xã, phường" counts
                    names.append(cleaned)
                    # "Ủy ban MTTQ Việt Nam tỉnh và các đoàn thể tỉnh": the names in the line
                    names.extend(n.name for n in parse_agency_list(piece, until_verb=False) if n.name != cleaned)
    return names


_RECIPIENT_SPLIT_RE = re.compile(r"[;]|,(?=\s*(?:[Tt]rường|[Hh]ội|[Uu]ỷ|[Ủủ]y|[Bb]an|[Ss]ở)\b)")
_UNIFY_HEADS = ("truong ", "uy ban ", "hoi ", "ban ", "so ")
_RECIPIENT_HEADS = (*_UNIFY_HEADS, "van phong ", "bo ", "cuc ", "trung tam ")


def _rename(names: tuple[Named, ...], mapping: dict[str, str]) -> tuple[Named, ...]:
    return tuple(Named(mapping.get(n.name, n.name), n.span) for n in names)


def _narrative_spans(layout: Layout, kind: str, title_line: int | None) -> list[Span]:
    """Where events can be reported: a plan's preamble; everything but the work items elsewhere."""
    start_line = (title_line + 1) if title_line is not None else 0
    start = layout.lines[start_line].start if start_line < len(layout.lines) else len(layout.text)
    if kind in ("ke_hoach", "quyet_dinh", "khac"):
        end_line = min(layout.first_section, layout.end)
        end = layout.lines[end_line].start if end_line < len(layout.lines) else len(layout.text)
        return [(start, end)] if end > start else []
    # Skip the other-language half of a bilingual document (its dates repeat the Vietnamese ones).
    end = len(layout.text)
    cjk = re.search(r"[\u4e00-\u9fff]{8,}", layout.text[start:])
    if cjk:
        end = start + cjk.start()
    return [(start, end)]


def _reporting_spans(layout: Layout, tasks: list[Task]) -> list[tuple[Span, list[Named]]]:
    spans: list[tuple[Span, list[Named]]] = [((x.start, x.end), []) for x in layout.closing]
    for section in layout.sections:
        if section.kind in ("purpose", "appendix") or section.heading is None:
            continue  # duties are read from the whole body (RULES 6), not from aims or tables
        if section.lines:
            spans.append(((section.lines[0].start, section.lines[-1].end), []))
        for item in leaves(section.items):
            lines = [item.heading, *item.body]
            ref = ".".join([section.roman or "", *item.path]).strip(".")
            task = next((t for t in tasks if t.ref == ref), None)
            spans.append(((lines[0].start, lines[-1].end), list(task.lead) if task else []))
    return spans


def resolve(cleaned: Cleaned, source: str) -> Extraction:
    text = cleaned.text
    layout = structure(text, cleaned.headings, cleaned.scanned)
    header = read_header(layout)
    info = header.info
    kind = info.kind
    title = info.title
    plan_year = None
    if title is not None:
        m = _YEAR_IN_TITLE_RE.search(title.name)
        plan_year = int(m[1]) if m else None
    default_year = plan_year or header.year
    kind_of_text = genre(info, [x.text for x in layout.lines[: (header.title_line or 0) + 12]])

    tasks = find_tasks(layout, default_year) if kind_of_text == "plan" else []
    exclude = {re.sub(r"\s+", "", vocab.fold(info.number.name))} if info.number else set()
    province = header.place if header.level in (None, "tỉnh") else None
    body_start = (
        layout.lines[header.title_line + 1].start
        if header.title_line is not None and header.title_line + 1 < len(layout.lines)
        else 0
    )
    references = find_references(text, exclude=exclude, province=province, start=body_start)

    ref_spans: list[Span] = []
    for r in references:
        s = r.span[0]
        ref_spans.append((s, min(len(text), r.span[1] + 40)))
    # Every mention of a cited number, with the date printed after it (one pass over the text).
    cited = {r.number for r in references}
    for found in find_numbers(text) if cited else []:
        if found.value in cited:
            ref_spans.append((found.span[0], min(len(text), found.span[1] + 40)))
    if info.date:
        ref_spans.append(info.date.span)
    narrative = kind_of_text in NARRATIVE_GENRES
    events = (
        find_events(
            text,
            _narrative_spans(layout, kind, header.title_line),
            year=header.year or plan_year or (review_year(text) if kind == "tin_bai" else None),
            exclude=ref_spans,
            carry=kind == "tin_bai",
        )
        if narrative
        else []
    )
    if kind == "tin_bai" and narrative:
        events += headline_events(title, events)
    reporting = find_reporting(text, _reporting_spans(layout, tasks), year=plan_year) if kind_of_text == "plan" else []

    budget: list[Budget] = []
    seen_amounts: set[int] = set()
    money_end = layout.lines[layout.end].start if layout.end < len(layout.lines) else len(text)
    money = find_money(text, 0, money_end) if kind_of_text in BUDGET_GENRES else []
    for amount, span in money:
        line_start = text.rfind("\n", 0, span[0]) + 1
        before = fold_same_length(text[max(line_start, span[0] - 200) : span[0]])
        if _NOT_BUDGET_RE.search(before) or text[span[1] : span[1] + 1] == "/" or _is_breakdown(text, line_start):
            continue
        if _THRESHOLD_RE.search(before) and not _PRODUCT_RE.search(before):
            continue
        if amount not in seen_amounts:
            seen_amounts.add(amount)
            budget.append(Budget(amount, "VND", span))

    home = None
    if info.issuer is not None:
        m = re.search(r"\b((?:tỉnh|huyện|thành phố|thị xã) .+)$", info.issuer.name)
        home = m[1] if m else None
    parties = find_parties(title, home) if title and narrative else []
    if (
        narrative
        and kind in BODY_PARTY_KINDS
        and not (any(p.country == "VN" for p in parties) and any(p.country != "VN" for p in parties))
    ):
        body_parties = find_parties_in_body(text, 0, money_end)
        if not parties:
            parties = body_parties
        elif body_parties:
            # The title names one side: the body names the other.
            have_vn = any(p.country == "VN" for p in parties)
            parties = [p for p in body_parties if (p.country == "VN") != have_vn][:1] + parties
            if not have_vn:
                parties = parties[:1] + parties[1:]
    parties = most_printed(parties, text)
    period = find_period(title)
    if period is None and kind_of_text == "plan":
        period = find_body_period((x.text, x.start) for x in layout.lines[: layout.end])
    agreements = find_agreements(info, tuple(parties), period, tuple(events), text) if narrative else []
    events = short_event_titles(events, tuple(parties), text)

    # One name per agency per document.
    all_names = [n.name for t in tasks for n in (*t.lead, *t.support)]
    recipients = _recipient_names(layout)
    all_names += [r.to.name for r in reporting] + recipients
    mapping = _unify(list(dict.fromkeys(all_names)))
    mapping.update(_unify_groups(list(dict.fromkeys(all_names)), recipients))
    tasks = [replace(t, lead=_rename(t.lead, mapping), support=_rename(t.support, mapping)) for t in tasks]
    reporting = [
        replace(r, to=Named(mapping.get(r.to.name, r.to.name), r.to.span), sources=_rename(r.sources, mapping))
        for r in reporting
    ]
    return Extraction(
        source=source,
        text=text,
        document=info,
        parties=tuple(parties),
        period=period,
        tasks=tuple(tasks),
        reporting=tuple(reporting),
        budget=tuple(budget),
        references=tuple(references),
        events=tuple(events),
        agreements=tuple(agreements),
        repairs=tuple((r.start, r.end, r.original) for r in cleaned.repairs),
    )
