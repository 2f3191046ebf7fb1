"""Build benchmark: how the real build grows from the three seeds to a thousand copies of them.

Each size is built by the real pipeline (``etl.build.build_database``) in a child process, so that its peak
memory (``ru_maxrss``) is its own and the clock starts after the imports ("after set-up"). The floor is
measured in the same run: the very rows the build wrote, inserted with the standard library's ``sqlite3``
``executemany`` into the same tables in one transaction, with no parsing, no checks and no full-text index.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench.corpus import extend_curated, seed_dates, write_corpus

SIZES = (1, 10, 100, 1000)
# Small builds are short enough for the machine's noise to matter: they are timed several times, best kept.
REPEATS_UP_TO_10 = 3
FLOOR_REPEATS = 3
# The ×1000 build gets at most this long; past it the run is reported as timed out, never estimated.
LARGEST_BUILD_TIMEOUT_S = 420


def _child(seeds_dir: Path, out_path: Path, sources_path: Path | None) -> None:
    """Run one build in this (child) process and print its wall time and peak memory as JSON.

    The copies of a synthetic corpus get the curated entries of the seed they copy (``extend_curated``),
    by wrapping the build's reader of ``etl/curated``; the parser itself is untouched.
    """
    import etl.build
    from etl.build import build_database

    if sources_path is not None:
        sources = json.loads(sources_path.read_text(encoding="utf-8"))
        read_curated = etl.build.load_curated
        etl.build.load_curated = lambda name, *folder: extend_curated(read_curated(name, *folder), sources)

    workers = int(os.environ.get("BENCH_WORKERS", "0")) or None  # None: one process per core
    baseline_kb = _peak_rss_kb()
    start = time.perf_counter()
    report = build_database(seeds_dir, out_path, strict=False, log=lambda line: None, workers=workers)
    seconds = time.perf_counter() - start
    peak_kb = _peak_rss_kb()
    workers_peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest worker process
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_rss_kb": peak_kb,
                "worker_peak_rss_kb": workers_peak_kb,
                "baseline_rss_kb": baseline_kb,
                "warnings": len(report.warnings),
                "workers": workers or os.cpu_count(),
            }
        )
    )


def _peak_rss_kb() -> int:
    """This process's peak resident memory since it started (VmHWM). ``ru_maxrss`` would not do: it keeps
    the high-water mark of the process that forked this one (the benchmark, holding the floor's rows)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_build(
    seeds_dir: Path, out_path: Path, timeout: float, sources: dict[str, str] | None = None, workers: int | None = None
) -> dict:
    """Build ``seeds_dir`` into ``out_path`` in a child process (with ``workers`` reading processes, one per
    core by default); its seconds and memory, or a timeout."""
    if out_path.exists():
        out_path.unlink()
    command = [sys.executable, "-m", "bench.build_bench", "child", str(seeds_dir), str(out_path)]
    if sources is not None:
        sources_path = out_path.with_name("copy_sources.json")
        sources_path.write_text(json.dumps(sources), encoding="utf-8")
        command.append(str(sources_path))
    started = time.perf_counter()
    try:
        environment = {**os.environ, "BENCH_WORKERS": str(workers or 0)}
        finished = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False, env=environment
        )
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "timeout_seconds": timeout}
    if finished.returncode != 0:
        return {"status": "failed", "error": finished.stderr.strip().splitlines()[-1:]}
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    result["status"] = "ok"
    result["process_seconds"] = time.perf_counter() - started
    return result


def table_rows(db_path: Path) -> dict[str, tuple[str, list[tuple]]]:
    """Every schema table's CREATE statement and rows, read back from a built database."""
    from etl.schema import TABLES

    with sqlite3.connect(db_path) as conn:
        creates = dict(conn.execute("select name, sql from sqlite_master where type = 'table'").fetchall())
        return {
            table.name: (creates[table.name], conn.execute(f"select * from [{table.name}]").fetchall())
            for table in TABLES
        }


def floor_seconds(db_path: Path, scratch: Path) -> tuple[float, int]:
    """Seconds to insert the same rows with plain ``executemany`` in one transaction, and the row count."""
    tables = table_rows(db_path)
    if scratch.exists():
        scratch.unlink()
    conn = sqlite3.connect(scratch)
    try:
        start = time.perf_counter()
        with conn:
            for create, _rows in tables.values():
                conn.execute(create)
            for name, (_, rows) in tables.items():
                if rows:
                    marks = ", ".join("?" * len(rows[0]))
                    conn.executemany(f"insert into [{name}] values ({marks})", rows)
        seconds = time.perf_counter() - start
    finally:
        conn.close()
        scratch.unlink()
    return seconds, sum(len(rows) for _, rows in tables.values())


