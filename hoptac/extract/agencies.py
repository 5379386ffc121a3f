"""Stage 4, find (agencies): read lists of agency names out of running text.

"Sở Ngoại vụ, Các Sở: Xây dựng, Tài chính và các cơ quan liên quan" → Sở Ngoại vụ, Sở Xây
dựng, Sở Tài chính. Shared heads are distributed, catch-all groups dropped, abbreviations
expanded, OCR damage repaired against the vocabulary, and a name ends where the sentence's
verb begins. The grammar words live in ``data/agency_grammar.txt``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from rapidfuzz import fuzz, process

from hoptac.extract import vocab
from hoptac.extract.model import Named
from hoptac.extract.text import fold_same_length, trie_pattern

__all__ = [
    "Grammar",
    "clean_agency_name",
    "grammar",
    "group_levels",
    "is_catchall",
    "is_tier_group",
    "parse_agency_list",
    "starts_with_agency",
    "title_end",
]


@dataclass(frozen=True)
class Grammar:
    heads: re.Pattern[str]
    stops: re.Pattern[str]
    catchall: frozenset[str]
    keep: tuple[str, ...]
    protect: re.Pattern[str]
    group: re.Pattern[str]
    titles: re.Pattern[str]  # on lower-case text, diacritics kept
    addressees: re.Pattern[str]


def _alternation(words: list[str]) -> str:
    return trie_pattern(set(words))


@cache
def grammar() -> Grammar:
    sections: dict[str, list[str]] = {}
    titles: list[str] = []  # matched with their diacritics: "trưởng" is not "Trường"
    current = ""
    text = resources.files("hoptac.extract").joinpath("data/agency_grammar.txt").read_text("utf-8")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            continue
        sections.setdefault(current, []).append(vocab.fold(line))
        if current == "titles":
            titles.append(line.lower())
    # Agency names from the vocabulary that contain separators are protected as well.
    protect = list(sections["protect"])
    for agency in vocab.agencies():
        for name in (agency.name, *agency.aliases):
            key = vocab.fold(name)
            if re.search(r",| va | - |-", key):
                protect.append(key)
    levels = _alternation(sections["levels"])
    # "ủy ban nhân dân các xã, phường, đặc khu", "ubnd cấp xã", "ubnd huyện, thành phố" (folded);
    # not "ubnd xã tân lập", one commune's committee, which a place name follows.
    group = (
        r"(?:uy ban nhan dan|ubnd)\s+(?:(?:cac|cap)\s+)+(?:" + levels + r")(?:\s*(?:,|va|/)\s*(?:" + levels + r"))*"
        r"|(?:uy ban nhan dan|ubnd)\s+(?:" + levels + r")(?:\s*(?:,|va|/)\s*(?:" + levels + r"))+"
    )
    return Grammar(
        group=re.compile(r"(?<!\w)(?:" + group + r")(?!\w)"),
        heads=re.compile(
            r"(?!(?:"
            + _alternation(sections["not_heads"])
            + r")(?![\w]))(?:"
            + _alternation(sections["heads"])
            + r")(?![\w])"
        ),
        stops=re.compile(r"(?<![\w])(?:" + _alternation(sections["stops"]) + r")(?![\w])"),
        catchall=frozenset(" ".join(c.replace(",", " ").split()) for c in sections["catchall"]),
        keep=tuple(" ".join(k.replace(",", " ").split()) for k in sections["keep"]),
        protect=re.compile(_alternation(protect) + "|" + group),
        titles=re.compile(r"(?:" + _alternation(titles) + r")\s+(?:các\s+)?(?=\w)"),
        addressees=re.compile(r"cac\s+(?:" + _alternation(sections["addressees"]) + r")(?!\w)"),
    )


@lru_cache(maxsize=65536)
def _key(text: str) -> str:
    return " ".join(_NOT_KEY_RE.sub(" ", vocab.fold(text)).split()).strip(" ,")


_NOT_KEY_RE = re.compile(r"[^\w\s,&-]")


def title_end(lowered: str, pos: int = 0) -> int:
    """Where a head's title ends ("Giám đốc ", "Thủ trưởng các "), or ``pos`` when none opens there;
    ``lowered`` is the text in lower case (with its diacritics: "Trưởng" is a title, "Trường" a body)."""
    m = grammar().titles.match(lowered, pos)
    return m.end() if m else pos


def starts_with_agency(text: str) -> bool:
    """Whether ``text`` opens with an agency head word ("Sở", "UBND", "Báo" …) or a known name,
    possibly after its head's title ("Giám đốc Sở …")."""
    stripped = text.lstrip(" -+•*").lstrip()
    folded = fold_same_length(stripped)
    at = title_end(stripped.lower())
    return bool(grammar().heads.match(folded, at) or _vocab_names().match(folded, at))


