"""Build a benchmark corpus of realistic plain-text documents from the seed samples.

Every generated document is a recombination of the seeds in ``hoptac/samples/*.txt``:

* a plan (kế hoạch, ~65 %) takes its header (number line, place-and-date line, kind word,
  title) from one seed plan, its preamble from another, and its sections from several: the
  "Mục đích, yêu cầu" section from one, numbered content items and implementation items
  ("Tổ chức thực hiện") drawn from all seed plans and renumbered, an optional "Kinh phí"
  section, then the recipients list ("Nơi nhận") and the signature block of a seed;
* an official letter (công văn, ~20 %) takes the letter seed's header and body, and usually
  its attached memorandum with a selection of the memorandum's sections (sometimes with the
  Chinese version after it);
* a news article (tin bài, ~10 %) is the news seed with another district pair and date, padded
  with paragraphs of the other seeds;
* an OCR-damaged plan (~5 %) is the OCR seed with its implementation items reshuffled.

Names and numbers vary per document: the province (from a list of real provinces), the
partner province or county, the document number ("Số: 123/KH-UBND"), the issue date (the
day sometimes left blank, as in drafts), every year in the text shifted by the same amount
so periods stay coherent, the numbers and dates of cited documents (consistently within a
document), budget amounts, the lead and supporting agencies of some items, and the signer.
Documents are between ``MIN_BYTES`` and ``MAX_BYTES`` of UTF-8; about one in ten is written
in NFD and one in ten with CRLF line ends, as files from other systems are.

Generation is deterministic: document *i* of seed *S* depends only on (S, i) and the seed
samples, so ``--count 200`` gives the first 200 documents of ``--count 2000``.

    python bench/make_corpus.py --count 2000 --out bench/out/corpus --seed 0
"""

from __future__ import annotations

import argparse
import calendar
import hashlib
import json
import math
import random
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import hoptac

__all__ = ["GENERATOR_VERSION", "MAX_BYTES", "MIN_BYTES", "SAMPLES_DIR", "make_corpus", "make_document"]

GENERATOR_VERSION = 1
SAMPLES_DIR = Path(hoptac.__file__).resolve().parent / "samples"
MIN_BYTES = 3 * 1024
MAX_BYTES = 60 * 1024
MANIFEST = "corpus.json"
FILE_PATTERN = "doc_*.txt"

# Real provinces a generated document can be issued by. Quảng Ninh, Lạng Sơn and Hà Giang are
# left out: the letter seed names them as the other signatories, the news seed is set in Hà Giang.
PROVINCES = [
    "Bắc Giang",
    "Cao Bằng",
    "Lào Cai",
    "Lai Châu",
    "Điện Biên",
    "Sơn La",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Quảng Bình",
    "Quảng Trị",
    "Thừa Thiên Huế",
    "Quảng Nam",
    "Kon Tum",
    "Gia Lai",
    "Đắk Lắk",
    "Đắk Nông",
    "Bình Phước",
    "Tây Ninh",
    "Long An",
    "Đồng Tháp",
    "An Giang",
    "Kiên Giang",
    "Yên Bái",
    "Tuyên Quang",
    "Thái Nguyên",
    "Bắc Ninh",
    "Hải Dương",
    "Hưng Yên",
    "Ninh Bình",
    "Phú Thọ",
    "Vĩnh Phúc",
]
# Provinces a seed can be "at home" in (searched to find each seed's own province).
HOME_CANDIDATES = [*PROVINCES, "Hà Giang", "Quảng Ninh", "Lạng Sơn"]
# Lao provinces, spelled as Vietnamese documents spell them.
LAO_PROVINCES = [
    "Xay Sôm Bun",
    "Luông Pha Băng",
    "Hủa Phăn",
    "Xiêng Khoảng",
    "Bò Kẹo",
    "Chăm Pa Xắc",
    "Xê Kông",
    "Át Tạ Pư",
    "Xa Va Na Khẹt",
    "Khăm Muồn",
    "U Đôm Xay",
    "Phông Sa Lỳ",
    "Luông Nậm Thà",
    "Viêng Chăn",
    "Sả Lạ Văn",
    "Bò Ly Khăm Xay",
    "Xay Nha Bu Ly",
]
PARTNER_RE = re.compile(r"X[aâ]y\s+S[ôớo]m\s+Bun")
# Border districts of Hà Giang and counties of Văn Sơn (Vân Nam) for the news seed.
HA_GIANG_DISTRICTS = [
    "Vị Xuyên",
    "Đồng Văn",
    "Mèo Vạc",
    "Yên Minh",
    "Quản Bạ",
    "Hoàng Su Phì",
    "Xín Mần",
    "Bắc Mê",
]
VAN_SON_COUNTIES = ["Malypho", "Ma Quan", "Phú Ninh", "Nghiễm Sơn", "Tây Trù"]
AGENCIES = [
    "Sở Ngoại vụ",
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư",
    "Sở Công Thương",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Tư pháp",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Thông tin và Truyền thông",
    "Công an tỉnh",
    "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
    "Bộ Chỉ huy Quân sự tỉnh",
    "Văn phòng UBND tỉnh",
    "Liên hiệp các tổ chức hữu nghị tỉnh",
    "Đài Phát thanh và Truyền hình tỉnh",
    "Hội Liên hiệp Phụ nữ tỉnh",
    "Ban Quản lý các khu công nghiệp tỉnh",
    "Tỉnh đoàn",
    "UBND các huyện, thành phố",
    "Sở TTTT",
    "Đài PT&TH tỉnh",
    "Ủy ban MTTQ tỉnh",
]
SIGNERS = [
    "Nguyễn Văn Hùng",
    "Lê Thị Thu Hà",
    "Trần Quốc Khánh",
    "Phạm Minh Tuấn",
    "Hoàng Văn Thạch",
    "Vũ Thị Hương",
    "Đỗ Đức Thắng",
    "Bùi Xuân Trường",
    "Ngô Thanh Sơn",
    "Đặng Quang Vinh",
    "Lương Văn Tiến",
    "Nông Thị Hạnh",
    "Nguyễn Thị Thủy",
    "Lê Văn Hòa",
    "Triệu Đình Lê",
    "Mai Sơn",
]
REPORTERS = ["Quỳnh Anh", "Minh Thúy", "Thanh Hòa", "Đức Anh", "Hải Yến", "Văn Tuấn"]
NEWS_CATEGORIES = ["Chính trị", "Đối ngoại", "Tin tức - Sự kiện", "Hoạt động đối ngoại"]

