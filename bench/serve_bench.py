"""Serving benchmark: the public Datasette under a bounded load, against its own floor.

The server is started exactly as ``make serve`` starts it (``etl.publish.serve.datasette_arguments``: immutable
database, inspect counts, metadata, templates, plugins, settings.json), on 127.0.0.1, and it stops by
itself (``timeout``) whatever happens to the benchmark. The load is a fixed number of requests per page,
interleaved, sent by 1, 8 and 32 concurrent clients (httpx, asyncio). The floor is Datasette's own
``/-/versions.json`` (no SQL, no template), measured in the same run at the same concurrency, alone and
also inside the mix: each page's p95 is reported as a multiple of the floor's p95 (alone: what the page
costs beyond the framework; inside the mix: how much longer than the cheapest request it waits under the
same load).
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import statistics
import time
import urllib.parse
from pathlib import Path

import httpx

from etl.publish.serve import datasette_settings, load_metadata, running_server, write_inspect_file
from etl.publish.site import DATABASE_NAME

CONCURRENCY = (1, 8, 32)
FLOOR_PATH = "/-/versions.json"
MIX_FLOOR = "floor inside the mix (/-/versions.json)"
SERVER_START_SECONDS = 60
SERVER_LIFETIME_SECONDS = 900  # the server's own deadline: it stops by itself even if the benchmark dies
REQUEST_TIMEOUT_SECONDS = 60
SEARCH_TERM = "inspection"


def _first(conn: sqlite3.Connection, sql: str) -> str:
    return conn.execute(sql).fetchone()[0]


def request_mix(db_path: Path) -> dict[str, list[str]]:
    """The pages of the benchmark, each with the URLs it cycles through, with real values from ``db_path``."""
    database = DATABASE_NAME
    with sqlite3.connect(db_path) as conn:
        values = {
            "document_id": _first(conn, "select document_id from utterances group by document_id order by count(*) desc, document_id limit 1"),
            "participant_id": _first(conn, "select participant_id from utterances where participant_id is not null group by participant_id order by count(*) desc limit 1"),
            "note_type": _first(conn, "select note_type from editorial_notes group by note_type order by count(*) desc limit 1"),
            "term": SEARCH_TERM,
            "search": SEARCH_TERM,
        }
        count = _first(conn, "select count(*) from utterances")
        # Ten row pages spread over the table, so that no single row is all the benchmark reads.
        row_ids = [
            _first(conn, f"select utterance_id from utterances order by rowid limit 1 offset {count * i // 10}")
            for i in range(10)
        ]
    facets = load_metadata()["databases"][database]["tables"]["utterances"].get("facets", [])
    mix = {
        # The table page with the facets metadata.yml configures for it (document, speaker, mode).
        "table page with facets": [f"/{database}/utterances"],
        "FTS search": [f"/{database}/utterances?" + urllib.parse.urlencode({"_search": SEARCH_TERM})],
        "row page": [f"/{database}/utterances/{urllib.parse.quote(row_id)}" for row_id in row_ids],
        "CSV export (one page of max rows)": [f"/{database}/utterances.csv?_size=max"],
    }
    for name, query in load_metadata()["databases"][database].get("queries", {}).items():
        parameters = sorted(set(re.findall(r"(?<!:):([a-z_]+)", query["sql"])))
        mix[f"canned: {name}"] = [f"/{database}/{name}?" + urllib.parse.urlencode({p: values.get(p, SEARCH_TERM) for p in parameters})]
    # The floor again, inside the mix: what the cheapest request waits under the same load.
    mix[MIX_FLOOR] = [FLOOR_PATH]
    assert facets, "metadata.yml configures facets on utterances"
    return mix


class Server:
    """``datasette serve`` as ``make serve`` runs it (``etl.publish.serve.running_server``), with the time its
    ``datasette inspect`` took; a context manager."""

    def __init__(self, db_path: Path, log_path: Path):
        self.db_path = db_path
        self.log_path = log_path

    def __enter__(self) -> Server:
        started = time.perf_counter()
        inspect_file = write_inspect_file(self.db_path, self.db_path.with_suffix(".inspect.json"))
        self.inspect_seconds = time.perf_counter() - started
        self._running = running_server(self.db_path, inspect_file, self.log_path, SERVER_LIFETIME_SECONDS, SERVER_START_SECONDS)
        self.base_url = self._running.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._running.__exit__(*(exc or (None, None, None)))


async def _drive(base_url: str, requests: list[tuple[str, str]], concurrency: int) -> tuple[list[dict], float]:
    """Send every request with ``concurrency`` clients; each request's page, status, seconds and bytes."""
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for request in requests:
        queue.put_nowait(request)
    results: list[dict] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT_SECONDS, limits=limits) as client:

        async def worker() -> None:
            while True:
                try:
                    page, path = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                start = time.perf_counter()
                try:
                    response = await client.get(path)
                    status, size = response.status_code, len(response.content)
                except httpx.HTTPError as error:
                    status, size = type(error).__name__, 0
                results.append({"page": page, "status": status, "seconds": time.perf_counter() - start, "bytes": size})

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return results, elapsed


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (no interpolation): an observed latency."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


