"""Render the Frictionless data package and the citation files from the built database and the schema.

Everything written here is generated, never edited by hand, and rendered by pure functions
(``render_*``), so that a test can compare the committed files with a fresh rendering and fail on drift:

- ``data/<table>.csv`` for every table of ``etl/schema.TABLES`` and for the ``turns`` view, rows in
  primary-key order, UTF-8, ``\\n`` line endings, booleans as ``true``/``false``, null as an empty cell;
- ``datapackage.json``: the package facts from ``etl/curated/dataset.yml``, the licences and sources read
  from the database (the rights statement exactly as the archive prints it), and one Table Schema per
  resource derived from ``etl/schema.py`` (types, descriptions, constraints, primary and foreign keys),
  with each CSV's ``bytes`` and sha256 ``hash``;
- ``CITATION.cff`` and ``.zenodo.json``, in step with ``datapackage.json`` (same version, date, licence
  and sources), for citing the dataset and for depositing a release with a versioned DOI.

The package's ``created`` is the release date, never the build time: the same database gives the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from etl.curation import load_curated
from etl.publish.facts import load_dataset_facts
from etl.publish.site import view_column_descriptions
from etl.schema import TABLES, TABLES_BY_NAME, TURNS_VIEW, TURNS_VIEW_DESCRIPTION, TURNS_VIEW_NAME, Column, Table, View

DATA_FOLDER = "data"
PACKAGE_FILE = "datapackage.json"
CITATION_FILE = "CITATION.cff"
ZENODO_FILE = ".zenodo.json"

# How every CSV is written (the Table Schema's CSV dialect, stated in each resource).
CSV_DIALECT: dict[str, Any] = {
    "delimiter": ",",
    "lineTerminator": "\n",
    "quoteChar": '"',
    "doubleQuote": True,
    "header": True,
}
TRUE_VALUE, FALSE_VALUE = "true", "false"

# Who compiled the dataset, when etl/curated/dataset.yml names nobody (key `authors`, a list of CFF persons
# or entities): the project's maintainers as a body, the same name its commits carry.
DEFAULT_AUTHORS = ({"name": "havana-1962 maintainers"},)

# The archive's name, used to title each record it publishes (the seeds' citations print it:
# '"Notes of Conversation between A.I. Mikoyan and Fidel Castro", November 3, 1962,
# Wilson Center Digital Archive, ...').
ARCHIVE_NAME = "Wilson Center Digital Archive"

# ---------------------------------------------------------------------------------------------------------
# The resources: every table of the schema, and the turns view described from the columns it selects.


def turns_view_table(view: View = TURNS_VIEW) -> Table:
    """The turns view as a schema Table, each column typed and constrained like the column it selects.

    A column keeps ``required`` only when it comes from the view's FROM table or an inner join (a LEFT JOIN
    may leave it empty), and ``unique`` only when it comes from the FROM table; a column that is its own
    table's key or a reference keeps that reference, so the view's rows link back to the tables.
    """
    descriptions = view_column_descriptions(view)
    columns = []
    for selected in view.columns:
        table = TABLES_BY_NAME[selected.table]
        source = table.column(selected.column)
        references = source.references
        if references is None and table.primary_key == (source.name,):
            references = (table.name, source.name)
        columns.append(
            Column(
                name=selected.name,
                type=source.type,
                description=descriptions[selected.name],
                required=source.required and table.name not in view.optional_tables,
                unique=source.unique and table.name == view.from_table,
                enum=source.enum,
                pattern=source.pattern,
                minimum=source.minimum,
                references=references,
            )
        )
    unique_columns = [column.name for column in columns if column.unique]
    return Table(
        name=TURNS_VIEW_NAME,
        description=TURNS_VIEW_DESCRIPTION,
        columns=tuple(columns),
        primary_key=tuple(unique_columns[:1]),
    )


def package_tables() -> tuple[Table, ...]:
    """Every resource of the package, in schema order: the tables, then the turns view."""
    return (*TABLES, turns_view_table())


# ---------------------------------------------------------------------------------------------------------
# CSV


def _cell(value: Any, column: Column, where: str) -> str:
    """One value as the Table Schema reads it back: null is the empty cell, so an empty string is refused."""
    if value is None:
        return ""
    if column.type == "boolean":
        if value not in (0, 1):
            raise ValueError(f"{where}: boolean column {column.name} holds {value!r}, not 0 or 1")
        return TRUE_VALUE if value else FALSE_VALUE
    if column.type == "integer":
        if not isinstance(value, int):
            raise ValueError(f"{where}: integer column {column.name} holds {value!r}")
        return str(value)
    if column.type == "number":
        return repr(float(value))
    text = str(value)
    if text == "":
        raise ValueError(f"{where}: column {column.name} holds an empty string, which a CSV cannot tell from null")
    return text


def render_csv(connection: sqlite3.Connection, table: Table) -> bytes:
    """A table's rows as CSV bytes: header, then every row in primary-key order (the whole row as tiebreak)."""
    names = table.column_names
    order = [*table.primary_key, *[name for name in names if name not in table.primary_key]]
    sql = "SELECT {} FROM [{}] ORDER BY {}".format(
        ", ".join(f"[{name}]" for name in names), table.name, ", ".join(f"[{name}]" for name in order)
    )
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=CSV_DIALECT["lineTerminator"])
    writer.writerow(names)
    for row in connection.execute(sql):
        where = f"{table.name} {dict(zip(names, row, strict=True))[names[0]]!r}"
        writer.writerow([_cell(value, column, where) for value, column in zip(row, table.columns, strict=True)])
    return buffer.getvalue().encode("utf-8")


