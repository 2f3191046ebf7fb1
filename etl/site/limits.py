"""Datasette plugin of the havana-1962 site: every request is bounded before it costs the server anything.

A request whose cost could outrun the server's time limit is answered at once, in words, before Datasette
does any work (``asgi_wrapper``, Datasette's documented hook for wrapping its ASGI app):

- an address longer than ``MAX_URL_BYTES`` is a 414; more than ``MAX_PARAMETERS`` query parameters, or one
  parameter repeated more than ``MAX_REPEATS`` times (``_facet=mode`` five hundred times), is a 400;
- a search (``_search``, ``q``, ``search``, ``term`` and the other search parameters of ``SEARCH_PARAMETERS``)
  longer than ``MAX_SEARCH_CHARACTERS``, with more than ``MAX_SEARCH_TERMS`` words, brackets nested deeper
  than ``MAX_SEARCH_NESTING`` or more than ``MAX_SEARCH_PREFIXES`` prefix terms (``insp*``) is a 400 that
  says what to shorten: full-text search's cost grows with these, and SQLite checks its time limit only
  between steps of a query;
- a method other than ``ALLOWED_METHODS`` is a 405.

Every connection gets SQLite's own limits (``prepare_connection``, through ``sqlite3.Connection.setlimit``):
the length of a value and of a statement, the depth of an expression, the terms of a compound select, so
that no single function call can build a value too large for the server's memory. ``printf`` and
``format`` (whose width and precision make SQLite loop in one step, past the time limit) and
``fts3_tokenizer`` (which hands out a native memory address) answer with an error instead.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from typing import Any
from urllib.parse import parse_qsl

from datasette import hookimpl

MAX_URL_BYTES = 8_000
MAX_PARAMETERS = 100
MAX_REPEATS = 20
MAX_SEARCH_CHARACTERS = 500
MAX_SEARCH_TERMS = 30
MAX_SEARCH_NESTING = 5
MAX_SEARCH_PREFIXES = 5
# The parameters that hold a full-text search, on the table pages, the site's search and the ready-made queries.
SEARCH_PARAMETERS = ("_search", "q", "search", "term")
ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS", "POST")

# SQLite's limits on each connection (https://www.sqlite.org/limits.html): the longest value a query may
# make (far above the longest value of the dataset, a whole record's text under 40 000 characters), the
# longest statement, the deepest expression, the most terms of a compound select.
SQLITE_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: 1_000_000,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 100,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 50,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1_000,
}
# SQL functions that answer with an error on this site, with the reason (by name and number of arguments).
DISABLED_FUNCTIONS = {
    ("printf", -1): "printf() is not available on this site: its width can make one step outrun the time limit",
    ("format", -1): "format() is not available on this site: its width can make one step outrun the time limit",
    ("fts3_tokenizer", 1): "fts3_tokenizer() is not available on this site",
    ("fts3_tokenizer", 2): "fts3_tokenizer() is not available on this site",
}

SEARCH_WORD = re.compile(r"[^\s()\"]+")
# A call of a disabled function in the SQL a reader types (``?sql=``), answered in words before it runs;
# the connection refuses it too, wherever else it is called from.
DISABLED_CALL = re.compile(r"\b(?P<name>printf|format|fts3_tokenizer)\s*\(", re.IGNORECASE)


def search_problem(text: str) -> str | None:
    """What to shorten in a search, or None when it is within the limits.

    >>> search_problem("inspection Guevara") is None
    True
    >>> search_problem("a OR " * 600)
    'the search is 3000 characters long; use at most 500'
    >>> search_problem("a OR " * 20)
    'the search has 40 words; use at most 30'
    >>> search_problem("(" * 20 + "a" + ")" * 20)
    'the search has 20 brackets one inside another; use at most 5'
    """
    if len(text) > MAX_SEARCH_CHARACTERS:
        return f"the search is {len(text)} characters long; use at most {MAX_SEARCH_CHARACTERS}"
    words = SEARCH_WORD.findall(text)
    if len(words) > MAX_SEARCH_TERMS:
        return f"the search has {len(words)} words; use at most {MAX_SEARCH_TERMS}"
    depth = deepest = 0
    for character in text:
        depth += {"(": 1, ")": -1}.get(character, 0)
        deepest = max(deepest, depth)
    if deepest > MAX_SEARCH_NESTING:
        return f"the search has {deepest} brackets one inside another; use at most {MAX_SEARCH_NESTING}"
    prefixes = sum(word.endswith("*") for word in words)
    if prefixes > MAX_SEARCH_PREFIXES:
        return f"the search has {prefixes} words ending in *; use at most {MAX_SEARCH_PREFIXES}"
    return None


def request_problem(method: str, path: bytes, query_string: bytes) -> tuple[int, str] | None:
    """The status and the words of the answer to a request beyond the limits, or None.

    >>> request_problem("GET", b"/", b"_facet=mode&" * 500)[0]
    400
    >>> request_problem("TRACE", b"/", b"")
    (405, 'This address answers GET, HEAD, OPTIONS and POST requests, not TRACE.')
    """
    if method not in ALLOWED_METHODS:
        return (
            405,
            f"This address answers {', '.join(ALLOWED_METHODS[:-1])} and {ALLOWED_METHODS[-1]} requests, not {method}.",
        )
    if len(path) + len(query_string) > MAX_URL_BYTES:
        return (
            414,
            f"The address is {len(path) + len(query_string)} bytes long; this site answers addresses of up to "
            f"{MAX_URL_BYTES} bytes.",
        )
    try:
        parameters = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, max_num_fields=MAX_PARAMETERS)
    except ValueError:
        return 400, f"The address has more than {MAX_PARAMETERS} parameters; use fewer."
    name, repeats = Counter(name for name, _ in parameters).most_common(1)[0] if parameters else ("", 0)
    if repeats > MAX_REPEATS:
        return 400, f"The parameter {name} is given {repeats} times; give it at most {MAX_REPEATS} times."
    for name, value in parameters:
        if name in SEARCH_PARAMETERS and (problem := search_problem(value)):
            return 400, f"This search is too large to answer: {problem}."
        if name == "sql" and (call := DISABLED_CALL.search(value)):
            return 400, next(
                reason for (function, _), reason in DISABLED_FUNCTIONS.items() if function == call["name"].lower()
            )
    return None


@hookimpl
def asgi_wrapper(datasette: Any):
    def wrap(app):
        async def bounded(scope, receive, send):
            problem = (
                request_problem(
                    scope["method"], scope.get("raw_path") or scope["path"].encode(), scope.get("query_string", b"")
                )
                if scope["type"] == "http"
                else None
            )
            if problem is None:
                await app(scope, receive, send)
                return
            status, message = problem
            await answer(datasette, scope, send, status, message)

        return bounded

    return wrap


async def answer(datasette: Any, scope: dict, send: Any, status: int, message: str) -> None:
    """An error answered in words: as JSON for a .json address, else the site's error page."""
    info = {"ok": False, "error": message, "status": status, "title": "This request is beyond the site's limits"}
    if scope["path"].endswith(".json"):
        body, content_type = json.dumps(info).encode("utf-8"), b"application/json; charset=utf-8"
    else:
        body = (await datasette.render_template("error.html", info)).encode("utf-8")
        content_type = b"text/html; charset=utf-8"
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
    ]
    if status == 405:
        headers.append((b"allow", ", ".join(ALLOWED_METHODS).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body if scope["method"] != "HEAD" else b""})


def _refuse(reason: str):
    def refuse(*args: Any) -> None:
        raise sqlite3.OperationalError(reason)

    return refuse


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    for limit, value in SQLITE_LIMITS.items():
        conn.setlimit(limit, value)
    for (name, arguments), reason in DISABLED_FUNCTIONS.items():
        conn.create_function(name, arguments, _refuse(reason))
