"""OCR look-alikes: the indexed words one or two edits away from a query word.

Only words that are no Vietnamese syllable are candidates ("thea", "hiru", "trudng": what OCR
makes of "thỏa", "hữu", "trưởng"), so "thoa" never reaches the real words "thua" or "hoa". The
``Word`` table only grows; each process keeps a copy and reads the rows added since.
"""

from __future__ import annotations

import threading
from collections import defaultdict

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from hoptac.search.models import Word

__all__ = ["similar"]

MAX_VARIANTS = 6

_lock = threading.Lock()
_words: dict[int, list[str]] = defaultdict(list)  # by length
_seen = {"count": 0, "last": 0}


def _refresh() -> None:
    count = Word.objects.count()
    if count == _seen["count"]:
        return
    newer = list(Word.objects.filter(id__gt=_seen["last"]).order_by("id").values_list("id", "word"))
    if _seen["count"] + len(newer) != count:  # rows went away (a test rolled back): read them all
        _words.clear()
        _seen["count"] = _seen["last"] = 0
        newer = list(Word.objects.order_by("id").values_list("id", "word"))
    for _pk, word in newer:
        _words[len(word)].append(word)
    _seen["count"] += len(newer)
    if newer:
        _seen["last"] = newer[-1][0]


def similar(words: list[str]) -> dict[str, list[str]]:
    """For each folded query word, its look-alikes among the indexed non-syllables."""
    todo = [w for w in dict.fromkeys(words) if len(w) >= 3 and w.isalpha()]
    if not todo:
        return {}
    with _lock:
        _refresh()
        out: dict[str, list[str]] = {}
        for word in todo:
            limit = 1 if len(word) <= 6 else 2
            pool = [w for n in range(len(word) - limit, len(word) + limit + 1) for w in _words.get(n, ())]
            hits = process.extract(word, pool, scorer=Levenshtein.distance, score_cutoff=limit, limit=MAX_VARIANTS)
            out[word] = [w for w, _, _ in sorted(hits, key=lambda h: (h[1], h[0])) if w != word]
        return out
