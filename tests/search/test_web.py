"""The search page: the header box, hits with marks, who sees what, and bad input that never breaks it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.records.conftest import World

pytestmark = pytest.mark.django_db


def _links(html: str, kind: str) -> set[int]:
    return {int(pk) for pk in re.findall(rf'href="/{kind}/(\d+)/"', html)}


def test_header_box_and_officer_results(login: Any, world: World) -> None:
    client = login("officer")
    page = client.get("/").content.decode()
    assert 'action="/search/"' in page and 'name="q"' in page
    html = client.get("/search/", {"q": "Sở Y tế"}).content.decode()
    assert "<mark>Sở Y tế</mark>" in html
    expected = set(world.soyte.lead_tasks.values_list("pk", flat=True))
    assert expected and expected <= _links(html, "tasks")
    html = client.get("/search/", {"q": "xay som bun", "kind": "document"}).content.decode()
    assert _links(html, "documents") == {world.doc.pk}
    assert "Xay Sôm Bun</mark>" in html and "001_f97b477c60d4a584.txt" in html


def test_who_sees_what(login: Any, world: World) -> None:
    soyte_tasks = set(world.soyte.lead_tasks.values_list("pk", flat=True)) | set(
        world.soyte.support_tasks.values_list("pk", flat=True)
    )
    html = login("other_reporter").get("/search/", {"q": "tỉnh"}).content.decode()
    assert _links(html, "tasks") and _links(html, "tasks") <= soyte_tasks
    assert not _links(html, "documents") and not _links(html, "partners")
    html = login("other_reporter").get("/search/", {"q": "tỉnh", "kind": "document"}).content.decode()
    assert not _links(html, "documents")
    html = login("viewer").get("/search/", {"q": "Xay Sôm Bun", "kind": "document"}).content.decode()
    assert _links(html, "documents") == {world.doc.pk}
    html = login("outsider").get("/search/", {"q": "Xay Sôm Bun"}).content.decode()
    assert not _links(html, "documents") and not _links(html, "tasks")
    html = login("outsider").get("/search/", {"q": "Bảo Lạc", "kind": "document"}).content.decode()
    assert _links(html, "documents") == {world.other_doc.pk}
    html = login("national").get("/search/", {"q": "tỉnh", "kind": "document"}).content.decode()
    assert _links(html, "documents") == {world.doc.pk, world.other_doc.pk}
    response = login("anonymous").get("/search/", {"q": "tỉnh"})
    assert response.status_code == 302 and "/login/" in response["Location"]


BAD = [
    {"q": ""},
    {"q": "   "},
    {"q": "x" * 10_240},
    {"q": "!!! ??? ..."},
    {"q": '"'},
    {"q": '"unclosed phrase'},
    {"q": "*"},
    {"q": "NEAR("},
    {"q": "NEAR(a b, 2)"},
    {"q": "a AND OR NOT b"},
    {"q": "' OR 1=1 --"},
    {"q": "'; DROP TABLE search_entry; --"},
    {"q": "\x00"},
    {"q": "(((("},
    {"q": "{head}: x"},
    {"q": "Sở Y tế", "kind": "zzz"},
    {"q": "Sở Y tế", "year": "abc"},
    {"q": "Sở Y tế", "year": "99999"},
    {"q": "Sở Y tế", "partner": "-1"},
    {"q": "Sở Y tế", "agency": "1e9"},
    {"q": "Sở Y tế", "page": "abc"},
    {"q": "Sở Y tế", "page": "9999999"},
]


@pytest.mark.parametrize("params", BAD, ids=[repr(p)[:40] for p in BAD])
def test_bad_input_gives_a_message_or_no_result(login: Any, world: World, params: dict[str, str]) -> None:
    from hoptac.records.models import Document, Task
    from hoptac.search.models import Entry

    client = login("officer")
    client.get("/search/", {"q": "Sở Y tế"})  # the index is built
    counts = (Document.objects.count(), Task.objects.count(), Entry.objects.count())
    response = client.get("/search/", params)
    html = response.content.decode()
    assert "Traceback" not in html
    if any("\x00" in v for v in params.values()):
        # Refused before any view, the same on SQLite and PostgreSQL (hoptac.web.nul).
        assert response.status_code == 400 and "ký tự NUL" in html
    else:
        assert response.status_code == 200
        assert 'class="msg msg-error"' in html or "Không tìm thấy kết quả nào" in html or "<mark>" in html
    assert (Document.objects.count(), Task.objects.count(), Entry.objects.count()) == counts


def test_messages(login: Any, world: World) -> None:
    client = login("officer")
    assert "Hãy nhập từ khóa tìm kiếm." in client.get("/search/", {"q": ""}).content.decode()
    assert "Từ khóa quá dài" in client.get("/search/", {"q": "x" * 10_240}).content.decode()
    assert "không có chữ hay số" in client.get("/search/", {"q": "!!!"}).content.decode()
    assert "Loại không hợp lệ" in client.get("/search/", {"q": "a", "kind": "zzz"}).content.decode()


def test_english(login: Any, world: World) -> None:
    client = login("officer")
    client.cookies["django_language"] = "en"
    html = client.get("/search/", {"q": ""}).content.decode()
    assert "Please enter a search term." in html and ">Search<" in html
    html = client.get("/search/", {"q": "Sở Y tế"}).content.decode()
    assert "results" in html and "<mark>Sở Y tế</mark>" in html
