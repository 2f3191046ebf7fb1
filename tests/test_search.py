"""Search finds what historians type, and the ready-made queries are useful on the first click.

The reading of a query (``etl.publish.search``) is tested on its own; everything else runs against the
database built from the seeds, served by Datasette's test client with the site's metadata, templates and
plugins. Expected rows are counted by eye from the records' words, not by the code under test.
"""

from __future__ import annotations

import doctest
import html
import importlib
import re
import urllib.parse

import pytest
import sqlite_utils
from served import served

from etl.publish.search import SearchSyntaxError, build_name_index, parse_search
from etl.publish.site import DATABASE_NAME, load_site_settings

DB = f"/{DATABASE_NAME}"

# Guevara's turn of 5 November on airborne inspections: "Comrade Mikoyan said that he had told McCloy that
# airborne inspections are inadmissible."
GUEVARA_AIRBORNE = "1962-11-05-memorandum-u057"


@pytest.fixture(scope="module")
def names(db: sqlite_utils.Database):
    return build_name_index(
        db.execute(
            "select participant_id, name from participants "
            "union select participant_id, name_as_printed from participant_names"
        ).fetchall()
    )


async def rows_of(ds, path: str) -> list[dict]:
    response = await ds.client.get(path)
    assert response.status_code == 200, response.text[:500]
    return response.json()


def turns_with(db: sqlite_utils.Database, pattern: str) -> set[str]:
    """The turns whose printed text matches a regular expression: what a reader finds by eye."""
    return {
        row[0]
        for row in db.execute("select utterance_id, text from utterances")
        if re.search(pattern, row[1], re.IGNORECASE)
    }


# ---------------------------------------------------------------------------------------------------------
# Reading a query


@pytest.mark.parametrize(
    ("typed", "fts5"),
    [
        ("inspection OR verification", '("inspection" OR "verification")'),
        ("airborne inspection", '("airborne" AND "inspection")'),
        ("airborne AND inspection", '("airborne" AND "inspection")'),
        ('"airborne inspections"', '"airborne inspections"'),
        ("inspection NOT Turkey", '("inspection" NOT "turkey")'),
        ("inspection -Turkey", '("inspection" NOT "turkey")'),
        ("insp*", '"insp"*'),
        ("(inspection OR control) Cuba", '(("inspection" OR "control") AND "cuba")'),
        ("Dorticós", '"dorticos"'),
        ("inspection or verification", '("inspection" AND "or" AND "verification")'),
        ("article-13", '"article 13"'),
    ],
)
def test_queries_are_read_as_a_search_engine_reads_them(typed, fts5):
    assert parse_search(typed).fts5() == fts5


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("OR inspection", "OR needs a word or a phrase on each side"),
        ("inspection OR", "OR needs a word or a phrase on each side"),
        ("NOT Turkey", "add a word to look for"),
        ("-Turkey", "add a word to look for"),
        ("inspection AND", "AND needs a word or a phrase after it"),
        ("()", "Empty parentheses"),
        ("inspection)", "has no opening"),
    ],
)
def test_a_query_that_cannot_be_read_gets_a_message_in_words(typed, message):
    with pytest.raises(SearchSyntaxError, match=re.escape(message)):
        parse_search(typed)


@pytest.mark.parametrize(
    ("typed", "fts5", "notice"),
    [
        ('"airborne inspection', '"airborne inspection"', "not closed"),
        ("(inspection OR control", '("inspection" OR "control")', "not closed"),
    ],
)
def test_an_unclosed_quote_or_parenthesis_is_closed_at_the_end_and_said_so(typed, fts5, notice):
    query = parse_search(typed)
    assert query.fts5() == fts5 and notice in query.notices[0]


@pytest.mark.parametrize(
    ("typed", "participant_id", "printed_form"),
    [
        ("Aragones", "aragones", "aragonez"),
        ("Aragonés", "aragones", "aragonez"),
        ("Aragonez", "aragones", "aragones"),
        ("Mikoyan", "mikoyan", "mikovan"),
        ("Alexeev", "alekseev", "alekseev"),
        ("Ernesto Guevara", "guevara", "che"),
        ("Carlos Rafael Rodriguez", "rodriguez", "rodriquez"),
    ],
)
def test_a_name_in_any_printed_form_searches_every_form(names, typed, participant_id, printed_form):
    query = parse_search(typed, names)
    (expanded,) = query.names
    assert expanded[1] == participant_id
    assert f'"{printed_form}"' in query.fts5()


