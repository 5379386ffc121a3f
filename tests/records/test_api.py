"""The JSON API: the UI's permissions per role, token and session auth, JSON errors for bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from hoptac.records.api import api
from hoptac.records.models import ApiToken, Event, ProgressReport, Task
from tests.records.conftest import PASSWORD, ROLES, World

READ_ALL = {"officer", "viewer", "national"}
OWN_OFFICE_LIST = READ_ALL | {"outsider"}


def endpoints(world: World) -> list[tuple[str, str, str, Any, dict[str, int]]]:
    """(method, schema path, url, body, {role: status}); roles missing default to 401 for anonymous."""
    task = world.task_led_by(world.sngv)
    occ = task.occurrences.first()
    plan = world.doc.plan
    partner = plan.partners.first()
    event = Event.objects.filter(document=world.doc).first()

    def table(ok: set[str], code: int = 200, other: int = 403) -> dict[str, int]:
        return {r: (code if r in ok else other) for r in ROLES if r != "anonymous"}

    def one(ok: set[str], code: int = 200) -> dict[str, int]:
        """An operation on one of Bắc Giang's objects: Hà Giang's officer does not find it (404)."""
        return {**table(ok, code), "outsider": 404}

    lists_ok = OWN_OFFICE_LIST
    everyone = set(ROLES) - {"anonymous"}
    detail_ok = READ_ALL
    task_ok = READ_ALL | {"reporter"}
    return [
        ("get", "/api/me", "/api/me", None, table(everyone)),
        ("get", "/api/documents", "/api/documents", None, table(lists_ok)),
        ("get", "/api/documents/{pk}", f"/api/documents/{world.doc.pk}", None, one(detail_ok)),
        ("get", "/api/partners", "/api/partners", None, table(lists_ok)),
        ("get", "/api/partners/{pk}", f"/api/partners/{partner.pk}", None, one(detail_ok)),
        ("get", "/api/agreements", "/api/agreements", None, table(lists_ok)),
        ("get", "/api/agreements/{pk}", f"/api/agreements/{plan.agreement_id}", None, one(detail_ok)),
        (
            "patch",
            "/api/agreements/{pk}",
            f"/api/agreements/{plan.agreement_id}",
            {"status": "amended"},
            one({"officer", "national"}),
        ),
        ("get", "/api/plans", "/api/plans", None, table(lists_ok)),
        ("get", "/api/plans/{pk}", f"/api/plans/{plan.pk}", None, one(detail_ok)),
        ("get", "/api/tasks", "/api/tasks", None, table(everyone)),
        ("get", "/api/tasks/{pk}", f"/api/tasks/{task.pk}", None, one(task_ok)),
        (
            "patch",
            "/api/tasks/{pk}",
            f"/api/tasks/{task.pk}",
            {"status": "in_progress"},
            one({"officer", "national"}),
        ),
        ("get", "/api/occurrences", "/api/occurrences", None, table(everyone)),
        ("get", "/api/occurrences/{pk}", f"/api/occurrences/{occ.pk}", None, one(task_ok)),
        (
            "post",
            "/api/occurrences/{pk}/reports",
            f"/api/occurrences/{occ.pk}/reports",
            {"status": "in_progress", "percent": 30, "text": "Đang làm"},
            one({"officer", "national", "reporter"}, 201),
        ),
        ("get", "/api/reports", "/api/reports", None, table(everyone)),
        ("get", "/api/events", "/api/events", None, table(lists_ok)),
        ("get", "/api/events/{pk}", f"/api/events/{event.pk}", None, one(detail_ok)),
        (
            "post",
            "/api/events",
            "/api/events",
            {"kind": "tham", "date": "2024-05-01", "title": "Đoàn vào"},
            {**table({"officer", "outsider"}, 201), "national": 400},
        ),
        (
            "post",
            "/api/documents",
            "/api/documents",
            "upload",
            {**table({"officer", "outsider"}, 201), "national": 400},
        ),
    ]


def call(client: Client, method: str, url: str, body: Any, **headers: str) -> Any:
    if body == "upload":
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(
            url, {"file": SimpleUploadedFile("cv.txt", "CÔNG VĂN\nVề việc thử.".encode())}, **headers
        )
    if body is None:
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", **headers)


def test_every_endpoint_is_in_the_matrix(world: World) -> None:
    schema = api.get_openapi_schema()
    declared = {(m, "/api" + p.removeprefix("/api")) for p, ops in schema["paths"].items() for m in ops}
    covered = {(m, path) for m, path, *_ in endpoints(world)} | {("post", "/api/token")}
    assert declared == covered


@pytest.mark.parametrize("role", ROLES)
def test_api_matrix_with_token(world: World, role: str) -> None:
    client = Client()
    headers = {}
    if role != "anonymous":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(world.users[role]).key}"
    for method, _path, url, body, table in endpoints(world):
        r = call(client, method, url, body, **headers)
        expected = 401 if role == "anonymous" else table[role]
        assert r.status_code == expected, (method, url, role, r.status_code, r.content[:300])
        assert r["Content-Type"].startswith("application/json")


def test_session_auth_needs_csrf_for_writes(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["officer"])
    task = world.task_led_by(world.sngv)
    assert client.get(f"/api/tasks/{task.pk}").status_code == 200
    r = client.patch(f"/api/tasks/{task.pk}", json.dumps({"status": "done"}), content_type="application/json")
    assert r.status_code == 403
    assert Task.objects.get(pk=task.pk).status == "pending"
    client.get("/account/")
    token = client.cookies["csrftoken"].value
    r = client.patch(
        f"/api/tasks/{task.pk}",
        json.dumps({"status": "done"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert r.status_code == 200 and Task.objects.get(pk=task.pk).status == "done"


def test_token_endpoint(world: World, client: Client) -> None:
    r = client.post(
        "/api/token", json.dumps({"username": "lan", "password": PASSWORD}), content_type="application/json"
    )
    assert r.status_code == 200
    key = r.json()["token"]
    assert client.get("/api/me", HTTP_X_API_KEY=key).json()["role"] == "officer"
    r = client.post(
        "/api/token", json.dumps({"username": "lan", "password": "sai"}), content_type="application/json"
    )
    assert r.status_code == 401 and "Sai tên đăng nhập" in r.json()["detail"]
    assert client.get("/api/me", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def officer(world: World) -> Client:
    c = Client()
    c.defaults["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(world.users['officer']).key}"
    return c


def test_bad_json_is_a_json_400(world: World) -> None:
    occ = world.task_led_by(world.sngv).occurrences.first()
    r = officer(world).post(
        f"/api/occurrences/{occ.pk}/reports", "{not json", content_type="application/json"
    )
    assert r.status_code == 400
    assert "JSON" in r.json()["detail"]
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"status": "done", "percent": 150, "text": "x"},
        {"status": "finished", "percent": 10, "text": "x"},
        {"status": "done", "percent": 10},
        {"status": "done", "percent": 10, "text": ""},
        {"status": "done", "percent": 10, "text": "   "},
    ],
)
def test_invalid_report_is_a_json_422_and_saves_nothing(world: World, body: dict[str, Any]) -> None:
    occ = world.task_led_by(world.sngv).occurrences.first()
    r = officer(world).post(
        f"/api/occurrences/{occ.pk}/reports", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 422, r.content
    assert r.json()["detail"] in ("Dữ liệu không hợp lệ.", "Hãy ghi nội dung báo cáo.")
    assert not ProgressReport.objects.exists()
    occ.refresh_from_db()
    assert occ.status == "pending"


@pytest.mark.parametrize(
    "url",
    [
        "/api/tasks/999999",
        "/api/documents/999999",
        "/api/occurrences/999999",
        "/api/partners/999999",
        "/api/agreements/999999",
        "/api/plans/999999",
        "/api/events/999999",
    ],
)
def test_unknown_ids_are_json_404(world: World, url: str) -> None:
    r = officer(world).get(url)
    assert r.status_code == 404 and r.json() == {"detail": "Không tìm thấy."}


def test_event_with_unknown_links_saves_nothing(world: World) -> None:
    c = officer(world)
    before = Event.objects.count()
    for body in (
        {"date": "2024-01-01", "title": "x", "agreement_id": 999999},
        {"date": "2024-01-01", "title": "x", "parties": [999999]},
        {"date": "2024-13-01", "title": "x"},
        {"title": "x"},
        {"date": "2024-01-01", "title": "x", "kind": "party"},
    ):
        r = c.post("/api/events", json.dumps(body), content_type="application/json")
        assert r.status_code in (404, 422), (body, r.status_code)
        assert "detail" in r.json()
    assert Event.objects.count() == before


def test_bad_pagination(world: World) -> None:
    r = officer(world).get("/api/tasks?limit=0")
    assert r.status_code == 422
    r = officer(world).get("/api/tasks?limit=abc")
    assert r.status_code == 422


def test_task_list_filters_and_isolation(world: World) -> None:
    c = officer(world)
    all_tasks = c.get("/api/tasks?limit=500").json()
    assert all_tasks["count"] == 45
    led = c.get(f"/api/tasks?agency={world.sngv.pk}&limit=500").json()
    assert 0 < led["count"] < 45
    assert c.get("/api/tasks?year=2023&limit=1").json()["count"] > 0
    outsider = Client()
    outsider.defaults["HTTP_AUTHORIZATION"] = f"Bearer {ApiToken.issue(world.users['outsider']).key}"
    ids = {t["id"] for t in outsider.get("/api/tasks?limit=500").json()["items"]}
    assert ids and ids.isdisjoint({t["id"] for t in all_tasks["items"]})


def test_openapi_schema_is_served(client: Client) -> None:
    r = client.get("/api/openapi.json")
    assert r.status_code == 200 and "/api/tasks" in r.json()["paths"]


def test_api_upload_too_large_is_one_json_error(world: Any, client: Any) -> None:
    """The upload's size is checked (``hoptac.files.read_upload``) before it is read; nothing is stored."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hoptac.records.models import Document

    client.force_login(world.users["officer"])
    before = Document.objects.count()
    big = SimpleUploadedFile("to.txt", b"a" * (21 * 1024 * 1024), content_type="text/plain")
    response = client.post("/api/documents", {"file": big})
    assert response.status_code == 400
    assert response.json()["detail"] == "to.txt: tệp quá lớn (21,0 MB; giới hạn 20,0 MB)"
    assert Document.objects.count() == before
