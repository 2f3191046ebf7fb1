"""Render the data dictionary (Markdown) from the schema, for the README.

The README carries this rendering between its ``<!-- section:dictionary -->`` marker and the next
section; a test fails when the README's copy differs from a fresh rendering, so the dictionary can never
drift from ``etl/schema.py``. ``python -m etl dictionary`` prints it.
"""

from __future__ import annotations

from etl.publish.package import package_tables
from etl.schema import TURNS_VIEW_NAME, Column, Table


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _constraints(column: Column) -> str:
    """A column's constraints in words a reader of the README understands."""
    parts = []
    if column.required:
        parts.append("required")
    if column.unique:
        parts.append("unique")
    if column.enum is not None:
        parts.append("one of " + ", ".join(f"`{value}`" for value in column.enum))
    if column.pattern is not None:
        parts.append(f"matches `{column.pattern}`")
    if column.minimum is not None:
        parts.append(f"at least {column.minimum}")
    if column.references is not None:
        parts.append("→ `{}.{}`".format(*column.references))
    return "; ".join(parts)


def render_table_dictionary(table: Table) -> str:
    """One table's section: its description, its key and a row per column."""
    is_view = table.name == TURNS_VIEW_NAME
    lines = [f"### `{table.name}`{' (view)' if is_view else ''}", "", _cell(table.description), ""]
    key = ", ".join(f"`{name}`" for name in table.primary_key)
    if is_view:
        lines += [
            f"A view over the tables (`data/{table.name}.csv` in the data package); each row is keyed by {key}.",
            "",
        ]
    else:
        lines += [f"Primary key: {key}. CSV: `data/{table.name}.csv`.", ""]
    lines += ["| column | type | constraints | description |", "|---|---|---|---|"]
    for column in table.columns:
        lines.append(
            f"| `{column.name}` | {column.type} | {_cell(_constraints(column))} | {_cell(column.description)} |"
        )
    return "\n".join(lines) + "\n"


def render_data_dictionary() -> str:
    """The data dictionary: a Markdown section per table of the schema, then the turns view."""
    heading = (
        "## Data dictionary\n\n"
        "Generated from `etl/schema.py` by `python -m etl dictionary`; the same words describe the columns in\n"
        "`datapackage.json` and in Datasette. Types are Frictionless Table Schema types; an empty cell in a CSV\n"
        "is null; booleans are `true`/`false`.\n"
    )
    return heading + "".join("\n" + render_table_dictionary(table) for table in package_tables())


def render_versions_table(facts: dict) -> str:
    """The README's table of versions, from the curated facts every release reads (``etl/curated/dataset.yml``
    ``changes``), newest first: the same facts as the version page (``/version``) and CHANGELOG.md's headings."""
    lines = ["| version | released | changes |", "|---|---|---|"]
    for version, entry in reversed(list((facts.get("changes") or {}).items())):
        lines.append(f"| {version} | {entry['release_date']} | {_cell(entry['changes'])} |")
    return "\n".join(lines) + "\n"
