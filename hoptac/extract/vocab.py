"""The extractor's vocabulary: agencies, abbreviations, localities and personal-name syllables.

The data lives in ``hoptac/extract/data/*.tsv`` (UTF-8, NFC, one header line after ``#`` comment
lines; ``data/README.md`` says what each column means and where it came from). Every loader reads
its file once (``functools.cache``); matching is done on :func:`fold` keys, so diacritics, case
and spacing do not matter, and rapidfuzz gives an OCR-tolerant fallback with a conservative cut-off.
Standard library and rapidfuzz only: no Django.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from hoptac.extract.text import fold_same_length

__all__ = [
    "Abbreviation",
    "Agency",
    "Locality",
    "abbreviation_table",
    "abbreviations",
    "agencies",
    "expand_abbreviations",
    "fold",
    "localities",
    "lookup_locality",
    "match_agency",
    "person_syllables",
    "repair_place_phrase",
    "restore_person_name",
    "successor",
]

# --------------------------------------------------------------------------------------------
# Folding and reading the data files


def fold(text: str) -> str:
    """The key for diacritic-insensitive matching: no marks, đ → d, casefolded, spaces collapsed.

    NFC and NFD input give the same key ("Bảo Lạc" → "bao lac", "Đồn" → "don").
    """
    return " ".join(fold_same_length(unicodedata.normalize("NFC", text)).split())


_PUNCT_RE = re.compile(r"[^\w\s]|_")


def _loose(text: str) -> str:
    """:func:`fold` with punctuation turned into spaces ("PT&TH" → "pt th", "Văn hóa - Thông tin")."""
    return " ".join(_PUNCT_RE.sub(" ", fold(text)).split())


def _compact(key: str) -> str:
    """A folded key without spaces, hyphens or apostrophes ("xay som bun" → "xaysombun")."""
    return re.sub(r"[\s\-'’‘.]+", "", key)


def _rows(filename: str, columns: int) -> Iterator[list[str]]:
    """The data rows of a TSV file in ``data/``: comment lines and the header line skipped.

    Fields are split on tabs only (no CSV quoting: notes contain quotation marks).
    """
    text = resources.files("hoptac.extract").joinpath("data", filename).read_text(encoding="utf-8")
    header_seen = False
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != columns:
            raise ValueError(f"{filename}:{number}: {len(fields)} columns, expected {columns}")
        if not header_seen:
            header_seen = True
            continue
        yield [unicodedata.normalize("NFC", f.strip()) for f in fields]


def _split_bar(field: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in field.split("|") if v.strip())


# Official tone placement: the tone of a final oa/oe/uy sits on its first vowel ("hòa", "Thủy").
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_TONED = {unicodedata.normalize("NFC", v + t): (v, t) for v in "aeyAEY" for t in _TONES}
_FINAL_TONE_RE = re.compile(r"(?<![qQ])([oOuU])([" + "".join(_TONED) + r"])(?![^\W\d_])")


def _official_tones(text: str) -> str:
    def swap(m: re.Match[str]) -> str:
        vowel, tone = _TONED[m[2]]
        return unicodedata.normalize("NFC", m[1] + tone) + vowel

    return _FINAL_TONE_RE.sub(swap, unicodedata.normalize("NFC", text))


# --------------------------------------------------------------------------------------------
# Abbreviations


@dataclass(frozen=True)
class Abbreviation:
    """One row of ``abbreviations.tsv``."""

    abbr: str
    expansion: str
    scope: str  # agency | text | both
    note: str = ""

    @property
    def context_sensitive(self) -> bool:
        """Listed for reference only: its meaning depends on the neighbouring word."""
        return self.note.startswith("context:")


@cache
def abbreviation_table() -> tuple[Abbreviation, ...]:
    """Every row of ``abbreviations.tsv``, context-sensitive ones included."""
    return tuple(Abbreviation(*row) for row in _rows("abbreviations.tsv", 4))


@cache
def abbreviations() -> dict[str, str]:
    """Abbreviation → expansion for agency names (scope agency and both), without the
    context-sensitive ones ("TT", "BCH" …, which are expanded only in their multi-word rows)."""
    return {
        a.abbr: a.expansion for a in abbreviation_table() if a.scope in ("agency", "both") and not a.context_sensitive
    }


def _ascii_form(abbr: str) -> str:
    """The OCR form of an abbreviation that lost its diacritics ("HĐND" → "HDND")."""
    decomposed = unicodedata.normalize("NFD", abbr.replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_SCOPES = {"agency": ("agency", "both"), "text": ("text", "both"), "all": ("agency", "text", "both")}


@cache
def _abbr_pattern(scope: str) -> tuple[re.Pattern[str], dict[str, str], re.Pattern[str]]:
    scopes = _SCOPES[scope]
    table: dict[str, str] = {}
    for a in abbreviation_table():
        if a.scope in scopes and not a.context_sensitive:
            table.setdefault(a.abbr, a.expansion)
    every = {a.abbr for a in abbreviation_table()}
    for abbr, expansion in list(table.items()):
        plain = _ascii_form(abbr)
        # Only long all-caps ones: "GĐ" → "GD" would collide with GD (giáo dục).
        if plain != abbr and abbr.upper() == abbr and len(abbr) >= 4 and plain not in every:
            table.setdefault(plain, expansion)
    parts = []
    for abbr in sorted(table, key=lambda a: (-len(a), a)):
        body = r"\s+".join(re.escape(w) for w in abbr.split())
        left = r"(?<![\w&])" if (abbr[0].isalnum()) else ""
        right = r"(?![\w&])" if (abbr[-1].isalnum()) else ""
        parts.append(left + body + right)
    keys = {" ".join(k.split()): v for k, v in table.items()}
    # Every abbreviation has two capitals in a row: text without them is returned at once.
    capitals = sorted({ch for abbr in table for ch in abbr if ch.isupper()})
    quick = re.compile("[" + re.escape("".join(capitals)) + "]{2}")
    return re.compile("|".join(parts)), keys, quick


def _in_symbol(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` sits in a document symbol or number ("489-CV/TU", "TT-BTTTT")."""
    left = start
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    right = end
    while right < len(text) and not text[right].isspace():
        right += 1
    chunk = text[left:right]
    return "/" in chunk or any(ch.isdigit() for ch in chunk)


