from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_noop

NAV_LABEL = gettext_noop("Báo cáo định kỳ")  # the link to the cycle in records/base.html


class CycleConfig(AppConfig):
    name = "hoptac.cycle"
    label = "cycle"
    verbose_name = "Chu kỳ báo cáo"
    default_auto_field = "django.db.models.BigAutoField"
