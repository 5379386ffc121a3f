"""Name keys: one key for every spelling of a name ("Sở Ngoại Vụ", "So ngoai vu", "Sở  Ngoại vụ")."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "name_key"]

_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]")


def fold(text: str) -> str:
    """NFD, combining marks dropped, đ→d, casefolded, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.replace("đ", "d").replace("Đ", "D")
    return _SPACE.sub(" ", bare.casefold()).strip()


def name_key(name: str) -> str:
    """``fold`` with punctuation dropped: the key that spelling variants of one name share."""
    return _SPACE.sub(" ", _PUNCT.sub(" ", fold(name))).strip()
