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
        required, enumerated = _REQUIRED[table.name], _ENUMERATED[table.name]
        for row in rows.get(table.name, []):
            key = tuple(row[column] for column in table.primary_key)
            if None in key or key in seen:
                raise InvariantError(f"{table.name}: primary key {key} is empty or repeated")
            seen.add(key)
            for name in required:
                if row.get(name) is None:
                    raise InvariantError(f"{table.name} {key}: required column {name} is empty")
            for name, allowed in enumerated:
                if row.get(name) is not None and row[name] not in allowed:
                    raise InvariantError(f"{table.name} {key}: {name}={row[name]!r} is not one of {allowed}")
    for row in rows.get("editorial_notes", []):
        printed = seed_texts[row["seed_file"]][row["char_start"] : row["char_end"]]
        if printed != row["marker"]:
            raise InvariantError(f"editorial_notes {row['note_id']}: offsets give {printed!r}, not the marker {row['marker']!r}")
    spans_of_turn: dict[str, list[dict]] = {}
    for span in rows.get("seed_spans", []):
        if span["category"] == "utterance":
            spans_of_turn.setdefault(span["field"], []).append(span)
    for row in rows.get("utterances", []):
        spans = sorted(spans_of_turn.get(row["utterance_id"], []), key=lambda s: s["char_start"])
        if not spans or (spans[0]["char_start"], spans[-1]["char_end"]) != (row["char_start"], row["char_end"]):
            raise InvariantError(f"utterances {row['utterance_id']}: its spans in seed_spans do not begin and end where the turn does")
        if printed_words(spans) != row["text"].split():
            raise InvariantError(f"utterances {row['utterance_id']}: offsets do not reproduce the text's words")
    for row in rows.get("seed_spans", []):
        if seed_texts[row["seed_file"]][row["char_start"] : row["char_end"]] != row["text"]:
            raise InvariantError(f"seed_spans {row['span_id']}: offsets do not reproduce the text")


# Per table, the columns that must have a value, and those whose value is one of a list (looked up once).
_REQUIRED = {table.name: [column.name for column in table.columns if column.required] for table in TABLES}
_ENUMERATED = {table.name: [(column.name, column.enum) for column in table.columns if column.enum] for table in TABLES}


def printed_words(spans: list[dict]) -> list[str]:
    """The words a turn's spans print, in order.

    A turn can go on across a note paragraph ("[Ed. note: ...]") or a line of the printed page
    ("113Reference copy"); those are rows of their own, and the turn's spans leave them out.
    """
    return " ".join(span["text"] for span in spans).split()
