"""Serving benchmark: the site as ``make serve`` runs it, under bounded loads, against floors measured in the same run.

The servers start as ``make serve`` starts them (``etl.publish.serve.server_command``: uvicorn worker
processes, each with the Datasette app of ``datasette_app``: immutable database, inspect counts, metadata,
templates, plugins, settings.json), on 127.0.0.1, and stop by themselves (``timeout``) whatever happens to
the benchmark. The mix's URLs are the release's hashed URLs, as the site's own links give them. Each
target of issue 12 is one comparison in the same run:

- the mix against Datasette's own ``/-/versions.json`` (the floor), at concurrency 1, 8 and 32 (httpx,
  a fixed number of requests per page);
- each page against the same page of plain Datasette (``bench/plain_datasette.py``: no metadata, templates or
  plugins; a canned query becomes its SQL), both one worker, at concurrency 8 from wrk, the two servers in
  turn, three rounds;
- throughput of one worker per core against one worker, at concurrency 8, with wrk (``bench/wrk.py``: the
  Python client would saturate before the servers), the two servers in turn, three rounds;
- the warm mix through nginx caching the site (``bench/proxy.py``) against nginx serving a static file,
  concurrency 32, wrk, in turn, three rounds;
- on the largest database, every page of the mix answered 200 within the time limits.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import statistics
import time
import urllib.parse
from pathlib import Path

import httpx
from servers import running_server

from bench.plain_datasette import plain_command
from bench.proxy import STATIC_FLOOR_PATH, caching_proxy
from bench.wrk import run_wrk
from etl.publish.serve import datasette_settings, load_metadata, worker_count, write_inspect_file
from etl.publish.site import DATABASE_NAME

CONCURRENCY = (1, 8, 32)
FLOOR_PATH = "/-/versions.json"
MIX_FLOOR = "floor inside the mix (/-/versions.json)"
SERVER_START_SECONDS = 60
SERVER_LIFETIME_SECONDS = 900  # the server's own deadline: it stops by itself even if the benchmark dies
REQUEST_TIMEOUT_SECONDS = 60
SEARCH_TERM = "inspection"
PEER_CONCURRENCY = 8  # connections at each server in the comparison with plain Datasette (wrk)
PEER_SECONDS = 2  # one run of that comparison, per page
THROUGHPUT_SECONDS = 4  # one run of the throughput and proxy comparisons


def _first(conn: sqlite3.Connection, sql: str) -> str:
    return conn.execute(sql).fetchone()[0]


def request_mix(db_path: Path) -> dict[str, list[str]]:
    """The pages of the benchmark, each with the URLs it cycles through, with real values from ``db_path``."""
    database = DATABASE_NAME
    with sqlite3.connect(db_path) as conn:
        values = {
            "document_id": _first(
                conn,
                "select document_id from utterances group by document_id order by count(*) desc, document_id limit 1",
            ),
            "participant_id": _first(
                conn,
                "select participant_id from utterances where participant_id is not null group by participant_id order "
                "by count(*) desc limit 1",
            ),
            "note_type": _first(
                conn, "select note_type from editorial_notes group by note_type order by count(*) desc limit 1"
            ),
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
        mix[f"canned: {name}"] = [
            f"/{database}/{name}?" + urllib.parse.urlencode({p: values.get(p, SEARCH_TERM) for p in parameters})
        ]
    # The floor again, inside the mix: what the cheapest request waits under the same load.
    mix[MIX_FLOOR] = [FLOOR_PATH]
    assert facets, "metadata.yml configures facets on utterances"
    return mix


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


def hashed_route(base_url: str) -> str:
    """The name the site serves the database under (``havana-1962-<hash>``): where the unversioned URL redirects."""
    response = httpx.get(f"{base_url}/{DATABASE_NAME}", follow_redirects=False, timeout=REQUEST_TIMEOUT_SECONDS)
    assert response.status_code == 302, (
        f"/{DATABASE_NAME} answers {response.status_code}, not a redirect to its hashed URL"
    )
    return response.headers["location"].strip("/").split("/")[0].split("?")[0]


def versioned(mix: dict[str, list[str]], route: str) -> dict[str, list[str]]:
    """The mix at the hashed URLs the site's own links point to (no redirect on the way)."""
    prefix = f"/{DATABASE_NAME}"
    return {
        page: [f"/{route}{url[len(prefix) :]}" if url.startswith(prefix) else url for url in urls]
        for page, urls in mix.items()
    }


