"""The site in a real browser: Debian's Chromium, driven by Playwright, against a real ``datasette serve``.

The server is started the way ``make serve`` starts it (``tests/servers.py``), on a free port
of 127.0.0.1, and is always stopped. Each step saves a screenshot under build/screenshots/.
"""

from __future__ import annotations

import csv
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from playwright.sync_api import Page, expect
from servers import site_server

from etl.publish.facts import load_dataset_facts
from etl.publish.site import DATABASE_NAME

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO / "build" / "screenshots"
# The server's own deadline: it stops by itself even if the test run is killed.
SERVER_LIFETIME_SECONDS = 600
STEP_TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def server(database_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Datasette on 127.0.0.1 with the repository's settings; stopped whatever happens."""
    with site_server(database_path, tmp_path_factory.mktemp("server"), SERVER_LIFETIME_SECONDS) as base_url:
        yield base_url


def screenshot(page: Page, name: str, full_page: bool = True) -> None:
    """Save what the reader sees: the whole page, or only the first screen of pages with many long rows."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def test_home_page_introduces_the_dataset_and_its_version(server, page):
    facts = load_dataset_facts()
    page.goto(server)
    expect(page.locator("h1")).to_have_text(facts["title"])
    expect(page.locator("footer")).to_contain_text(f"version {facts['version']}")
    expect(page.get_by_role("link", name=DATABASE_NAME, exact=True)).to_be_visible()
    screenshot(page, "01-home")


def test_clicking_a_speaker_facet_keeps_only_that_speakers_turns(server, page, db: sqlite_utils.Database):
    page.goto(f"{server}/{DATABASE_NAME}/utterances")
    facet = page.locator('.facet-info[data-column="participant_id"] li a').first
    speaker = facet.inner_text().strip()
    facet.click()
    page.wait_for_url("**participant_id=*")
    participant_id = page.url.split("participant_id=", 1)[1].split("&", 1)[0]
    expected = db.execute("select count(*) from utterances where participant_id = ?", [participant_id]).fetchone()[0]
    name = db.execute("select name from participants where participant_id = ?", [participant_id]).fetchone()[0]
    assert speaker == name
    expect(page.locator("h3").first).to_contain_text(f"{expected} row")
    screenshot(page, "02-utterances-facet", full_page=False)


def test_searching_the_talks_finds_the_turns_about_inspection(server, page, db: sqlite_utils.Database):
    page.goto(f"{server}/{DATABASE_NAME}/utterances")
    page.fill('input[name="_search"]', "inspection")
    page.locator('input[name="_search"]').press("Enter")
    page.wait_for_url("**_search=inspection*")
    rows = page.locator("table.rows-and-columns tbody tr")
    expect(rows.first).to_contain_text("inspection")
    assert rows.count() > 0
    for index in range(rows.count()):
        assert "inspection" in rows.nth(index).locator("td.col-text").inner_text().lower()
    page.locator("table.rows-and-columns").scroll_into_view_if_needed()
    screenshot(page, "03-search-inspection", full_page=False)


def test_canned_query_opens_with_a_ready_made_bar_chart(server, page):
    page.goto(f"{server}/{DATABASE_NAME}")
    chart_query = "Words and turns per participant, per record and kind of turn (with a bar chart)"
    page.get_by_role("link", name=chart_query).click()
    page.wait_for_url("**/words_per_participant#g.mark=bar*")
    chart = page.locator("canvas.marks, svg.marks")
    expect(chart.first).to_be_visible()
    box = chart.first.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100
    expect(page.locator('input[name="mark"][value="bar"]')).to_be_checked()
    screenshot(page, "04-chart-words-per-participant")


def test_row_page_shows_the_whole_turn_and_how_to_cite_it(server, page, db: sqlite_utils.Database):
    utterance_id, text, citation_document = db.execute(
        "select utterance_id, text, document_id from utterances order by length(text) desc limit 1"
    ).fetchone()
    title = db.execute("select title from documents where document_id = ?", [citation_document]).fetchone()[0]
    page.goto(f"{server}/{DATABASE_NAME}/utterances/{utterance_id}")
    cite = page.locator("section.cite-this")
    expect(cite).to_be_visible()
    cite_text = cite.inner_text()
    assert f"version {load_dataset_facts()['version']}" in cite_text
    # The published address, never the address of the server the page came from, which says it is a copy.
    assert f"{load_dataset_facts()['homepage']}/{DATABASE_NAME}/utterances/{utterance_id}/" in cite_text
    assert server not in cite.locator(".cite-text:visible").inner_text()
    expect(cite.locator(".cite-local-copy")).to_contain_text("copy")
    assert title in cite_text
    shown = page.locator("table.row-fields td.col-text").inner_text()
    assert " ".join(shown.split()) == " ".join(text.split())
    screenshot(page, "05-row-citation")


def test_csv_download_holds_every_turn(server, page, db: sqlite_utils.Database, tmp_path: Path):
    page.goto(f"{server}/{DATABASE_NAME}/utterances")
    export = page.locator("#export form")
    export.locator('input[name="_dl"]').check()
    stream = export.locator('input[name="_stream"]')
    if stream.count():
        stream.check()
    with page.expect_download() as download_info:
        export.locator('input[type="submit"]').click()
    saved = tmp_path / "utterances.csv"
    download_info.value.save_as(saved)
    with saved.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == db["utterances"].count
    assert {row["utterance_id"] for row in rows} == {r[0] for r in db.execute("select utterance_id from utterances")}
    page.locator("#export").scroll_into_view_if_needed()
    screenshot(page, "06-csv-export", full_page=False)


def test_server_answers_scripts_from_other_origins(server):
    request = urllib.request.Request(
        f"{server}/{DATABASE_NAME}/documents.json?_shape=array", headers={"Origin": "https://observablehq.com"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize(
    "path, status",
    [
        ("/no/such/page", 404),
        (f"/{DATABASE_NAME}/utterances?_sort=no_such_column", 400),
        ("/search?q=" + "a+OR+" * 40 + "a", 400),
    ],
    ids=["404", "400 bad parameter", "400 oversized search"],
)
def test_an_error_page_keeps_the_sites_header_and_reads_at_every_width(server, browser, width, path, status):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        response = page.goto(server + path)
        assert response.status == status
        expect(page.locator("header form.header-search")).to_be_visible()
        expect(page.locator("h1")).to_be_visible()
        assert page.locator("h1").inner_text().strip() and "Traceback" not in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "nothing wider than the screen"
        screenshot(page, f"20-error-{status}-{width}", full_page=False)
    finally:
        context.close()
