"""The audit log: who changed what, when, before and after, and from which document."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import F, Model

from hoptac.records.models import AuditLog, Document, Office

__all__ = ["log", "log_fields", "snapshot"]

# Never copied into the log: the secret of an API or calendar token.
SECRET_FIELDS = {"apitoken": {"key", "digest"}, "calendartoken": {"key"}}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "url"):  # a FieldFile
        return value.name or None
    return value


def snapshot(obj: Model, fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The concrete fields of ``obj`` as JSON-able values (big text fields left out)."""
    out: dict[str, Any] = {}
    secret = SECRET_FIELDS.get(obj._meta.model_name or "", set())
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if f.name in secret:
            continue
        if f.name in ("text", "extraction") and fields is None:
            continue
        out[f.attname] = _plain(getattr(obj, f.attname))
    return out


def log(
    user: Any,
    action: str,
    obj: Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    document: Document | int | None = None,
    summary: str = "",
    office: Office | int | None = None,
) -> AuditLog:
    """Record a change (``document``: the document it came from, or its id) and mark the office's data changed.

    ``office``: for an object that has none (a user's token), the office whose log shows the entry."""
    actor = user if getattr(user, "is_authenticated", False) else None
    office_id = getattr(obj, "office_id", None)
    if office_id is not None:
        Office.objects.filter(pk=office_id).update(data_version=F("data_version") + 1)
    elif office is not None:
        office_id = office.pk if isinstance(office, Office) else office
    return AuditLog.objects.create(
        office_id=office_id,
        user=actor,
        action=action,
        model=obj._meta.model_name or type(obj).__name__,
        object_id=str(obj.pk or ""),
        summary=summary or str(obj)[:500],
        before=before,
        after=after,
        document_id=document.pk if isinstance(document, Document) else document,
    )


def log_fields(
    user: Any,
    obj: Model,
    before: dict[str, Any],
    *,
    action: str = "update",
    document: Document | int | None = None,
    summary: str = "",
) -> AuditLog | None:
    """Record the change of the fields named in ``before`` (their earlier values), if any changed."""
    after = {k: _plain(getattr(obj, k)) for k in before}
    if after == {k: _plain(v) for k, v in before.items()}:
        return None
    return log(user, action, obj, before=before, after=after, document=document, summary=summary)
