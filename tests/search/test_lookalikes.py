"""OCR look-alikes: PostgreSQL's pg_trgm path finds exactly what the in-process rapidfuzz scan finds.

The rule tests run on both databases; the ones about pg_trgm, unaccent and the index run on
PostgreSQL only.
"""

from __future__ import annotations

import logging
import random
import string
from typing import Any

import pytest
from django.db import connection
from rapidfuzz.distance import Levenshtein

from hoptac.search import engine, ocr
from hoptac.search.find import search
from hoptac.search.models import Word
from tests.search.conftest import Corpus
from tests.search.test_queries import TABLE

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_trgm and unaccent are PostgreSQL's (SQLite scans in process)"
)

# What OCR made of "thỏa", "huyện", "trưởng", "hữu", "giữa", "lập", "tuyên", "nước", "phố" … (folded),
# real syllables, and words too short or long for anything.
OCR_WORDS = ["thea", "huyen", "huyén", "trudng", "hiru", "giira", "iap", "tuyen", "nwec", "phd", "thoa", "lao"]
OCR_WORDS += ["choang", "thiet", "xaysomboun", "xaysombun", "bachsic", "ab", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzz"]


def _folded(words: list[str]) -> list[str]:
    from hoptac.search.text import tokens

    return [t.text for w in words for t in tokens(w)]


def _mutants(rng: random.Random, word: str, edits: int) -> str:
    out = word
    for _ in range(edits):
        i = rng.randrange(len(out) + 1)
        op = rng.choice("sid")
        c = rng.choice(string.ascii_lowercase)
        if op == "s" and i < len(out):
            out = out[:i] + c + out[i + 1 :]
        elif op == "d" and i < len(out) and len(out) > 3:
            out = out[:i] + out[i + 1 :]
        else:
            out = out[:i] + c + out[i:]
    return out


def _table_words(rng: random.Random) -> list[str]:
    """Random words and near copies of them (ties, lengths 3 to 24), added to ``search_word``."""
    # The process's copy reads only rows past the last id it saw; SQLite gives a rolled-back
    # test's ids again, so a test that adds words starts the copy afresh.
    ocr._words.clear()
    ocr._seen.update(count=0, last=0)
    bases = ["".join(rng.choice("aeioubcdhnst") for _ in range(rng.randint(3, 16))) for _ in range(40)]
    words = set(bases)
    for b in bases:
        for _ in range(8):
            words.add(_mutants(rng, b, rng.randint(1, 2))[:24])
    # More than MAX_VARIANTS words one edit from "abcde", of three lengths: the tie rule decides.
    words |= {"abcd" + c for c in "fghijklm"} | {"abcd", "bcde", "abcdef", "abcdeg", "xabcde", "abde"}
    words = {w for w in words if len(w) >= 3}
    Word.objects.bulk_create([Word(word=w) for w in sorted(words, key=lambda w: rng.random())], ignore_conflicts=True)
    return sorted(words)


def _query_words(rng: random.Random, table: list[str]) -> list[str]:
    picks = rng.sample(table, 60)
    queries = picks + [_mutants(rng, w, rng.randint(1, 3)) for w in picks] + ["abcde", "abcdx", "abcd"]
    return [q for q in dict.fromkeys(queries + _folded(OCR_WORDS)) if q.isalpha()]


def test_the_rule_on_candidates_is_the_rapidfuzz_scan(db: Any) -> None:
    """``_pick`` over every word gives what ``_in_process`` gives: same distances, same ties."""
    rng = random.Random(5)
    table = _table_words(rng)
    rows = list(Word.objects.values_list("id", "word"))
    queries = _query_words(rng, table)
    scanned = ocr._in_process(queries)
    picked = {q: ocr._pick(q, ocr._edits(q), rows) for q in queries}
    assert picked == scanned
    assert len(scanned["abcde"]) == ocr.MAX_VARIANTS  # "abcde" itself is not in the table: six of many
    assert scanned["abcde"] == sorted(scanned["abcde"])


def test_the_trigram_threshold_keeps_every_lookalike() -> None:
    """Pure arithmetic: the bound is below the pg_trgm similarity of every pair within the edits."""
    rng = random.Random(7)

    def trigrams(w: str) -> set[str]:
        p = f"  {w} "
        return {p[i : i + 3] for i in range(len(p) - 2)}

    for _ in range(4000):
        word = "".join(rng.choice("abcdehnt") for _ in range(rng.randint(3, 24)))
        edits = ocr._edits(word)
        other = _mutants(rng, word, rng.randint(1, edits))
        if Levenshtein.distance(word, other) > edits:
            continue
        a, b = trigrams(word), trigrams(other)
        threshold = ocr.trigram_threshold(word, edits)
        assert threshold is None or len(a & b) / len(a | b) >= threshold, (word, other)


@postgres_only
def test_extensions_configuration_and_indexes_are_there(db: Any) -> None:
    assert engine.pg_extensions() == {"pg_trgm", "unaccent"}
    assert engine._pg_doc_config(connection) == engine.PG_CONFIG
    with connection.cursor() as cur:
        cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [engine.PG_TRIGRAM_INDEX])
        assert "gin_trgm_ops" in cur.fetchone()[0]
        # The folded tokens pass through untouched; unfolded text would be folded by unaccent.
        cur.execute("SELECT to_tsvector('hoptac_vi', 'hop tac 57kltw x e982a3'), to_tsvector('hoptac_vi', 'Đà Nẵng')")
        folded, raw = cur.fetchone()
    assert folded == "'57kltw':3 'e982a3':5 'hop':1 'tac':2 'x':4"
    assert raw == "'da':1 'nang':2"


