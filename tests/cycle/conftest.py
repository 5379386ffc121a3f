"""The records personas (tests/records/conftest.py) with the reporting cycle on top: rules read, dues generated.

``progress`` fills in the year 2024 of seed 001 as the agencies would: every lead agency's text on
each of its tasks, statuses and percents, and the yearly reports of two agencies.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.records.conftest import PASSWORD, SEED_000, SEED_001, World, gold, load_gold, login, world

__all__ = ["PASSWORD", "SEED_000", "SEED_001", "World", "gold", "load_gold", "login", "progress", "world"]

TODAY = date(2024, 10, 25)
STATES = ("done", "in_progress", "pending", "cancelled")


@pytest.fixture
def progress(world: World) -> World:
    from hoptac.cycle import rules
    from hoptac.cycle.models import AgencyReport
    from hoptac.records.models import Occurrence, ProgressReport

    rules.sync(world.bg, TODAY)
    occs = Occurrence.objects.filter(task__plan=world.doc.plan, year=2024).select_related("task")
    for i, occ in enumerate(occs.order_by("task__position", "due")):
        state = STATES[i % len(STATES)]
        percent = {"done": 100, "in_progress": 40 + i, "pending": 0, "cancelled": 0}[state]
        for agency in occ.task.lead.all():
            ProgressReport.objects.create(
                office=world.bg,
                occurrence=occ,
                status=state,
                percent=percent,
                text=f"{agency.name} đã triển khai nhiệm vụ {occ.task.ref} năm 2024: kết quả bước đầu khả quan.",
                agency=agency,
            )
        occ.status, occ.percent = state, percent
        occ.save()
    for agency, hard, ask in (
        (world.soyte, "Thiếu phiên dịch tiếng Lào chuyên ngành y tế.", "Bố trí kinh phí phiên dịch năm 2025."),
        (world.sngv, "Lịch làm việc của đoàn tỉnh bạn thay đổi nhiều lần.", "Sớm thống nhất lịch đoàn năm 2025."),
    ):
        AgencyReport.objects.create(
            office=world.bg, plan=world.doc.plan, agency=agency, year=2024, difficulties=hard, proposals=ask
        )
    return world
