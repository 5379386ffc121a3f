"""Stage 4, find (tasks): the numbered work items of a plan, and task tables.

Each leaf item of a content or implementation section is a task. Its lead and supporting
agencies come from "Cơ quan chủ trì / phối hợp" label lines when it has them, otherwise from
the text: an agency-name heading ("3. Sở Ngoại vụ"), "X chủ trì, phối hợp với Y", the subject
of its first sentence, or the agencies that open its bullets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hoptac.extract import vocab
from hoptac.extract.agencies import clean_agency_name, grammar, is_catchall, parse_agency_list, starts_with_agency
from hoptac.extract.find import parse_when
from hoptac.extract.model import Named, Task, When
from hoptac.extract.structure import Item, Layout, Line, Section, Table, leaves
from hoptac.extract.text import fold_same_length, roman, roman_value

__all__ = ["find_tasks"]

# "Thời gian (thực hiện / hoàn thành):", "Tiến độ:", "Cơ quan (, đơn vị) chủ trì (thực hiện):",
# "Đơn vị thực hiện:", "Cơ quan phối hợp:", "Kinh phí:" — a short label, then its value.
_LABEL_RE = re.compile(
    r"^(?:[a-zđ]\)\s*)?[-+•*]?\s*((?:thoi gian|tien do|thoi han)[a-z ]{0,20}|(?:(?:co quan|don vi)[a-z ,/]{0,20}?)?"
    r"(?:chu tri|phoi hop|thuc hien)[a-z ()]{0,24}|kinh phi[a-z ]{0,15})\s*:\s*"
)
_SCHEDULE_RE = re.compile(r"^[-+•]?\s*nam\s+((?:19|20)\d{2})\s*:")
# "phối hợp với Y", and "phối hợp Y" without "với" (RULES 4).
_SUPPORT_RE = re.compile(r"\bph[a-z0-9]{0,3}\s+h[o0][a-z]?p\s+(?:chat che\s+|tich cuc\s+)?(?:v\S{1,3}(?=\s)|(?=\S))")
_LEAD_RE = re.compile(r"\bch[uiy]\s+tri\b")
_REQUEST_WORD_RE = re.compile(r"de nghi|giao|yeu cau")
_REQUEST_RE = re.compile(r"^\s*(?:de nghi|giao|yeu cau)\s*:?\s+")
# "Căn cứ nội dung Kế hoạch …, các sở … có trách nhiệm": the subject follows the clause.
_BASIS_RE = re.compile(r"^[\s\-+•*]*(?:can cu|tren co so)\b")
_MAX_OPENING = 240
# "Hằng năm, …", "Định kỳ hằng năm …", "Thường xuyên …" open the item's text (RULES 5).
_YEARLY_START_RE = re.compile(r"^\W*(?:dinh ky\s+)?h[ae]ng nam\b")
_ONGOING_START_RE = re.compile(r"^\W*(?:thuong xuyen|lien tuc)\b")
_INLINE_TIME_RE = re.compile(r"\bthoi gian(?: thuc hien| hoan thanh)?\b[^.;]*")


@dataclass
class _Labels:
    lead: list[Named]
    support: list[Named]
    when_text: str | None


def _item_lines(item: Item) -> list[Line]:
    return [item.heading, *item.body]


_CLAUSE_END_RE = re.compile(r";|\.(?=\s|$)")


def _label_agencies(text: str, value_at: int, line_start: int) -> list[Named]:
    """The agencies of a "Cơ quan thực hiện:" value. It is usually a list; when it is prose
    ("Sở Nội vụ chủ trì tham mưu …; Sở Tư pháp và … chủ động triển khai …") each clause names its
    agencies before its verb."""
    out: list[Named] = []
    pos = value_at
    for m in [*_CLAUSE_END_RE.finditer(text, value_at), None]:
        end = m.start() if m else len(text)
        out.extend(parse_agency_list(text[pos:end], line_start + pos, until_verb=True))
        pos = m.end() if m else end
    return out


def _union(whens: list[When]) -> When:
    """The times of an item's several time lines ("Thời gian thực hiện: Từ tháng 11/2025 …" then
    "Thời gian hoàn thành: Trước ngày 15/4/2026"): the first start and the first deadline printed."""
    return When(
        yearly=any(w.yearly for w in whens),
        ongoing=any(w.ongoing for w in whens),
        years=tuple(sorted({y for w in whens for y in w.years})),
        from_year=next((w.from_year for w in whens if w.from_year), None),
        due=next((w.due for w in whens if w.due), None),
    )


def _read_labels(item: Item) -> _Labels:
    lead: list[Named] = []
    support: list[Named] = []
    when_parts: list[str] = []
    in_time = False
    for line in _item_lines(item):
        text = line.text
        offset = item.marker_end - line.start if line is item.heading else 0
        folded = fold_same_length(text[offset : offset + 60])  # labels open the line
        m = _LABEL_RE.match(folded)
        if m:
            label = m[1]
            value_at = offset + m.end()
            value = text[value_at:].strip(" *_")
            in_time = False
            if label.startswith(("thoi gian", "tien do", "thoi han")):
                when_parts.append(value)
                in_time = True
            elif "phoi hop" in label:
                support.extend(_label_agencies(text, value_at, line.start))
            elif "chu tri" in label or "thuc hien" in label:
                lead.extend(_label_agencies(text, value_at, line.start))
            continue
        if in_time:
            sm = _SCHEDULE_RE.match(folded)
            if sm:
                when_parts.append(f"Năm {sm[1]}")
                continue
            in_time = False
    return _Labels(lead, support, "; ".join(when_parts) if when_parts else None)


def _first_sentence(text: str) -> str:
    text = text.strip().lstrip("-+•* ").strip()
    m = re.search(r"\.\.\.|…|[.;](?=\s|$)|:\s*$", text)
    if m:
        text = text[: m.start()]
    return " ".join(text.split()).rstrip(" ,.")


def _colon(text: str, pos: int) -> int:
    """The first ":" from ``pos`` outside parentheses ("(gồm các Sở: …)" is inside), or -1."""
    depth = 0
    for i in range(pos, min(len(text), 400)):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == ":" and depth == 0:
            return i
    return -1


def _split_heading(item: Item) -> tuple[str, int, str]:
    """(part before ":", its offset in the text, the rest) of the item's heading."""
    text = item.heading.text[item.marker_end - item.heading.start :]
    start = item.marker_end
    colon = _colon(text, 0)
    if 0 < colon < 160 and _REQUEST_WORD_RE.fullmatch(fold_same_length(text[:colon]).strip(" *")):
        colon = _colon(text, colon + 1)  # "Đề nghị: Hội Nông dân tỉnh, …": the request opens the head
    if 0 < colon < 160:
        return text[:colon], start, text[colon + 1 :].strip()
    return text, start, ""


