"""Shared fixtures: a real database built from the real seeds, once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def database_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built by the real pipeline from seeds/ into a temporary folder."""
    from etl.build import build_database

    out = tmp_path_factory.mktemp("build") / "havana-1962.db"
    build_database(SEEDS, out, strict=True, log=lambda line: None)
    return out


@pytest.fixture(scope="session")
def db(database_path: Path) -> sqlite_utils.Database:
    return sqlite_utils.Database(database_path)


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """Each seed file's text, by file name."""
    # Decoded from bytes, as the pipeline does: offsets count every character, carriage returns included.
    return {path.name: path.read_bytes().decode("utf-8") for path in sorted(SEEDS.glob("*.txt"))}
