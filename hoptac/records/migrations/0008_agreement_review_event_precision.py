"""Agreements: Vietnamese co-signatories, and whether a person reviewed them. Events: how precise the date is;
the month-only (and year-only) dates recorded so far without a date get one, so they sort in time."""

import re

from django.db import migrations, models


def date_month_only_events(apps, schema_editor):
    Event = apps.get_model("records", "Event")
    for event in Event.objects.filter(date__isnull=True).exclude(date_text=""):
        text = event.date_text
        if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
            if 1 <= int(m[2]) <= 12:
                event.date, event.date_precision = f"{m[1]}-{m[2]}-01", "month"
                event.save(update_fields=["date", "date_precision"])
        elif re.fullmatch(r"\d{4}", text):
            event.date, event.date_precision = f"{text}-01-01", "year"
            event.save(update_fields=["date", "date_precision"])


class Migration(migrations.Migration):

    dependencies = [
        ('records', '0007_office_locality'),
    ]

    operations = [
        migrations.AddField(
            model_name='agreement',
            name='cosignatories',
            field=models.JSONField(blank=True, default=list, verbose_name='bên ký phía Việt Nam'),
        ),
        migrations.AddField(
            model_name='agreement',
            name='reviewed',
            field=models.BooleanField(default=True, verbose_name='đã duyệt'),
        ),
        migrations.AddField(
            model_name='event',
            name='date_precision',
            field=models.CharField(
                choices=[('day', 'ngày'), ('month', 'tháng'), ('year', 'năm')], default='day', max_length=5
            ),
        ),
        migrations.RunPython(date_month_only_events, migrations.RunPython.noop),
    ]