def expand_abbreviations(text: str, *, scope: str = "agency") -> str:
    # The extractor expands the same short names over and over.
    return _expand_cached(text, scope) if len(text) < 300 else _expand(text, scope)


@lru_cache(maxsize=32768)
def _expand_cached(text: str, scope: str) -> str:
    return _expand(text, scope)


def _expand(text: str, scope: str) -> str:
    """Abbreviations spelled out, longest first, only as whole tokens and case-sensitively.

    "UBND tỉnh" → "Ủy ban nhân dân tỉnh", "Sở TTTT" → "Sở Thông tin và Truyền thông",
    "Đài PT&TH tỉnh" → "Đài Phát thanh và Truyền hình tỉnh". Ordinary words are never touched
    (abbreviations are matched case-sensitively), nor are document symbols ("489-CV/TU").
    ``scope`` is "agency" (agency and both rows; the default), "text" or "all".
    """
    pattern, table, quick = _abbr_pattern(scope)
    text = unicodedata.normalize("NFC", text)
    if not quick.search(text):
        return text

    def replace(m: re.Match[str]) -> str:
        if _in_symbol(m.string, m.start(), m.end()):
            return m[0]
        expansion = table[" ".join(m[0].split())]
        after = m.string[m.end() : m.end() + 1]
        if m[0].endswith(".") and after.isalnum():
            expansion += " "  # "TP.HCM" → "thành phố Hồ Chí Minh"
        return expansion

    return pattern.sub(replace, text)


# --------------------------------------------------------------------------------------------
# Localities


@dataclass(frozen=True)
class Locality:
    """A Vietnamese or foreign administrative unit.

    ``level`` is the level word documents print before the name ("tỉnh", "thành phố", "huyện",
    "thị xã", "quận", "thủ đô", "khu tự trị", "châu"); ``tier`` is 1 for a first-level unit
    (province), 2 for the level below it (Vietnamese district, Chinese prefecture, Lao district),
    3 below that (Chinese county). ``successor`` is, for Vietnamese units, the province the unit
    belongs to from 1 July 2025; ``None`` for foreign ones.
    """

    name: str
    level: str
    country: str
    parent: str | None = None
    native: str | None = None
    romanized: str | None = None
    variants: tuple[str, ...] = ()
    successor: str | None = None
    tier: int = 1

    @property
    def full_name(self) -> str:
        """Name with its level word: "tỉnh Xay Sôm Bun", "huyện Na Pô"."""
        return f"{self.level} {self.name}"


