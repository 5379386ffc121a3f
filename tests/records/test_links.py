"""Every link a role is shown works for that role (issue 13): each demo user's pages are followed two levels
deep from the home page, and none answers 403, 404 or 500. On the demo's data (the five samples, sample
progress, one user per role), on the run's real database."""

from __future__ import annotations

import io
import re
from html import unescape
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

HREF = re.compile(r'<a\s[^>]*href="([^"]+)"')
# not pages: language, logout and the calendars' secret addresses (tests/cycle/test_ical.py covers those)
SKIP = re.compile(r"^/(static/|i18n/|logout/|cycle/ical/|api/)")
PER_LEVEL = 400


def links(html: str) -> list[str]:
    out = []
    for raw in HREF.findall(html):
        url = urldefrag(unescape(raw))[0]
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not url.startswith("/") or SKIP.match(url):
            continue
        out.append(url)
    return out


@pytest.fixture
def demo(db: Any) -> Any:
    from hoptac.records import demo as demo_data

    return demo_data.load(io.StringIO())


@pytest.mark.parametrize("username", ["quantri", "canbo", "songoaivu", "sovanhoa", "xem"])
def test_every_link_shown_works(demo: Any, username: str) -> None:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    seen: dict[str, int] = {}
    broken: list[str] = []
    level = ["/"]
    for depth in range(3):  # the home page, the links on it, the links on those
        following: list[str] = []
        for url in level[:PER_LEVEL]:
            if url in seen:
                continue
            response = client.get(url)
            seen[url] = response.status_code
            if response.status_code in (403, 404, 500):
                broken.append(f"{url} → {response.status_code}")
                continue
            if depth < 2 and response.get("Content-Type", "").startswith("text/html"):
                body = response.content.decode()
                following += [u for u in links(body) if u not in seen and u not in following]
        level = following
    assert not broken, f"{username}: " + "; ".join(broken[:20])
    assert len(seen) > 10, seen
