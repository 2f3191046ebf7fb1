"""Build the database: read the seeds, parse each one, check the invariants, write SQLite atomically.

This is the pipeline from top to bottom. It prints one line per record (file, document id, counts,
coverage) and a summary; with ``strict`` any warning (an unknown speaker, unaccounted text) is an error.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import multiprocessing
import os
import re
import signal
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from pathlib import Path

import yaml

from etl.curation import entry_lines, entry_lines_of_mapping, line_of_node, load_curated
from etl.errors import ParseError
from etl.invariants import check_invariants
from etl.load import TemporaryDatabase, append_rows
from etl.paths import CURATED
from etl.read.cast import Person
from etl.read.notes import READER_NOTE_TYPES
from etl.read.registry import Registry, load_registry
from etl.read.seeds import SeedSource, list_seeds, read_bounded, read_seed, same_text_warnings
from etl.read.vocabulary import Vocabulary, load_vocabulary
from etl.rows.record import parse_seed
from etl.rows.types import Curated, SeedRows, make_row
from etl.schema import TABLES, schema_hash


@dataclass(frozen=True)
class BuildReport:
    out_path: Path
    counts: dict[str, int]
    warnings: list[str]


def _composed(name: str) -> yaml.Node | None:
    return yaml.compose(
        (CURATED / name).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )


def load_curated_entries(name: str) -> list[dict]:
    """A curated list, each entry with the line where it starts (``line``), for error messages."""
    entries = load_curated(name) or []
    return _with_lines(entries, entry_lines(name) if entries else [])


@dataclass(frozen=True)
class CuratedInputs:
    """Everything curated that reading a record may need, read and checked once per build."""

    registry: Registry
    vocabulary: Vocabulary
    documents: dict
    defects: list[dict]
    narration: list[dict]
    note_types: dict
    dataset: dict

    def entries_for_absent_seeds(self, seed_files: set[str]) -> list[str]:
        """A warning for each curated entry that names a seed not among those being built: a slip in the
        entry (a mistyped file name), or a folder other than the project's seeds (the corpus of real records)."""
        named = [
            ("documents.yml", line_of_node(_composed("documents.yml"), ["records", seed]), seed)
            for seed in self.documents.get("records", {})
        ]
        named += [("defects.yml", entry["line"], entry["seed_file"]) for entry in self.defects]
        named += [("turns.yml", entry["line"], entry["seed_file"]) for entry in self.narration]
        return [
            f"{CURATED / name}:{line}: expected a seed being built; the entry names {seed}, which is not among them"
            for name, line, seed in named
            if seed not in seed_files
        ]

    def for_record(self, seed_file: str) -> Curated:
        """The curated facts about one record (none for a record no curated entry names)."""
        defects, narration = self._by_record
        openings = narration.get(seed_file, [])
        return Curated(
            record=self.documents.get("records", {}).get(seed_file, {}),
            canonical_url_template=self.documents["archive"]["canonical_url_template"],
            defects=defects.get(seed_file, []),
            narration_openings=tuple(n["opening"] for n in openings),
            narration_opening_lines=tuple(n["line"] for n in openings),
            note_types=self.note_types,
            vocabulary=self.vocabulary,
        )

    @cached_property
    def _by_record(self) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
        """The curated defects and narration openings grouped by record, in the order of their files, so
        that finding a record's entries does not mean reading every entry of the collection."""
        return _grouped_by_seed_file(self.defects), _grouped_by_seed_file(self.narration)