# ---------------------------------------------------------------------------------------------------------
# Table Schema and datapackage.json


def render_field(column: Column) -> dict[str, Any]:
    """One column as a Table Schema field: name, type, description and constraints."""
    field: dict[str, Any] = {"name": column.name, "type": column.type, "description": column.description}
    if column.type == "boolean":
        field["trueValues"] = [TRUE_VALUE]
        field["falseValues"] = [FALSE_VALUE]
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    if column.unique:
        constraints["unique"] = True
    if column.enum is not None:
        constraints["enum"] = list(column.enum)
    if column.pattern is not None:
        constraints["pattern"] = column.pattern
    if column.minimum is not None:
        constraints["minimum"] = column.minimum
    if constraints:
        field["constraints"] = constraints
    return field


def render_table_schema(table: Table) -> dict[str, Any]:
    """A table as a Table Schema: its fields, primary key and a foreign key for every reference."""
    schema: dict[str, Any] = {"fields": [render_field(column) for column in table.columns], "missingValues": [""]}
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    foreign_keys = [
        {"fields": [column], "reference": {"resource": other_table, "fields": [other_column]}}
        for column, other_table, other_column in table.foreign_keys
    ]
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def render_resource(table: Table, csv_bytes: bytes) -> dict[str, Any]:
    """A table as a tabular data resource: where its CSV is, how it is written, its size, hash and schema."""
    return {
        "name": table.name,
        "path": f"{DATA_FOLDER}/{table.name}.csv",
        "profile": "tabular-data-resource",
        "description": table.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": dict(CSV_DIALECT),
        "bytes": len(csv_bytes),
        "hash": "sha256:" + hashlib.sha256(csv_bytes).hexdigest(),
        "schema": render_table_schema(table),
    }