_TAIL_RE = re.compile(
    r"\s*(?:\b(?:và|cùng)\s+)?(?:các|những)?\s*(?:cơ quan|đơn vị|địa phương|sở|ngành)"
    r"[^;]*?(?:liên quan|có liên quan)\b.*$",
    re.IGNORECASE,
)
_PAREN_RE = re.compile(r"\s*\([^)]*\)")
_OF_PROVINCE_RE = re.compile(r"\bcủa (tỉnh|huyện|thành phố|thị xã)\b")


_LEVEL_SPELLING = {"tinh": "tỉnh", "huyen": "huyện", "xa": "xã", "thanh pho": "thành phố", "thi xa": "thị xã"}
_LEVEL_END_RE = re.compile(r"\s+(t[iỉíìĩị]nh|huy[eêéèẻẽẹếềểễệ]n|th[aà]nh ph[oốồổỗộ])$", re.IGNORECASE)


@lru_cache(maxsize=65536)
def is_catchall(name: str) -> bool:
    key = " ".join(_key(name).replace(",", " ").split())
    g = grammar()
    if key.startswith(g.keep):
        return False
    return key in g.catchall or key.startswith(_catchall_prefixes())


@cache
def _catchall_prefixes() -> tuple[str, ...]:
    """Groups that a longer name still only extends ("các cơ quan liên quan của tỉnh")."""
    return tuple(c + " " for c in grammar().catchall if c.startswith("cac ") or " " in c)


@lru_cache(maxsize=65536)
def clean_agency_name(name: str) -> str:
    """Expanded, tidied agency name: "UBND huyện, thành phố" → "Ủy ban nhân dân các huyện, thành phố"."""
    name = _PAREN_RE.sub("", name)
    name = re.sub(r"^[\s\-+•*:.,;]+|[\s\-+•*:.,;]+$", "", name)
    name = re.sub(r"^(?:và|cùng|với)\s+", "", name)
    abbreviated = bool(_ACRONYM_RE.search(name))
    name = vocab.expand_abbreviations(name)
    name = _OF_PROVINCE_RE.sub(r"\1", name)
    name = re.sub(r"\s+", " ", name).strip()
    name = _PROVINCE_TIER_RE.sub(" tỉnh", name)  # "Ban Chỉ huy … cấp tỉnh" is the province's
    name = _LEVEL_END_RE.sub(lambda m: " " + _LEVEL_SPELLING[vocab.fold(m[1])], name)
    # "Ủy ban nhân dân huyện, thành phố" is the group of every district's committee.
    group = grammar().group.fullmatch(fold_same_length(name))
    if group is not None:
        name = _group_name(name)
    if abbreviated:
        # An abbreviated form the vocabulary lists ("Văn phòng HĐND-UBND") is its agency's name.
        name = _canonical_form(name)
    if not _exact(name) and _damaged(name):
        # The vocabulary repairs OCR damage; a cleanly printed name is kept as printed.
        match = vocab.match_agency(name)
        if match is not None:
            name = _repair(name, match.name)
    return name[:1].upper() + name[1:]


_PROVINCE_TIER_RE = re.compile(r"\s+cấp\s+tỉnh$")
_GROUP_HEAD_RE = re.compile(r"^(?:Ủy ban nhân dân|UBND)\s+(?:các\s+)?", re.IGNORECASE)


def _group_name(name: str) -> str:
    """ "UBND xã, phường" → "Ủy ban nhân dân các xã, phường"; "cấp xã" is kept as printed."""
    levels = _GROUP_HEAD_RE.sub("", name)
    levels = re.sub(r"\s*,\s*", ", ", levels)
    if levels.lower().startswith("cấp "):
        return "Ủy ban nhân dân " + levels
    return "Ủy ban nhân dân các " + levels