def _heading_agencies(item: Item, section_kind: str = "") -> tuple[list[Named], bool, bool]:
    """(agencies, is an agency heading, is a catch-all heading) of an item."""
    head, start, _rest = _split_heading(item)
    folded = fold_same_length(head)
    m = _REQUEST_RE.match(folded)
    if m:
        head, start, folded = head[m.end() :], start + m.end(), folded[m.end() :]
    duty = _DUTY_OF_RE.match(folded)  # "Trách nhiệm của X": X is who the item addresses
    if duty:
        head, start, folded = head[duty.end() :], start + duty.end(), folded[duty.end() :]
    head_clean = head.rstrip(" .:;")
    if not head_clean or len(head_clean) > 200 or re.search(r"\.\s", head_clean):
        return [], False, False
    names = parse_agency_list(head_clean, start)
    if names and _consumes(head_clean, names, start):
        return names, True, False
    made_of = _MADE_OF_RE.search(fold_same_length(head_clean))
    if made_of:  # "Các cơ quan tham mưu … (gồm các Sở: Xây dựng, …)": the bodies named inside
        inner = parse_agency_list(head_clean[made_of.start(1) : made_of.end(1)], start + made_of.start(1))
        if inner:
            return inner, True, False
    if section_kind == "implementation" and _is_addressee_group(item, head_clean, folded):
        return [Named(clean_agency_name(head_clean), (start, start + len(head_clean)))], True, False
    short = len(head_clean.split()) <= 12
    if short and (
        is_catchall(head_clean) or re.match(r"^c\w{0,2}c\s+(?:co quan|don vi|so|nganh|dia phuong)\b", folded)
    ):
        return names, True, not names
    whole = vocab.match_agency(head_clean)
    if whole is not None:
        return [Named(whole.name, (start, start + len(head_clean)))], True, False
    return [], bool(duty), bool(duty)


