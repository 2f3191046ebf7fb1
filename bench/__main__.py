"""``python -m bench`` (``make bench``): the build and serving benchmarks, with their floors, in one run.

Writes ``bench/results/build.json`` and ``bench/results/serve.json`` (figures, machine, date) and prints
the summary tables. The synthetic corpora and their databases are kept under ``bench/work/`` (ignored by
git) until the next run. Sized for the project's 2-core machine: the whole run takes a few minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import sys
import time
from pathlib import Path

from bench import build_bench, reader_bench, serve_bench

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "bench" / "work"


def machine() -> dict:
    """What the figures were measured on."""
    from importlib.metadata import version

    return {
        "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "nproc": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "datasette": version("datasette"),
        "sqlite_utils": version("sqlite-utils"),
    }


def write(name: str, payload: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(build_bench.SIZES), help="copies of the seeds to build"
    )
    parser.add_argument(
        "--requests-per-page", type=int, default=20, help="requests per page and concurrency (seed database)"
    )
    parser.add_argument("--requests-per-page-largest", type=int, default=6, help="the same for the largest database")
    parser.add_argument("--floor-requests", type=int, default=150, help="floor requests per concurrency")
    parser.add_argument("--skip-build", action="store_true", help="serve the databases of the last run")
    parser.add_argument("--reader-only", action="store_true", help="run only the reader's benchmark (the corpus)")
    arguments = parser.parse_args(argv)
    started = time.perf_counter()
    facts = machine()
    print(
        f"havana-1962 benchmarks, {facts['date_utc']}: {facts['nproc']} cores, Python {facts['python']}, SQLite "
        f"{facts['sqlite']}, Datasette {facts['datasette']}"
    )

    if arguments.reader_only:
        print("\n== reader: the shared corpus of real records, and agreement with the hand-read records ==")
        reader = reader_bench.run(WORK)
        reader["linear_reading"] = json.loads((RESULTS / "reader.json").read_text(encoding="utf-8"))["linear_reading"]
        if "skipped" not in reader:
            reader["machine"] = facts
            write("reader", reader)
        return 0

    sizes = tuple(sorted(arguments.sizes))
    if arguments.skip_build:
        build = json.loads((RESULTS / "build.json").read_text(encoding="utf-8"))
    else:
        print("\n== build: real pipeline per size (child process), floor = sqlite3 executemany of the same rows ==")
        build = build_bench.run(ROOT / "seeds", WORK, sizes)
        build["machine"] = facts
        write("build", build)
    built = [row for row in build["sizes"] if row["status"] == "ok"]

    print("\n== reader: the shared corpus of real records, and agreement with the hand-read records ==")
    reader = reader_bench.run(WORK)
    reader["linear_reading"] = reader_bench.linear_reading(WORK)
    print(reader_bench.format_linear_reading(reader["linear_reading"]))
    if "skipped" not in reader:  # without the corpus, the committed results stay as they were
        reader["machine"] = facts
        write("reader", reader)

    print("\n== serve: the site as `make serve` runs it, on 127.0.0.1 ==")
    serve_work = WORK / "serve"
    serve_work.mkdir(parents=True, exist_ok=True)
    seeds_db = WORK / f"x{min(sizes)}" / "havana-1962.db"
    serve = {
        "machine": facts,
        "concurrency": list(serve_bench.CONCURRENCY),
        "floor_path": serve_bench.FLOOR_PATH,
        "databases": [],
    }
    serve["databases"].append(
        serve_bench.bench_seeds(seeds_db, serve_work, arguments.requests_per_page, arguments.floor_requests)
    )
    largest = max(built, key=lambda row: row["copies"])
    if largest["copies"] != min(sizes):
        print(f"\n== serve: the x{largest['copies']} database ==")
        serve["databases"].append(
            serve_bench.bench_largest(
                f"x{largest['copies']}",
                ROOT / largest["db_path"],
                serve_work,
                arguments.requests_per_page_largest,
                arguments.floor_requests,
            )
        )
    serve["targets"] = [target for result in serve["databases"] for target in result["targets"]]
    write("serve", serve)

    print("\n== build ==")
    print(build_bench.format_table(build))
    summary = build["summary"]
    print("\n== build targets ==")
    for line in build_bench.format_targets(summary):
        print(line)
    print("\n== serve ==")
    print(serve_bench.format_table(serve["databases"]))
    print("\n== serving targets ==")
    print(serve_bench.format_targets(serve["targets"]))
    for result in serve["databases"]:
        limits = result["time_limits"]
        for name in ("table page with facets", "FTS search with facets"):
            check = limits[name]
            print(
                f"{result['database']}: {name}: {check['status']} in {check['seconds']} s, facets timed out: "
                f"{check['facets_timed_out'] or 'none'} (facet limit {limits['facet_time_limit_ms']} ms, SQL limit "
                f"{limits['sql_time_limit_ms']} ms)"
            )
        export = result["full_csv_export"]
        print(
            f"{result['database']}: full CSV export of utterances: {export['mb']} MB in {export['seconds']} s "
            f"({export['mb_per_s']} MB/s)"
        )
    print("\n== reader ==")
    print(reader["skipped"] if "skipped" in reader else reader_bench.format_result(reader))
    print(
        "\nresults: bench/results/build.json, bench/results/reader.json, bench/results/serve.json; total "
        f"{time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