def test_a_quoted_name_is_searched_as_typed(names):
    assert parse_search('"Aragones"', names).fts5() == '"aragones"'


# ---------------------------------------------------------------------------------------------------------
# What the searches find


async def test_inspect_finds_guevaras_turn_about_airborne_inspections(ds):
    for word in ("inspect", "inspection", "inspections"):
        rows = await rows_of(ds, f"{DB}/utterances.json?_shape=array&_size=max&_search={word}")
        assert GUEVARA_AIRBORNE in {row["utterance_id"] for row in rows}, word


async def test_word_forms_find_the_same_turns(ds):
    found = []
    for word in ("inspect", "inspection", "inspections"):
        rows = await rows_of(ds, f"{DB}/utterances.json?_shape=array&_size=max&_search={word}")
        found.append({row["utterance_id"] for row in rows})
    assert found[0] == found[1] == found[2] and len(found[0]) >= 7


async def test_a_quoted_phrase_finds_that_phrase_only(ds, db):
    rows = await rows_of(
        ds, f"{DB}/utterances.json?_shape=array&_size=max&_search=" + urllib.parse.quote('"airborne inspections"')
    )
    assert {row["utterance_id"] for row in rows} == turns_with(db, r"airborne inspections?") == {GUEVARA_AIRBORNE}


async def test_inspection_or_verification_returns_the_union(ds, db):
    def ids(rows):
        return {row["utterance_id"] for row in rows}

    either = ids(
        await rows_of(ds, f"{DB}/utterances.json?_shape=array&_size=max&_search=inspection%20OR%20verification")
    )
    inspection = ids(await rows_of(ds, f"{DB}/utterances.json?_shape=array&_size=max&_search=inspection"))
    verification = ids(await rows_of(ds, f"{DB}/utterances.json?_shape=array&_size=max&_search=verification"))
    assert verification and inspection - verification
    assert either == inspection | verification
    assert verification == turns_with(db, r"\bverif")


async def test_not_leaves_out_the_turns_with_the_word(ds, db):
    rows = await rows_of(ds, f"{DB}/utterances.json?_shape=array&_size=max&_search=inspection%20NOT%20Turkey")
    found = {row["utterance_id"] for row in rows}
    assert found and not found & turns_with(db, r"\bTurk")


async def test_aragones_finds_aragonez_as_printed(ds, db):
    printed = turns_with(db, r"Aragon[eé][sz]")
    assert printed
    for typed in ("Aragones", "Aragon%C3%A9s", "aragonez"):
        rows = await rows_of(ds, f"{DB}/utterances.json?_shape=array&_size=max&_search={typed}")
        assert {row["utterance_id"] for row in rows} == printed, typed


async def test_mikoyan_finds_the_misprinted_mikovan(ds, db):
    misprinted = turns_with(db, r"\bMikovan\b")
    assert misprinted
    rows = await rows_of(ds, f"{DB}/utterances.json?_shape=array&_size=max&_search=Mikoyan")
    assert misprinted <= {row["utterance_id"] for row in rows}


async def test_the_turns_view_is_searchable(ds, db):
    rows = await rows_of(ds, f"{DB}/turns.json?_shape=array&_size=max&_search=inspect")
    assert {row["utterance_id"] for row in rows} == turns_with(db, r"\binspect(?:s|ed|ing|ion|ions)?\b")
    assert len(rows) < db["utterances"].count
    page = await ds.client.get(f"{DB}/turns?_search=inspect")
    assert 'name="_search"' in page.text and f'href="{await served(ds)}/utterances/{GUEVARA_AIRBORNE}"' in page.text


async def test_a_notes_explanation_is_searchable(ds, db):
    expected = {
        row[0] for row in db.execute("select note_id from editorial_notes where explanation like '%PDF extraction%'")
    }
    assert expected and not any("extraction" in row[0] for row in db.execute("select text from editorial_notes"))
    rows = await rows_of(ds, f"{DB}/editorial_notes.json?_shape=array&_size=max&_search=extraction")
    assert {row["note_id"] for row in rows} == expected


async def test_a_malformed_search_on_a_table_says_why_and_finds_nothing(ds):
    data = await rows_of(ds, f"{DB}/utterances.json?_search=OR%20inspection")
    assert data["rows"] == [] and "OR needs a word or a phrase on each side" in data["human_description_en"]


