"""Releases: a reproducible, verifiable zip, a changelog for every version, and ids that stay stable."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import frictionless
import pytest

from etl.publish.facts import load_dataset_facts
from etl.publish.package import CITATION_FILE, PACKAGE_FILE, package_tables
from etl.publish.release import (
    IDENTITY_FINGERPRINTS,
    ZIP_FILE_MODE,
    ZIP_TIMESTAMP,
    release_name,
    render_stable_ids,
    stable_ids,
    write_release,
)
from etl.schema import TABLES, schema_hash

IDS_FOLDER = Path(__file__).resolve().parent / "ids"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _major(version: str) -> int:
    return int(version.split(".")[0])


def id_changes(released: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """What a build did to the ids of a release: each id it dropped and each id whose meaning changed.

    Ids are compared on the fingerprint the release recorded, so a later change of IDENTITY_FINGERPRINTS
    cannot loosen the promise made by an earlier release.
    """
    problems = []
    for table_name, table in released["tables"].items():
        current_table = current["tables"].get(table_name)
        if current_table is None:
            problems.append(f"table {table_name} of release {released['version']} is gone")
            continue
        if current_table["key"] != table["key"]:
            problems.append(
                f"{table_name}: key {table['key']} of release {released['version']} is now {current_table['key']}"
            )
            continue
        positions = [
            current_table["fingerprint"].index(name) if name in current_table["fingerprint"] else None
            for name in table["fingerprint"]
        ]
        if None in positions:
            problems.append(f"{table_name}: fingerprint columns {table['fingerprint']} are no longer recorded")
            continue
        now = {json.dumps(key): [fingerprint[i] for i in positions] for key, fingerprint in current_table["ids"]}
        for key, fingerprint in table["ids"]:
            label = json.dumps(key, ensure_ascii=False)
            if json.dumps(key) not in now:
                problems.append(f"{table_name} {label} of release {released['version']} is missing")
            elif now[json.dumps(key)] != fingerprint:
                problems.append(
                    f"{table_name} {label} meant {dict(zip(table['fingerprint'], fingerprint, strict=True))} "
                    f"in release {released['version']}, "
                    f"now {dict(zip(table['fingerprint'], now[json.dumps(key)], strict=True))}"
                )
    return problems


@pytest.fixture(scope="session")
def dataset() -> dict:
    return load_dataset_facts()


@pytest.fixture(scope="session")
def release_zip(database_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_release(database_path, tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def unpacked(release_zip: Path, tmp_path_factory: pytest.TempPathFactory, dataset: dict) -> Path:
    """The release unpacked as a user would: the folder havana-1962-<version>/."""
    target = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(release_zip) as archive:
        archive.extractall(target)
    return target / release_name(dataset)


# --- The zip ----------------------------------------------------------------------------------------------


def test_release_is_named_after_the_dataset_and_its_version(release_zip: Path, dataset: dict):
    assert release_zip.name == f"havana-1962-{dataset['version']}.zip"


def test_two_releases_from_two_builds_of_the_seeds_are_byte_identical(repo_root: Path, tmp_path: Path):
    from etl.build import build_database

    digests = []
    for attempt in ("first", "second"):
        database = tmp_path / attempt / "havana-1962.db"
        build_database(repo_root / "seeds", database, strict=True, log=lambda line: None)
        digests.append(_sha256(write_release(database, tmp_path / attempt / "dist")))
    assert digests[0] == digests[1]


def test_writing_the_release_twice_gives_the_same_checksum(database_path: Path, release_zip: Path, tmp_path: Path):
    assert _sha256(write_release(database_path, tmp_path)) == _sha256(release_zip)


def test_release_holds_the_database_the_package_the_docs_and_the_checksums(release_zip: Path, dataset: dict):
    folder = release_name(dataset)
    expected = {f"data/{table.name}.csv" for table in package_tables()}
    expected |= {"havana-1962.db", PACKAGE_FILE, "README.md", "docs/data-dictionary.md", CITATION_FILE}
    expected |= {"CHANGELOG.md", "SHA256SUMS"}
    with zipfile.ZipFile(release_zip) as archive:
        names = archive.namelist()
    assert names == sorted(names)
    assert set(names) == {f"{folder}/{name}" for name in expected}


def test_zip_entries_carry_a_fixed_timestamp_and_plain_permissions(release_zip: Path):
    with zipfile.ZipFile(release_zip) as archive:
        entries = archive.infolist()
    assert {entry.date_time for entry in entries} == {ZIP_TIMESTAMP}
    assert {entry.external_attr >> 16 for entry in entries} == {ZIP_FILE_MODE}


def test_sha256sum_check_of_the_unpacked_release_passes(unpacked: Path):
    result = subprocess.run(
        ["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=unpacked, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    listed = {line.split("  ", 1)[1] for line in (unpacked / "SHA256SUMS").read_text(encoding="utf-8").splitlines()}
    on_disk = {str(path.relative_to(unpacked)) for path in unpacked.rglob("*") if path.is_file()}
    assert listed == on_disk - {"SHA256SUMS"}


def test_sha256sum_check_fails_on_a_tampered_file(unpacked: Path, tmp_path: Path):
    copy_of_release = tmp_path / "release"
    shutil.copytree(unpacked, copy_of_release)
    with (copy_of_release / "data" / "utterances.csv").open("a", encoding="utf-8") as stream:
        stream.write("tampered\n")
    result = subprocess.run(["sha256sum", "--check", "SHA256SUMS"], cwd=copy_of_release, capture_output=True, text=True)
    assert result.returncode != 0 and "data/utterances.csv: FAILED" in result.stdout


def test_unpacked_release_validates_with_frictionless(unpacked: Path):
    report = frictionless.validate(str(unpacked / PACKAGE_FILE))
    assert [(task.name, error.type, error.note) for task in report.tasks for error in task.errors] == []
    assert report.valid


def test_released_database_is_the_database_it_was_made_from(unpacked: Path, database_path: Path):
    assert _sha256(unpacked / "havana-1962.db") == _sha256(database_path)


def test_released_docs_are_the_repository_files(unpacked: Path, repo_root: Path):
    for name in ("README.md", "docs/data-dictionary.md", "CHANGELOG.md"):
        assert (unpacked / name).read_bytes() == (repo_root / name).read_bytes()


# --- The version in every place ---------------------------------------------------------------------------


def test_database_records_the_release_it_belongs_to(db, dataset: dict, repo_root: Path):
    row = db["dataset_versions"].get(str(dataset["version"]))
    assert row["release_date"] == str(dataset["release_date"])
    assert row["schema_hash"] == schema_hash()
    sums = dict(reversed(line.split("  ", 1)) for line in (repo_root / "seeds" / "SHA256SUMS").read_text().splitlines())
    assert json.loads(row["seed_checksums"]) == sums


def test_changelog_has_an_entry_for_every_version_and_dates_the_current_one(repo_root: Path, dataset: dict):
    changelog = (repo_root / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[(\d+\.\d+\.\d+)\](?: - (\d{4}-\d{2}-\d{2}))?$", changelog, re.MULTILINE)
    versions = dict(headings)
    assert set(str(version) for version in dataset["changes"]) <= set(versions)
    assert versions[str(dataset["version"])] == str(dataset["release_date"])
    assert [version for version, _ in headings] == sorted(
        versions, key=lambda v: tuple(map(int, v.split("."))), reverse=True
    )


def test_changelog_states_the_versioning_policy_for_data(repo_root: Path):
    changelog = (repo_root / "CHANGELOG.md").read_text(encoding="utf-8")
    for rule in (
        "**MAJOR** when an id or a column is removed",
        "**MINOR** when rows or columns are added",
        "**PATCH** for corrections of values",
    ):
        assert rule in changelog


# --- Stable ids -------------------------------------------------------------------------------------------


def test_every_table_has_an_identity_fingerprint_of_its_own_columns():
    assert set(IDENTITY_FINGERPRINTS) == {table.name for table in TABLES}
    for table in TABLES:
        assert set(IDENTITY_FINGERPRINTS[table.name]) <= set(table.column_names) - set(table.primary_key)


def test_the_current_version_has_its_ids_recorded(database_path: Path, dataset: dict):
    """A release keeps its ids: tests/ids/<version>.json exists and lists this build's ids exactly."""
    recorded = IDS_FOLDER / f"{dataset['version']}.json"
    assert recorded.exists(), f"record the ids of {dataset['version']}: make ids"
    assert recorded.read_text(encoding="utf-8") == render_stable_ids(database_path)


