"""The Datasette site, through Datasette's own test client on the real built database.

Every table and canned query answers with the columns the schema and the queries promise; facets count
what SQL counts; full-text search finds what a reader would find by eye; downloads parse; row pages
carry a citation with the dataset's version; metadata.yml is not stale.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

import pytest
import sqlite_utils
import yaml
from servers import datasette_arguments

from etl.publish.facts import load_dataset_facts
from etl.publish.serve import METADATA_FILE, datasette_settings
from etl.publish.site import DATABASE_NAME, dump_metadata, load_site_settings, render_metadata
from etl.schema import TABLES, TABLES_BY_NAME, TURNS_VIEW_NAME

DB = f"/{DATABASE_NAME}"

# What each canned query answers with: the columns a reader sees, in order.
CANNED_QUERY_COLUMNS = {
    "read_record": ["turn", "kind", "who", "text", "utterance_id", "note_id"],
    "participant_turns": ["date", "document_id", "seq", "mode", "speaker_label", "text", "words", "utterance_id"],
    "words_per_participant": ["record", "speaker", "kind", "turns", "words", "editorial_words"],
    "keyword_in_context": ["utterance_id", "date", "speaker", "in_context", "offset_in_spoken_text", "place"],
    "search_talks": ["utterance_id", "date", "speaker", "said_by_named", "text", "rank"],
    "who_answers_whom": ["speaker", "next_speaker", "times", "records"],
    "article_discussions": [
        "article",
        "quoted",
        "phrase",
        "document_id",
        "speaker",
        "passage",
        "utterance_id",
        "note_id",
    ],
    "notes_of_type": ["note_id", "document_id", "speaker", "marker", "text", "resp", "explanation"],
    "glosses_and_queries": ["note_id", "note_type", "marker", "speaker", "sentence", "utterance_id"],
    "search_notes": ["note_id", "note_type", "marker", "utterance_id"],
}


@pytest.fixture(scope="module")
def version() -> str:
    return load_dataset_facts()["version"]


@pytest.fixture(scope="module")
def canned_query_parameters(db: sqlite_utils.Database) -> dict[str, dict[str, str]]:
    """A real value for each canned query's parameters, taken from the built data."""
    longest_record = db.execute(
        "select document_id from utterances group by document_id order by count(*) desc limit 1"
    ).fetchone()[0]
    busiest_speaker = db.execute(
        "select participant_id from utterances where participant_id is not null "
        "group by participant_id order by count(*) desc limit 1"
    ).fetchone()[0]
    commonest_note_type = db.execute(
        "select note_type from editorial_notes group by note_type order by count(*) desc limit 1"
    ).fetchone()[0]
    return {
        "read_record": {"document_id": longest_record},
        "participant_turns": {"participant_id": busiest_speaker},
        "keyword_in_context": {"term": "inspection"},
        "search_talks": {"search": "inspection"},
        "notes_of_type": {"note_type": commonest_note_type},
        "search_notes": {"search": "article"},
    }


def cite_block(page: str) -> str:
    """The text of the "Cite this" block of a row page, HTML entities decoded."""
    return html.unescape(page.split('id="cite"', 1)[1].split("</section>", 1)[0])


async def get_json(ds, path: str):
    response = await ds.client.get(path)
    assert response.status_code == 200, (path, response.text[:500])
    return response.json()


def test_database_is_served_under_the_dataset_name(database_path):
    assert DATABASE_NAME == load_dataset_facts()["name"] == database_path.stem


def test_metadata_yml_is_rendered_from_the_schema_and_not_stale():
    assert METADATA_FILE.read_text(encoding="utf-8") == dump_metadata(render_metadata())


def test_metadata_describes_every_table_and_column_in_the_schema_words():
    tables = render_metadata()["databases"][DATABASE_NAME]["tables"]
    for table in TABLES:
        assert tables[table.name]["description"] == table.description
        assert tables[table.name]["columns"] == {column.name: column.description for column in table.columns}
        if table.label_column:
            assert tables[table.name]["label_column"] == table.label_column
    assert set(tables[TURNS_VIEW_NAME]["columns"]) >= {"utterance_id", "document_title", "speaker_name", "text"}