async def test_raw_mode_still_takes_sqlites_own_syntax(ds):
    rows = await rows_of(
        ds,
        f"{DB}/utterances.json?_shape=array&_searchmode=raw&_search="
        + urllib.parse.quote("NEAR(airborne inspections, 2)"),
    )
    assert [row["utterance_id"] for row in rows] == [GUEVARA_AIRBORNE]


# ---------------------------------------------------------------------------------------------------------
# The site-wide search


async def test_site_search_returns_turns_and_notes_ranked_with_highlights(ds):
    answer = await rows_of(ds, "/search.json?q=article&_size=200")
    kinds = {result["kind"] for result in answer["results"]}
    assert kinds == {"turn", "note"}
    assert answer["total"] == answer["counts"]["turn"] + answer["counts"]["note"] == len(answer["results"])
    scores = [result["score"] for result in answer["results"]]
    assert scores == sorted(scores)
    for result in answer["results"]:
        assert re.search(r"<mark>articles?</mark>", result["snippet_html"], re.IGNORECASE), result
        anchor = result["row_id"][len(result["document_id"]) + 1 :]
        assert result["place_url"] == f"/record/{result['document_id']}#{anchor}"
        assert result["row_url"].endswith("/" + result["row_id"])


async def test_site_search_page_links_the_place_in_the_record_and_the_row(ds):
    page = await ds.client.get("/search?q=inspect")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert 'href="/record/1962-11-05-memorandum#u057"' in text
    assert f'href="{await served(ds)}/utterances/{GUEVARA_AIRBORNE}"' in text
    assert "<mark>inspections</mark>" in text and "turn 57 of 69" in text
    assert "<title>Search: inspect</title>" in page.text


async def test_site_search_says_how_a_name_was_read_and_why_a_query_cannot_be(ds):
    page = html.unescape((await ds.client.get("/search?q=Aragones")).text)
    assert "“Aragones” is a name: also searched as" in page and "“aragonez”" in page
    page = html.unescape((await ds.client.get("/search?q=NOT%20Turkey")).text)
    assert 'class="message-error search-error"' in page and "add a word to look for" in page


async def test_every_page_has_the_search_box_in_its_header(ds):
    for path in ("/", DB, f"{DB}/utterances", f"{DB}/read_record", f"{DB}/documents/1962-11-05-memorandum", "/about"):
        page = await ds.client.get(path)
        header = page.text.split("<header>", 1)[1].split("</header>", 1)[0]
        assert 'action="/search"' in header and 'name="q"' in header, path


# ---------------------------------------------------------------------------------------------------------
# Ready-made queries, on the first click


CANNED_QUERIES = list(load_site_settings()["queries"])


@pytest.mark.parametrize("query", CANNED_QUERIES)
async def test_every_canned_query_opens_without_error_and_with_something_to_do(ds, query):
    page = await ds.client.get(f"{DB}/{query}")
    assert page.status_code == 200
    assert "message-error" not in page.text and "fts5" not in page.text
    title = re.search(r"<title>(.*?)</title>", page.text, re.S)[1]
    assert "select" not in title.lower() and load_site_settings()["queries"][query]["title"] in html.unescape(title)
    useful = (
        '<table class="rows-and-columns">' in page.text  # rows by default
        or 'class="parameter-choices"' in page.text  # the valid values, as links
        or 'class="search-prompt"' in page.text  # a prompt, with examples
    )
    assert useful, query


async def test_each_choice_offered_by_a_query_opens_rows(ds):
    page = (await ds.client.get(f"{DB}/read_record")).text
    links = re.findall(r'<section class="parameter-choices"[^>]*>.*?</section>', page, re.S)[0]
    hrefs = [html.unescape(href) for href in re.findall(r'href="([^"]+)"', links)]
    assert len(hrefs) == 3  # one per record in the database
    for href in hrefs:
        rows = await rows_of(ds, href.replace("/read_record?", "/read_record.json?_shape=array&"))
        assert rows


@pytest.mark.parametrize("typed", ["guevara", "Guevara", "Ernesto Guevara", "ERNESTO GUEVARA", "E. Guevara", "Che"])
async def test_a_persons_turns_are_found_by_any_name_a_person_types(ds, db, typed):
    rows = await rows_of(ds, f"{DB}/participant_turns.json?_shape=array&participant_id=" + urllib.parse.quote(typed))
    expected = [row[0] for row in db.execute("select utterance_id from utterances where participant_id = 'guevara'")]
    assert sorted(row["utterance_id"] for row in rows) == sorted(expected)


