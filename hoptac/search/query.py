"""What a search box's text means: groups of tokens that must all match, each with its synonyms.

"Sở TTTT Napo 57-KL/TW" becomes three groups, every one of which a hit must contain:
- "Sở TTTT" → the agency's every spelling ("so tttt", "so thong tin va truyen thong", "so tt tt" …);
- "Napo" → the locality's ("na po", "napo", 那坡, 那坡县);
- "57-KL/TW" → the number token ``57kltw``.
Names come from the extractor's vocabulary (``hoptac.extract.vocab``: agencies with their
abbreviations, Vietnamese and foreign localities with variants and native script) and from the
office's own records (``Alias`` rows: partners' and agencies' aliases), passed in as ``known``.
Django-free; bad input raises ``QueryError`` with a message for the user.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from hoptac.errors import HoptacError
from hoptac.extract.vocab import abbreviation_table, agencies, expand_abbreviations, localities
from hoptac.search.text import Token, is_syllable, tokens

__all__ = [
    "MAX_GROUPS",
    "MAX_QUERY_CHARS",
    "Group",
    "Query",
    "QueryError",
    "name_keys",
    "parse",
]

MAX_QUERY_CHARS = 500
MAX_GROUPS = 12
MAX_ALTERNATIVES = 16
_WINDOW = 7  # the longest name looked up, in tokens

# Words too common to narrow anything: dropped unless the query has nothing else.
_COMMON = "va cua cac voi la cho trong theo ve duoc co nay da se tai tu den nhung mot hai nhu khi de ma thi o ra len bi"
STOPWORDS = frozenset(_COMMON.split() + ["boi", "vao", "nhat", "rat"])
_QUOTE_RE = re.compile(r"[\"“”„«»]([^\"“”„«»]*)[\"“”„«»]")
_QUOTE_CHARS_RE = re.compile(r"[\"“”„«»]")
# Level words dropped before a name ("huyện Na Pô" is also "Na Pô"); "xã", "quận" … are too often
# part of a name ("Xa La Văn", "Quan Hóa") to be dropped.
_LEVEL_RE = re.compile(r"^(?:khu tu tri|thanh pho|thu do|thi xa|thi tran|tinh|huyen) ")
# A spelling that names another level than the query ("CA huyện" for "Công an tỉnh") is another body.
_LEVELS = (("tinh",), ("huyen",), ("thanh", "pho"), ("thi", "xa"))


class QueryError(HoptacError):
    """A query that cannot be searched; the message says why, for the user."""


@dataclass
class Group:
    """One thing the hit must contain: any of ``alternatives`` (each a phrase of tokens)."""

    label: str
    alternatives: list[tuple[str, ...]]
    prefix: bool = False  # a single character of a script without spaces: any pair starting with it
    fuzzy: list[tuple[str, ...]] = field(default_factory=list)  # OCR look-alikes, for the tolerant pass
    word: str = ""  # the folded word, for a group made of one plain word


@dataclass
class Query:
    text: str
    groups: list[Group]
    dropped: list[str] = field(default_factory=list)  # words left out (common words, past MAX_GROUPS)

    @property
    def has_fuzzy(self) -> bool:
        return any(g.fuzzy for g in self.groups)


def _key(text: str) -> str:
    return " ".join(t.text for t in tokens(text, numbers=False))


def name_keys(name: str, *, compact: bool = True) -> set[str]:
    """The lookup keys of one spelling: its tokens, without a leading level word, and (for a short
    place name, ``compact``) run together: "huyện Na Pô" → "huyen na po", "na po", "napo"."""
    key = _key(name)
    if not key:
        return set()
    keys = {key}
    bare = _LEVEL_RE.sub("", key)
    if bare and (" " in bare or not is_syllable(bare)):
        keys.add(bare)
    if compact:
        for k in list(keys):
            if 1 < k.count(" ") + 1 <= 4 and k.replace(" ", "").isalpha() and k.isascii():
                keys.add(k.replace(" ", ""))
    return keys


@cache
def _abbreviations() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Abbreviation as printed → expansion; folded abbreviation → expansion; folded expansion → abbreviation."""
    exact: dict[str, str] = {}
    folded: dict[str, str] = {}
    reverse: dict[str, str] = {}
    for a in abbreviation_table():
        if a.context_sensitive or not a.abbr[:1].isalpha():
            continue
        exact.setdefault(a.abbr, a.expansion)
        key = _key(a.abbr)
        # Typed in lower case, only an abbreviation that cannot be a word: "tttt", "ubnd", not "tu".
        if len(key) >= 3 and " " not in key and not is_syllable(key):
            folded.setdefault(key, a.expansion)
        long = _key(a.expansion)
        if " " in long and key:
            reverse.setdefault(long, key)
    return exact, folded, reverse


