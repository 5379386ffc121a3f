"""The index follows every write: signals mark, the commit indexes, ``rebuild`` starts over."""

from __future__ import annotations

from typing import Any

import pytest

from hoptac.search.find import search
from hoptac.search.models import Entry
from tests.records.conftest import SAMPLES, SEED_001, World

pytestmark = pytest.mark.django_db


def _ids(query: str, **kw: Any) -> set[tuple[str, int]]:
    return {(h.kind, h.id) for h in search(query, limit=100, **kw).hits}


def test_ingest_is_indexed_when_it_commits(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    from hoptac.records.ingest import ingest_bytes
    from hoptac.records.models import Office

    office = Office.objects.create(code="bg", name="Bắc Giang")
    data = (SAMPLES / f"{SEED_001}.txt").read_bytes()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        doc = ingest_bytes(data, f"{SEED_001}.txt", office).document
    assert callbacks
    # Indexed by the commit, before any search ran.
    assert Entry.objects.filter(kind="document", object_id=doc.pk).exists()
    assert Entry.objects.filter(kind="task", document_id=doc.pk).count() == doc.plan.tasks.count() > 0
    assert ("document", doc.pk) in _ids("Xay Sôm Bun", office=office)


def test_a_rolled_back_write_is_not_indexed(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    from django.db import transaction

    from hoptac.records.models import Office, Partner

    office = Office.objects.create(code="bg", name="Bắc Giang")
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                Partner.objects.create(office=office, name="tỉnh Hủa Phăn", country="LA")
                raise RuntimeError("abandon")
        except RuntimeError:
            pass
        Partner.objects.create(office=office, name="tỉnh Bò Kẹo", country="LA")
    assert _ids("Hủa Phăn") == set()
    assert {k for k, _ in _ids("Bò Kẹo")} == {"partner"}


def test_partner_and_agency_changes(world: World) -> None:
    from hoptac.records.models import Partner

    partner = Partner.objects.get(office=world.bg, name__icontains="Sôm")
    assert ("partner", partner.pk) in _ids("Xay Sôm Bun", office=world.bg)
    partner.aliases = [*partner.aliases, "Mường Xổm"]
    partner.save(update_fields=["aliases"])
    assert ("partner", partner.pk) in _ids("Mường Xổm", office=world.bg)
    # An agency renamed: its tasks are found by the new name, no longer by the old.
    tasks = {("task", t) for t in world.soyte.lead_tasks.values_list("pk", flat=True)}
    assert tasks <= _ids("Sở Y tế", office=world.bg, kind="task")
    world.soyte.name = "Sở Y tế và Dân số"
    world.soyte.save()
    assert tasks <= _ids("Dân số", office=world.bg, kind="task")
    partner.delete()
    assert ("partner", partner.pk) not in _ids("Mường Xổm", office=world.bg)


def test_task_agencies_and_document_deletion(world: World) -> None:
    task = world.task_led_by(world.sngv)
    assert ("task", task.pk) not in _ids("nhiệm vụ", agency=world.soyte.pk, kind="task")
    task.support.add(world.soyte)
    assert ("task", task.pk) in _ids(" ".join(task.title.split()[:6]), agency=world.soyte.pk, kind="task")
    from django.db.models import ProtectedError

    from hoptac.records.models import Document, Plan, Task

    with pytest.raises(ProtectedError):  # a document with audited history stays
        world.doc.delete()
    doc = Document.objects.create(
        office=world.bg, filename="thu-xoa.txt", sha256="f" * 64, kind="ke_hoach", title="Kế hoạch thử xóa Xay Sôm Bun"
    )
    plan = Plan.objects.create(office=world.bg, document=doc, title=doc.title, start_year=2024, end_year=2025)
    task = Task.objects.create(office=world.bg, plan=plan, ref="1", title="Nhiệm vụ thử xóa Xay Sôm Bun", position=1)
    search("Xay Sôm Bun")  # flushes the marks
    assert Entry.objects.filter(kind="document", object_id=doc.pk).exists()
    doc_id, task_id = doc.pk, task.pk
    doc.delete()
    search("Xay Sôm Bun")
    assert not Entry.objects.filter(kind="document", object_id=doc_id).exists()
    assert not Entry.objects.filter(kind="task", object_id=task_id).exists()
    assert Entry.objects.filter(kind="document", object_id=world.doc.pk).exists()


def test_review_replaces_the_tasks_entries(world: World) -> None:
    from hoptac.records.ingest import rebuild

    doc = world.doc
    old = set(doc.plan.tasks.values_list("pk", flat=True))
    extraction = dict(doc.extraction)
    extraction["tasks"] = [{"ref": "1", "title": "Trao đổi đoàn khảo sát du lịch cộng đồng", "lead": ["Sở Du lịch"]}]
    rebuild(doc, extraction)
    hits = _ids("du lịch cộng đồng", office=world.bg, kind="task")
    assert len(hits) == 1 and not ({pk for _, pk in hits} & old)
    assert not Entry.objects.filter(kind="task", object_id__in=old).exists()


def test_rebuild_and_a_lost_index_is_put_back(world: World) -> None:
    from django.apps import apps

    from hoptac.search import engine, index

    index.flush()
    before = Entry.objects.count()
    assert index.rebuild() == before > 0
    assert index.rebuild(world.hg) == Entry.objects.filter(office=world.hg).count()
    engine.uninstall()  # what SQLite does to triggers when a migration rebuilds the table
    assert not engine.installed()
    apps.get_app_config("search").ready()  # idempotent
    from hoptac.search.apps import _after_migrate

    _after_migrate()
    assert engine.installed() and Entry.objects.count() == before
    assert _ids("Xay Sôm Bun", office=world.bg)