def run(seeds_dir: Path, work: Path, sizes: tuple[int, ...] = SIZES, log=print) -> dict:
    """Build every size, measure the floor beside each, and return the results (databases stay in ``work``)."""
    work.mkdir(parents=True, exist_ok=True)
    reference = work / "seeds-x1.db"
    first = run_build(seeds_dir, reference, timeout=120)
    if first["status"] != "ok":
        raise RuntimeError(f"the seeds do not build: {first}")
    dates = seed_dates(reference)
    results = []
    for copies in sizes:
        corpus = write_corpus(seeds_dir, work / f"x{copies}" / "seeds", copies, dates)
        out = work / f"x{copies}" / "havana-1962.db"
        megabytes = corpus.bytes / 1e6
        timeout = LARGEST_BUILD_TIMEOUT_S if copies == max(sizes) else 300
        runs = [run_build(corpus.folder, out, timeout=timeout, sources=corpus.sources)]
        while copies <= 10 and len(runs) < REPEATS_UP_TO_10 and runs[-1]["status"] == "ok":
            runs.append(run_build(corpus.folder, out, timeout=timeout, sources=corpus.sources))
        build = min(runs, key=lambda run: run.get("seconds", float("inf")))
        row = {"copies": copies, "records": corpus.records, "input_mb": round(megabytes, 3), **build}
        if build["status"] == "ok":
            row["runs_seconds"] = [round(run["seconds"], 3) for run in runs]
            floors = [floor_seconds(out, work / f"x{copies}" / "floor.db") for _ in range(FLOOR_REPEATS)]
            floor, count = min(floors)
            with sqlite3.connect(out) as conn:
                documents, unaccounted = conn.execute(
                    "select count(*), sum(unaccounted_chars) from documents"
                ).fetchone()
            row.update(
                documents=documents,
                unaccounted_chars=unaccounted,
                rows=count,
                db_mb=round(out.stat().st_size / 1e6, 3),
                mb_per_s=round(megabytes / build["seconds"], 3),
                seconds_per_mb=round(build["seconds"] / megabytes, 4),
                peak_rss_mb=round(build["peak_rss_kb"] / 1024, 1),
                build_rss_mb=round((build["peak_rss_kb"] - build["baseline_rss_kb"]) / 1024, 1),
                floor_seconds=round(floor, 4),
                build_over_floor=round(build["seconds"] / floor, 1),
                db_path=_relative(out),
            )
            row["worker_peak_rss_mb"] = round(build["worker_peak_rss_kb"] / 1024, 1)
            if copies == max(sizes) and copies > 1:
                serial = run_build(
                    corpus.folder, work / f"x{copies}" / "serial.db", timeout=timeout, sources=corpus.sources, workers=1
                )
                if serial["status"] == "ok":
                    row["serial_seconds"] = round(serial["seconds"], 3)
                    row["parallel_speedup"] = round(serial["seconds"] / build["seconds"], 2)
                    row["serial_equals_parallel_bytes"] = (
                        work / f"x{copies}" / "serial.db"
                    ).read_bytes() == out.read_bytes()
        results.append(row)
        log(_line(row))
    by_copies = {row["copies"]: row for row in results if row["status"] == "ok"}
    summary = {
        "seed_build_seconds": by_copies.get(1, {}).get("seconds"),
        "target_seed_build_under_s": 1.0,
    }
    if 10 in by_copies and 1000 in by_copies:
        summary["cost_per_mb_x1000_over_x10"] = round(
            by_copies[1000]["seconds_per_mb"] / by_copies[10]["seconds_per_mb"], 2
        )
        summary["target_cost_ratio_within"] = 1.5
    largest = by_copies.get(max(sizes))
    if largest:
        summary["largest_build_over_floor"] = largest["build_over_floor"]
        summary["target_largest_build_over_floor_at_most"] = 10
        summary["largest_peak_rss_mb"] = largest["peak_rss_mb"]
        summary["target_largest_peak_rss_mb_at_most"] = 200
        summary["largest_parallel_speedup"] = largest.get("parallel_speedup")
        summary["largest_serial_equals_parallel_bytes"] = largest.get("serial_equals_parallel_bytes")
        if 100 in by_copies and max(sizes) != 100:
            summary["largest_peak_over_x100"] = round(largest["peak_rss_mb"] / by_copies[100]["peak_rss_mb"], 2)
            summary["target_largest_peak_over_x100_at_most"] = 1.25
    return {"sizes": results, "summary": summary}


