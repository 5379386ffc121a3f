"""Stage 4, find (parties and period): who the cooperation is between, and for which years."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from hoptac.extract import vocab
from hoptac.extract.model import Named, Party, Period
from hoptac.extract.text import fold_same_length

__all__ = ["find_body_period", "find_parties", "find_parties_in_body", "find_period"]

_LEVELS = (
    ("khu tu tri", "Khu tự trị"),
    ("thanh pho", "thành phố"),
    ("thi xa", "thị xã"),
    ("tinh", "tỉnh"),
    ("huyen", "huyện"),
    ("chau", "châu"),
    ("quan", "quận"),
)
_COMMITTEES = ("tinh uy", "huyen uy", "thanh uy", "khu uy", "dang uy")
_COUNTRY_HINTS = (
    ("LA", re.compile(r"\blao\b|\bcdhcnd lao|\bchdcnd\b")),
    ("CN", re.compile(r"\btrung quoc\b|\btrung hoa\b|\bquang tay\b|\bvan nam\b")),
    ("KH", re.compile(r"\bcampuchia\b|\bcam pu chia\b")),
    ("VN", re.compile(r"\bviet nam\b")),
)
_NAME_END_RE = re.compile(r"\s+(?=(?:Đảng Cộng sản|ĐẢNG CỘNG SẢN|nước|NƯỚC|giai đoạn|GIAI ĐOẠN|năm \d|NĂM \d|\())")
_NAME_RE = re.compile(r"((?:[A-ZÀ-ỸĐ0-9][\w'’-]*)(?:\s+[A-ZÀ-ỸĐ][\w'’-]*){0,4})")


def _country(name: str, context: str) -> str | None:
    loc = vocab.lookup_locality(name)
    if loc is not None:
        return loc.country
    folded = vocab.fold(context)
    for code, pattern in _COUNTRY_HINTS:
        if pattern.search(folded):
            return code
    return None


def _side(text: str, start: int) -> list[Party]:
    folded = fold_same_length(text)
    stripped = re.match(
        r"^\s*(?:(?:uy ban nhan dan|ubnd|uy ban chinh quyen|chinh quyen(?: nhan dan)?|doan dai bieu|hai|cac)\s+)*",
        folded,
    )
    pos = stripped.end() if stripped else 0
    for committee in _COMMITTEES:
        if folded.startswith(committee, pos):
            return _committees(text, start, pos, committee)
    for key, level in _LEVELS:
        if folded.startswith(key + " ", pos):
            name_at = pos + len(key) + 1
            if key == "khu tu tri":
                m = re.match(r"[^,;()]+", text[pos:])
                full = _NAME_END_RE.split(m[0] if m else text[pos:])[0].strip()
                return [Party(full, _country(full, text) or "CN", (start + pos, start + pos + len(full)))]
            m = _NAME_RE.match(text, name_at)
            if not m:
                return []
            name = m[1]
            name = re.split(r"\s+(?:giai|nam|năm|giai đoạn)\b", name)[0]
            country = _country(name, text)
            loc = vocab.lookup_locality(name, country=country) if country else vocab.lookup_locality(name)
            if loc is not None and loc.country == "VN" and vocab.fold(loc.name) != vocab.fold(name):
                name = loc.name  # OCR repair of a Vietnamese unit
            return [Party(f"{level} {name}", country or (loc.country if loc else "VN"), (start + pos, start + m.end()))]
    return []


def _committees(text: str, start: int, pos: int, committee: str) -> list[Party]:
    label = {
        "tinh uy": "Tỉnh ủy",
        "huyen uy": "Huyện ủy",
        "thanh uy": "Thành ủy",
        "khu uy": "Khu ủy",
        "dang uy": "Đảng ủy",
    }[committee]
    rest = text[pos + len(committee) :]
    folded = fold_same_length(rest)
    m = re.match(r"\s*(?:cac\s+)?(?:tinh|huyen|thanh pho)?\s*", folded)
    at = m.end() if m else 0
    if folded.startswith("khu tu tri", at):
        mm = re.match(r"[^,;()]+", rest[at:])
        full = _NAME_END_RE.split(mm[0] if mm else rest[at:])[0].strip()
        full = full if not full.isupper() else "Khu tự trị " + " ".join(w.capitalize() for w in full.split()[3:])
        return [
            Party(
                f"{label} {full}",
                _country(full, text) or "CN",
                (start + pos, start + pos + len(committee) + at + len(full)),
            )
        ]
    parties = []
    for piece in re.finditer(r"[^,;]+", rest[at:]):
        name = _NAME_END_RE.split(piece[0])[0].strip()
        if not name or len(name.split()) > 4 or not name[0].isupper():
            break
        loc = vocab.lookup_locality(name)
        if loc is None and _country(name, name) is not None:
            break  # "Đảng Cộng sản Việt Nam" ends the list
        country = loc.country if loc else _country(name, text) or "VN"
        s = start + pos + len(committee) + at + piece.start()
        parties.append(Party(f"{label} {_cased(name, loc)}", country, (s, s + len(name))))
        if name != piece[0].strip():
            break  # "Hà Giang Đảng Cộng sản Việt Nam": the list ends with its party
    return parties


def _cased(name: str, loc: vocab.Locality | None) -> str:
    """A name printed in capitals, in the case documents use ("CAO BẰNG" → "Cao Bằng")."""
    if not name.isupper():
        return name
    if loc is not None and vocab.fold(loc.name) == vocab.fold(name):
        return loc.name
    return " ".join(w.capitalize() for w in name.split())


def find_parties(title: Named | None, home: str | None = None) -> list[Party]:
    """The localities (or party committees) a title's "giữa A và B" names; for "hợp tác với B",
    ``home`` (the issuer's locality, "tỉnh Hà Giang") and B."""
    if title is None:
        return []
    text = title.name
    start = title.span[0]
    folded = fold_same_length(text)
    g = re.search(r"\bgi\w{0,3}a\s+", folded)
    if not g:
        return _with_partner(text, start, home)
    rest_at = g.end()
    rest = folded[rest_at:]
    sep = re.search(r"\s+v[a-z]i\s+", rest) or re.search(
        r"\s+va\s+(?=(?:uy ban|ubnd|chinh quyen|khu uy|tinh uy|huyen uy|tinh|huyen|thanh pho|khu tu tri|chau)\b)", rest
    )
    if not sep:
        return _with_partner(text, start, home)
    a_text = text[rest_at : rest_at + sep.start()]
    b_text = text[rest_at + sep.end() :]
    parties = _side(a_text, start + rest_at) + _side(b_text, start + rest_at + sep.end())
    seen = set()
    out = []
    for p in parties:
        key = vocab.fold(p.name).replace(" ", "")
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _with_partner(text: str, start: int, home: str | None) -> list[Party]:
    """ "Kế hoạch hợp tác với tỉnh Vân Nam (Trung Quốc)": the issuer's locality and the partner."""
    folded = fold_same_length(text)
    m = re.search(r"\b(?:hop tac|ket nghia|quan he|giao luu)\s+(?:\w+\s+){0,3}?voi\s+", folded)
    if not m or home is None:
        return _named_localities(text, start)
    partner = _side(text[m.end() :], start + m.end())
    if not partner or partner[0].country == "VN":
        return []
    return [Party(home, "VN", (start, start)), partner[0]]


_WORD_RE = re.compile(r"[^\W\d_][\w'’-]*")
_LEVEL_WORDS = {"tinh": "tỉnh", "huyen": "huyện", "chau": "châu", "xa": "thị xã"}


def _capitalised_runs(text: str) -> list[tuple[str | None, str, int, int]]:
    """(level word before it, run of capitalised words, start, end) for each such run."""
    words = list(_WORD_RE.finditer(text))
    runs = []
    i = 0
    while i < len(words):
        if not words[i][0][0].isupper():
            i += 1
            continue
        j = i
        while (
            j + 1 < len(words)
            and j - i < 3
            and words[j + 1][0][0].isupper()
            and text[words[j].end() : words[j + 1].start()] == " "
        ):
            j += 1
        level = None
        if i > 0 and text[words[i - 1].end() : words[i].start()] == " ":
            level = _LEVEL_WORDS.get(vocab.fold(words[i - 1][0]))
            if vocab.fold(words[i - 1][0]) == "pho" and i > 1 and vocab.fold(words[i - 2][0]) == "thanh":
                level = "thành phố"
        runs.append((level, " ".join(w[0] for w in words[i : j + 1]), words[i].start(), words[j].end()))
        i = j + 1
    return runs


def _named_localities(text: str, start: int) -> list[Party]:
    """A headline such as "Đón đoàn tỉnh Hủa Phăn (Lào) thăm Thanh Hóa": each locality it names,
    when one of them is foreign."""
    parties: list[Party] = []
    for level, name, s, e in _capitalised_runs(text):
        if not level and len(name.split()) < 2:
            continue  # a lone capitalised word is rarely a place
        loc = vocab.lookup_locality(name, fuzzy=False)
        if loc is None or (loc.country == "VN" and loc.level not in ("tỉnh", "thành phố", "huyện", "thị xã", "quận")):
            continue
        label = f"{level or loc.level} {name}" if (level or loc.country != "VN") else f"{loc.level} {loc.name}"
        parties.append(Party(label, loc.country, (start + s, start + e)))
    if not any(p.country != "VN" for p in parties):
        return []
    seen: set[str] = set()
    return [p for p in parties if not (vocab.fold(p.name) in seen or seen.add(vocab.fold(p.name)))]  # type: ignore[func-returns-value]


_PERIOD_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-–—]\s*((?:19|20)\d{2})(?!\d)")


