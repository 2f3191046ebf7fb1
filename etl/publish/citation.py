"""Citations of the dataset and of each of its parts, in the forms journals and reference managers take.

A historian cites a turn of the talks the way they cite a page of an archive: who spoke, the words, where
it is in the record, the record (title, date, archive, record number, address), and the edition it was read
in (this dataset, its creators, version, release date, DOI once there is one, the row's stable address,
the date of access). Every citation is made once, as a CSL-JSON item (the Citation Style Language's data
format, which Zotero, Mendeley and pandoc read), by pure functions of rows, and every other form is
rendered from that item by a well-kept library:

- formatted text by citeproc-py, with this project's style (``citation.csl``, beside this module);
- BibTeX by bibtexparser (text fields escaped for LaTeX by latexcodec; addresses left verbatim);
- RIS by rispy.

Addresses are always those of the published site (``homepage`` in ``etl/curated/dataset.yml``), never of
the host that happens to serve a page: a citation made from a local copy points at the published row.

>>> release = DatasetRelease(title="Havana", version="1.0.0", release_date="2026-11-22",
...     creators=({"name": "havana-1962 maintainers"},), homepage="https://example.org")
>>> item = cite_dataset(release, accessed="2026-11-23")
>>> format_text(item)
'havana-1962 maintainers, Havana, version 1.0.0, 22 November 2026, https://example.org, accessed 23 November 2026.'
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bibtexparser
import latexcodec  # noqa: F401  (registers the "ulatex" codec)
import rispy
from bibtexparser.model import Entry, Field
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from etl.publish.package import DEFAULT_AUTHORS

STYLE_FILE = Path(__file__).with_name("citation.csl")
# How many words of a turn or note the citation quotes.
OPENING_WORDS = 12
# The archive that publishes the records with record numbers (printed in the seeds' citations).
ARCHIVE_NAME = "Wilson Center Digital Archive"
# The formats a citation is offered in: file extension, media type, what a reader calls it.
FORMATS = {
    "txt": ("text/plain; charset=utf-8", "Formatted text"),
    "bib": ("application/x-bibtex; charset=utf-8", "BibTeX"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "RIS"),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "CSL-JSON"),
}
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
    doi: str | None = None
    name: str = "havana-1962"
    description: str = ""
    license_name: str = ""
    license_url: str = ""
    keywords: tuple[str, ...] = ()
    checksum: str | None = None  # the version's content checksum (seeds and schema), for query citations

    def url(self, path: str) -> str:
        """The published address of a path of the site."""
        return self.homepage.rstrip("/") + "/" + path.lstrip("/")


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
        doi=facts.get("doi"),
        name=facts["name"],
        description=facts.get("description", ""),
        license_name=facts["license"]["name"],
        license_url=facts["license"]["path"],
        keywords=tuple(str(keyword) for keyword in facts.get("keywords", ())),
        checksum=checksum,
    )


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


def csl_name(person: dict[str, str] | str) -> dict[str, str]:
    """A CFF person or entity, or a name as printed, as a CSL name (a name as printed stays one literal)."""
    if isinstance(person, str):
        return {"literal": person}
    if "family-names" in person:
        return {"family": person["family-names"], **({"given": person["given-names"]} if person.get("given-names") else {})}
    return {"literal": person["name"]}


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


def _in_dataset(release: DatasetRelease, item: dict[str, Any], path: str, accessed: str) -> dict[str, Any]:
    """A part of the dataset: the dataset is its container."""
    item.update(
        {
            "container-author": [csl_name(creator) for creator in release.creators],
            "container-title": release.title,
            "version": release.version,
            "issued": csl_date(release.release_date),
            "URL": release.url(path),
            "accessed": csl_date(accessed),
        }
    )
    if release.doi:
        item["DOI"] = release.doi
    return item


def record_source(document: dict[str, Any]) -> dict[str, Any]:
    """The archival record a part comes from, as CSL variables: title, date, translator, archive, number, address."""
    source: dict[str, Any] = {"original-title": document["title"], "original-date": csl_date(document["date"])}
    if document.get("translator"):
        source["translator"] = [csl_name(document["translator"])]
    if document.get("record_id"):
        source["archive"] = ARCHIVE_NAME
    elif document.get("archive"):
        source["archive"] = document["archive"]
    location = [f"record {document['record_id']}" if document.get("record_id") else None, document.get("canonical_url") or document.get("source_url")]
    if any(location):
        source["archive_location"] = ", ".join(part for part in location if part)
    if document.get("citation"):
        source["note"] = "Archival citation as printed: " + document["citation"]
    return source


def cite_turn(
    release: DatasetRelease,
    turn: dict[str, Any],
    document: dict[str, Any],
    speaker: str,
    turns_in_record: int,
    path: str,
    accessed: str,
) -> dict[str, Any]:
    """A turn of the talks: the speaker, the opening words, its place in the record, the record, the dataset."""
    item = {
        "id": f"{release.name}:{turn['utterance_id']}",
        "type": "entry",
        "author": [csl_name(speaker)],
        "section": f"turn {turn['seq']} of {turns_in_record}",
        "title": opening_words(turn["text"]),
        **record_source(document),
    }
    return _in_dataset(release, item, path, accessed)


def cite_note(
    release: DatasetRelease,
    note: dict[str, Any],
    document: dict[str, Any],
    note_number: int,
    notes_in_record: int,
    path: str,
    accessed: str,
) -> dict[str, Any]:
    """An editorial note: whose note it is, its kind, its words as printed, its place, the record, the dataset."""
    item = {
        "id": f"{release.name}:{note['note_id']}",
        "type": "entry",
        "author": [csl_name(note["resp"])],
        "section": f"{note['note_type'].replace('_', ' ')}, note {note_number} of {notes_in_record}",
        "title": opening_words(note["marker"]),
        **record_source(document),
    }
    return _in_dataset(release, item, path, accessed)


def cite_record(
    release: DatasetRelease, document: dict[str, Any], writers: list[str], path: str, accessed: str
) -> dict[str, Any]:
    """A record as this dataset gives it: who wrote it, its title, date, archive and number, the dataset."""
    source = record_source(document)
    item = {
        "id": f"{release.name}:{document['document_id']}",
        "type": "entry",
        "author": [csl_name(writer) for writer in writers],
        "title": source.pop("original-title"),
        **source,
    }
    return _in_dataset(release, item, path, accessed)


def cite_article(
    release: DatasetRelease, article: dict[str, Any], places: int, path: str, accessed: str
) -> dict[str, Any]:
    """A protocol article as the records quote or name it."""
    item = {
        "id": f"{release.name}:{article['article_id']}",
        "type": "entry",
        "section": f"named in {places} place{'' if places == 1 else 's'} of the records",
        "title": f"{article['label']}, {article['protocol']}",
        "original-date": csl_date(article["protocol_date"]),
    }
    return _in_dataset(release, item, path, accessed)


def cite_person(
    release: DatasetRelease, participant: dict[str, Any], turns: int, path: str, accessed: str
) -> dict[str, Any]:
    """A participant in the talks: the name, the office held in November 1962 where known, the dataset."""
    described = ", ".join(part for part in (participant.get("position"), participant.get("side")) if part)
    item = {
        "id": f"{release.name}:{participant['participant_id']}",
        "type": "entry",
        "section": f"participant, {turns} turn{'' if turns == 1 else 's'}",
        "title": participant["name"] + (f" ({described})" if described else ""),
    }
    return _in_dataset(release, item, path, accessed)


def cite_query(release: DatasetRelease, title: str, path: str, accessed: str) -> dict[str, Any]:
    """A query or a filtered table, by its published address, with the version and its content checksum."""
    item = {
        "id": f"{release.name}:query:{hashlib.sha256(path.encode('utf-8')).hexdigest()[:12]}",
        "type": "entry",
        "section": f"query of version {release.version}"
        + (f" (content checksum SHA-256 {release.checksum})" if release.checksum else ""),
        "title": title,
    }
    return _in_dataset(release, item, path, accessed)


def cite_dataset(release: DatasetRelease, accessed: str) -> dict[str, Any]:
    """The dataset as a whole, in its version."""
    item: dict[str, Any] = {
        "id": f"{release.name}:{release.version}",
        "type": "dataset",
        "author": [csl_name(creator) for creator in release.creators],
        "title": release.title,
        "version": release.version,
        "issued": csl_date(release.release_date),
        "URL": release.homepage,
        "accessed": csl_date(accessed),
    }
    if release.doi:
        item["DOI"] = release.doi
    if release.description:
        item["abstract"] = " ".join(release.description.split())
    if release.checksum:
        item["note"] = f"Content checksum of version {release.version}: SHA-256 {release.checksum}."
    return item


# ---------------------------------------------------------------------------------------------------------
# Rendering: formatted text (citeproc-py), BibTeX (bibtexparser), RIS (rispy), CSL-JSON


def _for_style(item: dict[str, Any]) -> dict[str, Any]:
    """The item as citeproc-py 0.11.1 can render it: it finds no name variable with a hyphen
    ("container-author" is looked up as written while the item's key becomes "container_author"), so the
    style prints the dataset's creators from "editor", given here only for rendering."""
    if "container-author" not in item:
        return item
    return {**item, "editor": item["container-author"]}


def _bibliography_entry(item: dict[str, Any], output_format: Any) -> str:
    bibliography = CitationStylesBibliography(_style(), CiteProcJSON([_for_style(item)]), output_format)
    bibliography.register(Citation([CitationItem(item["id"])]))
    return " ".join(str(bibliography.bibliography()[0]).split())


def format_text(item: dict[str, Any]) -> str:
    """The citation as one line of text, in this project's CSL style."""
    return _format_text_of(json.dumps(item, sort_keys=True))


# citeproc-py takes about 10 ms for a turn's citation, longer than Datasette takes for the whole row page:
# the same citation (same row, version and day of access) is formatted once per process.
FORMATTED_CITATIONS_KEPT = 4096


@functools.lru_cache(maxsize=FORMATTED_CITATIONS_KEPT)
def _format_text_of(item_json: str) -> str:
    return _bibliography_entry(json.loads(item_json), formatter.plain)




_STYLE: list[CitationStylesStyle] = []


def _style() -> CitationStylesStyle:
    if not _STYLE:  # parsing the style takes longer than formatting: once per process
        _STYLE.append(CitationStylesStyle(str(STYLE_FILE), validate=False))
    return _STYLE[0]


def _names_text(names: list[dict[str, str]]) -> list[str]:
    """CSL names as "Family, Given" (the form BibTeX and RIS read), corporate names as they are."""
    return [f"{name['family']}, {name['given']}" if "family" in name and "given" in name else name.get("family") or name["literal"] for name in names]


def _latex(text: str) -> str:
    """Text for a BibTeX field: LaTeX's special characters escaped, accents as LaTeX commands."""
    return codecs.encode(text, "ulatex")


def _bibtex_names(names: list[dict[str, str]]) -> str:
    return " and ".join(
        _latex(name) if "," in name else "{" + _latex(name) + "}" for name in _names_text(names)
    )


def _iso(date: dict[str, Any]) -> str:
    return "-".join(f"{part:02d}" if index else str(part) for index, part in enumerate(date["date-parts"][0]))


def to_bibtex(item: dict[str, Any]) -> str:
    """The citation as a BibTeX @misc entry (fields biblatex also reads: version, url, urldate, doi)."""
    fields: list[tuple[str, str]] = []
    authors = item.get("author") or item.get("container-author") or []
    if authors:
        fields.append(("author", _bibtex_names(authors)))
    title = item["title"]
    if item.get("section") and item.get("author"):  # words quoted from a turn or note: "turn 57 of 69: “...”"
        title = f"{item['section']}: “{title}”"
    elif item.get("section"):  # an article, a person, a query: "Article 13, ... (named in 3 places ...)"
        title = f"{title} ({item['section']})"
    fields.append(("title", _latex(title)))
    if item.get("container-title"):
        fields.append(("howpublished", _latex(f"{item['container-title']}, version {item['version']}")))
    fields.append(("year", str(item["issued"]["date-parts"][0][0])))
    fields.append(("date", _iso(item["issued"])))
    fields.append(("version", item["version"]))
    notes = []
    if item.get("original-title"):
        source = f"In “{item['original-title']}”, {_iso(item['original-date'])}"
        if item.get("archive"):
            source += f", {item['archive']}"
        if item.get("archive_location"):
            source += f", {item['archive_location']}"
        notes.append(source + ".")
    elif item.get("original-date"):
        notes.append(f"Dated {_iso(item['original-date'])}.")
    if item.get("note"):
        notes.append(item["note"])
    if notes:
        fields.append(("note", _latex(" ".join(notes))))
    if item.get("DOI"):
        fields.append(("doi", item["DOI"]))
    fields.append(("url", item["URL"]))
    fields.append(("urldate", _iso(item["accessed"])))
    entry = Entry(BIBTEX_TYPE, item["id"], [Field(key, value) for key, value in fields])
    return bibtexparser.write_string(bibtexparser.Library([entry]))


def to_ris(item: dict[str, Any]) -> str:
    """The citation as an RIS record."""
    record: dict[str, Any] = {
        "type_of_reference": RIS_TYPES.get(item["type"], "GEN"),
        "title": item["title"],
        "year": str(item["issued"]["date-parts"][0][0]),
        "date": _iso(item["issued"]).replace("-", "/"),
        "edition": f"version {item['version']}",
        "urls": [item["URL"]],
        "access_date": _iso(item["accessed"]).replace("-", "/"),
        "id": item["id"],
    }
    if item.get("author"):
        record["authors"] = _names_text(item["author"])
    if item.get("container-title"):
        record["secondary_title"] = item["container-title"]
        record["secondary_authors"] = _names_text(item["container-author"])
    if item.get("section"):
        record["section"] = item["section"]
    if item.get("DOI"):
        record["doi"] = item["DOI"]
    notes = []
    if item.get("original-title"):
        notes.append(f"In “{item['original-title']}”, {_iso(item['original-date'])}.")
    if item.get("archive"):
        record["name_of_database"] = item["archive"]
    if item.get("archive_location"):
        record["accession_number"] = item["archive_location"]
    if item.get("note"):
        notes.append(item["note"])
    if notes:
        record["notes"] = notes
    return rispy.dumps([record])


def to_csl_json(item: dict[str, Any]) -> str:
    """The citation as CSL-JSON: a list of one item."""
    return json.dumps([item], indent=2, ensure_ascii=False) + "\n"


def render(item: dict[str, Any], extension: str) -> str:
    """The citation in one of FORMATS, by file extension."""
    renderers = {"txt": lambda item: format_text(item) + "\n", "bib": to_bibtex, "ris": to_ris, "json": to_csl_json}
    return renderers[extension](item)


# ---------------------------------------------------------------------------------------------------------
# schema.org Dataset, for dataset search engines


def dataset_jsonld(
    release: DatasetRelease, sources: list[dict[str, Any]], distribution: list[dict[str, str]], first_date: str, last_date: str
) -> dict[str, Any]:
    """schema.org ``Dataset`` JSON-LD with the properties Google's dataset guidelines ask for (name,
    description, license, creator, version, distribution, citation), from the facts of CITATION.cff.
    ``citation`` is, as the guidelines define it, what to cite besides the dataset: the archival records."""
    creators = [
        {"@type": "Person", "givenName": person["given-names"], "familyName": person["family-names"], "name": f"{person['given-names']} {person['family-names']}"}
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