@cache
def localities() -> tuple[Locality, ...]:
    """Vietnamese units (``vn_units.tsv``, country "VN") followed by foreign ones."""
    out: list[Locality] = []
    for level, kind, name, province, succ, aliases in _rows("vn_units.tsv", 6):
        out.append(
            Locality(
                name=name,
                level=kind,
                country="VN",
                parent=province or None,
                variants=_split_bar(aliases),
                successor=succ or None,
                tier=1 if level == "province" else 2,
            )
        )
    foreign = list(_rows("foreign_localities.tsv", 7))
    parents = {(r[0], r[2]): r[3] for r in foreign}

    def depth(country: str, parent: str) -> int:
        d = 1
        seen: set[str] = set()
        while parent and parent not in seen:
            seen.add(parent)
            d += 1
            parent = parents.get((country, parent), "")
        return d

    for country, level, name, parent, native, romanized, variants in foreign:
        out.append(
            Locality(
                name=name,
                level=level,
                country=country,
                parent=parent or None,
                native=native or None,
                romanized=romanized or None,
                variants=_split_bar(variants),
                tier=depth(country, parent),
            )
        )
    return tuple(out)


# Level words that may precede a locality's name, longest first (folded).
_LEVEL_WORDS = (
    "huyen tu tri",
    "chau tu tri",
    "khu tu tri",
    "thanh pho",
    "thi tran",
    "thu do",
    "dac khu",
    "thi xa",
    "tinh",
    "huyen",
    "quan",
    "chau",
    "phuong",
    "xa",
    "tp.",
    "tp",
    "tx.",
    "tx",
)
_LEADING_LEVEL_RE = re.compile(r"^(?:" + "|".join(re.escape(w) for w in _LEVEL_WORDS) + r")(?:\s+|(?<=\.))")


def _locality_keys(loc: Locality) -> Iterator[str]:
    for text in (loc.name, loc.romanized or "", *loc.variants):
        if text:
            key = fold(text)
            yield key
            yield _compact(key)
            loose = _loose(text)
            if loose != key:
                yield loose
    if loc.native:
        yield fold(loc.native)
        yield unicodedata.normalize("NFC", loc.native).casefold()


@cache
def _locality_index() -> tuple[dict[str, tuple[Locality, ...]], tuple[str, ...]]:
    """Key → localities (first-level units first, then file order), and the Latin keys for fuzzing."""
    ordered = sorted(localities(), key=lambda loc: (loc.country != "VN", loc.tier))
    index: dict[str, list[Locality]] = {}
    for loc in ordered:
        for key in dict.fromkeys(_locality_keys(loc)):
            if key:
                bucket = index.setdefault(key, [])
                if loc not in bucket:
                    bucket.append(loc)
    latin = tuple(k for k in index if k.isascii())
    return {k: tuple(v) for k, v in index.items()}, latin


def _spellings(loc: Locality) -> set[str]:
    """The locality's names as written, casefolded with diacritics kept."""
    texts = (loc.name, loc.romanized or "", loc.native or "", *loc.variants)
    return {" ".join(_official_tones(t).casefold().split()) for t in texts if t}


def _level_ok(loc: Locality, level: str | None) -> bool:
    if level is None:
        return True
    lv = fold(level)
    if lv == "province":
        return loc.tier == 1
    if lv == "district":
        return loc.tier >= 2
    return fold(loc.level) == lv


def _filter(cands: Iterable[Locality], country: str | None, level: str | None) -> list[Locality]:
    cc = country.upper() if country else None
    return [c for c in cands if (cc is None or c.country == cc) and _level_ok(c, level)]


def _query_keys(text: str) -> list[str]:
    """Folded keys to try for a query: as given, then without a leading level word (repeatedly)."""
    key = fold(text).strip(" ,.;:-")
    keys = [key]
    while True:
        stripped = _LEADING_LEVEL_RE.sub("", key, count=1).strip()
        if stripped == key or not stripped:
            break
        keys.append(stripped)
        key = stripped
    return keys