_VN_LETTERS = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĂÂĐÊÔƠƯ")
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_MARKUP_RE = re.compile(r"<[^>]{0,40}>|[*#_\\]")
_ROMAN_RE = re.compile(r"^[IVX][IVX1l]{0,3}\.\s+\S")
_ITEM_RE = re.compile(r"^(\d{1,2})\.\s+\S")
_NUMBER_LINE_RE = re.compile(r"^Số\b")
_PLACE_DATE_RE = re.compile(r"^[^\W\d_][^,\n]{0,40},\s*ngày\b")
_DATE_PARTS_RE = re.compile(r"ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})")
_NEWS_DATE_RE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}\s+\d{1,2}:\d{2}")
_END_RE = re.compile(r"^(Nơi nhận|TM\.|T/M|KT\.|Trân trọng|Trên đây|Trén day)")
_SIG_RE = re.compile(r"^(TM\.|T/M|KT\.)")
_KIND_WORDS = {
    "KẾ HOẠCH": "ke_hoach",
    "BÁO CÁO": "bao_cao",
    "QUYẾT ĐỊNH": "quyet_dinh",
    "THÔNG BÁO": "thong_bao",
    "BIÊN BẢN": "bien_ban",
    "CÔNG VĂN": "cong_van",
}
_YEAR_RE = re.compile(r"(?<!\d)(20[0-3]\d)(?!\d)")
_REF_NUMBER_RE = re.compile(r"(?<![\w./-])(\d{1,5})(?=(?:/(?:19|20)\d{2})?/[A-ZĐ]|-[A-ZĐ]{1,5}/)")
_SLASH_DATE_RE = re.compile(r"(?<![\d/.])(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})(?![\d/])")
_WORD_DATE_RE = re.compile(r"ngày (\d{1,2}) tháng (\d{1,2}) năm ((?:19|20)\d{2})")
_AMOUNT_RE = re.compile(r"\d{1,3}(?:\.\d{3}){2,}(?=\s*(?:đồng|VNĐ))(?:\s*(?:đồng|VNĐ))(\s*\(\*?[^()\n]{0,160}\*?\))?")
_AGENCY_LINE_RE = re.compile(r"^(\W*Cơ quan (chủ trì|phối hợp):\s*)(.+?)([.;]?\s*)$")


def _plain(line: str) -> str:
    return _MARKUP_RE.sub("", line).strip()


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def _is_ocr(text: str) -> bool:
    """OCR without a Vietnamese font loses most of the letters only Vietnamese has."""
    letters = [c for c in text if c.isalpha() and not _CJK_RE.match(c)]
    return bool(letters) and sum(c in _VN_LETTERS for c in letters) / len(letters) < 0.03


