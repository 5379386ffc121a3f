"""Stage 4, find (document): kind, number, issuer, place, date, title and signers.

Reads the Nghị định 30/2020 header in any of its layouts: lines, a two-column table, a legal
database's metadata block ("Số hiệu:", "Loại văn bản:", "Người ký:", "Ngày ban hành:"), a
news page (headline and publication time), or an OCR'd page whose header was lost (the issuer
then comes from the body: "Ủy ban nhân dân huyện X xây dựng kế hoạch …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from hoptac.extract import vocab
from hoptac.extract.find import NUMBER_RE, find_dates
from hoptac.extract.model import DocumentInfo, Named
from hoptac.extract.structure import Layout, Line, is_appendix
from hoptac.extract.text import fold_same_length, is_caps
from hoptac.extract.words import document_kinds, symbol_kinds

__all__ = ["Header", "read_header"]

_MOTTO_RE = re.compile(
    r"^(cong hoa xa hoi chu nghia viet nam|doc lap\s*-\s*tu do\s*-\s*hanh phuc|dang cong san viet nam|\*+|-+)$"
)
_METADATA_RE = re.compile(r"^(so hieu|loai van ban|noi ban hanh|co quan ban hanh|nguoi ky|ngay ban hanh)\s*:\s*(\S.*)$")
_NUMBER_LINE_RE = re.compile(r"^so\s*(?:hieu)?\s*:?\s*(\S*)")
_PLACE_DATE_RE = re.compile(
    r"(?!thu (?:hai|ba|tu|nam|sau|bay)\b|chu nhat\b)([^\W\d_][^\d,:;|()]{1,40}?)\s*,\s*(?=ngay\b|\d{1,2}/\d{1,2}/\d{4})"
)
# "25/11/2022 11:01", "Thứ Sáu, 25/11/2022 - 11:01", "11:01 25/11/2022" on a short line.
_NEWS_DATE_RE = re.compile(
    r"^(?:[^\d\n]{0,20}?)(?:(\d{1,2}/\d{1,2}/\d{4})\s*[-|,]?\s*(?:lúc\s*)?\d{1,2}:\d{2}|\d{1,2}:\d{2}\s*[-|,]?\s*(?:ngày\s*)?(\d{1,2}/\d{1,2}/\d{4}))"
)
_NEWS_HINT_RE = re.compile(r"luot xem|chia se|tin khac|lien ket website|ngay dang|cap nhat luc")
_SUBJECT_RE = re.compile(r"^(?:v/v|ve viec|ve)\b\s*:?\s*")
_BODY_START_RE = re.compile(r"^(?:can cu|kinh gui|i\.|1\.)")
_SIGN_TITLE_RE = re.compile(
    r"^(?:tm\.|t/m\b|kt\.|tl\.|tuq\.|q\.|chu tich|pho chu tich|giam doc|pho giam doc|bi thu|pho bi thu|"
    r"truong ban|pho truong ban|chanh van phong|truong phong|thu truong|huyen truong|tinh truong)"
)
_ISSUER_BODY_RE = re.compile(
    r"\b(uy ban nhan dan|ubnd|so [a-z ]{3,40}?)\s+(tinh|huyen|thanh pho|thi xa)\s+([a-z][a-z0-9 '\-]{1,30}?)\s+"
    r"(?:ban hanh|xay dung|trien khai)\s+(?:\S+\s+){0,3}?k\w{0,2} hoach"
)


@dataclass(frozen=True)
class Header:
    info: DocumentInfo
    title_line: int | None  # index of the last title line
    number_line: int | None
    place: str | None  # the place name, without a level word
    level: str | None  # "tỉnh" / "huyện" of the issuing body, when known
    year: int | None  # the document's own year, for dates printed without one


def _named(value: str | None, line: Line | None, start: int = 0, end: int | None = None) -> Named | None:
    if not value or line is None:
        return None
    s = line.start + start
    e = line.start + (end if end is not None else len(line.text))
    return Named(value, (s, e))


def _kind_of_caps_line(folded: str) -> tuple[str, str] | None:
    """("ke_hoach", rest) when ``folded`` opens with a kind word (the line after it is the title)."""
    for kind, words in document_kinds():
        for w in words:
            if folded == w or folded.startswith(w + " "):
                return kind, folded[len(w) :].strip()
    return None


def _is_caps(text: str) -> bool:
    return is_caps(text, 0.85)


def _cells(line: Line) -> list[tuple[str, int]]:
    """The text pieces of a header line: a table row gives one piece per cell."""
    return _pieces(line.text)


def _pieces(t: str) -> list[tuple[str, int]]:
    if t.endswith(" |") and not t.startswith("|"):
        # A cell pasted with only its closing bar.
        return [(c, o - 1) for c, o in _pieces("|" + t)]
    if t.startswith("|") and t.endswith("|"):
        out = []
        pos = 1
        for raw in t[1:-1].split("|"):
            lead = len(raw) - len(raw.lstrip())
            if raw.strip():
                out.append((raw.strip(), pos + lead))
            pos += len(raw) + 1
        return out
    return [(t, 0)]


def _proper_case(caps: str) -> str:
    """ "ỦY BAN NHÂN DÂN TỈNH BẮC GIANG" → "Ủy ban nhân dân tỉnh Bắc Giang"."""
    text = " ".join(caps.split())
    for committee in ("tỉnh ủy", "huyện ủy", "thành ủy", "khu ủy", "đảng ủy"):
        if vocab.fold(text).startswith(vocab.fold(committee) + " "):
            rest = text[len(committee) :].split()
            return committee.capitalize() + " " + " ".join(w.capitalize() for w in rest)
    expanded = vocab.expand_abbreviations(text)
    words = expanded.split()
    folded = [vocab.fold(w) for w in words]
    # The place is whatever follows the last level word.
    cut = len(words)
    for i in range(len(words) - 1, -1, -1):
        if folded[i] in {"tinh", "huyen", "xa", "quan", "phuong"} or (
            folded[i] == "pho" and i > 0 and folded[i - 1] == "thanh"
        ):
            cut = i + 1
            break
    head = " ".join(words[:cut])
    place = " ".join(w.capitalize() for w in words[cut:])
    head_l = head.lower()
    match = vocab.match_agency(head_l)
    head_cased = head_l
    if match is not None:
        cut_words = len(match.name.split())
        head_cased = match.name + " " + " ".join(w.lower() for w in head.split()[cut_words:])
    head_cased = head_cased[:1].upper() + head_cased[1:]
    return (head_cased.strip() + " " + place).strip()


_MOTTO = "cong hoa xa hoi chu nghia viet nam"


def _is_motto(folded: str) -> bool:
    """The national motto, also wrapped over lines or cut by a cell ("CỘNG" / "HÒA XÃ HỘI …")."""
    folded = folded.strip(" |*-")
    return (
        not folded
        or bool(_MOTTO_RE.match(folded))
        or "chu nghia viet nam" in folded
        or folded.startswith("doc lap")
        or (len(folded) >= 4 and _MOTTO.startswith(folded))
    )


def _issuer_from_lines(lines: list[str]) -> str | None:
    caps = [x for x in lines if _is_caps(x) and not _is_motto(fold_same_length(x))]
    if not caps:
        return None
    # "UBND TỈNH CAO BẰNG / SỞ NGOẠI VỤ": the lower body of the parent's place.
    if len(caps) >= 2 and vocab.fold(caps[-1]).startswith(("so ", "ban ", "van phong", "phong ")):
        parent = _proper_case(caps[-2])
        child = _proper_case(caps[-1])
        m = re.search(r"\b(tỉnh|huyện|thành phố|thị xã)\s+(.+)$", parent)
        return f"{child} {m[1]} {m[2]}" if m else child
    return _proper_case(" ".join(caps))


@cache
def _surnames() -> frozenset[str]:
    rows = resources.files("hoptac.extract").joinpath("data/person_names.tsv").read_text("utf-8").splitlines()
    return frozenset(
        r.split("\t")[0].lower()
        for r in rows
        if not r.startswith("#") and "\t" in r and r.split("\t")[1] in ("surname", "any")
    )


def _person(text: str) -> str | None:
    """A signer's name line: 2-5 capitalised words, no digits."""
    t = re.sub(r"[*_]+", "", text).strip()
    words = t.split()
    if not 2 <= len(words) <= 5 or len(t) > 40 or re.search(r"[\d:;,.()/]", t):
        return None
    if not all(w[:1].isupper() or not w[:1].isalpha() for w in words):
        return None
    if _is_caps(t):
        t = " ".join(w.capitalize() for w in words)
    folded = vocab.fold(t)
    if _SIGN_TITLE_RE.match(folded) or folded.startswith(("noi nhan", "tin khac", "lien ket")):
        return None
    if vocab.match_agency(t) is not None:
        return None
    # A signer's name opens with a surname ("Nguy&n" is still Nguyễn once restored).
    first = words[0].capitalize()
    if first.isascii() or re.search(r"[&@$\d]", first):
        first = vocab.restore_person_name(first + " " + words[1]).split()[0]
    if first.lower() not in _surnames():
        return None
    # Restore only what OCR damaged: an accented, clean name is printed as it is.
    if t.isascii() or re.search(r"[&@$\d]", t):
        return vocab.restore_person_name(t)
    return t


