"""The public server's processes: Datasette's ASGI app under uvicorn, one worker process per core.

``python -m etl.publish.asgi --workers N --port P`` (what ``server_command`` in ``etl/publish/serve.py`` runs)
starts N uvicorn worker processes listening on 127.0.0.1:P. Each builds its own Datasette in ``create_app``
from the database and inspect file named in its environment and the repository's settings, metadata,
templates and plugins (``datasette_app``): the same site as ``datasette serve`` with ``site_options``.

Why not ``uvicorn --workers N``, measured on the 2-core machine:

- uvicorn 0.54 shares one listening socket between its workers, and asyncio accepts every pending connection
  in one wake-up: the eight connections of a client at concurrency 8 often all went to one worker while the
  other idled (two workers gave 0.9 times the throughput of one). Here every worker binds its own socket
  with ``SO_REUSEPORT``, and the kernel spreads the connections over the workers.
- uvicorn binds that socket with protocol number 0, and asyncio sets ``TCP_NODELAY`` only on sockets whose
  protocol is TCP: every keep-alive response whose last chunk is a small separate write then waited for the
  client's delayed ACK, 44 ms per ``/-/versions.json`` against 3 ms. Here the socket has ``TCP_NODELAY``,
  which Linux copies to every connection it accepts.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import sys
from pathlib import Path
from typing import Any

import uvicorn

from etl.publish.serve import DATABASE_VARIABLE, HOST, INSPECT_FILE_VARIABLE, datasette_app, worker_count

APP = "etl.publish.asgi:create_app"


def create_app() -> Any:
    """Datasette's ASGI app for the database of ``$HAVANA_1962_DATABASE``.

    Its startup hooks run before the first event it handles (uvicorn's lifespan startup), as ``datasette
    serve`` runs them before serving: datasette-hashed-urls names the database there, and its URL wrapper
    needs that name from the first request on."""
    inspect_file = Path(os.environ[INSPECT_FILE_VARIABLE])
    datasette = datasette_app(Path(os.environ[DATABASE_VARIABLE]), json.loads(inspect_file.read_text(encoding="utf-8")))
    app = datasette.app()
    started = False

    async def started_app(scope: dict, receive: Any, send: Any) -> None:
        nonlocal started
        if not started:
            await datasette.invoke_startup()
            set_aside_from_garbage_collection()
            started = True
        await app(scope, receive, send)

    return started_app


def set_aside_from_garbage_collection() -> None:
    """Leave what the server has built so far (Datasette, its plugins, the metadata, the compiled templates:
    some 70,000 objects that live as long as the process) out of Python's garbage collection.

    Every page makes and drops thousands of objects, and every so often Python's collector walks all the
    objects it tracks; with the server's own among them, each full walk took a few milliseconds of a page's
    time (a table page of 100 turns spent 1.0 ms per request in the collector, 0.4 ms once they were set
    aside). ``gc.freeze`` is the standard library's way to do this for long-lived servers."""
    gc.collect()
    gc.freeze()


def listening_socket(port: int, host: str = HOST) -> socket.socket:
    """A TCP socket bound to ``host:port`` with ``SO_REUSEPORT`` (each worker binds its own; the kernel spreads
    connections over them) and ``TCP_NODELAY`` (no response waits for the client's delayed ACK)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    return sock


def server_config(port: int, host: str = HOST) -> uvicorn.Config:
    """The uvicorn configuration of one worker: no access log (a proxy or CDN in front logs the requests; a
    line per request costs the server time), lifespan events on (the startup hooks run there)."""
    return uvicorn.Config(APP, factory=True, host=host, port=port, access_log=False, lifespan="on")


def run_worker(port: int, host: str = HOST) -> None:
    """One worker: uvicorn serving ``create_app`` on its own socket until SIGINT or SIGTERM."""
    uvicorn.Server(server_config(port, host)).run(sockets=[listening_socket(port, host)])


def serve(port: int, workers: int, host: str = HOST) -> int:
    """Run ``workers`` worker processes until interrupted or until one of them stops (then stop the others:
    a supervisor such as the platform's restarts the whole server). Returns the exit status."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter per worker, as uvicorn starts them
    processes = [context.Process(target=run_worker, args=(port, host), name=f"worker-{number}") for number in range(workers)]

    def stop(signum: int, frame: Any) -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn's graceful shutdown

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for process in processes:
        process.start()
    print(f"{workers} worker processes on http://{host}:{port}", flush=True)
    multiprocessing.connection.wait([process.sentinel for process in processes])
    stop(signal.SIGTERM, None)
    for process in processes:
        process.join(timeout=30)
    return max(abs(process.exitcode or 0) for process in processes)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m etl.publish.asgi", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=worker_count())
    arguments = parser.parse_args(argv)
    sys.exit(serve(arguments.port, arguments.workers))


if __name__ == "__main__":
    main()
