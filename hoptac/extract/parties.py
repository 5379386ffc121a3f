"""Stage 4, find (parties and period): who the cooperation is between, and for which years."""

from __future__ import annotations

import re

from hoptac.extract import vocab
from hoptac.extract.model import Named, Party, Period
from hoptac.extract.text import fold_same_length

__all__ = ["find_parties", "find_period"]

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
    stripped = re.match(r"^\s*(?:(?:uy ban nhan dan|ubnd|chinh quyen(?: nhan dan)?|doan dai bieu|hai|cac)\s+)*", folded)
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


def find_period(title: Named | None) -> Period | None:
    if title is None:
        return None
    m = _PERIOD_RE.search(title.name)
    if not m:
        return None
    a, b = int(m[1]), int(m[2])
    if not a < b <= a + 20:
        return None
    return Period(a, b, (title.span[0] + m.start(), title.span[0] + m.end()))
