"""No input can corrupt a build: property-based fuzzing of the real pipeline with mutated seeds, and
crashes injected while the database is written.

Each example copies the real seeds, damages one of them (truncation, a bracket added or removed, a speaker's
name removed, a stray control character, Windows line endings, bytes that are not UTF-8), writes a fresh
SHA256SUMS (the damage is deliberate, so the manifest must not be what stops it) and builds over a previous
good database. The build must either produce a database that passes every invariant (foreign keys, offsets
that reproduce the printed text, a truthful coverage ledger) or raise ``ParseError`` naming the file and what
was expected, leaving the previous database byte-identical and no partial file behind. Hypothesis runs
derandomized (a fixed seed), with a bounded number of examples.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from seedfolder import SEEDS, copy_seeds

from etl.build import build_database
from etl.errors import ParseError
from etl.load import append_rows
from etl.read.registry import load_registry
from etl.schema import TABLES

# Slow (fuzzes the build with hundreds of damaged records): `make test-fast` leaves it out.
pytestmark = pytest.mark.slow

SEED_NAMES = sorted(path.name for path in SEEDS.glob("*.txt"))
DB_NAME = "havana-1962.db"

CONTROL_CHARACTERS = (
    "\x00",
    "\x01",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x7f",
    "\x85",
    "\r",
    "\u2028",
    "\u200b",
    "\ufeff",
)
NOT_UTF8 = (b"\xff", b"\xfe", b"\xc3", b"\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf")
MUTATIONS = (
    "truncate",
    "insert bracket",
    "delete bracket",
    "remove speaker name",
    "control character",
    "not UTF-8",
    "Windows line endings",
)

# Every form of a participant's name the registry knows (labels such as "A.I. MIKOYAN" included).
NAME_FORMS = load_registry().any_form


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _char_boundary(data: bytes, position: int) -> int:
    while position < len(data) and (data[position] & 0xC0) == 0x80:
        position += 1
    return position


def mutate(data: bytes, kind: str, where: float, pick: int) -> bytes:
    """Damage a seed's bytes in one way; ``where`` (0..1) and ``pick`` choose where and with what."""
    position = _char_boundary(data, int(where * len(data)))
    if kind == "truncate":
        return data[:position]
    if kind == "insert bracket":
        return data[:position] + b"[]"[pick % 2 : pick % 2 + 1] + data[position:]
    if kind == "delete bracket":
        brackets = [index for index, byte in enumerate(data) if byte in b"[]"]
        if not brackets:
            return data
        index = brackets[pick % len(brackets)]
        return data[:index] + data[index + 1 :]
    if kind == "remove speaker name":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return data
        names = list(NAME_FORMS.finditer(text))
        if not names:
            return data
        name = names[pick % len(names)]
        return (text[: name.start()] + text[name.end() :]).encode("utf-8")
    if kind == "control character":
        return data[:position] + CONTROL_CHARACTERS[pick % len(CONTROL_CHARACTERS)].encode("utf-8") + data[position:]
    if kind == "Windows line endings":
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if kind == "not UTF-8":
        return data[:position] + NOT_UTF8[pick % len(NOT_UTF8)] + data[position:]
    raise ValueError(kind)


