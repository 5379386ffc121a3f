from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "hoptac.search"
    label = "search"
    verbose_name = "Tìm kiếm"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hoptac.search import index

        index.connect()
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="hoptac.search.after_migrate")


def _after_migrate(using: str = "default", **kwargs: Any) -> None:
    """Put the full-text index back if a migration rebuilt the table (SQLite drops its triggers),
    and fill an index that is empty while records exist (hoptac upgraded to a version with search)."""
    from django.db import connections

    from hoptac.records.models import Agency, Document, Partner
    from hoptac.search import engine, index
    from hoptac.search.models import Entry

    conn = connections[using]
    if Entry._meta.db_table not in conn.introspection.table_names():
        return  # migrated back to before search
    if not engine.installed(conn):
        engine.install(conn)
    elif not Entry.objects.using(using).exists() and any(
        m.objects.using(using).exists() for m in (Document, Partner, Agency)
    ):
        index.rebuild()
