"""The database's half of the append-only audit log: triggers that refuse UPDATE and DELETE of its rows.

Installed by migration ``records.0004``. Only emptying the whole database gets past them: TRUNCATE on
PostgreSQL (no row trigger fires), and ``flush`` on SQLite, which drops the DELETE trigger for the length
of its transaction (``unguarded``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

__all__ = ["TABLE", "guarded", "install_guard", "remove_guard", "unguarded"]

TABLE = "records_auditlog"
MESSAGE = "records_auditlog: nhật ký thay đổi chỉ được ghi thêm (append-only)"

SQLITE_UPDATE = (
    f"CREATE TRIGGER IF NOT EXISTS hoptac_auditlog_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
)
SQLITE_DELETE = (
    f"CREATE TRIGGER IF NOT EXISTS hoptac_auditlog_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
)
PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION hoptac_auditlog_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE} (% refused)', TG_OP;
END
$$
"""
PG_TRIGGER = (
    f"CREATE TRIGGER hoptac_auditlog_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION hoptac_auditlog_append_only()"
)


def install_guard(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(SQLITE_UPDATE)
            cursor.execute(SQLITE_DELETE)
        elif connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
            cursor.execute(f"DROP TRIGGER IF EXISTS hoptac_auditlog_append_only ON {TABLE}")
            cursor.execute(PG_TRIGGER)


def remove_guard(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS hoptac_auditlog_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS hoptac_auditlog_no_delete")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS hoptac_auditlog_append_only ON {TABLE}")
            cursor.execute("DROP FUNCTION IF EXISTS hoptac_auditlog_append_only()")


def guarded(connection: Any) -> bool:
    """Whether the triggers are in place (a later migration that rebuilds the table on SQLite drops them)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN "
                "('hoptac_auditlog_no_update', 'hoptac_auditlog_no_delete')"
            )
            return bool(cursor.fetchone()[0] == 2)
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname = 'hoptac_auditlog_append_only' AND NOT tgisinternal"
            )
            return bool(cursor.fetchone()[0] == 1)
    return False


@contextlib.contextmanager
def unguarded(connection: Any) -> Iterator[None]:
    """SQLite only: the DELETE trigger lifted, for ``flush`` emptying every table (in the caller's transaction)."""
    lifted = connection.vendor == "sqlite"
    if lifted:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS hoptac_auditlog_no_delete")
    try:
        yield
    finally:
        if lifted:
            with connection.cursor() as cursor:
                cursor.execute(SQLITE_DELETE)