@postgres_only
def test_pg_trgm_gives_the_same_lookalikes_as_rapidfuzz(db: Any, monkeypatch: Any) -> None:
    rng = random.Random(11)
    table = _table_words(rng)
    queries = _query_words(rng, table)
    monkeypatch.setattr(ocr, "_has_trigram", lambda: False)
    scanned = ocr.similar(queries)
    monkeypatch.undo()
    monkeypatch.setattr(ocr, "_in_process", None)  # the database path only: no copy of the table
    from_db = ocr.similar(queries)
    assert from_db == scanned
    assert sum(map(len, from_db.values())) > 100


@postgres_only
def test_the_trigram_index_is_used(db: Any) -> None:
    Word.objects.bulk_create([Word(word=f"w{i:05d}trudng") for i in range(2000)])
    with connection.cursor() as cur:
        cur.execute("ANALYZE search_word")
        cur.execute("SET LOCAL enable_seqscan = off")  # a small table: only whether the index serves `%`
        cur.execute("SELECT set_config('pg_trgm.similarity_threshold', '0.3', true)")
        cur.execute(
            "EXPLAIN SELECT id, word FROM search_word WHERE word %% %s AND length(word) BETWEEN 4 AND 8", ["thea"]
        )
        plan = "\n".join(r[0] for r in cur.fetchall())
    assert engine.PG_TRIGRAM_INDEX in plan, plan


@postgres_only
def test_search_gives_the_same_hits_with_or_without_pg_trgm(corpus: Corpus, monkeypatch: Any) -> None:
    def run() -> list[Any]:
        out = []
        for query, filters, _, _ in TABLE:
            res = search(query, office=corpus.bg, limit=100, **filters)
            out.append((query, res.total, [(h.kind, h.id, round(h.score, 6), h.approximate) for h in res.hits]))
        return out

    with_trgm = run()
    key = next(iter(ocr._trigram))
    monkeypatch.setitem(ocr._trigram, key, False)
    assert run() == with_trgm
    assert any(h[3] for _, _, hits in with_trgm for h in hits)  # the tolerant pass took part


@postgres_only
def test_an_extension_that_cannot_be_made_is_a_warning(db: Any, monkeypatch: Any, caplog: Any) -> None:
    monkeypatch.setattr(engine, "PG_EXTENSIONS", (*engine.PG_EXTENSIONS, "no_such_extension"))
    with caplog.at_level(logging.WARNING, logger="hoptac.search.engine"):
        engine.install()
    assert "no_such_extension" in caplog.text
    assert engine.installed() and engine.pg_extensions() == {"pg_trgm", "unaccent"}
    assert Word.objects.count() >= 0  # the transaction is still usable


@postgres_only
def test_the_migration_goes_back_and_forth(corpus: Corpus) -> None:
    before = [h.id for h in search("Théa thuan", office=corpus.bg).hits]
    engine.uninstall_extras()
    assert engine._pg_doc_config(connection) == "simple" and engine.installed()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_indexes WHERE indexname = %s", [engine.PG_TRIGRAM_INDEX])
        assert cur.fetchone()[0] == 0
    assert [h.id for h in search("Théa thuan", office=corpus.bg).hits] == before
    engine.install()
    assert engine._pg_doc_config(connection) == engine.PG_CONFIG
    assert [h.id for h in search("Théa thuan", office=corpus.bg).hits] == before