_LEVEL_SEP_RE = re.compile(r"\s*(?:,|\bva\b|/)\s*")
_TIERS = {
    "cap xa": frozenset({"xa", "phuong", "thi tran", "dac khu"}),
    "cap huyen": frozenset({"huyen", "quan", "thi xa", "thanh pho"}),
}


def group_levels(name: str) -> frozenset[str] | None:
    """The levels of a group of committees ("Ủy ban nhân dân các xã, phường" → {xa, phuong}),
    or None when ``name`` is not such a group. "cấp xã" gives every commune-level word."""
    folded = fold_same_length(name)
    if not grammar().group.fullmatch(folded):
        return None
    rest = re.sub(r"^(?:uy ban nhan dan|ubnd)\s+(?:cac\s+)?", "", folded)
    if rest in _TIERS:
        return _TIERS[rest]
    return frozenset(x for x in _LEVEL_SEP_RE.split(rest) if x)


def is_tier_group(name: str) -> bool:
    """ "Ủy ban nhân dân cấp xã": a tier, named by whatever group of that tier the document prints."""
    return re.sub(r"^(?:uy ban nhan dan|ubnd)\s+", "", fold_same_length(name)) in _TIERS


def _damaged(name: str) -> bool:
    """Whether a syllable of ``name`` is spelled as no vocabulary name spells it ("Vin", "Phong")."""
    known = vocab.name_syllables()
    return _garbled(name) or any(w.casefold() not in known for w in re.findall(r"[^\W\d_]+", name))


_ACRONYM_RE = re.compile(r"\b[A-ZĐ]{2,}\b")


def _canonical_form(name: str) -> str:
    m = _vocab_names().match(fold_same_length(name))
    if m is None:
        return name
    canonical = _canonical_by_dkey().get(_dkey(name[: m.end()]))
    return canonical + name[m.end() :] if canonical else name


@cache
def _canonical_by_dkey() -> dict[str, str]:
    """Each spelled-out alias of an agency → its name, where the two differ only by punctuation."""
    out: dict[str, str] = {}
    for agency in vocab.agencies():
        for alias in agency.aliases:
            key = _dkey(vocab.expand_abbreviations(alias))
            added = set(_dkey(agency.name).split()) ^ set(key.split())
            # Only a joiner the abbreviation leaves out ("HĐND-UBND" → "HĐND và UBND"), never words
            # the document does not print.
            if key != _dkey(agency.name) and added <= {"và"}:
                out.setdefault(key, agency.name)
    return out


def _exact(name: str) -> bool:
    """Whether the (expanded) name is printed as the vocabulary spells one of its forms.

    Such a name is kept as printed: no words are added that the document never prints.
    """
    m = _vocab_names().match(fold_same_length(name))
    return m is not None and _dkey(name[: m.end()]) in _diacritic_keys()


def _dkey(text: str) -> str:
    """Lower case, punctuation as spaces, diacritics kept: "Văn phòng" ≠ "Van phong"."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


@cache
def _diacritic_keys() -> frozenset[str]:
    keys = set()
    for agency in vocab.agencies():
        for name in (agency.name, *agency.aliases):
            keys.add(_dkey(vocab.expand_abbreviations(name)))
    return frozenset(keys)


def _repair(printed: str, canonical: str) -> str:
    """Replace the part of ``printed`` that the vocabulary recognised, keeping its level suffix."""
    key_p, key_c = vocab.fold(printed), vocab.fold(canonical)
    if key_p.startswith(key_c):
        return canonical + printed[len(canonical) :] if len(printed) >= len(canonical) else canonical
    words_p = printed.split()
    n = len(canonical.split())
    # Keep a printed level word and place ("tỉnh", "huyện Bảo Lạc") after the repaired name.
    for cut in range(len(words_p), 0, -1):
        head = " ".join(words_p[:cut])
        if vocab.match_agency(head) is not None and abs(cut - n) <= 2:
            tail = " ".join(words_p[cut:])
            tail = vocab.repair_place_phrase(tail) if tail else ""
            return (canonical + " " + tail).strip()
    return canonical


def _level_tail(printed: str, canonical: str) -> str:
    """The level word an OCR'd name ends with ("… huyén" → " huyện")."""
    m = re.search(r"\b(tinh|huyen|thanh pho|thi xa|xa)\s*$", fold_same_length(printed))
    if not m or vocab.fold(canonical).endswith(m[1]):
        return ""
    return " " + {"tinh": "tỉnh", "huyen": "huyện", "thanh pho": "thành phố", "thi xa": "thị xã", "xa": "xã"}[m[1]]


