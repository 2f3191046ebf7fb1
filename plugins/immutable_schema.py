"""Datasette plugin of the havana-1962 site: the schema of an immutable database is read once per server.

Datasette 0.65.5 asks SQLite about the schema on every page: a table page asks which columns, keys,
foreign keys, full-text index and label column each table has (eight foreign-key lookups alone on the
utterances page), 24 of the page's 54 round trips to Datasette's SQL threads, each awaited. Under load
every round trip also waits behind the other requests' work on the event loop, so they cost more than
their SQL.

A release's database is served immutable (``--immutable``; Datasette opens it read-only and trusts its
content hash): its schema cannot change while the server runs. ``startup`` wraps each of Datasette's
documented schema methods of such a database (``SCHEMA_METHODS``) so that each answer is looked up once
per server and argument, and handed out as a copy (no caller can change what the next one gets). A mutable
database, and any database while a plugin provides metadata at run time (``label_column_for_table`` and
``hidden_table_names`` read the metadata), is asked every time, as before.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Awaitable, Callable
from typing import Any

from datasette import hookimpl
from datasette.plugins import pm

# Datasette's Database methods that read nothing but the schema (and the static metadata).
SCHEMA_METHODS = (
    "attached_databases",
    "table_exists",
    "table_names",
    "view_names",
    "hidden_table_names",
    "table_columns",
    "table_column_details",
    "primary_keys",
    "fts_table",
    "label_column_for_table",
    "foreign_keys_for_table",
    "get_all_foreign_keys",
    "get_table_definition",
    "get_view_definition",
)


def answered_once(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """``method`` (async), awaited once per distinct arguments; every caller gets its own copy."""
    answers: dict[tuple, Any] = {}

    @functools.wraps(method)
    async def once(*args: Any, **kwargs: Any) -> Any:
        key = (args, tuple(sorted(kwargs.items())))
        if key not in answers:
            answers[key] = await method(*args, **kwargs)
        return copy.deepcopy(answers[key])

    once.answered_once = True  # type: ignore[attr-defined]
    return once


@hookimpl
def startup(datasette: Any) -> None:
    if pm.hook.get_metadata.get_hookimpls():
        return  # the metadata may change: label columns and hidden tables with it
    for database in datasette.databases.values():
        if database.is_mutable:
            continue
        for name in SCHEMA_METHODS:
            method = getattr(database, name)
            if not getattr(method, "answered_once", False):
                setattr(database, name, answered_once(method))