def _signers(layout: Layout, after: int, kind: str) -> tuple[Named, ...]:
    if kind == "tin_bai":
        return ()
    lines = layout.lines
    out: list[Named] = []
    in_zone = False  # inside the signature blocks: titles, bodies' names, signers' names
    for line in lines[after:]:
        text = line.text.strip()
        if not text:
            continue
        caps = _is_caps(text)
        if caps:
            folded = fold_same_length(text)
            if (_kind_of_caps_line(folded) or is_appendix(text)) and (in_zone or out):
                break  # an attached document or an appendix starts: its lines are no signers
            if _SIGN_TITLE_RE.match(folded):
                in_zone = True
                continue
        if not in_zone:
            continue
        name = _person(text)
        if name:
            out.append(Named(name, line.span))
        elif not caps and len(text) > 60 and out:
            break  # body text again: the signature blocks are over
    if not out:
        # OCR'd pages lose the signature block; the last line may still be the name.
        for line in reversed(lines):
            if line.text.strip():
                name = _person(line.text.strip())
                if name:
                    out.append(Named(name, line.span))
                break
    return tuple(out)


def read_header(layout: Layout) -> Header:
    lines = layout.lines
    # A legal database's metadata block can push the header down: it ends some lines after the motto.
    motto_at = next((x.index for x in lines[:150] if "cong hoa xa hoi" in fold_same_length(x.text[:40])), 0)
    limit = min(layout.first_section, max(40, motto_at + 25), len(lines))
    meta: dict[str, tuple[str, Line]] = {}
    number: Named | None = None
    number_line: int | None = None
    place: Named | None = None
    date: Named | None = None
    kind: str | None = None
    title: Named | None = None
    title_line: int | None = None
    issuer_lines: list[str] = []
    seen_number = False
    kind_seen = False

    pending_key: str | None = None  # "Số hiệu:" alone, its value on the next cell line
    number_next = False  # "Số:" alone on its line, the number on the next
    for line in lines[:limit]:
        if number_next and line.text.strip(" |"):
            number_next = False
            lead = len(line.text) - len(line.text.lstrip(" |"))
            nm = NUMBER_RE.match(line.text, lead)
            if nm:
                number = Named(nm[1], (line.start + nm.start(1), line.start + nm.end(1)))
                continue
        if pending_key is not None and line.text.strip(" |"):
            meta[pending_key] = (line.text.strip(" |"), line)
            pending_key = None
            issuer_lines.clear()  # the header proper follows the database's metadata
            continue
        key_only = _METADATA_RE.match(fold_same_length(line.text).strip(" |") + " x")
        if key_only and line.text.strip(" |").endswith(":"):
            pending_key = key_only[1]
            continue
        cells = _cells(line)
        if len(cells) == 2 and line.text.startswith("|"):
            # A legal database's metadata table: "| Số hiệu | 1808/QĐ-UBND |".
            key = fold_same_length(cells[0][0]).strip(" :")
            m = _METADATA_RE.match(f"{key}: x")
            if m:
                meta[m[1]] = (cells[1][0], line)
                continue
        for cell, offset in cells:
            folded = fold_same_length(cell)
            m = _METADATA_RE.match(folded)
            if m:
                value_start = offset + m.start(2)
                meta[m[1]] = (line.text[value_start : offset + len(cell)], line)
                continue
            m = _NUMBER_LINE_RE.match(folded)
            if m and number_line is None and ("/" in m[1] or "-" in m[1] or m[1] == ""):
                number_line = line.index
                seen_number = True
                raw = cell[m.start(1) :]
                nm = NUMBER_RE.match(raw)
                number_next = not raw.strip() and folded.rstrip().endswith(":")
                if nm:
                    number = Named(
                        nm[1], (line.start + offset + m.start(1), line.start + offset + m.start(1) + nm.end(1))
                    )
                continue
            pm = _PLACE_DATE_RE.match(folded)
            if pm and date is None:
                dates = find_dates(cell[pm.end() :], line.start + offset + pm.end())
                if dates:
                    place_text = cell[pm.start(1) : pm.end(1)].strip()
                    place = Named(
                        place_text,
                        (line.start + offset + pm.start(1), line.start + offset + pm.start(1) + len(place_text)),
                    )
                    date = Named(dates[0].value, dates[0].span)
                    continue
            if not seen_number and not kind_seen and _is_caps(cell) and not _is_motto(folded):
                if _kind_of_caps_line(folded.strip()):
                    kind_seen = True
                else:
                    issuer_lines.append(cell)
            elif (
                not seen_number
                and not kind_seen
                and sum(c.isalpha() for c in cell) >= 12
                and not _is_caps(cell)
                and not _is_motto(folded)
            ):
                issuer_lines.clear()  # running text: the issuing body is the capitals after it

    # The kind word and the title after it, before the first body paragraph (a site's own notices
    # above the header are not the body).
    for line in lines[motto_at:limit]:
        text = line.text.strip()
        if len(text) > 120 and not _is_caps(text) or _BODY_START_RE.match(fold_same_length(text)):
            break
        if not text or not _is_caps(text):
            continue
        found = _kind_of_caps_line(fold_same_length(text))
        if found is None:
            continue
        kind, rest = found
        if rest:
            start = len(text) - len(rest)
            more, last = _caps_run(lines, line.index + 1)
            value = " ".join([text[start:], *(x.text for x in more)])
            title = Named(" ".join(value.split()), (line.start + start, more[-1].end if more else line.end))
            title_line = last if more else line.index
        else:
            title, title_line = _title_after(lines, line.index)
        break

    # A letter's subject printed on the number line ("Số: 7348/VPCP-QHQT V/v …").
    if title is None and number_line is not None:
        line = lines[number_line]
        m = re.search(r"\bv/v\b", fold_same_length(line.text))
        if m:
            value = line.text[m.start() :].rstrip(" .|")
            title = Named(" ".join(value.split()), (line.start + m.start(), line.start + m.start() + len(value)))
            title_line = number_line
            kind = kind or "cong_van"
    # A letter's subject line ("V/v …", or "Về …" under a number).
    if title is None:
        for line in lines[:limit]:
            m = _SUBJECT_RE.match(fold_same_length(line.text))
            if m and not fold_same_length(line.text).startswith("v/v") and number_line is None:
                continue
            if m and line.index > (number_line or -1) and len(line.text) > 10:
                value = line.text[m.end() :] if fold_same_length(line.text).startswith("v/v") else line.text
                title = Named(" ".join(value.split()), (line.end - len(value), line.end))
                title_line = line.index
                kind = kind or "cong_van"
                break

    # A news page: headline, then "25/11/2022 11:01".
    news = False
    for line in lines[:15]:
        m = _NEWS_DATE_RE.match(line.text) if len(line.text) < 80 else None
        if m and number_line is None:
            news = True
            d = find_dates(m[1] or m[2], line.start + (m.start(1) if m[1] else m.start(2)))
            date = Named(d[0].value, d[0].span) if d else None
            prev = [x for x in lines[: line.index] if x.text.strip()]
            if prev and title is None:
                head = prev[-1]
                title = Named(" ".join(head.text.split()), head.span)
                title_line = line.index
            break
    if not news and number_line is None and kind is None:
        head_text = fold_same_length("\n".join(x.text for x in lines[:30]))
        hinted = bool(_NEWS_HINT_RE.search(fold_same_length("\n".join(x.text for x in lines[-30:]))))
        # No header at all (number, place and date, kind word, motto, metadata): a news page.
        sectioned = sum(1 for sec in layout.sections if sec.roman) >= 2
        motto = any(_is_motto(fold_same_length(x.text)) for x in lines[:12] if x.text)
        bare = date is None and not meta and not sectioned and not motto
        news = (hinted or bare) and not head_text.startswith("so")
        if news and title is None:
            first = next((x for x in lines if x.text.strip()), None)
            # The headline ends no sentence; a page that opens with its first sentence has none.
            if first is not None and len(first.text.split()) >= 5 and not re.search(r"[.!?…]\s*$", first.text):
                title = Named(" ".join(first.text.split()), first.span)
                title_line = first.index
    if news:
        kind = "tin_bai"
        place = None  # a news page has no place-and-date line

    # Metadata from a legal database overrides the guesses.
    if "so hieu" in meta:
        value, line = meta["so hieu"]
        nm = NUMBER_RE.search(value)
        if nm:
            s = line.text.find(nm[1])
            number = Named(nm[1], (line.start + s, line.start + s + len(nm[1])))
    if "loai van ban" in meta:
        found = _kind_of_caps_line(vocab.fold(meta["loai van ban"][0]))
        if found:
            kind = found[0]
    if "ngay ban hanh" in meta and date is None:
        value, line = meta["ngay ban hanh"]
        d = find_dates(value)
        if d:
            s = line.text.find(value)
            date = Named(d[0].value, (line.start + s + d[0].span[0], line.start + s + d[0].span[1]))

    if kind is None and number is not None:
        m = re.search(r"[/-]([A-ZĐ][A-Za-zĐ]*)(?:[-/]|$)", number.name)
        kind = symbol_kinds().get(m[1], "cong_van") if m else None
        if kind is None:
            kind = "cong_van"
    if kind is None:
        body = fold_same_length(layout.text[:6000])
        kind = (
            "ke_hoach"
            if re.search(r"k\w{0,2} hoach\s+(?:\S+\s+){0,4}nh\w{0,2} sau|k\w{0,2} hoach nay", body)
            else "khac"
        )

    # A header that lost its kind word: the capitals after the number or the place-and-date line.
    if title is None and not news and (number_line is not None or date is not None):
        after_header = max(number_line or 0, _line_of(lines, date.span[0]) if date else 0)
        nxt = next((x for x in lines[after_header + 1 : after_header + 4] if x.text.strip(" |")), None)
        if nxt is not None and _is_caps(nxt.text) and not _SECTION_START_RE.match(nxt.text):
            run, last = _caps_run(lines, nxt.index)
            if run:
                value = " ".join(" ".join(x.text.strip(" |") for x in run).split())
                title, title_line = Named(value, (run[0].start, run[-1].end)), last
    # Untitled (OCR'd) documents: the opening lines are the title.
    if title is None and not news:
        title, title_line = _opening_title(lines)

    issuer_text = _issuer_from_lines(issuer_lines) if issuer_lines and not news else None
    if meta.get("co quan ban hanh") or meta.get("noi ban hanh"):
        value = (meta.get("co quan ban hanh") or meta["noi ban hanh"])[0]
        if issuer_text is None and re.search(r"(?i)ủy ban|ubnd|sở|tỉnh ủy|hội đồng", value):
            issuer_text = vocab.expand_abbreviations(value.strip())
    if issuer_text and not re.search(r"\b(tỉnh|huyện|thành phố|thị xã|trung ương|chính phủ)\b", issuer_text, re.I):
        issuer_text = _with_place(issuer_text, meta, place)
    place_name = place.name if place else None
    level: str | None = None
    issuer_span = None
    if issuer_text is None and kind != "tin_bai":
        issuer_text, issuer_span, level, body_place = _issuer_from_body(layout, place_name)
        place_name = place_name or body_place
    if issuer_text:
        m = re.search(r"\b(tỉnh|huyện|thành phố|thị xã)\s+(.+)$", issuer_text)
        if m:
            level = m[1]
            place_name = place_name or m[2]
    issuer = None
    if issuer_text:
        if issuer_span is None and issuer_lines:
            # Where the issuing body is printed, for the review's highlight (not the page's first line).
            at = layout.text.find(issuer_lines[0])
            last = layout.text.find(issuer_lines[-1], max(at, 0))
            if at >= 0 and last >= 0:
                issuer_span = (at, last + len(issuer_lines[-1]))
        first = lines[0] if lines else None
        issuer = Named(issuer_text, issuer_span or ((first.start, first.end) if first else (0, 0)))

    if place is not None:
        fixed = vocab.lookup_locality(place.name, country="VN")
        if fixed is not None and vocab.fold(fixed.name) == vocab.fold(place.name):
            place = Named(fixed.name, place.span)
    after = (title_line or 0) + 1
    signers = _signers(layout, max(after, layout.end if layout.end < len(lines) else after), kind)
    if not signers and layout.end < len(lines):
        signers = _signers(layout, after, kind)
    if not signers and "nguoi ky" in meta and kind != "tin_bai":
        value, line = meta["nguoi ky"]
        person = _person(value.strip())
        if person:
            s = line.text.find(value)
            signers = (Named(person, (line.start + s, line.start + s + len(value))),)
    year = int(date.name[:4]) if date else None
    info = DocumentInfo(
        kind=kind,
        number=number,
        issuer=issuer,
        place=place,
        date=date,
        title=title,
        signers=signers,
    )
    return Header(info, title_line, number_line, place_name, level, year)


