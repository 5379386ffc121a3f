"""A progress report sent twice, or 20 times at once, is stored once: the form carries a token made for each
time it is shown, the API honours an Idempotency-Key header (issue 11, item 9)."""

from __future__ import annotations

import json
import re
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from hoptac.records.models import ApiToken, ProgressReport
from tests.records.conftest import World

ONCE = re.compile(r'name="once" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _form(world: World, client: Client) -> tuple[str, dict[str, Any]]:
    task = world.task_led_by(world.sngv)
    url = reverse("task_detail", args=[task.pk])
    page = client.get(url).content.decode()
    data = {
        "occurrence": task.occurrences.first().pk,
        "status": "in_progress",
        "percent": 40,
        "text": "Đã làm việc với đoàn tỉnh bạn.",
        "once": ONCE.search(page).group(1),  # type: ignore[union-attr]
    }
    return url, data


def test_the_same_form_sent_twice_is_one_report(login: Any, world: World) -> None:
    client = login("reporter")
    url, data = _form(world, client)
    assert client.post(url, data).status_code == 302
    r = client.post(url, data, follow=True)
    assert "Báo cáo này đã được ghi" in r.content.decode()
    assert ProgressReport.objects.filter(author=world.users["reporter"]).count() == 1
    # the form shown again is a new submission
    url, again = _form(world, client)
    assert again["once"] != data["once"]
    assert client.post(url, again).status_code == 302
    assert ProgressReport.objects.filter(author=world.users["reporter"]).count() == 2
    # another user's token is theirs: it does not swallow this user's report
    other = login("officer")
    assert other.post(url, data).status_code == 302
    assert ProgressReport.objects.count() == 3


def _need_isolated_connections() -> None:
    """The test server shares one in-memory SQLite connection among its threads: parallel requests are not
    isolated transactions there (one's rollback undoes another's insert). test.sh's PostgreSQL pass runs these."""
    if connection.vendor == "sqlite":
        pytest.skip("parallel requests need the PostgreSQL pass (HOPTAC_DATABASE_URL)")


def _parallel(n: int, send: Any) -> list[Any]:
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(lambda _i: send(), range(n)))


def test_twenty_parallel_form_posts_store_one_report(transactional_db: Any, live_server: Any, world: World) -> None:
    _need_isolated_connections()
    client = Client()
    client.force_login(world.users["reporter"])
    url, data = _form(world, client)
    session = client.cookies["sessionid"].value
    opener = urllib.request.build_opener()
    opener.addheaders = [("Cookie", f"sessionid={session}")]
    with opener.open(live_server.url + url) as page:
        html = page.read().decode()
        csrf = page.headers.get_all("Set-Cookie")
    token = next(c.split(";")[0].split("=", 1)[1] for c in csrf if c.startswith("csrftoken="))
    data["once"] = ONCE.search(html).group(1)  # type: ignore[union-attr]
    data["csrfmiddlewaretoken"] = CSRF.search(html).group(1)  # type: ignore[union-attr]
    body = urllib.parse.urlencode(data).encode()

    def send() -> int:
        request = urllib.request.Request(live_server.url + url, data=body, method="POST")
        request.add_header("Cookie", f"sessionid={session}; csrftoken={token}")
        request.add_header("Referer", live_server.url + url)
        try:
            with urllib.request.urlopen(request) as r:  # noqa: S310 - the test's own server
                return int(r.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    statuses = _parallel(20, send)
    assert all(s == 200 for s in statuses), statuses  # each redirected to the task page
    assert ProgressReport.objects.filter(author=world.users["reporter"]).count() == 1


def test_api_idempotency_key(transactional_db: Any, live_server: Any, world: World) -> None:
    key = ApiToken.issue(world.users["reporter"]).key
    occ = world.task_led_by(world.sngv).occurrences.first()
    url = f"{live_server.url}/api/occurrences/{occ.pk}/reports"
    body = json.dumps({"status": "in_progress", "percent": 30, "text": "Đang làm"}).encode()

    def send(idem: str = "bao-cao-thang-10") -> tuple[int, int]:
        request = urllib.request.Request(url, data=body, method="POST")
        request.add_header("Authorization", f"Bearer {key}")
        request.add_header("Content-Type", "application/json")
        if idem:
            request.add_header("Idempotency-Key", idem)
        with urllib.request.urlopen(request) as r:  # noqa: S310 - the test's own server
            return int(r.status), int(json.loads(r.read())["id"])

    assert send()[1] == send()[1]  # sent again: the same report
    assert ProgressReport.objects.count() == 1
    _need_isolated_connections()
    answers = _parallel(20, send)
    assert {a[0] for a in answers} == {201} and len({a[1] for a in answers}) == 1
    assert ProgressReport.objects.count() == 1 and answers[0][1] == send()[1]
    assert send("another-report")[1] != answers[0][1]
    assert send("")[1] != send("")[1]  # without a key, each request is a report
    assert ProgressReport.objects.count() == 4