def test_site_has_at_least_eight_canned_queries_each_titled_and_described():
    queries = load_site_settings()["queries"]
    assert len(queries) >= 8
    for name, query in queries.items():
        assert query["title"] and len(query["description"]) > 40, name
    assert set(queries) == set(CANNED_QUERY_COLUMNS)


@pytest.mark.parametrize("table", [table.name for table in TABLES])
async def test_every_table_answers_with_its_schema_columns(ds, table):
    data = await get_json(ds, f"{DB}/{table}.json?_size=1")
    assert data["columns"] == TABLES_BY_NAME[table].column_names
    page = await ds.client.get(f"{DB}/{table}")
    assert page.status_code == 200


async def test_turns_view_answers_with_one_row_per_turn(ds, db):
    data = await get_json(ds, f"{DB}/{TURNS_VIEW_NAME}.json?_size=max")
    assert "speaker_name" in data["columns"] and "document_title" in data["columns"]
    assert len(data["rows"]) == db["utterances"].count


@pytest.mark.parametrize("query", list(CANNED_QUERY_COLUMNS))
async def test_every_canned_query_answers_with_its_columns_and_rows(ds, canned_query_parameters, query):
    parameters = "&".join(f"{key}={value}" for key, value in canned_query_parameters.get(query, {}).items())
    data = await get_json(ds, f"{DB}/{query}.json?{parameters}")
    assert data["columns"] == CANNED_QUERY_COLUMNS[query]
    assert data["rows"], f"{query} found nothing"
    page = await ds.client.get(f"{DB}/{query}?{parameters}")
    assert page.status_code == 200


async def test_read_record_lists_every_turn_and_note_of_the_record_once(ds, db, canned_query_parameters):
    document_id = canned_query_parameters["read_record"]["document_id"]
    rows = await get_json(ds, f"{DB}/read_record.json?document_id={document_id}&_shape=array")
    turn_ids = [row["utterance_id"] for row in rows if row["kind"].startswith("turn")]
    note_ids = sorted(row["note_id"] for row in rows if row["kind"].startswith("note"))
    assert all((row["utterance_id"] is None) != (row["note_id"] is None) for row in rows)  # one id a row
    expected_turns = [
        r[0]
        for r in db.execute("select utterance_id from utterances where document_id = ? order by seq", [document_id])
    ]
    expected_notes = sorted(
        r[0] for r in db.execute("select note_id from editorial_notes where document_id = ?", [document_id])
    )
    assert turn_ids == expected_turns
    assert note_ids == expected_notes


@pytest.mark.parametrize(
    ("table", "facets"),
    [
        ("utterances", ["document_id", "participant_id", "mode"]),
        ("editorial_notes", ["note_type", "document_id"]),
        ("document_participants", ["role"]),
        ("article_references", ["article_id"]),
    ],
)
async def test_default_facets_count_what_sql_counts(ds, db, table, facets):
    data = await get_json(ds, f"{DB}/{table}.json?_size=0")
    results = data["facet_results"]
    assert set(facets) <= set(results)
    for column in facets:
        counted = {item["value"]: item["count"] for item in results[column]["results"]}
        expected = dict(
            db.execute(
                f"select {column}, count(*) from {table} where {column} is not null group by {column}"
            ).fetchall()
        )
        assert counted == expected, column


async def test_facets_show_names_not_ids_for_speakers(ds, db):
    data = await get_json(ds, f"{DB}/utterances.json?_size=0")
    labels = {item["value"]: item["label"] for item in data["facet_results"]["participant_id"]["results"]}
    names = dict(db.execute("select participant_id, name from participants").fetchall())
    assert labels == {participant_id: names[participant_id] for participant_id in labels}


async def test_table_pages_show_the_words_before_the_offsets(ds):
    page = await ds.client.get(f"{DB}/utterances")
    headers = re.findall(r'<th [^>]*data-column="([^"]+)"', page.text)
    assert headers[:4] == ["utterance_id", "participant_id", "mode", "text"]
    assert sorted(headers) == sorted(TABLES_BY_NAME["utterances"].column_names)
    csv_header = (await ds.client.get(f"{DB}/utterances.csv?_size=1")).text.splitlines()[0]
    assert csv_header.split(",") == TABLES_BY_NAME["utterances"].column_names


