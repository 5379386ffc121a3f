"""The cycle's pages for the permission matrix (tests/records/test_permissions.py includes this table).

``cycle_pages(world)`` maps each page name to (url, {role: status}) as ``expected_get`` does there;
``TOKEN_PAGES`` are the calendar feeds, opened by a secret token instead of a session, which
tests/cycle/test_ical.py covers role by role.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

__all__ = ["TOKEN_PAGES", "cycle_pages"]

TOKEN_PAGES = {"cycle_ical_me", "cycle_ical_agency", "cycle_ical_partner", "cycle_ical_plan"}

ALL = {"officer": 200, "viewer": 200, "national": 200, "reporter": 200, "other_reporter": 200, "outsider": 200}
OFFICE_READ = {**ALL, "reporter": 403, "other_reporter": 403, "outsider": 403}
OFFICE_LIST = {**OFFICE_READ, "outsider": 200}  # the outsider sees its own (other) office
EDIT = {**OFFICE_READ, "viewer": 403}
EDIT_LIST = {**EDIT, "outsider": 200}
# A page of one object (or a plan's, for a new rule): another office's is not found, as if its id did not exist.
OBJECT_READ = {**OFFICE_READ, "outsider": 404}
OBJECT_EDIT = {**EDIT, "outsider": 404}


def cycle_pages(world: Any) -> dict[str, tuple[str, dict[str, int]]]:
    from hoptac.cycle import rules
    from hoptac.cycle.models import ReportDue, ReportingRule
    from hoptac.cycle.report import open_report

    rules.sync(world.bg)
    plan = world.doc.plan
    rule = ReportingRule.objects.filter(plan=plan).first()
    due = ReportDue.objects.filter(agency=world.soyte, rule__compiled=False).first()
    report = open_report(world.bg, 2024, plan)
    return {
        "cycle_home": (reverse("cycle_home"), ALL),
        "cycle_board": (reverse("cycle_board"), OFFICE_LIST),
        "cycle_rules": (reverse("cycle_rules"), OFFICE_LIST),
        "cycle_rule_new": (reverse("cycle_rule_new") + f"?plan={plan.pk}", OBJECT_EDIT),
        "cycle_rule_edit": (reverse("cycle_rule_edit", args=[rule.pk]), OBJECT_EDIT),
        "cycle_agency_report": (
            reverse("cycle_agency_report", args=[due.pk]),
            {**OBJECT_READ, "other_reporter": 200},
        ),
        "cycle_compile_new": (reverse("cycle_compile_new"), EDIT_LIST),
        "cycle_compiled": (reverse("cycle_compiled", args=[report.pk]), OBJECT_READ),
        "cycle_compiled_file": (reverse("cycle_compiled_file", args=[report.pk, "docx"]), OBJECT_READ),
        "cycle_compiled_import": (reverse("cycle_compiled_import", args=[report.pk]), dict.fromkeys(ALL, 405)),
        "cycle_reminders": (reverse("cycle_reminders"), EDIT_LIST),
        "cycle_reminder_edit": (reverse("cycle_reminder_edit", args=[world.soyte.pk]), OBJECT_EDIT),
        "cycle_calendar": (reverse("cycle_calendar"), ALL),
    }
