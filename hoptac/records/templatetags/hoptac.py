"""``{% load hoptac %}``: ``vndate`` writes dates as the Vietnamese interface does (dd/mm/yyyy, tháng mm/yyyy)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from hoptac.dates import vn_date

register = template.Library()


@register.filter
def vndate(value: Any) -> str:
    """A date or ISO text as dd/mm/yyyy ("tháng mm/yyyy" for a month; "month mm/yyyy" in English)."""
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        value = timezone.localtime(value)
    text = vn_date(value)
    if text.startswith("tháng ") and (get_language() or "vi").startswith("en"):
        return "month " + text[len("tháng ") :]
    return text.replace(" hằng năm", ", yearly") if (get_language() or "vi").startswith("en") else text