# "nhiệm kỳ 2026 - 2031", "khóa XV (2021 - 2026)": an elected term, not the plan's own span.
_TERM_BEFORE_RE = re.compile(r"(?:nhiem ky|khoa\s+[ivxl]+)\s*\(?\s*$")


def find_period(title: Named | None) -> Period | None:
    if title is None:
        return None
    for m in _PERIOD_RE.finditer(title.name):
        a, b = int(m[1]), int(m[2])
        if a < b <= a + 20 and not _TERM_BEFORE_RE.search(fold_same_length(title.name[: m.start()])):
            return Period(a, b, (title.span[0] + m.start(), title.span[0] + m.end()))
    return None


# "Thời gian thực hiện: từ tháng 10 năm 2025 đến hết tháng 3 năm 2026" (RULES 7): the plan's span
# stated in its own time line, with both years.
_TIME_LINE_RE = re.compile(r"^[\W\d.]*(?:[a-z]\)\s*)?thoi gian\b")
_FROM_TO_RE = re.compile(
    r"\btu\s+(?:(?:ngay|thang|quy)\s+[\divx/]+\s*)*(?:nam\s+)?(?:[\d]{1,2}/)*((?:19|20)\d{2})\b[^.;]{0,60}?"
    r"\bden\s+(?:het\s+)?(?:(?:ngay|thang|quy)\s+[\divx/]+\s*)*(?:nam\s+)?(?:[\d]{1,2}/)*((?:19|20)\d{2})\b"
)


