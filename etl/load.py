"""Load the rows into SQLite with sqlite-utils: tables from the schema, full-text search, the turns view.

The loader is the only part of the pipeline (with the seed reader) that does I/O. It writes to a
temporary file beside the target and renames it at the end, so a failed build leaves the previous
database untouched, and it inserts rows in a fixed order, so the same inputs give the same bytes.
"""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import sqlite_utils

from etl.errors import BuildError, InvariantError
from etl.schema import SQLITE_TYPES, TABLES, TURNS_VIEW_NAME, TURNS_VIEW_SQL, Table

# FTS5 tokenizer: unicode61 folds case and diacritics ("Dorticos" finds "Dorticós" and the other way round);
# porter over it reduces English words to their stem, so that "inspect", "inspection" and "inspections" find
# the same turns. Names are stemmed alike in the text and in the search, so they still match.
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"


def create_tables(db: sqlite_utils.Database) -> None:
    """Create every table of the schema (keys, NOT NULL, foreign keys), before any row goes in.

    Foreign keys are added once all tables exist, because two references form a cycle (an editor's
    note quotes an article; the article's source is that note).
    """
    for table in TABLES:
        _create_table(db, table)
    db.add_foreign_keys(
        [
            (table.name, column, other_table, other_column)
            for table in TABLES
            for column, other_table, other_column in table.foreign_keys
        ]
    )


def create_indexes(db: sqlite_utils.Database) -> None:
    """Create the indexes and the turns view, once every row is in.

    An index built over rows already in place is one sort; kept up to date row by row it is a random
    write for every row.
    """
    for table in TABLES:
        for columns in table.indexes:
            db.table(table.name).create_index(columns, find_unique_name=True)
    db.create_view(TURNS_VIEW_NAME, TURNS_VIEW_SQL, replace=True)


def _create_table(db: sqlite_utils.Database, table: Table) -> None:
    db.table(table.name).create(
        {column.name: SQLITE_TYPES[column.type] for column in table.columns},
        pk=table.primary_key if len(table.primary_key) > 1 else table.primary_key[0],
        not_null={column.name for column in table.columns if column.required},
    )


def append_rows(db: sqlite_utils.Database, rows_by_table: Mapping[str, Sequence[tuple]]) -> None:
    """Insert rows of some tables, in schema order (a record's rows as soon as it is read).

    Each row is a tuple of its table's values in the schema's column order, and each table's rows go in
    with one ``executemany`` on the connection sqlite-utils holds, inside the build's transaction: the
    tables are known and the values are plain text, numbers and NULLs, so there is nothing for
    ``insert_all`` to look up or convert row by row.
    """
    for table in TABLES:
        rows = rows_by_table.get(table.name)
        if rows:
            db.conn.executemany(_INSERT[table.name], rows)


_INSERT = {
    table.name: f"INSERT INTO [{table.name}] ({', '.join(f'[{name}]' for name in table.column_names)}) "
    f"VALUES ({', '.join('?' for _ in table.columns)})"
    for table in TABLES
}


def enable_search(db: sqlite_utils.Database) -> None:
    """Build full-text search once every row is in."""
    for table in TABLES:
        if table.searched_by_speaker:
            _index_of_its_own(db, table)
        elif table.full_text_columns:
            db.table(table.name).enable_fts(
                list(table.full_text_columns),
                fts_version="FTS5",
                tokenize=FTS_TOKENIZER,
                create_triggers=False,
            )


def _index_of_its_own(db: sqlite_utils.Database, table: Table) -> None:
    """An FTS5 index that holds its own copy of the columns, under the name sqlite-utils would give it, with
    the rowids of the table's rows (so that it joins, highlights and ranks as the external-content one would)."""
    columns = ", ".join(f"[{name}]" for name in table.full_text_columns)
    db.execute(f"CREATE VIRTUAL TABLE [{table.name}_fts] USING FTS5 ({columns}, tokenize='{FTS_TOKENIZER}')")
    db.execute(f"INSERT INTO [{table.name}_fts] (rowid, {columns}) SELECT rowid, {columns} FROM [{table.name}]")


