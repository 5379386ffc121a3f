"""The audit log is append-only, in the database too: triggers refuse UPDATE and DELETE of its rows.

Its office, user and document are PROTECTed (they were CASCADE/SET_NULL, which would rewrite or drop history).
Emptying the whole database stays possible: PostgreSQL's TRUNCATE (what ``flush`` runs) fires no row
trigger, and on SQLite ``hoptac.records``'s ``flush`` command lifts the DELETE trigger while it empties
every table (``records.audit_guard``).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    from hoptac.records.audit_guard import install_guard

    install_guard(schema_editor.connection)


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    from hoptac.records.audit_guard import remove_guard

    remove_guard(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0003_report_role_and_attachment_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditlog",
            name="document",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="records.document",
            ),
        ),
        migrations.AlterField(
            model_name="auditlog",
            name="office",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="records.office",
            ),
        ),
        migrations.AlterField(
            model_name="auditlog",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(install, remove),
    ]
