"""Stage 3, structure: cleaned text → lines, sections, numbered items and tables.

The layout of Nghị định 30/2020/NĐ-CP documents: a header (issuing body, motto, number, place
and date), the kind word and title, a preamble, Roman sections ("II. NỘI DUNG") holding
numbered items ("1.", "1.1.", "a)") with bullets and "Thời gian / Cơ quan chủ trì" label
lines, appendix tables, then the recipients ("Nơi nhận") and the signature block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hoptac.extract.model import Span
from hoptac.extract.repair import is_syllable
from hoptac.extract.text import fold_same_length, is_caps, roman, roman_value

__all__ = ["Item", "Layout", "Line", "Section", "Table", "is_appendix", "structure"]


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the cleaned text. Its text is sliced from the document when asked for, so a
    long document's lines do not hold it a second time."""

    index: int
    start: int
    end: int
    source: str  # the whole cleaned text (shared), or this line's own text when ``start`` is -1

    @property
    def text(self) -> str:
        return self.source if self.start < 0 else self.source[self.start : self.end]

    @property
    def span(self) -> Span:
        return (self.start, self.end)


@dataclass
class Item:
    path: tuple[str, ...]  # ("2", "1") for "2.1.", ("6", "2", "a") for "a)" under 6.2
    heading: Line
    body: list[Line] = field(default_factory=list)
    children: list[Item] = field(default_factory=list)
    marker_end: int = 0  # offset where the text after the numbering starts
    emphasised: bool = False  # printed bold or italic: a heading, its own title


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[tuple[str, Span], ...], ...]
    lines: tuple[Line, ...]


@dataclass
class Section:
    roman: str | None
    heading: Line | None
    kind: str  # purpose, content, implementation, budget, appendix, other
    items: list[Item] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    arabic: bool = False  # numbered "2. NỘI DUNG" instead of "II. NỘI DUNG"


@dataclass
class Layout:
    text: str
    lines: list[Line]
    sections: list[Section]
    body_start: int  # index of the first line after the header and title
    first_section: int  # index of the first section heading (or numbered item)
    end: int  # index of the first line of the closing block (Nơi nhận, signature)
    headings: frozenset[int] = frozenset()  # lines printed as emphasised headings
    closing: list[Line] = field(default_factory=list)  # the plan's closing paragraphs, no item's
    scanned: bool = False  # read by OCR: printed numbers may be garbled


_ROMAN_RE = re.compile(r"^([IVXl1]{1,5})\s*[.)]\s*(\S.{0,150})$")
# OCR's readings of a bold "I.", "II.", "III.": l, L, 1 or | for I, H for II, the dot lost, read as
# a comma or merged into the letter ("lỆ").
# The title may be one word that OCR ran together ("NỘIDUNG").
_OCR_ROMAN_RE = re.compile(r"^([IVXLHl1|]{1,4})(?:[ỆÊỄệêễ]|\s*[.,:;)—–-])?\s+(\S(?:\S+\s+){1,}.{0,150}|\S{5,30})$")
_OCR_NUMERAL = str.maketrans({"l": "I", "L": "I", "1": "I", "|": "I", "H": "II"})  # H: two I run together
# A number without its dot or with a wrong mark ("3,", "2h", "c5": group 1), one letter or mark for the
# digit, the dot alone, or a one- or two-letter token that is no word (group 2: "KÃ").
_OCR_ITEM_RE = re.compile(
    r"^(?:(\d{1,2}[,:;]|\d{1,2}[^\W\d_]|[a-z]\d)|\d{1,2}|[^\s\d+•*-][.,][^\s\w]?|[.,]|([^\W\d_]{1,2}))\s+"
)
_PLAIN_ROMAN_RE = re.compile(r"^[IVX]{1,5}\.\s")
_NUMBER_RE = re.compile(r"^(?:(\d{1,2}(?:\.\d{1,2}){1,3})\.?|(\d{1,2})[.),])\s*(?=\S)")
_LETTER_RE = re.compile(r"^([a-zđ])[)]\s*(?=\S)")
_APPENDIX_RE = re.compile(r"^phu luc\b")
_END_RE = re.compile(r"^(?:noi nhan\b|tm\.|t/m\b|kt\.|tl\.|ttl\.|q\.\s)")

