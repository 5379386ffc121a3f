"""Issue 12 in headless Chromium against a real ``hoptac serve``: upload a real plan, correct a lead agency, a
deadline and a reporting duty in the review, save; the corrected task is in the task list, the rule on the
rules page and the deadline in the agency's calendar feed. Screenshots of the review page (desktop, phone) go
to ``HOPTAC_SCREENSHOTS`` (default: the test's temporary directory)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import ARGS, CHROMIUM, set_up_and_served
from tests.records.conftest import ROOT

PASSWORD = "mat-khau-trinh-duyet"
PLAN = ROOT / "tests" / "dev" / "docs" / "17_bacninh-kh141-chinhsach.md"

pytestmark = pytest.mark.browser

SETUP = f"""
from hoptac.web import setup
setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from hoptac.records.ingest import agency_named
from hoptac.records.models import Office, Profile
office, _ = Office.objects.get_or_create(code="bn", defaults={{"name": "Sở Ngoại vụ tỉnh Bắc Ninh"}})
for name in ("Sở Ngoại vụ", "Văn phòng Ủy ban nhân dân tỉnh"):
    agency_named(office, name)
user, _ = get_user_model().objects.get_or_create(username="lan")
user.set_password({PASSWORD!r})
user.save()
Profile.objects.update_or_create(user=user, defaults={{"office": office, "role": "officer"}})
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any) -> Iterator[str]:
    with set_up_and_served(SETUP, tmp_path_factory.mktemp("served")) as url:
        yield url


def test_review_corrections_reach_tasks_rules_and_calendar(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    url = server
    shots = Path(os.environ.get("HOPTAC_SCREENSHOTS") or tmp_path)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(locale="vi-VN", viewport={"width": 1366, "height": 900})
            page.set_default_timeout(30_000)
            page.goto(url + "/login/")
            page.fill("input[name=username]", "lan")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(url + "/")
            page.goto(url + "/upload/")
            page.set_input_files("input[type=file]", str(PLAN))
            page.click("button[type=submit]")
            page.wait_for_selector("#accept")
            review_url = page.url
            # The kind in words, the source without markdown marks, in the page's (proportional) font.
            assert page.locator("select[name=doc-kind] option:checked").inner_text() == "Kế hoạch"
            source = page.locator("#source")
            assert "**" not in source.inner_text()
            assert "mono" not in source.evaluate("e => getComputedStyle(e).fontFamily")
            page.screenshot(path=str(shots / "review-desktop.png"))
            # A click on a later task's ↗ scrolls the source pane, not the page: the item stays in view.
            item = page.locator("#item-task-10")
            item.scroll_into_view_if_needed()
            y = page.evaluate("window.scrollY")
            item.locator("a.src").click()
            assert page.evaluate("window.scrollY") == y
            assert source.evaluate("e => e.scrollTop") > 0
            assert page.locator("mark.current").count() == 1
            # The corrections: a lead agency (an existing one, abbreviated), a deadline, a reporting duty.
            page.fill("input[name=tasks-0-lead]", "So Ngoai vu")
            page.fill("input[name=tasks-0-due]", "30/06/2027")
            page.uncheck("input[name=tasks-0-ongoing]")
            page.fill("input[name=reporting-0-to]", "Văn phòng UBND tỉnh")
            page.fill("input[name=reporting-0-due]", "20/11")
            page.check("input[name=reporting-0-yearly]")
            page.click("#accept")
            page.wait_for_selector("text=Đã lưu văn bản.")
            # The task list has the corrected task; its page says who leads it and by when.
            page.goto(url + "/tasks/")
            row = page.locator("tbody tr").filter(has=page.locator("td", has_text=re.compile(r"^\s*III\.1\s*$")))
            assert row.count() == 1 and "Sở Ngoại vụ" in row.inner_text()
            row.locator("a").first.click()
            detail = page.inner_text("main")
            assert "Sở Ngoại vụ" in detail and "30/06/2027" in detail
            assert "Ủy ban nhân dân các xã, phường" not in detail.split("Phối hợp")[0]
            # The rule on the rules page.
            page.goto(url + "/cycle/rules/")
            rules = page.inner_text("main")
            assert "Văn phòng Ủy ban nhân dân tỉnh" in rules and "20/11 hằng năm" in rules
            # The deadline in the agency's calendar feed.
            page.goto(url + "/cycle/calendar/")
            if page.locator("button[name=create]").count():  # the address is made on request
                page.click("button[name=create]")
            feed = page.input_value("input[aria-label='Sở Ngoại vụ']")
            ics = page.request.get(feed).text()
            assert "DTSTART;VALUE=DATE:20270630" in ics
            # The phone view of the review page (another upload of the same file is recognised: a fresh one).
            phone = browser.new_page(locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True)
            phone.context.add_cookies(page.context.cookies())
            phone.goto(url + "/documents/")
            phone.locator("a", has_text="Kế hoạch").first.click()
            phone.goto(phone.url + "review/")
            phone.wait_for_selector("#source")
            phone.screenshot(path=str(shots / "review-phone.png"))
            assert phone.evaluate("document.documentElement.scrollWidth") <= 400
            del review_url
        finally:
            browser.close()