def _is_addressee_group(item: Item, head: str, folded: str) -> bool:
    """ "4. Các cơ sở nuôi trồng thủy sản:" then its work: a group of actors that leads its item."""
    m = grammar().addressees.match(folded)
    if not m or len(head.split()) > 25 or _ANY_OF_KIND_RE.fullmatch(folded[m.end() : len(head)].strip(" ,.:;")):
        return False  # "Các doanh nghiệp trên địa bàn tỉnh" is every enterprise: a catch-all
    text = item.heading.text[item.marker_end - item.heading.start :].rstrip()
    heading_only = item.emphasised or text.endswith(":") or (text[-1:] not in ".;" and bool(item.body))
    return heading_only and (bool(_split_heading(item)[2]) or bool(item.body))


_ANY_OF_KIND_RE = re.compile(r"|(?:co )?lien quan|khac|tren dia ban.*|cua (?:tinh|thanh pho|huyen|xa).*")
_DUTY_OF_RE = re.compile(r"(?:trach nhiem|nhiem vu)\s+cua\s+")
_MADE_OF_RE = re.compile(r"\((?:gom|bao gom)\s+([^)]*)\)")
_GENERIC_REST_RE = re.compile(r"(?:va |,\s*)?(?:cac )?(?:co quan|don vi|dia phuong|so|ban|nganh|to chuc|ca nhan)[^:]*")


def _consumes(text: str, names: list[Named], start: int) -> bool:
    """Whether the names cover the text up to its end (so it is a heading, not a sentence)."""
    last_end = max(n.span[1] for n in names) - start
    rest = fold_same_length(text[last_end:]).strip(" ,;:.")
    return (
        not rest
        or rest.startswith(("- ", "– ", "("))  # "Sở Tài chính - Cơ quan thường trực Ban Chỉ đạo"
        or bool(_GENERIC_REST_RE.fullmatch(rest))
        or is_catchall(re.sub(r"^(?:va|cung)\s+", "", rest))  # "… và các đoàn thể"
    )


def _after_opening_clause(text: str) -> int:
    """Where the subject starts after an opening "Căn cứ …, " / "Trên cơ sở …, " clause (0 if none)."""
    folded = fold_same_length(text)
    if not _BASIS_RE.match(folded):
        return 0
    for m in re.finditer(r",\s+", folded[:_MAX_OPENING]):
        rest = text[m.end() :]
        if starts_with_agency(rest) or is_catchall(rest.split(",")[0]):
            return m.end()
    return 0


def _subject(text: str, start: int) -> list[Named]:
    """The agencies a sentence opens with ("UBND huyện, thành phố triển khai …")."""
    folded = fold_same_length(text)
    m = _REQUEST_RE.match(folded)
    if m:
        text, start = text[m.end() :], start + m.end()
    skip = _after_opening_clause(text)
    text, start = text[skip:], start + skip
    stripped = text.lstrip(" -+•*")
    start += len(text) - len(stripped)
    if not (starts_with_agency(stripped) or is_catchall(stripped.split(",")[0]) or vocab.match_agency(stripped[:60])):
        return []
    return parse_agency_list(stripped, start)


