"""Hostile use of the public SQL endpoint: the site stays read-only, bounded, escaped and polite.

Everything runs against the real built database with the repository's own settings, metadata, templates
and plugins: Datasette's test client (``etl.publish.serve.datasette_app``) for single requests, a real
server on 127.0.0.1, started as ``make serve`` starts it (``tests/servers.py``), where requests must overlap, and
Debian's Chromium where only a browser can tell whether a script runs.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from chromium import launch_chromium
from playwright.sync_api import sync_playwright
from servers import datasette_arguments, running_server

from etl.publish.serve import (
    datasette_app,
    datasette_settings,
    load_metadata,
    write_inspect_file,
)
from etl.publish.site import DATABASE_NAME

SERVER_START_SECONDS = 30
# The server fixture's own deadline: the server stops by itself even if the test run is killed.
SERVER_LIFETIME_SECONDS = 600
DB = DATABASE_NAME


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sql_path(sql: str, extension: str = ".json") -> str:
    return f"/{DB}{extension}?" + urllib.parse.urlencode({"sql": sql})


@pytest.fixture(scope="module")
def database_sha256(database_path: Path) -> str:
    """The checksum of the served database before any hostile request."""
    return sha256_of(database_path)


@pytest.fixture(scope="module")
def inspect_file(database_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_inspect_file(database_path, tmp_path_factory.mktemp("inspect") / "inspect.json")


@pytest.fixture
def ds(database_path: Path, inspect_file: Path, database_sha256: str):
    """Datasette configured like the public server (the test client)."""
    return datasette_app(database_path, json.loads(inspect_file.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def server(database_path: Path, inspect_file: Path, database_sha256: str, tmp_path_factory) -> Iterator[str]:
    """A real Datasette on 127.0.0.1, started as ``make serve`` starts it; stopped whatever happens."""
    log_path = tmp_path_factory.mktemp("server") / "datasette.log"
    with running_server(
        database_path, inspect_file, log_path, SERVER_LIFETIME_SECONDS, SERVER_START_SECONDS
    ) as base_url:
        yield base_url


# --- writes and escapes ---------------------------------------------------------------------------------

# Each statement would change the database, another file, or the process, if it ran.
WRITES_AND_ESCAPES = {
    "insert": "INSERT INTO participants (participant_id, name, source, is_provisional) VALUES ('x', 'x', 'x', 0)",
    "update": "UPDATE utterances SET text = 'rewritten'",
    "delete": "DELETE FROM editorial_notes",
    "drop": "DROP TABLE documents",
    "create": "CREATE TABLE intruder (x)",
    "attach": "ATTACH DATABASE '{scratch}/attached.db' AS intruder",
    "pragma write": "PRAGMA user_version = 7",
    "pragma writable_schema": "PRAGMA writable_schema = ON",
    "vacuum into": "VACUUM INTO '{scratch}/copy.db'",
    "load_extension": "SELECT load_extension('{scratch}/intruder.so')",
    "insert behind a CTE": "WITH x AS (SELECT 1) INSERT INTO note_types SELECT 'x', 'x', 'archive' FROM x",
    "second statement": "SELECT 1; DELETE FROM documents",
    "replace": "REPLACE INTO dataset_versions (version) VALUES ('9.9.9')",
    "alter": "ALTER TABLE documents ADD COLUMN intruder",
    "reindex": "REINDEX",
    "pragma function with a write": "SELECT * FROM pragma_user_version(7)",
}


@pytest.mark.parametrize("sql", WRITES_AND_ESCAPES.values(), ids=WRITES_AND_ESCAPES.keys())
async def test_the_sql_endpoint_refuses_writes_and_escapes_with_a_readable_400(ds, sql, tmp_path):
    response = await ds.client.get(sql_path(sql.format(scratch=tmp_path)))
    assert response.status_code == 400, response.text[:300]
    body = response.json()
    assert body["ok"] is False
    assert body["error"] and "Traceback" not in body["error"]
    assert list(tmp_path.iterdir()) == [], "the statement made a file"


async def test_the_database_file_is_byte_identical_after_every_hostile_statement(
    ds, database_path, database_sha256, tmp_path
):
    for sql in WRITES_AND_ESCAPES.values():
        await ds.client.get(sql_path(sql.format(scratch=tmp_path)))
    counts = (await ds.client.get(sql_path("select count(*) from documents"))).json()["rows"]
    assert counts == [[3]]
    assert sha256_of(database_path) == database_sha256
    assert list(tmp_path.iterdir()) == []


def test_no_canned_query_is_writable():
    queries = load_metadata()["databases"][DB]["queries"]
    assert queries, "metadata.yml has canned queries"
    for name, query in queries.items():
        assert not query.get("write"), name
        assert re.match(r"\s*(with|select)\b", query["sql"], re.IGNORECASE), name


def test_the_database_is_served_immutable():
    arguments = datasette_arguments(Path("x.db"), 8001)
    assert arguments[arguments.index("--immutable") + 1] == "x.db"


# --- runaway queries ------------------------------------------------------------------------------------

RUNAWAYS = {
    "recursive CTE": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n",
    "huge cross join": "SELECT count(*) FROM seed_spans a, seed_spans b, seed_spans c, seed_spans d, seed_spans e",
}


async def test_runaway_queries_are_cut_off_and_the_server_answers_meanwhile_and_afterwards(server):
    finished: list[str] = []

    async def fetch(client: httpx.AsyncClient, name: str, path: str) -> httpx.Response:
        response = await client.get(path)
        finished.append(name)
        return response

    async with httpx.AsyncClient(base_url=server, timeout=120, follow_redirects=True) as client:
        runaways = {name: asyncio.create_task(fetch(client, name, sql_path(sql))) for name, sql in RUNAWAYS.items()}
        await asyncio.sleep(0.5)  # both runaways are now running on the server
        meanwhile = [
            await fetch(client, "versions", "/-/versions.json"),
            await fetch(client, "table page", f"/{DB}/utterances?_size=5"),
            await fetch(client, "query", sql_path("select count(*) from utterances")),
        ]
        assert [response.status_code for response in meanwhile] == [200, 200, 200]
        assert not any(task.done() for task in runaways.values()), "a runaway ended before the other requests"
        for name, task in runaways.items():
            response = await task
            assert response.status_code == 400, (name, response.text[:300])
            error = response.json()["error"]
            assert "SQL query took too long" in error
            assert "sql_time_limit_ms" in error
        assert finished[:3] == ["versions", "table page", "query"]
        afterwards = await client.get(f"/{DB}/utterances.json?_size=5&_shape=array")
        assert afterwards.status_code == 200
        assert len(afterwards.json()) == 5


def test_the_time_limit_is_set_in_the_repository_settings():
    settings = datasette_settings()
    assert 0 < settings["sql_time_limit_ms"] <= 10_000
    assert 0 < settings["facet_time_limit_ms"] <= settings["sql_time_limit_ms"]


async def test_a_query_cannot_make_a_value_large_enough_to_exhaust_memory(ds):
    # select zeroblob(1000000000) took about 19 GB of the server's memory before the limit (JSON encoding).
    huge = await ds.client.get(sql_path("select length(zeroblob(200000000))"))
    assert huge.status_code == 400
    assert "too big" in huge.json()["error"]
    doubling = "WITH RECURSIVE s(x) AS (SELECT 'ab' UNION ALL SELECT x || x FROM s) SELECT max(length(x)) FROM s"
    response = await ds.client.get(sql_path(doubling))
    assert response.status_code == 400
    assert "too big" in response.json()["error"]
    longest = await ds.client.get(sql_path("select max(length(text)) from seed_spans"))
    assert longest.status_code == 200, "the dataset's own values are well within the limit"


# --- script in results -------------------------------------------------------------------------------

SCRIPT = "<script>window.__hostile = 'script'; alert('script')</script>"
IMAGE = "<img src=x onerror=\"window.__hostile = 'img'; alert('img')\">"
SVG = "<svg onload=\"window.__hostile = 'svg'; alert('svg')\"></svg>"

ESCAPED_PAGES = {
    # page: (path, markup shown as the page's text, markup shown as the value of a form field)
    # A query selecting markup: a plain column, a column the site links (utterance_id), and the column
    # the site highlights (in_context, keyword in context).
    "query result": (
        sql_path(f"select '{SCRIPT}' as plain, '{IMAGE}' as utterance_id, '**{SVG}**' as in_context", ""),
        [SCRIPT, IMAGE, SVG],
        {},
    ),
    "table search": (f"/{DB}/utterances?" + urllib.parse.urlencode({"_search": SCRIPT}), [SCRIPT], {"_search": SCRIPT}),
    "table filter": (f"/{DB}/utterances?" + urllib.parse.urlencode({"text__contains": IMAGE}), [IMAGE], {}),
    "canned query parameter": (f"/{DB}/keyword_in_context?" + urllib.parse.urlencode({"term": SVG}), [], {"term": SVG}),
}


@pytest.fixture
def page(server):
    # One browser per test: Playwright's sync API holds an event loop while it runs, which the async tests
    # of this module must not meet.
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser.new_page()
        finally:
            browser.close()


@pytest.mark.parametrize("path, shown, fields", ESCAPED_PAGES.values(), ids=ESCAPED_PAGES.keys())
def test_markup_in_queries_and_results_renders_as_text_and_never_runs_in_a_browser(server, page, path, shown, fields):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    response = page.goto(server + path, wait_until="load")
    assert response is not None and response.status < 500
    page.wait_for_timeout(300)  # let an onerror or onload handler fire, if one were there
    assert page.evaluate("window.__hostile") is None
    assert dialogs == []
    text = page.locator("body").inner_text()
    for markup in shown:
        assert markup in text, f"{markup!r} is not shown as text"
    for name, markup in fields.items():
        assert page.locator(f"input[name={name}]").first.input_value() == markup
    assert (
        page.locator("body script:not([src])").evaluate_all(
            "scripts => scripts.filter(s => s.textContent.includes('__hostile')).length"
        )
        == 0
    )


# --- malformed parameters ----------------------------------------------------------------------------

MALFORMED = {
    "_size huge": f"/{DB}/utterances.json?_size=100000000",
    "_size negative": f"/{DB}/utterances.json?_size=-5",
    "_size not a number": f"/{DB}/utterances.json?_size=lots",
    "_facet unknown column": f"/{DB}/utterances.json?_facet=no_such_column",
    "_facet unknown column (page)": f"/{DB}/utterances?_facet=no_such_column",
    "_facet_array unknown column": f"/{DB}/utterances.json?_facet_array=no_such_column",
    "_sort unknown column": f"/{DB}/utterances.json?_sort=no_such_column",
    "_sort unknown column (page)": f"/{DB}/utterances?_sort=no_such_column",
    "_sort_desc unknown column": f"/{DB}/utterances.json?_sort_desc=no_such_column",
    "_sort and _sort_desc": f"/{DB}/utterances.json?_sort=seq&_sort_desc=seq",
    "_sort by rank without search": f"/{DB}/utterances.json?_sort=rank",
    "_col unknown column": f"/{DB}/utterances.json?_col=no_such_column",
    "_search broken FTS (raw mode)": f"/{DB}/utterances.json?_searchmode=raw&_search="
    + urllib.parse.quote('"inspection AND ('),
    "_search on an FTS table, broken": f"/{DB}/utterances_fts.json?_search=" + urllib.parse.quote('"'),
    "_where broken": f"/{DB}/utterances.json?_where=" + urllib.parse.quote("seq ="),
    "_through not JSON": f"/{DB}/documents.json?_through=" + urllib.parse.quote("{not json"),
    "_through without keys": f"/{DB}/documents.json?_through=" + urllib.parse.quote('{"a": 1}'),
    "_through to nowhere": f"/{DB}/documents.json?_through="
    + urllib.parse.quote('{"table": "note_types", "column": "x", "value": "1"}'),
    "__in not JSON": f"/{DB}/utterances.json?seq__in=" + urllib.parse.quote("[1,"),
    "_timelimit not a number": f"/{DB}/utterances.json?_timelimit=soon",
    "_shape unknown": f"/{DB}/utterances.json?_shape=blob",
    "unknown table": f"/{DB}/no_such_table.json",
    "unknown row": f"/{DB}/utterances/no-such-utterance.json",
    "unknown database": "/no_such_database.json",
}


@pytest.mark.parametrize("path", MALFORMED.values(), ids=MALFORMED.keys())
async def test_malformed_parameters_give_a_4xx_with_a_readable_message_never_a_500(ds, path):
    response = await ds.client.get(path)
    assert 400 <= response.status_code < 500, response.text[:300]
    if path.split("?")[0].endswith(".json"):
        message = response.json()["error"]
    else:
        message = re.sub(r"<[^>]+>", " ", response.text.split("<body", 1)[1])
    assert message.strip() and "Traceback" not in message and len(message) < 5_000


@pytest.mark.parametrize(
    "path",
    [
        f"/{DB}/utterances.json?_search=" + urllib.parse.quote('"inspection AND ('),
        f"/{DB}/search_talks.json?search=" + urllib.parse.quote('"inspection AND ('),
    ],
    ids=["_search with broken FTS syntax", "canned search with broken FTS syntax"],
)
async def test_broken_searches_are_taken_literally_and_answered(ds, path):
    # Datasette escapes _search (and the canned searches use escape_fts), so FTS operators and quotes are
    # words to find, not syntax that can fail.
    response = await ds.client.get(path)
    assert response.status_code == 200, response.text[:300]
    assert isinstance(response.json()["rows"], list)


@pytest.mark.parametrize(
    "path",
    [
        f"/{DB}/utterances.json?_search=" + urllib.parse.quote("inspection " * 200),
        f"/{DB}/search_talks.json?search=" + urllib.parse.quote("inspection " * 200),
    ],
    ids=["very long _search", "very long canned search"],
)
async def test_very_long_searches_are_refused_in_words_before_any_work(ds, path):
    response = await ds.client.get(path)
    assert response.status_code == 400
    assert response.json()["error"].startswith("This search is too large to answer: the search is 2200 characters long")


async def test_broken_fts_syntax_in_a_canned_search_still_finds_the_words(ds):
    response = await ds.client.get(f"/{DB}/search_talks.json?_shape=array&search=" + urllib.parse.quote('inspection"'))
    assert response.status_code == 200
    assert response.json(), "escape_fts takes the quote literally and still finds 'inspection'"


@pytest.mark.parametrize(
    "path",
    [
        f"/{DB}/utterances?_sort=no_such_column",
        "/no_such_page",
        f"/{DB}/utterances?_size=lots",
        "/record/1999-01-01-nothing",
    ],
)
async def test_an_error_page_says_what_went_wrong_with_the_sites_layout_and_no_internals(ds, path):
    response = await ds.client.get(path)
    assert 400 <= response.status_code < 500
    page = response.text
    assert '<form class="header-search"' in page and 'href="/edition.css' in page  # the site's header and styles
    assert "Traceback" not in page and "select " not in page.lower()
    assert re.search(r"<h1>[^<]+</h1>", page), "a heading in plain words"


async def test_a_server_failure_shows_the_reader_no_internals_and_logs_the_traceback(ds, caplog):
    from etl.site.bad_requests import SERVER_FAILURE, error_status_and_message

    status, message = error_status_and_message({}, RuntimeError("select secret from sqlite_master"))
    assert (status, message) == (500, SERVER_FAILURE) and "sqlite_master" not in message