def _relative(path: Path) -> str:
    """A path as the results record it: relative to the repository when it is inside it."""
    root = Path(__file__).resolve().parent.parent
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return path.name


def _line(row: dict) -> str:
    if row["status"] != "ok":
        return f"x{row['copies']:<5} {row['records']:>5} records {row['input_mb']:>8.2f} MB  {row['status']}"
    return (
        f"x{row['copies']:<5} {row['records']:>5} records {row['input_mb']:>8.2f} MB  "
        f"{row['seconds']:>8.2f} s  {row['mb_per_s']:>6.2f} MB/s  peak {row['peak_rss_mb']:>7.1f} MB  "
        f"floor {row['floor_seconds']:>7.3f} s  (build/floor {row['build_over_floor']}x)  "
        f"{row['documents']} documents, {row['warnings']} warnings, {row['unaccounted_chars']} unaccounted characters"
    )


def format_targets(summary: dict) -> list[str]:
    """Each build target with its figure, its ratio and whether it is met."""

    def verdict(ok: bool | None) -> str:
        return "not measured" if ok is None else ("met" if ok else "NOT met")

    lines = []
    seed = summary.get("seed_build_seconds")
    lines.append(
        f"seed build: {seed:.3f} s (target < {summary['target_seed_build_under_s']} s): "
        f"{verdict(seed is not None and seed < summary['target_seed_build_under_s'])}"
        if seed is not None
        else "seed build: not measured"
    )
    ratio = summary.get("cost_per_mb_x1000_over_x10")
    lines.append(
        f"cost per MB, largest / x10: {ratio} (target <= {summary.get('target_cost_ratio_within')}): "
        f"{verdict(None if ratio is None else ratio <= summary['target_cost_ratio_within'])}"
    )
    over = summary.get("largest_build_over_floor")
    lines.append(
        f"largest build / executemany floor: {over}x (target <= "
        f"{summary.get('target_largest_build_over_floor_at_most')}x): "
        f"{verdict(None if over is None else over <= summary['target_largest_build_over_floor_at_most'])}"
    )
    peak = summary.get("largest_peak_rss_mb")
    lines.append(
        f"largest build peak memory: {peak} MB (target <= {summary.get('target_largest_peak_rss_mb_at_most')} MB): "
        f"{verdict(None if peak is None else peak <= summary['target_largest_peak_rss_mb_at_most'])}"
    )
    growth = summary.get("largest_peak_over_x100")
    lines.append(
        f"largest peak / x100 peak: {growth} (target <= {summary.get('target_largest_peak_over_x100_at_most')}): "
        f"{verdict(None if growth is None else growth <= summary['target_largest_peak_over_x100_at_most'])}"
    )
    lines.append(
        f"parallel over serial (largest): {summary.get('largest_parallel_speedup')}x faster; same bytes: "
        f"{summary.get('largest_serial_equals_parallel_bytes')}"
    )
    return lines


def format_table(result: dict) -> str:
    """The build results as a Markdown table."""
    lines = [
        "| size | records | input MB | build s | MB/s | s per MB | peak RSS MB | rows | floor s (executemany) "
        "| build / floor |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in result["sizes"]:
        if row["status"] != "ok":
            lines.append(f"| x{row['copies']} | {row['records']} | {row['input_mb']} | {row['status']} | | | | | | |")
            continue
        lines.append(
            f"| x{row['copies']} | {row['records']} | {row['input_mb']:.2f} | {row['seconds']:.2f} | "
            f"{row['mb_per_s']:.2f} | {row['seconds_per_mb']:.3f} | {row['peak_rss_mb']:.0f} | {row['rows']} | "
            f"{row['floor_seconds']:.3f} | {row['build_over_floor']} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        _child(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]) if len(sys.argv) > 4 else None)
    else:
        root = Path(__file__).resolve().parent.parent
        print(
            json.dumps(
                run(root / "seeds", root / "bench" / "work", sizes=tuple(int(size) for size in sys.argv[1:]) or SIZES),
                indent=2,
            )
        )