def peer_mix(mix: dict[str, list[str]]) -> dict[str, list[str]]:
    """The same pages for plain Datasette: a canned query (defined in metadata.yml) becomes its SQL on the
    database's query page, with the same parameters."""
    queries = load_metadata()["databases"][DATABASE_NAME].get("queries", {})
    plain = {}
    for page, urls in mix.items():
        if page.startswith("canned: "):
            name = page.removeprefix("canned: ")
            urls = [
                f"/{DATABASE_NAME}?"
                + urllib.parse.urlencode(
                    {"sql": queries[name]["sql"], **dict(urllib.parse.parse_qsl(url.partition("?")[2]))}
                )
                for url in urls
            ]
        plain[page] = urls
    return plain


def target(name: str, figure: float, unit: str, limit: float, comparison: str, detail: str = "") -> dict:
    """One serving target: its figure, the limit, whether it is met."""
    met = figure <= limit if comparison == "<=" else figure >= limit
    return {
        "target": name,
        "figure": figure,
        "unit": unit,
        "limit": f"{comparison} {limit}",
        "met": met,
        "detail": detail,
    }


def _requests(mix: dict[str, list[str]], per_page: int) -> list[tuple[str, str]]:
    return [(page, urls[i % len(urls)]) for i in range(per_page) for page, urls in mix.items()]


def _levels(
    base_url: str, mix: dict[str, list[str]], per_page: int, floor_requests: int, label: str, log
) -> list[dict]:
    """The mix and the floor at each concurrency, per page and overall."""
    levels = []
    for concurrency in CONCURRENCY:
        floor, floor_elapsed = asyncio.run(_drive(base_url, [("floor", FLOOR_PATH)] * floor_requests, concurrency))
        results, elapsed = asyncio.run(_drive(base_url, _requests(mix, per_page), concurrency))
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
            f"{label:<6} c={concurrency:<3} mix {overall['throughput_rps']:>6.1f} req/s  "
            f"p50 {overall['p50_ms']:>7.1f}  "
            f"p95 {overall['p95_ms']:>7.1f}  p99 {overall['p99_ms']:>7.1f} ms  non-200 {overall['non_200']}  |  "
            f"floor {floor_summary['throughput_rps']:>6.1f} req/s  p95 {floor_summary['p95_ms']:>6.1f} ms  "
            f"(mix p95 = {overall['p95_over_floor']}x floor)"
        )
    return levels


