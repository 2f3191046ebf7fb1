"""The peer of the serving benchmark: plain Datasette serving the same database, as uvicorn serves the site.

No metadata, templates or plugins: only Datasette's own default plugins (the packages installed beside it,
datasette-vega and datasette-hashed-urls, are unregistered), the same database immutable with the same
inspect counts and the same settings.json limits, under the same uvicorn command as ``make serve``
(``uvicorn --factory bench.plain_datasette:create_app``, one worker, no access log). The benchmark compares
the site's pages with this peer's, page by page, in the same run.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from datasette.app import Datasette
from datasette.plugins import DEFAULT_PLUGINS, pm

from etl.publish.serve import DATABASE_VARIABLE, INSPECT_FILE_VARIABLE, datasette_settings


def unregister_installed_plugins() -> list[str]:
    """Unregister every plugin that is not one of Datasette's defaults; their names."""
    removed = []
    for name, plugin in list(pm.list_name_plugin()):
        if name not in DEFAULT_PLUGINS:
            pm.unregister(plugin)
            removed.append(name)
    return removed


def create_app() -> Any:
    """Plain Datasette's ASGI app for ``$HAVANA_1962_DATABASE``."""
    unregister_installed_plugins()
    inspect_file = Path(os.environ[INSPECT_FILE_VARIABLE])
    datasette = Datasette(
        immutables=[os.environ[DATABASE_VARIABLE]],
        inspect_data=json.loads(inspect_file.read_text(encoding="utf-8")),
        settings=datasette_settings(),
    )
    return datasette.app()


def plain_command(db_path: Path, inspect_file: Path) -> Any:
    """For ``running_server(command=...)``: the peer's command line and environment on a given port."""

    def command(port: int) -> tuple[list[str], dict[str, str]]:
        arguments = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "bench.plain_datasette:create_app",
            "--workers",
            "1",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--lifespan",
            "on",
        ]
        environment = {DATABASE_VARIABLE: str(db_path.resolve()), INSPECT_FILE_VARIABLE: str(inspect_file.resolve())}
        return arguments, environment

    return command
