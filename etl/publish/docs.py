"""Render the data dictionary (Markdown) from the schema: in full in ``docs/data-dictionary.md``, and as a table
of tables in the README.

The full dictionary gives every column of every table with its type, constraints and description; the README
gives each table's description, key and columns, linked to its section of the full one, so that a user finds
every column's meaning in one click while the README stays short. ``python -m etl dictionary`` writes both:
the whole of ``docs/data-dictionary.md`` and the README's part between its two ``dictionary`` markers. A test
fails when either differs from a fresh rendering, so neither can drift from ``etl/schema.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

from etl.errors import ParseError
from etl.publish.facts import load_dataset_facts
from etl.publish.package import DATA_FOLDER, package_tables
from etl.schema import TURNS_VIEW_NAME, Column, Table

DICTIONARY_FILE = "docs/data-dictionary.md"
README_FILE = "README.md"
# The README's generated part lies between these two lines (the markers included, so they stay in place).
README_START = "<!-- dictionary: generated from etl/schema.py by `python -m etl dictionary`; do not edit -->"
README_END = "<!-- /dictionary -->"
VERSIONS_START = "<!-- versions: generated from etl/curated/dataset.yml by `python -m etl dictionary`; do not edit -->"
VERSIONS_END = "<!-- /versions -->"


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


def _heading(table: Table) -> str:
    """A table's heading in the full dictionary (its anchor is the table's name, ``turns-view`` for the view)."""
    return f"`{table.name}`{' (view)' if table.name == TURNS_VIEW_NAME else ''}"


def _anchor(table: Table) -> str:
    """The anchor GitHub gives the table's heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", _heading(table).lower()).replace(" ", "-")


def render_table_dictionary(table: Table) -> str:
    """One table's section: its description, its key and CSV, and a row per column."""
    lines = [f"## {_heading(table)}", "", _cell(table.description), ""]
    key = ", ".join(f"`{name}`" for name in table.primary_key)
    if table.name == TURNS_VIEW_NAME:
        csv = f"`{DATA_FOLDER}/{table.name}.csv`"
        lines += [f"A view over the tables ({csv} in the data package); each row is keyed by {key}.", ""]
    else:
        lines += [f"Primary key: {key}. CSV: `{DATA_FOLDER}/{table.name}.csv`.", ""]
    lines += ["| column | type | constraints | description |", "|---|---|---|---|"]
    for column in table.columns:
        lines.append(
            f"| `{column.name}` | {column.type} | {_cell(_constraints(column))} | {_cell(column.description)} |"
        )
    return "\n".join(lines) + "\n"


def render_data_dictionary() -> str:
    """``docs/data-dictionary.md``: a section per table of the schema, then the turns view."""
    tables = package_tables()
    contents = ", ".join(f"[{_heading(table)}](#{_anchor(table)})" for table in tables)
    heading = (
        "# Data dictionary\n\n"
        "Every table and column of the dataset, with its type, constraints and description. Generated from\n"
        "`etl/schema.py` by `python -m etl dictionary` (never edited by hand); the same words describe the columns\n"
        "in `datapackage.json` and in Datasette. Types are Frictionless Table Schema types; an empty cell in a CSV\n"
        "is null; booleans are `true`/`false`. The tables at a glance, with their keys and columns, are in the\n"
        "[README](../README.md#data-dictionary).\n\n"
        f"{contents}.\n"
    )
    return heading + "".join("\n" + render_table_dictionary(table) for table in tables)


def render_readme_tables() -> str:
    """The README's table of tables: each table's description, key and columns, its name linked to its section
    of the full dictionary."""
    lines = ["| table | a row is | key | columns |", "|---|---|---|---|"]
    for table in package_tables():
        name = f"[{_heading(table)}]({DICTIONARY_FILE}#{_anchor(table)})"
        key = ", ".join(f"`{column}`" for column in table.primary_key)
        columns = ", ".join(f"`{column.name}`" for column in table.columns)
        lines.append(f"| {name} | {_cell(table.description)} | {key} | {columns} |")
    return "\n".join(lines) + "\n"


def render_versions_table(facts: dict) -> str:
    """The README's table of versions, from the curated facts every release reads (``etl/curated/dataset.yml``
    ``changes``), newest first: the same facts as the version page (``/version``) and CHANGELOG.md's headings.
    A cell's text is on one line, its ``|`` escaped, as in the data dictionary's tables."""
    lines = ["| version | released | changes |", "|---|---|---|"]
    for version, entry in reversed(list((facts.get("changes") or {}).items())):
        changes = " ".join(entry["changes"].split()).replace("|", "\\|")
        lines.append(f"| {version} | {entry['release_date']} | {changes} |")
    return "\n".join(lines) + "\n"


def replace_readme_tables(readme: str, path: Path | str = README_FILE, facts: dict | None = None) -> str:
    """The README with its generated parts replaced by a fresh rendering (the table of tables, and the table
    of versions from ``facts``); ``path`` names it in an error."""
    readme = _replace_between(readme, README_START, README_END, render_readme_tables(), path, "data dictionary")
    if facts is not None:
        readme = _replace_between(readme, VERSIONS_START, VERSIONS_END, render_versions_table(facts), path, "versions")
    return readme


def _replace_between(readme: str, start_mark: str, end_mark: str, content: str, path: Path | str, what: str) -> str:
    start, end = readme.find(start_mark + "\n"), readme.find(end_mark)
    if start < 0 or end < start:
        raise ParseError(path, None, f"the generated {what} between {start_mark!r} and {end_mark!r}")
    return readme[: start + len(start_mark) + 1] + content + readme[end:]


def write_data_dictionary(root: Path) -> list[Path]:
    """Write ``docs/data-dictionary.md``, the README's table of tables and its table of versions under
    ``root``; return their paths."""
    root = Path(root)
    readme_path, dictionary_path = root / README_FILE, root / DICTIONARY_FILE
    readme = replace_readme_tables(readme_path.read_text(encoding="utf-8"), readme_path, load_dataset_facts())
    dictionary = render_data_dictionary()
    readme_path.write_text(readme, encoding="utf-8")
    dictionary_path.write_text(dictionary, encoding="utf-8")
    return [dictionary_path, readme_path]
