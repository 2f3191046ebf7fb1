"""The ASGI app each uvicorn worker of ``make serve`` runs: ``uvicorn --factory etl.publish.asgi:create_app``.

uvicorn starts every worker process with the import string, not with an object, so each worker builds its
own Datasette here, from the database and inspect file named in its environment (``server_command`` in
``etl/publish/serve.py`` sets them) and the repository's settings, metadata, templates and plugins
(``datasette_app``): the same site as ``datasette serve`` with ``site_options``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from etl.publish.serve import DATABASE_VARIABLE, INSPECT_FILE_VARIABLE, datasette_app


def create_app() -> Any:
    """Datasette's ASGI app for the database of ``$HAVANA_1962_DATABASE``.

    Its startup hooks run before the first event it handles (uvicorn's lifespan startup), as ``datasette
    serve`` runs them before serving: datasette-hashed-urls names the database there, and its URL wrapper
    needs that name from the first request on."""
    inspect_file = Path(os.environ[INSPECT_FILE_VARIABLE])
    datasette = datasette_app(Path(os.environ[DATABASE_VARIABLE]), json.loads(inspect_file.read_text(encoding="utf-8")))
    app = datasette.app()

    async def started_app(scope: dict, receive: Any, send: Any) -> None:
        await datasette.invoke_startup()  # once; afterwards it returns at once
        await app(scope, receive, send)

    return started_app
