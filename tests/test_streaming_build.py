"""The build streams: records are read in a pool of processes and each record's rows go to the temporary
database as it is read, with the same bytes as a serial build, and a failure anywhere leaves the old file."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from corpus import corpus_records
from seedfolder import REPO, write_manifest

from etl.build import PARALLEL_FROM, build_database
from etl.errors import ParseError

# The seeds and the shared corpus are enough records for the build to use its pool.
pytestmark = pytest.mark.corpus


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def collection(tmp_path_factory) -> Path:
    """The seeds and the shared corpus together: enough records for the build to use its pool."""
    folder = tmp_path_factory.mktemp("collection")
    for path in [*sorted((REPO / "seeds").glob("*.txt")), *corpus_records()]:
        shutil.copyfile(path, folder / path.name)
    write_manifest(folder)
    assert len(list(folder.glob("*.txt"))) >= PARALLEL_FROM
    return folder


def test_a_parallel_build_writes_the_same_bytes_as_a_serial_one(collection, tmp_path):
    serial = build_database(collection, tmp_path / "serial.db", log=lambda line: None, workers=1)
    parallel = build_database(collection, tmp_path / "parallel.db", log=lambda line: None, workers=2)
    assert sha256(tmp_path / "serial.db") == sha256(tmp_path / "parallel.db")
    assert serial.counts == parallel.counts and serial.counts["documents"] == len(list(collection.glob("*.txt")))
    assert serial.warnings == parallel.warnings


def test_the_built_database_has_no_free_pages_and_is_sound(collection, tmp_path):
    """Why the build does not vacuum: one transaction that deletes nothing leaves no free page behind."""
    import sqlite3

    build_database(collection, tmp_path / "built.db", log=lambda line: None, workers=2)
    with sqlite3.connect(tmp_path / "built.db") as conn:
        assert conn.execute("pragma freelist_count").fetchone() == (0,)
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        assert (
            conn.execute("select count(*) from utterances_fts where utterances_fts match 'inspection'").fetchone()[0]
            > 0
        )


def test_a_bad_record_read_in_a_worker_stops_the_build_and_leaves_the_old_database(collection, tmp_path):
    good = tmp_path / "out" / "havana-1962.db"
    build_database(collection, good, log=lambda line: None, workers=2)
    before = sha256(good)
    spoiled = tmp_path / "spoiled"
    shutil.copytree(collection, spoiled)
    (spoiled / "no-50.txt").write_bytes((collection / "no-50.txt").read_bytes().replace(b"the", b"th\xe9", 1))
    write_manifest(spoiled)
    with pytest.raises(ParseError) as error:
        build_database(spoiled, good, log=lambda line: None, workers=2)
    assert "no-50.txt:" in str(error.value) and "expected UTF-8 text" in str(error.value)
    assert sha256(good) == before
    assert [path.name for path in good.parent.iterdir()] == ["havana-1962.db"], "no partial file is left behind"


def test_two_records_of_one_day_and_kind_are_numbered_in_the_order_of_the_records(collection, tmp_path):
    out = tmp_path / "numbered.db"
    build_database(collection, out, log=lambda line: None, workers=2)
    import sqlite3

    ids = [
        row[0]
        for row in sqlite3.connect(out).execute(
            "select document_id from documents where document_id like '1963-11-27-note%' order by seed_file"
        )
    ]
    assert ids == ["1963-11-27-note", "1963-11-27-note-2", "1963-11-27-note-3"]