def _grouped_by_seed_file(entries: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for entry in entries:
        grouped.setdefault(entry["seed_file"], []).append(entry)
    return grouped


def _with_lines(entries: list[dict], lines: list[int]) -> list[dict]:
    return [{**entry, "line": lines[index] if index < len(lines) else None} for index, entry in enumerate(entries)]


def load_curated_inputs() -> CuratedInputs:
    note_types = load_curated("note_types.yml")
    check_note_types(note_types)
    return CuratedInputs(
        registry=load_registry(),
        vocabulary=load_vocabulary(),
        documents=load_curated("documents.yml"),
        defects=load_curated_entries("defects.yml"),
        narration=_with_lines(
            load_curated("turns.yml")["narration_resumes"], entry_lines("turns.yml", "narration_resumes")
        ),
        note_types=note_types,
        dataset=load_curated("dataset.yml"),
    )


def check_note_types(note_types: dict) -> None:
    """The curated note types are exactly the kinds of note the reader gives, so that none is renamed away."""
    for name in note_types:
        if name not in READER_NOTE_TYPES:
            # (read only for the error; one line for each key of the same mapping)
            line = dict(zip(note_types, entry_lines_of_mapping("note_types.yml"), strict=True)).get(name)
            raise ParseError(
                CURATED / "note_types.yml", line, f"a note type the reader gives ({', '.join(READER_NOTE_TYPES)})", name
            )
    for name in READER_NOTE_TYPES:
        if name not in note_types:
            raise ParseError(
                CURATED / "note_types.yml",
                None,
                f"an entry for the note type {name!r}, which the reader gives (etl/read/notes.py)",
            )


def read_one_record(path: Path) -> SeedRows:
    """Read one record file as the build would, without a manifest: the editor's view before adding it."""
    data = read_bounded(Path(path))
    seed = read_seed(Path(path), {Path(path).name: hashlib.sha256(data).hexdigest()}, Path(path).parent / "SHA256SUMS")
    inputs = load_curated_inputs()
    return parse_seed(seed.text, seed.name, seed.sha256, inputs.registry, inputs.for_record(seed.name), set())


@dataclass(frozen=True)
class ReadRecord:
    """One record read and checked, as the build needs it: its rows as tuples in the schema's column order
    (what the database takes, and small to send back from a worker) and what the build reports about it."""

    document: dict
    rows: dict[str, list[tuple]]  # the document's row included
    warnings: list[str]
    provisional: list[Person]
    articles: list[dict]  # protocol_articles rows, merged across records at the end
    referenced: frozenset[str]  # every participant a row points at
    line: str  # the record's line of the build's log


def _read_all(
    sources: list[SeedSource],
    inputs: CuratedInputs,
    emit: Callable[[dict[str, list[tuple]]], None],
    log: Callable[[str], None],
    workers: int,
) -> list[str]:
    """Read every record in order (in ``workers`` processes), hand each record's rows to ``emit`` as soon as it
    is read and checked, then the rows that span records; return the warnings."""
    warnings: list[str] = []
    taken_ids: set[str] = set()
    provisional: dict[str, Person] = {}
    articles: dict[str, dict] = {}  # the best row of each article so far (keep_best_article)
    referenced: set[str] = set()
    checksums: dict[str, str] = {}
    for source, record in _read_in_order(sources, inputs, workers):
        if record.document["document_id"] in taken_ids:
            # Another record took this id: read this one again knowing the ids taken (rare, and always in order).
            seed = source.read()
            record = _ready(
                _checked(
                    parse_seed(
                        seed.text, seed.name, seed.sha256, inputs.registry, inputs.for_record(seed.name), taken_ids
                    ),
                    seed.text,
                )
            )
        document = record.document
        taken_ids.add(document["document_id"])
        checksums[document["seed_file"]] = document["seed_sha256"]
        warnings.extend(record.warnings)
        for person in record.provisional:
            provisional.setdefault(person.participant_id, person)
        for row in record.articles:
            keep_best_article(articles, row)
        referenced |= record.referenced
        emit(record.rows)
        log(record.line)
    final = _rows_across_records(inputs, articles, referenced, provisional, checksums)
    check_invariants(final, {})
    emit(as_tuples(final))
    return warnings


def _read_in_order(
    sources: list[SeedSource], inputs: CuratedInputs, workers: int
) -> Iterator[tuple[SeedSource, ReadRecord]]:
    """(source, record) of every record, in the order of the sources, read here or in a pool of processes."""
    if workers <= 1 or len(sources) < PARALLEL_FROM:
        for source in sources:
            yield source, _read_one(source, inputs)
        return
    # Forked workers inherit the curated inputs already read and checked here. concurrent.futures' pool,
    # not multiprocessing.Pool: the latter's thread that looks after the workers also wakes whenever a
    # result is waiting in the pipe, and on 3,000 records it spent 1.5 s of a core going round while the
    # thread that reads the results had not yet read it.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(inputs, os.getpid())
    ) as pool:
        # A sliding window of records goes to the pool: read records never pile up waiting for the database
        # (memory stays that of the window, whatever the size of the collection), and no worker waits for
        # the slowest record of a batch before the next batch is handed out. Records go eight at a time:
        # each task and each answer costs the pool's threads in this process some work (on 3,000 records,
        # 1.5 s of a core with one record per task, 0.7 s with four, 0.5 s with eight), and two tasks per
        # worker keep it busy while this process writes the records before.
        batches = [sources[start : start + RECORDS_PER_TASK] for start in range(0, len(sources), RECORDS_PER_TASK)]
        window = max(1, workers * RECORDS_PER_WORKER_WINDOW // RECORDS_PER_TASK)
        pending: deque[tuple[list[SeedSource], Future]] = deque()
        for batch in batches:
            pending.append((batch, pool.submit(_read_batch_in_worker, batch)))
            if len(pending) >= window:
                done, result = pending.popleft()
                yield from zip(done, result.result(), strict=True)  # (a worker reads each record of its batch)
        while pending:
            done, result = pending.popleft()
            yield from zip(done, result.result(), strict=True)


# Below this many records a pool of processes costs more than it saves (three records read in 0.1 s).
PARALLEL_FROM = 16

# How many records each worker may have read ahead of the database (two tasks).
RECORDS_PER_WORKER_WINDOW = 16

# How many records go to a worker as one task (a record takes some 6 ms to read).
RECORDS_PER_TASK = 8

_WORKER_INPUTS: CuratedInputs | None = None


# Linux's prctl option that sends a process a signal when its parent dies (prctl(2)): a worker of the build
# never outlives the build, even when the build is killed with SIGKILL.
PR_SET_PDEATHSIG = 1


def _start_worker(inputs: CuratedInputs, parent: int) -> None:
    global _WORKER_INPUTS
    _WORKER_INPUTS = inputs
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker ends at SIGTERM, whatever its parent set
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (AttributeError, OSError):
        pass  # not Linux: the pool's own shutdown still ends the workers when the build ends normally
    if os.getppid() != parent:  # the build died before the line above: nobody is left to send the signal
        os._exit(1)


def _read_batch_in_worker(sources: list[SeedSource]) -> list[ReadRecord]:
    inputs = _WORKER_INPUTS
    assert inputs is not None, "set in each worker by the pool's initializer"
    return [_read_one(source, inputs) for source in sources]


def _read_one(source: SeedSource, inputs: CuratedInputs) -> ReadRecord:
    """One record read, parsed into rows and checked against its own text."""
    seed = source.read()
    parsed = parse_seed(seed.text, seed.name, seed.sha256, inputs.registry, inputs.for_record(seed.name))
    return _ready(_checked(parsed, seed.text))


def _checked(parsed: SeedRows, text: str) -> SeedRows:
    check_invariants({"documents": [parsed.document], **parsed.rows}, {parsed.document["seed_file"]: text})
    return parsed


def _ready(parsed: SeedRows) -> ReadRecord:
    """A record's rows and report as the build takes them (done in the worker that read it)."""
    document = parsed.document
    gaps = [
        f"{document['seed_file']}: {gap.end - gap.start} characters unaccounted for at offset {gap.start}: "
        f"{gap.text[:60]!r}"
        for gap in parsed.unaccounted
    ]
    rows = {
        "documents": [document],
        **{table: table_rows for table, table_rows in parsed.rows.items() if table != "protocol_articles"},
    }
    return ReadRecord(
        document=document,
        rows=as_tuples(rows),
        warnings=parsed.warnings + gaps,
        provisional=[person for person in parsed.people if person.is_provisional],
        articles=parsed.rows.get("protocol_articles", []),
        referenced=frozenset(_participants_referenced(rows)),
        line=_record_line(parsed),
    )


def as_tuples(rows: dict[str, list[dict]]) -> dict[str, list[tuple]]:
    """Rows as tuples of their table's columns in the schema's order."""
    return {table: list(map(_COLUMNS_OF[table], table_rows)) for table, table_rows in rows.items()}


# A row's values in the order of its table's columns (every table has more than one, so each gives a tuple).
_COLUMNS_OF = {table.name: itemgetter(*table.column_names) for table in TABLES}


def _participants_referenced(rows: dict[str, list[dict]]) -> set[str]:
    """Everyone a row points at: those who took part, and anyone a damaged record names without a role."""
    return {
        row[column]
        for table in TABLES
        for column, other_table, _ in table.foreign_keys
        if other_table == "participants"
        for row in rows.get(table.name, [])
        if row.get(column)
    }


def _rows_across_records(
    inputs: CuratedInputs,
    articles: dict[str, dict],
    referenced: set[str],
    provisional: dict[str, Person],
    checksums: dict[str, str],
) -> dict[str, list[dict]]:
    """The tables whose rows come from all the records together, or from the curated data alone."""
    participants = [
        make_row(
            "participants",
            participant_id=participant.participant_id,
            name=participant.name,
            side=participant.side,
            position=participant.position,
            source=participant.source,
            is_provisional=False,
        )
        for participant in inputs.registry.participants.values()
        if participant.participant_id in referenced
    ]
    participants += [
        make_row(
            "participants",
            participant_id=person.participant_id,
            name=person.name,
            side=person.side,
            position=None,
            source=(
                "Provisional: created by the build from the name as the record prints it; "
                "add it to etl/curated/participants.yml."
            ),
            is_provisional=True,
        )
        for person in sorted(provisional.values(), key=lambda person: person.participant_id)
    ]
    return {
        "participants": participants,
        "note_types": [
            make_row(
                "note_types",
                note_type=name,
                description=entry["description"],
                resp=entry["resp"],
                spoken=entry["spoken"],
            )
            for name, entry in inputs.note_types.items()
        ],
        "protocol_articles": articles_in_order(articles),
        "dataset_versions": _version_rows(inputs.dataset, checksums),
    }


def _record_line(parsed: SeedRows) -> str:
    document = parsed.document
    covered = document["seed_nonblank_chars"] - document["unaccounted_chars"]
    return (
        f"{document['seed_file']}  {document['document_id']:<26} "
        f"{len(parsed.rows.get('utterances', [])):>3} turns  {len(parsed.rows.get('editorial_notes', [])):>3} notes  "
        f"{len(parsed.rows.get('article_references', [])):>2} article references  "
        f"coverage {covered}/{document['seed_nonblank_chars']} non-blank characters "
        f"({100 * covered / document['seed_nonblank_chars']:.2f}%); not used as content: "
        f"{_unused_text(parsed.rows.get('seed_spans', []))}"
    )


def _version_rows(dataset: dict, seed_checksums: dict[str, str]) -> list[dict]:
    """One row per released version: the current one with this build's checksums, earlier ones as released."""
    rows = []
    for version, entry in dataset["changes"].items():
        current = str(version) == str(dataset["version"])
        if not current and not {"seed_checksums", "schema_hash"} <= set(entry):
            raise ParseError(
                CURATED / "dataset.yml",
                None,
                f"version {version} to keep the seed_checksums and schema_hash it was released with",
            )
        rows.append(
            {
                "version": str(version),
                "release_date": str(entry["release_date"]),
                "changes": entry["changes"],
                "seed_checksums": json.dumps(seed_checksums, sort_keys=True) if current else entry["seed_checksums"],
                "schema_hash": schema_hash() if current else entry["schema_hash"],
            }
        )
    if str(dataset["version"]) not in {row["version"] for row in rows}:
        raise ParseError(
            CURATED / "dataset.yml", None, f"an entry under changes for the current version {dataset['version']}"
        )
    return rows


COMPLETENESS_RANK = {"full": 0, "partial": 1, "none": 2}


def articles_in_order(best: dict[str, dict]) -> list[dict]:
    """The kept article rows in the order of the protocols and their articles."""
    return sorted(best.values(), key=lambda row: (row["protocol_date"], row["article_number"]))


def keep_best_article(best: dict[str, dict], row: dict) -> None:
    """Keep ``row`` as its article's row if it is more complete than the one kept (records in order), so
    that the build holds one row per article, not every record's."""
    kept = best.get(row["article_id"])
    if kept is None or COMPLETENESS_RANK[row["completeness"]] < COMPLETENESS_RANK[kept["completeness"]]:
        best[row["article_id"]] = row


def _unused_text(spans: list[dict]) -> str:
    """What the record prints that the dataset keeps only in the ledger: site chrome and page furniture."""
    parts = []
    for category in ("site_chrome", "page_furniture"):
        chosen = [span for span in spans if span["category"] == category]
        characters = sum(len(span["text"]) for span in chosen)
        parts.append(f"{category.replace('_', ' ')} {len(chosen)} spans / {characters} characters")
    return ", ".join(parts)


def article_links_to_absent_records(conn) -> list[str]:
    """Check each curated link of ``article_links.yml`` (read by the site, not loaded) against the built rows.

    A link whose turn or article is not among the rows of a record that was built is a slip, and stops the
    build with its line; a link into a record that is not being built is a warning, as for ``documents.yml``.
    """
    name = "article_links.yml"
    documents = {row[0] for row in conn.execute("select document_id from documents")}
    known = {
        "utterance_id": {row[0] for row in conn.execute("select utterance_id from utterances")},
        "article_id": {row[0] for row in conn.execute("select article_id from protocol_articles")},
    }
    warnings = []
    for index, entry in enumerate(load_curated_entries(name)):
        missing = [key for key in ("utterance_id", "article_id") if entry[key] not in known[key]]
        if not missing:
            continue
        document = entry["utterance_id"].rsplit("-u", 1)[0]
        if document not in documents:
            warnings.append(
                f"{CURATED / name}:{entry['line']}: expected a record being built; the entry's turn is in {document}, "
                "which is not among them"
            )
            continue
        what = {"utterance_id": "a turn", "article_id": "an article"}[missing[0]]
        line = line_of_node(_composed(name), [index, missing[0]])
        raise ParseError(CURATED / name, line, f"{what} of the built records ({document})", entry[missing[0]])
    return warnings


def published_translations_unlike_their_notes(conn) -> list[str]:
    """Check each entry of ``published_translations.yml`` against the note that cites it: the note must be a
    bibliographic note of the built records that prints every part of the entry (author, title, journal,
    issue, year, pages); a note of a record not being built is a warning."""
    name = "published_translations.yml"
    notes = dict(conn.execute("select note_id, text from editorial_notes where note_type = 'bibliographic'"))
    documents = {row[0] for row in conn.execute("select document_id from documents")}
    warnings = []
    for index, entry in enumerate(load_curated_entries(name)):
        note = notes.get(entry["note_id"])
        if note is None:
            document = entry["note_id"].rsplit("-n", 1)[0]
            if document not in documents:
                warnings.append(f"{CURATED / name}:{entry['line']}: expected a record being built; {document} is not")
                continue
            line = line_of_node(_composed(name), [index, "note_id"])
            raise ParseError(CURATED / name, line, f"a bibliographic note of {document}", entry["note_id"])
        printed = " ".join(note.split())
        parts = {
            "author": f"{entry['author']['given']} {entry['author']['family']}",
            **{key: str(entry[key]) for key in ("title", "journal", "issue", "year", "pages")},
        }
        for key, value in parts.items():
            if not re.search(rf"(?<!\w){re.escape(value)}(?!\w)", printed):  # as whole words: "5", not "1962"
                line = line_of_node(_composed(name), [index, key])
                raise ParseError(CURATED / name, line, f"the {key} as note {entry['note_id']} prints it", value)
    return warnings


def build_database(
    seeds_dir: Path,
    out_path: Path,
    strict: bool = False,
    log: Callable[[str], None] = print,
    workers: int | None = None,
) -> BuildReport:
    """Build ``out_path`` from the records in ``seeds_dir``; the old file is replaced only by a complete build.

    Records are read in ``workers`` processes (one per core by default) and each record's rows go to the
    temporary database as soon as it is read, in the order of the records, so that memory does not grow
    with the collection and the bytes are those of a serial build.
    """
    sources = list_seeds(Path(seeds_dir))
    inputs = load_curated_inputs()
    workers = workers or os.cpu_count() or 1
    counts: dict[str, int] = {table.name: 0 for table in TABLES}
    with TemporaryDatabase(Path(out_path)) as db:

        def write(rows: dict[str, list[tuple]]) -> None:
            # Each record's rows go to the database as soon as it is read: one executemany per table, so
            # nothing is gained by holding rows back, and memory holds one record's rows at a time.
            append_rows(db, rows)
            for table, table_rows in rows.items():
                counts[table] += len(table_rows)

        absent = inputs.entries_for_absent_seeds({source.path.name for source in sources})
        warnings = same_text_warnings(sources) + absent + _read_all(sources, inputs, write, log, workers)
        warnings += article_links_to_absent_records(db.conn)
        warnings += published_translations_unlike_their_notes(db.conn)
        for warning in warnings:
            log(f"warning: {warning}")
        if strict and warnings:
            raise ParseError(
                seeds_dir,
                None,
                "no warnings in a --strict build",
                f"{len(warnings)} warnings, the first: {warnings[0]}",
            )
    log("built " + str(out_path) + ": " + ", ".join(f"{count} {table}" for table, count in counts.items()))
    return BuildReport(Path(out_path), counts, warnings)
