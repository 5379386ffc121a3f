"""Issue 14: a scan uploaded on the web is OCR'd in the background. The upload answers at once, the review page
shows the progress until the job is done, then the review and the save use the job's result: Tesseract runs
once. Real Tesseract, real database; the job is held at its first page through ``ocr._tesseract``."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hoptac.extract import ocr
from hoptac.records import ocr_jobs, pending
from hoptac.records.models import Document, Profile
from tests.records.conftest import PASSWORD, World
from tests.records.test_review_edits import _form
from tests.test_scans import _bytes, _page, needs_ocr

pytestmark = needs_ocr


class Gate:
    """Counts the pages Tesseract reads, and holds each until ``open()``."""

    def __init__(self) -> None:
        self.pages = 0
        self.opened = threading.Event()
        self.opened.set()

    def hold(self) -> None:
        self.opened.clear()

    def open(self) -> None:
        self.opened.set()


@pytest.fixture
def gate(monkeypatch: Any, settings: Any, tmp_path: Any) -> Iterator[Gate]:
    settings.MEDIA_ROOT = str(tmp_path / "files")  # pending folders of earlier tests, same user ids: not here
    g = Gate()
    real = ocr._tesseract

    def counted(*args: Any, **kwargs: Any) -> Any:
        g.pages += 1
        assert g.opened.wait(120)
        return real(*args, **kwargs)

    monkeypatch.setattr(ocr, "_tesseract", counted)
    yield g
    g.open()
    deadline = time.monotonic() + 120
    while ocr_jobs.busy() and time.monotonic() < deadline:  # no job outlives its test's settings
        time.sleep(0.1)


def _scan_pdf(pages: int = 2) -> bytes:
    im = _page().convert("RGB")
    return _bytes(im, "PDF", resolution=300, save_all=True, append_images=[im] * (pages - 1))


def _status(client: Client, review_url: str) -> dict[str, Any]:
    r = client.get(review_url + "status/")
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    assert "no-cache" in r["Cache-Control"]
    return dict(r.json())


def _wait(client: Client, review_url: str, seconds: float = 180) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        s = _status(client, review_url)
        if s["state"] in (ocr_jobs.DONE, ocr_jobs.FAILED):
            return s
        time.sleep(0.2)
    raise AssertionError("the OCR job did not end")


def test_a_scan_is_read_in_the_background_once(login: Any, world: World, gate: Gate) -> None:
    client = login("officer")
    data = _scan_pdf(2)
    gate.hold()
    started = time.monotonic()
    r = client.post(reverse("upload"), {"file": SimpleUploadedFile("ke-hoach-scan.pdf", data)})
    assert r.status_code == 302 and time.monotonic() - started < 10
    review = r["Location"]
    assert review == reverse("upload_review", args=[hashlib.sha256(data).hexdigest()])
    assert _status(client, review)["state"] in (ocr_jobs.QUEUED, ocr_jobs.RUNNING)  # held: not done

    # While it runs: the progress page, which polls the status and works without JavaScript too.
    deadline = time.monotonic() + 60
    while (s := _status(client, review))["total"] == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert s == {"state": "running", "done": 0, "total": 2, "error": ""}
    page = client.get(review)
    html = page.content.decode()
    assert page.status_code == 200 and [t.name for t in page.templates][0] == "records/upload_ocr.html"
    assert "Đang nhận dạng chữ (OCR): trang" in html and '<span id="ocr-total">2</span>' in html
    assert '<progress id="ocr-progress" max="2" value="0">' in html
    assert "rời trang này và quay lại sau" in html and ">Tải lại</a>" in html
    assert '<meta http-equiv="refresh" content="5">' in html and "records/upload_ocr.js" in html
    assert "<script>" not in html and "no-cache" in page["Cache-Control"]
    english = client.get(review, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Recognising the text (OCR): page" in english and "You can leave this page" in english

    gate.open()
    assert _wait(client, review) == {"state": "done", "done": 2, "total": 2, "error": ""}
    assert gate.pages == 2

    # The review, from the job's result: no second OCR, neither here nor for the same file uploaded again.
    page = client.get(review)
    assert page.status_code == 200 and [t.name for t in page.templates][0] == "records/review.html"
    assert "Bách Sắc" in page.content.decode()
    r = client.post(reverse("upload"), {"file": SimpleUploadedFile("ke-hoach-scan.pdf", data)})
    assert r["Location"] == review and client.get(review).templates[0].name == "records/review.html"
    assert gate.pages == 2

    # Saved from the result as well.
    r = client.post(review, _form(page.content.decode()))
    assert r.status_code == 302, r.content[:500]
    doc = Document.objects.get(office=world.bg, sha256=hashlib.sha256(data).hexdigest())
    assert "huyện Bảo Lạc" in doc.text and doc.reviewed and doc.kind == "ke_hoach"
    assert gate.pages == 2
    assert not pending.folder(world.users["officer"], doc.sha256).exists()


def test_the_progress_is_its_uploaders_alone(login: Any, world: World, gate: Gate) -> None:
    from django.contrib.auth import get_user_model

    client = login("officer")
    gate.hold()
    r = client.post(reverse("upload"), {"file": SimpleUploadedFile("anh.png", _bytes(_page(), "PNG"))})
    review = r["Location"]
    colleague = get_user_model().objects.create_user("mai", password=PASSWORD)
    Profile.objects.create(user=colleague, office=world.bg, role=Profile.Role.OFFICER)
    for user in (colleague, world.users["outsider"]):
        other = Client()
        other.force_login(user)
        assert other.get(review + "status/").status_code == 404
        assert other.get(review).status_code == 404
    viewer = Client()
    viewer.force_login(world.users["viewer"])
    assert viewer.get(review + "status/").status_code == 403
    assert client.get(reverse("upload_review", args=["0" * 63 + "g"]) + "status/").status_code == 404
    gate.open()
    assert _wait(client, review)["state"] == "done"


def test_a_corrupt_scan_ends_in_its_one_line(login: Any, world: World, gate: Gate) -> None:
    client = login("officer")
    good = _bytes(_page(), "TIFF", compression="tiff_lzw")
    broken = good[:200] + b"\0" * 50 + good[250:4000]  # as tests/test_scans.py breaks it
    r = client.post(reverse("upload"), {"file": SimpleUploadedFile("hong.tif", broken)})
    assert r.status_code == 302
    review = r["Location"]
    s = _wait(client, review)
    assert s["state"] == "failed" and s["error"].startswith("hong.tif: ") and "\n" not in s["error"]
    page = client.get(review)
    html = page.content.decode()
    assert page.status_code == 200 and s["error"] in html
    assert f'href="{reverse("upload")}"' in html and "<progress" not in html and "http-equiv" not in html
    assert gate.pages == 0


def test_a_dead_job_is_started_again(login: Any, world: World, gate: Gate) -> None:
    """A job whose status has not moved for longer than a page may take died with its server: opening the
    review starts it again."""
    client = login("officer")
    data = _bytes(_page(), "PNG")
    digest = hashlib.sha256(data).hexdigest()
    user = world.users["officer"]
    pending.save(user, digest, "anh.png", data)
    pending.write_json(user, digest, ocr_jobs.STATUS_FILE, {"state": "running", "done": 1, "total": 3, "error": ""})
    path = pending.folder(user, digest) / ocr_jobs.STATUS_FILE
    old = time.time() - ocr_jobs.STALE_SECONDS + 30
    os.utime(path, (old, old))
    assert _status(client, reverse("upload_review", args=[digest]))["done"] == 1  # still alive
    old -= 60
    os.utime(path, (old, old))
    review = reverse("upload_review", args=[digest])
    assert client.get(review).status_code == 200
    assert _wait(client, review) == {"state": "done", "done": 1, "total": 1, "error": ""}
    assert client.get(review).templates[0].name == "records/review.html"


def test_a_file_with_text_is_read_at_once_as_before(login: Any, world: World, gate: Gate) -> None:
    client = login("officer")
    r = client.post(reverse("upload"), {"file": SimpleUploadedFile("tb.txt", "THÔNG BÁO\nNội dung thử.".encode())})
    assert r.status_code == 302
    folder = pending.folder(world.users["officer"], r["Location"].rstrip("/").rsplit("/", 1)[1])
    assert sorted(p.name for p in folder.iterdir()) == ["data", "name"]
    assert _status(client, r["Location"])["state"] == "done"
    assert client.get(r["Location"]).templates[0].name == "records/review.html"
    assert gate.pages == 0


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any) -> Iterator[str]:
    from tests.browser import set_up_and_served
    from tests.records.test_browser import SETUP

    with set_up_and_served(SETUP, tmp_path_factory.mktemp("served-ocr")) as url:
        yield url


@pytest.mark.browser
def test_the_progress_page_in_a_browser(server: str, tmp_path: Any) -> None:
    """Against ``hoptac serve``: the progress page polls its status (a static script, within the
    Content-Security-Policy) and turns into the review by itself. Screenshots: desktop while the first scan is
    read, phone while a second one waits its turn (``HOPTAC_SCREENSHOTS`` keeps them)."""
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    from tests.browser import ARGS, CHROMIUM
    from tests.records.test_browser import _login
    from tests.records.test_csp_browser import LISTEN

    shots = Path(os.environ.get("HOPTAC_SCREENSHOTS") or tmp_path)
    first, second = tmp_path / "ke-hoach-scan.pdf", tmp_path / "ke-hoach-scan-2.pdf"
    first.write_bytes(_scan_pdf(4))
    second.write_bytes(_scan_pdf(3))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 800})
            context.add_init_script(LISTEN)
            page = context.new_page()
            page.set_default_timeout(30_000)
            _login(page, server, "lan")
            page.goto(server + "/upload/")
            page.set_input_files("input[type=file]", str(first))
            started = time.monotonic()
            page.click("button[type=submit]")
            page.wait_for_selector("#ocr-job")
            assert time.monotonic() - started < 10
            page.wait_for_selector("#ocr-done", timeout=60_000)  # the pages counted: the script reloaded
            page.screenshot(path=str(shots / "upload-ocr-desktop.png"))

            phone = context.new_page()
            phone.set_viewport_size({"width": 390, "height": 844})
            phone.goto(server + "/upload/")
            phone.set_input_files("input[type=file]", str(second))
            phone.click("button[type=submit]")
            phone.wait_for_selector("#ocr-job")
            phone.screenshot(path=str(shots / "upload-ocr-phone.png"), full_page=True)
            assert phone.evaluate("document.documentElement.scrollWidth") <= 400

            # Both turn into their reviews by themselves, the first with the text of its four pages.
            page.wait_for_selector("#accept", timeout=240_000)
            assert page.locator("#source").inner_text().count("KẾ HOẠCH") == 4
            phone.wait_for_selector("#accept", timeout=240_000)
            assert not page.evaluate("window.__csp") and not phone.evaluate("window.__csp")
        finally:
            browser.close()
