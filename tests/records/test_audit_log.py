"""The audit log: append-only in Python and in the database, its page with filters, its CSV and XLSX exports."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models.deletion import ProtectedError
from django.urls import reverse

from hoptac.records import audit
from hoptac.records.audit_guard import guarded
from hoptac.records.models import AuditLog, AuditLogError, Partner
from tests.records.conftest import World


def _entry(world: World) -> AuditLog:
    partner = Partner.objects.filter(office=world.bg).first()
    return audit.log(world.users["officer"], "update", partner, before={"name": "a"}, after={"name": "b"})


def test_python_refuses_update_and_delete(world: World) -> None:
    entry = _entry(world)
    entry.summary = "đã sửa"
    with pytest.raises(AuditLogError):
        entry.save()
    with pytest.raises(AuditLogError):
        entry.delete()
    with pytest.raises(AuditLogError):
        AuditLog.objects.filter(pk=entry.pk).update(summary="x")
    with pytest.raises(AuditLogError):
        AuditLog.objects.filter(pk=entry.pk).delete()
    copy = AuditLog.objects.get(pk=entry.pk)
    copy.pk = entry.pk  # a forced save over an existing id is an insert, refused by the key
    copy._state.adding = True
    with pytest.raises(DatabaseError), transaction.atomic():
        copy.save()
    assert AuditLog.objects.get(pk=entry.pk).summary != "đã sửa"


def test_database_refuses_update_and_delete(world: World) -> None:
    assert guarded(connection)
    entry = _entry(world)
    table = AuditLog._meta.db_table
    for sql in (f"UPDATE {table} SET summary = 'x' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AuditLog.objects.get(pk=entry.pk).summary == entry.summary


def test_history_outlives_nothing(world: World) -> None:
    """The office, user and document an entry names cannot be deleted under it (accounts are deactivated)."""
    _entry(world)
    with pytest.raises(ProtectedError):
        world.users["officer"].delete()
    with pytest.raises(ProtectedError):
        world.bg.delete()


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log() -> None:
    """``flush`` (what a transactional test's teardown runs) may still empty the whole database."""
    from django.core.management import call_command

    from hoptac.records.models import Office

    office = Office.objects.create(code="thu", name="Văn phòng thử")
    audit.log(None, "create", office, after={"name": office.name})
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditLog.objects.exists()
    assert guarded(connection)


def _logged(world: World, n: int = 3) -> list[AuditLog]:
    officer, outsider = world.users["officer"], world.users["outsider"]
    partner = Partner.objects.filter(office=world.bg).first()
    foreign = Partner.objects.filter(office=world.hg).first()
    out = [
        audit.log(
            officer,
            "update",
            partner,
            before={"name": f"p{i}"},
            after={"name": f"=p{i + 1}"},
            document=world.doc,
            summary=f"=SUM(A{i})",
        )
        for i in range(n)
    ]
    out.append(audit.log(outsider, "update", foreign, before={"name": "x"}, after={"name": "bí mật Hà Giang"}))
    return out


def test_page_is_for_officers(login: Any, world: World) -> None:
    _logged(world)
    for role, status in {"officer": 200, "national": 200, "outsider": 200, "viewer": 403, "reporter": 403}.items():
        assert login(role).get(reverse("audit_list")).status_code == status, role
        for fmt in ("csv", "xlsx"):
            assert login(role).get(reverse("audit_export", args=[fmt])).status_code == status, (role, fmt)
    r = login("anonymous").get(reverse("audit_export", args=["csv"]))
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_page_shows_own_office_and_filters(login: Any, world: World) -> None:
    _logged(world)
    client = login("officer")
    body = client.get(reverse("audit_list")).content.decode()
    assert "bí mật Hà Giang" not in body and "=p1" in body
    r = client.get(reverse("audit_list"), {"user": world.users["officer"].pk, "model": "partner", "action": "update"})
    assert r.status_code == 200 and r.context["page"].paginator.count == 3
    by_doc = client.get(reverse("audit_list"), {"document": world.doc.pk}).context["page"].paginator.count
    assert by_doc > 3  # the ingest of the document and what it created, and the three changes
    assert client.get(reverse("audit_list"), {"action": "delete"}).context["page"].paginator.count == 0
    today = r.context["rows"][0]["entry"].at.astimezone().date()
    day = today.strftime("%d/%m/%Y")
    assert client.get(reverse("audit_list"), {"start": day, "end": day}).context["page"].paginator.count >= 3
    r = client.get(reverse("audit_list"), {"start": "01/01/2001", "end": "31/12/2001"})
    assert r.context["page"].paginator.count == 0
    national = login("national").get(reverse("audit_list"), {"office": world.hg.pk})
    assert "bí mật Hà Giang" in national.content.decode()


@pytest.mark.parametrize(
    "query, message",
    [
        ({"start": "32/13/2024"}, "Nhập một ngày hợp lệ"),
        ({"start": "02/01/2024", "end": "01/01/2024"}, "Ngày bắt đầu phải trước ngày kết thúc."),
        ({"user": "abc"}, "Người này không có trong nhật ký."),
        ({"document": "abc"}, "Mã văn bản phải là một số."),
    ],
)
def test_bad_filters_are_form_errors(login: Any, world: World, query: dict[str, str], message: str) -> None:
    _logged(world)
    r = login("officer").get(reverse("audit_list"), query)
    assert r.status_code == 400 and message in r.content.decode()
    assert r.context["page"].paginator.count == 0
    r = login("officer").get(reverse("audit_export", args=["csv"]), query)
    assert r.status_code == 302


def test_foreign_user_filter_leaks_nothing(login: Any, world: World) -> None:
    _logged(world)
    r = login("officer").get(reverse("audit_list"), {"user": world.users["outsider"].pk})
    assert r.status_code == 400 and "bí mật Hà Giang" not in r.content.decode()


def test_csv_export(login: Any, world: World) -> None:
    _logged(world)
    r = login("officer").get(reverse("audit_export", args=["csv"]), {"model": "partner", "action": "update"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="nhat-ky-' in r["Content-Disposition"]
    text = b"".join(r.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Thời điểm", "Tên đăng nhập", "Họ tên"]
    assert len(rows) == 4 and all(row[1] == "lan" for row in rows[1:])
    assert all("Hà Giang" not in cell for row in rows for cell in row)
    assert any('"=p1"' in row[9] for row in rows[1:])  # JSON of after, as text
    assert rows[1][10] == str(world.doc.pk)


def test_xlsx_export(login: Any, world: World) -> None:
    from openpyxl import load_workbook

    _logged(world)
    r = login("officer").get(reverse("audit_export", args=["xlsx"]), {"user": world.users["officer"].pk})
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Thời điểm"
    assert {row[1] for row in values[1:]} <= {"lan", None, ""}
    assert all("Hà Giang" not in str(cell) for row in values for cell in row if cell)
    summaries = [row[7] for row in sheet.iter_rows(min_row=2)]
    # The text as typed, in a text cell (never a formula), marked so that editing it keeps it text.
    assert summaries and all(str(c.value).startswith("=SUM") and c.data_type == "s" for c in summaries)
    assert all(c.quotePrefix for c in summaries)


def test_unknown_export_format(login: Any, world: World) -> None:
    assert login("officer").get(reverse("audit_export", args=["pdf"])).status_code == 404


def test_english_page(login: Any, world: World) -> None:
    _logged(world)
    client = login("officer")
    r = client.get(reverse("audit_list"), HTTP_ACCEPT_LANGUAGE="en")
    body = r.content.decode()
    assert "Audit log" in body and "From date" in body


def test_guard_comes_back_after_a_table_rebuild(world: World) -> None:
    """A later migration that rebuilds the table on SQLite drops its triggers: post_migrate puts them back."""
    from hoptac.records.apps import _guard_audit_log
    from hoptac.records.audit_guard import remove_guard

    remove_guard(connection)
    assert not guarded(connection)
    _guard_audit_log()
    assert guarded(connection)