async def test_utterances_are_sorted_by_record_then_turn(ds, db):
    rows = await get_json(ds, f"{DB}/utterances.json?_shape=array&_size=max")
    order = [(row["document_id"], row["seq"]) for row in rows]
    assert order == sorted(order)
    assert len(rows) == db["utterances"].count


# The English forms of "inspect" a reader would accept as the same word (the porter stemmer's family).
INSPECT_FORMS = re.compile(r"\binspect(?:s|ed|ing|ion|ions)?\b", re.IGNORECASE)


async def test_full_text_search_finds_every_turn_with_a_form_of_inspect_and_no_other(ds, db):
    rows = await get_json(ds, f"{DB}/utterances.json?_search=inspection&_shape=array&_size=max")
    found = {row["utterance_id"] for row in rows}
    by_eye = {
        utterance_id
        for utterance_id, text in db.execute("select utterance_id, text from utterances")
        if INSPECT_FORMS.search(text)
    }
    assert found == by_eye
    assert found


async def test_full_text_search_ignores_accents(ds, db):
    plain = await get_json(ds, f"{DB}/utterances.json?_search=Dorticos&_shape=array&_size=max")
    accented = await get_json(ds, f"{DB}/utterances.json?_search=Dortic%C3%B3s&_shape=array&_size=max")
    assert plain and [row["utterance_id"] for row in plain] == [row["utterance_id"] for row in accented]


async def test_search_query_ranks_results_and_takes_fts_syntax_literally(ds):
    rows = await get_json(ds, f"{DB}/search_talks.json?search=inspection&_shape=array")
    ranks = [row["rank"] for row in rows]
    assert ranks == sorted(ranks) and len(ranks) > 1
    hostile = await ds.client.get(f"{DB}/search_talks.json?search=%22inspection%20AND%20(&_shape=array")
    assert hostile.status_code == 200


async def test_keyword_in_context_marks_the_term_in_every_snippet(ds):
    rows = await get_json(ds, f"{DB}/keyword_in_context.json?term=inspection&_shape=array")
    assert rows and all(re.search(r"\*\*inspect(?:ion|ions)?\*\*", row["in_context"], re.IGNORECASE) for row in rows)
    page = await ds.client.get(f"{DB}/keyword_in_context?term=inspection")
    assert re.search(r"<mark>inspection</mark>", page.text, re.IGNORECASE)
    assert re.search(r"<mark>inspections</mark>", page.text, re.IGNORECASE), "word endings are folded"


async def test_each_gloss_and_query_is_shown_in_a_sentence_that_contains_it(ds):
    rows = await get_json(ds, f"{DB}/glosses_and_queries.json?_shape=array")
    for row in rows:
        assert row["marker"] in (row["sentence"] or ""), row


async def test_csv_stream_of_a_table_parses_into_every_row(ds, db):
    response = await ds.client.get(f"{DB}/utterances.csv?_stream=1")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == db["utterances"].count
    assert list(rows[0]) == TABLES_BY_NAME["utterances"].column_names


async def test_json_array_shape_parses_into_objects_with_the_schema_columns(ds):
    rows = await get_json(ds, f"{DB}/documents.json?_shape=array")
    assert rows and all(list(row) == TABLES_BY_NAME["documents"].column_names for row in rows)


