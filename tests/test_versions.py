"""The dataset_versions table ties every query result to a release, and a past release keeps its facts."""

from __future__ import annotations

import json

import pytest

from etl.build import _version_rows
from etl.errors import ParseError
from etl.schema import schema_hash

CURRENT = {"version": "1.1.0", "release_date": "2027-01-10"}


def test_the_current_version_records_this_builds_checksums_and_an_earlier_one_its_own():
    dataset = {
        **CURRENT,
        "changes": {
            "1.0.0": {
                "release_date": "2026-11-22",
                "changes": "First release.",
                "seed_checksums": '{"000.txt": "aa"}',
                "schema_hash": "bb",
            },
            "1.1.0": {"release_date": "2027-01-10", "changes": "A fourth record."},
        },
    }
    rows = _version_rows(dataset, {"000.txt": "cc", "003.txt": "dd"})
    assert rows == [
        {
            "version": "1.0.0",
            "release_date": "2026-11-22",
            "changes": "First release.",
            "seed_checksums": '{"000.txt": "aa"}',
            "schema_hash": "bb",
        },
        {
            "version": "1.1.0",
            "release_date": "2027-01-10",
            "changes": "A fourth record.",
            "seed_checksums": json.dumps({"000.txt": "cc", "003.txt": "dd"}),
            "schema_hash": schema_hash(),
        },
    ]


def test_an_earlier_version_without_its_released_checksums_is_refused():
    dataset = {
        **CURRENT,
        "changes": {
            "1.0.0": {"release_date": "2026-11-22", "changes": "First release."},
            "1.1.0": {"release_date": "2027-01-10", "changes": "More."},
        },
    }
    with pytest.raises(
        ParseError, match="version 1.0.0 to keep the seed_checksums and schema_hash it was released with"
    ):
        _version_rows(dataset, {})


def test_the_current_version_must_be_listed():
    with pytest.raises(ParseError, match="an entry under changes for the current version 1.1.0"):
        _version_rows({**CURRENT, "changes": {}}, {})


def test_the_built_database_names_its_version(db, repo_root):
    import yaml

    dataset = yaml.safe_load((repo_root / "etl/curated/dataset.yml").read_text())
    row = db["dataset_versions"].get(str(dataset["version"]))
    assert row["release_date"] == str(dataset["release_date"])
    assert json.loads(row["seed_checksums"]) == {
        line.split()[1]: line.split()[0] for line in (repo_root / "seeds/SHA256SUMS").read_text().splitlines()
    }
