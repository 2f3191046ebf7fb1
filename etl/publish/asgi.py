"""The public server's app: Datasette's ASGI app, built in each uvicorn worker process.

``make serve`` (``server_command`` in ``etl/publish/serve.py``) runs uvicorn's own supervisor with one worker
process per core: ``uvicorn etl.publish.asgi:create_app --factory --workers N``. uvicorn binds the port once,
in the supervisor, so a port already in use is an error, not a shared socket; and it replaces a worker
that dies, so a crashed worker loses only the requests it had in flight. Each worker builds its own
Datasette here, from the database and inspect file named in its environment and the repository's settings,
metadata and plugins (``datasette_app``): the same site as ``datasette serve`` with ``site_options``.
"""

from __future__ import annotations

import sys

# The server runs without the optional ``rich`` package. Datasette prints every error's traceback with its
# local variables through rich when rich can be imported (the frictionless command line of the build
# installs it): 0.3-0.6 s of a worker's event loop for each 404, 1.5 s more for a query cut off by the time
# limit, which would let a few bad requests a second stall a worker. Marking it absent before Datasette is
# imported (Python's import system treats ``None`` in ``sys.modules`` as "not installed") leaves error pages
# as they are, at the cost of a 404's own few milliseconds; tracebacks of real failures still go to the log
# (etl/site/bad_requests.py). The published image does not install rich at all (pyproject.toml).
if "datasette" not in sys.modules:
    sys.modules.setdefault("rich", None)  # type: ignore[arg-type]

import json  # noqa: E402
import os  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from etl.publish.serve import DATABASE_VARIABLE, INSPECT_FILE_VARIABLE, datasette_app  # noqa: E402


def create_app() -> Any:
    """Datasette's ASGI app for the database of ``$HAVANA_1962_DATABASE``.

    Its startup hooks run at uvicorn's lifespan startup, before the first request, as ``datasette serve``
    runs them before serving (``Datasette.invoke_startup``, documented): datasette-hashed-urls names the
    database there, and its URL wrapper needs that name from the first request on."""
    inspect_file = Path(os.environ[INSPECT_FILE_VARIABLE])
    datasette = datasette_app(Path(os.environ[DATABASE_VARIABLE]), json.loads(inspect_file.read_text(encoding="utf-8")))
    app = datasette.app()
    started = False

    async def started_app(scope: dict, receive: Any, send: Any) -> None:
        nonlocal started
        if not started:
            await datasette.invoke_startup()
            started = True
        await app(scope, receive, send)

    return started_app
