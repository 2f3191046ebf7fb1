"""Finding and citing in a real browser: Debian's Chromium, driven by Playwright, against a real
``datasette serve`` started as ``make serve`` starts it (on a free port of 127.0.0.1, stopped whatever happens).
Screenshots go to build/screenshots/.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
from playwright.sync_api import Page, expect
from servers import site_server
from test_citations import GOOGLE_DATASET_SHAPE, TURN

from etl.publish.facts import load_dataset_facts
from etl.publish.site import DATABASE_NAME

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO / "build" / "screenshots"
SERVER_LIFETIME_SECONDS = 300  # the server's own deadline, even if the test run is killed
STEP_TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def server(database_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with site_server(database_path, tmp_path_factory.mktemp("find-cite-server"), SERVER_LIFETIME_SECONDS) as base_url:
        yield base_url


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def test_the_header_search_box_finds_guevaras_turn_from_inspect_with_the_word_highlighted(server, page):
    page.goto(f"{server}/{DATABASE_NAME}/documents")
    box = page.locator("header form.header-search input[name=q]")
    box.fill("inspect")
    box.press("Enter")
    page.wait_for_url("**/search?q=inspect")
    result = page.locator(f'li.search-result[data-row-id="{TURN}"]')
    expect(result).to_contain_text("Ernesto Guevara")
    expect(result).to_contain_text("turn 57 of 69")
    expect(result.locator("mark").first).to_have_text("inspections")
    expect(result.locator("a.search-place")).to_have_attribute("href", "/record/1962-11-05-memorandum#u057")
    screenshot(page, "10-search-inspect")
    result.locator("a.search-row").click()
    page.wait_for_url(f"**/utterances/{TURN}")
    expect(page.locator("section.cite-this .cite-text:visible")).to_contain_text("turn 57 of 69")


def test_the_site_search_lists_turns_and_notes_together(server, page):
    page.goto(f"{server}/search?q=article")
    expect(page.locator("li.search-result-turn").first).to_be_visible()
    expect(page.locator("li.search-result-note").first).to_be_visible()
    page.goto(f"{server}/search?q=OR+Turkey")
    expect(page.locator("p.search-error")).to_contain_text("OR needs a word or a phrase on each side")


def test_a_ready_made_query_opens_on_its_choices_and_one_click_reads_a_record(server, page):
    page.goto(f"{server}/{DATABASE_NAME}/read_record")
    assert "select" not in page.title().lower()
    choices = page.locator('section.parameter-choices[data-parameter="document_id"] a')
    expect(choices).to_have_count(3)
    expect(page.locator(".message-error")).to_have_count(0)
    screenshot(page, "11-read-record-choices")
    choices.filter(has_text="1962-11-05").click()
    expect(page.locator("table.rows-and-columns tbody tr").first).to_be_visible()
    assert page.locator("table.rows-and-columns tbody tr").count() > 69


def test_a_person_typed_by_name_opens_their_turns(server, page):
    page.goto(f"{server}/{DATABASE_NAME}/participant_turns")
    page.locator('input[name="participant_id"]').fill("Ernesto Guevara")
    page.locator('form.sql input[type="submit"]').click()
    expect(page.locator("td.col-utterance_id", has_text=TURN)).to_be_visible()


def test_the_bibtex_of_a_turn_downloads_and_parses(server, page, tmp_path):
    page.goto(f"{server}/{DATABASE_NAME}/utterances/{TURN}")
    with page.expect_download() as download_info:
        page.locator("a.cite-download.cite-bib").click()
    path = tmp_path / "turn.bib"
    download_info.value.save_as(path)
    (entry,) = bibtexparser.parse_string(path.read_text(encoding="utf-8")).entries
    facts = load_dataset_facts()
    assert entry["url"] == f"{facts['homepage']}/{DATABASE_NAME}/utterances/{TURN}/"
    page.locator('details.cite-format[data-format="ris"] summary').click()
    expect(page.locator("#cite-ris-text")).to_contain_text("AU  - Guevara, Ernesto")
    screenshot(page, "12-turn-citation-formats")


def test_the_home_page_carries_the_datasets_json_ld(server, page):
    page.goto(server)
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    jsonschema.validate(data, GOOGLE_DATASET_SHAPE)
    expect(page.locator("section.cite-this .cite-text:visible")).to_contain_text(
        re.compile(f"version {load_dataset_facts()['version']}", re.IGNORECASE)
    )
