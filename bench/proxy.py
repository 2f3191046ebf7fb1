"""A real caching reverse proxy for the serving benchmark: Debian's nginx in front of the site, on 127.0.0.1.

nginx caches what the site marks cacheable: the pages of the hashed database URLs carry
``Cache-Control: max-age=31536000, public`` (datasette-hashed-urls), so once a page has been fetched the
proxy answers it from its cache without asking Datasette, as a CDN would. The proxy also serves one static
file (``/static-floor``), the floor of its figures: the fastest answer it can give.

The proxy runs in the foreground of its own process group under coreutils ``timeout`` (it stops by itself
even if the benchmark is killed), writes everything (cache, temporary files, logs, pid) under its work
folder, and listens on 127.0.0.1 only. ``make proxy`` installs nginx with apt-get when it is missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from servers import bounded_process, free_port

from etl.publish.serve import HOST

STATIC_FLOOR_PATH = "/static-floor"
CACHE_ZONE = "havana"

CONFIG = """\
# Written by bench/proxy.py for one benchmark run.
daemon off;
master_process on;
user root;
worker_processes auto;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy_temp;
    fastcgi_temp_path {work}/fastcgi_temp;
    uwsgi_temp_path {work}/uwsgi_temp;
    scgi_temp_path {work}/scgi_temp;
    default_type application/octet-stream;
    # The cache obeys the site's Cache-Control: hashed URLs are cached for a year, the rest not at all.
    proxy_cache_path {work}/cache levels=1:2 keys_zone={zone}:10m max_size=1g inactive=1d use_temp_path=off;
    upstream site {{ server {upstream}; keepalive 32; }}
    server {{
        listen {host}:{port};
        location = {static_path} {{ alias {static_file}; default_type text/html; }}
        location / {{
            proxy_pass http://site;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_cache {zone};
            proxy_cache_lock on;
            add_header X-Cache-Status $upstream_cache_status always;
        }}
    }}
}}
"""


def nginx_executable() -> str:
    """Debian's nginx (``make proxy`` installs it)."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise RuntimeError("nginx is not installed: run `make proxy` (apt-get install nginx)")
    return found


def write_config(work: Path, upstream: str, port: int, static_file: Path) -> Path:
    """The proxy's nginx.conf under ``work``: cache of the site at ``upstream`` (host:port) on 127.0.0.1:``port``."""
    work.mkdir(parents=True, exist_ok=True)
    config = work / "nginx.conf"
    config.write_text(
        CONFIG.format(
            work=work.resolve(),
            zone=CACHE_ZONE,
            upstream=upstream,
            host=HOST,
            port=port,
            static_path=STATIC_FLOOR_PATH,
            static_file=static_file.resolve(),
        ),
        encoding="utf-8",
    )
    return config


@contextmanager
def caching_proxy(
    work: Path, upstream_url: str, static_file: Path, lifetime_seconds: int, start_seconds: int = 20
) -> Iterator[str]:
    """nginx caching ``upstream_url`` on a free port of 127.0.0.1, its cache empty; yields its base URL."""
    if work.exists():
        shutil.rmtree(work)
    port = free_port()
    config = write_config(work, upstream_url.removeprefix("http://"), port, static_file)
    base_url = f"http://{HOST}:{port}"
    error_log = work / "error.log"
    with bounded_process(
        [nginx_executable(), "-p", str(work.resolve()), "-c", str(config.resolve())],
        work / "nginx.out",
        lifetime_seconds,
        base_url + STATIC_FLOOR_PATH,
        start_seconds,
        lambda: f"nginx did not start: {error_log.read_text() if error_log.exists() else ''}",
    ):  # nginx's fast shutdown on the SIGTERM timeout passes on
        yield base_url
