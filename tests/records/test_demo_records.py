"""Issue 12, after the demo loads the five samples: periods within their plans' years, partners foreign-only
and canonically spelled, the four agreements recorded, events one per event and dated to the month."""

from __future__ import annotations

import io
from typing import Any

import pytest

from hoptac.records.demo import load
from hoptac.records.models import Agreement, Event, Occurrence, Partner, Plan


@pytest.fixture
def demo(db: Any) -> Any:
    return load(io.StringIO())


def test_every_period_falls_within_its_plans_years(demo: Any) -> None:
    plans = {p.document.filename[:3]: p for p in Plan.objects.filter(office=demo).select_related("document")}
    assert (plans["002"].start_year, plans["002"].end_year) == (2024, 2024)
    assert (plans["000"].start_year, plans["000"].end_year) == (2022, 2022)
    assert (plans["001"].start_year, plans["001"].end_year) == (2021, 2025)
    for occ in Occurrence.objects.filter(office=demo).select_related("task__plan"):
        plan = occ.task.plan
        assert plan.start_year <= occ.year <= plan.end_year, (plan.title, occ.year, occ.due)
    # Sample 002, "Kế hoạch … năm 2024": every task falls in 2024, none on 31/12/2023.
    years_002 = set(Occurrence.objects.filter(task__plan=plans["002"]).values_list("year", flat=True))
    assert years_002 == {2024}
    # Sample 000, a 2022 plan: nothing due after 2022 (an ended plan makes nothing due now).
    assert max(Occurrence.objects.filter(task__plan=plans["000"]).values_list("due", flat=True)).year == 2022


def test_partners_are_the_foreign_side_canonically_spelled(demo: Any) -> None:
    partners = {p.name: p for p in Partner.objects.filter(office=demo)}
    assert all(p.country != "VN" for p in partners.values()), sorted(partners)
    assert "huyện Na Pô" in partners
    assert (partners["huyện Na Pô"].native_name, partners["huyện Na Pô"].romanization) == ("那坡", "Napo")
    assert "tỉnh Xay Sôm Bun" in partners
    for name in ("Tỉnh ủy Cao Bằng", "tỉnh Bắc Giang", "huyện Vị Xuyên"):
        assert not any(name.casefold() in p.casefold() for p in partners)


def test_the_four_agreements_are_recorded_unreviewed(demo: Any) -> None:
    agreements = list(Agreement.objects.filter(office=demo).prefetch_related("parties"))
    by_partner = {p.name: a for a in agreements for p in a.parties.all()}
    assert len(agreements) == 4, [(a.kind, a.title) for a in agreements]
    na_po = by_partner["huyện Na Pô"]
    assert (na_po.kind, str(na_po.signed_on)) == ("thoa_thuan", "2022-02-22")
    assert "huyện Bảo Lạc" in na_po.cosignatories
    xsb = by_partner["tỉnh Xay Sôm Bun"]
    assert (xsb.kind, xsb.start_year, xsb.end_year, xsb.status) == ("thoa_thuan", 2021, 2025, "in_force")
    memo = next(a for a in agreements if a.kind == "ban_ghi_nho")
    assert (memo.start_year, memo.end_year) == (2022, 2026)
    assert any("Quảng Tây" in p.name for p in memo.parties.all())
    minutes = next(a for a in agreements if a.kind == "bien_ban")
    assert str(minutes.signed_on) == "2022-11-24"
    assert not any(a.reviewed for a in agreements)  # `hoptac ingest`, no review


def test_events_are_one_per_event_and_sorted_by_time(demo: Any) -> None:
    events = list(Event.objects.filter(office=demo))
    keys = [(e.kind, e.date, tuple(e.parties.values_list("pk", flat=True))) for e in events]
    assert len(keys) == len(set(keys))
    month = next(e for e in events if e.date_text == "2022-02" and e.kind == "tham")
    assert (str(month.date), month.date_precision, month.date_label) == ("2022-02-01", "month", "02/2022")
    ordered = [e.date for e in Event.objects.filter(office=demo) if e.date]
    assert ordered == sorted(ordered, reverse=True)
    talks = Event.objects.get(office=demo, kind="hoi_dam", date="2022-11-24")
    assert talks.title == "Hội đàm giữa huyện Vị Xuyên và huyện Ma Lì Pha" or "Malypho" in talks.title
    assert talks.document is not None and talks.agreement is not None and talks.agreement.kind == "bien_ban"
    assert [p.name for p in talks.parties.all()] == ["huyện Ma Lì Pha"]


def test_the_2022_compiled_report_lists_the_years_cooperation_activities(demo: Any) -> None:
    from docx import Document as Docx

    from hoptac.cycle.docx_report import render_docx
    from hoptac.cycle.report import open_report

    report = open_report(demo, 2022)
    text = "\n".join(p.text for p in Docx(io.BytesIO(render_docx(report))).paragraphs)
    section = text.split("II. HOẠT ĐỘNG HỢP TÁC TRONG NĂM")[1].split("III. KHÓ KHĂN")[0]
    assert "24/11/2022: Hội đàm giữa huyện Vị Xuyên và huyện Ma Lì Pha" in section
    assert "02/2022: Thăm và làm việc giữa tỉnh Bắc Giang và tỉnh Xay Sôm Bun" in section
    assert "2016" not in section  # another year's talks are not this year's
    lines = [line for line in section.splitlines() if line.startswith("- ")]
    assert len(lines) == len(set(lines))
    # The report on the Xay Sôm Bun partner only lists what was done with it.
    partner = Partner.objects.get(office=demo, name="tỉnh Xay Sôm Bun")
    partner_report = open_report(demo, 2022, partner=partner)
    text = "\n".join(p.text for p in Docx(io.BytesIO(render_docx(partner_report))).paragraphs)
    assert "Xay Sôm Bun" in text and "Ma Lì Pha" not in text.split("III. KHÓ KHĂN")[0].split("II. HOẠT")[1]


def test_a_demo_stored_by_an_older_version_is_read_again(demo: Any) -> None:
    from hoptac.records.models import Document

    doc = Document.objects.get(office=demo, filename__startswith="002")
    stale = {**doc.extraction, "period": {"from": 2023, "to": 2023}}
    Document.objects.filter(pk=doc.pk).update(extraction=stale)
    plan = doc.plan
    Plan.objects.filter(pk=plan.pk).update(start_year=2023, end_year=2023)
    Occurrence.objects.filter(task__plan=plan).update(year=2023)
    out = io.StringIO()
    load(out)
    assert "Đọc lại 1 văn bản mẫu" in out.getvalue()
    doc.refresh_from_db()
    assert not doc.reviewed and (doc.plan.start_year, doc.plan.end_year) == (2024, 2024)
    assert set(Occurrence.objects.filter(task__plan=doc.plan).values_list("year", flat=True)) == {2024}
    again = io.StringIO()
    load(again)
    assert "Đọc lại" not in again.getvalue()