def find_body_period(lines: Iterable[tuple[str, int]]) -> Period | None:
    """The span a plan's time line states ("Thời gian …: từ … năm X đến … năm Y"); ``lines`` are
    (text, offset) pairs of the document's body."""
    for text, offset in lines:
        folded = fold_same_length(text)
        if not _TIME_LINE_RE.match(folded):
            continue
        m = _FROM_TO_RE.search(folded)
        if m and int(m[1]) < int(m[2]) <= int(m[1]) + 20:
            return Period(int(m[1]), int(m[2]), (offset + m.start(), offset + m.end()))
    return None


# -- parties named in the body of news items and letters ---------------------------------------

_BODY_LEVELS = {
    "tinh": "tỉnh",
    "huyen": "huyện",
    "chau": "châu",
    "thanh pho": "thành phố",
    "thi xa": "thị xã",
    "quan": "quận",
    "khu tu tri": "Khu tự trị",
}
_TIER = {"tỉnh": 1, "thành phố": 1, "Khu tự trị": 1, "huyện": 2, "thị xã": 2, "quận": 2, "châu": 2}
# Level words as printed (and as OCR loses their marks), read in the text itself.
_MENTION_TEXT_RE = re.compile(
    r"(?<![\w])(khu tự trị|khu tu tri|thành phố|thanh pho|thị xã|thi xa|tỉnh|tinh|huyện|huyen|châu|chau|quận|quan)\s+",
    re.IGNORECASE,
)
# "các tỉnh Bắc Lào (Bò-Kẹo, U-đôm-xay)", "hai huyện Hạ Lang, Đại Tân", "hai tỉnh Cao Bằng - Quảng Tây".
_PLURAL_TEXT_RE = re.compile(
    r"(?<![\w])(?:các|cac|hai|02|ba|bốn|bon)\s+(tỉnh|tinh|huyện|huyen|châu|chau)\s+", re.IGNORECASE
)
_PLACE_NAME_RE = re.compile(r"[A-ZÀ-ỸĐ][\w'’]*(?:(?:-|\s)[A-ZÀ-ỸĐa-zà-ỹđ][\w'’]*){0,3}")
_BODY_COUNTRY_HINTS = (
    ("LA", re.compile(r"\blao\b")),
    ("CN", re.compile(r"\btrung quoc\b|\btrung hoa\b")),
    ("KH", re.compile(r"\bcampuchia\b|\bcam pu chia\b")),
    ("JP", re.compile(r"\bnhat ban\b")),
    ("KR", re.compile(r"\bhan quoc\b")),
    ("TH", re.compile(r"\bthai lan\b")),
)


