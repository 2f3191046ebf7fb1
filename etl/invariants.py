"""Invariants checked between parsing and loading: keys, references, offsets that reproduce the text.

A failed invariant is a bug in the pipeline or in the curated data, never something to load anyway.
"""

from __future__ import annotations

from operator import itemgetter

from etl.errors import InvariantError
from etl.schema import TABLES, Table


def check_invariants(rows: dict[str, list[dict]], seed_texts: dict[str, str]) -> None:
    """Unique non-null keys, required columns, and offsets that reproduce the printed text."""
    for table in TABLES:
        table_rows = rows.get(table.name, [])
        if table_rows and not _columns_hold(table.name, table_rows):
            _check_row_by_row(table, table_rows)  # names the first row and column at fault
    for row in rows.get("editorial_notes", []):
        printed = seed_texts[row["seed_file"]][row["char_start"] : row["char_end"]]
        if printed != row["marker"]:
            raise InvariantError(
                f"editorial_notes {row['note_id']}: offsets give {printed!r}, not the marker {row['marker']!r}"
            )
    spans_of_turn: dict[str, list[dict]] = {}
    for span in rows.get("seed_spans", []):
        if span["category"] == "utterance":
            spans_of_turn.setdefault(span["field"], []).append(span)
    for row in rows.get("utterances", []):
        spans = sorted(spans_of_turn.get(row["utterance_id"], []), key=_CHAR_START)
        if not spans or (spans[0]["char_start"], spans[-1]["char_end"]) != (row["char_start"], row["char_end"]):
            raise InvariantError(
                f"utterances {row['utterance_id']}: its spans in seed_spans do not begin and end where the turn does"
            )
        printed, text = printed_text(spans), row["text"]
        # The same string has the same words, without splitting both: most turns print exactly their text, and
        # one of several paragraphs its text with a space for each blank line (whitespace for whitespace).
        # A paragraph rebuilt from hard-wrapped lines (etl/read/layers.py) reads a word cut at the end of a line
        # whole ("ambassa" / "dor"): its spans hold the same characters but for the white space between them.
        if (
            printed != text
            and printed != text.replace("\n\n", " ")
            and printed.split() != text.split()
            and "".join(printed.split()) != "".join(text.split())
        ):
            raise InvariantError(f"utterances {row['utterance_id']}: offsets do not reproduce the text's words")
    for row in rows.get("seed_spans", []):
        if seed_texts[row["seed_file"]][row["char_start"] : row["char_end"]] != row["text"]:
            raise InvariantError(f"seed_spans {row['span_id']}: offsets do not reproduce the text")


def _columns_hold(table_name: str, table_rows: list[dict]) -> bool:
    """Whether a table's rows have unique keys, no empty key or required column and only allowed values.

    The same checks as ``_check_row_by_row``, a column at a time: ``map`` with an ``itemgetter`` reads a
    column of every row without a Python loop, several times faster on the hundreds of rows of a record
    (which pass); a row that fails is then found and named row by row.
    """
    try:
        if len(set(map(_KEY[table_name], table_rows))) != len(table_rows):
            return False
        for column in _NOT_EMPTY[table_name]:
            if None in map(column, table_rows):  # (by equality too: a row it flags is only checked again)
                return False
        for column, allowed in _ALLOWED[table_name]:
            if not set(map(column, table_rows)) <= allowed:
                return False
    except (KeyError, TypeError):  # a row without a column, an unhashable value: the row-by-row check says what
        return False
    return True


def _check_row_by_row(table: Table, table_rows: list[dict]) -> None:
    seen = set()
    required, enumerated = _REQUIRED[table.name], _ENUMERATED[table.name]
    for row in table_rows:
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


# Per table, the columns that must have a value, and those whose value is one of a list (looked up once).
_REQUIRED = {table.name: [column.name for column in table.columns if column.required] for table in TABLES}
_ENUMERATED = {table.name: [(column.name, column.enum) for column in table.columns if column.enum] for table in TABLES}

# The same as readers of a column (``_columns_hold``): a row's key as a tuple, the columns of the key and the
# required ones, and each enumerated column with its values and None (an empty optional column is allowed).
_KEY = {
    table.name: itemgetter(*table.primary_key) for table in TABLES
}  # (one column: its value, as unique as the tuple)
_NOT_EMPTY = {
    table.name: [itemgetter(name) for name in dict.fromkeys([*table.primary_key, *_REQUIRED[table.name]])]
    for table in TABLES
}
_CHAR_START = itemgetter("char_start")
_ALLOWED = {
    table.name: [(itemgetter(name), frozenset(allowed) | {None}) for name, allowed in _ENUMERATED[table.name]]
    for table in TABLES
}


def printed_text(spans: list[dict]) -> str:
    """A turn's spans joined by a space: its text where the turn is one paragraph."""
    return " ".join(span["text"] for span in spans)
