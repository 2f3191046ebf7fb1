"""The test and benchmark harness: real servers on 127.0.0.1 that stop by themselves.

The tests and the benchmarks (which put tests/ on their path, ``bench/__init__.py``) start the site as ``make
serve`` starts it (``etl.publish.serve.server_command``), or another server (plain Datasette, nginx, a
container's command), on a free port of 127.0.0.1. Each runs under coreutils ``timeout``, so it stops by
itself even if the test run or the benchmark is killed, and stops when its ``with`` block ends, whatever
happens. Production never starts a server this way: ``make serve`` execs uvicorn (``serve_database``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from etl.publish.serve import (
    HOST,
    datasette_executable,
    inspect_file_for,
    server_command,
    site_options,
    write_inspect_file,
)


def datasette_arguments(db_path: Path, port: int, inspect_file: Path | None = None) -> list[str]:
    """The site as one ``datasette serve`` process would serve it (``make serve`` runs uvicorn workers instead):
    immutable database, inspect counts, metadata, every setting of settings.json, CORS, bound to 127.0.0.1;
    the tests read the site's options (``site_options``, which ``make publish`` uses too) from it."""
    return [
        datasette_executable(),
        "serve",
        "--immutable",
        str(db_path),
        "--inspect-file",
        str(inspect_file or inspect_file_for(db_path)),
        *site_options(),
        "--host",
        HOST,
        "--port",
        str(port),
    ]


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(
    db_path: Path,
    inspect_file: Path,
    log_path: Path,
    lifetime_seconds: int,
    start_seconds: int = 30,
    workers: int | None = 1,
    command: Callable[[int], tuple[list[str], dict[str, str]]] | None = None,
) -> Iterator[str]:
    """The server as ``make serve`` runs it (``server_command``, one worker unless told), on a free port of
    127.0.0.1, for tests and benchmarks; ``command`` (given a port) runs another server the same way.

    Yields the base URL once the server answers. The server stops when the block ends, whatever happens,
    and by itself after ``lifetime_seconds`` (coreutils ``timeout``) even if its caller is killed. Its
    output goes to a file, not a pipe: a full pipe would block it.
    """
    port = free_port()
    base_url = f"http://{HOST}:{port}"
    arguments, environment = command(port) if command else server_command(db_path, port, inspect_file, workers)
    with bounded_process(
        arguments,
        Path(log_path),
        lifetime_seconds,
        f"{base_url}/-/versions.json",
        start_seconds,
        lambda: f"datasette did not start: {Path(log_path).read_text()[-2000:]}",
        environment,
    ):
        yield base_url


@contextmanager
def bounded_process(
    arguments: list[str],
    log_path: Path,
    lifetime_seconds: int,
    ready_url: str,
    start_seconds: int,
    failure: Callable[[], str],
    environment: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Iterator[None]:
    """Run a server under coreutils ``timeout`` (so it stops by itself after ``lifetime_seconds`` even if
    its caller is killed), its output to a file, until ``ready_url`` answers; stop it when the block ends,
    whatever happens. If it does not answer within ``start_seconds``, fail with ``failure()``. It runs in
    ``cwd`` when given (a container's command runs in its working directory)."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            ["timeout", str(lifetime_seconds), *arguments],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(environment or {})},
            cwd=cwd,
        )
        try:
            deadline = time.monotonic() + start_seconds
            while True:
                try:
                    with urllib.request.urlopen(ready_url, timeout=2):
                        break
                except OSError as not_ready:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(failure()) from not_ready
                    time.sleep(0.1)
            yield
        finally:
            process.terminate()  # timeout passes SIGTERM on
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@contextmanager
def site_server(database_path: Path, work: Path, lifetime_seconds: int, start_seconds: int = 30) -> Iterator[str]:
    """A real server of the site on 127.0.0.1 with the repository's settings (one worker); it stops by itself
    after ``lifetime_seconds`` even if the test run is killed."""
    inspect_file = write_inspect_file(database_path, work / "inspect.json")
    with running_server(database_path, inspect_file, work / "server.log", lifetime_seconds, start_seconds) as base_url:
        yield base_url
