"""What user input may hold, in one place: the dates and years the records can carry, the ids a database
can hold, the length of every text a user writes, and the helper that reads an id or a number from a
query string without ever raising."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

__all__ = [
    "MAX_LINE",
    "MAX_PASSWORD",
    "MAX_TEXT",
    "MAX_TITLE",
    "bound_dates",
    "bound_text",
    "too_long",
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
# The longest text a user may write, by kind (forms and API alike; a model's CharField may be shorter):
MAX_LINE = 300  # a name or a place: one line
MAX_TITLE = 2000  # a title, an agreement's or an event's name, a task's wording
MAX_TEXT = 20_000  # a report, notes, a list of members or of recipients
MAX_PASSWORD = 4096  # hashing a longer one is only work for the server


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


class _MaxLength(MaxLengthValidator):
    message = _("Tối đa %(limit_value)s ký tự (đã nhập %(show_value)s).")


def too_long(limit: int, length: int) -> str:
    """The message for a text of ``length`` characters past ``limit`` (forms, API, imports)."""
    return str(_MaxLength.message) % {"limit_value": limit, "show_value": length}


def bound_text(form: forms.BaseForm, **limits: int) -> None:
    """Give every text field of ``form`` a maximum length (call at the end of the form's ``__init__``):
    ``limits`` by field name, else the field's own (a model's ``CharField``), else ``MAX_TEXT`` for a text
    area and ``MAX_TITLE`` for a line; the browser is told too (``maxlength``)."""
    for name, field in form.fields.items():
        if not isinstance(field, forms.CharField):
            continue
        limit = limits.get(name) or field.max_length
        if limit is None:
            limit = MAX_TEXT if isinstance(field.widget, forms.Textarea) else MAX_TITLE
        field.max_length = limit
        field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
        field.validators.append(_MaxLength(limit))
        if not field.widget.is_hidden:
            field.widget.attrs["maxlength"] = str(limit)