def _strip_accents(text: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.replace("Đ", "D").replace("đ", "d"))


def _section_kind(heading: str) -> str:
    key = _strip_accents(heading.upper())
    if re.search(r"M[UƯ]C\s+[DP]I[CX]H|YEU\s+CAU", key):
        return "purpose"
    if re.search(r"N[OQ0]I\s+DUNG", key):
        return "content"
    if "KINH PHI" in key:
        return "budget"
    if re.search(r"(TO|T6)\s+CH[UIK]+C\s+TH[UI]+C\s+HI[EÉ]N|TRIEN\s+KHAI\s+THUC\s+HIEN", key):
        return "impl"
    return "other"


@dataclass
class Item:
    number: int
    lines: list[str]


@dataclass
class Section:
    seed: Seed
    kind: str
    heading: str
    intro: list[str]
    items: list[Item]

    def lines(self) -> list[str]:
        return [self.heading, *self.intro, *(line for item in self.items for line in item.lines)]


@dataclass
class Header:
    kind: str
    lines: list[str]  # raw header lines, first non-empty line to the end of the title
    number_index: int | None
    date_index: int | None
    has_issuer: bool
    markdown: bool


@dataclass
class News:
    category: str
    headline: str
    body: list[str]
    trailer: list[str]


@dataclass
class Seed:
    name: str
    text: str
    ocr: bool
    home: str | None
    year: int
    header: Header | None = None
    news: News | None = None
    preamble: list[str] = field(default_factory=list)
    letter_body: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)
    memo_title: list[str] = field(default_factory=list)
    memo_intro: list[str] = field(default_factory=list)
    memo_signatures: list[str] = field(default_factory=list)
    foreign_tail: list[str] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