def _from_text(item: Item, section_kind: str) -> tuple[list[Named], list[Named]]:
    lead: list[Named] = []
    support: list[Named] = []
    # An item headed by an agency's name ("3. Sở Ngoại vụ"), in either task section.
    heading_names, is_heading, _catchall = _heading_agencies(item, section_kind)
    lead.extend(heading_names)
    for line in _item_lines(item):
        offset = item.marker_end - line.start if line is item.heading else 0
        text = line.text[offset:]
        base = line.start + offset
        folded = fold_same_length(text)
        if is_heading and line is item.heading:
            _h, _s, rest = _split_heading(item)
            if not rest:
                continue
            text_off = len(text) - len(rest)
            text, base, folded = rest, base + text_off, folded[text_off:]
        # "X chủ trì, phối hợp với Y": X leads (with no X, the heading's agency does).
        for m in _LEAD_RE.finditer(folded):
            cuts = [folded.rfind(sep, 0, m.start()) for sep in (". ", "; ")]
            sentence_start = max((c + 2 for c in cuts if c >= 0), default=0)
            prefix = text[sentence_start : m.start()]
            if prefix.strip(" ,-+•*"):
                lead.extend(_subject(prefix, base + sentence_start))
        for m in _SUPPORT_RE.finditer(folded):
            support.extend(parse_agency_list(text[m.end() :], base + m.end()))
        # Bullets opened by an agency make it a lead in implementation items.
        if section_kind == "implementation" and line is not item.heading and text.lstrip().startswith(("-", "+", "•")):
            opener = re.split(r"[:]", text, maxsplit=1)[0]
            names = _subject(opener, base)
            if names and not _LEAD_RE.search(fold_same_length(opener)):
                lead.extend(names)
    if not lead and not is_heading:
        # The subject of the item's first sentence ("Các sở …, UBND huyện, thành phố triển khai …").
        first = next((ln for ln in item.body if ln.text.strip()), None)
        candidates = [(item.heading.text[item.marker_end - item.heading.start :], item.marker_end)]
        if first is not None:
            candidates.append((first.text, first.start))
        for text, base in candidates:
            if not _SUPPORT_RE.match(fold_same_length(text.lstrip(" -+"))):
                lead.extend(_subject(text, base))
            if lead:
                break
    return lead, support


def _dedupe(names: list[Named], exclude: set[str] = frozenset()) -> tuple[Named, ...]:  # type: ignore[assignment]
    seen = set(exclude)
    out = []
    for n in names:
        key = _agency_key(n.name)
        if key and key not in seen:
            seen.add(key)
            out.append(n)
    return tuple(out)


def _agency_key(name: str) -> str:
    key = vocab.fold(name)
    key = re.sub(r"[^\w\s]", " ", key)
    words = [w for w in key.split() if w not in ("cac", "cua")]
    while words and words[-1] in ("tinh", "huyen", "xa"):
        words.pop()
    return " ".join(words)


def _opening(item: Item, is_heading: bool) -> str:
    """The words that open the item's work: its first sentence, or after an agency-only heading
    the first work line (RULES 5)."""
    head = item.heading.text[item.marker_end - item.heading.start :]
    if is_heading:
        _h, _s, rest = _split_heading(item)
        first = next((ln.text for ln in item.body if ln.text.strip()), "")
        head = rest or first
    return fold_same_length(head.lstrip(" -+•*"))


def _when_from_text(item: Item, default_year: int | None, is_heading: bool = False) -> When:
    text = " ".join(ln.text for ln in _item_lines(item))
    folded = fold_same_length(text)
    for inline in _INLINE_TIME_RE.finditer(folded):  # the first "thời gian …" that says a time
        w = parse_when(text[inline.start() : inline.end()], default_year=default_year)
        if not w.is_empty():
            return w
    w = parse_when(text, default_year=default_year, years=False)
    opening = _opening(item, is_heading)
    yearly = bool(_YEARLY_START_RE.match(opening)) or (w.yearly and bool(w.due))
    ongoing = bool(_ONGOING_START_RE.match(opening))
    return When(yearly=yearly, ongoing=ongoing, due=w.due)


def _title(item: Item, is_heading: bool) -> str:
    head = item.heading.text[item.marker_end - item.heading.start :]
    if is_heading:
        _h, _s, rest = _split_heading(item)
        if rest:
            return _first_sentence(rest)
        body = [ln.text for ln in item.body if ln.text.strip()]
        first = body[0] if body else ""
        # "Chủ trì, phối hợp với …:" introduces bullets: the sentence runs on into the first one.
        if first.rstrip().endswith(":") and len(body) > 1:
            return first.rstrip() + " " + _first_sentence(body[1])
        return _first_sentence(first)
    body = [ln.text for ln in item.body if ln.text.strip()]
    if not item.emphasised and head.rstrip().endswith(":") and body and body[0].lstrip()[:1] in "-+•":
        # "X thực hiện các nội dung sau:" then bullets: the sentence runs on into the first (RULES 3).
        return " ".join(head.split()).rstrip() + " " + _first_sentence(body[0])
    return _first_sentence(head)


