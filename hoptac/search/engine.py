"""The one module that speaks to the full-text index, on SQLite (FTS5) or PostgreSQL (tsvector + GIN).

Both index the same ASCII tokens (``hoptac.search.text``) of ``search_entry``'s three columns:
``head`` (names, numbers, titles; weighs ten times the body), ``body`` and ``tags`` (filters).
A query arrives as ``Group``s (``hoptac.search.query``) and is written here in each database's
syntax; only tokens of ``[a-z0-9]`` ever reach it, so no user text is ever part of the syntax.

When more than ``RANK_WINDOW`` entries match, only the newest ``RANK_WINDOW`` of them are ranked:
ranking is the cost of a search, and a query that matches that many is refined with a filter.
Relevance: an entry whose head matches the whole query first, then the full-text score (bm25 on
SQLite over the query's rarer tokens, ts_rank on PostgreSQL), then the newest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from hoptac.search.query import Group

__all__ = [
    "RANK_WINDOW",
    "Found",
    "find",
    "install",
    "installed",
    "uninstall",
]

RANK_WINDOW = 2000
HEAD_WEIGHT = 10.0
HEAD_BONUS = 100.0  # an entry whose head (title, name, number) matches the whole query comes first

SQLITE_INSTALL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "head, body, tags, content='search_entry', content_rowid='id', tokenize='ascii')",
    "CREATE TRIGGER IF NOT EXISTS search_entry_ai AFTER INSERT ON search_entry BEGIN "
    "INSERT INTO search_fts(rowid, head, body, tags) VALUES (new.id, new.head, new.body, new.tags); END",
    "CREATE TRIGGER IF NOT EXISTS search_entry_ad AFTER DELETE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, head, body, tags) "
    "VALUES ('delete', old.id, old.head, old.body, old.tags); END",
    "CREATE TRIGGER IF NOT EXISTS search_entry_au AFTER UPDATE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, head, body, tags) "
    "VALUES ('delete', old.id, old.head, old.body, old.tags); "
    "INSERT INTO search_fts(rowid, head, body, tags) VALUES (new.id, new.head, new.body, new.tags); END",
    # From what search_entry holds now: a fresh table, or one whose triggers were lost, is whole again.
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS search_entry_ai",
    "DROP TRIGGER IF EXISTS search_entry_ad",
    "DROP TRIGGER IF EXISTS search_entry_au",
    "DROP TABLE IF EXISTS search_fts",
]
# Plain full-text search: the tokens are folded already, so neither unaccent nor a language
# configuration is wanted, and a database role that cannot create extensions is enough.
PG_INSTALL = [
    "SET CONSTRAINTS ALL IMMEDIATE",  # ALTER TABLE refuses to run with deferred checks pending
    "ALTER TABLE search_entry ADD COLUMN IF NOT EXISTS doc tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, head), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body), 'B')) STORED",
    "ALTER TABLE search_entry ADD COLUMN IF NOT EXISTS tagv tsvector GENERATED ALWAYS AS ("
    "to_tsvector('simple'::regconfig, tags)) STORED",
    "CREATE INDEX IF NOT EXISTS search_entry_doc ON search_entry USING gin (doc)",
    "CREATE INDEX IF NOT EXISTS search_entry_tagv ON search_entry USING gin (tagv)",
]
PG_UNINSTALL = [
    "SET CONSTRAINTS ALL IMMEDIATE",
    "DROP INDEX IF EXISTS search_entry_tagv",
    "DROP INDEX IF EXISTS search_entry_doc",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS tagv",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS doc",
]


def _run(conn: Any, statements: Sequence[str]) -> None:
    with conn.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def install(conn: Any = None) -> None:
    """Create the full-text index beside ``search_entry`` (idempotent; the migration calls it)."""
    conn = conn or connection
    if conn.vendor == "sqlite":
        _run(conn, SQLITE_INSTALL)
    elif conn.vendor == "postgresql":
        _run(conn, PG_INSTALL)


def uninstall(conn: Any = None) -> None:
    conn = conn or connection
    if conn.vendor == "sqlite":
        _run(conn, SQLITE_UNINSTALL)
    elif conn.vendor == "postgresql":
        _run(conn, PG_UNINSTALL)


def installed(conn: Any = None) -> bool:
    """Whether the index is in place (SQLite rebuilds a table on some migrations, dropping triggers)."""
    conn = conn or connection
    with conn.cursor() as cur:
        if conn.vendor == "sqlite":
            cur.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'search_entry_a_' AND type='trigger'")
            return bool(cur.fetchone()[0] == 3)
        if conn.vendor == "postgresql":
            cur.execute(
                "SELECT count(*) FROM information_schema.columns "
                "WHERE table_name = 'search_entry' AND column_name IN ('doc', 'tagv')"
            )
            return bool(cur.fetchone()[0] == 2)
    return False


# -- query syntax ------------------------------------------------------------------------------


def _alternatives(group: Group, tolerant: bool) -> list[tuple[str, ...]]:
    alts = list(group.alternatives)
    if tolerant:
        alts += [f for f in group.fuzzy if f not in alts]
    return alts


def _fts(groups: Sequence[Group], tolerant: bool) -> str:
    parts = []
    for g in groups:
        alts = []
        for alt in _alternatives(g, tolerant):
            phrase = '"' + " ".join(alt) + '"'
            alts.append(phrase + " *" if g.prefix and len(alt) == 1 and alt == g.alternatives[0] else phrase)
        parts.append("(" + " OR ".join(alts) + ")")
    return " AND ".join(parts)


def _tsquery(groups: Sequence[Group], tolerant: bool, weight: str = "") -> str:
    """The query in tsquery syntax; ``weight`` "A" matches the head only."""
    parts = []
    for g in groups:
        alts = []
        for alt in _alternatives(g, tolerant):
            if g.prefix and len(alt) == 1 and alt == g.alternatives[0]:
                alts.append(alt[0] + ":*" + weight)
            else:
                words = [t + (":" + weight if weight else "") for t in alt]
                alts.append("(" + " <-> ".join(words) + ")" if len(words) > 1 else words[0])
        parts.append("(" + " | ".join(alts) + ")")
    return " & ".join(parts)


# -- searching ---------------------------------------------------------------------------------


@dataclass
class Found:
    """Entry ids with their score (higher is better), best first, and how many matched in all."""

    hits: list[tuple[int, float]]
    total: int
    capped: bool  # more than RANK_WINDOW matched: ``total`` is a lower bound


def find(
    groups: Sequence[Group],
    tags: Sequence[str],
    *,
    limit: int,
    offset: int = 0,
    tolerant: bool = False,
    window: int = RANK_WINDOW,
) -> Found:
    """Entries matching every group and every tag, ranked.

    ``tolerant`` matches OCR look-alikes too and returns only what the exact search does not find.
    """
    if connection.vendor == "postgresql":
        return _find_pg(groups, tags, limit, offset, tolerant, window)
    return _find_sqlite(groups, tags, limit, offset, tolerant, window)


# Tokens found in more entries than this are left out of the SQLite ranking: bm25 reads a term's
# whole list of entries to weigh it, and a word in every document weighs nothing anyway.
_common: set[str] = set()


def _rare(cur: Any, tokens: set[str], window: int) -> list[str]:
    out = []
    for tok in sorted(tokens - _common):
        cur.execute(
            "SELECT count(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH %s LIMIT %s)",
            ['{head body} : "' + tok + '"', window + 1],
        )
        if int(cur.fetchone()[0]) > window:
            _common.add(tok)
        else:
            out.append(tok)
    return out


def _find_sqlite(
    groups: Sequence[Group], tags: Sequence[str], limit: int, offset: int, tolerant: bool, window: int
) -> Found:
    """The newest ``window`` matches, ranked: a match in the head first, then bm25 over the query's
    rarer tokens, then the newest; one page of them."""
    expr = _fts(groups, False)
    if tolerant:
        expr = f"({_fts(groups, True)}) NOT ({expr})"
    where = " AND tags : (" + " AND ".join(tags) + ")" if tags else ""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s ORDER BY rowid DESC LIMIT %s",
            ["{head body} : (" + expr + ")" + where, window + 1],
        )
        ids = [int(r[0]) for r in cur.fetchall()]
        total, capped = min(len(ids), window), len(ids) > window
        ids = ids[:window]
        if offset >= len(ids):
            return Found([], total, capped)
        floor = ids[-1]
        score = dict.fromkeys(ids, 0.0)
        cur.execute(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s AND rowid >= %s",
            ["{head} : (" + expr + ")" + where, floor],
        )
        for (pk,) in cur.fetchall():
            if pk in score:
                score[pk] += HEAD_BONUS
        tokens = {t for g in groups for alt in _alternatives(g, tolerant) for t in alt}
        rare = _rare(cur, tokens, window)
        if rare:
            cur.execute(
                "SELECT rowid, bm25(search_fts, %s, 1.0, 0.0) FROM search_fts "
                "WHERE search_fts MATCH %s AND rowid >= %s",
                [HEAD_WEIGHT, "{head body} : (" + " OR ".join(f'"{t}"' for t in rare) + ")", floor],
            )
            for pk, r in cur.fetchall():
                if pk in score:
                    score[pk] -= float(r)
    ranked = sorted(ids, key=lambda pk: (-score[pk], -pk))[offset : offset + limit]
    return Found([(pk, score[pk]) for pk in ranked], total, capped)


def _find_pg(
    groups: Sequence[Group], tags: Sequence[str], limit: int, offset: int, tolerant: bool, window: int
) -> Found:
    """As on SQLite: the newest ``window`` matches, then ranked (head first, ts_rank, newest)."""
    expr = _tsquery(groups, False)
    head = _tsquery(groups, False, "A")
    if tolerant:
        expr = f"({_tsquery(groups, True)}) & !({expr})"
        head = f"({_tsquery(groups, True, 'A')}) & ({expr})"
    where = "doc @@ to_tsquery('simple', %s)"
    params: list[Any] = [expr]
    if tags:
        where += " AND tagv @@ to_tsquery('simple', %s)"
        params.append(" & ".join(tags))
    with connection.cursor() as cur:
        cur.execute(f"SELECT id FROM search_entry WHERE {where} ORDER BY id DESC LIMIT %s", [*params, window + 1])
        ids = [int(r[0]) for r in cur.fetchall()]
        total, capped = min(len(ids), window), len(ids) > window
        ids = ids[:window]
        if offset >= len(ids):
            return Found([], total, capped)
        cur.execute(
            f"SELECT id, ts_rank('{{0, 0, {1 / HEAD_WEIGHT}, 1}}', doc, to_tsquery('simple', %s), 1) "
            f"+ CASE WHEN doc @@ to_tsquery('simple', %s) THEN {HEAD_BONUS} ELSE 0 END "
            "FROM search_entry WHERE id = ANY(%s)",
            [expr, head, ids],
        )
        score = {int(pk): float(r) for pk, r in cur.fetchall()}
    ranked = sorted(ids, key=lambda pk: (-score.get(pk, 0.0), -pk))[offset : offset + limit]
    return Found([(pk, score.get(pk, 0.0)) for pk in ranked], total, capped)
