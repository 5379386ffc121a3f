"""Small text helpers shared by the stages: a same-length diacritic fold, sentence splitting and
Roman numerals."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

__all__ = ["fold_char", "fold_same_length", "is_caps", "roman", "roman_value", "sentences"]


def fold_char(ch: str) -> str:
    """One character without diacritics, lower case; always one character long."""
    if ch in "đĐðÐ":
        return "d"
    if ch.isascii():
        return ch.lower()
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base if len(base) == 1 else ch


def is_caps(text: str, share: float = 0.8) -> bool:
    """Whether ``text`` is printed in capitals: at least ``share`` of its letters, two letters at
    least. A long line with lower case is prose, whatever its share of capitals."""
    if text.isupper():
        return sum(map(str.isalpha, text)) >= 2
    if len(text) > 200 or sum(map(str.islower, text[:24])) > (1 - share) * len(text):
        return False  # prose: too many small letters already at its start
    letters = sum(map(str.isalpha, text))
    return letters >= 2 and sum(map(str.isupper, text)) >= share * letters


def _fold_table() -> dict[int, str]:
    table = {}
    for code in [*range(ord("A"), ord("Z") + 1), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        ch = chr(code)
        folded = fold_char(ch)
        if folded != ch:
            table[code] = folded
    return table


_FOLD_TABLE = _fold_table()


def fold_same_length(text: str) -> str:
    """``text`` folded character by character, so offsets in the result are offsets in ``text``."""
    if text.isascii():
        return text.lower()
    if len(text) > 4096:
        return text.translate(_FOLD_TABLE)
    return _fold_cached(text)


@lru_cache(maxsize=16384)
def _fold_cached(text: str) -> str:
    # The stages fold the same lines again and again; hashing is far cheaper than translating.
    return text.translate(_FOLD_TABLE)


_SENTENCE_END_RE = re.compile(r"\.(?=\s|$)|[;\n]")


def sentences(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Spans of the sentences (ends at ". " / ";" / line end), one at a time. With ``end``, of
    ``text[start:end]`` read in place, spans in ``text``; without it, of ``text`` offset by ``start``."""
    if end is None:
        yield from ((start + a, start + b) for a, b in sentences(text, 0, len(text)))
        return
    begin = start
    for m in _SENTENCE_END_RE.finditer(text, start, end):
        if not _BLANK_RE.fullmatch(text, begin, m.start()):
            yield begin, m.start()
        begin = m.end()
    if not _BLANK_RE.fullmatch(text, begin, end):
        yield begin, end


_BLANK_RE = re.compile(r"\s*")


def trie_pattern(words: list[str] | set[str]) -> str:
    """A regex alternation of ``words`` built as a trie, so matching does not try each word in turn.

    The longest word wins where one is a prefix of another, as in a longest-first alternation.
    """
    trie: dict = {}
    for word in words:
        if not word:
            continue
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip
_ROMAN_VALUES = {letters: value for value, letters in _ROMAN if len(letters) == 1}


def roman(n: int) -> str:
    """12 → "XII"."""
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def roman_value(numeral: str) -> int | None:
    """ "XII" → 12; ``None`` when ``numeral`` is not written in Roman letters."""
    total, prev = 0, 0
    for ch in reversed(numeral.upper()):
        v = _ROMAN_VALUES.get(ch)
        if v is None:
            return None
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total or None
