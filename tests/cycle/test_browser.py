"""The yearly cycle in headless Chromium against a real ``hoptac serve`` (the server and browser set-up of
tests/records/test_browser.py): the officer opens the cycle and the missing-reports board of seed 001's plan and
edits a reporting rule; Sở Y tế's reporter fills its pre-filled yearly report (on a phone-size screen) and the
board no longer lists it as missing; the officer compiles the report, downloads the DOCX with the agency's text,
and subscribes to the calendar address shown on the calendar page."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import ARGS, CHROMIUM, require_chromium, served
from tests.records.conftest import ROOT, SEED_001
from tests.records.test_browser import PASSWORD, _login

pytestmark = pytest.mark.browser

YEAR = 2024
PHONE = {"width": 375, "height": 740}
LAST_YEAR_TEXT = "Năm 2023: khảo sát nhu cầu y tế tại 3 bệnh viện tỉnh Xay Sôm Bun."
TEXT = "Năm 2024: tiếp nhận 12 học viên điều dưỡng tỉnh Xay Sôm Bun, tổ chức 2 lớp tập huấn."
DIFFICULTY = "Thiếu phiên dịch tiếng Lào chuyên ngành y tế."

# seed 001 as its gold file reads it (the extractor is tested elsewhere), rules read, last year's report of Sở Y tế
SETUP = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from hoptac.web import setup
setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from django.utils import timezone
from hoptac.cycle import rules
from hoptac.cycle.models import AgencyReport
from hoptac.records.ingest import agency_named
from hoptac.records.models import Occurrence, Office, Profile, ProgressReport
from tests.records.conftest import load_gold
office, _ = Office.objects.get_or_create(code="bg", defaults={{"name": "Sở Ngoại vụ tỉnh Bắc Giang"}})
doc = load_gold(office, {SEED_001!r}, reviewed=True)
soyte = agency_named(office, "Sở Y tế")
for name, role, agency in (("lan", "officer", None), ("hoa", "reporter", soyte)):
    user, _ = get_user_model().objects.get_or_create(username=name, defaults={{"email": name + "@example.vn"}})
    user.set_password({PASSWORD!r})
    user.save()
    Profile.objects.update_or_create(user=user, defaults={{"office": office, "role": role, "agency": agency}})
rules.sync_new(office, timezone.localdate())
occ = Occurrence.objects.get(task__plan=doc.plan, task__lead=soyte, year={YEAR - 1})
ProgressReport.objects.create(office=office, occurrence=occ, status="in_progress", percent=30,
                              text={LAST_YEAR_TEXT!r}, agency=soyte, role="lead")
AgencyReport.objects.create(office=office, plan=doc.plan, agency=soyte, year={YEAR - 1},
                            difficulties={DIFFICULTY!r})
print(doc.plan.pk)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any) -> Iterator[tuple[str, int]]:
    require_chromium()
    # its own SQLite database in its own data directory, also on the PostgreSQL pass: seed 001 is stored anew
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "HOPTAC_DATABASE_URL"}
    env["HOPTAC_DATA_DIR"] = str(tmp_path_factory.mktemp("served-cycle"))
    env["HOPTAC_SECRET_KEY"] = "browser-test-secret-key-0123456789abcdefghij"
    done = subprocess.run(
        [sys.executable, "-c", SETUP], env=env, check=True, timeout=300, capture_output=True, text=True, cwd=ROOT
    )
    plan_id = int(done.stdout.split()[-1])
    with served(env) as url:
        yield url, plan_id


def _missing(page: Any, url: str, plan_id: int) -> list[str]:
    """The agencies the board lists as still owing this year's report of the plan."""
    page.goto(f"{url}/cycle/board/?year={YEAR}&plan={plan_id}&missing=1")
    return [str(t).strip() for t in page.locator("table.list tbody tr td:first-child a").all_inner_texts()]


def _no_horizontal_overflow(page: Any) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url}: the page is {width[0]} px wide on a {width[1]} px screen"