def lookup_locality(
    text: str,
    country: str | None = None,
    level: str | None = None,
    *,
    score_cutoff: float = 85.0,
    fuzzy: bool = True,
) -> Locality | None:
    """The locality ``text`` names, or ``None``.

    Exact match on the folded name, variants, romanisation or native script (also with spaces and
    hyphens removed: "Xaysomboun" = "Xay Sôm Bun", "Daklak" = "Đắk Lắk"), with or without a leading
    level word ("huyện Na Pô", "Khu tự trị dân tộc Choang Quảng Tây"); then, if ``fuzzy``, a
    rapidfuzz ratio on folded names of at least five letters (OCR: "Bach Sic" → Bách Sắc), with
    ``score_cutoff`` high enough that "Hà Nam" never becomes "Hà Nội". ``country`` is an ISO code;
    ``level`` is a level word ("huyện") or "province" / "district". A name shared by several units
    gives a Vietnamese unit before a foreign one ("Trùng Khánh" the district of Cao Bằng, not
    Chongqing) and a first-level unit before a lower one ("Cao Bằng" the province, not the city):
    pass ``country`` or ``level`` to choose.
    """
    index, latin = _locality_index()
    text = re.sub(r"\([^)]*\)", " ", unicodedata.normalize("NFC", text)).strip(" ,.;:-\t\n")
    if not text:
        return None
    keys = _query_keys(text)
    words = text.casefold().split()
    tries: list[tuple[str, str]] = []
    for i, key in enumerate(keys):
        if key.isdigit() and i == 0:
            continue  # "1" alone is not "Quận 1"
        # The same words as printed, diacritics kept: they choose between "Phú Ninh" and "Phù Ninh".
        printed = " ".join(words[len(words) - len(key.split()) :])
        if i == 0:
            tries.append((printed, printed))  # native script keeps its marks
        tries += [(key, printed), (_compact(key), printed), (_loose(key), printed)]
    for k, printed in tries:
        found = _filter(index.get(k, ()), country, level)
        if found:
            same = [loc for loc in found if printed in _spellings(loc)]
            return (same or found)[0]
    if not fuzzy:
        return None
    best: tuple[float, Locality] | None = None
    for key in keys:
        query = _loose(key)
        if len(_compact(query)) < 5 or not query.isascii():
            continue
        hits = process.extract(query, latin, scorer=fuzz.ratio, score_cutoff=score_cutoff, limit=10)
        for choice, score, _ in hits:
            found = _filter(index[choice], country, level)
            if found and (best is None or score > best[0]):
                best = (score, found[0])
    return best[1] if best else None


def successor(name: str) -> str | None:
    """The province a Vietnamese unit belongs to from 1 July 2025 ("Bắc Giang" → "Bắc Ninh",
    "huyện Vị Xuyên" → "Tuyên Quang", "Cao Bằng" → "Cao Bằng"); ``None`` if unknown."""
    loc = lookup_locality(name, country="VN", fuzzy=False)
    return loc.successor if loc else None


_LEVEL_SPELLING = {
    "tinh": "tỉnh",
    "huyen": "huyện",
    "thanh pho": "thành phố",
    "thi xa": "thị xã",
    "thi tran": "thị trấn",
    "quan": "quận",
    "phuong": "phường",
    "xa": "xã",
    "chau": "châu",
    "thu do": "thủ đô",
    "khu tu tri": "khu tự trị",
}


def repair_place_phrase(text: str) -> str:
    """A level word and place restored from OCR: "huyen Bao Lac" → "huyện Bảo Lạc", "tinh" → "tỉnh".

    Words that are not recognised are kept as printed.
    """
    words = text.split()
    if not words:
        return text
    out: list[str] = []
    i = 0
    while i < len(words):
        two = fold(" ".join(words[i : i + 2]))
        one = fold(words[i])
        if two in _LEVEL_SPELLING and len(words) > i + 1:
            out.append(_LEVEL_SPELLING[two])
            i += 2
            continue
        if one in _LEVEL_SPELLING:
            out.append(_LEVEL_SPELLING[one])
            i += 1
            continue
        break
    rest = " ".join(words[i:])
    if rest:
        loc = lookup_locality(rest, country=None)
        out.append(loc.name if loc is not None else rest)
    if out and words[0][:1].isupper():
        out[0] = out[0][:1].upper() + out[0][1:]
    return " ".join(out)


# --------------------------------------------------------------------------------------------
# Agencies


@dataclass(frozen=True)
class Agency:
    """One row of ``agencies.tsv``: canonical name without a trailing level word or place."""

    name: str
    level: str  # central | province | district | commune | any
    kind: str  # so | phong | ban | van_phong | cong_an | quan_su | bien_phong | bao_dai | doan_the …
    aliases: tuple[str, ...] = ()


@cache
def agencies() -> tuple[Agency, ...]:
    rows = _rows("agencies.tsv", 4)
    return tuple(Agency(name, level, kind, _split_bar(aliases)) for name, level, kind, aliases in rows)


