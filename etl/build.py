"""Build the database: read the seeds, parse each one, check the invariants, write SQLite atomically.

This is the pipeline from top to bottom. It prints one line per record (file, document id, counts,
coverage) and a summary; with ``strict`` any warning (an unknown speaker, unaccounted text) is an error.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from etl.errors import ParseError
from etl.invariants import check_invariants
from etl.load import write_database_atomically
from etl.rows.record import parse_seed
from etl.rows.types import Curated, SeedRows
from etl.paths import CURATED
from etl.curation import entry_lines, entry_lines_of_mapping, load_curated
from etl.read.notes import READER_NOTE_TYPES
from etl.read.registry import Registry, load_registry
from etl.schema import TABLES, schema_hash
from etl.read.seeds import read_seed, read_seeds
from etl.read.vocabulary import Vocabulary, load_vocabulary


@dataclass(frozen=True)
class BuildReport:
    out_path: Path
    counts: dict[str, int]
    warnings: list[str]


def load_curated_yaml(name: str):
    return load_curated(name)


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

    def for_record(self, seed_file: str) -> Curated:
        """The curated facts about one record (none for a record no curated entry names)."""
        return Curated(
            record=self.documents.get("records", {}).get(seed_file, {}),
            canonical_url_template=self.documents["archive"]["canonical_url_template"],
            defects=[d for d in self.defects if d["seed_file"] == seed_file],
            narration_openings=tuple(n["opening"] for n in self.narration if n["seed_file"] == seed_file),
            narration_opening_lines=tuple(n["line"] for n in self.narration if n["seed_file"] == seed_file),
            note_types=self.note_types,
            vocabulary=self.vocabulary,
        )


def _with_lines(entries: list[dict], lines: list[int]) -> list[dict]:
    return [{**entry, "line": lines[index] if index < len(lines) else None} for index, entry in enumerate(entries)]


def load_curated_inputs() -> CuratedInputs:
    note_types = load_curated("note_types.yml")
    check_note_types(note_types)
    return CuratedInputs(
        registry=load_registry(),
        vocabulary=load_vocabulary(),
        documents=load_curated_yaml("documents.yml"),
        defects=load_curated_entries("defects.yml"),
        narration=_with_lines(load_curated("turns.yml")["narration_resumes"], entry_lines("turns.yml", "narration_resumes")),
        note_types=note_types,
        dataset=load_curated_yaml("dataset.yml"),
    )


def check_note_types(note_types: dict) -> None:
    """The curated note types are exactly the kinds of note the reader gives, so that none is renamed away."""
    lines = dict(zip(note_types, entry_lines_of_mapping("note_types.yml")))
    for name in note_types:
        if name not in READER_NOTE_TYPES:
            raise ParseError(CURATED / "note_types.yml", lines.get(name), f"a note type the reader gives ({', '.join(READER_NOTE_TYPES)})", name)
    for name in READER_NOTE_TYPES:
        if name not in note_types:
            raise ParseError(CURATED / "note_types.yml", None, f"an entry for the note type {name!r}, which the reader gives (etl/read/notes.py)")


def read_one_record(path: Path) -> SeedRows:
    """Read one record file as the build would, without a manifest: the editor's view before adding it."""
    data = Path(path).read_bytes()
    seed = read_seed(Path(path), {Path(path).name: hashlib.sha256(data).hexdigest()}, Path(path).parent / "SHA256SUMS")
    inputs = load_curated_inputs()
    return parse_seed(seed.text, seed.name, seed.sha256, inputs.registry, inputs.for_record(seed.name), set())


