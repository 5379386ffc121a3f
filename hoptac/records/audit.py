"""The audit log: who changed what, when, before and after, and from which document."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import F, Model

from hoptac.records.models import AuditLog, Document, Office

__all__ = ["log", "snapshot"]


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
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields:
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
) -> AuditLog:
    """Record a change (``document``: the document it came from, or its id) and mark the office's data changed."""
    actor = user if getattr(user, "is_authenticated", False) else None
    office_id = getattr(obj, "office_id", None)
    if office_id is not None:
        Office.objects.filter(pk=office_id).update(data_version=F("data_version") + 1)
    return AuditLog.objects.create(
        office_id=getattr(obj, "office_id", None),
        user=actor,
        action=action,
        model=obj._meta.model_name or type(obj).__name__,
        object_id=str(obj.pk or ""),
        summary=summary or str(obj)[:500],
        before=before,
        after=after,
        document_id=document.pk if isinstance(document, Document) else document,
    )
