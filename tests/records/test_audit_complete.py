"""No code path changes data without an audit entry.

Every write path of the project is listed below: each URL pattern (web pages of the records, cycle and
search apps), each non-GET operation of the API (from its OpenAPI schema) and each ``hoptac`` command.
A new one fails ``test_every_write_path_has_a_case`` until it gets a case here (or a reason to be exempt).

Each case snapshots every row of the application's tables, runs the request or command, and checks that
every row created, changed or deleted is covered by a new audit entry, and that each new entry says who
(the person who acted; no one only for what the system does by itself), when, and before/after.

What "covered" means:
- an entry on the row itself (``model`` and ``object_id``);
- for a row created or deleted as a part of a whole (a plan's tasks, a task's occurrences, a document's
  events, many-to-many rows…): an entry on the whole, up the chain in ``OWNERS``;
- for the rows in ``PARTS`` (a rule's dues, a person's login row), any change: an entry on the owner.
Not tracked: ``UNTRACKED`` (caches and markers derived from logged rows), the search index (derived, rebuilt
by ``hoptac search --rebuild``), sessions, and the columns in ``IGNORED_COLUMNS``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from hoptac.records.audit_views import ACTIONS
from hoptac.records.models import AuditLog
from tests.records.conftest import PASSWORD, SAMPLES, World

TRACKED_APPS = ("records", "cycle")
TRACKED_AUTH = ("auth.user", "auth.user_groups", "auth.user_user_permissions")
UNTRACKED = {
    "records.auditlog": "the log itself",
    "records.officesummary": "the dashboard's cache, recomputed from the data",
    "cycle.derivedplan": "marks a plan whose rules were read (the rules themselves are logged)",
}
IGNORED_COLUMNS = {
    "records.office": {"data_version"},  # bumped by the audit log itself
    "auth.user": {"last_login"},  # signing in is not a change of the data
    "records.apitoken": {"last_used"},  # nor is using an API token
}
# label → fields pointing at the whole a created or deleted row belongs to.
OWNERS = {
    "records.plan": ("document",),
    "records.task": ("plan",),
    "records.occurrence": ("task",),
    "records.progressreport": ("occurrence",),
    "records.event": ("document",),
    "records.documentlink": ("source",),
    "cycle.reportingrule": ("plan",),
    "cycle.reportdue": ("rule",),
    "cycle.agencyreport": ("plan",),
    "cycle.compiledreport": ("plan",),
    "cycle.remindersetting": ("agency",),
    "cycle.reminderlog": ("agency",),
}
PARTS = {"cycle.reportdue", "auth.user"}
# What the system does by itself (reading rules from a document, scheduling dues, mailing reminders).
AUTOMATIC = {"derive", "generate", "remind"}
NEEDS = {
    "create": ("after",),
    "ingest": ("after",),
    "derive": ("after",),
    "remind": ("after",),
    "generate": ("after",),
    "report": ("after",),
    "update": ("before", "after"),
    "merge": ("before", "after"),
    "import": ("before", "after"),
    "review": ("before", "after"),
    "delete": ("before",),
}


# -- snapshots --------------------------------------------------------------------------------------


def tracked_models() -> list[Any]:
    out = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if (model._meta.app_label in TRACKED_APPS or label in TRACKED_AUTH) and label not in UNTRACKED:
            out.append(model)
    return out


Snapshot = dict[str, dict[str, dict[str, Any]]]


def snapshot() -> Snapshot:
    out: Snapshot = {}
    for model in tracked_models():
        label = model._meta.label_lower
        skip = IGNORED_COLUMNS.get(label, set())
        rows = {}
        for row in model._base_manager.values():
            pk = str(row[model._meta.pk.attname])
            rows[pk] = {k: v for k, v in row.items() if k not in skip}
        out[label] = rows
    return out


def diff(before: Snapshot, after: Snapshot) -> list[tuple[str, str, str]]:
    """(label, pk, created|deleted|updated) for every row that differs."""
    out = []
    for label in after:
        old, new = before.get(label, {}), after[label]
        out += [(label, pk, "created") for pk in new.keys() - old.keys()]
        out += [(label, pk, "deleted") for pk in old.keys() - new.keys()]
        out += [(label, pk, "updated") for pk in new.keys() & old.keys() if new[pk] != old[pk]]
    return out


def _name(label: str) -> str:
    return label.split(".", 1)[1]


def owners(label: str, pk: str, snaps: tuple[Snapshot, Snapshot]) -> set[tuple[str, str]]:
    """The (model, id) of every whole the row belongs to, up the chain."""
    labels = {m._meta.model_name: m._meta.label_lower for m in tracked_models()}
    found: set[tuple[str, str]] = set()
    todo = [(label, pk)]
    while todo:
        label, pk = todo.pop()
        row = snaps[1].get(label, {}).get(pk) or snaps[0].get(label, {}).get(pk)
        if row is None:
            continue
        model = apps.get_model(label)
        parents: list[tuple[str, Any]] = []
        if model._meta.auto_created:  # a many-to-many row: both ends
            parents = [
                (f.related_model._meta.label_lower, row[f.attname])
                for f in model._meta.concrete_fields
                if f.is_relation
            ]
        for name in OWNERS.get(label, ()):
            f = model._meta.get_field(name)
            parents.append((f.related_model._meta.label_lower, row[f.attname]))
        if label == "records.agreement":  # an agreement read from a document belongs to it
            for snap in snaps:
                for link in snap.get("records.agreement_documents", {}).values():
                    if str(link["agreement_id"]) == pk:
                        parents.append(("records.document", link["document_id"]))
        if label == "auth.user":
            for snap in snaps:
                for profile_pk, profile in snap.get("records.profile", {}).items():
                    if str(profile["user_id"]) == pk:
                        parents.append(("records.profile", profile_pk))
        for parent_label, parent_pk in parents:
            if parent_pk is None:
                continue
            key = (_name(parent_label), str(parent_pk))
            if key not in found:
                found.add(key)
                if parent_label in labels.values():
                    todo.append((parent_label, str(parent_pk)))
    return found


def check(before: Snapshot, last_id: int, actor: Any, what: str) -> list[AuditLog]:
    """Assert that every change since ``before`` is covered by an entry after ``last_id``; returns the entries."""
    after = snapshot()
    entries = list(AuditLog.objects.filter(pk__gt=last_id).order_by("id"))
    logged = {(e.model, e.object_id) for e in entries}
    missing = []
    for label, pk, kind in diff(before, after):
        me = (_name(label), pk)
        if me in logged:
            continue
        if (kind != "updated" or label in PARTS) and owners(label, pk, (before, after)) & logged:
            continue
        missing.append(f"{label} #{pk} {kind}")
    assert not missing, f"{what}: changed without an audit entry: {missing[:20]} (of {len(missing)})"
    for e in entries:
        assert e.at is not None and e.model and e.object_id and e.action in ACTIONS, (what, e.__dict__)
        if e.user_id is None:
            assert actor is None or e.action in AUTOMATIC, (what, "no user", e.action, e.model, e.summary)
        else:
            assert actor is not None and e.user_id == actor.pk, (what, "wrong user", e.user_id, e.summary)
        for side in NEEDS[e.action]:
            assert getattr(e, side) is not None, (what, f"no {side}", e.action, e.model, e.summary)
    return entries


def last_entry() -> int:
    return AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


# -- the world the cases act on ---------------------------------------------------------------------


@dataclass
class Stage:
    world: World
    tmp: Path
    data: dict[str, Any] = field(default_factory=dict)

    def client(self, role: str | None) -> Client:
        c = Client()
        if role:
            c.force_login(self.world.users[role])
        return c

    def api(self, role: str) -> Client:
        c = Client()
        c.defaults["HTTP_AUTHORIZATION"] = f"Bearer {self.data['tokens'][role]}"
        return c


@pytest.fixture
def stage(world: World, tmp_path: Path) -> Stage:
    """The cycle under way: rules read, dues scheduled, a compiled report open, a reminder setting."""
    from datetime import date

    from hoptac.cycle import rules
    from hoptac.cycle.models import ReminderSetting
    from hoptac.cycle.report import open_report
    from hoptac.records.models import ApiToken

    rules.sync(world.bg, date(2024, 10, 25))
    rules.sync(world.hg, date(2024, 10, 25))
    report = open_report(world.bg, 2024, world.doc.plan)
    ReminderSetting.objects.create(agency=world.soyte, office=world.bg, emails="soyte@example.vn", days_ahead=90)
    ReminderSetting.objects.create(agency=world.sngv, office=world.bg, emails="sngv@example.vn", days_ahead=90)
    tokens = {role: ApiToken.issue(world.users[role]).key for role in ("officer", "reporter")}
    return Stage(world, tmp_path, {"report": report, "tokens": tokens})


def edited_sheet(stage: Stage) -> bytes:
    """The compiled report's task sheet with one task line reported done."""
    from hoptac.cycle.xlsx import export_xlsx

    book = load_workbook(io.BytesIO(export_xlsx(stage.data["report"])))
    sheet = book["Nhiệm vụ"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "II.6.1")
    row[8].value, row[9].value = "Hoàn thành", 100
    row[10].value = "Đã đào tạo 15 nhân viên y tế."
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def form_data(form: Any, **changes: Any) -> dict[str, Any]:
    """What a browser would post for ``form`` as shown, with ``changes``."""
    from datetime import date

    data: dict[str, Any] = {}
    for name, bound in form.fields.items():
        value = form[name].value()
        if isinstance(bound.widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
            continue
        if isinstance(value, date):
            value = value.strftime("%d/%m/%Y")
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else value
    for k, v in changes.items():
        if v is None:
            data.pop(k, None)
        else:
            data[k] = v
    return data


# -- the cases ----------------------------------------------------------------------------------------

Run = Callable[[Stage], Any]


@dataclass
class Case:
    path: str  # URL name, "METHOD /api/path" or "cli COMMAND"
    actor: str | None  # persona, None for a command run by the operator
    run: Run
    label: str = ""


def _task(s: Stage) -> Any:
    return s.world.task_led_by(s.world.sngv)


def _due(s: Stage) -> Any:
    from hoptac.cycle.models import ReportDue

    return ReportDue.objects.filter(agency=s.world.soyte, rule__compiled=False, rule__plan=s.world.doc.plan).first()


def _rule(s: Stage) -> Any:
    from hoptac.cycle.models import ReportingRule

    return ReportingRule.objects.filter(plan=s.world.doc.plan).first()


def _partner(s: Stage) -> Any:
    return s.world.doc.plan.partners.exclude(country="VN").first()


def _post(role: str, url: Callable[[Stage], str], data: Callable[[Stage], Any], status: int = 302) -> Run:
    def run(s: Stage) -> Any:
        r = s.client(role).post(url(s), data(s))
        assert r.status_code == status, (r.status_code, r.content[:800])
        return r

    return run


def _bulk(s: Stage) -> dict[str, Any]:
    return {"ids": [t.pk for t in s.world.doc.plan.tasks.all()[:3]], "status": "in_progress"}


def _progress(s: Stage) -> dict[str, Any]:
    occ = _task(s).occurrences.first()
    return {"occurrence": occ.pk, "status": "done", "percent": 100, "text": "Đã hoàn thành."}


def _partner_edit(s: Stage) -> dict[str, Any]:
    p = _partner(s)
    return {"name": p.name, "level": p.level, "country": p.country, "aliases_text": "Tên khác", "suggested": "1"}


def _agreement_form(s: Stage) -> dict[str, Any]:
    from hoptac.records.forms import AgreementForm

    agreement = s.world.doc.plan.agreement
    return form_data(AgreementForm(instance=agreement, office=s.world.bg), title="Thỏa thuận đã sửa")


def _review(s: Stage) -> dict[str, Any]:
    from hoptac.records.progress import submit

    occ = _task(s).occurrences.first()
    submit(s.world.users["officer"], occ, status="in_progress", percent=10, text="Trước khi duyệt.")
    return {f"tasks-{i}-keep": "on" for i in range(40)} | {"parties-0-keep": "on", "references-0-keep": "on"}


def _upload_review(s: Stage) -> Any:
    c = s.client("officer")
    data = (SAMPLES / "002_a972364fbd1013e4.txt").read_bytes()
    r = c.post(reverse("upload"), {"file": SimpleUploadedFile("kh.txt", data)})
    assert r.status_code == 302, r.content[:500]
    extraction = c.get(r["Location"]).context["extraction"]
    keep = {
        f"{sec}-{i}-keep": "on"
        for sec in ("tasks", "events", "parties", "references")
        for i in range(len(extraction.get(sec) or []))
    }
    r = c.post(r["Location"], keep)
    assert r.status_code == 302, r.content[:500]


def _user_new(s: Stage) -> dict[str, Any]:
    return {
        "username": "nguoimoi",
        "full_name": "Người Mới",
        "office": s.world.bg.pk,
        "role": "reporter",
        "agency": s.world.soyte.pk,
        "password1": "mat-khau-rat-dai-1",
        "password2": "mat-khau-rat-dai-1",
    }


def _user_edit(s: Stage) -> dict[str, Any]:
    return {
        "office": s.world.bg.pk,
        "role": "viewer",
        "full_name": "Tuấn",
        "email": "tuan@example.vn",
        "password1": "mat-khau-moi-rat-dai",
        "password2": "mat-khau-moi-rat-dai",
    }


def _rule_new(s: Stage) -> dict[str, Any]:
    return {
        "senders": [s.world.sngv.pk],
        "recipient": "Bộ Ngoại giao",
        "yearly": "on",
        "due_day": 15,
        "due_month": 12,
        "first_year": 2024,
        "last_year": 2025,
        "active": "on",
    }


def _rule_edit(s: Stage) -> dict[str, Any]:
    from hoptac.cycle.forms import RuleForm

    rule = _rule(s)
    return form_data(RuleForm(instance=rule, office=s.world.bg), due_day=20, due_month=11, last_year=2026)


def _agency_report(s: Stage) -> Any:
    c = s.client("other_reporter")
    url = reverse("cycle_agency_report", args=[_due(s).pk])
    form = c.get(url).context["form"]
    data: dict[str, Any] = {
        "summary": "Tình hình chung tốt.",
        "difficulties": "Thiếu phiên dịch.",
        "proposals": "Bố trí kinh phí.",
    }
    for name in form.fields:
        if name.endswith("-text"):
            data[name] = "Đã triển khai trong năm."
        elif name.endswith("-status"):
            data[name] = "in_progress"
        elif name.endswith("-percent"):
            data[name] = 60
    r = c.post(url, data)
    assert r.status_code == 302, r.content[:800]


def _compiled_form(s: Stage) -> dict[str, Any]:
    from hoptac.cycle.forms import CompiledReportForm

    return form_data(CompiledReportForm(instance=s.data["report"]), number="12", signer_name="Nguyễn Văn A")


def _compiled_url(s: Stage) -> str:
    return reverse("cycle_compiled", args=[s.data["report"].pk])


def _import(s: Stage) -> Any:
    r = s.client("officer").post(
        reverse("cycle_compiled_import", args=[s.data["report"].pk]),
        {"file": SimpleUploadedFile("bang.xlsx", edited_sheet(s))},
    )
    assert r.status_code == 302


def _calendar_first(s: Stage) -> Any:
    from hoptac.cycle.models import CalendarToken

    CalendarToken.objects.filter(user=s.world.users["viewer"]).delete()
    client = s.client("viewer")
    assert client.get(reverse("cycle_calendar")).status_code == 200  # viewing writes nothing
    assert client.post(reverse("cycle_calendar"), {"create": "1"}).status_code == 302


def _api(method: str, role: str, url: Callable[[Stage], str], body: Callable[[Stage], Any], status: int) -> Run:
    def run(s: Stage) -> Any:
        c = s.api(role)
        r = getattr(c, method)(url(s), json.dumps(body(s)), content_type="application/json")
        assert r.status_code == status, (r.status_code, r.content[:800])

    return run


def _api_token(s: Stage) -> Any:
    r = Client().post(
        "/api/token", json.dumps({"username": "lan", "password": PASSWORD}), content_type="application/json"
    )
    assert r.status_code == 200


def _api_document(s: Stage) -> Any:
    data = (SAMPLES / "002_a972364fbd1013e4.txt").read_bytes()
    r = s.api("officer").post("/api/documents", {"file": SimpleUploadedFile("kh.txt", data)})
    assert r.status_code == 201, r.content[:500]


def _cli(*argv: str | Callable[[Stage], str]) -> Run:
    def run(s: Stage) -> Any:
        from hoptac.cli import main

        args = [a(s) if callable(a) else a for a in argv]
        assert main(args) == 0

    return run


def _sample_file(s: Stage) -> str:
    path = s.tmp / "ke-hoach.txt"
    path.write_bytes((SAMPLES / "002_a972364fbd1013e4.txt").read_bytes())
    return str(path)


def _sheet_file(s: Stage) -> str:
    path = s.tmp / "bang.xlsx"
    path.write_bytes(edited_sheet(s))
    return str(path)


CASES = [
    Case("task_list", "officer", _post("officer", lambda s: reverse("task_list"), _bulk)),
    Case("task_detail", "reporter", _post("reporter", lambda s: reverse("task_detail", args=[_task(s).pk]), _progress)),
    Case("task_detail", "officer", _post("officer", lambda s: reverse("task_detail", args=[_task(s).pk]), _progress)),
    Case(
        "partner_create",
        "officer",
        _post(
            "officer",
            lambda s: reverse("partner_create"),
            lambda s: {"name": "tỉnh Thử", "level": "province", "country": "LA", "suggested": "1"},
        ),
    ),
    Case(
        "partner_edit",
        "officer",
        _post("officer", lambda s: reverse("partner_edit", args=[_partner(s).pk]), _partner_edit),
    ),
    Case(
        "agreement_detail",
        "officer",
        _post(
            "officer",
            lambda s: reverse("agreement_detail", args=[s.world.doc.plan.agreement_id]),
            lambda s: {"status": "extended", "start_year": 2021, "end_year": 2027},
        ),
    ),
    Case(
        "agreement_create",
        "officer",
        _post(
            "officer",
            lambda s: reverse("agreement_create"),
            lambda s: {
                "kind": "ban_ghi_nho",
                "title": "Bản ghi nhớ thử",
                "parties": [_partner(s).pk],
                "status": "signed",
                "documents": [s.world.doc.pk],
            },
        ),
    ),
    Case(
        "agreement_edit",
        "officer",
        _post("officer", lambda s: reverse("agreement_edit", args=[s.world.doc.plan.agreement_id]), _agreement_form),
    ),
    Case(
        "document_review",
        "officer",
        _post("officer", lambda s: reverse("document_review", args=[s.world.doc.pk]), _review),
    ),
    Case(
        "agency_merge",
        "officer",
        _post(
            "officer",
            lambda s: reverse("agency_merge", args=[s.world.soyte.pk]),
            lambda s: {"into": s.world.sngv.pk, "confirm": "on"},
        ),
    ),
    Case("upload", "officer", _upload_review, "upload, then review and store"),
    Case("upload_review", "officer", _upload_review),
    Case(
        "event_list",
        "officer",
        _post(
            "officer",
            lambda s: reverse("event_list"),
            lambda s: {"kind": "hoi_dam", "date": "05/06/2023", "title": "Hội đàm"},
        ),
    ),
    Case(
        "partner_detail",
        "officer",
        _post(
            "officer",
            lambda s: reverse("partner_detail", args=[_partner(s).pk]),
            lambda s: {"kind": "hoi_dam", "date": "05/06/2023", "title": "Hội đàm với đối tác"},
        ),
        "an event with the partner",
    ),
    Case(
        "office_create",
        "national",
        _post(
            "national",
            lambda s: reverse("office_create"),
            lambda s: {
                "name": "Sở Ngoại vụ tỉnh Lào Cai",
                "code": "lao-cai",
                "level": "province",
                "locality": "tỉnh Lào Cai",
            },
        ),
    ),
    Case(
        "office_edit",
        "national",
        _post(
            "national",
            lambda s: reverse("office_edit", args=[s.world.bg.pk]),
            lambda s: {
                "name": "Sở Ngoại vụ tỉnh Bắc Giang",
                "code": "bac-giang",
                "level": "province",
                "locality": "tỉnh Bắc Giang",
            },
        ),
    ),
    Case(
        "office_edit",
        "national",
        _post(
            "national",
            lambda s: reverse("office_edit", args=[s.world.bg.pk]),
            lambda s: {"agency": "1", "name": "Ban Quản lý các khu công nghiệp tỉnh (thử)"},
        ),
        "an agency added to its list",
    ),
    Case("account", "viewer", _post("viewer", lambda s: reverse("account"), lambda s: {}, 200)),
    Case("user_create", "officer", _post("officer", lambda s: reverse("user_create"), _user_new)),
    Case(
        "user_edit",
        "officer",
        _post("officer", lambda s: reverse("user_edit", args=[s.world.users["viewer"].pk]), _user_edit),
    ),
    Case("login", None, _post("", lambda s: reverse("login"), lambda s: {"username": "lan", "password": PASSWORD})),
    Case("logout", "officer", _post("officer", lambda s: reverse("logout"), lambda s: {})),
    Case("set_language", None, _post("", lambda s: reverse("set_language"), lambda s: {"language": "en", "next": "/"})),
    Case(
        "cycle_board",
        "officer",
        _post("officer", lambda s: reverse("cycle_board"), lambda s: {"due": _due(s).pk, "action": "done"}),
    ),
    Case(
        "cycle_rule_new",
        "officer",
        _post("officer", lambda s: reverse("cycle_rule_new") + f"?plan={s.world.doc.plan.pk}", _rule_new),
    ),
    Case(
        "cycle_rule_edit",
        "officer",
        _post("officer", lambda s: reverse("cycle_rule_edit", args=[_rule(s).pk]), _rule_edit),
    ),
    Case(
        "cycle_rule_edit",
        "officer",
        _post("officer", lambda s: reverse("cycle_rule_edit", args=[_rule(s).pk]), lambda s: {"delete": "1"}),
        "delete a rule",
    ),
    Case("cycle_agency_report", "other_reporter", _agency_report),
    Case(
        "cycle_compile_new",
        "officer",
        _post("officer", lambda s: reverse("cycle_compile_new"), lambda s: {"year": 2024, "partner": _partner(s).pk}),
    ),
    Case("cycle_compiled", "officer", _post("officer", _compiled_url, _compiled_form)),
    Case("cycle_compiled", "officer", _post("officer", _compiled_url, lambda s: {"action": "compile"}), "compile"),
    Case("cycle_compiled", "officer", _post("officer", _compiled_url, lambda s: {"action": "sent"}), "sent"),
    Case("cycle_compiled_import", "officer", _import),
    Case(
        "cycle_reminder_edit",
        "officer",
        _post(
            "officer",
            lambda s: reverse("cycle_reminder_edit", args=[s.world.sngv.pk]),
            lambda s: {"enabled": "on", "days_ahead": 5, "emails": "a@example.vn"},
        ),
    ),
    Case(
        "cycle_reminder_edit",
        "officer",
        _post(
            "officer",
            lambda s: reverse("cycle_reminder_edit", args=[s.world.doc.plan.tasks.first().lead.first().pk]),
            lambda s: {"days_ahead": 3, "emails": ""},
        ),
        "a first setting",
    ),
    Case("cycle_calendar", "viewer", _post("viewer", lambda s: reverse("cycle_calendar"), lambda s: {})),
    Case("cycle_calendar", "viewer", _calendar_first, "the first address is made by a click"),
    Case("POST /api/token", "officer", _api_token),
    Case("POST /api/documents", "officer", _api_document),
    Case(
        "PATCH /api/agreements/{pk}",
        "officer",
        _api(
            "patch",
            "officer",
            lambda s: f"/api/agreements/{s.world.doc.plan.agreement_id}",
            lambda s: {"status": "expired"},
            200,
        ),
    ),
    Case(
        "PATCH /api/tasks/{pk}",
        "officer",
        _api("patch", "officer", lambda s: f"/api/tasks/{_task(s).pk}", lambda s: {"status": "done"}, 200),
    ),
    Case(
        "POST /api/occurrences/{pk}/reports",
        "reporter",
        _api(
            "post",
            "reporter",
            lambda s: f"/api/occurrences/{_task(s).occurrences.first().pk}/reports",
            lambda s: {"status": "in_progress", "percent": 50, "text": "Đang làm."},
            201,
        ),
    ),
    Case(
        "POST /api/events",
        "officer",
        _api(
            "post",
            "officer",
            lambda s: "/api/events",
            lambda s: {
                "kind": "tham",
                "date": "2024-03-01",
                "title": "Thăm",
                "parties": [_partner(s).pk],
                "task_id": _task(s).pk,
            },
            201,
        ),
    ),
    Case("cli ingest", None, _cli("ingest", "-q", "--office", "bac-giang", _sample_file)),
    Case("cli import", None, _cli("import", "--office", "bac-giang", _sheet_file)),
    Case("cli remind", None, _cli("remind", "--date", "2024-10-25", "--office", "bac-giang")),
    Case(
        "cli report",
        None,
        _cli(
            "report",
            "--year",
            "2024",
            "--partner",
            lambda s: str(_partner(s).pk),
            "-o",
            lambda s: str(s.tmp / "bc.docx"),
        ),
    ),
]

# Write paths without a case, and why.
EXEMPT = {
    "cli restore": "loads a whole backup, audit log included, into an empty database",
    "cli manage": "Django's own administration commands, run by the server's operator",
    "cli serve": "runs the server (with --demo it seeds demonstration data)",
    "cli backup": "reads only",
    "cli plans": "reads only",
    "cli extract": "no database",
    "cli search": "reads, or rebuilds the derived search index",
}
# Pages that change nothing on POST (or refuse it): checked by ``test_posting_to_any_page_is_logged``.
READ_ONLY = {
    "dashboard",
    "favicon",
    "office_list",
    "report_attachment",
    "partner_list",
    "agency_list",
    "agency_detail",
    "agreement_list",
    "plan_detail",
    "document_list",
    "document_detail",
    "document_file",
    "graph",
    "audit_list",
    "audit_export",
    "user_list",
    "search",
    "cycle_home",
    "cycle_rules",
    "cycle_compiled_file",
    "cycle_reminders",
    "cycle_ical_me",
    "cycle_ical_agency",
    "cycle_ical_partner",
    "cycle_ical_plan",
    "upload_status",  # the progress of a scan's OCR: files beside the pending upload, no rows
}


def url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any]) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace != "api":
                    walk(p.url_patterns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(p.name)

    walk(get_resolver().url_patterns)
    return names


def api_writes(client: Client) -> set[str]:
    schema = client.get("/api/openapi.json").json()
    return {
        f"{method.upper()} /api{path.removeprefix('/api')}"
        for path, ops in schema["paths"].items()
        for method in ops
        if method in ("post", "put", "patch", "delete")
    }


def cli_commands() -> set[str]:
    from hoptac.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return {f"cli {name}" for name in sub.choices}


def test_every_write_path_has_a_case(db: Any, client: Client) -> None:
    covered = {c.path for c in CASES}
    assert url_names() - covered - READ_ONLY == set(), "a page without an audit case (add one to CASES)"
    assert api_writes(client) - covered == set(), "an API write without an audit case (add one to CASES)"
    assert cli_commands() - covered - set(EXEMPT) == set(), "a command without an audit case (add one to CASES)"
    assert not (covered & READ_ONLY), "a page both written and read-only"


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.path} {c.label}".strip())
def test_write_is_logged(stage: Stage, case: Case) -> None:
    actor = stage.world.users[case.actor] if case.actor else None
    before, last = snapshot(), last_entry()
    case.run(stage)
    entries = check(before, last, actor, case.path)
    if case.path not in ("login", "logout", "set_language"):
        assert entries, f"{case.path}: nothing was written (the case does not exercise the path)"