# How long a build waits for another one writing into the same folder (one just ending, say) before it stops.
LOCK_WAIT_SECONDS = 5.0


def _locked(descriptor: int, seconds: float) -> bool:
    """Take the exclusive lock of an open file, trying for up to ``seconds``; whether it was taken."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)


class TemporaryDatabase:
    """A database written beside ``out_path`` and renamed into place only when it is complete and checked.

    ``with TemporaryDatabase(out_path) as db:`` creates the tables; rows are appended while the block runs;
    on leaving it without an error the database gets its indexes and full-text search, its foreign keys are
    checked, it is synced and renamed to ``out_path``. On any error the temporary file is removed and
    ``out_path`` is left exactly as it was.

    Two builds into one folder take turns: the first holds a lock on the folder (released by the system when
    its process ends, however it ends; no file is left for it); the second waits a few seconds for it, then
    stops with a message.
    Holding the lock, a build removes the partial files that builds killed before it left behind.

    It is not vacuumed: written in one transaction that deletes nothing, it has no free pages to give back
    (``PRAGMA freelist_count`` is 0, as a test checks), and a vacuum, which copies the whole database once
    more, cost a build of 3,000 records 0.7 s for 1% of the file.
    """

    def __init__(self, out_path: Path):
        self.out_path = Path(out_path)

    def __enter__(self) -> sqlite_utils.Database:
        self.out_path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = os.open(self.out_path.parent, os.O_RDONLY)  # held until __exit__
        if not _locked(self.lock, LOCK_WAIT_SECONDS):
            os.close(self.lock)
            raise BuildError(
                f"{self.out_path}: another build is writing into this folder now; "
                "wait for it to finish, then build again"
            )
        for stale in self.out_path.parent.glob(self.out_path.name + ".*.partial"):
            stale.unlink()  # left by a build that was killed: no build holding the lock is writing it
        handle, temporary_name = tempfile.mkstemp(
            prefix=self.out_path.name + ".", suffix=".partial", dir=self.out_path.parent
        )
        os.close(handle)
        self.temporary = Path(temporary_name)
        self.temporary.unlink()
        self.db = sqlite_utils.Database(self.temporary)
        try:
            # The temporary file is worthless until it is renamed, so it is written without a journal or a
            # sync after every statement; it is synced once, whole, before the rename.
            self.db.conn.execute("PRAGMA journal_mode = OFF")
            self.db.conn.execute("PRAGMA synchronous = OFF")
            create_tables(self.db)
            self.db.conn.execute("BEGIN")
        except BaseException as failure:
            self.db.close()
            if self.temporary.exists():
                self.temporary.unlink()
            os.close(self.lock)
            if _out_of_space(failure):
                raise self._no_space(failure) from failure
            raise
        return self.db

    def __exit__(self, kind, error, traceback) -> None:
        try:
            if error is not None and _out_of_space(error):
                raise self._no_space(error) from error
            if kind is None:
                self.db.conn.execute("COMMIT")
                with self.db.conn:
                    create_indexes(self.db)
                    enable_search(self.db)
                problems = self.db.conn.execute("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise InvariantError(f"foreign key check failed (table, rowid, referenced table): {problems[:5]}")
                self.db.close()
                with open(self.temporary, "rb+") as written:
                    os.fsync(written.fileno())
                os.replace(self.temporary, self.out_path)
        except (sqlite3.OperationalError, OSError) as failure:
            if not _out_of_space(failure):
                raise
            raise self._no_space(failure) from failure
        finally:
            self.db.close()
            if self.temporary.exists():
                self.temporary.unlink()
            os.close(self.lock)

    def _no_space(self, failure: BaseException) -> BuildError:
        return BuildError(
            f"{self.out_path}: could not be written: {failure}; the previous database is untouched; "
            f"free some space in {self.out_path.parent} and build again"
        )


def _out_of_space(error: BaseException) -> bool:
    """Whether an error is a write the system refused: a full disk or quota, a file past the size allowed."""
    if isinstance(error, sqlite3.OperationalError):
        name = getattr(error, "sqlite_errorname", "")
        return name == "SQLITE_FULL" or name.startswith("SQLITE_IOERR")
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO)