@pytest.mark.parametrize(
    "typed",
    [
        "1962-11-05-memorandum",
        "5 November 1962",
        "November 5, 1962",
        "1962-11-05",
        "110969",
        "memorandum of conversation",
    ],
)
async def test_a_record_is_read_by_its_date_number_or_kind(ds, db, typed):
    rows = await rows_of(ds, f"{DB}/read_record.json?_shape=array&document_id=" + urllib.parse.quote(typed))
    turns = [row["utterance_id"] for row in rows if row["kind"].startswith("turn")]
    assert turns == [
        row[0]
        for row in db.execute(
            "select utterance_id from utterances where document_id = '1962-11-05-memorandum' order by seq"
        )
    ]


async def test_notes_of_a_kind_take_the_plural_and_list_every_note_without_one(ds, db):
    for typed, kind in (("glosses", "gloss"), ("queries", "query"), ("ed notes", "ed_note"), ("Defect", "defect")):
        rows = await rows_of(ds, f"{DB}/notes_of_type.json?_shape=array&note_type=" + urllib.parse.quote(typed))
        expected = {row[0] for row in db.execute("select note_id from editorial_notes where note_type = ?", [kind])}
        assert expected and {row["note_id"] for row in rows} == expected, typed
    every = await rows_of(ds, f"{DB}/notes_of_type.json?_shape=array")
    assert len(every) == db["editorial_notes"].count


async def test_the_article_query_takes_an_article_or_none_and_lists_the_places_that_name_it(ds, db):
    every = await rows_of(ds, f"{DB}/article_discussions.json?_shape=array")
    assert len(every) == db["article_references"].count
    for typed in ("13", "Article 13", "protocol-1962-10-31-article-13"):
        rows = await rows_of(ds, f"{DB}/article_discussions.json?_shape=array&article=" + urllib.parse.quote(typed))
        assert {row["article"] for row in rows} == {"Article 13"}
        assert (
            len(rows)
            == db.execute(
                "select count(*) from article_references where article_id = 'protocol-1962-10-31-article-13'"
            ).fetchone()[0]
        )
        assert all(re.search(r"13", row["phrase"]) for row in rows), "each place prints the article's name"


async def test_a_canned_search_reads_or_names_and_says_what_it_could_not_read(ds, db):
    rows = await rows_of(ds, f"{DB}/keyword_in_context.json?_shape=array&term=inspection%20OR%20verification")
    assert {row["utterance_id"] for row in rows} == turns_with(db, r"\binspect(?:ion|ions)\b|\bverif")
    page = html.unescape((await ds.client.get(f"{DB}/search_talks?search=OR%20Turkey")).text)
    assert "The search could not be read: OR needs a word or a phrase on each side" in page
    page = html.unescape((await ds.client.get(f"{DB}/search_talks?search=Aragones")).text)
    assert "“Aragones” is a name" in page


# ---------------------------------------------------------------------------------------------------------
# The examples in the docstrings


@pytest.mark.parametrize(
    "module_name",
    [
        "etl.publish.search",
        "etl.publish.citation",
        "etl.publish.static",
        "etl.publish.memo",
        "etl.site",
        "etl.site.search",
        "etl.site.queries",
        "etl.site.cite",
        "etl.site.bad_requests",
        "etl.site.limits",
    ],
)
def test_docstring_examples_of_the_site_and_its_publishing_run(module_name):
    module = importlib.import_module(module_name)
    failures, tried = doctest.testmod(module)
    assert tried > 0 and failures == 0


# ---------------------------------------------------------------------------------------------------------
# Links between turns and articles that the text does not print


def test_every_curated_article_link_names_a_real_turn_and_article_the_turn_does_not_name(db):
    from etl.curation import load_curated

    links = load_curated("article_links.yml")  # checked against its JSON Schema
    assert links
    for link in links:
        assert (
            db.execute("select count(*) from utterances where utterance_id = ?", [link["utterance_id"]]).fetchone()[0]
            == 1
        )
        assert (
            db.execute("select count(*) from protocol_articles where article_id = ?", [link["article_id"]]).fetchone()[
                0
            ]
            == 1
        )
        printed = db.execute(
            "select count(*) from article_references where utterance_id = ? and article_id = ?",
            [link["utterance_id"], link["article_id"]],
        ).fetchone()[0]
        assert printed == 0, "a turn that names the article is found in the text: no curated link is needed"


