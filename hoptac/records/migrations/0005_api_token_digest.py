"""API tokens stored as their SHA-256 only (the key is shown once, when made), with a name, the time of last
use and an optional expiry day. The keys already issued are hashed in place, so they keep working."""

import hashlib

from django.db import migrations, models


def hash_keys(apps, schema_editor):  # type: ignore[no-untyped-def]
    ApiToken = apps.get_model("records", "ApiToken")
    for token in ApiToken.objects.all():
        token.digest = hashlib.sha256(token.digest.encode("utf-8", "replace")).hexdigest()
        token.save(update_fields=["digest"])


class Migration(migrations.Migration):
    dependencies = [("records", "0004_auditlog_append_only")]

    operations = [
        migrations.RenameField(model_name="apitoken", old_name="key", new_name="digest"),
        migrations.RunPython(hash_keys, migrations.RunPython.noop),
        migrations.AddField(
            model_name="apitoken",
            name="name",
            field=models.CharField(blank=True, default="", max_length=100, verbose_name="tên"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="last_used",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires",
            field=models.DateField(blank=True, null=True, verbose_name="hết hạn sau ngày"),
        ),
        migrations.AlterModelOptions(name="apitoken", options={"ordering": ["-created", "-id"]}),
    ]