_SECTION_START_RE = re.compile(r"^(?:[IVX]{1,5}|\d{1,2})\s*[.)]\s")
_LOCAL_BODY_RE = re.compile(r"^(?:uy ban nhan dan|hoi dong nhan dan|tinh uy|huyen uy|thanh uy)$")


def _with_place(issuer: str, meta: dict[str, tuple[str, Line]], place: Named | None) -> str:
    """A local body printed without its place ("ỦY BAN NHÂN DÂN" over a cut header column) takes the
    place from the database's metadata ("Cơ quan ban hành: Tỉnh Bắc Ninh") or the place line."""
    if not _LOCAL_BODY_RE.match(vocab.fold(issuer)):
        return issuer
    for key in ("co quan ban hanh", "noi ban hanh"):
        if key in meta:
            m = re.match(r"(?i)^\s*(tỉnh|huyện|thành phố|thị xã)\s+(\S.*)$", meta[key][0].strip())
            if m:
                return f"{issuer} {m[1].lower()} {m[2].strip()}"
    if place is not None:
        loc = vocab.lookup_locality(place.name, country="VN", fuzzy=False)
        if loc is not None and vocab.fold(loc.name) == vocab.fold(place.name):
            level = "huyện" if loc.level == "district" else "tỉnh"
            return f"{issuer} {level} {loc.name}"
    return issuer


