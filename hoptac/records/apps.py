from __future__ import annotations

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "hoptac.records"
    label = "records"
    verbose_name = "Hồ sơ hợp tác"
    default_auto_field = "django.db.models.BigAutoField"