def _protected_ranges(folded: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in grammar().protect.finditer(folded)]


_SEPARATOR_RE = re.compile(r"[,;()]| va | cung ")


def _split(text: str, folded: str) -> list[tuple[int, int, str]]:
    """Pieces of a list (start, end, separator before), split at , ; and "và" outside
    protected phrases and parentheses."""
    protected = _protected_ranges(folded)
    depth = 0
    pieces = []
    begin, sep = 0, ""
    for m in _SEPARATOR_RE.finditer(folded):
        ch = m.group()
        if ch == "(":
            depth += 1
            continue
        if ch == ")":
            depth = max(0, depth - 1)
            continue
        i = m.start()
        if depth > 0 or any(a <= i < b for a, b in protected):
            continue
        if ch not in ",;" and len(text[begin:i].split()) == 1 and text[begin:i].strip()[:1].isupper():
            continue  # no body is named by one word: "Báo và Phát thanh, Truyền hình …" is one name
        pieces.append((begin, i, sep))
        begin, sep = m.end(), ch if ch in ",;" else "va"
    pieces.append((begin, len(text), sep))
    return [p for a, b, s in pieces if text[a:b].strip() for p in _split_glued(text, folded, a, b, s)]


_GLUED_HEAD_RE = re.compile(r"\s(?=(?:so|ban|uy ban|ubnd|bo|cuc|trung tam|van phong)\s)")


def _split_glued(text: str, folded: str, a: int, b: int, sep: str) -> list[tuple[int, int, str]]:
    """ "Sở Khoa học và Công nghệ Sở Công Thương" (a lost comma): two names, cut where a known name
    ends and a capitalised head begins."""
    for m in _GLUED_HEAD_RE.finditer(folded, a, b):
        cut = m.start()
        if (
            text[cut + 1].isupper()
            and text[cut - 1].isalpha()
            and _vocab_names().fullmatch(folded[a:cut].strip(" +•*:"))
        ):
            return [(a, cut, sep), *_split_glued(text, folded, cut + 1, b, ",")]
    return [(a, b, sep)]


@cache
def _vocab_names() -> re.Pattern[str]:
    """Every vocabulary name and alias, folded: a name that starts a piece is never cut short."""
    names: set[str] = {fold_same_length(name) for _key_, name in _fuzzy_index()}
    for agency in vocab.agencies():
        for name in (agency.name, *agency.aliases):
            for variant in (name, vocab.expand_abbreviations(name)):
                key = fold_same_length(" ".join(variant.split()))
                if len(key) > 3:
                    names.add(key)
    # Committees are printed abbreviated as often as not ("UBND các xã biên giới").
    for name in list(names):
        short = name.replace("uy ban nhan dan", "ubnd").replace("hoi dong nhan dan", "hdnd")
        if short != name:
            names.add(short)
    # Hyphens are printed with or without spaces ("HĐND - UBND", "HĐND- UBND", "HĐND-UBND").
    for name in list(names):
        if "-" in name:
            bare = re.sub(r"\s*-\s*", "-", name)
            names.update({bare, bare.replace("-", " -"), bare.replace("-", "- "), bare.replace("-", " - ")})
    return re.compile("(?:" + _alternation(list(names)) + r")(?!\w)")


def _name_core_end(piece_f: str) -> int:
    """Where a verb may start ending the name: after a known name, or after the head and one word."""
    m = _vocab_names().match(piece_f)
    if m:
        return m.end()
    h = grammar().heads.match(piece_f)
    if h:
        nxt = re.match(r"\s*\S+", piece_f[h.end() :])
        return h.end() + (nxt.end() if nxt else 0)
    return 0


@cache
def _fuzzy_index() -> tuple[tuple[str, str], ...]:
    """(folded key, canonical name) for every vocabulary name, alias and group."""
    out: dict[str, str] = {}
    groups = resources.files("hoptac.extract").joinpath("data/agency_groups.txt").read_text("utf-8")
    for line in groups.splitlines():
        if line.strip() and not line.startswith("#"):
            out.setdefault(_key(line), line.strip())
    for agency in vocab.agencies():
        for name in (agency.name, *agency.aliases):
            out.setdefault(_key(vocab.expand_abbreviations(name)), agency.name)
    return tuple(out.items())


