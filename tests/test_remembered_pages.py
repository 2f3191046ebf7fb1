"""A page of an immutable release is worked out once per server: its citation, neighbours and links are
remembered (the app's own memo of its own pure functions), and what is remembered never changes what a
reader is shown.

The site as served (``datasette_app``: the built database, metadata and the installed plugins), and
Datasette's own query tracer to see which SQL a page asks.
"""

from __future__ import annotations

import importlib
import re
import shutil
from pathlib import Path

import pytest
from datasette.app import Datasette
from datasette.tracer import capture_traces
from served import served

from etl.publish.memo import LeastRecentlyUsed, memo_of, remembered
from etl.publish.serve import datasette_app, datasette_settings
from etl.publish.site import DATABASE_NAME

TURN = "1962-11-05-memorandum-u014"
NOTE = "1962-11-05-memorandum-n003"
# SQL only the site's plugins ask on a row page (etl/site/cite.py, etl/site/havana.py).
# What differs between two answers of the same page: how long Datasette's queries took ("Queries took 4.258ms").
QUERY_TIME = re.compile(r"took [0-9.]+ ?ms")
# (Datasette's own row page asks with ":p0", and writes its counts of linked rows as "utterance_id=:id".)
PLUGIN_ROW_SQL = (
    "where utterance_id = :id",
    "where note_id = :id",
    "seq in (:seq - 1, :seq + 1)",
    "where document_id = :id",
)


async def traced_get(ds: Datasette, path: str) -> tuple[str, list[str]]:
    """The page's HTML (without the time its queries took) and the SQL it asked."""
    traces: list[dict] = []
    with capture_traces(traces):
        response = await ds.client.get(path)
    assert response.status_code == 200, path
    return QUERY_TIME.sub("took ... ms", response.text), [
        " ".join(trace["sql"].split()) for trace in traces if trace.get("type") == "sql"
    ]


@pytest.fixture
def site(database_path: Path) -> Datasette:
    return datasette_app(database_path)


@pytest.mark.parametrize("table, row_id", [("utterances", TURN), ("editorial_notes", NOTE)])
async def test_a_row_page_served_again_asks_none_of_the_plugins_questions_and_reads_the_same(site, table, row_id):
    path = f"{await served(site)}/{table}/{row_id}"
    first, first_sql = await traced_get(site, path)
    again, again_sql = await traced_get(site, path)
    assert again == first
    assert 'id="cite"' in again
    assert any(marker in sql for sql in first_sql for marker in PLUGIN_ROW_SQL)
    assert not any(marker in sql for sql in again_sql for marker in PLUGIN_ROW_SQL)
    assert len(again_sql) < len(first_sql)


async def test_a_table_page_served_again_gives_the_same_citation_of_what_it_shows(site):
    path = f"{await served(site)}/utterances?_search=inspection&mode=speech"
    first, _ = await traced_get(site, path)
    again, _ = await traced_get(site, path)
    assert again == first
    assert "_search=inspection" in again and "mode=speech" in again  # the citation's address: the page as shown
    other, _ = await traced_get(site, f"{await served(site)}/utterances?_search=Turkey")
    assert "_search=Turkey" in other and "_search=inspection" not in other


async def test_remembered_computes_once_per_key_and_content_on_an_immutable_database(site):
    await site.invoke_startup()
    calls: list[str] = []

    async def compute(value: str) -> str:
        calls.append(value)
        return value.upper()

    assert await remembered(site, DATABASE_NAME, ("test", "a"), lambda: compute("a")) == "A"
    assert await remembered(site, DATABASE_NAME, ("test", "a"), lambda: compute("a")) == "A"
    assert await remembered(site, DATABASE_NAME, ("test", "b"), lambda: compute("b")) == "B"
    assert calls == ["a", "b"]
    assert any(key[:2] == (DATABASE_NAME, site.get_database(DATABASE_NAME).hash) for key in memo_of(site)._entries)


async def test_a_mutable_database_is_never_remembered(database_path, tmp_path):
    copy = tmp_path / f"{DATABASE_NAME}.db"
    shutil.copy(database_path, copy)
    ds = Datasette([str(copy)], settings=datasette_settings())
    calls = []

    async def compute() -> int:
        calls.append(1)
        return len(calls)

    assert [await remembered(ds, DATABASE_NAME, ("test",), compute) for _ in range(3)] == [1, 2, 3]


def test_the_memo_forgets_the_least_recently_used_and_stays_bounded():
    memo = LeastRecentlyUsed(3)
    for key in "abcd":
        memo.put(key, key.upper())
    assert len(memo) == 3 and memo.get("a") is None
    assert memo.get("b") == "B"  # used: now the most recent
    memo.put("e", "E")
    assert memo.get("c") is None and memo.get("b") == "B" and memo.get("e") == "E"


async def test_the_links_of_a_query_page_are_made_once_and_lead_to_the_rows_pages(site):
    await site.invoke_startup()
    havana = importlib.import_module("etl.site.havana")
    link = havana.row_link(site, DATABASE_NAME, "editorial_notes", NOTE)
    assert link is havana.row_link(site, DATABASE_NAME, "editorial_notes", NOTE)
    assert link == f'<a href="{site.urls.row(DATABASE_NAME, "editorial_notes", NOTE)}">{NOTE}</a>'
    page, _ = await traced_get(site, f"{await served(site)}/notes_of_type?note_type=gloss")
    assert f'href="{await served(site)}/editorial_notes/' in page