async def test_canned_query_downloads_as_csv(ds):
    response = await ds.client.get(f"{DB}/words_per_participant.csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and list(rows[0]) == CANNED_QUERY_COLUMNS["words_per_participant"]


async def test_the_whole_database_can_be_downloaded(ds, database_path):
    response = await ds.client.get(f"{DB}.db")
    assert response.status_code == 200
    assert response.content == database_path.read_bytes()


# For each citable table: SQL that finds, for a row, the record it comes from.
SOURCE_RECORD_SQL = {
    "documents": "select document_id, document_id from documents",
    "utterances": "select utterance_id, document_id from utterances",
    "editorial_notes": "select note_id, document_id from editorial_notes",
    "protocol_articles": (
        "select protocol_articles.article_id, coalesce(editorial_notes.document_id, utterances.document_id) from "
        "protocol_articles "
        "left join editorial_notes on editorial_notes.note_id = source_note_id "
        "left join utterances on utterances.utterance_id = source_utterance_id"
    ),
}


@pytest.mark.parametrize("table", list(SOURCE_RECORD_SQL))
async def test_row_pages_carry_a_citation_with_version_url_and_archival_source(ds, db, version, table):
    rows = db.execute(SOURCE_RECORD_SQL[table]).fetchall()
    assert rows
    for row_id, document_id in rows:
        page = await ds.client.get(f"{DB}/{table}/{row_id}")
        assert page.status_code == 200
        block = cite_block(page.text)
        assert f"version {version}" in block
        assert f"{DB}/{table}/{row_id}" in block
        if document_id is None:
            continue
        title, citation, canonical_url = db.execute(
            "select title, citation, canonical_url from documents where document_id = ?", [document_id]
        ).fetchone()
        assert "Source record" in block and title in block
        for printed in (citation, canonical_url):
            if printed:
                assert printed in block


async def test_every_record_is_cited_from_its_printed_citation_or_its_printed_metadata(ds, db):
    for document_id, citation, record_id, title in db.execute(
        "select document_id, citation, record_id, title from documents"
    ):
        block = cite_block((await ds.client.get(f"{DB}/documents/{document_id}")).text)
        if citation:
            assert citation in block and "as printed" in block
        else:
            assert f'"{title}' in block and "composed from its printed metadata" in block
            assert ("Wilson Center Digital Archive" in block) == bool(record_id)


async def test_row_pages_link_the_speaker_and_record_by_name(ds, db):
    utterance_id, participant_id, document_id, name, title = db.execute(
        "select utterance_id, participant_id, document_id, participants.name, documents.title from utterances "
        "join participants using (participant_id) join documents using (document_id) limit 1"
    ).fetchone()
    page = html.unescape((await ds.client.get(f"{DB}/utterances/{utterance_id}")).text)
    release = f"/{ds.get_database(DATABASE_NAME).route}"  # the current release's hashed URL
    assert f'<a href="{release}/participants/{participant_id}">{name}</a>' in page
    assert f'<a href="{release}/documents/{document_id}">{title}</a>' in page


async def test_rows_of_the_ledger_have_no_citation_block(ds, db):
    span_id = db.execute("select span_id from seed_spans limit 1").fetchone()[0]
    page = await ds.client.get(f"{DB}/seed_spans/{span_id}")
    assert page.status_code == 200 and 'id="cite"' not in page.text


async def test_longest_turn_is_shown_whole_on_its_row_page_and_when_reading_its_record(ds, db):
    utterance_id, document_id, text = db.execute(
        "select utterance_id, document_id, text from utterances order by length(text) desc limit 1"
    ).fetchone()
    assert len(text) < datasette_settings()["truncate_cells_html"]
    row_page = await ds.client.get(f"{DB}/utterances/{utterance_id}")
    assert text in html.unescape(row_page.text)
    reading = await ds.client.get(f"{DB}/read_record?document_id={document_id}")
    assert text in html.unescape(reading.text)


@pytest.mark.parametrize(
    "path",
    ["/", DB, f"{DB}/utterances", f"{DB}/words_per_participant", f"{DB}/participants/mikoyan", "/about"],
)
async def test_footer_shows_the_dataset_version_on_every_page(ds, version, path):
    page = await ds.client.get(path)
    assert page.status_code == 200
    footer = page.text.split('<footer class="ft">', 1)[1]
    assert f"version {version}" in footer


async def test_every_example_on_the_about_page_answers(ds):
    page = await ds.client.get("/about")
    links = sorted(set(re.findall(r'<a href="(/[^"#]+)"', html.unescape(page.text))))
    assert any("_shape=array" in link for link in links) and any("_stream=1" in link for link in links)
    for link in links:
        response = await ds.client.get(link)
        assert response.status_code == 200, link


async def test_footer_version_is_the_one_recorded_in_the_database(ds, db, version):
    assert version in [r[0] for r in db.execute("select version from dataset_versions")]


async def test_plugins_include_datasette_vega_and_the_site_plugin(ds):
    plugins = {plugin["name"]: plugin for plugin in await get_json(ds, "/-/plugins.json")}
    assert "datasette-vega" in plugins
    ours = [plugin for plugin in await get_json(ds, "/-/plugins.json") if plugin["name"] == "havana-1962"]
    assert len(ours) == len(
        list((Path(__file__).resolve().parent.parent / "etl" / "site").glob("*.py"))
    )  # each module, the package too
    assert sum(plugin["templates"] for plugin in ours) == 1  # the package carries the templates


async def test_fts_shadow_tables_are_hidden_and_search_is_configured(ds):
    data = await get_json(ds, f"{DB}.json")
    hidden = {table["name"] for table in data["tables"] if table["hidden"]}
    for table in ("utterances", "editorial_notes"):
        assert {f"{table}_fts", f"{table}_fts_data", f"{table}_fts_idx", f"{table}_fts_config"} <= hidden
        page = await ds.client.get(f"{DB}/{table}")
        assert 'name="_search"' in page.text
    visible = {table["name"] for table in data["tables"] if not table["hidden"]}
    assert visible == {table.name for table in TABLES}


async def test_chart_fragment_of_words_per_participant_names_real_columns(ds):
    query = yaml.safe_load(METADATA_FILE.read_text())["databases"][DATABASE_NAME]["queries"]["words_per_participant"]
    preset = dict(part.split("=", 1) for part in query["fragment"].split("&"))
    assert preset["g.mark"] == "bar"
    columns = CANNED_QUERY_COLUMNS["words_per_participant"]
    assert {preset["g.x_column"], preset["g.y_column"], preset["g.color_column"]} <= set(columns)
    database_page = await ds.client.get(DB)
    assert f"words_per_participant#{query['fragment']}" in html.unescape(database_page.text)


def test_server_command_uses_the_committed_settings_immutably_on_localhost(tmp_path):
    arguments = datasette_arguments(tmp_path / "havana-1962.db", 8123)
    assert arguments[arguments.index("--immutable") + 1].endswith("havana-1962.db")
    assert arguments[arguments.index("--host") + 1] == "127.0.0.1"
    assert "--cors" in arguments and "--inspect-file" in arguments
    assert Path(arguments[arguments.index("--metadata") + 1]).exists()
    assert "--template-dir" not in arguments and "--plugins-dir" not in arguments  # the installed project brings them
    settings = {arguments[i + 1]: arguments[i + 2] for i, argument in enumerate(arguments) if argument == "--setting"}
    committed = json.loads((Path(__file__).parent.parent / "settings.json").read_text())
    assert set(settings) == set(committed)
    assert settings["allow_download"] == "on"


async def test_the_json_link_of_a_table_page_gives_the_rows_the_csv_link_gives_or_says_how_many(ds, db):
    """At 25 turns a page, the turns page's JSON link gave 25 of 82 turns while its CSV link gave all of them."""
    page = (await ds.client.get(f"{DB}/turns")).text
    json_link = html.unescape(re.search(r'<p class="export-links">This data as <a href="([^"]+)">json</a>', page)[1])
    rows = (await ds.client.get(json_link + ("&" if "?" in json_link else "?") + "_shape=array")).json()
    csv_link = html.unescape(re.search(r'<a href="([^"]+)">CSV</a>', page)[1])
    csv_rows = list(csv.DictReader(io.StringIO((await ds.client.get(csv_link)).text)))
    assert len(rows) == len(csv_rows) == db["utterances"].count == 82
    assert 'class="rows-note"' not in page
    spans = (await ds.client.get(f"{DB}/seed_spans")).text
    total = db["seed_spans"].count
    assert (
        total > 100
        and f"This page shows 100 of the {total:,} rows, and so does" in html.unescape(spans)
        and "_size=max" in spans
    )
