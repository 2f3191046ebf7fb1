"""Datasette plugin of the havana-1962 site: a bad request is the client's error (400) and costs the
server nothing, and no query can make a value large enough to exhaust the server's memory.

Datasette 0.65.5 answers some malformed parameters with a 500, as if the server had failed: ``_sort`` or
``_sort_desc`` on a column that cannot be sorted (``TableView`` raises ``DatasetteError`` without a
status), both at once, a ``_through`` that is not JSON or names no foreign key, a ``col__in`` list that
is not JSON, a ``_timelimit`` that is not a number. ``handle_exception`` answers those with a 400 and a
message that says what is wrong, through Datasette's own error page; every other error is left to
Datasette.

Datasette's own error handler prints a traceback with every local variable to the console for every
error page, a 404 included, when the optional ``rich`` package is installed (frictionless installs it).
That takes about a second of the event loop's time per request (measured on the 2-core machine), during
which the server answers nobody: a handful of bad URLs a second would stall it. Datasette runs its own
handler whatever a plugin returns, so this plugin tells it that ``rich`` is absent, as it is in a plain
Datasette install; a server error (500) still prints its plain traceback.

datasette-hashed-urls marks every answer under a hashed database URL cacheable for a year, errors included;
an error may be passing (a query cut off by the time limit on a busy server), so ``asgi_wrapper`` sends
every answer with a status of 400 or more with ``Cache-Control: no-store`` instead: a cache in front of the
site keeps the release's pages, never its errors.

SQLite lets a single value grow to a gigabyte (``select zeroblob(1000000000)``), which the time limit
does not stop (the value is made in microseconds) and which Datasette then encodes as JSON, using about
twenty times its size in memory. ``prepare_connection`` lowers SQLite's limit on the length of a string
or blob for every connection, so such a query fails with "string or blob too big" (a 400) instead.
"""

from __future__ import annotations

import json
import sqlite3

import datasette.handle_exception
from datasette import Response, hookimpl
from datasette.utils import add_cors_headers
from datasette.views.base import DatasetteError

# The longest value a query may make: far above the longest value of the dataset (a whole record's text
# is under 40 000 characters), far below what would put the server's memory at risk.
MAX_VALUE_BYTES = 1_000_000

# DatasetteError messages of Datasette 0.65.5 that describe a bad parameter, not a failure of the server.
BAD_PARAMETER_MESSAGES = (
    "Cannot sort table by ",
    "Cannot use _sort and _sort_desc at the same time",
    "Invalid _through",
)


# Datasette's handler does ``if rich is not None: rich.get_console().print_exception(show_locals=True)``,
# and offers no setting to turn it off. Until it does (tests/test_hostile_sql.py fails as soon as the
# installed Datasette no longer prints rich tracebacks, so that this line can go), the server's handler
# sees no rich, as in a plain Datasette install; the rest of the process (frictionless) keeps it.
datasette.handle_exception.rich = None


@hookimpl(trylast=True)  # called last, so its wrapper is the outermost: it sees datasette-hashed-urls' headers
def asgi_wrapper(datasette):
    def wrap(app):
        async def errors_not_cached(scope, receive, send):
            async def send_uncached_errors(event):
                if event["type"] == "http.response.start" and event["status"] >= 400:
                    headers = [(name, value) for name, value in event.get("headers", []) if name.lower() != b"cache-control"]
                    event = {**event, "headers": headers + [(b"cache-control", b"no-store")]}
                await send(event)

            await app(scope, receive, send_uncached_errors if scope["type"] == "http" else send)

        return errors_not_cached

    return wrap


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)


def bad_parameter_message(args, exception: BaseException) -> str | None:
    """What is wrong with the request, when ``exception`` comes from a malformed parameter; else None.

    >>> bad_parameter_message({"_timelimit": "abc"}, ValueError("invalid literal for int()"))
    '_timelimit must be a whole number of milliseconds'
    >>> bad_parameter_message({}, ValueError("a real bug")) is None
    True
    """
    if isinstance(exception, DatasetteError):
        if exception.status == 500 and str(exception.message).startswith(BAD_PARAMETER_MESSAGES):
            return str(exception.message)
        return None
    names = list(args)
    if "_through" in names and isinstance(exception, (json.JSONDecodeError, KeyError, TypeError)):
        return '_through must be a JSON object {"table": ..., "column": ..., "value": ...} naming a foreign key'
    if isinstance(exception, json.JSONDecodeError) and any(name.endswith("__in") for name in names):
        return f"an __in filter must be a JSON list or comma-separated values ({exception.msg})"
    if isinstance(exception, ValueError) and "_timelimit" in names and not _is_whole_number(args["_timelimit"]):
        return "_timelimit must be a whole number of milliseconds"
    return None


def _is_whole_number(value: str) -> bool:
    try:
        int(value)
    except (TypeError, ValueError):
        return False
    return True


@hookimpl(tryfirst=True)
def handle_exception(datasette, request, exception):
    message = bad_parameter_message(request.args, exception)
    if message is None:
        return None  # Datasette's own handler renders every other error

    async def render():
        # As Datasette's default handler renders an error (datasette/handle_exception.py), with status 400.
        info = {"ok": False, "error": message, "status": 400, "title": "Invalid parameter"}
        headers = {}
        if datasette.cors:
            add_cors_headers(headers)
        if request.path.split("?")[0].endswith(".json"):
            return Response.json(info, status=400, headers=headers)
        template = datasette.jinja_env.select_template(["400.html", "error.html"])
        context = dict(info, urls=datasette.urls, app_css_hash=datasette.app_css_hash(), menu_links=lambda: [])
        return Response.html(await template.render_async(context), status=400, headers=headers)

    return render