async def test_a_curated_link_is_shown_apart_with_its_reason_and_never_as_a_printed_place(ds):
    rows = await rows_of(ds, f"{DB}/article_discussions.json?_shape=array&article=13")
    assert "1962-11-05-memorandum-u003" not in {row["utterance_id"] for row in rows}
    page = html.unescape((await ds.client.get(f"{DB}/article_discussions?article=13")).text)
    section = page.split('<section class="curated-article-links">', 1)[1].split("</section>", 1)[0]
    assert "the text does not name the article" in section
    assert (
        f'href="{await served(ds)}/utterances/1962-11-05-memorandum-u003"' in section
        and "Consequently we should strike article 13" in section
    )
    other = html.unescape((await ds.client.get(f"{DB}/article_discussions?article=5")).text)
    assert "curated-article-links" not in other


async def test_site_search_pages_and_keeps_to_one_kind_when_asked(ds):
    everything = await rows_of(ds, "/search.json?q=article&_size=200")
    first = await rows_of(ds, "/search.json?q=article&_size=5")
    second = await rows_of(ds, "/search.json?q=article&_size=5&page=2")
    assert [result["row_id"] for result in first["results"] + second["results"]] == [
        result["row_id"] for result in everything["results"][:10]
    ]
    notes = await rows_of(ds, "/search.json?q=article&kind=note&_size=200")
    assert {result["kind"] for result in notes["results"]} == {"note"} and notes["total"] == everything["counts"][
        "note"
    ]
    page = await ds.client.get("/search?q=article&_size=5")
    assert 'href="/search?q=article&amp;_size=5&amp;page=2" rel="next"' in page.text


async def test_keyword_in_context_gives_one_row_for_each_occurrence_with_its_place(ds, db):
    rows = (
        await ds.client.get(f"/{DATABASE_NAME}/keyword_in_context.json?term=inspection&_shape=array&_size=max")
    ).json()
    texts = {
        row["utterance_id"]: row["spoken_text"] for row in db.query("select utterance_id, spoken_text from utterances")
    }
    printed = sum(len(re.findall(r"\binspections?\b", text, flags=re.IGNORECASE)) for text in texts.values())
    assert len(rows) == printed == 31  # the speakers' words hold "inspection(s)" 31 times in 10 turns
    assert len({row["utterance_id"] for row in rows}) == 10
    for row in rows:
        text = texts[row["utterance_id"]]
        assert re.match(r"inspections?\b", text[row["offset_in_spoken_text"] :], flags=re.IGNORECASE), row
        assert re.search(r"\*\*inspections?\*\*", row["in_context"], flags=re.IGNORECASE)
        assert (
            row["place"]
            == "/record/" + row["utterance_id"].rsplit("-", 1)[0] + "#" + row["utterance_id"].rsplit("-", 1)[1]
        )
    order = [(row["date"], row["utterance_id"], row["offset_in_spoken_text"]) for row in rows]
    assert order == sorted(order), "by record, then turn, then place in the turn"


# --- who speaks, and whose words --------------------------------------------------------------------------


async def test_a_name_with_words_finds_that_persons_own_turns_first_and_says_so(ds):
    answer = (await ds.client.get("/search.json?q=Guevara+inspection")).json()
    first = answer["results"][0]
    assert first["row_id"] == "1962-11-05-memorandum-u057"
    assert first["relation"] == "said by" and first["who"] == "Ernesto Guevara"
    page = await ds.client.get("/search?q=Guevara+inspection")
    assert 'class="search-relation">said by</span> <strong class="search-who">Ernesto Guevara' in page.text


async def test_a_nickname_alone_finds_every_turn_by_that_person_and_the_turns_naming_him(ds, db):
    answer = (await ds.client.get("/search.json?q=Che&_size=200")).json()
    by_guevara = {
        row["utterance_id"] for row in db.query("select utterance_id from utterances where participant_id = 'guevara'")
    }
    said = {result["row_id"] for result in answer["results"] if result["relation"] == "said by"}
    assert said == by_guevara and len(said) == 11
    naming = [result for result in answer["results"] if result["relation"] == "names"]
    assert naming and all(result["speaker_id"] != "guevara" for result in naming)
    relations = [result["relation"] for result in answer["results"] if result["kind"] == "turn"]
    assert relations == sorted(relations, key=lambda relation: relation != "said by"), "his own turns first"


