"""Reporting rules read from the stored extraction, their yearly dues, and edits that move them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from hoptac.cycle import rules
from hoptac.cycle.models import AgencyReport, ReportDue, ReportingRule
from hoptac.records.models import Agency, Task
from tests.cycle.conftest import TODAY, World, load_gold

SEED_002 = "002_a972364fbd1013e4"


def _leads(world: World) -> set[str]:
    return set(Agency.objects.filter(lead_tasks__plan=world.doc.plan).values_list("name", flat=True))


def test_rules_of_seed_001(world: World) -> None:
    rules.sync(world.bg, TODAY)
    found = list(ReportingRule.objects.filter(plan=world.doc.plan).order_by("position"))
    assert [(r.recipient, r.yearly, r.due_month, r.due_day, r.all_leads, r.compiled) for r in found] == [
        ("Sở Ngoại vụ", True, 10, 31, True, False),
        ("Ủy ban nhân dân tỉnh", True, 11, 15, False, True),
        ("Bộ Ngoại giao", False, None, None, False, True),
        ("Thường trực Tỉnh ủy", False, None, None, False, True),
    ]
    # the plan covers 2021-2025 but was issued in 2022: the first report is due in 2022
    assert (found[0].first_year, found[0].last_year) == (2022, 2025)
    agencies = rules.senders(found[0])
    names = {a.name for a in agencies}
    assert names == _leads(world) - {"Sở Ngoại vụ"}  # the recipient does not report to itself
    assert "Sở Y tế" in names and "Đài Phát thanh và Truyền hình tỉnh" in names
    for year in range(2022, 2026):
        dues = ReportDue.objects.filter(rule=found[0], year=year)
        assert {d.agency.name for d in dues} == names
        assert {d.due for d in dues} == {date(year, 10, 31)}
        office_due = ReportDue.objects.get(rule=found[1], year=year)
        assert (office_due.agency.name, office_due.due) == ("Sở Ngoại vụ", date(year, 11, 15))
    assert not ReportDue.objects.filter(rule__in=found[2:]).exists()  # no date given: nothing generated
    assert not ReportDue.objects.filter(year=2021).exists()


def test_sync_is_idempotent_and_rules_are_read_once(world: World) -> None:
    first = rules.sync(world.bg, TODAY)
    assert first > 0
    assert rules.sync(world.bg, TODAY) == 0
    ReportingRule.objects.filter(plan=world.doc.plan).delete()  # the officer removed them all
    rules.sync(world.bg, TODAY)
    assert not ReportingRule.objects.filter(plan=world.doc.plan).exists()


def test_one_off_rule_of_seed_002(world: World) -> None:
    doc = load_gold(world.bg, SEED_002)
    rules.sync(world.bg, TODAY)
    rule = ReportingRule.objects.get(plan=doc.plan, due_date__isnull=False)
    assert not rule.yearly and rule.due_date == date(2024, 11, 15)
    dues = ReportDue.objects.filter(rule=rule)
    assert [(d.agency.name, d.year, d.due) for d in dues] == [
        ("Ủy ban nhân dân các huyện, thành phố", 2024, date(2024, 11, 15))
    ]


def test_editing_a_rule_moves_open_dues_and_keeps_submitted_ones(world: World) -> None:
    rules.sync(world.bg, TODAY)
    rule = ReportingRule.objects.get(plan=world.doc.plan, position=0)
    done = ReportDue.objects.get(rule=rule, agency=world.soyte, year=2023)
    done.done_at = timezone.now()
    done.save()
    rule.due_month, rule.due_day = 10, 20
    rule.save()
    rules.generate(rule, TODAY.year + 1)
    assert ReportDue.objects.get(pk=done.pk).due == date(2023, 10, 31)  # what was submitted stays as it was
    assert ReportDue.objects.get(rule=rule, agency=world.soyte, year=2024).due == date(2024, 10, 20)
    rule.last_year = 2023
    rule.save()
    rules.generate(rule, TODAY.year + 1)
    assert not ReportDue.objects.filter(rule=rule, year__gte=2024).exists()
    rule.all_leads = False
    rule.save()
    rule.senders.set([world.soyte])
    rules.generate(rule, TODAY.year + 1)
    assert set(ReportDue.objects.filter(rule=rule).values_list("agency__name", flat=True)) == {"Sở Y tế"}


def test_a_new_lead_agency_owes_from_the_next_sync(world: World) -> None:
    rules.sync(world.bg, TODAY)
    newcomer = Agency.objects.create(office=world.bg, name="Sở Du lịch")
    Task.objects.filter(plan=world.doc.plan).first().lead.add(newcomer)
    rules.sync(world.bg, TODAY)
    assert ReportDue.objects.filter(agency=newcomer).count() == 4


def test_agency_report_settles_its_dues_and_the_board(world: World) -> None:
    rules.sync(world.bg, TODAY)
    report = AgencyReport.objects.create(office=world.bg, plan=world.doc.plan, agency=world.soyte, year=2024)
    assert rules.mark_submitted(report) == 1
    board = rules.board(ReportDue.objects.filter(year=2024), TODAY)
    states = {(r.due.agency.name, r.due.rule.recipient): r.state for r in board.rows}
    assert states[("Sở Y tế", "Sở Ngoại vụ")] == "done"
    assert states[("Sở Nội vụ", "Sở Ngoại vụ")] == "open"  # 31/10 is still ahead on 25/10
    late = rules.board(ReportDue.objects.filter(year=2024), date(2024, 11, 3))
    row = next(r for r in late.rows if r.due.agency.name == "Sở Nội vụ")
    assert (row.state, row.days_late) == ("late", 3)
    assert late.rows[0].state == "late" and late.rows[-1].state == "done"
    assert late.done == 1 and late.late == len(late.rows) - 2 and late.open == 1  # 15/11 still ahead


def test_29_february_in_a_common_year(world: Any) -> None:
    rules.sync(world.bg, TODAY)
    rule = ReportingRule.objects.get(plan=world.doc.plan, position=0)
    rule.due_month, rule.due_day = 2, 29
    assert rules.due_date(rule, 2023) == date(2023, 2, 28)
    assert rules.due_date(rule, 2024) == date(2024, 2, 29)
