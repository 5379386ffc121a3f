"""The Content-Security-Policy in headless Chromium against a real ``hoptac serve``: each role (national
administrator, office administrator, officer, viewer, an agency's reporter) opens every kind of page it can
reach from its menus and the links on them, and the browser reports no violation of the policy, which every
page carries (no inline script or style: hoptac.web.security.CSP)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from tests.browser import ARGS, CHROMIUM, require_chromium, served
from tests.records.conftest import ROOT, SEED_001
from tests.records.test_browser import PASSWORD, _login

pytestmark = pytest.mark.browser

ROLES = ("quoc", "binh", "lan", "tuan", "hoa")  # national, admin, officer, viewer, Sở Y tế's reporter

SETUP = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from datetime import date
from hoptac.web import setup
setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model
from hoptac.cycle import rules
from hoptac.cycle.report import open_report
from hoptac.records.ingest import agency_named
from hoptac.records.models import Event, Office, Profile
from tests.records.conftest import load_gold
office, _ = Office.objects.get_or_create(code="bg", defaults={{"name": "Sở Ngoại vụ tỉnh Bắc Giang"}})
doc = load_gold(office, {SEED_001!r}, reviewed=True)
soyte = agency_named(office, "Sở Y tế")
people = (("quoc", "admin", None, None), ("binh", "admin", office, None), ("lan", "officer", office, None),
          ("tuan", "viewer", office, None), ("hoa", "reporter", office, soyte))
for name, role, where, agency in people:
    user, _ = get_user_model().objects.get_or_create(username=name)
    user.set_password({PASSWORD!r})
    user.save()
    Profile.objects.update_or_create(user=user, defaults={{"office": where, "role": role, "agency": agency}})
rules.sync(office, date(2024, 10, 25))
open_report(office, 2024, doc.plan)
event = Event.objects.create(office=office, kind="tham", date=date(2024, 5, 1), title="Đoàn Xay Sôm Bun")
event.parties.set(doc.plan.partners.all()[:1])
"""

# Links not to open as pages: downloads, feeds, exports, signing out.
SKIP = re.compile(r"/(file|attachment)/|/export|/ical/|\.ics$|[./](docx|xlsx|pdf|csv)/?$|/logout/|/i18n/")
MAX_PAGES = 80

# Reported by the page's own listener, as the violations happen (an init script runs whatever the policy).
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ""}`);
});
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any) -> Iterator[str]:
    require_chromium()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "HOPTAC_DATABASE_URL"}
    env["HOPTAC_DATA_DIR"] = str(tmp_path_factory.mktemp("served-csp"))
    env["HOPTAC_SECRET_KEY"] = "browser-test-secret-key-0123456789abcdefghij"
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, timeout=300, cwd=ROOT)
    with served(env) as url:
        yield url


def _kind(path: str) -> str:
    """One page of each kind: /tasks/12/ and /tasks/13/ are the same page."""
    return re.sub(r"\d+", "N", path)


def _visit_all(page: Any, url: str) -> tuple[list[str], list[str]]:
    """Open every kind of page reachable from the dashboard; (pages opened, violations seen)."""
    queue = ["/", "/search/?q=S%E1%BB%9F+Y+t%E1%BA%BF", "/account/", "/documents/1/review/", "/tasks/987654321/"]
    seen_kinds: set[str] = set()
    opened: list[str] = []
    violations: list[str] = []
    while queue and len(opened) < MAX_PAGES:
        target = queue.pop(0)
        kind = _kind(urlsplit(target).path)
        if kind in seen_kinds:
            continue
        seen_kinds.add(kind)
        response = page.goto(url + target)
        # A page the role may not open (403), or that is not there (404), is a page too: it must pass as well.
        assert response is not None and response.status in (200, 403, 404), (target, response and response.status)
        policy = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in policy and "unsafe-inline" not in policy, (target, policy)
        page.wait_for_load_state("load")
        opened.append(target)
        violations += [f"{target}: {v}" for v in page.evaluate("window.__csp")]
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            absolute = urljoin(url + target, href)
            if not absolute.startswith(url + "/") or SKIP.search(urlsplit(absolute).path):
                continue
            parts = urlsplit(absolute)
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return opened, violations


@pytest.mark.parametrize("username", ROLES)
def test_no_page_breaks_the_content_security_policy(server: str, username: str) -> None:
    from playwright.sync_api import sync_playwright

    url = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            context = browser.new_context(locale="vi-VN")
            context.add_init_script(LISTEN)
            page = context.new_page()
            page.set_default_timeout(30_000)
            console: list[str] = []
            page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
            violations: list[str] = []
            page.goto(url + "/login/")
            violations += page.evaluate("window.__csp")
            _login(page, url, username)
            opened, more = _visit_all(page, url)
            violations += more
            assert len(opened) >= (6 if username == "hoa" else 20), opened
            assert not violations and not console, (username, sorted(set(violations)), sorted(set(console))[:5])
            # The listener hears a violation when there is one: an inline style set by a script is refused.
            page.evaluate("document.body.setAttribute('style', 'color: red')")
            page.wait_for_function("window.__csp.length > 0")
            assert any("style-src" in v for v in page.evaluate("window.__csp"))
        finally:
            browser.close()