def _task(item: Item, prefix: str, section: Section, default_year: int | None) -> Task:
    labels = _read_labels(item)
    is_heading = _heading_agencies(item, section.kind)[1]
    if labels.lead or labels.support:
        lead, support = labels.lead, labels.support
    else:
        lead, support = _from_text(item, section.kind)
    lead_t = _dedupe(lead)
    support_t = _dedupe(support, {_agency_key(n.name) for n in lead_t})
    if labels.when_text is not None:
        when = _union([parse_when(part, default_year=default_year) for part in labels.when_text.split("; ")])
    else:
        when = _when_from_text(item, default_year, is_heading)
    lines = _item_lines(item)
    if section.arabic and item.path[:1] == (prefix,):
        prefix = ""  # "2.1" under "2. NỘI DUNG" already carries its section
    ref = ".".join([prefix, *item.path]) if prefix else ".".join(item.path)
    return Task(
        ref=ref,
        title=_title(item, is_heading),
        lead=lead_t,
        support=support_t,
        when=when,
        span=(item.heading.start, lines[-1].end),
    )


# Checked in this order, each column taken once: "Thời gian thực hiện" is the timing, so the
# lead column may then be called "Đơn vị thực hiện".
# Checked in this order, each column taken once: "Thời gian thực hiện" is the timing, "Cơ quan chủ
# trì" the lead before any "… thực hiện" column, so "Nội dung thực hiện" stays the title.
_TABLE_COLUMNS = (
    ("stt", re.compile(r"^(?:stt|tt|so tt)$")),
    ("when", re.compile(r"thoi gian|tien do|thoi han")),
    ("support", re.compile(r"phoi hop")),
    ("lead", re.compile(r"chu tri")),
    ("title", re.compile(r"nhiem vu|noi dung|^ten\b|hoat dong|cong viec")),
    ("lead", re.compile(r"thuc hien|trach nhiem")),
)
_GROUP_LABEL_RE = re.compile(r"^(?:[IVX]{1,5}|[A-Z])\.?$")


Cell = tuple[str, tuple[int, int]]


def _cell(row: tuple[Cell, ...], columns: dict[str, int], key: str) -> Cell | None:
    j = columns.get(key)
    return row[j] if j is not None and j < len(row) else None


def _columns(table: Table) -> tuple[int, dict[str, int]] | None:
    """The header row of a task table and the column of each role, from the header's words."""
    for i, row in enumerate(table.rows):
        folded = [fold_same_length(c[0]) for c in row]
        found: dict[str, int] = {}
        for key, pattern in _TABLE_COLUMNS:
            if key in found:
                continue
            for j, cell in enumerate(folded):
                if j not in found.values() and pattern.search(cell):
                    found[key] = j
                    break
        if "title" in found and "lead" in found:
            return i, found
    return None


def _group_of(row: tuple[Cell, ...]) -> str | None:
    """ "I" for a group row ("| I | KIỆN TOÀN … |", or "| I. NÂNG CAO … |" in one cell)."""
    first = row[0][0].strip(" .")
    if _GROUP_LABEL_RE.match(first + "."):
        return first
    m = re.match(r"^([IVX]{1,5})\.\s+\S", row[0][0])
    return m[1] if m and len(row) <= 2 else None


_ROW_NUMBER_RE = re.compile(r"\d{1,3}(?:\.\d{1,3})*")


def _row_groups(
    body: tuple[tuple[Cell, ...], ...], columns: dict[str, int], scanned: bool = False
) -> list[tuple[str | None, str]]:
    """Each row's Roman group and its STT ("" for rows that are not numbered).

    Numbering that restarts with no group row between (a page or rows the source left out) starts
    a group that was not printed: it is the one before the next printed group, or the one after
    the current group when none follows.
    """
    out: list[tuple[str | None, str]] = []
    group: str | None = None
    last: tuple[int, ...] = ()
    hidden: list[int] = []  # rows of the unprinted group, waiting for its numeral
    for i, row in enumerate(body):
        stt = _cell(row, columns, "stt")
        number = stt[0].strip(" .") if stt else ""
        if scanned and number and not _ROW_NUMBER_RE.fullmatch(number) and not _group_of(row):
            number = _scanned_row_number(number, last, row, columns)
        if _ROW_NUMBER_RE.fullmatch(number):
            at = tuple(int(x) for x in number.split("."))
            if hidden or (group is not None and at <= last):
                hidden.append(i)
            last = at
            out.append((group, number))
            continue
        named = _group_of(row)
        if named:
            if hidden:
                _name_hidden(out, hidden, group, roman_value(named))
                hidden = []
            group, last = named, ()
        out.append((group, ""))
    if hidden:
        _name_hidden(out, hidden, group, None)
    return out