def _all_pages(stage: Stage) -> dict[str, str]:
    from hoptac.cycle.models import CalendarToken
    from tests.cycle.pages import cycle_pages
    from tests.records.test_permissions import expected_get
    from tests.search.pages import search_pages

    w = stage.world
    token = CalendarToken.for_user(w.users["officer"]).key
    pages = {name: url for name, (url, _t) in {**expected_get(w), **cycle_pages(w), **search_pages(w)}.items()}
    plan, partner = w.doc.plan, _partner(stage)
    pages |= {
        "cycle_ical_me": reverse("cycle_ical_me", args=[token]),
        "cycle_ical_agency": reverse("cycle_ical_agency", args=[token, w.sngv.pk]),
        "cycle_ical_partner": reverse("cycle_ical_partner", args=[token, partner.pk]),
        "cycle_ical_plan": reverse("cycle_ical_plan", args=[token, plan.pk]),
        "audit_export": reverse("audit_export", args=["csv"]),
        "login": reverse("login"),
        "logout": reverse("logout"),
        "set_language": reverse("set_language"),
    }
    return pages


@pytest.mark.django_db
def test_first_ingest_makes_a_logged_office(tmp_path: Path) -> None:
    """On an empty database ``hoptac ingest`` makes the default office: logged too."""
    from hoptac.cli import main

    path = tmp_path / "cv.txt"
    path.write_text("CÔNG VĂN\nVề việc thử.\n", encoding="utf-8")
    before, last = snapshot(), last_entry()
    assert main(["ingest", "-q", str(path)]) == 0
    check(before, last, None, "cli ingest, first run")