def _peer_comparison(site_url: str, site_mix: dict, peer_url: str, mix: dict, rounds: int, work: Path, log) -> dict:
    """The site (one worker) and plain Datasette (one worker), each page at concurrency 8 (wrk, 8
    connections, ``PEER_SECONDS``), the two servers in turn, ``rounds`` times (which goes first alternates).
    Per page: the median over the rounds of each server's p95, and their ratio.

    The servers take turns, as in the throughput comparison, and the load comes from wrk. The first version
    of this comparison sent both servers' requests from one queue shared by 16 httpx clients: whichever
    server was a little slower held almost all 16 clients and the other almost none, so a page 1.5 times as
    costly measured 5 times the other's p95, and the Python client, which saturates before one Datasette
    worker does at concurrency 8 (``bench/wrk.py``), charged each server for the size of its pages. Two wrk
    at once, one per server, left four busy processes on the 2-core machine, and which server the kernel
    favoured changed the ratio of the same page by 1.5 times from one run to the next."""
    plain = peer_mix(mix)
    # A page plain Datasette cannot answer (a canned query using the site's own SQL function) has no peer.
    no_peer = sorted(
        page
        for page, urls in plain.items()
        if httpx.get(peer_url + urls[0], timeout=REQUEST_TIMEOUT_SECONDS).status_code != 200
    )
    pages = [page for page in mix if page not in no_peer and page != MIX_FLOOR]
    for page in pages:  # warm: first-use costs are not the load
        for url in site_mix[page]:
            httpx.get(site_url + url, timeout=REQUEST_TIMEOUT_SECONDS)
        for url in plain[page]:
            httpx.get(peer_url + url, timeout=REQUEST_TIMEOUT_SECONDS)
    by_page = {}
    for page in pages:
        servers = {"site": (site_url, site_mix[page]), "peer": (peer_url, plain[page])}
        runs = []
        for number in range(rounds):
            order = list(servers) if number % 2 == 0 else list(reversed(servers))
            runs.append({name: run_wrk(*servers[name], PEER_CONCURRENCY, PEER_SECONDS, work / name) for name in order})
        site = {
            figure: statistics.median(run["site"][figure] for run in runs)
            for figure in ("p50_ms", "p95_ms", "throughput_rps")
        }
        peer = {
            figure: statistics.median(run["peer"][figure] for run in runs)
            for figure in ("p50_ms", "p95_ms", "throughput_rps")
        }
        by_page[page] = {
            "site_p95_ms": site["p95_ms"],
            "peer_p95_ms": peer["p95_ms"],
            "ratio": round(site["p95_ms"] / peer["p95_ms"], 2),
            "site_p50_ms": site["p50_ms"],
            "peer_p50_ms": peer["p50_ms"],
            "site_rps": site["throughput_rps"],
            "peer_rps": peer["throughput_rps"],
            "site_requests": sum(run["site"]["requests"] for run in runs),
            "peer_requests": sum(run["peer"]["requests"] for run in runs),
            "site_status_400_or_more": sum(
                run["site"]["status_400_or_more"] + run["site"]["socket_errors"] for run in runs
            ),
            "peer_status_400_or_more": sum(
                run["peer"]["status_400_or_more"] + run["peer"]["socket_errors"] for run in runs
            ),
        }
        log(
            f"  {page:<45} site p95 {site['p95_ms']:>7.1f} ms  plain {peer['p95_ms']:>7.1f} ms  ratio "
            f"{by_page[page]['ratio']}"
        )
    ratios = sorted(figures["ratio"] for figures in by_page.values())
    return {
        "connections_per_server": PEER_CONCURRENCY,
        "rounds": rounds,
        "seconds_per_round": PEER_SECONDS,
        "pages": by_page,
        "no_peer": no_peer,
        "median_ratio": round(statistics.median(ratios), 2),
    }


def _worker_throughput(single_url: str, site_url: str, mix: dict, rounds: int, workers: int, work: Path, log) -> dict:
    """The mix at concurrency 8 (wrk) on one worker process and on ``workers``, in turn, ``rounds`` times:
    requests per second over all rounds."""
    paths = [url for urls in mix.values() for url in urls]
    totals = {"one": [0, 0.0], "workers": [0, 0.0]}
    for _ in range(rounds):
        for name, base_url in (("one", single_url), ("workers", site_url)):
            figures = run_wrk(base_url, paths, 8, THROUGHPUT_SECONDS, work / "wrk")
            totals[name][0] += figures["requests"]
            totals[name][1] += figures["requests"] / figures["throughput_rps"]
    rps = {name: round(requests / seconds, 1) for name, (requests, seconds) in totals.items()}
    ratio = round(rps["workers"] / rps["one"], 2)
    log(f"  one process {rps['one']} req/s, {workers} workers {rps['workers']} req/s: {ratio}x")
    return {
        "concurrency": 8,
        "workers": workers,
        "rounds": rounds,
        "seconds_per_round": THROUGHPUT_SECONDS,
        "one_process_rps": rps["one"],
        "workers_rps": rps["workers"],
        "ratio": ratio,
    }


