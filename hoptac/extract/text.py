"""Small text helpers shared by the stages: a same-length diacritic fold and sentence splitting."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["fold_char", "fold_same_length", "sentences"]


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """One character without diacritics, lower case; always one character long."""
    if ch in "đĐ":
        return "d"
    if ch.isascii():
        return ch.lower()
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base if len(base) == 1 else ch


def fold_same_length(text: str) -> str:
    """``text`` folded character by character, so offsets in the result are offsets in ``text``."""
    if text.isascii():
        return text.lower()
    return "".join(map(fold_char, text))


def sentences(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text`` (ends at ". " / ";" / line end), offset by ``start``."""
    spans = []
    begin = 0
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        end_here = ch == "\n" or ch == ";"
        if ch == "." and (i + 1 == n or text[i + 1] in " \n"):
            end_here = True
        if end_here:
            if text[begin:i].strip():
                spans.append((start + begin, start + i))
            begin = i + 1
        i += 1
    if text[begin:].strip():
        spans.append((start + begin, start + n))
    return spans