_DROP_WORDS = frozenset({"cac", "cua"})
# Trailing level words that go with a place or stand alone ("Sở Ngoại vụ tỉnh", "… huyện Bảo Lạc").
_TRAIL_LEVELS = ("thanh pho", "thi xa", "thi tran", "tinh", "huyen", "tp", "tx")
# Level words stripped only when they end the name ("xa" would eat "Hợp tác xã" otherwise).
_END_ONLY_LEVELS = ("xa", "phuong", "quan")


def _agency_key(text: str) -> str:
    """Folded, punctuation as spaces, without "các"/"của" (the scorer ignores them too)."""
    return " ".join(w for w in _loose(text).split() if w not in _DROP_WORDS)


@cache
def _place_keys() -> frozenset[str]:
    keys: set[str] = set()
    for loc in localities():
        for text in (loc.name, loc.romanized or "", *loc.variants):
            if text:
                keys.add(_agency_key(text))
    keys.discard("")
    return frozenset(keys)


def _stripped_keys(key: str) -> list[str]:
    """``key``, then ``key`` without its trailing level word or level word and known place, one step
    at a time ("so ngoai vu tinh bac giang" → "so ngoai vu")."""
    words = key.split()
    places = _place_keys()
    out = [key]
    while len(words) > 1:
        cut = 0
        for n in range(min(6, len(words) - 1), 0, -1):
            tail = " ".join(words[-n:])
            if tail not in places:
                continue
            for level in _TRAIL_LEVELS:
                lw = level.split()
                if len(words) - n > len(lw) and words[-n - len(lw) : -n] == lw:
                    cut = n + len(lw)
                    break
            if cut:
                break
        if not cut:
            for level in _TRAIL_LEVELS + _END_ONLY_LEVELS:
                lw = level.split()
                if len(words) > len(lw) and words[-len(lw) :] == lw:
                    cut = len(lw)
                    break
        if not cut:
            break
        words = words[:-cut]
        out.append(" ".join(words))
    return out


@cache
def _agency_index() -> tuple[dict[str, Agency], tuple[str, ...], frozenset[str]]:
    """Exact keys → agency; the keys rapidfuzz compares with (level words stripped); head words."""
    index: dict[str, Agency] = {}
    fuzzy: dict[str, None] = {}
    for agency in agencies():
        for text in (agency.name, *agency.aliases):
            for variant in dict.fromkeys((text, expand_abbreviations(text))):
                steps = _stripped_keys(_agency_key(variant))
                for key in steps:
                    if key:
                        index.setdefault(key, agency)
                if steps[-1]:
                    fuzzy[steps[-1]] = None
    heads = frozenset(k.split()[0] for k in index)
    return index, tuple(fuzzy), heads


def _same_head(query: str, choice: str, heads: frozenset[str]) -> bool:
    """Whether two keys open with the same head word, OCR allowing ("pon" ~ "don", not "bao" ~ "bo")."""
    q, c = query.split()[0], choice.split()[0]
    if q == c:
        return True
    if q in heads:
        return False  # a different agency head ("Báo Công Thương" is not "Bộ Công Thương")
    return fuzz.ratio(q, c) >= 50


@lru_cache(maxsize=65536)
def match_agency(text: str, score_cutoff: float = 85.0) -> Agency | None:
    """The vocabulary agency that ``text`` names, or ``None``.

    ``text`` is expanded ("VP UBND" → "Văn phòng Ủy ban nhân dân") and folded; "các"/"của", a
    trailing level word and a trailing level word plus place ("tỉnh Bắc Giang") are ignored. Exact
    match first, then rapidfuzz ``fuzz.ratio`` on folded names at ``score_cutoff``, among names with
    the same head word ("Sở", "Phòng" …; an unknown head is allowed if it is near: OCR). That
    tolerates OCR damage ("Phong Vin hoa - Thong tin" → Phòng Văn hóa - Thông tin; "Cac Pon Bién
    phong" → Đồn Biên phòng) but not a different agency, a bare field ("Tài chính") or a phrase.
    """
    text = re.sub(r"\([^)]*\)", " ", unicodedata.normalize("NFC", text))
    index, choices, heads = _agency_index()
    raw = _agency_key(expand_abbreviations(text))
    if not raw:
        return None
    candidates = _stripped_keys(raw)
    for key in candidates:
        if key in index:
            return index[key]
    best: tuple[float, str] | None = None
    for key in candidates:
        if len(_compact(key)) < 6:
            continue
        hits = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=score_cutoff, limit=5)
        for choice, score, _ in hits:
            if _same_head(key, choice, heads) and (best is None or score > best[0]):
                best = (score, choice)
                break
    return index[best[1]] if best else None