def _rows(connection: sqlite3.Connection, sql: str, *parameters: Any) -> list[dict[str, Any]]:
    cursor = connection.execute(sql, parameters)
    names = [description[0] for description in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def _record_label(document: dict[str, Any]) -> str:
    """How a record is named in the package: the archive and its record number where it has one."""
    if document["record_id"]:
        return f"{ARCHIVE_NAME}, record {document['record_id']}: {document['title']}"
    return f"{document['title']} ({document['document_id']})"


def render_licenses(connection: sqlite3.Connection, dataset: dict[str, Any]) -> list[dict[str, Any]]:
    """The compilation's licence, then each rights statement of the source translations exactly as printed.

    The rights statements are not licences: this project grants nothing in the translations. Each is given
    verbatim with the records that print it and points at the archive's page that prints it; records whose
    seed prints no rights statement are named as such rather than given one.
    """
    license = dataset["license"]
    licenses: list[dict[str, Any]] = [
        {
            "name": license["name"],
            "path": license["path"],
            "title": license["title"],
            "scope": " ".join(license["scope"].split()),
        }
    ]
    documents = _rows(connection, "SELECT * FROM documents ORDER BY document_id")
    without_statement = [document["document_id"] for document in documents if not document["rights"]]
    statements: dict[str, list[dict[str, Any]]] = {}
    for document in documents:
        if document["rights"]:
            statements.setdefault(document["rights"], []).append(document)
    for statement, printed_with in statements.items():
        addresses = [document["canonical_url"] or document["source_url"] for document in printed_with]
        addresses = [address for address in addresses if address]
        if not addresses:
            raise ValueError(f"rights statement of {printed_with[0]['document_id']} has no archive address to cite")
        scope = (
            "Rights statement of the source translations, as the archive prints it with "
            + ", ".join(_record_label(document) for document in printed_with)
            + ". It is not a licence granted by this project."
        )
        if without_statement:
            scope += (
                " The copies of the records " + ", ".join(without_statement) + " used here print no rights statement."
            )
        licenses.append(
            {
                "title": f"{ARCHIVE_NAME} rights statement (as printed)",
                "path": addresses[0],
                "scope": scope,
                "statement": statement,
                "records": [document["document_id"] for document in printed_with],
            }
        )
    return licenses


def published_translations(connection: sqlite3.Connection) -> list[dict[str, Any]]:
    """The published translations the records cite, each bibliographic note with the parts of its citation
    from ``etl/curated/published_translations.yml`` (``None`` for a note no entry describes). The build has
    checked that each note prints every part of its entry; nothing here parses a note's words."""
    entries = {entry["note_id"]: entry for entry in load_curated("published_translations.yml") or []}
    notes = _rows(connection, "SELECT * FROM editorial_notes WHERE note_type = 'bibliographic' ORDER BY note_id")
    return [{"note": note, "cited": entries.get(note["note_id"])} for note in notes]


def render_sources(connection: sqlite3.Connection) -> list[dict[str, Any]]:
    """Each record with its archive address and record number where printed, the archives, the published
    translations."""
    sources: list[dict[str, Any]] = []
    documents = _rows(connection, "SELECT * FROM documents ORDER BY document_id")
    for document in documents:
        source: dict[str, Any] = {"title": _record_label(document)}
        address = document["canonical_url"] or document["source_url"]
        if address:
            source["path"] = address
        for key in ("record_id", "document_id", "citation", "archive", "provenance", "translator"):
            if document[key]:
                source[key] = document[key]
        if not (address or document["record_id"] or document["archive"]):
            source["description"] = "The seed prints no archive, record number or address for this record."
        sources.append(source)
    for (archive,) in connection.execute(
        "SELECT DISTINCT archive FROM documents WHERE archive IS NOT NULL ORDER BY archive"
    ):
        holding = [
            row[0]
            for row in connection.execute(
                "SELECT document_id FROM documents WHERE archive = ? ORDER BY document_id", (archive,)
            )
        ]
        sources.append(
            {
                "title": archive,
                "description": "Holds the Russian originals of the records " + ", ".join(holding) + " (as printed).",
            }
        )
    for translation in published_translations(connection):
        note = translation["note"]
        sources.append(
            {
                "title": translation["cited"]["title"] if translation["cited"] else note["text"],
                "description": f"Published English translations, as cited by note {note['note_id']}: {note['text']}",
            }
        )
    return sources


def _authors(dataset: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(author) for author in dataset.get("authors") or DEFAULT_AUTHORS]


def _person_name(person: dict[str, Any]) -> str:
    if "name" in person:
        return person["name"]
    return " ".join(part for part in (person.get("given-names"), person.get("family-names")) if part)


def render_contributors(connection: sqlite3.Connection, dataset: dict[str, Any]) -> list[dict[str, Any]]:
    """The compilers of the dataset (authors), then the translators of the source records, as printed."""
    contributors = [{"title": _person_name(author), "role": "author"} for author in _authors(dataset)]
    for (translator,) in connection.execute(
        "SELECT DISTINCT translator FROM documents WHERE translator IS NOT NULL ORDER BY translator"
    ):
        contributors.append({"title": translator, "role": "translator"})
    return contributors


def render_datapackage(connection: sqlite3.Connection, csv_by_table: dict[str, bytes], dataset: dict[str, Any]) -> str:
    """datapackage.json's text: the package facts, licences, sources, contributors and one resource per table."""
    package = {
        "profile": "tabular-data-package",
        "name": dataset["name"],
        "title": dataset["title"],
        "description": " ".join(dataset["description"].split()),
        "version": str(dataset["version"]),
        # The release date, at midnight UTC: never the time of the build.
        "created": f"{dataset['release_date']}T00:00:00Z",
        # No homepage until the project has a public address (etl/curated/dataset.yml `homepage`).
        **({"homepage": dataset["homepage"]} if dataset.get("homepage") else {}),
        "keywords": [str(keyword) for keyword in dataset["keywords"]],
        "licenses": render_licenses(connection, dataset),
        "sources": render_sources(connection),
        "contributors": render_contributors(connection, dataset),
        "resources": [render_resource(table, csv_by_table[table.name]) for table in package_tables()],
    }
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------------------------------
# CITATION.cff and .zenodo.json


def _record_reference(connection: sqlite3.Connection, document: dict[str, Any]) -> dict[str, Any]:
    """One archival record as a CFF reference (a historical work, by the Soviet official who wrote it)."""
    writers = _rows(
        connection,
        "SELECT DISTINCT participants.name FROM document_participants JOIN participants USING (participant_id) "
        "WHERE document_id = ? AND role IN ('author', 'recorder') ORDER BY participants.name",
        document["document_id"],
    )
    reference: dict[str, Any] = {
        "type": "historical-work",
        "title": document["title"],
        "authors": [{"name": writer["name"]} for writer in writers] or [{"name": "anonymous"}],
        "year": int(document["date"][:4]),
    }
    if document["canonical_url"] or document["source_url"]:
        reference["url"] = document["canonical_url"] or document["source_url"]
    if document["record_id"]:
        reference["database-provider"] = {"name": ARCHIVE_NAME}
        reference["identifiers"] = [
            {"type": "other", "value": document["record_id"], "description": f"{ARCHIVE_NAME} record ID"}
        ]
    if document["archive"]:
        reference["location"] = {"name": document["archive"]}
    if document["translator"]:
        reference["translators"] = [{"name": document["translator"]}]
    # The archive's citation as printed already names the provenance; without one, give the provenance.
    printed = document["citation"] or (f"Copy: {document['provenance']}." if document["provenance"] else None)
    reference["notes"] = " ".join(filter(None, [printed, f"This dataset's document_id: {document['document_id']}."]))
    return reference


def _translation_reference(translation: dict[str, Any]) -> dict[str, Any]:
    """A published translation cited by a bibliographic note, as a CFF reference."""
    note, cited = translation["note"], translation["cited"]
    if cited is None:
        return {"type": "generic", "title": note["text"], "authors": [{"name": "anonymous"}], "notes": note["note_id"]}
    reference: dict[str, Any] = {
        "type": "article",
        "title": cited["title"],
        "authors": [{"family-names": cited["author"]["family"], "given-names": cited["author"]["given"]}],
        "journal": cited["journal"],
        "issue": cited["issue"],
        "year": cited["year"],
        "notes": f"As cited by this dataset's note {note['note_id']}: {note['text']}",
    }
    return reference


def render_references(connection: sqlite3.Connection) -> list[dict[str, Any]]:
    """The archival sources as CFF references: each record, then the published translations."""
    documents = _rows(connection, "SELECT * FROM documents ORDER BY document_id")
    references = [_record_reference(connection, document) for document in documents]
    references += [_translation_reference(translation) for translation in published_translations(connection)]
    return references


def render_citation_cff(connection: sqlite3.Connection, dataset: dict[str, Any]) -> str:
    """CITATION.cff's text (CFF 1.2.0, type dataset), with the same version, date and licence as datapackage.json."""
    citation: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it as below, with its version.",
        "type": "dataset",
        "title": dataset["title"],
        "version": str(dataset["version"]),
        "date-released": str(dataset["release_date"]),
        "authors": _authors(dataset),
        "license": dataset["license"]["name"],
    }
    # Only what the curated facts state: no repository address or DOI until the project has one.
    if dataset.get("doi"):
        citation["doi"] = dataset["doi"]
    if dataset.get("repository"):
        citation["repository-code"] = dataset["repository"]
    if dataset.get("homepage"):
        citation["url"] = dataset["homepage"]
    citation["abstract"] = " ".join(dataset["description"].split())
    citation["keywords"] = [str(keyword) for keyword in dataset["keywords"]]
    citation["references"] = render_references(connection)
    header = (
        "# Generated by `python -m etl data` (etl/publish/package.py) from etl/curated/dataset.yml and the database.\n"
        "# Do not edit: change those and run `make data`.\n"
    )
    return header + yaml.safe_dump(citation, sort_keys=False, allow_unicode=True, width=110)