def _behind_proxy(site_url: str, mix: dict, work: Path, rounds: int, log) -> dict:
    """The mix through nginx caching the site, warm, at concurrency 32 (wrk), against nginx serving a static
    file, in turn, ``rounds`` times: the median of each run's p95."""
    static_file = work / "static-floor.html"
    static_file.parent.mkdir(parents=True, exist_ok=True)
    static_file.write_bytes(
        httpx.get(site_url + mix["table page with facets"][0], timeout=REQUEST_TIMEOUT_SECONDS).content
    )
    # The release's pages: /-/versions.json is no page of the database, its answers are not cacheable.
    paths = [url for page, urls in mix.items() if page != MIX_FLOOR for url in urls]
    runs: dict[str, list[dict]] = {"static file": [], "warm mix": []}
    with caching_proxy(work / "nginx", site_url, static_file, SERVER_LIFETIME_SECONDS) as proxy_url:
        cold, _ = asyncio.run(_drive(proxy_url, [("cold", url) for url in paths], 8))  # fills the cache: every URL once
        with httpx.Client(base_url=proxy_url, timeout=REQUEST_TIMEOUT_SECONDS) as client:
            cache_status = {url: client.get(url).headers.get("x-cache-status", "none") for url in paths}
        for _ in range(rounds):
            for name, run_paths in (("static file", [STATIC_FLOOR_PATH]), ("warm mix", paths)):
                runs[name].append(run_wrk(proxy_url, run_paths, 32, THROUGHPUT_SECONDS, work / "wrk", threads=2))
    floor_p95 = statistics.median(run["p95_ms"] for run in runs["static file"])
    warm_p95 = statistics.median(run["p95_ms"] for run in runs["warm mix"])
    ratio = round(warm_p95 / floor_p95, 2)
    hits = sum(status == "HIT" for status in cache_status.values())
    log(
        f"  static file p95 {floor_p95} ms; warm mix p95 {warm_p95} ms: {ratio}x; cache hits on the second request: "
        f"{hits} of {len(cache_status)} URLs"
    )
    return {
        "concurrency": 32,
        "static_file_kb": round(static_file.stat().st_size / 1024, 1),
        "runs": runs,
        "static_file_p95_ms": floor_p95,
        "warm_mix_p95_ms": warm_p95,
        "ratio": ratio,
        "cache_hits": hits,
        "urls": len(cache_status),
        "not_cached": sorted(url for url, status in cache_status.items() if status != "HIT"),
        "cold_non_200": sum(1 for r in cold if r["status"] != 200),
    }