@pytest.mark.parametrize("role", ["officer", "reporter", "national"])
def test_visiting_any_page_is_logged(stage: Stage, role: str) -> None:
    """GETs that write (reading a new plan's rules, opening a compiled report, a first calendar token) log it."""
    from tests.records.conftest import load_gold

    pages = _all_pages(stage)
    fresh = load_gold(stage.world.bg, "002_a972364fbd1013e4")  # a plan whose rules are not read yet
    client = stage.client(role)
    actor = stage.world.users[role]
    for name, url in sorted(pages.items()):
        before, last = snapshot(), last_entry()
        r = client.get(url)
        if hasattr(r, "streaming_content"):
            b"".join(r.streaming_content)
        check(before, last, actor, f"GET {name}")
    if role != "national":  # the cycle's pages read the new plan's rules, by the system, from the document
        assert AuditLog.objects.filter(action="derive", user=None, document=fresh).exists()


def test_posting_to_any_page_is_logged(stage: Stage) -> None:
    """An empty or partial POST to any page changes nothing unlogged (most refuse it with a form error)."""
    pages = _all_pages(stage)
    client = stage.client("officer")
    actor = stage.world.users["officer"]
    for name, url in sorted(pages.items()):
        before, last = snapshot(), last_entry()
        client.post(url, {"status": "done", "action": "done", "year": "2024"})
        check(before, last, actor, f"POST {name}")
        client.force_login(actor)  # after logout