_LEVEL_KEYS = frozenset({"tinh", "huyen", "xa", "pho", "thanh", "thi", "tran"})
_LEVEL_TAIL_RE = re.compile(r"^\s*(tinh|huyen|thanh pho|thi xa|xa)\b")


@lru_cache(maxsize=16384)
def _fuzzy_name(printed: str, cutoff: float) -> tuple[str, int] | None:
    """The vocabulary name an OCR-damaged ``printed`` starts with, and where that prefix ends.

    Tries every prefix of up to 12 words; the best-scoring one wins (ties: the longer).
    """
    index = _fuzzy_index()
    keys = [k for k, _ in index]
    words = printed.split()
    positions = [m.end() for m in re.finditer(r"\S+", printed)]
    best: tuple[float, int, str] | None = None
    for k in range(1, min(12, len(words)) + 1):
        key = _key(vocab.expand_abbreviations(" ".join(words[:k])))
        if len(key) < 4:
            continue
        found = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=cutoff)
        # A trailing level word belongs to the name only in group names ("… các xã, thị trấn").
        if found is not None and key.split()[-1] in _LEVEL_KEYS and found[0].split()[-1] not in _LEVEL_KEYS:
            found = None
        if found is not None:
            # The longest prefix that still reads as a name is the fullest name; printed exactly
            # (diacritics and all) it stays as printed: no words the document never prints.
            prefix = vocab.expand_abbreviations(" ".join(words[:k]))
            name = prefix if _dkey(prefix) in _diacritic_keys() else index[found[2]][1]
            best = (found[1], positions[k - 1], name)
    if best is None:
        return None
    end = best[1]
    tail = _LEVEL_TAIL_RE.match(fold_same_length(printed[end:]))
    if tail:
        end += tail.end()
    return best[2], end


@lru_cache(maxsize=65536)
def _garbled(text: str) -> bool:
    """OCR damage: a digit or symbol inside a word ("T6", "c4c", "x&")."""
    return bool(re.search(r"[^\W\d_][\d&@$]|[\d&@$][^\W\d_]", re.sub(r"\b[A-ZĐ]{2,}&[A-ZĐ]{2,}\b", "", text)))


_LEVEL_WORDS_RE = re.compile(
    r"\s+(?:cua\s+)?(?:cac\s+)?(?:tinh|huyen|thanh pho|thi xa|xa|phuong|thi tran)"
    r"(?:\s*,\s*(?:thanh pho|thi xa|thi tran|phuong))*(?![\w])"
)


def _tail_end(text: str, folded: str, pos: int, end: int) -> int:
    """End of a name's level word and place after ``pos`` ("… tỉnh Bắc Giang", "… huyện")."""
    m = _LEVEL_WORDS_RE.match(folded, pos, end)
    if m:
        pos = m.end()
    for _ in range(3):
        w = re.match(r"\s+([^\W\d_][\w'-]*)", text[pos:end])
        if not w or not w[1][0].isupper():
            break
        pos += w.end()
    return pos


# A name that ends with its place ("… Thành phố", "… tỉnh Lai Châu") is whole: a comma after it
# starts the next name, not a second part of this one.
_ENDS_AT_PLACE_RE = re.compile(r"\b(?:thanh pho|tinh|huyen|thi xa)(?:\s+\w+){0,3}$")
_SHARED_HEAD_RE = re.compile(r"^\s*(?:các|cac)\s+(sở|so|bộ|bo|ban|phòng|phong|hội|hoi)\s*:?\s+(?=\S)", re.IGNORECASE)
# "các cơ quan của Bộ Ngoại giao": the body the offices belong to.
_OF_BODY_RE = re.compile(r"\s*(?:cac\s+)?(?:co quan|don vi)\s+cua\s+(?=bo\b)")
_MAX_LIST = 400
_TIER_PIECE_RE = re.compile(r"cap (?:tinh|huyen|xa)")
_TIER_END_RE = re.compile(r"\s+cap (?:tinh|huyen|xa)$")
_SHARED_COMMITTEE_RE = re.compile(r"\s*(?:uy ban nhan dan|ubnd)\s+(?:cac\s+|\d{1,3}\s+)?(xa|phuong|huyen)\s*:\s*")
_PLACE_RE = re.compile(r"[A-ZĐÀ-Ỹ][\w'-]*(?:\s+[A-ZĐÀ-Ỹ][\w'-]*)*")
_SHARED_WORDS = {"so": "Sở", "bo": "Bộ", "ban": "Ban", "phong": "Phòng", "hoi": "Hội"}


