from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_save


class RecordsConfig(AppConfig):
    name = "hoptac.records"
    label = "records"
    verbose_name = "Hồ sơ hợp tác"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from hoptac.records.models import end_tokens

        post_migrate.connect(_guard_audit_log, sender=self, dispatch_uid="hoptac.records.guard_audit_log")
        pre_save.connect(end_tokens, sender=get_user_model(), dispatch_uid="hoptac.records.end_tokens")


def _guard_audit_log(using: str = "default", plan: Any = None, **kwargs: Any) -> None:
    """Put the audit log's append-only triggers back if a later migration rebuilt its table (SQLite drops
    a table's triggers with it); not before migration 0004 has put them there once."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from hoptac.records import audit_guard

    conn = connections[using]
    if audit_guard.TABLE not in conn.introspection.table_names():
        return
    if not MigrationRecorder(conn).migration_qs.filter(app="records", name="0004_auditlog_append_only").exists():
        return
    if not audit_guard.guarded(conn):
        audit_guard.install_guard(conn)