# --------------------------------------------------------------------------------------------
# Personal names


@cache
def _syllable_rows() -> tuple[tuple[str, str, int], ...]:
    return tuple((syl, role, int(rank)) for syl, role, rank in _rows("person_names.tsv", 3))


@cache
def person_syllables() -> dict[str, tuple[str, ...]]:
    """Folded syllable → its diacritized spellings, most frequent first ("hung" → Hùng, Hưng, Hứng)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for syl, _role, rank in _syllable_rows():
        groups.setdefault(fold(syl), []).append((rank, syl))
    return {k: tuple(s for _, s in sorted(v)) for k, v in groups.items()}


@cache
def _syllable_roles() -> dict[str, str]:
    return {syl: role for syl, role, _ in _syllable_rows()}


@cache
def name_syllables() -> frozenset[str]:
    """Every syllable, as spelled, of the vocabulary's agency names and Vietnamese places: a printed
    name made only of these is clean text, not OCR damage to repair."""
    words: set[str] = set()
    for agency in agencies():
        for name in (agency.name, *agency.aliases):
            words.update(w.casefold() for w in re.findall(r"[^\W\d_]+", expand_abbreviations(name)))
    for loc in localities():
        if loc.country == "VN":
            words.update(w.casefold() for w in re.findall(r"[^\W\d_]+", loc.name))
    words.update(w.casefold() for w in _known_spellings())
    return frozenset(words)


@cache
def _known_spellings() -> frozenset[str]:
    return frozenset(s.casefold() for s, _, _ in _syllable_rows())


_TOKEN_EDGE_RE = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)


def _pick(keys: list[str], position: str) -> str | None:
    table = person_syllables()
    roles = _syllable_roles()
    best: tuple[int, int, int, str] | None = None
    for key_order, key in enumerate(keys):
        for rank, form in enumerate(table[key]):
            mismatch = 0 if roles[form] in (position, "any") else 1
            cand = (mismatch, rank, key_order, form)
            if best is None or cand < best:
                best = cand
    return best[3] if best else None


def _restore_syllable(core: str, position: str, stripped_name: bool) -> str:
    table = person_syllables()
    core = _official_tones(core)
    if core.casefold() in _known_spellings() and (not core.isascii() or not stripped_name):
        return core  # correctly accented (or, in an accented name, a spelling without marks: "Minh")
    letters = sum(ch.isalpha() for ch in core)
    if letters < 2:
        return core
    junk = any(not ch.isalpha() for ch in core)
    if junk:
        pattern = re.compile("".join("." if not ch.isalpha() else re.escape(fold(ch)) for ch in core))
        keys = [k for k in table if len(k) == len(core) and pattern.fullmatch(k)]
    else:
        key = fold(core)
        keys = [key] if key in table else []
        if not keys and len(key) >= 4:
            near = [k for k in table if abs(len(k) - len(key)) <= 1 and Levenshtein.distance(k, key) <= 1]
            keys = near if len(near) == 1 else []
    form = _pick(keys, position)
    if form is None:
        return core
    if core.isupper() and len(core) > 1:
        return form.upper()
    return form


def restore_person_name(text: str) -> str:
    """Best-effort diacritics for an OCR-damaged personal name ("Nguy&n Manh Hung" → "Nguyễn Mạnh Hùng").

    Each syllable is looked up by its folded form (non-letters inside a word stand for one lost
    letter); the first word prefers surnames, the last given names, the others middle names, and
    within that the most frequent spelling. Correctly accented syllables are kept as they are.
    """
    parts = re.split(r"(\s+)", unicodedata.normalize("NFC", text))
    words = [i for i, p in enumerate(parts) if p and not p.isspace()]
    # A name printed without any diacritics has lost them: "Thi" there is "Thị", not "Thi".
    stripped_name = all(fold(parts[i]) == parts[i].casefold() for i in words)
    for n, i in enumerate(words):
        m = _TOKEN_EDGE_RE.match(parts[i])
        if not m or not m[2]:
            continue
        if len(words) == 1:
            position = "given"
        elif n == 0:
            position = "surname"
        elif n == len(words) - 1:
            position = "given"
        else:
            position = "middle"
        parts[i] = m[1] + _restore_syllable(m[2], position, stripped_name) + m[3]
    return "".join(parts)