def _trim(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _parse_header(lines: list[str], plains: list[str], limit: int) -> tuple[Header | None, int]:
    number = next((i for i in range(min(limit, 40)) if _NUMBER_LINE_RE.match(plains[i])), None)
    date = next((i for i in range(min(limit, 40)) if _PLACE_DATE_RE.match(plains[i])), None)
    if number is None or date is None:
        return None, 0
    after = max(number, date) + 1
    kind, title_start = "cong_van", None
    for i in range(after, min(limit, after + 6)):
        word = plains[i].strip().upper()
        if word in _KIND_WORDS:
            kind, title_start = _KIND_WORDS[word], i + 1
            break
    if title_start is None:
        title_start = next((i for i in range(after, limit) if re.match(r"(Về|V/v)\b", plains[i])), None)
        if title_start is None:
            return None, 0
    while title_start < limit and not plains[title_start]:
        title_start += 1
    end = title_start
    while end < limit and plains[end]:
        end += 1
    first = next(i for i in range(limit) if plains[i])
    raw = lines[first:end]
    has_issuer = first < number and any(_is_caps(p) for p in plains[first:number])
    markdown = any("**" in line for line in raw)
    return Header(kind, raw, number - first, date - first, has_issuer, markdown), end


def _parse_signature(lines: list[str], plains: list[str], start: int, stop: int) -> tuple[list[str], int]:
    """The block from a "TM."/"T/M" line to the signer's name; returns it and the index after it."""
    i = start + 1
    while i < stop and (not plains[i] or _is_caps(plains[i])):
        i += 1
    end = min(i + 1, stop)
    return _trim(lines[start:end]), end


def _parse_tail(seed: Seed, lines: list[str], plains: list[str], start: int, stop: int, pre: bool) -> None:
    """Letter body / preamble, recipients, signature, and an attached memorandum's title and intro."""
    recip = next((i for i in range(start, stop) if plains[i].startswith("Nơi nhận")), None)
    if recip is None:
        if pre:
            seed.preamble = _trim(lines[start:stop])
        return
    if pre:
        seed.letter_body = _trim(lines[start:recip])
    sig = next((i for i in range(recip, stop) if _SIG_RE.match(plains[i])), None)
    if sig is None:
        return
    seed.recipients = _trim(lines[recip:sig])
    seed.signature, after = _parse_signature(lines, plains, sig, stop)
    if pre:
        i = after
        while i < stop and not plains[i]:
            i += 1
        title_end = i
        while title_end < stop and plains[title_end]:
            title_end += 1
        if title_end > i and _is_caps(" ".join(plains[i:title_end])):
            seed.memo_title = lines[i:title_end]
            seed.memo_intro = _trim(lines[title_end:stop])


def _split_items(seed: Seed, lines: list[str]) -> tuple[list[str], list[Item]]:
    intro: list[str] = []
    items: list[Item] = []
    for line in lines:
        m = _ITEM_RE.match(_plain(line))
        if m:
            items.append(Item(int(m.group(1)), [line]))
        elif items:
            items[-1].lines.append(line)
        else:
            intro.append(line)
    for item in items:
        item.lines = _trim(item.lines) + [""]
    return intro, items


def parse_seed(name: str, text: str) -> Seed:
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    plains = [_plain(line) for line in lines]
    homes = Counter({p: text.count(p) for p in HOME_CANDIDATES if p in text})
    years = Counter(int(y) for y in _YEAR_RE.findall(text))
    seed = Seed(
        name,
        text,
        _is_ocr(text),
        homes.most_common(1)[0][0] if homes else None,
        years.most_common(1)[0][0] if years else 2022,
    )
    first_sec = next((i for i, p in enumerate(plains) if _ROMAN_RE.match(p) and len(p) < 160), len(lines))
    seed.header, header_end = _parse_header(lines, plains, first_sec)
    if seed.header is not None:
        m = _DATE_PARTS_RE.search(seed.header.lines[seed.header.date_index or 0])
        if m:
            seed.year = int(m.group(3))
    news_date = next((i for i, p in enumerate(plains[:first_sec]) if _NEWS_DATE_RE.match(p)), None)
    if seed.header is None and news_date is not None:
        heads = [i for i in range(news_date) if plains[i]]
        stop = next((i for i in range(news_date, len(lines)) if plains[i].startswith("Tin khác")), len(lines))
        byline = max((i for i in range(news_date, stop) if plains[i]), default=stop)
        end = next((i + 1 for i in range(stop, len(lines)) if plains[i].startswith("Thống kê")), len(lines))
        if len(heads) >= 2:
            seed.news = News(
                lines[heads[-2]].strip(),
                lines[heads[-1]].strip(),
                _trim(lines[news_date + 1 : byline]),
                _trim(lines[stop:end]),
            )
        return seed
    _parse_tail(seed, lines, plains, header_end, first_sec, pre=True)
    # Sections, each up to the next Roman heading or an end marker.
    i = first_sec
    current: list[str] | None = None
    sections: list[list[str]] = []
    while i < len(lines):
        p = plains[i]
        if _CJK_RE.search(p) or _END_RE.match(p) or (_is_caps(p) and "BÍ THƯ" in p):
            break
        if _ROMAN_RE.match(p) and len(p) < 160:
            current = [lines[i]]
            sections.append(current)
        elif current is not None:
            current.append(lines[i])
        i += 1
    for sec in sections:
        intro, items = _split_items(seed, sec[1:])
        seed.sections.append(Section(seed, _section_kind(_plain(sec[0])), sec[0], intro, items))
    cjk = next((j for j in range(i, len(lines)) if _CJK_RE.search(plains[j])), len(lines))
    if i < len(lines) and plains[i].startswith(("Trên đây", "Trén day")):
        seed.closing = _trim(lines[i:cjk])
    elif i < len(lines) and _is_caps(plains[i]):
        seed.memo_signatures = _trim(lines[i:cjk])
    else:
        _parse_tail(seed, lines, plains, i, cjk, pre=False)
    seed.foreign_tail = _trim(lines[cjk:])
    return seed


@lru_cache(maxsize=4)
def load_seeds(samples_dir: Path = SAMPLES_DIR) -> tuple[Seed, ...]:
    paths = sorted(samples_dir.glob("*.txt"))
    if not paths:
        raise FileNotFoundError(f"no seed samples in {samples_dir}")
    return tuple(parse_seed(p.name, p.read_text(encoding="utf-8")) for p in paths)


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += numeral
            n -= value
    return out


class Doc:
    """One document being generated: its random choices and the parts rendered so far."""

    def __init__(self, rng: random.Random, markdown: bool, nfd: bool) -> None:
        self.rng = rng
        self.markdown = markdown
        self.nfd = nfd
        self.province = rng.choice(PROVINCES)
        self.partner = rng.choice(LAO_PROVINCES)
        self.district = rng.choice(HA_GIANG_DISTRICTS)
        self.county = rng.choice(VAN_SON_COUNTIES)
        self.year = rng.randint(2016, 2026)
        self.signer = rng.choice(SIGNERS)
        self.ref_numbers: dict[str, str] = {}
        self.dates: dict[tuple[str, str, str], tuple[int, int]] = {}
        self.parts: list[str] = []
        self.size = 0

    # -- substitutions -------------------------------------------------------------------
    def _names(self, text: str, seed: Seed) -> str:
        if seed.home and seed.home != "Hà Giang":
            upper = seed.home.upper()
            text = text.replace(seed.home, self.province).replace(upper, self.province.upper())
            text = text.replace(_strip_accents(upper), _strip_accents(self.province.upper()))
        text = PARTNER_RE.sub(self.partner, text)
        if seed.news is not None:
            text = text.replace("Vị Xuyên", self.district).replace("Malypho", self.county)
        return text

    def _years(self, text: str, seed: Seed) -> str:
        delta = self.year - seed.year
        return _YEAR_RE.sub(lambda m: str(int(m.group(1)) + delta), text) if delta else text

    def _ref_number(self, m: re.Match[str]) -> str:
        old = m.group(1)
        if old not in self.ref_numbers:
            taken = set(self.ref_numbers.values())
            new = str(self.rng.randint(1, 4999 if len(old) < 4 else 9999))
            while new in taken:
                new = str(self.rng.randint(1, 9999))
            self.ref_numbers[old] = new
        return self.ref_numbers[old]

    def _new_day_month(self, d: str, m: str, y: str) -> tuple[int, int]:
        key = (d, m, y)
        if key not in self.dates:
            month = self.rng.randint(1, 12)
            day = self.rng.randint(1, calendar.monthrange(int(y), month)[1])
            self.dates[key] = (day, month)
        return self.dates[key]

    def _slash_date(self, m: re.Match[str]) -> str:
        d, mo, y = m.groups()
        day, month = self._new_day_month(d.lstrip("0"), mo.lstrip("0"), y)
        return f"{day:0{len(d)}d}/{month:0{len(mo)}d}/{y}"

    def _word_date(self, m: re.Match[str]) -> str:
        d, mo, y = m.groups()
        day, month = self._new_day_month(d.lstrip("0"), mo.lstrip("0"), y)
        return f"ngày {day:0{len(d)}d} tháng {month:0{len(mo)}d} năm {y}"

    def _amount(self, m: re.Match[str]) -> str:
        amount = self.rng.randint(2, 900) * 10 ** self.rng.randint(6, 8)
        return f"{amount:,}".replace(",", ".") + " đồng"

    def _agency_line(self, line: str) -> str:
        m = _AGENCY_LINE_RE.match(line)
        if not m or self.rng.random() > 0.4:
            return line
        count = 1 if m.group(2) == "chủ trì" else self.rng.randint(1, 4)
        names = self.rng.sample(AGENCIES, count)
        return m.group(1) + ", ".join(names) + (m.group(4) or "")

    def render(self, lines: list[str], seed: Seed, body: bool = True) -> str:
        text = "\n".join(self._agency_line(line) for line in lines) if body else "\n".join(lines)
        text = self._years(self._names(text, seed), seed)
        if body:
            text = _REF_NUMBER_RE.sub(self._ref_number, text)
            text = _SLASH_DATE_RE.sub(self._slash_date, text)
            text = _WORD_DATE_RE.sub(self._word_date, text)
            text = _AMOUNT_RE.sub(self._amount, text)
        if not self.markdown:
            text = _strip_markdown(text)
        return text

    def add(self, lines: list[str], seed: Seed, body: bool = True) -> None:
        text = self.render(_trim(lines), seed, body)
        if not text.strip():
            return
        self.parts.append(text)
        self.size += _encoded_size(text, self.nfd) + 2

    def pop(self) -> None:
        text = self.parts.pop()
        self.size -= _encoded_size(text, self.nfd) + 2

    def text(self) -> str:
        return "\n\n".join(self.parts) + "\n"


def _encoded_size(text: str, nfd: bool) -> int:
    return len((unicodedata.normalize("NFD", text) if nfd else text).encode("utf-8"))


def _strip_markdown(text: str) -> str:
    text = re.sub(r"^#{1,6}\s+", "", text, flags=re.MULTILINE)
    text = text.replace("**", "").replace("\\*", "*")
    text = re.sub(r"<sup>\d{1,3}</sup>", "", text)
    text = re.sub(r"(?<![\w*])\*(\S(?:[^*\n]*\S)?)\*(?![\w*])", r"\1", text)
    return re.sub(r"[ \t]+$", "", text, flags=re.MULTILINE)


def _renumber_item(item: Item, new: int) -> list[str]:
    pattern = re.compile(rf"^(?P<pre>[\s*#_]*){item.number}(?P<rest>(?:\.\d+)*\.)(?=\s)")
    return [pattern.sub(lambda m: f"{m.group('pre')}{new}{m.group('rest')}", line) for line in item.lines]


def _renumber_heading(heading: str, n: int) -> str:
    return re.sub(r"^([\s*#_]*)[IVX][IVX1l]{0,3}\.", lambda m: f"{m.group(1)}{_roman(n)}.", heading, count=1)


def _header_lines(doc: Doc, header: Header, seed: Seed) -> list[str]:
    rng = doc.rng
    lines = list(header.lines)
    if header.number_index is not None:
        line = lines[header.number_index]
        m = re.search(r"(Số:?\s*)(\d*)([/-]\S*)", line)
        if m:
            blank = "/" in m.group(3)[:1] and rng.random() < 0.2
            number = "" if blank else str(rng.randint(1, 3999))
            lines[header.number_index] = line[: m.start(2)] + number + line[m.end(2) :]
    if header.date_index is not None:
        line = lines[header.date_index]
        m = _DATE_PARTS_RE.search(line)
        if m:
            month = rng.randint(1, 12)
            day = rng.randint(1, calendar.monthrange(doc.year, month)[1])
            pad = rng.random() < 0.5
            d = "    " if rng.random() < 0.15 else f" {day:02d} " if pad and day < 10 else f" {day} "
            mo = f"{month:02d}" if pad and month < 3 else str(month)
            # Written with the seed's year: rendering shifts every year of the seed to doc.year.
            date = f"ngày{d}tháng {mo} năm {seed.year}"
            place = line[: m.start()]
            place = place.replace(seed.home, doc.province) if seed.home else place
            lines[header.date_index] = place + date + line[m.end() :]
    if not header.has_issuer and rng.random() < 0.5:
        issuer = [
            "ỦY BAN NHÂN DÂN",
            f"TỈNH {doc.province.upper()}",
            "",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "",
        ]
        if doc.markdown:
            issuer = [f"**{line}**" if line else line for line in issuer]
        lines = issuer + lines
    return lines


def _signature(doc: Doc, seed: Seed) -> list[str]:
    lines = list(seed.signature)
    for i in range(len(lines) - 1, -1, -1):
        plain = _plain(lines[i])
        if plain and not _is_caps(plain):
            lines[i] = lines[i].replace(plain, doc.signer)
            break
    return lines


def _target(rng: random.Random, low: int, high: int) -> int:
    return int(math.exp(rng.uniform(math.log(low), math.log(high))))


def _pad(doc: Doc, seeds: list[Seed], target: int) -> None:
    """Add whole paragraphs of clean seeds until the document reaches ``target`` bytes."""
    pool = [
        (seed, para)
        for seed in seeds
        for sec in seed.sections
        for item in sec.items
        for para in "\n".join(item.lines).split("\n\n")
        if len(para) > 200 and not _ITEM_RE.match(_plain(para))
    ]
    doc.rng.shuffle(pool)
    while doc.size < target and pool:
        seed, para = pool.pop()
        doc.add([para], seed)


def _plan(doc: Doc, seeds: tuple[Seed, ...], target: int) -> None:
    rng = doc.rng
    clean = [s for s in seeds if not s.ocr and s.sections]
    heads = [s for s in clean if s.header is not None and s.header.kind == "ke_hoach"]
    hs = rng.choice(heads)
    assert hs.header is not None
    doc.add(_header_lines(doc, hs.header, hs), hs, body=False)
    pre = rng.choice([s for s in heads if s.preamble] or [hs])
    doc.add(pre.preamble, pre)
    by_kind: dict[str, list[Section]] = {}
    for s in heads:
        for sec in s.sections:
            by_kind.setdefault(sec.kind, []).append(sec)
    roman = 0

    def section(kind: str) -> Section | None:
        nonlocal roman
        options = by_kind.get(kind)
        if not options:
            return None
        sec = rng.choice(options)
        roman += 1
        doc.add([_renumber_heading(sec.heading, roman), *sec.intro], sec.seed)
        return sec

    purpose = section("purpose")
    if purpose is not None:
        for item in purpose.items:
            doc.add(item.lines, purpose.seed)
    content_pool = [(sec.seed, item) for sec in by_kind.get("content", []) for item in sec.items]
    impl_pool = [(sec.seed, item) for sec in by_kind.get("impl", []) for item in sec.items]
    # Share the target between content and implementation items, then fill.
    budget_sec = rng.choice(by_kind["budget"]) if by_kind.get("budget") and rng.random() < 0.7 else None
    reserve = 0 if not impl_pool else min(target // 4, 12_000)
    if section("content") is not None:
        order = rng.sample(content_pool, len(content_pool))
        n = 0
        while order and (n == 0 or doc.size < target - reserve):
            seed, item = order.pop()
            n += 1
            doc.add(_renumber_item(item, n), seed)
        while n > 1 and doc.size > MAX_BYTES - 4096:
            doc.pop()
            n -= 1
    if budget_sec is not None:
        roman += 1
        doc.add(_renumber_heading(budget_sec.heading, roman).split("\n") + budget_sec.intro, budget_sec.seed)
        for item in budget_sec.items:
            doc.add(item.lines, budget_sec.seed)
    if section("impl") is not None:
        order = rng.sample(impl_pool, len(impl_pool))
        n = 0
        while order and (n == 0 or doc.size < target):
            seed, item = order.pop()
            n += 1
            doc.add(_renumber_item(item, n), seed)
    sig_seed = rng.choice([s for s in heads if s.signature] or [hs])
    tail = [sig_seed.recipients, _signature(doc, sig_seed)]
    tail_size = sum(_encoded_size("\n".join(t), doc.nfd) + 2 for t in tail) + 64
    while doc.size + tail_size > MAX_BYTES and len(doc.parts) > 4:
        doc.pop()
    for lines in tail:
        doc.add(lines, sig_seed)


def _letter(doc: Doc, seeds: tuple[Seed, ...], target: int) -> None:
    rng = doc.rng
    letters = [s for s in seeds if s.header is not None and s.header.kind != "ke_hoach" and s.letter_body]
    ls = rng.choice(letters)
    assert ls.header is not None
    doc.add(_header_lines(doc, ls.header, ls), ls, body=False)
    doc.add(ls.letter_body, ls)
    doc.add(ls.recipients, ls)
    doc.add(_signature(doc, ls), ls)
    if ls.memo_title and (doc.size < target or rng.random() < 0.5):
        doc.add(ls.memo_title, ls)
        doc.add(ls.memo_intro, ls)
        secs = [sec for sec in ls.sections]
        keep = sorted(rng.sample(range(len(secs)), rng.randint(min(2, len(secs)), len(secs)))) if secs else []
        for n, index in enumerate(keep, 1):
            sec = secs[index]
            doc.add([_renumber_heading(sec.heading, n), *sec.intro], ls)
            for item in sec.items:
                doc.add(item.lines, ls)
        doc.add(ls.memo_signatures, ls)
        if ls.foreign_tail and rng.random() < 0.3:
            doc.add(ls.foreign_tail, ls, body=False)


def _news(doc: Doc, seeds: tuple[Seed, ...], target: int) -> None:
    rng = doc.rng
    ns = rng.choice([s for s in seeds if s.news is not None])
    assert ns.news is not None
    month = rng.randint(1, 12)
    day = rng.randint(1, calendar.monthrange(doc.year, month)[1])
    clock = f"{rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}"
    stamp = f"{day:02d}/{month:02d}/{ns.year} {clock} {rng.randint(20, 900)} lượt xem"
    doc.add([rng.choice(NEWS_CATEGORIES), "", ns.news.headline, "", stamp], ns, body=False)
    doc.add(ns.news.body, ns)
    body_end = len(doc.parts)
    _pad(doc, [s for s in seeds if not s.ocr and s.sections], target)
    # Padding paragraphs belong to the article body, before the byline.
    doc.parts[body_end:] = sorted(doc.parts[body_end:], key=lambda _: rng.random())
    doc.add([rng.choice(REPORTERS)], ns, body=False)
    doc.add(ns.news.trailer, ns, body=False)


def _ocr(doc: Doc, seeds: tuple[Seed, ...], target: int) -> None:
    rng = doc.rng
    os_ = rng.choice([s for s in seeds if s.ocr and s.sections])
    doc.add(os_.preamble, os_)
    for sec in os_.sections:
        doc.add([sec.heading, *sec.intro], os_)
        items = sec.items
        if sec.kind == "impl" or sec is os_.sections[-1]:
            items = rng.sample(items, len(items))
        for n, item in enumerate(items, 1):
            doc.add(_renumber_item(item, n), os_)
    while doc.size > target and doc.size > MIN_BYTES + 1500 and len(doc.parts) > 6:
        doc.pop()
    doc.add(os_.closing, os_)


_BUILDERS: dict[str, Callable[[Doc, tuple[Seed, ...], int], None]] = {
    "ke_hoach": _plan,
    "cong_van": _letter,
    "tin_bai": _news,
    "ocr": _ocr,
}
_TARGETS = {
    "ke_hoach": (6 * 1024, MAX_BYTES),
    "cong_van": (MIN_BYTES, 20 * 1024),
    "tin_bai": (MIN_BYTES, 10 * 1024),
    "ocr": (MIN_BYTES, 8 * 1024),
}


def _available_kinds(seeds: tuple[Seed, ...]) -> list[tuple[str, float]]:
    kinds: list[tuple[str, float]] = []
    clean = [s for s in seeds if not s.ocr]
    if any(s.header is not None and s.header.kind == "ke_hoach" and s.sections for s in clean):
        kinds.append(("ke_hoach", 0.65))
    if any(s.header is not None and s.header.kind != "ke_hoach" and s.letter_body for s in seeds):
        kinds.append(("cong_van", 0.20))
    if any(s.news is not None for s in seeds):
        kinds.append(("tin_bai", 0.10))
    if any(s.ocr and s.sections for s in seeds):
        kinds.append(("ocr", 0.05))
    if not kinds:
        raise ValueError("the seed samples contain no document this generator can recombine")
    return kinds


def make_document(seed: int, index: int, seeds: tuple[Seed, ...] | None = None, salt: int = 0) -> tuple[str, str]:
    """Document ``index`` of corpus ``seed``: (kind, text). Deterministic in its arguments."""
    seeds = seeds if seeds is not None else load_seeds()
    rng = random.Random(f"hoptac-corpus/{GENERATOR_VERSION}/{seed}/{index}/{salt}")
    kinds = _available_kinds(seeds)
    kind = rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]
    markdown = rng.random() < 0.3
    nfd = rng.random() < 0.1
    doc = Doc(rng, markdown, nfd)
    low, high = _TARGETS[kind]
    target = _target(rng, low, high)
    _BUILDERS[kind](doc, seeds, target)
    text = doc.text()
    # Bounds: grow a short document with more paragraphs, cut a long one at a paragraph.
    if len(text.encode("utf-8")) < MIN_BYTES:
        _pad(doc, [s for s in seeds if not s.ocr and s.sections] or list(seeds), MIN_BYTES + 512)
        text = doc.text()
    if nfd:
        text = unicodedata.normalize("NFD", text)
    newline = "\r\n" if rng.random() < 0.1 else "\n"
    text = text.replace("\n", newline)
    data = text.encode("utf-8")
    if len(data) > MAX_BYTES:
        cut = data.rfind((newline * 2).encode(), 0, MAX_BYTES - 2)
        text = data[: cut if cut > MIN_BYTES else MAX_BYTES - 8].decode("utf-8", errors="ignore") + newline
    return kind, text


def make_corpus(out_dir: str | Path, count: int = 2000, seed: int = 0) -> list[Path]:
    """Write ``count`` documents ``doc_00000.txt`` … to ``out_dir`` and return their paths.

    Earlier ``doc_*.txt`` files in ``out_dir`` are removed first, so the folder holds exactly
    this corpus; ``corpus.json`` records the parameters, kinds and sizes.
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob(FILE_PATTERN):
        old.unlink()
    seeds = load_seeds()
    paths: list[Path] = []
    seen: set[str] = set()
    kinds: Counter[str] = Counter()
    sizes: list[int] = []
    for index in range(count):
        salt = 0
        while True:
            kind, text = make_document(seed, index, seeds, salt)
            digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
            if digest not in seen:
                break
            salt += 1
        seen.add(digest)
        path = out / f"doc_{index:05d}.txt"
        data = text.encode("utf-8")
        path.write_bytes(data)
        paths.append(path)
        kinds[kind] += 1
        sizes.append(len(data))
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "count": count,
        "kinds": dict(sorted(kinds.items())),
        "total_bytes": sum(sizes),
        "min_bytes": min(sizes, default=0),
        "max_bytes": max(sizes, default=0),
        "seed_samples": [s.name for s in seeds],
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="number of documents (default 2000)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent / "out" / "corpus",
        help="output folder (default bench/out/corpus)",
    )
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    paths = make_corpus(args.out, args.count, args.seed)
    manifest = json.loads((args.out / MANIFEST).read_text(encoding="utf-8"))
    print(
        f"{len(paths)} documents, {manifest['total_bytes'] / 2**20:.1f} MB "
        f"({manifest['min_bytes']}–{manifest['max_bytes']} bytes each), kinds {manifest['kinds']}, "
        f"in {args.out} ({time.perf_counter() - start:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