def _spaced(pattern: str) -> str:
    """OCR runs words together ("NỘIDUNG", "TỔCHỨC"): each space in a pattern may be missing."""
    return pattern.replace(" ", " ?")


SECTION_KINDS = (
    ("implementation", re.compile(_spaced(r"to chuc thuc hien|trach nhiem|phan cong|trien khai thuc hien"))),
    ("budget", re.compile(_spaced(r"kinh phi|nguon von"))),
    ("purpose", re.compile(_spaced(r"muc dich|yeu cau|muc tieu|quan diem|can cu|tinh hinh|ket qua"))),
    ("content", re.compile(_spaced(r"n\w{0,2}i dung|nhiem vu|giai phap|hoat dong|chuong trinh|de xuat|linh vuc"))),
)


def _roman_value(numeral: str) -> int | None:
    value = roman_value(numeral.replace("1", "I").replace("l", "I"))  # OCR's readings of I
    return value if value is not None and value < 40 else None


def section_kind(title: str) -> str:
    folded = fold_same_length(title)
    for kind, pattern in SECTION_KINDS:
        if pattern.search(folded):
            return kind
    return "other"


def _lines(text: str) -> list[Line]:
    out = []
    pos = 0
    end = len(text)
    i = 0
    while True:
        nl = text.find("\n", pos)
        stop = end if nl < 0 else nl
        out.append(Line(i, pos, stop, text))
        if nl < 0:
            return out
        pos, i = nl + 1, i + 1


def _ocr_roman_heading(text: str, expected: int) -> tuple[str, str] | None:
    """A section heading whose bold numeral OCR misread ("lỆ MỤC ĐÍCH", "IL NỘI DUNG", "IIL TỔ
    CHỨC"): trusted on a capital heading that names a section kind, numbered by its position."""
    m = _OCR_ROMAN_RE.match(text)
    if not m or not is_caps(m[2]) or section_kind(m[2].rstrip(" :.")) == "other":
        return None
    value = _roman_value(m[1].translate(_OCR_NUMERAL))
    if value is None or abs(value - expected) > 1:
        return None
    # One ahead: the heading before was lost to OCR ("I." unread, then "IL NỘI DUNG" is II); but
    # a plan opens on its purpose, so a first purpose heading is I however its numeral was read.
    ahead = value == expected + 1 and not (expected == 1 and section_kind(m[2]) == "purpose")
    return roman(value if ahead else expected), m[2]


def _roman_heading(line: Line, expected: int) -> tuple[str, str] | None:
    return _printed_roman_heading(line.text, expected) or _ocr_roman_heading(line.text, expected)


def _printed_roman_heading(text: str, expected: int) -> tuple[str, str] | None:
    m = _ROMAN_RE.match(text)
    if not m:
        return None
    value = _roman_value(m[1])
    title = m[2]
    # The next numeral, one skipped, or a first section printed as "II." (the site lost "I.").
    skipped = value == expected + 1 and expected > 1
    # A numeral printed again ("IV." twice) on a capital heading is numbered by its position.
    repeated = value == expected - 1 and value > 1 and is_caps(title)
    if repeated:
        value = expected
    if value is None or value != expected and not (skipped or expected == 1 and value <= 3):
        return None
    # OCR'd numerals ("I1.") are only trusted on an upper-case heading.
    if ("1" in m[1] or "l" in m[1]) and not is_caps(title):
        return None
    if len(title) > 120 and not is_caps(title):
        return None
    return roman(value), title


def number_path(line: Line) -> tuple[tuple[str, ...], int] | None:
    m = _NUMBER_RE.match(line.text)
    if m and m[0].rstrip().endswith(",") and not line.text[m.end() : m.end() + 1].isupper():
        m = None  # "1," is OCR's reading of a bold "1.": taken before a capital only
    if m:
        raw = m[1] or m[2]
        return tuple(str(int(p)) for p in raw.split(".")), m.end()
    return None


