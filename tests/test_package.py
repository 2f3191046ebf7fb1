"""The Frictionless data package: valid, in agreement with the schema everywhere, and never stale."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import frictionless
import jsonschema
import pytest
import yaml
from sqlite_utils.db import COLUMN_TYPE_MAPPING

from etl.errors import ParseError
from etl.publish.docs import (
    DICTIONARY_FILE,
    README_END,
    README_START,
    VERSIONS_END,
    VERSIONS_START,
    render_data_dictionary,
    render_readme_tables,
    render_versions_table,
    replace_readme_tables,
    write_data_dictionary,
)
from etl.publish.facts import load_dataset_facts
from etl.publish.package import (
    CITATION_FILE,
    PACKAGE_FILE,
    ZENODO_FILE,
    package_tables,
    render_csv,
    render_package_files,
    turns_view_table,
    write_data_package,
)
from etl.schema import SQLITE_TYPES, TABLES, TABLES_BY_NAME, TURNS_VIEW_NAME, Column, Table

FRICTIONLESS = Path(sys.executable).parent / "frictionless"
GENERATED_FILES = [f"data/{table.name}.csv" for table in package_tables()] + [PACKAGE_FILE, CITATION_FILE, ZENODO_FILE]


@pytest.fixture(scope="session")
def fresh_files(database_path: Path) -> dict[str, bytes]:
    """The package files rendered from a database freshly built from seeds/."""
    return render_package_files(database_path)


@pytest.fixture(scope="session")
def package(repo_root: Path) -> dict:
    """The committed datapackage.json."""
    return json.loads((repo_root / PACKAGE_FILE).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def citation(repo_root: Path) -> dict:
    return yaml.safe_load((repo_root / CITATION_FILE).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def resources(package: dict) -> dict[str, dict]:
    return {resource["name"]: resource for resource in package["resources"]}


@pytest.fixture()
def fresh_package_folder(tmp_path: Path, database_path: Path) -> Path:
    write_data_package(database_path, tmp_path, log=lambda line: None)
    return tmp_path


# --- Frictionless validation ------------------------------------------------------------------------------


def test_frictionless_cli_validates_the_committed_package_with_no_errors(repo_root: Path):
    result = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", PACKAGE_FILE],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stdout)
    errors = [error for task in report["tasks"] for error in task["errors"]] + report["errors"]
    assert errors == [] and report["valid"] is True and result.returncode == 0
    assert {task["name"] for task in report["tasks"]} == {table.name for table in package_tables()}


def test_frictionless_python_api_validates_a_fresh_rendering(fresh_package_folder: Path):
    report = frictionless.validate(str(fresh_package_folder / PACKAGE_FILE))
    assert [(task.name, error.type, error.note) for task in report.tasks for error in task.errors] == []
    assert report.errors == []
    assert report.valid
    assert all(task.warnings == [] for task in report.tasks)


def test_frictionless_checks_foreign_keys_so_a_dangling_speaker_is_an_error(fresh_package_folder: Path, tmp_path: Path):
    """The negative control: a package whose utterance names an unknown participant must not validate."""
    broken = tmp_path / "broken"
    shutil.copytree(fresh_package_folder, broken)
    utterances = broken / "data" / "utterances.csv"
    rows = list(csv.DictReader(io.StringIO(utterances.read_text(encoding="utf-8"), newline="")))
    spoken = next(row for row in rows if row["participant_id"])
    spoken["participant_id"] = "nobody-of-that-name"
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    utterances.write_text(buffer.getvalue(), encoding="utf-8")
    descriptor = json.loads((broken / PACKAGE_FILE).read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "utterances":
            del resource["hash"], resource["bytes"]
    (broken / PACKAGE_FILE).write_text(json.dumps(descriptor), encoding="utf-8")

    report = frictionless.validate(str(broken / PACKAGE_FILE))
    assert [(task.name, error.type) for task in report.tasks for error in task.errors] == [
        ("utterances", "foreign-key")
    ]


# --- No drift ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", GENERATED_FILES)
def test_committed_file_equals_a_fresh_rendering_from_the_seeds(
    repo_root: Path, fresh_files: dict[str, bytes], name: str
):
    committed = (repo_root / name).read_bytes() if (repo_root / name).exists() else None
    assert committed == fresh_files[name], f"{name} is stale: run `make data`"


def test_data_folder_holds_a_csv_for_every_table_and_nothing_else(repo_root: Path, fresh_files: dict[str, bytes]):
    committed = {f"data/{path.name}" for path in (repo_root / "data").iterdir()}
    assert committed == {name for name in fresh_files if name.startswith("data/")}


def test_rendering_the_same_database_twice_gives_the_same_bytes(database_path: Path, fresh_files: dict[str, bytes]):
    assert render_package_files(database_path) == fresh_files


def test_write_data_package_removes_the_csv_of_a_table_that_is_gone(fresh_package_folder: Path, database_path: Path):
    stale = fresh_package_folder / "data" / "a_dropped_table.csv"
    stale.write_text("id\n1\n", encoding="utf-8")
    write_data_package(database_path, fresh_package_folder, log=lambda line: None)
    assert not stale.exists()


# --- One schema everywhere --------------------------------------------------------------------------------


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.name)
def test_sqlite_table_has_the_columns_types_keys_and_references_of_schema_py(db, table: Table):
    info = db.execute(f"PRAGMA table_info([{table.name}])").fetchall()
    assert [row[1] for row in info] == table.column_names
    assert [row[2] for row in info] == [COLUMN_TYPE_MAPPING[SQLITE_TYPES[column.type]] for column in table.columns]
    assert [bool(row[3]) for row in info] == [column.required for column in table.columns]
    assert [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]] == list(table.primary_key)
    references = {(row[3], row[2], row[4]) for row in db.execute(f"PRAGMA foreign_key_list([{table.name}])").fetchall()}
    assert references == set(table.foreign_keys)


def test_sqlite_turns_view_has_the_columns_of_the_turns_resource(db, resources: dict[str, dict]):
    view_columns = [row[1] for row in db.execute(f"PRAGMA table_info([{TURNS_VIEW_NAME}])").fetchall()]
    assert view_columns == [field["name"] for field in resources[TURNS_VIEW_NAME]["schema"]["fields"]]


def test_package_has_one_resource_per_table_then_the_turns_view(package: dict):
    assert [resource["name"] for resource in package["resources"]] == [table.name for table in TABLES] + [
        TURNS_VIEW_NAME
    ]
    assert all(resource["path"] == f"data/{resource['name']}.csv" for resource in package["resources"])


def _expected_constraints(column: Column) -> dict:
    expected = {
        "required": column.required,
        "unique": column.unique,
        "enum": list(column.enum) if column.enum else None,
    }
    expected.update(pattern=column.pattern, minimum=column.minimum)
    return {key: value for key, value in expected.items() if value is not None and value is not False}


@pytest.mark.parametrize("table", package_tables(), ids=lambda table: table.name)
def test_table_schema_in_datapackage_says_what_schema_py_says(resources: dict[str, dict], table: Table):
    schema = resources[table.name]["schema"]
    assert [field["name"] for field in schema["fields"]] == table.column_names
    for field, column in zip(schema["fields"], table.columns, strict=True):
        assert (field["type"], field["description"]) == (column.type, column.description)
        assert field.get("constraints", {}) == _expected_constraints(column)
    assert schema.get("primaryKey", []) == list(table.primary_key)
    declared = {
        (key["fields"][0], key["reference"]["resource"], key["reference"]["fields"][0])
        for key in schema.get("foreignKeys", [])
    }
    assert declared == set(table.foreign_keys)


def test_every_controlled_vocabulary_is_an_enum_in_the_package(resources: dict[str, dict]):
    enums = {
        (name, field["name"])
        for name, resource in resources.items()
        for field in resource["schema"]["fields"]
        if "enum" in field.get("constraints", {})
    }
    for table, column in [
        ("utterances", "mode"),
        ("document_participants", "role"),
        ("editorial_notes", "note_type"),
        ("protocol_articles", "completeness"),
        ("participants", "side"),
    ]:
        assert (table, column) in enums


def test_metadata_yml_describes_every_table_and_column_in_the_words_of_the_package(
    repo_root: Path, resources: dict[str, dict]
):
    metadata = yaml.safe_load((repo_root / "metadata.yml").read_text(encoding="utf-8"))
    (database,) = metadata["databases"].values()
    for name, resource in resources.items():
        described = database["tables"][name]
        assert described["description"] == resource["description"]
        assert described["columns"] == {field["name"]: field["description"] for field in resource["schema"]["fields"]}


def test_turns_view_keeps_required_only_where_no_left_join_can_empty_it():
    view = turns_view_table()
    assert view.column("utterance_id").unique and view.column("utterance_id").required
    assert view.column("document_title").required and not view.column("document_title").unique
    assert not view.column("speaker_name").required  # LEFT JOIN participants: narration has no speaker
    assert view.column("participant_id").references == ("participants", "participant_id")
    assert view.primary_key == ("utterance_id",)


# --- CSV rendering ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", package_tables(), ids=lambda table: table.name)
def test_csv_read_back_by_frictionless_gives_the_database_rows_in_key_order(
    repo_root: Path, database_path: Path, table: Table
):
    resource = frictionless.Package(str(repo_root / PACKAGE_FILE)).get_resource(table.name)
    read_back = [[row[name] for name in table.column_names] for row in resource.read_rows()]
    order = ", ".join(f"[{name}]" for name in table.primary_key)
    columns = ", ".join(f"[{name}]" for name in table.column_names)
    with sqlite3.connect(database_path) as connection:
        stored = [list(row) for row in connection.execute(f"SELECT {columns} FROM [{table.name}] ORDER BY {order}")]
    as_stored = [
        [
            None
            if value is None
            else int(value)
            if column.type == "boolean"
            else value.isoformat()
            if column.type == "date"
            else value
            for value, column in zip(row, table.columns, strict=True)
        ]
        for row in read_back
    ]
    assert as_stored == stored and len(stored) > 0


def test_csv_writes_null_as_an_empty_cell_booleans_as_words_and_newlines_quoted():
    table = Table(
        name="sample",
        description="A sample table.",
        primary_key=("sample_id",),
        columns=(
            Column("sample_id", "integer", "Key.", required=True),
            Column("flag", "boolean", "A flag."),
            Column("text", "string", "Words."),
        ),
    )
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE sample (sample_id INTEGER PRIMARY KEY, flag INTEGER, text TEXT)")
    connection.executemany(
        "INSERT INTO sample VALUES (?, ?, ?)", [(2, 0, None), (1, 1, 'A "quoted" line,\n\nand a second paragraph.')]
    )
    assert render_csv(connection, table) == (
        b'sample_id,flag,text\n1,true,"A ""quoted"" line,\n\nand a second paragraph."\n2,false,\n'
    )


def test_csv_refuses_an_empty_string_that_would_read_back_as_null():
    table = Table(
        name="sample",
        description="A sample table.",
        primary_key=("text",),
        columns=(Column("text", "string", "Words."),),
    )
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE sample (text TEXT)")
    connection.execute("INSERT INTO sample VALUES ('')")
    with pytest.raises(ValueError, match="empty string"):
        render_csv(connection, table)


def test_each_resource_states_the_sha256_and_size_of_its_csv(repo_root: Path, resources: dict[str, dict]):
    for resource in resources.values():
        content = (repo_root / resource["path"]).read_bytes()
        assert resource["bytes"] == len(content)
        assert resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()


# --- Package facts, licences, sources ---------------------------------------------------------------------


def test_package_facts_come_from_dataset_yml_and_created_is_the_release_date(package: dict):
    dataset = load_dataset_facts()
    assert (package["name"], package["title"], package["version"]) == (
        dataset["name"],
        dataset["title"],
        str(dataset["version"]),
    )
    assert package["created"] == f"{dataset['release_date']}T00:00:00Z"
    assert package["keywords"] == [str(keyword) for keyword in dataset["keywords"]]


def test_compilation_is_cc_by_and_no_licence_is_claimed_for_the_translations(package: dict):
    compilation, *statements = package["licenses"]
    assert compilation["name"] == "CC-BY-4.0" and "does not cover the source translations" in compilation["scope"]
    assert statements and all("name" not in statement for statement in statements)
    assert all("not a licence" in statement["scope"] for statement in statements)


def test_rights_statement_is_quoted_exactly_as_the_archive_prints_it(package: dict, db, seed_texts: dict[str, str]):
    printed = {
        row["rights"]: row
        for row in db.query(
            "SELECT rights, seed_file, document_id, canonical_url FROM documents WHERE rights IS NOT NULL"
        )
    }
    statements = {license["statement"]: license for license in package["licenses"][1:]}
    assert set(statements) == set(printed)
    for statement, row in printed.items():
        assert statement in seed_texts[row["seed_file"]]
        assert statements[statement]["records"] == [row["document_id"]]
        assert statements[statement]["path"] == row["canonical_url"]


def test_every_archive_record_is_a_source_with_its_address_and_record_id(package: dict, db):
    sources = {source.get("record_id"): source for source in package["sources"]}
    records = list(db.query("SELECT record_id, canonical_url FROM documents WHERE record_id IS NOT NULL"))
    assert records
    for record in records:
        assert sources[record["record_id"]]["path"] == record["canonical_url"]
        assert record["record_id"] in sources[record["record_id"]]["title"]


def test_russian_foreign_ministry_archives_are_a_source(package: dict):
    assert "Russian Foreign Ministry archives" in [source["title"] for source in package["sources"]]


def test_the_published_translation_is_cited_in_parts_from_the_curated_entry_its_note_prints(citation: dict, db):
    (note,) = db.query("SELECT note_id, text FROM editorial_notes WHERE note_type = 'bibliographic'")
    (reference,) = [ref for ref in citation["references"] if ref.get("type") == "article"]
    assert reference["authors"] == [{"family-names": "Zubok", "given-names": "Vladislav"}]
    assert (reference["journal"], reference["issue"], reference["year"]) == ("CWIHP Bulletin", "5", 1995)
    assert reference["title"].startswith("`Dismayed by the Actions of the Soviet Union'")
    printed = " ".join(note["text"].split())
    assert reference["title"] in printed and note["note_id"] in reference["notes"]


def test_published_translations_cited_by_the_records_are_sources(package: dict, db):
    descriptions = " ".join(source.get("description", "") for source in package["sources"])
    for note in db.query("SELECT note_id, text FROM editorial_notes WHERE note_type = 'bibliographic'"):
        assert note["text"] in descriptions and note["note_id"] in descriptions


def test_package_invents_no_homepage(package: dict):
    assert "homepage" not in package or package["homepage"] == load_dataset_facts().get("homepage")


# --- CITATION.cff and .zenodo.json ------------------------------------------------------------------------


def test_citation_cff_version_and_date_equal_the_data_package(citation: dict, package: dict):
    assert citation["version"] == package["version"]
    assert f"{citation['date-released']}T00:00:00Z" == package["created"]
    assert citation["license"] == package["licenses"][0]["name"]
    assert citation["title"] == package["title"]


def test_citation_cff_is_a_dataset_citing_each_record_and_the_published_translation(citation: dict, db):
    assert citation["cff-version"] == "1.2.0" and citation["type"] == "dataset"
    assert citation["authors"] and citation["abstract"] and citation["keywords"]
    titles = [reference["title"] for reference in citation["references"]]
    for document in db.query("SELECT title FROM documents"):
        assert document["title"] in titles
    article = next(reference for reference in citation["references"] if reference["type"] == "article")
    assert (article["journal"], article["issue"], article["year"]) == ("CWIHP Bulletin", "5", 1995)
    assert all(reference["authors"] for reference in citation["references"])


# The official schema of the Citation File Format 1.2.0 (citation-file-format project, CC-BY-4.0), as
# shipped in the cffconvert 2.0.0 package (installed by `make venv` for this file alone, never imported).
CFF_SCHEMA = (
    Path(importlib.util.find_spec("cffconvert").submodule_search_locations[0]) / "schemas" / "1.2.0" / "schema.json"
)


def _cff_errors(document: dict) -> list[str]:
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    return [f"{list(error.path)}: {error.message}" for error in validator.iter_errors(document)]


def test_citation_cff_is_valid_against_the_cff_1_2_0_schema(citation: dict):
    assert _cff_errors(citation) == []


def test_cff_schema_check_refuses_a_citation_without_authors(citation: dict):
    assert any(
        "authors" in error for error in _cff_errors({key: value for key, value in citation.items() if key != "authors"})
    )


def test_citation_cff_names_no_repository_the_project_does_not_have(citation: dict):
    assert citation.get("repository-code") == load_dataset_facts().get("repository")


def test_zenodo_deposit_agrees_with_the_citation(repo_root: Path, citation: dict):
    deposit = json.loads((repo_root / ZENODO_FILE).read_text(encoding="utf-8"))
    assert deposit["upload_type"] == "dataset"
    assert (deposit["version"], deposit["publication_date"], deposit["title"]) == (
        citation["version"],
        citation["date-released"],
        citation["title"],
    )
    assert deposit["license"] == citation["license"].lower()
    assert [creator["name"] for creator in deposit["creators"]] == [author["name"] for author in citation["authors"]]


# --- The data dictionary ----------------------------------------------------------------------------------


def test_data_dictionary_lists_every_column_of_every_table_and_the_view_with_its_type():
    dictionary = render_data_dictionary()
    for table in package_tables():
        assert f"## `{table.name}`" in dictionary
        assert f"CSV: `data/{table.name}.csv`" in dictionary or table.name == TURNS_VIEW_NAME
        for column in table.columns:
            assert f"| `{column.name}` | {column.type} |" in dictionary


def test_the_readme_names_every_table_and_column_and_links_each_table_to_its_section_of_the_dictionary():
    tables = render_readme_tables()
    for table in package_tables():
        row = next(line for line in tables.splitlines() if f"[`{table.name}`" in line)
        assert "](docs/data-dictionary.md#" in row and " ".join(table.description.split()) in row
        assert all(f"`{column.name}`" in row for column in table.columns), table.name


def test_the_committed_data_dictionary_and_the_readmes_table_of_tables_are_current(repo_root: Path):
    stale = "stale: run `python -m etl dictionary` (or `make data`)"
    assert (repo_root / DICTIONARY_FILE).read_text(encoding="utf-8") == render_data_dictionary(), stale
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    assert replace_readme_tables(readme) == readme, f"README.md's table of tables is {stale}"


def test_the_dictionary_command_rewrites_only_the_readmes_generated_parts(tmp_path: Path):
    (tmp_path / "docs").mkdir()
    readme = (
        f"# Title\n\nBefore.\n\n{README_START}\nold rows\n{README_END}\n\nBetween.\n\n"
        f"{VERSIONS_START}\nold versions\n{VERSIONS_END}\n\nAfter.\n"
    )
    (tmp_path / "README.md").write_text(readme, encoding="utf-8")
    write_data_dictionary(tmp_path)
    written = (tmp_path / "README.md").read_text(encoding="utf-8")
    expected = readme.replace("old rows\n", render_readme_tables())
    assert written == expected.replace("old versions\n", render_versions_table(load_dataset_facts()))
    assert (tmp_path / DICTIONARY_FILE).read_text(encoding="utf-8") == render_data_dictionary()


def test_a_readme_without_the_dictionary_markers_is_an_error_naming_it():
    with pytest.raises(ParseError, match=r"^README.md: expected the generated data dictionary between"):
        replace_readme_tables("# Title\n\nNo markers here.\n")


def test_tables_by_name_and_resources_name_the_same_tables():
    assert set(TABLES_BY_NAME) | {TURNS_VIEW_NAME} == {table.name for table in package_tables()}