def _place_name(text: str, at: int) -> tuple[str, int] | None:
    """The capitalised place name at ``at``, up to four words, ended by a lower-case word."""
    m = _PLACE_NAME_RE.match(text, at)
    if not m:
        return None
    words = m[0].split()
    kept = [words[0]]
    for w in words[1:]:
        if not w[0].isupper():
            break
        kept.append(w)
    name = " ".join(kept)
    if "-" in name:
        name = name  # "Bò-Kẹo", "U-đôm-xay": hyphenated Lao names are one word
    return name, at + len(name)


def _hint_country(window: str) -> str | None:
    folded = vocab.fold(window)
    for code, pattern in _BODY_COUNTRY_HINTS:
        if pattern.search(folded):
            return code
    return None


_COUNTRY_AFTER_RE = re.compile(r"^\s*(?:\(|,\s*(?:nước\s+)?)([^()]{2,30})")


def _mention(level: str, name: str, after: str) -> tuple[str, str, int] | None:
    """(label, country, tier) of "<level> <name>", from the vocabulary (the longest known start of
    the name: text glued by a scrape runs on) or from a country printed right after it."""
    words = name.split()
    if vocab.fold(words[0]) in ("uy", "ban"):
        return None
    loc = None
    for k in range(len(words), 0, -1):
        loc = vocab.lookup_locality(" ".join(words[:k]), fuzzy=False)
        if loc is not None:
            name = " ".join(words[:k])
            break
    country = loc.country if loc is not None else None
    if country is None:
        m = _COUNTRY_AFTER_RE.match(after)
        country = _hint_country(m[1]) if m else None
    if country is None:
        return None
    if loc is not None and loc.country == "VN" and level not in ("tỉnh", "thành phố", "huyện", "thị xã", "quận"):
        return None
    return f"{level} {name}", country, _TIER.get(level, 2)


@dataclass
class _Seen:
    label: str
    country: str
    tier: int
    count: int  # mentions as a side (a parent location does not count)
    first: int