def _line_of(lines: list[Line], offset: int) -> int:
    return next((x.index for x in lines if x.start <= offset <= x.end), 0)


def _caps_run(lines: list[Line], index: int) -> tuple[list[Line], int]:
    """The upper-case lines from ``index`` on (a title printed in capitals over several lines)."""
    run: list[Line] = []
    for line in lines[index : index + 8]:
        if not line.text.strip() or not _is_caps(line.text) or _SIGN_TITLE_RE.match(fold_same_length(line.text)):
            break
        if _SECTION_START_RE.match(line.text):
            break
        run.append(line)
    return run, (run[-1].index if run else index - 1)


def _title_after(lines: list[Line], index: int) -> tuple[Named | None, int | None]:
    """The title: the line after the kind word, or every upper-case line after it."""
    picked: list[Line] = []
    for line in lines[index + 1 : index + 8]:
        text = line.text.strip()
        if not text:
            continue
        folded = fold_same_length(text)
        if picked and (not _is_caps(text) or not _is_caps(picked[-1].text)):
            break
        if _BODY_START_RE.match(folded) and not picked or picked and _SECTION_START_RE.match(text):
            break
        picked.append(line)
        if not _is_caps(text):
            break
    if not picked:
        return None, None
    value = " ".join(" ".join(x.text for x in picked).split())
    return Named(value, (picked[0].start, picked[-1].end)), picked[-1].index


