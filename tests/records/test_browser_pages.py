"""Everyday pages in headless Chromium against ``hoptac serve --demo`` (issue 13), each on a phone (390×844) and a
desktop (1366×900), with a screenshot of each (in the test's temporary folder, or in $HOPTAC_SCREENSHOTS):
the reporter's home page, the report form on a phone, the partner page and the relationship graph."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.browser import ARGS, CHROMIUM, require_chromium, served

pytestmark = pytest.mark.browser

PASSWORD = "hoptac-demo"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: Any) -> Iterator[str]:
    require_chromium()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "HOPTAC_DATABASE_URL"}
    env["HOPTAC_DATA_DIR"] = str(tmp_path_factory.mktemp("served-demo"))
    env["HOPTAC_SECRET_KEY"] = "browser-test-secret-key-0123456789abcdefghij"
    with served(env, "--demo", "--workers", "2") as url:
        yield url


@pytest.fixture(scope="module")
def browser(demo: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def _page(browser: Any, url: str, user: str, size: str) -> Any:
    phone = size == "phone"
    context = browser.new_context(locale="vi-VN", viewport=SIZES[size], is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url + "/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
    return page


def _shot(page: Any, tmp_path: Path, name: str) -> Path:
    """The viewport's screenshot; copied to $HOPTAC_SCREENSHOTS when set, to be looked at."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path))
    assert path.read_bytes().startswith(b"\x89PNG")
    if folder := os.environ.get("HOPTAC_SCREENSHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / path.name)
    return path


def _fits(page: Any) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url}: {width[0]} px wide on a {width[1]} px screen"


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_reporter_home(browser: Any, demo: str, tmp_path: Path, size: str) -> None:
    page = _page(browser, demo, "songoaivu", size)
    assert page.inner_text("h1") == "Việc của Sở Ngoại vụ"
    button = page.locator("a#yearly-report")
    assert button.count() == 1 and re.fullmatch(r"Báo cáo năm \d{4}", button.inner_text().strip())
    leads = page.locator("#owed-lead li a")
    supports = page.locator("#owed-support li a")
    assert leads.count() > 0 and supports.count() > 0
    # soonest first within each list
    dues = [
        tuple(reversed(m.groups())) for m in re.finditer(r"hạn (\d\d)/(\d\d)/(\d{4})", page.inner_text("#owed-lead"))
    ]
    assert dues == sorted(dues), dues
    # no other agencies' progress: the office's progress tables are not there
    assert page.locator("#by-agency").count() == 0 and "Tiến độ theo cơ quan" not in page.content()
    _fits(page)
    _shot(page, tmp_path, f"reporter-home-{size}")
    button.click()
    page.wait_for_load_state()
    assert "/cycle/" in page.url and page.locator("h1").count() == 1
    page.context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_report_form(browser: Any, demo: str, tmp_path: Path, size: str) -> None:
    page = _page(browser, demo, "songoaivu", size)
    page.locator("#owed-lead li a").first.click()
    page.wait_for_selector("select[name=occurrence]")
    options = [o.strip() for o in page.locator("select[name=occurrence] option").all_inner_texts()]
    assert options and all(re.match(r"Năm \d{4} · hạn \d\d/\d\d/\d{4}", o) for o in options), options
    chosen = page.locator("select[name=occurrence] option:checked").inner_text()
    years = [int(o[4:8]) for o in options]
    this_year = date.today().year  # all of the demo's periods are open: this year's, else the latest before it
    expected = this_year if this_year in years else max([y for y in years if y < this_year] or years)
    assert int(chosen[4:8]) == expected, (chosen, options)
    cards = page.inner_text("table.periods")
    assert not re.search(r"(^|\t|\n)(0|—)(\t|\n|$)", cards), cards
    # on a phone the field headings sit inside the form's box, apart from its border
    box = page.locator("form.card").bounding_box()
    for label in page.locator("form.card label").all()[:4]:
        lb = label.bounding_box()
        assert lb["x"] >= box["x"] + 4 and lb["y"] >= box["y"] + 4, (lb, box)
    select = page.locator("select[name=occurrence]").bounding_box()
    assert select["x"] + select["width"] <= SIZES[size]["width"]
    _fits(page)
    page.locator("form.card").scroll_into_view_if_needed()
    _shot(page, tmp_path, f"report-form-{size}")
    page.context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_partner_page(browser: Any, demo: str, tmp_path: Path, size: str) -> None:
    page = _page(browser, demo, "canbo", size)
    page.goto(demo + "/partners/")
    page.locator("a", has_text="huyện Ma Lì Pha").first.click()
    page.wait_for_selector("#native-name")
    names = page.inner_text("#native-name")
    assert "麻栗坡" in names and "Malipo" in names
    assert page.locator("#progress").count() == 1 and page.locator("#calendar-link").count() == 1
    _fits(page)
    _shot(page, tmp_path, f"partner-{size}")
    # an event with the partner, from its page
    title = f"Trao đổi đoàn văn nghệ ({size})"
    page.fill("#add-event input[name=title]", title)
    page.fill("#add-event input[name=date]", "15/03/2026")
    page.click("#add-event button")
    page.wait_for_selector("text=Đã ghi sự kiện")
    assert title in page.inner_text("ol.timeline") and "15/03/2026" in page.inner_text("ol.timeline")
    page.goto(demo + "/partners/")
    page.locator("a", has_text="tỉnh Xay Sôm Bun").first.click()
    assert "%" in page.inner_text("#progress")
    page.context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_graph(browser: Any, demo: str, tmp_path: Path, size: str) -> None:
    page = _page(browser, demo, "canbo", size)
    page.goto(demo + "/graph/")
    if size == "phone":  # the list first; the graph one tap away
        assert page.locator("#graph-list").is_visible() and not page.locator("#graph-box").is_visible()
        row = page.locator("#graph-list li", has_text="huyện Vị Xuyên").first
        assert "huyện Ma Lì Pha" in row.inner_text()
        _fits(page)
        _shot(page, tmp_path, "graph-list-phone")
        page.click("#show-graph")
    page.wait_for_function("window.hoptacGraph && window.hoptacGraph.nodes().length > 0")
    # Cytoscape came from our own static files
    assert page.evaluate("typeof cytoscape") == "function"
    linked = page.evaluate(
        """() => { const cy = window.hoptacGraph;
        const a = cy.nodes().filter(n => n.data('label') === 'huyện Vị Xuyên');
        const b = cy.nodes().filter(n => n.data('label') === 'huyện Ma Lì Pha');
        return a.length === 1 && b.length === 1 && a.edgesWith(b).length === 1; }"""
    )
    assert linked, "Vị Xuyên and Malypho are not connected"
    # labels wrap at spaces, never inside a word: every node's label is whole words of its name
    assert page.evaluate(
        "window.hoptacGraph.nodes().every(n => n.style('text-wrap') === 'wrap' && !/\\S…$/.test(n.data('label')))"
    )
    zoom = page.evaluate("window.hoptacGraph.zoom()")
    page.click("#zoom-in")
    assert page.evaluate("window.hoptacGraph.zoom()") > zoom
    page.click("#zoom-fit")
    _fits(page)
    _shot(page, tmp_path, f"graph-{size}")
    page.context.close()
