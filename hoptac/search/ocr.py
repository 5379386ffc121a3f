"""OCR look-alikes: the indexed words one or two edits away from a query word.

Only words that are no Vietnamese syllable are candidates ("thea", "hiru", "trudng": what OCR
makes of "thỏa", "hữu", "trưởng"), so "thoa" never reaches the real words "thua" or "hoa". A word
of up to six letters takes look-alikes one edit away, a longer one two; at most ``MAX_VARIANTS``,
the nearest first (then the shorter, then the older), listed by distance and spelling.

Where they are looked for depends on the database, never what is found:

- SQLite: the ``Word`` table only grows; each process keeps a copy and reads the rows added since,
  and rapidfuzz scans the words of the right lengths.
- PostgreSQL with pg_trgm: the database gives the few candidates from the trigram GIN index on
  ``search_word.word`` (``word % query``), and the same Levenshtein rule keeps the look-alikes; no
  copy of the table in the process. The similarity threshold is set per word so that it cannot
  lose a look-alike: ``k`` edits destroy at most ``3k`` of the word's ``n`` distinct trigrams
  (pg_trgm pads a word with two blanks before and one after), so a word ``k`` edits away shares at
  least ``n - 3k`` of them, and its similarity (shared / union) is at least ``(n - 3k) / (n + 3k)``.
  Without pg_trgm (a role that may not create it), PostgreSQL uses the in-process copy, as SQLite.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Max
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from hoptac.search.models import Word

__all__ = ["MAX_VARIANTS", "similar", "trigram_threshold"]

log = logging.getLogger(__name__)

MAX_VARIANTS = 6

_lock = threading.Lock()
_words: dict[int, list[str]] = defaultdict(list)  # by length
_seen = {"count": 0, "last": 0}
_trigram: dict[str, bool] = {}  # database name → whether pg_trgm is there


def _edits(word: str) -> int:
    return 1 if len(word) <= 6 else 2


def _refresh() -> None:
    # Count and last id in one query: SQLite reuses ids after a rollback, so the count alone can match.
    now = Word.objects.aggregate(count=Count("id"), last=Max("id"))
    count = now["count"]
    if count == _seen["count"] and (now["last"] or 0) == _seen["last"]:
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


def _in_process(todo: list[str]) -> dict[str, list[str]]:
    """rapidfuzz over this process's copy of the table; ties go to the earlier word of the pool
    (by length, then by id), as in ``_pick``."""
    with _lock:
        _refresh()
        out: dict[str, list[str]] = {}
        for word in todo:
            limit = _edits(word)
            pool = [w for n in range(len(word) - limit, len(word) + limit + 1) for w in _words.get(n, ())]
            hits = process.extract(word, pool, scorer=Levenshtein.distance, score_cutoff=limit, limit=MAX_VARIANTS)
            out[word] = [w for w, _, _ in sorted(hits, key=lambda h: (h[1], h[0])) if w != word]
        return out


def trigram_threshold(word: str, edits: int) -> float | None:
    """The pg_trgm similarity that every word ``edits`` edits away from ``word`` reaches (a little
    below, for float rounding); None when the bound is nothing (a word of few distinct trigrams)."""
    padded = f"  {word} "
    n = len({padded[i : i + 3] for i in range(len(padded) - 2)})
    if n - 3 * edits <= 0:
        return None
    return max(0.0, (n - 3 * edits) / (n + 3 * edits) - 0.001)


def _candidates(cur: Any, word: str, edits: int) -> list[tuple[int, str]]:
    """(id, word) of the table's words that may be ``edits`` edits from ``word``: a superset.
    ``cur`` is in a transaction, to which the threshold is local."""
    lo, hi = len(word) - edits, len(word) + edits
    threshold = trigram_threshold(word, edits) if word.isascii() else None
    if threshold is None:  # rare ("ababab…"): the words of these lengths
        cur.execute("SELECT id, word FROM search_word WHERE length(word) BETWEEN %s AND %s", [lo, hi])
    else:
        cur.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [f"{threshold:.4f}"])
        cur.execute(
            "SELECT id, word FROM search_word WHERE word %% %s AND length(word) BETWEEN %s AND %s", [word, lo, hi]
        )
    return [(int(pk), str(w)) for pk, w in cur.fetchall()]


def _pick(word: str, edits: int, candidates: Iterable[tuple[int, str]]) -> list[str]:
    """The rule of ``_in_process`` on a list of candidates: within ``edits``, the nearest
    ``MAX_VARIANTS`` (ties: shorter, then older), by distance and spelling, without the word itself."""
    scored = []
    for pk, w in candidates:
        d = Levenshtein.distance(word, w, score_cutoff=edits)
        if d <= edits:
            scored.append((d, len(w), pk, w))
    best = sorted(scored)[:MAX_VARIANTS]
    return [w for _, _, _, w in sorted(best, key=lambda h: (h[0], h[3])) if w != word]


def _has_trigram() -> bool:
    name = "{HOST}:{PORT}/{NAME}".format_map(defaultdict(str, connection.settings_dict))
    if name not in _trigram:
        try:  # pg_trgm's operator, as _candidates uses it: there, and on the search path
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("SELECT %s %% %s", ["abc", "abc"])
            _trigram[name] = True
        except DatabaseError:
            _trigram[name] = False
        if not _trigram[name]:
            log.warning(
                "search: PostgreSQL has no pg_trgm; OCR look-alikes come from an in-process copy of "
                "search_word (to use the database: CREATE EXTENSION pg_trgm as the database owner, "
                "`hoptac search --rebuild`, restart)"
            )
    return _trigram[name]


def similar(words: list[str]) -> dict[str, list[str]]:
    """For each folded query word, its look-alikes among the indexed non-syllables."""
    todo = [w for w in dict.fromkeys(words) if len(w) >= 3 and w.isalpha()]
    if not todo:
        return {}
    if connection.vendor == "postgresql" and _has_trigram():
        with transaction.atomic(), connection.cursor() as cur:
            return {word: _pick(word, _edits(word), _candidates(cur, word, _edits(word))) for word in todo}
    return _in_process(todo)