def _scanned_row_number(read: str, last: tuple[int, ...], row: tuple[Cell, ...], columns: dict[str, int]) -> str:
    """An STT that OCR garbled ("lì", "S]", "5:", "11 -_"), on a scan: the digits read when they
    are the next number, else the next number when the row has a task ("" when it has none)."""
    title = _cell(row, columns, "title")
    if not last or len(read) > 6 or not title or not title[0]:
        return read
    following = (*last[:-1], last[-1] + 1)
    digits = ".".join(re.findall(r"\d+", read))
    if digits and tuple(int(x) for x in digits.split(".")) == following:
        return digits
    return ".".join(str(x) for x in following) if not re.search(r"[a-zà-ỹđ]{3}", read) else read


def _name_hidden(out: list[tuple[str | None, str]], rows: list[int], before: str | None, after: int | None) -> None:
    current = roman_value(before or "") or 0
    value = after - 1 if after and after - 1 > current else current + 1
    for i in rows:
        out[i] = (roman(value), out[i][1])


def _join_continued(
    rows: tuple[tuple[Cell, ...], ...], columns: dict[str, int], joins: dict[int, tuple[int, int]]
) -> list[tuple[Cell, ...]]:
    """The rows with each row a page break split joined again. The part on the next page has no
    number and every cell of it goes on mid-sentence ("| | hoạch đầu tư công … | các khu công
    nghệ cao | | xuyên |"); a sub-row of its own starts a name ("Sở …"). ``joins`` records, by a
    joined cell's start, the length of its first part and where the second part starts."""
    out: list[tuple[Cell, ...]] = []
    for row in rows:
        stt = _cell(row, columns, "stt")
        firsts = [text.strip()[0] for text, _span in row if text.strip()]  # each filled cell's first character
        continued = (
            out
            and len(row) == len(out[-1])
            and not (stt and stt[0].strip())
            and any(c.isalpha() for c in firsts)
            and all(c.islower() for c in firsts if c.isalpha())
        )
        if not continued:
            out.append(row)
            continue
        cells = []
        for (a, a_span), (b, b_span) in zip(out[-1], row, strict=True):
            if not b.strip():
                cells.append((a, a_span))
            elif not a.strip():
                cells.append((b, b_span))
            else:
                joins[a_span[0]] = (len(a) + 1, b_span[0])
                cells.append((f"{a} {b}", (a_span[0], b_span[1])))
        out[-1] = tuple(cells)
    return out


def _cell_agencies(cell: Cell | None, joins: dict[int, tuple[int, int]]) -> list[Named]:
    """The agencies a cell names, with their spans in the document (a joined cell's second part
    lies elsewhere in it than its joined text says)."""
    if not cell:
        return []
    text, (start, _end) = cell
    if start not in joins:
        return parse_agency_list(text, start, until_verb=False)
    split, second = joins[start]

    def at(offset: int) -> int:
        return start + offset if offset < split else second + offset - split

    return [Named(n.name, (at(n.span[0]), at(max(n.span[1] - 1, n.span[0])) + 1))
            for n in parse_agency_list(text, 0, until_verb=False)]


