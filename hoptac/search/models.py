"""The search index: one ``Entry`` per searchable record, kept current by ``hoptac.search.index``.

The full-text index itself lives beside the table and depends on the database (see
``hoptac.search.engine``): an FTS5 table on SQLite, tsvector columns with GIN indexes on PostgreSQL.
Both index the same three token columns, made by ``hoptac.search.text``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hoptac.records.models import Office

__all__ = ["Alias", "Entry", "Word"]


class Entry(models.Model):
    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Văn bản")
        TASK = "task", _("Nhiệm vụ")
        PARTNER = "partner", _("Đối tác")
        AGENCY = "agency", _("Cơ quan")
        AGREEMENT = "agreement", _("Thỏa thuận")
        EVENT = "event", _("Sự kiện")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.BigIntegerField()
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    document_id = models.BigIntegerField(null=True, blank=True)  # the document it comes from
    filename = models.CharField(max_length=255, blank=True, default="")
    title = models.TextField(blank=True, default="")
    # What a snippet is cut from; empty for a document, whose own text is used.
    text = models.TextField(blank=True, default="")
    # Index tokens (``text.index_text``): names, numbers and titles weigh more than the body.
    head = models.TextField(blank=True, default="")
    body = models.TextField(blank=True, default="")
    # Filter tokens: o<office> k<kind> y<year> p<partner> a<agency>.
    tags = models.TextField(blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title[:60]}"


class Alias(models.Model):
    """Every spelling of a partner's or agency's name, as index tokens: expands a query naming it."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    key = models.CharField(max_length=300, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "object_id"])]


class Word(models.Model):
    """An indexed word that is no Vietnamese syllable (OCR damage, a foreign name): what the
    OCR-tolerant pass compares query words with. Only ever added to."""

    word = models.CharField(max_length=24, unique=True)
