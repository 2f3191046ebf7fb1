"""The havana-1962 site: Datasette plugins, templates and stylesheet, installed with the project.

Each module is a Datasette plugin registered through an entry point (``[project.entry-points.datasette]`` in
pyproject.toml), as Datasette plugins are distributed, so ``datasette serve build/havana-1962.db`` with the
project installed serves the whole site; they use Datasette's documented plugin hooks and methods only.
This package itself is registered too: Datasette serves the templates in ``templates/`` (which override its
own where they share a name) and the files in ``static/`` of a plugin package.

- ``edition``: the reading edition (record, person, people and method pages), its stylesheet and menu.
- ``cite``: every page's citation in each style and format, the citation files and the version page.
- ``havana``: the dataset's version on every page, a row's sources and links, ``sentence_at()`` for SQL.
- ``search``: the site's search of turns and notes, with word forms and printed names.
- ``queries``: the ready-made queries' parameters as choices.
- ``fixed_templates``: templates looked up once per server, and the ``{% remember %}`` fragment tag.
- ``bad_requests``: errors answered in words with the site's layout, never a traceback.
- ``limits``: every request bounded before it costs anything (address, parameters, searches, methods),
  and SQLite's own limits on every connection.

Their configuration is Datasette's plugin configuration (``plugins: havana-1962:`` in metadata).
"""

from __future__ import annotations

from typing import Any

from datasette.utils import tilde_decode


def primary_key_values(path_component: str) -> list[str]:
    """The primary key values of a row address (``/db/table/<values>``): comma-separated, each tilde-encoded.

    >>> primary_key_values("1962-11-05-memorandum-u057"), primary_key_values("a~2Cb,c")
    (['1962-11-05-memorandum-u057'], ['a,b', 'c'])
    """
    return [tilde_decode(value) for value in path_component.split(",")]


def canned_query(datasette: Any, database: str, name: str | None) -> dict[str, Any] | None:
    """A ready-made query of the metadata (``databases: <db>: queries: <name>``), or None."""
    if not name:
        return None
    query = (datasette.metadata("queries", database=database) or {}).get(name)
    return {"sql": query} if isinstance(query, str) else query
