"""Every kind of page, served by a real server and read in Chromium at 1280 and 390 px, has no axe-core violation
of impact serious or critical (target size included); and what Lighthouse audits that is not a timing holds:
the page's language, a description, labels, 24 px targets for the links of tables and turns, compressed
responses, long cache lifetimes of static files, and the charting library only where a chart is drawn.

axe-core is the npm package pinned in package.json (``make tools``); without it these tests fail saying so.
Writes the screenshots of the fixed phone pages and a record printed to PDF under build/screenshots/."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from conftest import STEP_TIMEOUT_MS
from playwright.sync_api import Browser, Page
from servers import site_server

REPO = Path(__file__).resolve().parent.parent
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "build" / "screenshots"
WIDTHS = (1280, 390)
CHARTING_LIBRARY = "/-/static-plugins/datasette_vega/"

# Each kind of page of the site, by an address a reader would follow.
PAGES = {
    "home": "/",
    "record": "/record/1962-11-05-memorandum",
    "person": "/person/guevara",
    "people": "/people",
    "method": "/method",
    "search": "/search?q=inspection",
    "table with facets": "/havana-1962/turns?_facet=speaker_name&_facet=document_id",
    "row": "/havana-1962/utterances/1962-11-05-memorandum-u057",
    "ready-made query": "/havana-1962/words_per_participant",
    "SQL": "/havana-1962?sql=select+speaker_name%2C+count(*)+as+turns+from+turns+group+by+speaker_name",
    "error": "/havana-1962/no_such_table",
}
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}


def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"axe-core is not installed ({AXE.relative_to(REPO)} is missing): run `make tools`", pytrace=False)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def base_url(database_path: Path, tmp_path_factory: pytest.TempPathFactory):
    with site_server(database_path, tmp_path_factory.mktemp("accessibility"), lifetime_seconds=300) as url:
        yield url


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_source()


def open_page(browser: Browser, url: str, width: int) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    page.goto(url, wait_until="load")
    return page


def serious_violations(page: Page, axe: str) -> list[str]:
    page.add_script_tag(content=axe)
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} {node['failureSummary']}"
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_serious_axe_violation_on_any_kind_of_page(browser: Browser, base_url: str, axe: str, width: int):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found = {}
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        for name, path in PAGES.items():
            response = page.goto(base_url + path, wait_until="load")
            assert (response.status >= 400) == (name == "error"), f"{name}: {response.status}"
            if name == "ready-made query":
                page.wait_for_selector("figure.bar-chart .bar-chart-bars")
            violations = serious_violations(page, axe)
            if violations:
                found[name] = violations
            facts = page.evaluate(
                """() => ({
                  lang: document.documentElement.lang,
                  description: (document.querySelector('meta[name=description]') || {}).content || '',
                  unlabelled: [...document.querySelectorAll(
                      'input:not([type=hidden]):not([type=submit]), select, textarea')]
                    .filter(el => el.offsetParent !== null && !(el.labels && el.labels.length)
                                  && !el.getAttribute('aria-label'))
                    .map(el => el.outerHTML.slice(0, 120)),
                  small: [...document.querySelectorAll('table a, .turn-links a, sup.fn-ref a, a.note-row, a.back')]
                    .filter(a => a.offsetParent !== null)
                    .map(a => [a.outerHTML.slice(0, 100), a.getBoundingClientRect()])
                    .filter(([html, box]) => box.width < 24 || box.height < 24)
                    .map(([html, box]) => `${html} ${box.width}x${box.height}`),
                })"""
            )
            assert facts["lang"] == "en", name
            assert facts["description"].strip(), f"{name}: no meta description"
            assert facts["unlabelled"] == [], f"{name}: form controls without a label"
            assert facts["small"] == [], f"{name}: link targets smaller than 24 x 24 px"
            if width == 390 and name in ("record", "search", "person", "table with facets", "ready-made query"):
                page.screenshot(path=str(SCREENSHOTS / f"phone-{name.replace(' ', '-')}.png"), full_page=False)
    finally:
        context.close()
    assert found == {}, json.dumps(found, indent=1)


def test_charting_library_only_where_a_chart_is_drawn_or_asked_for(browser: Browser, base_url: str):
    record = open_page(browser, base_url + PAGES["record"], 1280)
    try:
        assert CHARTING_LIBRARY not in record.content()
        assert not any(CHARTING_LIBRARY in url for url in record.evaluate("performance.getEntries().map(e => e.name)"))
    finally:
        record.context.close()
    query = open_page(browser, base_url + PAGES["ready-made query"], 1280)
    try:
        entries = "performance.getEntries().map(e => e.name)"
        # The site draws the query's chart itself: no library, and the chart is there with the page.
        assert not any(CHARTING_LIBRARY in url for url in query.evaluate(entries))
        rows = query.locator("table.rows-and-columns tbody tr").count()
        assert query.locator("figure.bar-chart .bar-chart-bar").count() == rows > 0
        box = query.locator("figure.bar-chart .bar-chart-bars").bounding_box()
        assert box and box["width"] >= 600, "wide enough to read"
        # Records told apart by colour and in words: the legend and every bar name the record.
        legend = query.locator(".bar-chart-legend li").all_inner_texts()
        records = ("1962-11-03-notes", "1962-11-04-telegram", "1962-11-05-memorandum")
        assert sorted(legend) == [f"record {record}" for record in records]
        fills = query.evaluate(
            "[...document.querySelectorAll('.bar-chart-bar')].map(bar => getComputedStyle(bar).backgroundColor)"
        )
        assert len(set(fills)) == 3
        values = query.locator(".bar-chart-value").all_inner_texts()
        assert len(values) == rows and all(value.split(" · ")[1] in records for value in values)
        assert "The table below gives the same numbers" in query.locator("figure.bar-chart figcaption").inner_text()
        query.get_by_role("button", name="Show charting options").click()
        query.wait_for_selector(".vega-embed")
        assert any(CHARTING_LIBRARY in url and url.endswith(".js") for url in query.evaluate(entries))
    finally:
        query.context.close()
    table = open_page(browser, base_url + "/havana-1962/turns", 1280)
    try:
        entries = "performance.getEntries().map(e => e.name)"
        assert not any(CHARTING_LIBRARY in url for url in table.evaluate(entries))
        table.get_by_role("button", name="Show charting options").click()
        table.wait_for_selector(".vega-embed")
        assert any(CHARTING_LIBRARY in url for url in table.evaluate(entries))
    finally:
        table.context.close()


@pytest.mark.parametrize("path", ["/", PAGES["record"], "/havana-1962/turns"])
def test_pages_are_compressed(base_url: str, path: str):
    request = urllib.request.Request(base_url + path, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Encoding"] == "gzip"


def test_static_files_are_compressed_and_cached_for_a_year(browser: Browser, base_url: str):
    page = open_page(browser, base_url + PAGES["ready-made query"], 1280)
    try:
        page.get_by_role("button", name="Show charting options").click()  # the charting library too
        page.wait_for_selector(".vega-embed")
        assets = page.evaluate(
            "[...document.querySelectorAll('link[rel=stylesheet], script[src]')].map(e => e.href || e.src)"
        )
    finally:
        page.context.close()
    assert any(CHARTING_LIBRARY in url for url in assets) and any("edition.css" in url for url in assets)
    for url in assets:
        request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.headers["Content-Encoding"] == "gzip", url
            assert "max-age=31536000" in response.headers["Cache-Control"], url


def test_a_record_prints_as_a_document(browser: Browser, base_url: str):
    page = open_page(browser, base_url + PAGES["record"], 1280)
    try:
        page.emulate_media(media="print")
        hidden = page.evaluate(
            """() => ['header', 'footer', 'form.header-search', '.edition-nav'].map(s => document.querySelector(s))
                 .filter(Boolean).map(e => getComputedStyle(e).display)"""
        )
        assert set(hidden) == {"none"}
        assert page.locator(".footnotes").is_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pdf = page.pdf(path=str(SCREENSHOTS / "record-printed.pdf"), format="A4", print_background=False)
        assert pdf.startswith(b"%PDF")
    finally:
        page.context.close()