def _table_tasks(table: Table, prefix: str, default_year: int | None, scanned: bool = False) -> list[Task]:
    found = _columns(table)
    if found is None:
        return []
    header, columns = found
    joins: dict[int, tuple[int, int]] = {}
    body = tuple(_join_continued(table.rows[header + 1 :], columns, joins))
    # Numbering that restarts inside each Roman group makes refs PL.<group>.<row> (RULES 2).
    groups = _row_groups(body, columns, scanned)
    numbers = [(g, n) for g, n in groups if n]
    firsts = [n for g, n in numbers if g is not None]
    restarts = len({g for g, _n in numbers if g}) > 1 and firsts.count("1") > 1
    tasks: list[Task] = []
    for row, (group, numbered) in zip(body, groups, strict=True):
        stt = _cell(row, columns, "stt")
        number = numbered or (stt[0].strip(" .") if stt else "")
        title_cell, lead_cell, support_cell, when_cell = (
            _cell(row, columns, key) for key in ("title", "lead", "support", "when")
        )
        lead = _cell_agencies(lead_cell, joins)
        support = _cell_agencies(support_cell, joins)
        if not _ROW_NUMBER_RE.fullmatch(number):
            if tasks and not number and (lead or support) and not _group_of(row):
                # An unnumbered sub-row shares the STT of the row above: its agencies join that task.
                last = tasks[-1]
                merged_lead = _dedupe([*last.lead, *lead])
                keys = {_agency_key(n.name) for n in merged_lead}
                tasks[-1] = Task(
                    last.ref,
                    last.title,
                    merged_lead,
                    _dedupe([*last.support, *support], keys),
                    last.when,
                    (last.span[0], row[-1][1][1]),
                )
            continue
        if not title_cell or not title_cell[0]:
            continue
        lead_t = _dedupe(lead)
        when = parse_when(when_cell[0], default_year=default_year) if when_cell else When()
        path = f"{group}.{number}" if restarts and group else number
        tasks.append(
            Task(
                ref=f"{prefix}.{path}" if prefix else path,
                title=_first_sentence(title_cell[0]),
                lead=lead_t,
                support=_dedupe(support, {_agency_key(n.name) for n in lead_t}),
                when=when,
                span=(row[0][1][0], row[-1][1][1]),
            )
        )
    return tasks


def _inherit_heading_agency(task: Task, item: Item, parents: dict[int, Item], section: Section) -> Task:
    """A lettered item under an agency-only heading ("1. Sở Khoa học và Công nghệ" / "a) …") is led by
    that agency when it names no lead of its own."""
    parent = parents.get(id(item))
    if task.lead or parent is None or not item.path[-1].isalpha():
        return task
    names, is_heading, _catchall = _heading_agencies(parent, section.kind)
    if not (is_heading and names):
        return task
    lead = _dedupe(list(names))
    keys = {_agency_key(n.name) for n in lead}
    return Task(
        task.ref,
        task.title,
        lead,
        tuple(n for n in task.support if _agency_key(n.name) not in keys),
        task.when,
        task.span,
    )


def _parents(items: list[Item], out: dict[int, Item]) -> dict[int, Item]:
    for item in items:
        for child in item.children:
            out[id(child)] = item
        _parents(item.children, out)
    return out


# Parts of a task section that are not work (RULES 1): "1. Đối tượng thi đua", "3. Thời gian",
# "1. Hiện trạng" inside "II. ĐỐI TƯỢNG, NỘI DUNG THI ĐUA" or a content section.
_ASIDE_RE = re.compile(
    r"(?:doi tuong|thoi gian|pham vi|thanh phan|muc dich|yeu cau|muc tieu|chi tieu|quan diem"
    r"|hien trang|thuc trang|danh gia (?:tinh hinh|thuc trang|ket qua))\b"
)


def _under_aside(item: Item, parents: dict[int, Item]) -> bool:
    node: Item | None = item
    while node is not None:
        head = node.heading.text[node.marker_end - node.heading.start :].strip(" *")
        colon = _colon(head, 0)
        if colon > 0:  # "Thời gian thực hiện: Từ tháng 10/2025 …": the label names the part
            head = head[: colon + 1]
        short = len(head.split()) <= 8 and (node.emphasised or head.endswith(":") or head[-1:] not in ".;")
        if short and _ASIDE_RE.match(fold_same_length(head)):
            return True
        node = parents.get(id(node))
    return False


def find_tasks(layout: Layout, default_year: int | None = None) -> list[Task]:
    tasks: list[Task] = []
    appendices = [s for s in layout.sections if s.kind == "appendix"]
    numbered_appendices = len(appendices) > 1
    for section in layout.sections:
        if section.kind in ("content", "implementation"):
            prefix = section.roman or ""
            parents = _parents(section.items, {})
            for item in leaves(section.items):
                if _under_aside(item, parents):
                    continue
                task = _task(item, prefix, section, default_year)
                tasks.append(_inherit_heading_agency(task, item, parents, section))
        for table in section.tables:
            if section.kind == "appendix":
                n = appendices.index(section) + 1
                prefix = f"PL{n}" if numbered_appendices else "PL"
            else:
                prefix = section.roman or ""
            tasks.extend(_table_tasks(table, prefix, default_year, layout.scanned))
    return tasks