def summarize(results: list[dict], elapsed: float | None = None) -> dict:
    seconds = [r["seconds"] for r in results]
    summary = {
        "requests": len(results),
        "non_200": sum(1 for r in results if r["status"] != 200),
        "statuses": sorted({str(r["status"]) for r in results}),
        "p50_ms": round(1000 * statistics.median(seconds), 1),
        "p95_ms": round(1000 * percentile(seconds, 0.95), 1),
        "p99_ms": round(1000 * percentile(seconds, 0.99), 1),
        "mean_kb": round(sum(r["bytes"] for r in results) / len(results) / 1024, 1),
    }
    if elapsed is not None:
        summary["throughput_rps"] = round(len(results) / elapsed, 1)
    return summary


def bench_database(label: str, db_path: Path, requests_per_page: int, floor_requests: int, log=print) -> dict:
    """Drive one database at every concurrency; per page and overall figures, against the floor."""
    mix = request_mix(db_path)
    with Server(db_path, db_path.with_suffix(".serve.log")) as server:
        result = {"database": label, "db_mb": round(db_path.stat().st_size / 1e6, 2), "inspect_seconds": round(server.inspect_seconds, 2)}
        result["time_limits"] = _time_limit_check(server.base_url)
        result["full_csv_export"] = _full_export(server.base_url)
        # Warm up: every page once (first-use costs such as template compilation are not the load).
        asyncio.run(_drive(server.base_url, [(page, urls[0]) for page, urls in mix.items()], 1))
        levels = []
        for concurrency in CONCURRENCY:
            requests = [
                (page, urls[i % len(urls)]) for i in range(requests_per_page) for page, urls in mix.items()
            ]
            floor, floor_elapsed = asyncio.run(_drive(server.base_url, [("floor", FLOOR_PATH)] * floor_requests, concurrency))
            results, elapsed = asyncio.run(_drive(server.base_url, requests, concurrency))
            floor_summary = summarize(floor, floor_elapsed)
            pages = {}
            for page in mix:
                page_summary = summarize([r for r in results if r["page"] == page])
                page_summary["p95_over_floor"] = round(page_summary["p95_ms"] / floor_summary["p95_ms"], 1)
                pages[page] = page_summary
            for page_summary in pages.values():
                page_summary["p95_over_floor_inside_mix"] = round(page_summary["p95_ms"] / pages[MIX_FLOOR]["p95_ms"], 1)
            overall = summarize([r for r in results if r["page"] != MIX_FLOOR])
            overall["throughput_rps"] = round(len(results) / elapsed, 1)  # every request the server answered
            overall["p95_over_floor"] = round(overall["p95_ms"] / floor_summary["p95_ms"], 1)
            levels.append({"concurrency": concurrency, "floor": floor_summary, "mix": overall, "pages": pages})
            log(
                f"{label:<6} c={concurrency:<3} mix {overall['throughput_rps']:>6.1f} req/s  p50 {overall['p50_ms']:>7.1f}  "
                f"p95 {overall['p95_ms']:>7.1f}  p99 {overall['p99_ms']:>7.1f} ms  non-200 {overall['non_200']}  |  "
                f"floor {floor_summary['throughput_rps']:>6.1f} req/s  p95 {floor_summary['p95_ms']:>6.1f} ms  "
                f"(mix p95 = {overall['p95_over_floor']}x floor)"
            )
        result["levels"] = levels
    return result


