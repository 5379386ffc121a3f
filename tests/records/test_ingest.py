"""Ingestion: what an extraction becomes, idempotence, variants merged, one transaction per document."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError

from hoptac.records.ingest import (
    agency_named,
    apply_decisions,
    ingest_bytes,
    ingest_path,
    rebuild,
    save_extraction,
)
from hoptac.records.models import (
    Agency,
    Agreement,
    AuditLog,
    Document,
    DocumentLink,
    Event,
    Occurrence,
    Partner,
    Plan,
    Task,
)
from hoptac.records.text import fold, name_key
from tests.records.conftest import SAMPLES, SEED_001, gold, load_gold


def counts() -> dict[str, int]:
    models = (Document, Plan, Task, Occurrence, Agency, Partner, Agreement, Event, DocumentLink, AuditLog)
    return {m.__name__: m.objects.count() for m in models}


def test_plan_001_becomes_records(world: Any) -> None:
    doc = world.doc
    plan = doc.plan
    assert not doc.reviewed
    assert (plan.start_year, plan.end_year) == (2021, 2025)
    assert plan.budget == 33_400_000_000
    assert plan.tasks.count() == len(gold(SEED_001)["tasks"])
    first = plan.tasks.order_by("position").first()
    assert first.ref == "II.1.1"
    assert [a.name for a in first.lead.all()] == ["Báo Bắc Giang", "Đài Phát thanh và Truyền hình tỉnh"]
    # yearly over 2021-2025: five occurrences due 31 December
    assert list(first.occurrences.values_list("year", flat=True)) == [2021, 2022, 2023, 2024, 2025]
    names = set(Partner.objects.filter(office=world.bg).values_list("name", "country"))
    assert names == {("tỉnh Xay Sôm Bun", "LA")}  # partners are the foreign side only
    agreement = plan.agreement
    assert agreement is not None and agreement.title.startswith("Thỏa thuận hợp tác")
    assert agreement.status == Agreement.Status.IN_FORCE
    assert set(agreement.parties.values_list("country", flat=True)) == {"LA"}
    assert agreement.cosignatories == ["tỉnh Bắc Giang"]  # the Vietnamese side signs, but is no partner
    refs = {link.ref_number: link.kind for link in doc.links_out.all()}
    assert (
        refs["667/KH-UBND"] == DocumentLink.Kind.REPLACES
    )  # "Kế hoạch này thay thế Kế hoạch số 667/KH-UBND"
    assert Event.objects.filter(document=doc).count() == len(gold(SEED_001)["events"])
    log = AuditLog.objects.get(action="ingest", document=doc)
    assert "45 nhiệm vụ" in log.summary


def test_ingesting_twice_changes_nothing(world: Any) -> None:
    before = counts()
    again = load_gold(world.bg, SEED_001)
    assert again.pk == world.doc.pk
    assert counts() == before
    result = ingest_path(SAMPLES / f"{SEED_001}.txt", world.bg)
    assert not result.created and result.document.pk == world.doc.pk
    assert counts() == before


def test_same_file_in_another_office_is_its_own_record(world: Any) -> None:
    doc = load_gold(world.hg, SEED_001)
    assert doc.pk != world.doc.pk and doc.office == world.hg
    assert Task.objects.filter(office=world.hg, plan__document=doc).count() == 45


def test_real_extractor_path_stores_unreviewed_document(db: Any) -> None:
    from hoptac.records.models import Office

    office = Office.objects.create(code="x", name="X")
    data = (SAMPLES / "004_b07ebb1ed0206b9b.txt").read_bytes()
    first = ingest_bytes(data, "004.txt", office)
    second = ingest_bytes(data, "004-copy.txt", office)
    assert first.created and not second.created
    assert first.document.pk == second.document.pk
    assert first.document.text and not first.document.reviewed
    assert first.document.file.read() == data


def test_name_keys_merge_spelling_variants(world: Any) -> None:
    assert fold("Sở Ngoại Vụ  ") == "so ngoai vu"
    assert (
        name_key("Sở Ngoại vụ")
        == name_key("SỞ NGOẠI VỤ")
        == name_key("So Ngoai vu")
        == name_key("Sở Ngoại vụ.")
    )
    assert name_key("Đài Phát thanh") == "dai phat thanh"
    variant = agency_named(world.bg, "SỞ NGOẠI VỤ")
    assert variant.pk == world.sngv.pk
    variant.refresh_from_db()
    assert "SỞ NGOẠI VỤ" in variant.aliases
    assert Agency.objects.filter(office=world.bg, key="so ngoai vu").count() == 1
    assert agency_named(world.hg, "Sở Ngoại vụ").pk != world.sngv.pk


def test_partner_variants_merge(world: Any) -> None:
    data = gold(SEED_001)
    data["parties"] = [
        {"name": "Tỉnh Xay Sôm Bun", "country": "LA"},
        {"name": "tỉnh Xay Som Bun", "country": "LA"},
    ]
    save_extraction(world.bg, data=b"variant", filename="v.txt", extraction=data, text="")
    assert Partner.objects.filter(office=world.bg, country="LA").count() == 1
    assert set(Partner.objects.get(office=world.bg, country="LA").aliases) == {
        "Tỉnh Xay Sôm Bun",
        "tỉnh Xay Som Bun",
    }


def test_a_failing_document_leaves_nothing_behind(world: Any) -> None:
    before = counts()
    data = gold(SEED_001)
    data["tasks"][5]["ref"] = None  # fine
    data["tasks"][7]["when"] = {"yearly": True, "years": ["x" * 10]}  # tolerated
    data["tasks"][9]["span"] = "broken"  # not a pair: the build fails half-way
    with pytest.raises((ValueError, TypeError, IntegrityError)):
        save_extraction(world.bg, data=b"other bytes", filename="bad.txt", extraction=data, text="")
    assert counts() == before


def test_new_version_shows_what_changed(world: Any) -> None:
    data = gold(SEED_001)
    data["document"]["number"] = "999/KH-UBND"
    first = save_extraction(world.bg, data=b"v1", filename="v1.txt", extraction=data, text="").document
    data2 = gold(SEED_001)
    data2["document"]["number"] = "999/KH-UBND"
    data2["tasks"] = data2["tasks"][1:]
    data2["tasks"][0]["title"] = "Tiêu đề mới"
    data2["tasks"].append({"ref": "V.9", "title": "Nhiệm vụ thêm", "lead": [], "support": [], "when": {}})
    second = save_extraction(world.bg, data=b"v2", filename="v2.txt", extraction=data2, text="").document
    assert second.changes["previous"] == first.pk
    assert second.changes["removed"][0].startswith("II.1.1")
    assert second.changes["added"] == ["V.9 Nhiệm vụ thêm"]
    assert second.changes["changed"][0].startswith("II.1.2:")


def test_review_rebuild_applies_the_clerks_decisions(world: Any) -> None:
    doc = world.doc
    decisions = {
        "tasks": {0: {"keep": False}, 1: {"keep": True, "title": " Sửa tên ", "lead": "Sở Y tế; Sở Ngoại vụ"}}
    }
    edited = apply_decisions(doc.extraction, decisions)
    assert len(edited["tasks"]) == 44
    rebuild(doc, edited, None)
    doc.refresh_from_db()
    assert doc.reviewed
    tasks = doc.plan.tasks.order_by("position")
    assert tasks.count() == 44
    assert tasks[0].title == "Sửa tên"
    assert {a.name for a in tasks[0].lead.all()} == {"Sở Y tế", "Sở Ngoại vụ"}
    assert Agreement.objects.filter(office=world.bg).count() == 1
    assert AuditLog.objects.filter(action="review", document=doc).exists()
