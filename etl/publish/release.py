"""Write a versioned, verifiable release, and keep the ids of every release stable.

``write_release`` packs ``dist/havana-1962-<version>.zip``: the database, the data package rendered from
that same database (``data/*.csv``, ``datapackage.json``, ``CITATION.cff``), ``README.md``,
``docs/data-dictionary.md``, ``CHANGELOG.md`` and ``SHA256SUMS``, all under one folder
``havana-1962-<version>/``. The zip is byte-identical for the same inputs: names in sorted order, a fixed
timestamp and fixed permissions on every entry, a fixed compression level, and nothing in it that records
the time of the build.

``stable_ids`` lists every primary key of every table with an identity fingerprint: the few values that
say what the id *means* (an utterance id means a turn starting at a given place of a given record).
``tests/ids/<version>.json`` keeps that list for each release, and a test fails when a later build of the
same major version drops an id or gives it another meaning (see CHANGELOG.md for the versioning policy).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from etl.paths import REPOSITORY
from etl.publish.facts import load_dataset_facts
from etl.publish.package import CITATION_FILE, DATA_FOLDER, PACKAGE_FILE, render_package_files
from etl.schema import TABLES

# The files of the repository that go into a release beside the generated ones (the README links to the data
# dictionary, so the link works in the unpacked release too).
RELEASED_DOCUMENTS = ("README.md", "docs/data-dictionary.md", "CHANGELOG.md")
CHECKSUMS_FILE = "SHA256SUMS"

# Every entry gets the same timestamp (the earliest a zip can store) and plain file permissions, so that the
# bytes of the zip depend only on the bytes of what it holds.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
ZIP_FILE_MODE = 0o100644
ZIP_COMPRESSION_LEVEL = 9

# What an id means, per table: the values that must stay the same for as long as the id is kept.
# A correction of any other value (a name's spelling, a note's type, a speaker's attribution) is a patch;
# a change of these values gives the id another meaning, which only a new major version may do.
IDENTITY_FINGERPRINTS: dict[str, tuple[str, ...]] = {
    "documents": ("date", "document_type"),  # the record of that day, of that kind
    "participants": ("side",),  # the person: a correction may respell the name, never change the side
    "participant_names": (),  # the key is the whole meaning
    "document_participants": (),  # the key is the whole meaning
    "utterances": ("document_id", "seq", "char_start"),  # the n-th turn of the record, starting there
    "note_types": (),
    "editorial_notes": ("document_id", "char_start"),  # the note whose marker starts there
    "protocol_articles": ("protocol_date", "article_number"),
    "article_references": ("document_id", "char_start"),  # the phrase that starts there
    "seed_spans": ("document_id", "char_start"),  # the span that starts there
    "dataset_versions": ("release_date",),  # a released version keeps its date
}


def release_name(dataset: dict[str, Any]) -> str:
    """The release's file and folder name, e.g. havana-1962-1.0.0."""
    return f"{dataset['name']}-{dataset['version']}"


def render_checksums(files: dict[str, bytes]) -> bytes:
    """SHA256SUMS in the format of ``sha256sum``: one line per file, sorted by path."""
    lines = [f"{hashlib.sha256(content).hexdigest()}  {name}\n" for name, content in sorted(files.items())]
    return "".join(lines).encode("utf-8")


# The folder of the release that holds the static edition (etl/publish/static.py), when it is given.
SITE_FOLDER = "site"


def release_files(
    db_path: Path, root: Path = REPOSITORY, dataset: dict[str, Any] | None = None, site: dict[str, bytes] | None = None
) -> dict[str, bytes]:
    """Every file of the release by its path inside the release folder, SHA256SUMS included, and the static
    edition's files under ``site/`` when they are given."""
    dataset = dataset or load_dataset_facts()
    package = render_package_files(db_path, dataset)
    files = {name: content for name, content in package.items() if name.startswith(f"{DATA_FOLDER}/")}
    files[PACKAGE_FILE] = package[PACKAGE_FILE]
    files[CITATION_FILE] = package[CITATION_FILE]
    files[f"{dataset['name']}.db"] = Path(db_path).read_bytes()
    for name in RELEASED_DOCUMENTS:
        files[name] = (Path(root) / name).read_bytes()
    for name, content in (site or {}).items():
        files[f"{SITE_FOLDER}/{name}"] = content
    files[CHECKSUMS_FILE] = render_checksums(files)
    return files