def bench_seeds(
    db_path: Path, work: Path, requests_per_page: int, floor_requests: int, rounds: int = 3, log=print
) -> dict:
    """Every serving target on the seed database: the site as ``make serve`` runs it against its floor, against
    one process, against plain Datasette, and behind a caching proxy."""
    mix = request_mix(db_path)
    inspect_file = write_inspect_file(db_path, db_path.with_suffix(".inspect.json"))
    workers = worker_count()
    result: dict = {"database": "seeds", "db_mb": round(db_path.stat().st_size / 1e6, 2), "workers": workers}
    with (
        running_server(
            db_path, inspect_file, work / "site.log", SERVER_LIFETIME_SECONDS, SERVER_START_SECONDS, workers=workers
        ) as site_url,
        running_server(
            db_path, inspect_file, work / "one.log", SERVER_LIFETIME_SECONDS, SERVER_START_SECONDS, workers=1
        ) as single_url,
        running_server(
            db_path,
            inspect_file,
            work / "plain.log",
            SERVER_LIFETIME_SECONDS,
            SERVER_START_SECONDS,
            command=plain_command(db_path, inspect_file),
        ) as plain_url,
    ):
        route = hashed_route(site_url)
        site_mix = versioned(mix, route)
        result["route"] = route
        result["time_limits"] = _time_limit_check(site_url)
        result["full_csv_export"] = _full_export(site_url)
        for base_url in (site_url, single_url):  # warm: first-use costs such as template compilation are not the load
            asyncio.run(_drive(base_url, _requests(site_mix, 1), 1))
        log(f"site as `make serve` runs it ({workers} workers), the mix at hashed URLs, against /-/versions.json:")
        result["levels"] = _levels(site_url, site_mix, requests_per_page, floor_requests, "seeds", log)
        log("site (one worker) against plain Datasette (one worker), each page at concurrency 8 (wrk), in turn:")
        result["peer"] = _peer_comparison(single_url, site_mix, plain_url, mix, rounds, work / "peer", log)
        log(f"throughput at concurrency 8 (wrk), {workers} workers against one:")
        result["workers_throughput"] = _worker_throughput(single_url, site_url, site_mix, rounds, workers, work, log)
        log("behind nginx caching the hashed URLs, warm, concurrency 32 (wrk):")
        result["proxy"] = _behind_proxy(site_url, site_mix, work / "proxy", rounds, log)
    c8 = next(level for level in result["levels"] if level["concurrency"] == 8)
    worst = max(result["peer"]["pages"].items(), key=lambda item: item[1]["ratio"])
    result["targets"] = [
        target(
            "seed mix p95 / floor p95, concurrency 8",
            c8["mix"]["p95_over_floor"],
            "x",
            3,
            "<=",
            f"mix p95 {c8['mix']['p95_ms']} ms, floor p95 {c8['floor']['p95_ms']} ms",
        ),
        target(
            "site p95 / plain Datasette p95, median page, concurrency 8",
            result["peer"]["median_ratio"],
            "x",
            1.25,
            "<=",
            f"{len(result['peer']['pages'])} pages; no peer: {', '.join(result['peer']['no_peer']) or 'none'}",
        ),
        target(
            "site p95 / plain Datasette p95, worst page, concurrency 8",
            worst[1]["ratio"],
            "x",
            1.25,
            "<=",
            f"{worst[0]}: {worst[1]['site_p95_ms']} ms against {worst[1]['peer_p95_ms']} ms",
        ),
        target(
            f"throughput, {workers} workers / one process, concurrency 8",
            result["workers_throughput"]["ratio"],
            "x",
            1.7,
            ">=",
            f"{result['workers_throughput']['workers_rps']} against {result['workers_throughput']['one_process_rps']} "
            f"req/s on {os.cpu_count()} cores",
        ),
        target(
            "warm mix p95 behind nginx / static file p95, concurrency 32",
            result["proxy"]["ratio"],
            "x",
            2,
            "<=",
            f"{result['proxy']['warm_mix_p95_ms']} ms against {result['proxy']['static_file_p95_ms']} ms; "
            f"{result['proxy']['cache_hits']} of {result['proxy']['urls']} URLs cached",
        ),
    ]
    return result


def bench_largest(
    label: str, db_path: Path, work: Path, requests_per_page: int, floor_requests: int, log=print
) -> dict:
    """The largest database served as ``make serve`` serves it: every page of the mix within the time limits."""
    mix = request_mix(db_path)
    started = time.perf_counter()
    inspect_file = write_inspect_file(db_path, db_path.with_suffix(".inspect.json"))
    result: dict = {
        "database": label,
        "db_mb": round(db_path.stat().st_size / 1e6, 2),
        "inspect_seconds": round(time.perf_counter() - started, 2),
    }
    with running_server(
        db_path,
        inspect_file,
        work / f"{label}.log",
        SERVER_LIFETIME_SECONDS,
        SERVER_START_SECONDS,
        workers=worker_count(),
    ) as site_url:
        site_mix = versioned(mix, hashed_route(site_url))
        result["time_limits"] = _time_limit_check(site_url)
        result["full_csv_export"] = _full_export(site_url)
        asyncio.run(_drive(site_url, _requests(site_mix, 1), 1))
        result["levels"] = _levels(site_url, site_mix, requests_per_page, floor_requests, label, log)
    result["targets"] = largest_targets(result)
    return result