async def test_the_speaker_filter_narrows_the_results_with_counts_and_survives_paging(ds):
    everything = (await ds.client.get("/search.json?q=inspection")).json()
    speakers = {value["value"]: value["count"] for value in everything["facets"]["speaker"]}
    assert speakers["dorticos"] >= 2 and sum(speakers.values()) == everything["counts"]["turn"]
    narrowed = (await ds.client.get("/search.json?q=inspection&speaker=dorticos")).json()
    assert narrowed["counts"] == {"turn": speakers["dorticos"], "note": 0}
    assert {result["speaker_id"] for result in narrowed["results"]} == {"dorticos"}
    page = await ds.client.get("/search?q=inspection&speaker=dorticos&_size=1")
    assert 'href="/search?q=inspection&amp;speaker=dorticos&amp;_size=1&amp;page=2" rel="next"' in page.text
    assert '<input type="hidden" name="speaker" value="dorticos">' in page.text


async def test_words_an_editor_inserted_are_not_the_speakers_and_are_found_as_a_note(ds, db):
    (turn,) = db.query(
        "select text, spoken_text, words, spoken_words from utterances "
        "where utterance_id = '1962-11-05-memorandum-u044'"
    )
    assert "[the proposal to swap Soviet missiles in Cuba for U.S. missiles in Turkey--ed.]" in turn["text"]
    assert "Turkey" not in turn["spoken_text"] and "First, the exchange, and second" in turn["spoken_text"]
    assert turn["words"] - turn["spoken_words"] == 14
    answer = (await ds.client.get("/search.json?q=Turkey&_size=200")).json()
    found = {result["row_id"] for result in answer["results"]}
    assert "1962-11-05-memorandum-u044" not in found
    assert any(
        result["kind"] == "note" and result["document_id"] == "1962-11-05-memorandum" for result in answer["results"]
    )


async def test_words_per_participant_counts_spoken_words_and_keeps_kinds_of_turn_apart(ds, db):
    rows = (await ds.client.get(f"/{DATABASE_NAME}/words_per_participant.json?_shape=array")).json()
    castro = [row for row in rows if row["record"] == "1962-11-03-notes" and row["speaker"] == "Fidel Castro"]
    assert [row["kind"] for row in castro] == ["reported"], "3 November is the recorder's report of Castro"
    (spoken,) = db.execute("select sum(spoken_words) from utterances").fetchone()
    assert sum(row["words"] for row in rows) == spoken
    (editorial,) = db.execute("select sum(words - spoken_words) from utterances").fetchone()
    assert sum(row["editorial_words"] for row in rows) == editorial > 0


@pytest.mark.parametrize("table", ["turns", "utterances"])
async def test_a_tables_search_reads_a_name_as_who_speaks_too(ds, db, table):
    rows = (await ds.client.get(f"/{DATABASE_NAME}/{table}.json?_search=Che&_shape=array&_size=max")).json()
    by_guevara = {
        row["utterance_id"] for row in db.query("select utterance_id from utterances where participant_id = 'guevara'")
    }
    assert by_guevara <= {row["utterance_id"] for row in rows}
    (turn,) = (await ds.client.get(f"/{DATABASE_NAME}/{table}.json?_search=Guevara+inspection&_shape=array")).json()
    assert turn["utterance_id"] == "1962-11-05-memorandum-u057"
    page = await ds.client.get(f"/{DATABASE_NAME}/{table}?_search=Che")
    assert 'name="_search"' in page.text and "a name also finds the turns its person said" in page.text


async def test_a_tables_raw_search_takes_sqlites_syntax_as_typed(ds):
    rows = (
        await ds.client.get(f"/{DATABASE_NAME}/utterances.json?_search=insp*&_searchmode=raw&_shape=array&_size=max")
    ).json()
    assert len(rows) == 10 and all(re.search(r"\binsp", row["spoken_text"], re.IGNORECASE) for row in rows)


async def test_the_ready_made_search_reads_a_name_as_who_speaks_and_lists_their_turns_first(ds):
    path = f"/{DATABASE_NAME}/search_talks.json?_shape=array&_size=max&search="
    (turn,) = (await ds.client.get(path + "Guevara+inspection")).json()
    assert turn["utterance_id"] == "1962-11-05-memorandum-u057" and turn["said_by_named"] == 1
    rows = (await ds.client.get(path + "Che")).json()
    said = [row["said_by_named"] for row in rows]
    assert said.count(1) == 11 and said == sorted(said, reverse=True)
    assert {row["speaker"] for row in rows if row["said_by_named"]} == {"Ernesto Guevara"}
