"""Invariants checked between parsing and loading: keys, references, offsets that reproduce the text.

A failed invariant is a bug in the pipeline or in the curated data, never something to load anyway.
"""

from __future__ import annotations

from etl.errors import InvariantError
from etl.schema import TABLES


def check_invariants(rows: dict[str, list[dict]], seed_texts: dict[str, str]) -> None:
    """Unique non-null keys, required columns, and offsets that reproduce the printed text."""
    for table in TABLES:
        seen = set()
        for row in rows.get(table.name, []):
            key = tuple(row[column] for column in table.primary_key)
            if None in key or key in seen:
                raise InvariantError(f"{table.name}: primary key {key} is empty or repeated")
            seen.add(key)
            for column in table.columns:
                if column.required and row.get(column.name) is None:
                    raise InvariantError(f"{table.name} {key}: required column {column.name} is empty")
                if column.enum and row.get(column.name) is not None and row[column.name] not in column.enum:
                    raise InvariantError(f"{table.name} {key}: {column.name}={row[column.name]!r} is not one of {column.enum}")
    for row in rows.get("editorial_notes", []):
        printed = seed_texts[row["seed_file"]][row["char_start"] : row["char_end"]]
        if printed != row["marker"]:
            raise InvariantError(f"editorial_notes {row['note_id']}: offsets give {printed!r}, not the marker {row['marker']!r}")
    notes_between = {}
    for note in rows.get("editorial_notes", []):
        if note["utterance_id"] and note["offset_in_utterance"] is None:
            notes_between.setdefault(note["utterance_id"], []).append(note)
    for row in rows.get("utterances", []):
        if printed_words(row, seed_texts[row["seed_file"]], notes_between.get(row["utterance_id"], [])) != row["text"].split():
            raise InvariantError(f"utterances {row['utterance_id']}: offsets do not reproduce the text's words")
    for row in rows.get("seed_spans", []):
        if seed_texts[row["seed_file"]][row["char_start"] : row["char_end"]] != row["text"]:
            raise InvariantError(f"seed_spans {row['span_id']}: offsets do not reproduce the text")


def printed_words(utterance: dict, seed_text: str, notes_after: list[dict]) -> list[str]:
    """The words the seed prints between a turn's offsets, less any note paragraph printed inside the turn.

    A turn can go on after an editor's note paragraph ("[Ed. note: ...]"); that note is its own row.
    """
    start, end = utterance["char_start"], utterance["char_end"]
    pieces, position = [], start
    for note in sorted(notes_after, key=lambda n: n["char_start"]):
        if position <= note["char_start"] < end:  # nested notes lie inside one already left out
            pieces.append(seed_text[position : note["char_start"]])
            position = note["char_end"]
    pieces.append(seed_text[position:end])
    return " ".join(pieces).split()