def _reference_text(reference: dict[str, Any]) -> str:
    """A CFF reference as one line of text, for Zenodo's plain list of references."""
    authors = "; ".join(_person_name(author) for author in reference["authors"])
    parts = [authors, f'"{reference["title"]}"', str(reference["year"])]
    if reference.get("journal"):
        parts.append(f"{reference['journal']} {reference['issue']}")
    if reference.get("url"):
        parts.append(reference["url"])
    return ", ".join(parts)


def render_zenodo_json(connection: sqlite3.Connection, dataset: dict[str, Any]) -> str:
    """.zenodo.json's text: Zenodo's deposit metadata for a release, so that each version gets its own DOI."""
    licenses = render_licenses(connection, dataset)
    references = render_references(connection)
    rights = [f"{license['scope']} Statement: {' '.join(license['statement'].split())}" for license in licenses[1:]]
    deposit: dict[str, Any] = {
        "upload_type": "dataset",
        "title": dataset["title"],
        "version": str(dataset["version"]),
        "publication_date": str(dataset["release_date"]),
        "description": " ".join(dataset["description"].split()),
        "creators": [{"name": _person_name(author)} for author in _authors(dataset)],
        "contributors": [
            {"name": contributor["title"], "type": "Other"}
            for contributor in render_contributors(connection, dataset)
            if contributor["role"] == "translator"
        ],
        "access_right": "open",
        "license": dataset["license"]["name"].lower(),
        "keywords": [str(keyword) for keyword in dataset["keywords"]],
        "related_identifiers": [
            {"identifier": reference["url"], "relation": "isDerivedFrom", "resource_type": "publication-other"}
            for reference in references
            if reference.get("url")
        ],
        "references": [_reference_text(reference) for reference in references],
        "notes": " ".join([" ".join(licenses[0]["scope"].split()), *rights]),
    }
    return json.dumps(deposit, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------------------------------
# Putting it together


def render_package_files(db_path: Path, dataset: dict[str, Any] | None = None) -> dict[str, bytes]:
    """Every generated file of the package, by path relative to the repository root, rendered from the database."""
    dataset = dataset or load_dataset_facts()
    connection = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    try:
        csv_by_table = {table.name: render_csv(connection, table) for table in package_tables()}
        files = {f"{DATA_FOLDER}/{name}.csv": content for name, content in csv_by_table.items()}
        files[PACKAGE_FILE] = render_datapackage(connection, csv_by_table, dataset).encode("utf-8")
        files[CITATION_FILE] = render_citation_cff(connection, dataset).encode("utf-8")
        files[ZENODO_FILE] = render_zenodo_json(connection, dataset).encode("utf-8")
    finally:
        connection.close()
    return files


def write_data_package(db_path: Path, root: Path, log: Callable[[str], None] = print) -> None:
    """Write data/*.csv, datapackage.json, CITATION.cff and .zenodo.json under ``root``; remove stale CSVs."""
    root = Path(root)
    files = render_package_files(Path(db_path))
    data_folder = root / DATA_FOLDER
    data_folder.mkdir(parents=True, exist_ok=True)
    for stale in sorted(set(data_folder.glob("*.csv")) - {root / name for name in files}):
        stale.unlink()
        log(f"removed {stale}")
    for name, content in files.items():
        path = root / name
        path.write_bytes(content)
        log(f"wrote {path} ({len(content)} bytes)")