def build_rows(seeds_dir: Path, log: Callable[[str], None] = print) -> tuple[dict[str, list[dict]], list[str], dict[str, str]]:
    """Parse every seed into rows for every table; return the rows, the warnings and the seeds' texts."""
    seeds = read_seeds(seeds_dir)
    inputs = load_curated_inputs()
    registry, note_types, dataset = inputs.registry, inputs.note_types, inputs.dataset

    rows: dict[str, list[dict]] = {table.name: [] for table in TABLES}
    warnings: list[str] = []
    taken_ids: set[str] = set()
    provisional: dict = {}
    for seed in seeds:
        curated = inputs.for_record(seed.name)
        parsed: SeedRows = parse_seed(seed.text, seed.name, seed.sha256, registry, curated, taken_ids)
        taken_ids.add(parsed.document["document_id"])
        rows["documents"].append(parsed.document)
        for table, table_rows in parsed.rows.items():
            rows[table].extend(table_rows)
        warnings.extend(parsed.warnings)
        for person in parsed.people:
            if person.is_provisional:
                provisional.setdefault(person.participant_id, person)
        for gap in parsed.unaccounted:
            warnings.append(f"{seed.name}: {gap.end - gap.start} characters unaccounted for at offset {gap.start}: {gap.text[:60]!r}")
        document = parsed.document
        unused = _unused_text(parsed.rows.get("seed_spans", []))
        covered = document["seed_nonblank_chars"] - document["unaccounted_chars"]
        log(
            f"{seed.name}  {document['document_id']:<26} "
            f"{len(parsed.rows.get('utterances', [])):>3} turns  {len(parsed.rows.get('editorial_notes', [])):>3} notes  "
            f"{len(parsed.rows.get('article_references', [])):>2} article references  "
            f"coverage {covered}/{document['seed_nonblank_chars']} non-blank characters "
            f"({100 * covered / document['seed_nonblank_chars']:.2f}%); not used as content: {unused}"
        )

    rows["protocol_articles"] = merge_articles(rows["protocol_articles"])
    # Everyone a row points at: those who took part, and anyone a damaged record names without a role.
    referenced = {
        row[column]
        for table in TABLES
        for column, other_table, _ in table.foreign_keys
        if other_table == "participants"
        for row in rows[table.name]
        if row.get(column)
    }
    for participant in registry.participants.values():
        if participant.participant_id in referenced:
            rows["participants"].append(
                {
                    "participant_id": participant.participant_id,
                    "name": participant.name,
                    "side": participant.side,
                    "position": participant.position,
                    "source": participant.source,
                    "is_provisional": False,
                }
            )
    for person in sorted(provisional.values(), key=lambda person: person.participant_id):
        rows["participants"].append(
            {
                "participant_id": person.participant_id,
                "name": person.name,
                "side": person.side,
                "position": None,
                "source": "Provisional: created by the build from the name as the record prints it; add it to etl/curated/participants.yml.",
                "is_provisional": True,
            }
        )
    rows["note_types"] = [
        {"note_type": name, "description": entry["description"], "resp": entry["resp"]} for name, entry in note_types.items()
    ]
    rows["dataset_versions"] = _version_rows(dataset, {seed.name: seed.sha256 for seed in seeds})
    return rows, warnings, {seed.name: seed.text for seed in seeds}


def _version_rows(dataset: dict, seed_checksums: dict[str, str]) -> list[dict]:
    """One row per released version: the current one with this build's checksums, earlier ones as released."""
    rows = []
    for version, entry in dataset["changes"].items():
        current = str(version) == str(dataset["version"])
        if not current and not {"seed_checksums", "schema_hash"} <= set(entry):
            raise ParseError(CURATED / "dataset.yml", None, f"version {version} to keep the seed_checksums and schema_hash it was released with")
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
        raise ParseError(CURATED / "dataset.yml", None, f"an entry under changes for the current version {dataset['version']}")
    return rows


COMPLETENESS_RANK = {"full": 0, "partial": 1, "none": 2}


def merge_articles(articles: list[dict]) -> list[dict]:
    """One row per article although several records quote or name it: the most complete quotation wins,
    and of equally complete ones the first record's."""
    best: dict[str, dict] = {}
    for row in articles:
        kept = best.get(row["article_id"])
        if kept is None or COMPLETENESS_RANK[row["completeness"]] < COMPLETENESS_RANK[kept["completeness"]]:
            best[row["article_id"]] = row
    return sorted(best.values(), key=lambda row: (row["protocol_date"], row["article_number"]))


def _unused_text(spans: list[dict]) -> str:
    """What the record prints that the dataset keeps only in the ledger: site chrome and page furniture."""
    parts = []
    for category in ("site_chrome", "page_furniture"):
        chosen = [span for span in spans if span["category"] == category]
        characters = sum(len(span["text"]) for span in chosen)
        parts.append(f"{category.replace('_', ' ')} {len(chosen)} spans / {characters} characters")
    return ", ".join(parts)


def build_database(seeds_dir: Path, out_path: Path, strict: bool = False, log: Callable[[str], None] = print) -> BuildReport:
    """Build ``out_path`` from the seeds in ``seeds_dir``; the old file is replaced only by a complete build."""
    rows, warnings, seed_texts = build_rows(Path(seeds_dir), log)
    check_invariants(rows, seed_texts)
    for warning in warnings:
        log(f"warning: {warning}")
    if strict and warnings:
        raise ParseError(seeds_dir, None, "no warnings in a --strict build", f"{len(warnings)} warnings, the first: {warnings[0]}")
    write_database_atomically(Path(out_path), rows)
    counts = {table: len(table_rows) for table, table_rows in rows.items()}
    log("built " + str(out_path) + ": " + ", ".join(f"{count} {table}" for table, count in counts.items()))
    return BuildReport(Path(out_path), counts, warnings)
