"""Datasette plugin of the havana-1962 site: every error is answered in words, with the site's layout and the
right status, and a bad request is the client's error (400). Datasette's documented hooks only; the limits
that keep every request cheap are ``etl/site/limits.py``.

``handle_exception`` renders every error page (400, 403, 404, 405, 500) through the site's templates
(``datasette.render_template``), so an error page keeps the header, the navigation and the styles, and
says what went wrong in plain words; a JSON request gets the same as JSON. Datasette 0.65.5 answers some
malformed parameters with a 500, as if the server had failed: ``_sort`` or ``_sort_desc`` on a column that
cannot be sorted, both at once, a ``_through`` that is not JSON or names no foreign key, a ``col__in``
list that is not JSON, a ``_timelimit`` that is not a number; those are 400s here, with a message that says
what is wrong. A failure of the server (500) shows no traceback and no internal SQL to the reader; its
traceback goes to the server's log.

Datasette runs its own handler too (every implementation of the hook is awaited and the first answer is
sent): where the optional ``rich`` package can be imported, it prints each error's traceback with its local
variables, for 0.3-1.5 s of the event loop per error page. No documented setting turns it off, so the
server runs without rich: the published image does not install it, and ``make serve``'s workers mark it
absent before Datasette is imported (``etl/publish/asgi.py``).

datasette-hashed-urls marks every answer under a hashed database URL cacheable for a year, errors included;
an error may be passing (a query cut off by the time limit on a busy server), so ``asgi_wrapper`` sends
every answer with a status of 400 or more with ``Cache-Control: no-store`` instead: a cache in front of the
site keeps the release's pages, never its errors.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from datasette import Forbidden, NotFound, Response, hookimpl
from datasette.database import QueryInterrupted

# Messages of Datasette 0.65.5's errors that describe a bad parameter, not a failure of the server.
BAD_PARAMETER_MESSAGES = (
    "Cannot sort table by ",
    "Cannot use _sort and _sort_desc at the same time",
    "Invalid _through",
)
# What a reader is told for each status, in plain words.
TITLES = {
    400: "This request cannot be answered as it is written",
    403: "This page is not open to the public",
    404: "There is no such page",
    405: "This address does not take that kind of request",
    500: "The server failed to answer",
}
TOO_SLOW = (
    "This page took longer than the site's time limit to work out. Ask for less: a narrower search, a filter, "
    "fewer rows (_size), or one record at a time."
)
SERVER_FAILURE = (
    "Something went wrong on the server while answering this page. It has been logged; please try again later."
)

LOG = logging.getLogger("havana-1962")


@hookimpl(trylast=True)  # called last, so its wrapper is the outermost: it sees datasette-hashed-urls' headers
def asgi_wrapper(datasette):
    def wrap(app):
        async def errors_not_cached(scope, receive, send):
            async def send_uncached_errors(event):
                if event["type"] == "http.response.start" and event["status"] >= 400:
                    headers = [
                        (name, value) for name, value in event.get("headers", []) if name.lower() != b"cache-control"
                    ]
                    event = {**event, "headers": headers + [(b"cache-control", b"no-store")]}
                await send(event)

            await app(scope, receive, send_uncached_errors if scope["type"] == "http" else send)

        return errors_not_cached

    return wrap


def bad_parameter_message(args, exception: BaseException) -> str | None:
    """What is wrong with the request, when ``exception`` comes from a malformed parameter; else None.

    >>> bad_parameter_message({"_timelimit": "abc"}, ValueError("invalid literal for int()"))
    '_timelimit must be a whole number of milliseconds'
    >>> bad_parameter_message({}, ValueError("a real bug")) is None
    True
    """
    if str(exception).startswith(BAD_PARAMETER_MESSAGES):
        return str(exception)
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


def error_status_and_message(args, exception: BaseException) -> tuple[int, str]:
    """The status and the words of an error page: the client's errors as Datasette names them (their
    ``status`` and message), a bad parameter as 400, anything else as a failure of the server, in words
    that show nothing of its internals.

    >>> error_status_and_message({}, NotFound("Table not found: nope"))
    (404, 'Table not found: nope')
    >>> error_status_and_message({}, RuntimeError("select secret from internals"))[0]
    500
    >>> error_status_and_message({"q": "the the"}, QueryInterrupted(None, "select ...", {}))[0]
    400
    """
    message = bad_parameter_message(args, exception)
    if message is not None:
        return 400, message
    if isinstance(exception, QueryInterrupted):
        return 400, TOO_SLOW
    if isinstance(exception, NotFound):
        return 404, str(exception)
    if isinstance(exception, Forbidden):
        return 403, str(exception)
    status = getattr(exception, "status", 500)
    if isinstance(status, int) and 400 <= status < 500:
        return status, str(exception)
    return 500, SERVER_FAILURE


@hookimpl(tryfirst=True)
def handle_exception(datasette, request, exception):
    status, message = error_status_and_message(request.args, exception)
    if status == 500:
        LOG.error("error answering %s", request.path, exc_info=exception)

    async def render() -> Response:
        headers = {"Access-Control-Allow-Origin": "*"}
        info: dict[str, Any] = {"ok": False, "error": message, "status": status, "title": TITLES.get(status, "Error")}
        if request.path.endswith(".json"):
            return Response.json(info, status=status, headers=headers)
        html = await datasette.render_template([f"{status}.html", "error.html"], info, request=request)
        return Response.html(html, status=status, headers=headers)

    return render
