# PostgreSQL only (nothing on SQLite): the pg_trgm and unaccent extensions, the trigram GIN index on
# search_word.word that the OCR-tolerant pass searches, and the stored tsvector made with the
# "hoptac_vi" configuration (simple + unaccent). Both extensions are trusted (PostgreSQL 13+): the
# database owner creates them. A role that may not create one gets a logged warning and search goes
# on without it. Reversed: the index and the configuration go ('simple' again); the extensions stay,
# as other objects of the database may use them.

from django.db import migrations


def forward(apps, schema_editor):
    from hoptac.search import engine

    if schema_editor.connection.vendor == "postgresql":
        engine.install(schema_editor.connection)  # idempotent: a database made by 0001 has it all


def backward(apps, schema_editor):
    from hoptac.search import engine

    engine.uninstall_extras(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
