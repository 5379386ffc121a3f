"""Snippets: the stretch of a hit's text where most of the query's groups are, with the matches marked.

Matching runs on the folded text (``fold`` keeps one character per character), so the marks
are offsets in the text as written: "Bảo Lạc" is marked where "bao lac" matched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from hoptac.search.query import Group
from hoptac.search.text import fold

__all__ = ["Snippet", "mark_all", "matcher", "snippet"]

SIZE = 240
_SEP = "[^a-z0-9]+"
_NUMBER_TOKEN = re.compile(r"\d+[a-z]")
_SPACE = re.compile(r"\s+")


@dataclass
class Snippet:
    text: str
    marks: list[tuple[int, int]]

    def segments(self) -> list[tuple[str, bool]]:
        """The text cut at the marks: (piece, marked) in order."""
        out: list[tuple[str, bool]] = []
        pos = 0
        for start, end in self.marks:
            if start > pos:
                out.append((self.text[pos:start], False))
            out.append((self.text[start:end], True))
            pos = end
        if pos < len(self.text):
            out.append((self.text[pos:], False))
        return out


def _decoded(token: str) -> str | None:
    """The characters of an ``x``+hex token, or None for a plain word."""
    if len(token) < 5 or token[0] != "x" or len(token) % 2 == 0:
        return None
    try:
        text = bytes.fromhex(token[1:]).decode("utf-8")
    except ValueError:
        return None
    return None if text.isascii() else text


def _pattern(alt: Sequence[str], numeric: bool) -> str | None:
    decoded = [_decoded(t) for t in alt]
    if all(d is not None for d in decoded):
        chars = [d for d in decoded if d]
        # Overlapping pairs "那坡", "坡县" are the text "那坡县".
        joined = chars[0] + "".join(c[1:] if len(c) > 1 else c for c in chars[1:]) if chars else ""
        return "(?i:" + re.escape(joined) + ")" if joined else None
    if any(d is not None for d in decoded):
        return None
    if len(alt) == 1 and _NUMBER_TOKEN.match(alt[0]):
        return None  # a number token: its parts are matched instead
    sep = "[^a-z0-9]{0,3}" if numeric else _SEP
    return r"(?<![a-z0-9])" + sep.join(re.escape(t) for t in alt) + r"(?![a-z0-9])"


def matcher(groups: Sequence[Group], tolerant: bool = False) -> tuple[re.Pattern[str], dict[str, int]] | None:
    """One regex for every alternative of every group (longest first) and the group of each."""
    owner: dict[str, int] = {}
    for i, g in enumerate(groups):
        numeric = (
            bool(g.alternatives) and len(g.alternatives[0]) == 1 and bool(_NUMBER_TOKEN.match(g.alternatives[0][0]))
        )
        alts = list(g.alternatives) + list(g.fuzzy if tolerant or numeric else [])
        for alt in alts:
            pat = _pattern(alt, numeric)
            if pat:
                owner.setdefault(pat, i)
    if not owner:
        return None
    ordered = sorted(owner, key=len, reverse=True)
    names = {f"g{n}": owner[p] for n, p in enumerate(ordered)}
    regex = re.compile("|".join(f"(?P<g{n}>{p})" for n, p in enumerate(ordered)))
    return regex, names


def _marks(folded: str, found: tuple[re.Pattern[str], dict[str, int]]) -> list[tuple[int, int, int]]:
    regex, names = found
    return [(m.start(), m.end(), names[m.lastgroup or ""]) for m in regex.finditer(folded)]


def mark_all(text: str, found: tuple[re.Pattern[str], dict[str, int]] | None) -> Snippet:
    """``text`` (a title) whole, with every match marked."""
    text = unicodedata.normalize("NFC", text)
    if found is None:
        return Snippet(text, [])
    return Snippet(text, [(s, e) for s, e, _ in _marks(fold(text), found)])


def snippet(text: str, found: tuple[re.Pattern[str], dict[str, int]] | None, size: int = SIZE) -> Snippet:
    """The ``size`` characters of ``text`` around the most groups matched, whitespace collapsed."""
    text = unicodedata.normalize("NFC", text)
    hits = _marks(fold(text), found) if found is not None else []
    if not hits:
        start = 0
        end = min(len(text), size)
    else:
        best, best_n, j = 0, -1, 0
        for i in range(len(hits)):
            while j < len(hits) and hits[j][1] <= hits[i][0] + size:
                j += 1
            n = len({h[2] for h in hits[i:j]})
            if n > best_n:
                best, best_n = i, n
        start = max(0, hits[best][0] - size // 4)
        if start:
            space = text.rfind(" ", 0, start)
            start = space + 1 if space >= 0 and start - space < 20 else start
        end = min(len(text), start + size)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start + size // 2 else end
    pieces: list[tuple[str, bool]] = []
    pos = start
    for s, e, _ in hits:
        if s < pos or e > end:
            continue
        pieces += [(text[pos:s], False), (text[s:e], True)]
        pos = e
    pieces.append((text[pos:end], False))
    out, marks = "… " if start > 0 else "", []
    for piece, marked in pieces:
        piece = _SPACE.sub(" ", piece)
        if not out or out.endswith(" "):
            piece = piece.lstrip() if not marked else piece
        if marked:
            marks.append((len(out), len(out) + len(piece)))
        out += piece
    out = out.rstrip()
    if end < len(text):
        out += " …"
    return Snippet(out, marks)