def check_database(db_path: Path, seeds_dir: Path, strict: bool) -> None:
    """Every invariant of a complete build, checked on the database itself."""
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        assert conn.execute("pragma foreign_key_check").fetchall() == []
        texts = {path.name: path.read_bytes().decode("utf-8") for path in seeds_dir.glob("*.txt")}
        db = sqlite_utils.Database(conn)
        assert set(db.table_names()) >= {table.name for table in TABLES}

        def printed(row) -> str:
            return texts[row["seed_file"]][row["char_start"] : row["char_end"]]

        for row in db["editorial_notes"].rows:
            assert printed(row) == row["marker"], row["note_id"]
        for row in db["seed_spans"].rows:
            assert printed(row) == row["text"], row["span_id"]
        for row in db["document_participants"].rows:
            assert printed(row) == row["evidence"], row
        for row in db["article_references"].rows:
            assert printed(row) == row["phrase"], row["reference_id"]
        for row in db["utterances"].rows:
            # A turn can go on after a note paragraph printed inside it ("[Ed. note: ...]"), which is its
            # own row: the turn's words are the printed words between its offsets less those paragraphs.
            words, position = [], row["char_start"]
            inside = conn.execute(
                "select char_start, char_end from editorial_notes where utterance_id = ? and offset_in_utterance is "
                "null "
                "and char_start >= ? and char_end <= ? order by char_start",
                [row["utterance_id"], row["char_start"], row["char_end"]],
            )
            for start, end in inside:
                if start >= position:
                    words += texts[row["seed_file"]][position:start].split()
                    position = end
            words += texts[row["seed_file"]][position : row["char_end"]].split()
            assert words == row["text"].split(), row["utterance_id"]
            if row["speaker_label_char_start"] is not None and row["mode"] == "direct":
                label = texts[row["seed_file"]][row["speaker_label_char_start"] : row["speaker_label_char_end"]]
                assert label == row["speaker_label"], row["utterance_id"]
        for document in db["documents"].rows:
            text = texts[document["seed_file"]]
            assert document["seed_sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
            seqs = [
                seq
                for (seq,) in conn.execute(
                    "select seq from utterances where document_id = ? order by seq", [document["document_id"]]
                )
            ]
            assert seqs == list(range(1, len(seqs) + 1))
            # The coverage ledger tells the truth: the non-blank characters no span covers.
            covered = [False] * len(text)
            for start, end in conn.execute(
                "select char_start, char_end from seed_spans where document_id = ?", [document["document_id"]]
            ):
                covered[start:end] = [True] * (end - start)
            nonblank = [index for index, character in enumerate(text) if not character.isspace()]
            assert document["seed_nonblank_chars"] == len(nonblank)
            assert document["unaccounted_chars"] == sum(1 for index in nonblank if not covered[index])
            if strict:
                assert document["unaccounted_chars"] == 0
    finally:
        conn.close()


def check_parse_error(error: ParseError, seeds_dir: Path) -> None:
    """The error names a file of the build (or the seeds folder), a line where it has one, and an expectation."""
    assert error.expected, "the error says what was expected"
    assert str(error).startswith(error.path) and ": expected " in str(error)
    path = Path(error.path)
    assert path == seeds_dir or path.name in {*SEED_NAMES, "SHA256SUMS"} or path.parent.name == "curated", error.path
    if path.name in SEED_NAMES and error.line is not None:
        lines = (seeds_dir / path.name).read_bytes().count(b"\n") + 1
        assert 1 <= error.line <= lines


@pytest.fixture(scope="module")
def previous_database(database_path: Path) -> Path:
    """A good database as an earlier build left it; every example builds over a copy of it."""
    return database_path


mutation = st.tuples(st.sampled_from(MUTATIONS), st.floats(0, 1, allow_nan=False), st.integers(0, 10_000))


# Damaged seeds built per run: enough for make test to meet each kind of damage many times over (derandomized,
# so every run tries the same ones); HAVANA_FUZZ_EXAMPLES=2000 for a deeper search by hand.
FUZZ_EXAMPLES = int(os.environ.get("HAVANA_FUZZ_EXAMPLES", "120"))


@settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    seed_name=st.sampled_from(SEED_NAMES),
    mutations=st.lists(mutation, min_size=1, max_size=3),
    strict=st.booleans(),
)
def test_a_damaged_seed_builds_a_valid_database_or_fails_cleanly_leaving_the_old_one(
    previous_database, seed_name, mutations, strict
):
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        data = (SEEDS / seed_name).read_bytes()
        for kind, where, pick in mutations:
            data = mutate(data, kind, where, pick)
        seeds_dir = copy_seeds(scratch / "seeds", {seed_name: data})
        out = scratch / "out" / DB_NAME
        out.parent.mkdir()
        shutil.copyfile(previous_database, out)
        before = sha256(out)
        try:
            build_database(seeds_dir, out, strict=strict, log=lambda line: None)
        except ParseError as error:
            event(f"refused: {error.expected[:60]}")
            check_parse_error(error, seeds_dir)
            assert sha256(out) == before, "a failed build changed the previous database"
        else:
            event("built" + (" (strict)" if strict else ""))
            check_database(out, seeds_dir, strict)
        assert [path.name for path in out.parent.iterdir()] == [DB_NAME], "a partial file was left behind"