@cache
def _expansions() -> dict[str, str]:
    """Key of an agency's spelling or an abbreviation → key with abbreviations spelled out ("ca tinh" →
    "cong an tinh"): what tells that "CA" is broader than "Công an tỉnh"."""
    out: dict[str, str] = {}
    for agency in agencies():
        for name in (agency.name, *agency.aliases):
            out.setdefault(_key(name), _key(expand_abbreviations(name)))
    for a in abbreviation_table():
        if not a.context_sensitive:
            out.setdefault(_key(a.abbr), _key(a.expansion))
    return out


@cache
def _vocabulary() -> dict[str, frozenset[str]]:
    """Key → every spelling (as keys) of the vocabulary's agencies and localities that it names."""
    table: dict[str, set[str]] = {}

    def add(spellings: Iterable[str], compact: bool) -> None:
        keys: set[str] = set()
        for s in spellings:
            if s:
                keys |= name_keys(s, compact=compact)
        for k in keys:
            table.setdefault(k, set()).update(keys)

    for agency in agencies():
        names = {agency.name, *agency.aliases}
        add(names | {expand_abbreviations(n) for n in names}, compact=False)
    for loc in localities():
        if loc.country == "VN":  # its variants are older names of merged units, not spellings
            add((loc.name,), compact=True)
        else:
            add((loc.name, loc.romanized or "", loc.native or "", *loc.variants), compact=True)
    return {k: frozenset(v) for k, v in table.items()}


def _eligible(window: list[Token]) -> bool:
    """A window worth looking up: several tokens, or one that is no ordinary Vietnamese word."""
    if len(window) > 1:
        return any(not t.text.isdigit() for t in window)
    tok = window[0]
    return tok.kind != "word" or (not tok.text.isdigit() and not is_syllable(tok.text))


def _units(text: str) -> list[list[Token]]:
    """The query's tokens, a run of a script without spaces kept together, numbers on their own."""
    units: list[list[Token]] = []
    toks = tokens(text)
    numbers = [t for t in toks if t.kind == "number"]
    for tok in toks:
        if tok.kind != "number" and any(n.start <= tok.start and tok.end <= n.end for n in numbers):
            continue  # a part of a number
        if tok.kind == "pair" and units and units[-1][-1].kind == "pair" and units[-1][-1].end > tok.start:
            units[-1].append(tok)
        else:
            units.append([tok])
    return units