def test_cycle_officer_reporter_compile_calendar(server: tuple[str, int], tmp_path: Path) -> None:
    from docx import Document as Docx
    from icalendar import Calendar
    from playwright.sync_api import sync_playwright

    url, plan_id = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            officer = browser.new_context(locale="vi-VN", accept_downloads=True).new_page()
            officer.set_default_timeout(30_000)
            _login(officer, url, "lan")
            # the cycle's home and the board of the plan for the year
            officer.goto(url + "/cycle/")
            officer.wait_for_selector("h1:has-text('Chu kỳ báo cáo')")
            missing = _missing(officer, url, plan_id)
            assert "Sở Y tế" in missing and len(missing) >= 10, missing
            # edit the agencies' 31/10 rule: the due moves to 30/10, the board follows
            officer.goto(f"{url}/cycle/rules/?plan={plan_id}")
            row = officer.locator("table.list tr", has_text="31/10 hằng năm").first
            row.locator("a", has_text="Sửa").click()
            officer.fill("input[name=due_day]", "30")
            officer.click("form.card button:not([name=delete])")
            officer.wait_for_selector("text=Đã lưu quy định báo cáo")
            assert officer.locator("table.list td", has_text="30/10 hằng năm").count() == 1
            officer.goto(f"{url}/cycle/board/?year={YEAR}&plan={plan_id}&missing=1")
            assert officer.locator("tr", has_text="Sở Y tế").locator("td", has_text=f"30/10/{YEAR}").count() == 1

            # Sở Y tế's reporter, on a phone: its yearly report, pre-filled from last year
            phone = browser.new_context(locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True)
            reporter = phone.new_page()
            reporter.set_default_timeout(30_000)
            _login(reporter, url, "hoa")
            reporter.goto(f"{url}/cycle/?year={YEAR}")
            reporter.locator("table.list a", has_text="Sở Y tế").first.click()
            reporter.wait_for_selector(f"h1:has-text('Báo cáo năm {YEAR} của Sở Y tế')")
            assert reporter.locator("text=điền sẵn từ báo cáo năm 2023").count() == 1
            texts = reporter.locator("fieldset.item textarea")
            assert texts.count() == 1 and texts.first.input_value() == LAST_YEAR_TEXT
            assert reporter.input_value("textarea[name=difficulties]") == DIFFICULTY
            _no_horizontal_overflow(reporter)
            reporter.locator("fieldset.item select").first.select_option("done")
            reporter.locator("fieldset.item input[type=number]").first.fill("100")
            texts.first.fill(TEXT)
            reporter.click("button:has-text('Gửi báo cáo')")
            reporter.wait_for_selector(f"text=Đã gửi báo cáo năm {YEAR}.")
            assert reporter.locator("dd", has_text="Đã nộp").count() == 1
            _no_horizontal_overflow(reporter)
            reporter.screenshot(path=str(tmp_path / "agency-report-phone.png"), full_page=True)

            # the board: Sở Y tế no longer owes its report
            after = _missing(officer, url, plan_id)
            assert "Sở Y tế" not in after and len(after) == len(missing) - 1, after
            officer.goto(f"{url}/cycle/board/?year={YEAR}&plan={plan_id}")
            assert officer.locator("tr", has_text="Sở Y tế").first.locator(".st-done").count() == 1

            # compile and download the DOCX through the button
            officer.goto(f"{url}/cycle/compiled/new/?plan={plan_id}")
            officer.fill("input[name=year]", str(YEAR))
            officer.click("button:has-text('Lập báo cáo')")
            officer.wait_for_selector("text=Tải báo cáo (.docx)")
            officer.click("button:has-text('Tổng hợp lại')")
            officer.wait_for_selector("text=Đã tổng hợp báo cáo")
            assert officer.locator("li", has_text="Sở Y tế").count() >= 1
            with officer.expect_download() as info:
                officer.click("text=Tải báo cáo (.docx)")
            download = info.value
            assert download.suggested_filename.endswith(".docx")
            saved = tmp_path / download.suggested_filename
            download.save_as(str(saved))
            doc = Docx(io.BytesIO(saved.read_bytes()))
            body = "\n".join(par.text for par in doc.paragraphs)
            cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
            assert TEXT in body and f"Sở Y tế: {DIFFICULTY}" in body
            assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells and "Độc lập - Tự do - Hạnh phúc" in cells

            # the calendar page shows the reporter's own address; it opens without a session
            reporter.goto(url + "/cycle/calendar/")
            reporter.click("button[name=create]")  # opening the page writes nothing: the address is made by a click
            feed = reporter.locator("table.list input").first.input_value()
            _no_horizontal_overflow(reporter)
            assert feed.startswith(url + "/cycle/ical/") and feed.endswith("/me.ics")
            with urllib.request.urlopen(feed, timeout=30) as response:
                assert response.headers["Content-Type"].startswith("text/calendar")
                cal = Calendar.from_ical(response.read())
            deadlines = {(str(e.get("SUMMARY")), e.decoded("DTSTART")) for e in cal.walk("VEVENT") if e.get("DTSTART")}
            assert any(
                str(start) == f"{YEAR}-10-30" and "báo cáo" in summary.lower() for summary, start in deadlines
            ), sorted(deadlines)[:20]
        finally:
            browser.close()
