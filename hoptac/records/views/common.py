"""What the page modules share: office-scoped lookups and audited saves."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from hoptac.records import audit, perms
from hoptac.records.models import (
    Status,
)

CLOSED = (Status.DONE, Status.CANCELLED)


def scoped_get(model: Any, user: Any, pk: int) -> Any:
    obj = get_object_or_404(model, pk=pk)
    perms.check_office(user, obj)
    return obj


def save_audited(request: HttpRequest, form: Any, before: dict[str, Any] | None) -> Any:
    """Save ``form`` and record it (with many-to-many fields) in the audit log, in one transaction."""
    with transaction.atomic():
        obj = form.save()
        after = audit.snapshot(obj)
        for field in obj._meta.many_to_many:
            after[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
        audit.log(request.user, "update" if before else "create", obj, before=before, after=after)
    return obj


def snapshot_with_m2m(obj: Any) -> dict[str, Any]:
    out = audit.snapshot(obj)
    for field in obj._meta.many_to_many:
        out[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return out
