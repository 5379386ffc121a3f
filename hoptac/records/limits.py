"""What user input may hold, in one place: the dates and years the records can carry, the ids a database
can hold, and the helper that reads an id or a number from a query string without ever raising."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

__all__ = [
    "bound_dates",
    "IdChoiceField",
    "IdMultipleChoiceField",
    "fits_id",
    "IdConverter",
    "MAX_DATE",
    "MAX_ID",
    "MAX_YEAR",
    "MIN_DATE",
    "MIN_YEAR",
    "check_date",
    "check_year",
    "int_param",
]

MIN_YEAR, MAX_YEAR = 1900, 2200
MIN_DATE, MAX_DATE = dt.date(MIN_YEAR, 1, 1), dt.date(MAX_YEAR, 12, 31)
MAX_ID = 2**63 - 1  # the largest value of a 64-bit signed integer column (PostgreSQL bigint, SQLite)


def check_date(value: Any) -> None:
    """A form validator: a date between 1900 and 2200 (a calendar cannot show 31/12/9999, nor a report use it)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date) and not MIN_DATE <= value <= MAX_DATE:
        raise ValidationError(
            _("Ngày phải từ %(min)s đến %(max)s.") % {"min": f"{MIN_DATE:%d/%m/%Y}", "max": f"{MAX_DATE:%d/%m/%Y}"},
            code="date_range",
        )


def check_year(value: Any) -> None:
    if isinstance(value, int) and not MIN_YEAR <= value <= MAX_YEAR:
        raise ValidationError(
            _("Năm phải từ %(min)s đến %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}, code="year_range"
        )


def int_param(value: Any, *, low: int = 1, high: int = MAX_ID) -> int | None:
    """``value`` (a query string's text) as an int within [low, high], else None: never raises."""
    text = str(value).strip() if value is not None else ""
    if not text or len(text) > 20 or not text.lstrip("-").isdigit() or not text.isascii():
        return None
    number = int(text)
    return number if low <= number <= high else None


class IdConverter:
    """``<id:pk>`` in URL patterns: an id a database column can hold (up to 18 digits); anything longer is
    no page at all (404) rather than an overflow in the query."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: Any) -> str:
        return str(value)


def fits_id(value: Any) -> bool:
    """False for a number no id column can hold (the query would overflow): anything else is left to the
    field's own checks."""
    text = str(value).strip().removeprefix("-")
    return not text.isdigit() or (len(text) <= 19 and int(text) <= MAX_ID)


class IdChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` that answers "invalid choice" to an id past 2^63 instead of overflowing."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not fits_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """The same for several ids (``Meta.field_classes`` of a model form)."""

    def _check_values(self, value: Any) -> Any:
        for item in value if isinstance(value, list | tuple) else [value]:
            if not fits_id(item):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super()._check_values(value)


def bound_dates(form: forms.BaseForm) -> None:
    """Keep every date field of ``form`` between 1900 and 2200 (call at the end of the form's ``__init__``)."""
    for field in form.fields.values():
        if isinstance(field, forms.DateField) and check_date not in field.validators:
            field.validators.append(check_date)