_SEPARATOR_CELL_RE = re.compile(r":?-{2,}:?|")


def _table_row(line: Line) -> tuple[tuple[str, Span], ...] | None:
    t = line.text
    if not (t.startswith("|") and t.endswith("|") and len(t) > 1):
        return None
    cells = []
    pos = 1
    for raw in t[1:-1].split("|"):
        lead = len(raw) - len(raw.lstrip())
        value = raw.strip()
        s = line.start + pos + lead
        cells.append((value, (s, s + len(value))))
        pos += len(raw) + 1
    if all(_SEPARATOR_CELL_RE.fullmatch(c[0]) for c in cells):
        return ()  # a Markdown separator row
    return tuple(cells)


def _pipe_cells(lines: list[Line], start: int, end: int) -> list[Line]:
    """The cell lines of an alternating "|" / cell / "|" run beginning at ``start``."""
    cells: list[Line] = []
    i = start
    while i + 2 <= end and i + 1 < len(lines) and lines[i].text == "|" and lines[i + 1].text not in ("", "|"):
        cells.append(lines[i + 1])
        i += 2
    return cells


def _table_from_cells(cells: list[Line]) -> Table | None:
    """Rows of a cell-per-line table: the header runs up to the first row number ("1")."""
    first_number = next((i for i, c in enumerate(cells) if re.fullmatch(r"\d{1,3}\.?", c.text.strip())), None)
    if first_number is None or first_number < 2:
        return None
    width = first_number
    rows = []
    for i in range(0, len(cells) - width + 1, width):
        rows.append(tuple((c.text.strip(), c.span) for c in cells[i : i + width]))
    return Table(tuple(rows), tuple(cells)) if len(rows) > 1 else None


_END_FIRST = frozenset("NnTtKkQq")
# What a section (I., PHỤ LỤC), a numbered item (1., 1.2.) or an OCR'd numeral ("l1.") starts with.
_STRUCTURAL_FIRST = frozenset("0123456789IVXLHl1|Pp")


def is_appendix(text: str) -> bool:
    """Whether a line is an appendix heading ("PHỤ LỤC …")."""
    return text[:1] in "Pp" and bool(_APPENDIX_RE.match(fold_same_length(text))) and is_caps(text)


def _ocr_item(text: str, items: list[Item], stack: list[Item]) -> tuple[tuple[str, ...], int, bool] | None:
    """An item whose printed number OCR garbled ("2 Căn cứ", "m. Tham gia", ". Trong", "2h Các",
    "KÃ Thủ trưởng"), on a scan: numbered after the section's last item. The flag says the label is
    surely garbled ("3," "1:" "c5"): its digit is not to be trusted either."""
    m = _OCR_ITEM_RE.match(text)
    if not m or not text[m.end() : m.end() + 1].isupper():
        return None
    if m[2] and is_syllable(m[2].lower()):
        return None  # a word ("Sở Tài chính …"), not a label
    last = items[-1].path[0] if items else "0"
    digits = re.match(r"\d+", m[1] or "")
    if digits and last.isdigit() and int(digits[0]) == int(last) + 1:
        return (digits[0],), m.end(), True  # "5," right after 4.x: the digit is the next one, as read
    if stack and len(stack[-1].path) == 2 and stack[-1].path[1].isdigit():
        # After "3.1. …" a garbled label is most likely "3.2.", the next of its siblings.
        parent, number = stack[-1].path
        return ((parent, str(int(number) + 1)), m.end(), bool(m[1]))
    return ((str(int(last) + 1),), m.end(), bool(m[1])) if last.isdigit() else None


_LETTERS = "abcdđeghiklmnopqrstuvxy"


def _scanned_letter(read: str, siblings: list[Item]) -> str:
    """A letter label as OCR read it, kept when it follows its previous sibling ("d" or "đ" after
    "c", "e" after "d"), else the next letter: OCR confuses c, e and đ."""
    before = next((c.path[-1] for c in reversed(siblings) if c.path[-1].isalpha()), None)
    if before is None or before not in _LETTERS:
        return read
    at = _LETTERS.index(before)
    following = _LETTERS[at + 1 : at + 3] if _LETTERS[at + 1] == "đ" else _LETTERS[at + 1]
    return read if read in following else following[0]