def largest_targets(result: dict) -> list[dict]:
    """Every page of the mix answered 200 on the largest database: at concurrency 1 and 8, and at 32."""
    targets = []
    for name, levels in (("concurrency 1 and 8", (1, 8)), ("concurrency 32", (32,))):
        answers = [
            (page, figures)
            for level in result["levels"]
            if level["concurrency"] in levels
            for page, figures in level["pages"].items()
        ]
        failing = {page: sum(figures["non_200"] for other, figures in answers if other == page) for page, _ in answers}
        failing = {page: count for page, count in failing.items() if count}
        requests = sum(figures["requests"] for _, figures in answers)
        statuses = sorted({status for _, figures in answers for status in figures["statuses"]})
        targets.append(
            target(
                f"{result['database']}: every page of the mix answers 200 within the time limits, {name}",
                sum(failing.values()),
                "answers not 200",
                0,
                "<=",
                f"{requests} requests; statuses {', '.join(statuses)}"
                + (
                    "; not 200: " + ", ".join(f"{page} ({count})" for page, count in sorted(failing.items()))
                    if failing
                    else ""
                ),
            )
        )
    return targets


def _time_limit_check(base_url: str) -> dict:
    """The facet and FTS pages as JSON: Datasette's own query time and whether any facet hit its time limit."""
    settings = datasette_settings()
    checks = {}
    for name, path in {
        "table page with facets": f"/{DATABASE_NAME}/utterances.json?_size=100",
        "FTS search with facets": f"/{DATABASE_NAME}/utterances.json?"
        + urllib.parse.urlencode({"_search": SEARCH_TERM}),
    }.items():
        start = time.perf_counter()
        response = httpx.get(base_url + path, timeout=REQUEST_TIMEOUT_SECONDS, follow_redirects=True)
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
    with httpx.stream(
        "GET",
        f"{base_url}/{DATABASE_NAME}/utterances.csv?_stream=on&_size=max",
        timeout=REQUEST_TIMEOUT_SECONDS * 5,
        follow_redirects=True,
    ) as response:
        for chunk in response.iter_bytes():
            size += len(chunk)
        status = response.status_code
    seconds = time.perf_counter() - start
    return {
        "status": status,
        "seconds": round(seconds, 2),
        "mb": round(size / 1e6, 2),
        "mb_per_s": round(size / 1e6 / seconds, 1),
    }


def format_targets(targets: list[dict]) -> str:
    """The serving targets as a Markdown table: figure, limit, met or not."""
    lines = ["| target | figure | limit | met | detail |", "| --- | ---: | --- | --- | --- |"]
    for item in targets:
        lines.append(
            f"| {item['target']} | {item['figure']} {item['unit']} | {item['limit']} | "
            f"{'yes' if item['met'] else 'NO'} | {item['detail']} |"
        )
    return "\n".join(lines)


def format_table(results: list[dict]) -> str:
    """The serving results as Markdown tables: the mix per concurrency, then each page's p95 at concurrency 8."""
    lines = [
        "| database | concurrency | mix req/s | p50 ms | p95 ms | p99 ms | non-200 | floor req/s | floor p95 ms "
        "| mix p95 / floor p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        for level in result["levels"]:
            mix, floor = level["mix"], level["floor"]
            lines.append(
                f"| {result['database']} | {level['concurrency']} | {mix['throughput_rps']} | {mix['p50_ms']} | "
                f"{mix['p95_ms']} | "
                f"{mix['p99_ms']} | {mix['non_200']} | {floor['throughput_rps']} | {floor['p95_ms']} | "
                f"{mix['p95_over_floor']} |"
            )
    lines += [
        "",
        "| database | page | KB | p50 ms (c=1) | p95 ms (c=1) | p95 / floor (c=1) | p50 ms (c=8) | p95 ms (c=8) "
        "| p95 / floor (c=8) | p95 / floor inside the mix (c=8) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        by_level = {level["concurrency"]: level for level in result["levels"]}
        for page, figures in by_level[8]["pages"].items():
            single = by_level[1]["pages"][page]
            lines.append(
                f"| {result['database']} | {page} | {single['mean_kb']} | {single['p50_ms']} | {single['p95_ms']} | "
                f"{single['p95_over_floor']} | "
                f"{figures['p50_ms']} | {figures['p95_ms']} | {figures['p95_over_floor']} | "
                f"{figures['p95_over_floor_inside_mix']} |"
            )
    return "\n".join(lines)
