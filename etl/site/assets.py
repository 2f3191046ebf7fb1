"""Datasette plugin of what a page costs a browser: which scripts it loads, and how long it keeps the static files.

- ``extra_template_vars``: what the site's page frame (templates/base.html) needs to load the charting library
  (datasette-vega, ~1 MB of script) only where a chart is drawn or asked for, the site's language and its
  description (``<meta name="description">`` of a page that has none of its own).
- ``asgi_wrapper``: the static files (Datasette's, its plugins' and the site's own) with a year-long
  ``Cache-Control`` when their address changes with their content (a hash in the file name such as
  ``main.08f5d3d8.js``, a version such as ``codemirror-5.57.0.min.js``, or ``?<hash>`` as Datasette's
  ``app.css?d59929`` and the site's ``edition.css?v=...``), a day otherwise.
  Responses are compressed by datasette-gzip, installed with the site.

Configuration, all optional (``plugins: havana-1962:`` in metadata): ``charting_library``, the address prefix of
the library's files (datasette-vega's by default); ``language``, the pages' language (``en``).
"""

from __future__ import annotations

import re
from typing import Any

from datasette import hookimpl

PLUGIN = "havana-1962"
CHARTING_LIBRARY = "/-/static-plugins/datasette_vega/"
LANGUAGE = "en"
STATIC_PREFIXES = ("/-/static/", "/-/static-plugins/", "/edition.css")
YEAR = b"public, max-age=31536000, immutable"
DAY = b"public, max-age=86400"
# A file name that changes with its content: a hash (main.08f5d3d8.js) or a version (codemirror-5.57.0.min.js).
HASHED_NAME = re.compile(r"(\.[0-9a-f]{8,}|-\d+\.\d+\.\d+[\w.-]*)\.[a-z0-9]+$")


def static_cache_control(path: str, query_string: bytes) -> bytes | None:
    """The ``Cache-Control`` of a static file's address, or None for any other address.

    >>> static_cache_control("/-/static-plugins/datasette_vega/main.08f5d3d8.js", b"")
    b'public, max-age=31536000, immutable'
    >>> static_cache_control("/-/static/app.css", b"d59929")
    b'public, max-age=31536000, immutable'
    >>> static_cache_control("/-/static/sql-formatter-2.3.3.min.js", b"")
    b'public, max-age=31536000, immutable'
    >>> static_cache_control("/-/static/codemirror-5.57.0-sql.min.js", b"")
    b'public, max-age=31536000, immutable'
    >>> static_cache_control("/-/static/table.js", b"")
    b'public, max-age=86400'
    >>> static_cache_control("/record/1962-11-05-memorandum", b"") is None
    True
    """
    if not path.startswith(STATIC_PREFIXES):
        return None
    return YEAR if query_string or HASHED_NAME.search(path) else DAY


@hookimpl
def asgi_wrapper(datasette: Any):
    def wrap(app):
        async def cached_static_files(scope, receive, send):
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            cache_control = static_cache_control(scope.get("path", ""), scope.get("query_string", b""))
            if cache_control is None:
                await app(scope, receive, send)
                return

            async def send_with_cache_control(event):
                if event["type"] == "http.response.start" and event["status"] == 200:
                    headers = [
                        (name, value) for name, value in event.get("headers", []) if name.lower() != b"cache-control"
                    ]
                    event = {**event, "headers": [*headers, (b"cache-control", cache_control)]}
                await send(event)

            await app(scope, receive, send_with_cache_control)

        return cached_static_files

    return wrap


@hookimpl
def extra_template_vars(datasette: Any) -> dict[str, Any]:
    config = datasette.plugin_config(PLUGIN) or {}
    return {
        "charting_library": {"prefix": config.get("charting_library", CHARTING_LIBRARY)},
        "site_language": config.get("language", LANGUAGE),
        "site_description": datasette.metadata("description") or "",
    }
