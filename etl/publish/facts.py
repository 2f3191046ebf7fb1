"""The dataset's own facts (name, title, version, release date, licence, homepage), read once for every
published file: the data package, CITATION.cff, the release, the Datasette site and its citations."""

from __future__ import annotations

from typing import Any

from etl.curation import load_curated

DATASET_FILE_NAME = "dataset.yml"


def load_dataset_facts() -> dict[str, Any]:
    """The dataset's own facts from etl/curated/dataset.yml (checked against its schema)."""
    return load_curated(DATASET_FILE_NAME)
