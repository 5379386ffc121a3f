"""In headless Chromium against a real ``hoptac serve``: the header's search box, hits, a click to the record."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import ARGS, CHROMIUM, require_chromium, served
from tests.records.conftest import ROOT, SAMPLES

PASSWORD = "mat-khau-tim-kiem"
SETUP = f"""
from hoptac.web import setup
setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from hoptac.records.ingest import get_office, ingest_path
from hoptac.records.models import Profile
from pathlib import Path
office = get_office()
for path in sorted(Path({str(SAMPLES)!r}).glob("*.txt")):
    ingest_path(path, office)
user, _ = get_user_model().objects.get_or_create(username="lan")
user.set_password({PASSWORD!r})
user.save()
Profile.objects.update_or_create(user=user, defaults={{"office": office, "role": "officer"}})
"""

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any) -> Iterator[str]:
    require_chromium()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HOPTAC_"))}
    env["HOPTAC_DATA_DIR"] = str(tmp_path_factory.mktemp("search-served"))
    env["HOPTAC_SECRET_KEY"] = "browser-search-secret-key-0123456789abcdef"
    subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=ROOT, check=True, timeout=300)
    with served(env, "--workers", "1") as url:
        yield url


def test_header_search_to_a_record(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    url = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(locale="vi-VN")
            page.set_default_timeout(30_000)
            page.goto(url + "/login/")
            page.fill("input[name=username]", "lan")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(url + "/")
            box = page.locator("header input[name=q]")
            box.fill("Napo")
            box.press("Enter")
            page.wait_for_url("**/search/?q=Napo")
            hits = page.locator("ol.hits li.hit")
            assert hits.count() > 0
            assert "Na Pô" in hits.first.inner_text() or "Na Po" in hits.first.inner_text()
            page.fill("main input[name=q]", "481/KH-UBND")
            page.select_option("select[name=kind]", "document")
            page.click("main form button")
            page.wait_for_selector("ol.hits mark")
            assert page.locator("ol.hits mark").first.inner_text() == "481/KH-UBND"
            page.screenshot(path=str(tmp_path / "search.png"), full_page=True)
            page.locator("ol.hits li.hit a").first.click()
            page.wait_for_url("**/documents/*/")
            assert "481/KH-UBND" in page.content()
            page.goto(url + "/search/?q=" + "x" * 2000)
            assert "Từ khóa quá dài" in page.inner_text("main")
        finally:
            browser.close()