def _time_limit_check(base_url: str) -> dict:
    """The facet and FTS pages as JSON: Datasette's own query time and whether any facet hit its time limit."""
    settings = datasette_settings()
    checks = {}
    for name, path in {
        "table page with facets": f"/{DATABASE_NAME}/utterances.json?_size=100",
        "FTS search with facets": f"/{DATABASE_NAME}/utterances.json?" + urllib.parse.urlencode({"_search": SEARCH_TERM}),
    }.items():
        start = time.perf_counter()
        response = httpx.get(base_url + path, timeout=REQUEST_TIMEOUT_SECONDS)
        seconds = time.perf_counter() - start
        body = response.json()
        checks[name] = {
            "status": response.status_code,
            "seconds": round(seconds, 3),
            "facets": sorted(body.get("facet_results", {})),
            "facets_timed_out": body.get("facets_timed_out", []),
            "rows_matched": body.get("filtered_table_rows_count"),
        }
    checks["sql_time_limit_ms"] = settings["sql_time_limit_ms"]
    checks["facet_time_limit_ms"] = settings["facet_time_limit_ms"]
    return checks


def _full_export(base_url: str) -> dict:
    """One streamed CSV of the whole utterances table (what "download all rows" does)."""
    start = time.perf_counter()
    size = 0
    with httpx.stream("GET", f"{base_url}/{DATABASE_NAME}/utterances.csv?_stream=on&_size=max", timeout=REQUEST_TIMEOUT_SECONDS * 5) as response:
        for chunk in response.iter_bytes():
            size += len(chunk)
        status = response.status_code
    seconds = time.perf_counter() - start
    return {"status": status, "seconds": round(seconds, 2), "mb": round(size / 1e6, 2), "mb_per_s": round(size / 1e6 / seconds, 1)}


def format_table(results: list[dict]) -> str:
    """The serving results as Markdown tables: the mix per concurrency, then each page's p95 at concurrency 8."""
    lines = [
        "| database | concurrency | mix req/s | p50 ms | p95 ms | p99 ms | non-200 | floor req/s | floor p95 ms | mix p95 / floor p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        for level in result["levels"]:
            mix, floor = level["mix"], level["floor"]
            lines.append(
                f"| {result['database']} | {level['concurrency']} | {mix['throughput_rps']} | {mix['p50_ms']} | {mix['p95_ms']} | "
                f"{mix['p99_ms']} | {mix['non_200']} | {floor['throughput_rps']} | {floor['p95_ms']} | {mix['p95_over_floor']} |"
            )
    lines += [
        "",
        "| database | page | KB | p50 ms (c=1) | p95 ms (c=1) | p95 / floor (c=1) | p50 ms (c=8) | p95 ms (c=8) | p95 / floor (c=8) | p95 / floor inside the mix (c=8) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        by_level = {level["concurrency"]: level for level in result["levels"]}
        for page, figures in by_level[8]["pages"].items():
            single = by_level[1]["pages"][page]
            lines.append(
                f"| {result['database']} | {page} | {single['mean_kb']} | {single['p50_ms']} | {single['p95_ms']} | {single['p95_over_floor']} | "
                f"{figures['p50_ms']} | {figures['p95_ms']} | {figures['p95_over_floor']} | {figures['p95_over_floor_inside_mix']} |"
            )
    return "\n".join(lines)