def render_zip(files: dict[str, bytes], folder: str) -> bytes:
    """A zip of ``files`` under ``folder/``, whose bytes depend only on the names and contents."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            entry = zipfile.ZipInfo(f"{folder}/{name}", date_time=ZIP_TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # Unix, so that the permissions below are read as such everywhere
            entry.external_attr = ZIP_FILE_MODE << 16
            archive.writestr(entry, files[name], compresslevel=ZIP_COMPRESSION_LEVEL)
    return buffer.getvalue()


def write_release(db_path: Path, out_dir: Path, root: Path = REPOSITORY, site: dict[str, bytes] | None = None) -> Path:
    """Write ``<out_dir>/havana-1962-<version>.zip`` (atomically), with the static edition's files under
    ``site/`` when they are given, and return its path."""
    dataset = load_dataset_facts()
    name = release_name(dataset)
    content = render_zip(release_files(Path(db_path), Path(root), dataset, site), folder=name)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{name}.zip"
    handle, temporary = tempfile.mkstemp(prefix=target.name + ".", suffix=".partial", dir=out_dir)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target


def stable_ids(db_path: Path, fingerprints: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """Every primary key of every table, each with its identity fingerprint, as kept in tests/ids/.

    ``fingerprints`` overrides IDENTITY_FINGERPRINTS per table: a check against a release reads the
    current build with the fingerprint columns that release recorded.
    """
    by_table: dict[str, tuple[str, ...] | list[str]] = {**IDENTITY_FINGERPRINTS, **(fingerprints or {})}
    connection = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    try:
        tables = {}
        for table in TABLES:
            fingerprint = tuple(by_table[table.name])
            key = ", ".join(f"[{name}]" for name in table.primary_key)
            columns = ", ".join(f"[{name}]" for name in (*table.primary_key, *fingerprint))
            rows = connection.execute(f"SELECT {columns} FROM [{table.name}] ORDER BY {key}").fetchall()
            width = len(table.primary_key)
            tables[table.name] = {
                "key": list(table.primary_key),
                "fingerprint": list(fingerprint),
                "ids": [[list(row[:width]), list(row[width:])] for row in rows],
            }
    finally:
        connection.close()
    return {"version": str(load_dataset_facts()["version"]), "tables": tables}


def render_stable_ids(db_path: Path) -> str:
    """tests/ids/<version>.json's text: one line per id, so that a diff shows exactly which ids changed."""
    listing = stable_ids(db_path)
    lines = ["{", f'  "version": {json.dumps(listing["version"])},', '  "tables": {']
    for index, (name, table) in enumerate(listing["tables"].items()):
        lines.append(f"    {json.dumps(name)}: {{")
        lines.append(f'      "key": {json.dumps(table["key"])},')
        lines.append(f'      "fingerprint": {json.dumps(table["fingerprint"])},')
        ids = [f"        {json.dumps(entry, ensure_ascii=False)}" for entry in table["ids"]]
        lines.append('      "ids": [' + ("\n" + ",\n".join(ids) + "\n      ]" if ids else "]"))
        lines.append("    }" + ("," if index < len(listing["tables"]) - 1 else ""))
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


def write_stable_ids(db_path: Path, ids_dir: Path, replace: bool = False) -> Path:
    """Record the ids of the current version in ``ids_dir/<version>.json``.

    A different list already recorded for the version is refused unless ``replace`` is given: that is only
    right while the version has not been published yet.
    """
    text = render_stable_ids(Path(db_path))
    version = json.loads(text)["version"]
    path = Path(ids_dir) / f"{version}.json"
    if path.exists() and not replace and path.read_text(encoding="utf-8") != text:
        raise FileExistsError(
            f"{path} already records the ids of release {version}; a released version's ids never change "
            "(bump the version in etl/curated/dataset.yml for a new release, or pass replace=True before publishing)"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