@pytest.mark.parametrize("seed_name", SEED_NAMES)
def test_a_damaged_seed_with_the_old_manifest_is_refused_by_its_checksum(tmp_path, previous_database, seed_name):
    out = tmp_path / "out" / DB_NAME
    out.parent.mkdir()
    shutil.copyfile(previous_database, out)
    before = sha256(out)
    data = mutate((SEEDS / seed_name).read_bytes(), "insert bracket", 0.5, 0)
    seeds_dir = copy_seeds(tmp_path / "seeds", {seed_name: data}, manifest=False)
    with pytest.raises(ParseError) as error:
        build_database(seeds_dir, out, log=lambda line: None)
    assert error.value.path.endswith(seed_name) and "SHA-256" in error.value.expected
    assert sha256(out) == before


# --- crashes while loading ---------------------------------------------------------------------------


class InjectedCrash(Exception):
    """The failure injected into the loader."""


def _crash(*args, **kwargs):
    raise InjectedCrash("injected")


def _insert_first_table_then_crash(db, rows_by_table):
    """Insert the first record's first table for real, then fail in the middle of loading."""
    first = next(table.name for table in TABLES if rows_by_table.get(table.name))
    append_rows(db, {first: rows_by_table[first]})
    raise InjectedCrash("injected after the first table")


def _failing_inside_a_batch(error: BaseException):
    """The real insert, whose first table's rows fail after one row: inside SQLite's ``executemany``."""

    def insert(db, rows_by_table):
        first = next(table.name for table in TABLES if rows_by_table.get(table.name))

        def one_row_then_fail():
            yield rows_by_table[first][0]
            raise error

        append_rows(db, {first: one_row_then_fail()})

    return insert


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


CRASH_POINTS = {
    "inserting rows": ("etl.build.append_rows", _insert_first_table_then_crash),
    "a row batch": ("etl.build.append_rows", _failing_inside_a_batch(InjectedCrash("injected inside a batch"))),
    "full-text index": ("sqlite_utils.db.Table.enable_fts", _crash),
    "sync to disk": ("etl.load.os.fsync", _crash),
    "rename into place": ("etl.load.os.replace", _crash),
    "Ctrl-C while inserting": ("etl.build.append_rows", _failing_inside_a_batch(KeyboardInterrupt())),
}


@pytest.mark.parametrize("target, failure", CRASH_POINTS.values(), ids=CRASH_POINTS.keys())
def test_a_crash_while_loading_leaves_the_previous_database_byte_identical(
    tmp_path, monkeypatch, previous_database, target, failure
):
    out = tmp_path / "out" / DB_NAME
    out.parent.mkdir()
    shutil.copyfile(previous_database, out)
    before = sha256(out)
    monkeypatch.setattr(target, failure)
    with pytest.raises((InjectedCrash, KeyboardInterrupt)):
        build_database(SEEDS, out, strict=True, log=lambda line: None)
    monkeypatch.undo()
    assert sha256(out) == before
    assert [path.name for path in out.parent.iterdir()] == [DB_NAME], "a partial file was left behind"
    assert sqlite3.connect(out).execute("pragma integrity_check").fetchone() == ("ok",)


KILLED_BUILD = """
import os, signal, sys
from pathlib import Path
import sqlite_utils.db
from etl.build import build_database

def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

sqlite_utils.db.Table.enable_fts = killed
build_database(Path(sys.argv[1]), Path(sys.argv[2]), strict=True, log=lambda line: None)
"""


def test_a_build_killed_while_loading_leaves_the_previous_database_byte_identical(tmp_path, previous_database):
    # SIGKILL runs no cleanup: the partial file may stay, but the database at the output path is untouched.
    out = tmp_path / "out" / DB_NAME
    out.parent.mkdir()
    shutil.copyfile(previous_database, out)
    before = sha256(out)
    finished = subprocess.run([sys.executable, "-c", KILLED_BUILD, str(SEEDS), str(out)], timeout=120, check=False)
    assert finished.returncode == -9
    assert sha256(out) == before
    assert {path.name for path in out.parent.iterdir()} - {DB_NAME} <= {
        path.name for path in out.parent.glob(f"{DB_NAME}.*.partial")
    }
    assert sqlite3.connect(out).execute("select count(*) from documents").fetchone() == (3,)