def parse(text: str, known: Callable[[set[str]], dict[str, set[str]]] | None = None) -> Query:
    """The groups of ``text``; ``known(keys)`` gives the records' own spellings for the keys it knows."""
    if not isinstance(text, str):
        raise QueryError("Hãy nhập từ khóa tìm kiếm.")
    text = unicodedata.normalize("NFC", text.replace("\x00", " ")).strip()
    if not text:
        raise QueryError("Hãy nhập từ khóa tìm kiếm.")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"Từ khóa quá dài (tối đa {MAX_QUERY_CHARS} ký tự).")
    groups: list[Group] = []
    dropped: list[str] = []
    for m in _QUOTE_RE.finditer(text):  # "…": an exact phrase
        phrase = tuple(t.text for t in tokens(m[1]) if t.kind != "number")
        if phrase:
            groups.append(Group(m[1].strip(), [phrase]))
    rest = _QUOTE_CHARS_RE.sub(" ", _QUOTE_RE.sub(" ", text))
    units = _units(rest)
    keys = _window_keys(units)
    found = known(keys) if known and keys else {}
    vocab = _vocabulary()
    abbr_exact, abbr_folded, abbr_reverse = _abbreviations()
    i = 0
    while i < len(units):
        unit = units[i]
        label = rest[unit[0].start : unit[-1].end]
        if unit[0].kind == "number":
            # The tolerant pass also takes its parts in a row ("57 - KL/TW" as an OCR printed it).
            parts = tuple(t.text for t in tokens(label, numbers=False))
            groups.append(Group(label, [(unit[0].text,)], fuzzy=[parts] if len(parts) > 1 else []))
            i += 1
            continue
        if unit[0].kind == "pair" or unit[0].kind == "other":
            key = " ".join(t.text for t in unit)
            typed = tuple(t.text for t in unit)
            known_as = set(vocab.get(key, frozenset())) | found.get(key, set())
            groups.append(Group(label, _alternatives(typed, known_as), prefix=len(unit) == 1 and _single(unit[0])))
            i += 1
            continue
        # Plain words: the longest run of them that names something known becomes one group.
        n_words = 0
        while i + n_words < len(units) and units[i + n_words][0].kind == "word" and len(units[i + n_words]) == 1:
            n_words += 1
        words = [units[i + k][0] for k in range(n_words)]
        taken = 0
        for n in range(min(_WINDOW, n_words), 0, -1):
            window = words[:n]
            if not _eligible(window):
                continue
            spaced = " ".join(t.text for t in window)
            compact = spaced.replace(" ", "")
            label = rest[window[0].start : window[-1].end]
            spellings: set[str] = set()
            for k in (spaced, compact, _key(expand_abbreviations(label, scope="all"))):
                spellings |= vocab.get(k, frozenset()) | found.get(k, set())
            if n == 1 and (window[0].text in abbr_folded or label in abbr_exact):
                spellings.add(_key(abbr_exact.get(label) or abbr_folded[window[0].text]))
            if spaced in abbr_reverse:
                spellings.add(abbr_reverse[spaced])
            if not spellings:
                continue
            groups.append(Group(label, _alternatives(tuple(t.text for t in window), spellings)))
            taken = n
            break
        if not taken:
            word = words[0]
            groups.append(Group(rest[word.start : word.end], [(word.text,)], word=word.text))
            taken = 1
        i += taken
    plain = [g for g in groups if g.word and g.word in STOPWORDS]
    if len(plain) < len(groups):
        for g in plain:
            groups.remove(g)
            dropped.append(g.label)
    unique: list[Group] = []
    for g in groups:
        if all(g.alternatives != u.alternatives for u in unique):
            unique.append(g)
    if not unique:
        raise QueryError("Từ khóa không có chữ hay số nào để tìm.")
    dropped += [g.label for g in unique[MAX_GROUPS:]]
    return Query(text, unique[:MAX_GROUPS], dropped)


def _within(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    """Whether ``small`` is a phrase inside ``big`` (so anything ``big`` matches, ``small`` matches)."""
    n = len(small)
    return any(big[i : i + n] == small for i in range(len(big) - n + 1))


def _alternatives(typed: tuple[str, ...], spellings: Iterable[str]) -> list[tuple[str, ...]]:
    """What was typed and the other spellings of what it names, none broader than it, none redundant."""
    levels = {lv for lv in _LEVELS if _within(typed, lv)}
    expansions = _expansions()

    def spelled(words: tuple[str, ...]) -> tuple[str, ...]:
        key = " ".join(words)
        return tuple(expansions.get(key, key).split())

    alts = [typed]
    for alt in sorted({tuple(k.split()) for k in spellings}, key=lambda a: (len(a), a)):
        if alt == typed:
            continue
        broader = _within(typed, alt) or (spelled(alt) != spelled(typed) and _within(spelled(typed), spelled(alt)))
        if broader or not {lv for lv in _LEVELS if _within(alt, lv)} <= levels:
            continue  # broader than the query ("cong an" for "cong an tinh"), or another level
        if not any(_within(alt, kept) for kept in alts):  # "quang tay" already finds "choang quang tay"
            alts.append(alt)
    return alts[:MAX_ALTERNATIVES]


def _single(tok: Token) -> bool:
    """Whether a pair token is a lone character (with its marks), not a pair."""
    text = bytes.fromhex(tok.text[1:]).decode("utf-8")
    return sum(1 for ch in text if unicodedata.category(ch)[0] != "M") == 1


def _window_keys(units: list[list[Token]]) -> set[str]:
    """Every key ``parse`` may look up among the records' names."""
    keys: set[str] = set()
    words: list[Token] = []
    for unit in [*units, []]:
        if len(unit) == 1 and unit[0].kind == "word":
            words.append(unit[0])
            continue
        for i in range(len(words)):
            for n in range(1, min(_WINDOW, len(words) - i) + 1):
                window = words[i : i + n]
                if _eligible(window):
                    spaced = " ".join(t.text for t in window)
                    keys.add(spaced)
                    keys.add(spaced.replace(" ", ""))
        words = []
        if unit and unit[0].kind in ("pair", "other"):
            keys.add(" ".join(t.text for t in unit))
    return keys