# --- templates (etl/site/fixed_templates.py) ----------------------------------------------------------------


async def test_a_template_is_looked_up_once_per_server_and_a_missing_one_is_not_searched_for_again(site, monkeypatch):
    import os.path

    path = f"{await served(site)}/words_per_participant"
    first = (await site.client.get(path)).text
    asked: list[str] = []
    checked = os.path.getmtime
    monkeypatch.setattr(os.path, "getmtime", lambda name: asked.append(name) or checked(name))
    found = os.path.isfile
    monkeypatch.setattr(os.path, "isfile", lambda name: asked.append(name) or found(name))
    again = (await site.client.get(path)).text
    assert QUERY_TIME.sub("", again) == QUERY_TIME.sub("", first) and "Words and turns per participant" in again
    assert [name for name in asked if name.endswith(".html")] == []  # no file checked, none searched for
    assert site.jinja_env.auto_reload is False


async def test_a_template_that_does_not_exist_stays_missing_and_the_others_are_still_found(site):
    from jinja2 import TemplateNotFound

    await site.invoke_startup()
    for _ in range(2):  # searched for, then remembered as missing
        with pytest.raises(TemplateNotFound):
            site.jinja_env.get_template("query-havana-1962-no-such-query.html")
    template = site.jinja_env.select_template(["query-havana-1962-no-such-query.html", "query.html"])
    assert template.name == "query.html" and "Cite this query" in Path(template.filename).read_text()
    assert (await site.client.get("/no-such-page")).status_code == 404
    assert "pages/no-such-page.html" in site.jinja_env.loader.missing._entries


async def test_missing_template_names_are_remembered_up_to_a_bound(site):
    from jinja2 import DictLoader, Environment, TemplateNotFound

    await site.invoke_startup()
    fixed = importlib.import_module("etl.site.fixed_templates")
    environment = Environment(loader=fixed.RemembersMissing(DictLoader({"page.html": "a page"}), size=2))
    for name in ("one.html", "two.html", "three.html"):
        with pytest.raises(TemplateNotFound):
            environment.get_template(name)
    assert len(environment.loader.missing) == 2 and environment.get_template("page.html").render() == "a page"


async def test_the_choices_of_a_query_parameter_are_linked_once_per_server_and_lead_to_the_query(site):
    await site.invoke_startup()
    queries = importlib.import_module("etl.site.queries")
    query_url = site.urls.database(DATABASE_NAME) + "/notes_of_type"
    links = await queries.parameter_choice_links(site, DATABASE_NAME, "notes_of_type", "note_type", query_url)
    assert links is await queries.parameter_choice_links(site, DATABASE_NAME, "notes_of_type", "note_type", query_url)
    assert {link["value"] for link in links} >= {"defect", "gloss"}
    assert all(link["url"] == f"{query_url}?note_type={link['value']}" for link in links)
    page, _ = await traced_get(site, f"{await served(site)}/notes_of_type?note_type=gloss")
    assert 'aria-current="true">' in page and f'href="{query_url}?note_type=defect"' in page


async def test_a_query_pages_citation_block_is_rendered_once_and_reads_the_same(site):
    path = f"{await served(site)}/notes_of_type?note_type=gloss"
    first, _ = await traced_get(site, path)
    fragments = site.jinja_env.remembered_fragments
    remembered_blocks = len(fragments)
    again, _ = await traced_get(site, path)
    assert again == first and first.count('<section class="cite-this" id="cite">') == 1 and "Cite this query" in first
    assert len(fragments) == remembered_blocks >= 1  # the second page took the block rendered for the first
    other, _ = await traced_get(site, f"{await served(site)}/notes_of_type?note_type=defect")
    assert len(fragments) == remembered_blocks + 1 and "note_type%3Ddefect" in other.split('id="cite"')[1]


@pytest.mark.parametrize("enable_async", [True, False])
def test_a_remembered_fragment_is_rendered_once_per_key(site, enable_async):
    import asyncio

    from jinja2 import DictLoader, Environment

    asyncio.run(site.invoke_startup())
    fixed = importlib.import_module("etl.site.fixed_templates")
    renders: list[str] = []
    environment = Environment(
        loader=DictLoader({"page.html": "{% remember (key,) %}{{ count(key) }}{% endremember %}"}),
        extensions=[fixed.RememberExtension],
        enable_async=enable_async,
        autoescape=True,
    )
    count = lambda key: renders.append(key) or f"<b>{key}</b> #{len(renders)}"  # noqa: E731
    template = environment.get_template("page.html")

    def render(key: str) -> str:
        return (
            asyncio.run(template.render_async(key=key, count=count))
            if enable_async
            else template.render(key=key, count=count)
        )

    assert [render("a"), render("a"), render("b"), render("a")] == ["&lt;b&gt;a&lt;/b&gt; #1"] * 2 + [
        "&lt;b&gt;b&lt;/b&gt; #2",
        "&lt;b&gt;a&lt;/b&gt; #1",
    ]
    assert renders == ["a", "b"]
