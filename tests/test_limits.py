"""Every request is bounded before it costs the server anything: a request that could outrun the time limit
is answered at once, in words, with the right status; SQLite's own limits hold on every connection."""

from __future__ import annotations

import urllib.parse

import pytest

from etl.publish.site import DATABASE_NAME
from etl.site.limits import MAX_PARAMETERS, MAX_SEARCH_TERMS, MAX_URL_BYTES, search_problem

DB = f"/{DATABASE_NAME}"


def quoted(text: str) -> str:
    return urllib.parse.quote(text)


@pytest.mark.parametrize(
    "sql, words",
    [
        ("select length(printf('%.*c', 2000000000, 'x'))", "printf() is not available"),
        ("select length(format('%.*c', 2000000000, 'x'))", "format() is not available"),
        ("select fts3_tokenizer('simple')", "fts3_tokenizer() is not available"),
        ("select length(zeroblob(1000000000))", "string or blob too big"),
    ],
)
async def test_sql_that_would_outrun_the_time_limit_or_leak_memory_is_refused_in_words(ds, sql, words):
    response = await ds.client.get(f"{DB}.json?sql={quoted(sql)}")
    assert response.status_code == 400
    assert words in response.json()["error"]


async def test_sqlites_limits_hold_on_every_connection_and_ordinary_sql_still_runs(ds):
    fine = await ds.client.get(f"{DB}.json?sql={quoted('select count(*) as turns from utterances')}&_shape=array")
    assert fine.status_code == 200 and fine.json() == [{"turns": 82}]
    deep = "select " + "(" * 150 + "1" + ")" * 150
    response = await ds.client.get(f"{DB}.json?sql={quoted(deep)}")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path, status, words",
    [
        ("/?" + "&".join(f"p{n}=1" for n in range(2 * MAX_PARAMETERS)), 400, f"more than {MAX_PARAMETERS} parameters"),
        (f"{DB}/utterances?" + "&".join(["_facet=mode"] * 500), 400, f"more than {MAX_PARAMETERS} parameters"),
        (f"{DB}/utterances?" + "&".join(["_facet=mode"] * 50), 400, "The parameter _facet is given 50 times"),
        ("/?junk=" + "x" * 60_000, 414, f"up to {MAX_URL_BYTES} bytes"),
        # The searches that broke or stalled the site: "a OR a ..." 600 times, 2,000 nested brackets,
        # "a* " 1,000 times, "the" 800 times, "a" 5,000 times.
        ("/search?q=" + quoted("a OR " * 600 + "a"), 400, "the search is 3001 characters long"),
        (f"{DB}/turns?_search=" + quoted("(" * 2000 + "a" + ")" * 2000), 414, f"up to {MAX_URL_BYTES} bytes"),
        (f"{DB}/utterances.json?_search=" + quoted("a* " * 1000), 400, "This search is too large"),
        (f"{DB}/search_talks?search=" + quoted("the " * 800), 400, "This search is too large"),
        (f"{DB}/keyword_in_context.json?term=" + quoted("a " * 5000), 414, f"up to {MAX_URL_BYTES} bytes"),
        # Each limit on its own, well inside the length of an address.
        ("/search?q=" + quoted("a OR " * 20 + "a"), 400, f"use at most {MAX_SEARCH_TERMS}"),
        (f"{DB}/turns?_search=" + quoted("(" * 10 + "a" + ")" * 10), 400, "10 brackets one inside another"),
        (f"{DB}/utterances?_search=" + quoted("a* b* c* d* e* f*"), 400, "6 words ending in *"),
    ],
)
async def test_a_request_beyond_the_limits_is_answered_at_once_saying_what_to_shorten(ds, path, status, words):
    response = await ds.client.get(path)
    assert response.status_code == status
    assert words in response.text
    assert "Traceback" not in response.text and "select" not in response.text.lower().replace("selector", "")
    assert response.headers["cache-control"] == "no-store"
    if not path.split("?")[0].endswith(".json"):
        assert '<form class="header-search"' in response.text  # the site's layout, as every error page


@pytest.mark.parametrize("method", ["TRACE", "PROPFIND", "DELETE"])
async def test_an_unknown_method_is_a_405_saying_which_methods_the_site_answers(ds, method):
    response = await ds.client.request(method, "/")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"


async def test_searches_within_the_limits_still_find_what_they_seek(ds):
    assert (await ds.client.get("/search?q=" + quoted("Guevara inspection"))).status_code == 200
    response = await ds.client.get(
        f"{DB}/turns.json?_search=" + quoted("(inspect* OR Turkey) missiles") + "&_shape=array"
    )
    assert response.status_code == 200


def test_the_search_limits_name_what_to_shorten():
    assert search_problem("x" * 501) == "the search is 501 characters long; use at most 500"
    assert search_problem("a* b* c* d* e* f*") == "the search has 6 words ending in *; use at most 5"
    assert search_problem('"Comrade Mikoyan" NEAR inspection') is None


def test_every_connection_refuses_the_disabled_functions_and_huge_values_wherever_they_are_called():
    import sqlite3

    from etl.site.limits import prepare_connection

    connection = sqlite3.connect(":memory:")
    prepare_connection(connection)
    for sql in (
        "select printf('%.*c', 2000000000, 'x')",
        "select format('%d', 1)",
        "select fts3_tokenizer('simple')",
        "select zeroblob(2000000)",
    ):
        with pytest.raises(sqlite3.DataError if "zeroblob" in sql else sqlite3.OperationalError):
            connection.execute(sql).fetchall()
    assert connection.execute("select upper('ok')").fetchone() == ("OK",)
