"""Django's ``flush`` (empty every table), able to empty the append-only audit log on SQLite too.

The audit table's DELETE trigger (``hoptac.records.audit_guard``) is lifted inside flush's transaction
only; on PostgreSQL flush TRUNCATEs, which the row triggers do not see.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

from hoptac.records.audit_guard import unguarded


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":  # TRUNCATE passes the row triggers
            super().handle(**options)
            return
        with transaction.atomic(using=connection.alias), unguarded(connection):
            super().handle(**options)