def _released_id_lists() -> list[Path]:
    return sorted(IDS_FOLDER.glob("*.json"))


@pytest.mark.parametrize("released_file", _released_id_lists(), ids=lambda path: path.stem)
def test_no_id_of_a_release_of_this_major_version_is_dropped_or_repurposed(
    database_path: Path, dataset: dict, released_file: Path
):
    released = json.loads(released_file.read_text(encoding="utf-8"))
    assert released["version"] == released_file.stem
    if _major(released["version"]) != _major(str(dataset["version"])):
        # A new major version may drop or repurpose ids of an older one, but only with a CHANGELOG entry.
        changelog = (released_file.parent.parent.parent / "CHANGELOG.md").read_text(encoding="utf-8")
        assert f"## [{_major(str(dataset['version']))}.0.0]" in changelog
        return
    fingerprints = {
        name: table["fingerprint"] for name, table in released["tables"].items() if name in IDENTITY_FINGERPRINTS
    }
    assert id_changes(released, stable_ids(database_path, fingerprints)) == []


def test_id_check_reports_a_dropped_utterance_and_a_repurposed_one(database_path: Path):
    released = stable_ids(database_path)
    current = copy.deepcopy(released)
    utterances = current["tables"]["utterances"]["ids"]
    dropped_key, _ = utterances.pop(0)
    repurposed_key, fingerprint = utterances[0]
    fingerprint[1] += 1  # the same id, now the next turn of the record
    problems = id_changes(released, current)
    assert len(problems) == 2
    assert json.dumps(dropped_key) in problems[0] and "missing" in problems[0]
    assert json.dumps(repurposed_key) in problems[1] and "meant" in problems[1]


def test_id_check_accepts_added_rows(database_path: Path):
    released = stable_ids(database_path)
    current = copy.deepcopy(released)
    current["tables"]["utterances"]["ids"].append([["1999-01-01-new-u001"], ["1999-01-01-new", 1, 0]])
    assert id_changes(released, current) == []
