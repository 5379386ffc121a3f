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

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection, transaction

from hoptac.search.query import Group

__all__ = [
    "PG_CONFIG",
    "PG_EXTENSIONS",
    "RANK_WINDOW",
    "Found",
    "find",
    "install",
    "installed",
    "pg_extensions",
    "uninstall",
    "uninstall_extras",
]

log = logging.getLogger(__name__)

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
# PostgreSQL: tsvector columns with GIN indexes. The tokens are folded ASCII already (Python's
# fold, the same as SQLite's), so the query side is plain 'simple'. The stored ``doc`` is made with
# ``hoptac_vi`` when the unaccent extension is there: 'simple' plus unaccent for the parser's
# non-ASCII word types only, a safety net for text that reaches search_entry unfolded (it never
# sees, nor slows, an ASCII token). pg_trgm gives the trigram index on search_word that the
# OCR-tolerant pass searches (``hoptac.search.ocr``). Both extensions are "trusted" (PostgreSQL 13+):
# a database owner creates them; where that is refused, search works as before without them.
PG_EXTENSIONS = ("pg_trgm", "unaccent")
PG_CONFIG = "hoptac_vi"
PG_TRIGRAM_INDEX = "search_word_trgm"
PG_MAKE_CONFIG = (
    "DO $$ BEGIN "
    "IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'hoptac_vi' AND pg_ts_config_is_visible(oid)) THEN "
    "CREATE TEXT SEARCH CONFIGURATION hoptac_vi (COPY = simple); "
    "ALTER TEXT SEARCH CONFIGURATION hoptac_vi ALTER MAPPING FOR word, hword, hword_part WITH unaccent, simple; "
    "END IF; END $$"
)
PG_DOC = (
    "ALTER TABLE search_entry ADD COLUMN IF NOT EXISTS doc tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('{config}'::regconfig, head), 'A') || "
    "setweight(to_tsvector('{config}'::regconfig, body), 'B')) STORED"
)
PG_INSTALL = [
    "SET CONSTRAINTS ALL IMMEDIATE",  # ALTER TABLE refuses to run with deferred checks pending
    PG_DOC,
    "ALTER TABLE search_entry ADD COLUMN IF NOT EXISTS tagv tsvector GENERATED ALWAYS AS ("
    "to_tsvector('simple'::regconfig, tags)) STORED",
    "CREATE INDEX IF NOT EXISTS search_entry_doc ON search_entry USING gin (doc)",
    "CREATE INDEX IF NOT EXISTS search_entry_tagv ON search_entry USING gin (tagv)",
]
PG_DROP_DOC = [
    "SET CONSTRAINTS ALL IMMEDIATE",
    "DROP INDEX IF EXISTS search_entry_doc",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS doc",
]
PG_UNINSTALL = [
    "SET CONSTRAINTS ALL IMMEDIATE",
    "DROP INDEX IF EXISTS search_entry_tagv",
    "DROP INDEX IF EXISTS search_entry_doc",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS tagv",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS doc",
    f"DROP INDEX IF EXISTS {PG_TRIGRAM_INDEX}",
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIG}",
]


def _run(conn: Any, statements: Sequence[str]) -> None:
    with conn.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def pg_extensions(conn: Any = None) -> set[str]:
    """The extensions of ``PG_EXTENSIONS`` that this PostgreSQL database has."""
    conn = conn or connection
    with conn.cursor() as cur:
        cur.execute("SELECT extname FROM pg_extension WHERE extname = ANY(%s)", [list(PG_EXTENSIONS)])
        return {str(r[0]) for r in cur.fetchall()}


_refused: set[tuple[str, str]] = set()  # (database alias, extension) warned about once per process


def _pg_create_extensions(conn: Any) -> set[str]:
    """Create the missing extensions, each in a savepoint: one the role may not create is logged,
    and search goes on without it (OCR look-alikes from an in-process word list, plain 'simple')."""
    have = pg_extensions(conn)
    for name in PG_EXTENSIONS:
        if name in have:
            continue
        try:
            with transaction.atomic(using=conn.alias), conn.cursor() as cur:
                cur.execute(f"CREATE EXTENSION IF NOT EXISTS {name}")
            have.add(name)
        except DatabaseError as exc:
            if (conn.alias, name) in _refused:
                continue
            _refused.add((conn.alias, name))
            log.warning(
                "search: cannot create the PostgreSQL extension %s (%s); search works without it. "
                "Have the database owner (or a superuser) run: CREATE EXTENSION %s;",
                name,
                str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
                name,
            )
    return have


def _pg_doc_config(conn: Any) -> str | None:
    """The text search configuration the stored ``doc`` column is made with (None: no column)."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a "
            "ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
            "WHERE d.adrelid = 'search_entry'::regclass AND a.attname = 'doc'"
        )
        row = cur.fetchone()
    if row is None:
        return None
    return PG_CONFIG if PG_CONFIG in str(row[0]) else "simple"


def _pg_try(conn: Any, what: str, statements: Sequence[str]) -> bool:
    """Run in a savepoint; a failure (an extension in a schema not on the search path …) is logged."""
    try:
        with transaction.atomic(using=conn.alias):
            _run(conn, statements)
        return True
    except DatabaseError as exc:
        log.warning("search: cannot create %s (%s); search works without it", what, str(exc).strip()[:200])
        return False


def _pg_install(conn: Any, extras: bool = True) -> None:
    config = "simple"
    if extras:
        have = _pg_create_extensions(conn)
        if "unaccent" in have and _pg_try(conn, f"the text search configuration {PG_CONFIG}", [PG_MAKE_CONFIG]):
            config = PG_CONFIG
        if "pg_trgm" in have:
            sql = f"CREATE INDEX IF NOT EXISTS {PG_TRIGRAM_INDEX} ON search_word USING gin (word gin_trgm_ops)"
            _pg_try(conn, "the trigram index on search_word", [sql])
    if _pg_doc_config(conn) not in (None, config):
        _run(conn, PG_DROP_DOC)  # made with the other configuration: made again (the table is rewritten)
    _run(conn, [sql.format(config=config) if sql == PG_DOC else sql for sql in PG_INSTALL])


def install(conn: Any = None) -> None:
    """Create the full-text index beside ``search_entry`` (idempotent; the migrations call it). On
    PostgreSQL also the extensions, the ``hoptac_vi`` configuration and the trigram index on
    ``search_word``, where the role may create them."""
    conn = conn or connection
    if conn.vendor == "sqlite":
        _run(conn, SQLITE_INSTALL)
    elif conn.vendor == "postgresql":
        _pg_install(conn)


def uninstall_extras(conn: Any = None) -> None:
    """PostgreSQL: back to the index without the extensions' objects ('simple', no trigram index).
    The extensions themselves stay: other objects of the database may use them."""
    conn = conn or connection
    if conn.vendor == "postgresql":
        _run(conn, [f"DROP INDEX IF EXISTS {PG_TRIGRAM_INDEX}"])
        if _pg_doc_config(conn) is not None:
            _pg_install(conn, extras=False)
        _run(conn, [f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIG}"])


def uninstall(conn: Any = None) -> None:
    conn = conn or connection
    if conn.vendor == "sqlite":
        _run(conn, SQLITE_UNINSTALL)
    elif conn.vendor == "postgresql":
        _run(conn, PG_UNINSTALL)


def installed(conn: Any = None) -> bool:
    """Whether the index is in place (SQLite rebuilds a table on some migrations, dropping triggers).
    On PostgreSQL, the tsvector columns; the extensions' objects are optional."""
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