def _opening_title(lines: list[Line]) -> tuple[Named | None, int | None]:
    first = next((x for x in lines if x.text.strip()), None)
    if first is None:
        return None, None
    picked = [first]
    nxt = next((x for x in lines[first.index + 1 :] if x.text.strip()), None)
    # A title wrapped over a page or column break: the next line is short and ends no sentence.
    if (
        nxt is not None
        and not re.search(r"[.:;!?]\s*$", first.text)
        and len(nxt.text) < 100
        and not re.search(r"[.:;!?]\s*$", nxt.text)
    ):
        picked.append(nxt)
    value = " ".join(" ".join(x.text for x in picked).split())
    return Named(value, (picked[0].start, picked[-1].end)), picked[-1].index


def _issuer_from_body(
    layout: Layout, place: str | None
) -> tuple[str | None, tuple[int, int] | None, str | None, str | None]:
    """The issuer of a document whose header is missing: the body names it, or the signature does."""
    text = layout.text[:20000]  # the sentence that names the issuer opens the document
    folded = fold_same_length(text)
    m = _ISSUER_BODY_RE.search(folded)
    if m:
        level = {"tinh": "tỉnh", "huyen": "huyện", "thanh pho": "thành phố", "thi xa": "thị xã"}[m[2]]
        raw_place = text[m.start(3) : m.end(3)]
        loc = vocab.lookup_locality(raw_place, country="VN")
        name = loc.name if loc else raw_place.title()
        body = text[m.start(1) : m.end(1)]
        body_name = (
            "Ủy ban nhân dân" if vocab.fold(body) in ("uy ban nhan dan", "ubnd") else vocab.expand_abbreviations(body)
        )
        match = vocab.match_agency(body_name)
        if match is not None:
            body_name = match.name
        return f"{body_name} {level} {name}", (m.start(1), m.end(3)), level, name
    # "TM. ỦY BAN NHÂN DÂN" in the signature block, with the place line's province.
    tail_at = max(0, len(layout.text) - 20000)  # the signature closes the document
    sm = re.search(
        r"(?m)^(?:tm\.|t/m)\s*(uy ban nhan dan|ban thuong vu|thuong truc)\b", fold_same_length(layout.text[tail_at:])
    )
    if sm and place:
        loc = vocab.lookup_locality(place, country="VN")
        level = "tỉnh"
        if loc is not None and loc.level == "district":
            level = "huyện"
        if vocab.fold(sm[1]) == "uy ban nhan dan":
            return f"Ủy ban nhân dân {level} {place}", (tail_at + sm.start(1), tail_at + sm.end(1)), level, place
    return None, None, None, None
