"""The issue's flow in headless Chromium against a real ``hoptac serve``: upload seed 001, review and accept,
see its tasks under Sở Ngoại vụ, report progress as that agency's reporter, see the dashboard change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import ARGS, CHROMIUM, set_up_and_served
from tests.records.conftest import SAMPLES, SEED_001

PASSWORD = "mat-khau-trinh-duyet"

pytestmark = pytest.mark.browser

SETUP = f"""
from hoptac.web import setup
setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from hoptac.records.ingest import agency_named
from hoptac.records.models import Office, Profile
office, _ = Office.objects.get_or_create(code="bg", defaults={{"name": "Sở Ngoại vụ tỉnh Bắc Giang"}})
for name, role, agency in (("lan", "officer", None), ("minh", "reporter", "Sở Ngoại vụ")):
    user, _ = get_user_model().objects.get_or_create(username=name)
    user.set_password({PASSWORD!r})
    user.save()
    Profile.objects.update_or_create(user=user, defaults={{
        "office": office, "role": role, "agency": agency_named(office, agency) if agency else None}})
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any) -> Iterator[str]:
    with set_up_and_served(SETUP, tmp_path_factory.mktemp("served")) as url:
        yield url


def _login(page: Any, url: str, username: str) -> None:
    page.goto(url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")


def _dashboard(page: Any, url: str) -> str:
    page.goto(url + "/")
    # an office's dashboard has its progress by agency; a reporter's home, what its agency owes
    owed = "#owed-lead" if page.locator("#owed-lead").count() else "#by-agency"
    return str(page.inner_text(".stats")) + str(page.inner_text(owed))


def test_upload_review_report_dashboard(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    url = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(locale="vi-VN")
            page.set_default_timeout(30_000)
            _login(page, url, "lan")
            page.goto(url + "/upload/")
            page.set_input_files("input[type=file]", str(SAMPLES / f"{SEED_001}.txt"))
            page.click("button[type=submit]")
            page.wait_for_selector("#accept")
            assert page.locator("#source.doctext").count() == 1
            n_tasks = page.locator("fieldset.item").count()
            if n_tasks:
                assert page.locator("mark.hl-task").count() > 0
            page.click("#accept")
            try:
                page.wait_for_selector("text=Đã lưu văn bản.")
            except Exception:
                page.screenshot(path=str(tmp_path / "accept.png"), full_page=False)
                Path("/tmp/hoptac-browser-fail.html").write_text(page.content())
                raise
            # Sở Ngoại vụ's page lists the tasks it leads
            page.goto(url + "/agencies/")
            agency_link = page.locator("a", has_text="Sở Ngoại vụ").first
            agency_link.click()
            lead_items = page.locator("#lead-tasks a")
            if n_tasks == 0:
                pytest.xfail("the extractor read no tasks from seed 001 yet")
            assert lead_items.count() > 0
            # a partner by hand: the 2025 successor is suggested before anything is saved
            page.goto(url + "/partners/new/")
            page.fill("input[name=name]", "huyện Vị Xuyên")
            page.fill("input[name=country]", "VN")
            page.click("#save")
            page.wait_for_selector("#suggested")
            assert page.input_value("select[name=successor_choice]") == "new:tỉnh Tuyên Quang"
            page.click("#save")
            page.wait_for_selector("text=Đã lưu đối tác.")
            assert page.locator("a", has_text="tỉnh Tuyên Quang").count() == 1
            page.click("text=Đăng xuất")
            # the reporter of Sở Ngoại vụ reports progress; the dashboard changes
            _login(page, url, "minh")
            before = _dashboard(page, url)
            page.locator("nav a", has_text="Sở Ngoại vụ").click()  # its own agency: the tasks it leads
            page.locator("#lead-tasks a").first.click()
            page.select_option("select[name=status]", "done")
            page.fill("input[name=percent]", "100")
            page.fill("textarea[name=text]", "Đã hoàn thành trong năm.")
            page.click("button[type=submit]")
            page.wait_for_selector("text=Đã ghi báo cáo tiến độ.")
            after = _dashboard(page, url)
            assert after != before
            page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
        finally:
            browser.close()
