"""What every row module shares: the rows of one record, the curated facts it needs, and the row checker.

A row is a dict of exactly the columns ``etl/schema.py`` defines for its table, built by ``make_row``,
which fails at once, naming the table and the column, when a column is missing or unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.errors import InvariantError
from etl.read.blocks import Span
from etl.read.cast import Person
from etl.read.layers import TextLayer
from etl.read.vocabulary import Vocabulary
from etl.schema import TABLES_BY_NAME

# Defects that are the printed page's furniture rather than the record's words.
PAGE_FURNITURE = ("page number", "running head")


def make_row(table: str, **values: object) -> dict:
    """A row of ``table`` with exactly the schema's columns, in the schema's order.

    >>> make_row("note_types", note_type="gloss", description="A Russian word.", resp="translator", spoken=False)
    {'note_type': 'gloss', 'description': 'A Russian word.', 'resp': 'translator', 'spoken': False}
    """
    columns = _COLUMNS[table]
    if values.keys() == _COLUMN_SETS[table]:
        return {column: values[column] for column in columns}
    missing = [column for column in columns if column not in values]
    unknown = [name for name in values if name not in columns]
    if missing or unknown:
        raise InvariantError(
            f"{table}: a row "
            + "; ".join(
                ([f"lacks the column {', '.join(missing)}"] if missing else [])
                + ([f"has the column {', '.join(unknown)} the schema does not define"] if unknown else [])
            )
        )
    return {column: values[column] for column in columns}


# Each table's columns in order and as a set, looked up once: a large build makes hundreds of thousands of rows.
_COLUMNS = {name: tuple(table.column_names) for name, table in TABLES_BY_NAME.items()}
_COLUMN_SETS = {name: set(columns) for name, columns in _COLUMNS.items()}


def one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass
class TableRows:
    """The rows of each table that one record contributes, in the order they are made."""

    by_table: dict[str, list[dict]] = field(default_factory=dict)

    def add(self, table: str, row: dict) -> None:
        """Add a row, checked against the schema's columns of its table (``make_row``)."""
        if tuple(row) == _COLUMNS[table]:
            # The row has exactly the schema's columns in their order (as every row module writes them): a
            # copy is the row ``make_row`` would make, at a fraction of the cost of its keyword arguments.
            self.by_table.setdefault(table, []).append(dict(row))
        else:
            self.by_table.setdefault(table, []).append(make_row(table, **row))


@dataclass(frozen=True)
class SeedRows:
    """All rows that one seed contributes, and what the build should report about it: made once, when the
    record has been read (its ``documents`` row last, complete)."""

    document: dict
    rows: dict[str, list[dict]]
    warnings: list[str]
    unaccounted: list[Span]
    people: list[Person]  # the record's cast, provisional people included
    text_layer: TextLayer | None = None  # what the text-layer stage decided (shown by ``etl read``)


@dataclass(frozen=True)
class Curated:
    """The curated facts the assembly needs for one seed."""

    record: dict  # from documents.yml: place, title, document_type ... with sources
    canonical_url_template: str
    defects: list[dict]
    narration_openings: tuple[str, ...]
    note_types: dict[str, dict]
    vocabulary: Vocabulary
    narration_opening_lines: tuple[int, ...] = ()  # the line of each opening in etl/curated/turns.yml