def parse_agency_list(text: str, start: int = 0, *, until_verb: bool = True) -> list[Named]:
    """The agencies named by a list such as a "Cơ quan phối hợp:" value, with their spans.

    With ``until_verb`` the list ends where a sentence's verb begins ("Sở TTTT chủ trì, phối hợp
    với Sở Tư pháp triển khai …" read from after "với" gives only Sở Tư pháp).
    """
    if until_verb and len(text) > _MAX_LIST:
        # In running text a list of agencies is short; the sentence after it is not read.
        cut = text.find(". ", 0, _MAX_LIST)
        text = text[: cut if cut > 0 else _MAX_LIST]
    folded = fold_same_length(text)
    lowered = text.lower() if len(text.lower()) == len(text) else folded
    g = grammar()
    whole = text.strip(" .;:")
    if _garbled(whole) and len(whole.split()) <= 12:
        fixed = _fuzzy_name(whole, 84.0)
        if fixed and fixed[1] >= len(whole) - 2:
            lead = len(text) - len(text.lstrip(" .;:"))
            return [Named(fixed[0], (start + lead, start + lead + len(whole)))]
    protected = _protected_ranges(folded)
    out: list[tuple[str, int, int]] = []
    shared: str | None = None
    for a, b, sep in _split(text, folded):
        while a < b and text[a] in " -+•*:\t":
            a += 1
        while b > a and text[b - 1] in " .;:\t":
            b -= 1
        if a >= b:
            continue
        of = _OF_BODY_RE.match(folded, a, b)
        if of:
            a = of.end()
        m = _SHARED_HEAD_RE.match(text[a:b])
        if (
            m
            and (
                not g.heads.match(folded[a:b])
                or vocab.fold(m[0]).strip(" :") in ("cac so", "cac bo", "cac ban", "cac phong", "cac hoi")
            )
            and (":" in m[0] or len(text[a:b]) > len(m[0]) + 2)
        ):
            shared = _SHARED_WORDS.get(vocab.fold(m[1]), "Sở")
            a += m.end()
        c = _SHARED_COMMITTEE_RE.match(folded, a, b)
        if c:  # "UBND 04 xã: Gia Thuận, Tân Điền": one committee per place
            shared = "Ủy ban nhân dân " + {"xa": "xã", "phuong": "phường", "huyen": "huyện"}[c[1]]
            a = c.end()
        # "Giám đốc Sở X" names Sở X; "Thủ trưởng các sở", "Chủ tịch UBND các xã" are the heads
        # formula, which names no one (RULES 4).
        titled = title_end(lowered, a)
        headed = titled > a
        a = titled
        piece_f = folded[a:b]
        known_m = _vocab_names().match(piece_f)
        group_m = g.group.match(piece_f)
        if group_m is not None and (known_m is None or group_m.end() > known_m.end()):
            known_m = group_m  # "Ủy ban nhân dân cấp xã": the whole group is the name
        known = known_m is not None
        head_here = bool(g.heads.match(piece_f)) or known
        stop = None
        garbled = _garbled(text[a:b])
        if (not known or garbled) and not shared and not is_catchall(text[a:b]) and _damaged(text[a:b]):
            fixed = _fuzzy_name(text[a:b], 84.0 if garbled else 90.0)
            if fixed is not None and not garbled and _key(fixed[0]).split()[:1] != _key(text[a:b]).split()[:1]:
                fixed = None  # clean text must at least name the same kind of body
            if fixed is not None and known_m is not None and fixed[1] <= known_m.end():
                fixed = None
            if fixed is not None and not garbled and text[a + fixed[1] : b].strip():
                fixed = None  # in clean text a partial match is some other body's longer name
            if fixed is not None:
                name_end = a + fixed[1]
                out.append((fixed[0] + _level_tail(text[a:name_end], fixed[0]), a, name_end))
                shared = None
                if text[name_end:b].strip():
                    break  # a verb follows the name
                continue
        stop_after = False
        if known_m is not None and until_verb:
            # After a known name only its level word and place may follow ("… tỉnh Bắc Giang").
            cut = _tail_end(text, folded, a + known_m.end(), b)
            if text[cut:b].strip() and not text[cut:b].lstrip().startswith("("):
                b = cut
                piece_f = folded[a:b]
                stop_after = True
        if until_verb and not stop_after:
            core = _name_core_end(piece_f)
            for sm in g.stops.finditer(piece_f, max(1, core)):
                depth = piece_f.count("(", 0, sm.start()) - piece_f.count(")", 0, sm.start())
                if depth <= 0 and not any(x <= a + sm.start() < y for x, y in protected):
                    stop = sm
                    break
        if stop is not None:
            b = a + stop.start()
            while b > a and text[b - 1] in " ,;:":
                b -= 1
        printed = text[a:b]
        if not printed.strip():
            if stop is not None:
                break
            continue
        tier = _TIER_PIECE_RE.fullmatch(vocab.fold(printed).strip())
        if tier and out and _TIER_END_RE.search(vocab.fold(out[-1][0])):
            # "Ban Chỉ huy Phòng thủ dân sự cấp tỉnh, cấp xã": the same body at the next tier.
            base = out[-1][0][: _TIER_END_RE.search(vocab.fold(out[-1][0])).start()]  # type: ignore[union-attr]
            name = f"{base} {printed.strip()}"
        elif is_catchall(printed) or (headed and g.group.match(piece_f)):
            name = ""
        elif head_here:
            shared = None
            name = printed
        elif shared and shared.startswith("Ủy ban"):
            place = _PLACE_RE.match(printed)  # the place's capitalised words, not the verb after
            name = f"{shared} {place[0]}" if place else ""
            if not place or place.end() < len(printed.rstrip()):
                b = a + (place.end() if place else 0)
                stop_after = True
        elif shared:
            name = f"{shared} {printed}"
        elif (
            out
            and sep in (",", "va")
            and printed[:1].isupper()
            and not _ENDS_AT_PLACE_RE.search(vocab.fold(out[-1][0]))
            and not _vocab_names().fullmatch(fold_same_length(out[-1][0]))  # a whole known name ends there
        ):
            # A comma or "và" inside a name ("Cao đẳng Nghề, Công nghệ Việt - Hàn", "Cục Thủy sản và Kiểm ngư").
            prev_name, pa, _ = out[-1]
            out[-1] = (prev_name + (", " if sep == "," else " và ") + printed, pa, b)
            name = ""
        elif (
            out
            and sep in (",", "va")
            and printed[:1].islower()
            and " về " in out[-1][0]
            and len(printed.split()) <= 8
            and not is_catchall(printed)
        ):
            # A committee named by its topic: "Ban Chỉ đạo về phát triển khoa học, công nghệ, đổi mới …".
            prev_name, pa, _ = out[-1]
            out[-1] = (prev_name + (", " if sep == "," else " và ") + printed, pa, b)
            name = ""
        elif vocab.match_agency(printed) is not None:
            name = printed
        elif (
            out
            and sep == "va"
            and printed[:1].islower()
            and len(printed.split()) <= 6
            and vocab.fold(printed.split()[0]) not in ("cac", "nhung")  # "… và các đơn vị": a new list item
            and vocab.fold(printed.split()[0]) in vocab.fold(out[-1][0]).split()
        ):
            # "và" inside a name ("Ban Quản lý các khu công nghệ cao và khu công nghiệp").
            prev_name, pa, _ = out[-1]
            out[-1] = (prev_name + " và " + printed, pa, b)
            name = ""
        else:
            break  # the list has ended: what follows is the sentence
        if name:
            out.append((name, a, b))
        if stop is not None or stop_after:
            break
    result = []
    for name, a, b in out:
        name = _TAIL_RE.sub("", name)
        if not name or is_catchall(name):
            continue
        cleaned = clean_agency_name(name)
        if cleaned and not is_catchall(cleaned) and len(_key(cleaned).replace("cac ", "").split()) >= 2:
            result.append(Named(cleaned, (start + a, start + b)))
    return result