def find_parties_in_body(text: str, start: int, end: int) -> list[Party]:
    """The two sides of a news item or a letter, from the localities its body names.

    The foreign side is every foreign locality named at the tier of the one named most; the
    Vietnamese side is the Vietnamese locality named most at that tier (or at any tier when none).
    A locality printed only as the parent of another ("huyện Đại Tân (tỉnh Quảng Tây, Trung
    Quốc)", "huyện Kà Lừm, tỉnh Sê Kông") is a location, not a party.
    """
    # Read in place (no copy or fold of the whole text: a long letter must not cost its size twice).
    found: dict[str, _Seen] = {}
    last_end = -10

    def add(label: str, country: str, tier: int, s: int, e: int, parent: bool) -> None:
        key = vocab.fold(label).replace(" ", "").replace("-", "")
        entry = found.setdefault(key, _Seen(label, country, tier, 0, s))
        if not parent:
            entry.count += 1

    for m in _MENTION_TEXT_RE.finditer(text, start, end):
        level_key = vocab.fold(m[1])
        at = m.end()
        got = _place_name(text, at)
        if got is None:
            continue
        name, name_end = got
        level = _BODY_LEVELS[level_key]
        mention: tuple[str, str, int] | None
        if level_key == "khu tu tri":
            full = re.compile(r"[^,;()]+").match(text, m.start(), end)
            label_text = _NAME_END_RE.split(full[0] if full else "")[0].strip()
            mention = (label_text, _country(label_text, text[m.start() : m.start() + 120]) or "CN", 1)
            name_end = m.start() + len(label_text)
        else:
            mention = _mention(level, name, text[name_end : name_end + 60])
        if mention is None:
            continue
        before = text[max(start, m.start() - 3) : m.start()]
        parent = before.endswith(("(", ", ")) and m.start() - last_end <= 3
        add(*mention, m.start(), name_end, parent)
        last_end = name_end
    for m in _PLURAL_TEXT_RE.finditer(text, start, end):
        level = _BODY_LEVELS[vocab.fold(m[1])]
        rest = text[m.end() : min(end, m.end() + 160)]
        paren = re.match(r"[^()\n]{0,30}?\(([^)]+)\)", rest)
        listed = paren[1] if paren else re.match(r"[^.;:()\n]*", rest)[0]  # type: ignore[index]
        around = text[max(start, m.start() - 300) : min(end, m.end() + 300)]
        for piece in re.split(r",|\s+-\s+|\s+–\s+|\s+và\s+", listed):
            got = _place_name(piece.strip(), 0)
            if got is None or got[0] != piece.strip():
                continue
            mention = _mention(level, got[0], "")
            if mention is None and paren:
                mention = (f"{level} {got[0]}", _hint_country(rest) or _hint_country(around) or "", _TIER[level])
            if mention is not None and mention[1]:
                add(*mention, m.start(), m.end(), False)
    mentioned = [v for v in found.values() if v.count > 0]
    foreign = [v for v in mentioned if v.country != "VN"]
    if not foreign:
        return []
    top = max(foreign, key=lambda v: (v.count, -v.first))
    partners = [v for v in foreign if v.tier == top.tier]
    home = [v for v in mentioned if v.country == "VN" and v.tier == top.tier]
    home = home or [v for v in mentioned if v.country == "VN"]
    sides = [max(home, key=lambda v: (v.count, -v.first))] if home else []
    sides += sorted(partners, key=lambda v: v.first)
    return [Party(v.label, v.country, (v.first, v.first)) for v in sides]


_LEVEL_PREFIX_RE = re.compile(r"^(?:khu tu tri(?: dan toc \w+)?|thanh pho|thi xa|tinh|huyen|chau|quan)\s+")


_SPELLING_WINDOW = 200_000


def most_printed(parties: list[Party], text: str) -> list[Party]:
    """Each party in the spelling the text prints most often ("Khu tự trị dân tộc Choang Quảng Tây"
    in the body over "Khu tự trị Choang Quảng Tây" in the headline)."""
    if not parties:
        return []
    out = []
    text = text[:_SPELLING_WINDOW]  # spellings are counted where parties are named: the opening pages
    folded = fold_same_length(text)
    for p in parties:
        loc = vocab.lookup_locality(p.name, fuzzy=False)
        bare = _LEVEL_PREFIX_RE.sub("", vocab.fold(p.name))
        keys = {bare} | ({vocab.fold(x) for x in (loc.name, *loc.variants)} if loc is not None else set())
        alternation = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
        counts: dict[str, int] = {}
        for m in re.finditer(r"(?<!\w)(?:" + alternation + r")(?!\w)", folded):
            # The printed form runs back over its level words ("khu tu tri dan toc choang …").
            start = m.start()
            if _LEVEL_PREFIX_RE.match(m.group()):
                printed = " ".join(text[start : m.end()].split())
                if not printed.isupper():
                    counts[printed] = counts.get(printed, 0) + 1
                continue
            level = re.search(
                r"(khu tu tri(?: dan toc(?: \w+)?)?|thanh pho|thi xa|tinh|huyen|chau|quan)\s+$",
                folded[max(0, start - 30) : start],
            )
            if level is None:
                continue
            s = start - (len(folded[max(0, start - 30) : start]) - level.start())
            printed = " ".join(text[s : m.end()].split())
            if printed.isupper():
                continue  # a header line in capitals is not a spelling
            counts[printed] = counts.get(printed, 0) + 1
        if not counts:
            out.append(p)
            continue
        best = max(counts, key=lambda k: counts[k])
        mine = counts.get(p.name, 0)
        if counts[best] > mine and vocab.fold(best).split()[0] == vocab.fold(p.name).split()[0]:
            printed = best if not best.split()[0].islower() or p.name[0].islower() else best
            out.append(Party(printed[:1].lower() + printed[1:] if p.name[:1].islower() else printed, p.country, p.span))
        else:
            out.append(p)
    return out
