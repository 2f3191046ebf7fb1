"""Datasette plugin of the havana-1962 site: a table's permission rules are read from the metadata once.

Datasette 0.65.5 answers each "may this actor view this table?" (``view-table``: three times on a row page,
twice on a table page) by deep-copying the whole metadata, every source of it, to find the table's
``allow`` blocks (``Datasette._table_permission_allows``). The site's metadata describes every column and
every canned query, so each check took about 0.27 ms, measured on the 2-core machine: 0.8 ms of a row
page that took 5.2 ms in all, against 3.4 ms for plain Datasette's (whose metadata is empty).

The metadata is read once, at startup, and comes from metadata.yml alone (no plugin of the site provides
metadata at run time), so a table's ``allow`` blocks cannot change while the server runs. ``startup``
keeps, per database and table, the blocks Datasette's own method finds; the actor is still matched against
them on every request by Datasette's default permission check. If a plugin that provides metadata
(``get_metadata``) is ever installed, or the metadata is replaced, the blocks are looked up every time, as
before. tests/test_remembered_pages.py fails as soon as Datasette no longer copies, so that this can go.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from datasette.plugins import pm


def has_dynamic_metadata() -> bool:
    """Whether an installed plugin provides metadata at run time (``get_metadata``)."""
    return bool(pm.hook.get_metadata.get_hookimpls())


@hookimpl
def startup(datasette: Any) -> None:
    if has_dynamic_metadata() or "_table_permission_allows" in vars(datasette):
        return
    looked_up = datasette._table_permission_allows
    metadata = datasette._metadata_local
    found: dict[tuple[str, str], list] = {}

    def table_permission_allows(database: str, table: str) -> list:
        if datasette._metadata_local is not metadata:  # replaced: look it up, as Datasette does
            return looked_up(database, table)
        if (database, table) not in found:
            found[(database, table)] = looked_up(database, table)
        return list(found[(database, table)])

    datasette._table_permission_allows = table_permission_allows