def structure(text: str, headings: frozenset[int] = frozenset(), scanned: bool = False) -> Layout:
    """The zones and item tree of ``text``; ``scanned`` text came from OCR, whose item numbers are
    read by their position where the print is garbled."""
    lines = _lines(text)
    end = len(lines)
    for line in lines[len(lines) // 3 + 1 :]:
        if line.text[:1] in _END_FIRST and _END_RE.match(fold_same_length(line.text)):
            end = line.index
            break
    # Appendices often follow the signature block: the structure resumes at each one.
    read = list(range(end))
    in_appendix = False
    for line in lines[end:]:
        if is_appendix(line.text):
            in_appendix = True
        if in_appendix:
            read.append(line.index)

    sections: list[Section] = []
    current = Section(None, None, "other")
    preamble = current
    sections.append(current)
    stack: list[Item] = []
    expected = 1
    table_lines: list[Line] = []
    table_rows: list[tuple[tuple[str, Span], ...]] = []
    first_section = end

    def flush_table() -> None:
        if table_lines:
            rows = tuple(r for r in table_rows if r)
            if rows:
                current.tables.append(Table(rows, tuple(table_lines)))
            table_lines.clear()
            table_rows.clear()

    # Without Roman sections, upper-case top-level items ("2. NỘI DUNG") are the sections.
    arabic_sections = not any(_PLAIN_ROMAN_RE.match(x.text) for x in lines[:end])
    pipe_cells: list[Line] = []
    skip_until = -1
    for line in (lines[i] for i in read):
        line_text = line.text  # sliced once: every test below reads it
        if line.index <= skip_until:
            continue
        if line_text == "|":
            # A table pasted with every cell on its own line between "|" lines.
            pipe_cells = _pipe_cells(lines, line.index, end)
            table = _table_from_cells(pipe_cells)
            if table is not None:
                flush_table()
                current.tables.append(table)
                skip_until = pipe_cells[-1].index + 1
                continue
        if not line_text:
            continue
        row = _table_row(line)
        if row is not None:
            table_lines.append(line)
            table_rows.append(row)
            continue
        flush_table()
        garbled = _ocr_item(line_text, current.items, stack) if scanned and current is not preamble else None
        first = line_text[:2]
        if garbled is None and first[0] not in _STRUCTURAL_FIRST and first[1:] != ")":
            # Most lines are prose: no section, appendix or item can start with their first letter.
            (stack[-1].body if stack else current.lines).append(line)
            continue
        roman = _roman_heading(line, expected)
        if current.kind == "appendix" and roman is not None:
            roman = None  # Roman groups inside an appendix are not sections of the plan
        if roman is not None or is_appendix(line_text):
            numeral, title = roman if roman else ("PL", line_text)
            kind = "appendix" if numeral == "PL" else section_kind(title)
            current = Section(numeral if roman else None, line, kind)
            sections.append(current)
            stack = []
            if roman:
                expected = (_roman_value(numeral) or 0) + 1
            first_section = min(first_section, line.index)
            continue
        numbered = garbled[:2] if garbled and garbled[2] else number_path(line) or (garbled and garbled[:2])
        letter = _LETTER_RE.match(line_text)
        if arabic_sections and numbered is not None and len(numbered[0]) == 1:
            title = line_text[numbered[1] :]
            kind = section_kind(title)
            if is_caps(title) and kind != "other":
                current = Section(numbered[0][0], line, kind, arabic=True)
                sections.append(current)
                stack = []
                first_section = min(first_section, line.index)
                continue
        if numbered is not None and current is not preamble:
            path, marker_end = numbered
            item = Item(path, line, marker_end=line.start + marker_end, emphasised=line.index in headings)
            # The parent is the nearest open item whose path prefixes this one.
            while stack and not (len(stack[-1].path) < len(path) and path[: len(stack[-1].path)] == stack[-1].path):
                stack.pop()
            (stack[-1].children if stack else current.items).append(item)
            stack.append(item)
            continue
        if letter is not None and current is not preamble:
            # "a)" belongs to the nearest numbered item, or to the section itself.
            while stack and stack[-1].path[-1].isalpha():
                stack.pop()
            parent_path = stack[-1].path if stack else ()
            siblings = stack[-1].children if stack else current.items
            mark = _scanned_letter(letter[1], siblings) if scanned else letter[1]
            item = Item(
                (*parent_path, mark), line, marker_end=line.start + letter.end(), emphasised=line.index in headings
            )
            (stack[-1].children if stack else current.items).append(item)
            stack.append(item)
            continue
        if stack:
            stack[-1].body.append(line)
        else:
            current.lines.append(line)
    flush_table()

    for section in sections:
        _fold_field_labels(section.items, scanned)
    closing = _closing_paragraphs(sections)
    body_start = 0
    return Layout(text, lines, sections, body_start, first_section, end, headings, closing, scanned)


# "a) Nhiệm vụ: … / b) Cơ quan thực hiện: … / c) Thời gian thực hiện: …" are fields of one task.
_FIELD_LABEL_RE = re.compile(
    r"^(?:nhiem vu|noi dung|san pham|kinh phi|tien do|thoi gian|thoi han|ket qua|"
    r"(?:co quan|don vi)[a-z ,/()]{0,30}|chu tri|phoi hop)[a-z ()]{0,25}:"
)


def _is_field_label(item: Item, scanned: bool = False) -> bool:
    head = fold_same_length(item.heading.text[item.marker_end - item.heading.start :].lstrip(" *"))
    if scanned:  # "a) = Nhiệm vụ:", "a) N hiệm vụ:": specks and a split word
        head = re.sub(r"^[\W_]+", "", head)
        return bool(_FIELD_LABEL_RE.match(head) or _FIELD_LABEL_RE.match(head.replace(" ", "", 2)))
    return bool(_FIELD_LABEL_RE.match(head))


def _fold_field_labels(items: list[Item], scanned: bool = False) -> None:
    """Lettered children that are all field labels become lines of their parent (on a scan, two in
    three: OCR garbles some)."""
    for item in items:
        _fold_field_labels(item.children, scanned)
        lettered = [c for c in item.children if c.path[-1].isalpha()]
        labels = sum(_is_field_label(c, scanned) for c in lettered)
        if len(lettered) >= 2 and (labels == len(lettered) or (scanned and 3 * labels >= 2 * len(lettered))):
            for child in lettered:
                item.body.extend([child.heading, *child.body])
            item.children = [c for c in item.children if not c.path[-1].isalpha()]


_CLOSING_RE = re.compile(
    r"^(?:trong qua trinh (?:to chuc )?(?:trien khai )?(?:thuc hien|trien khai)|tren day la|"
    r"k\w{0,2} hoach nay (?:thay the|co hieu luc)|"
    r"(?:uy ban nhan dan|ubnd|chu tich)\b.{0,60}?\b(?:yeu cau|giao|de nghi)\b|"
    r"yeu cau (?:cac|thu truong|giam doc|chu tich))"
)
_BULLET_RE = re.compile(r"^[-+•*]\s")


def _closing_paragraphs(sections: list[Section]) -> list[Line]:
    """The closing paragraphs after a plan's last item ("Trong quá trình thực hiện, nếu có khó khăn
    …", "Ủy ban nhân dân tỉnh yêu cầu …"): they are not that item's text."""
    body = [s for s in sections if s.kind in ("content", "implementation", "other", "budget", "purpose")]
    if not body or not body[-1].items:
        return []
    last = body[-1].items[-1]
    while last.children:
        last = last.children[-1]
    for i, line in enumerate(last.body):
        if not _BULLET_RE.match(line.text) and _CLOSING_RE.match(fold_same_length(line.text)):
            closing = last.body[i:]
            del last.body[i:]
            return closing
    return []


def leaves(items: list[Item]) -> list[Item]:
    """The items that carry work: those without numbered children."""
    out: list[Item] = []
    for item in items:
        if item.children:
            out.extend(leaves(item.children))
        else:
            out.append(item)
    return out
