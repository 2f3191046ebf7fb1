"""Load from wrk (Debian's package, written in C) where the load generator must not be the bottleneck.

The benchmark's own client (httpx, asyncio) costs about as much CPU per request as a cached page costs
nginx, and on the 2-core machine it shares the cores with the servers: at concurrency 8 it saturates before
two Datasette workers do. wrk sends the same requests for a fraction of the CPU. Each run is bounded in
time (``-d``, whole seconds; wrk 4.1 has no bound in count that ends a run early); the script cycles
through the given paths and prints the latency percentiles as one JSON line.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

SCRIPT = """\
local paths = {@PATHS@}
local counter = 0
request = function()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
    .. '"non_2xx_3xx": %d, "socket_errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def wrk_executable() -> str:
    """Debian's wrk (``make tools`` installs it)."""
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed: run `make tools` (apt-get install wrk)")
    return found


def run_wrk(base_url: str, paths: list[str], concurrency: int, seconds: int, work: Path, threads: int = 1) -> dict:
    """``paths`` in turn at ``concurrency`` connections for ``seconds``: requests, throughput, p50/p95/p99 in
    ms, answers with a status of 400 or more, socket errors."""
    work.mkdir(parents=True, exist_ok=True)
    script = work / "mix.lua"
    quoted = ", ".join(json.dumps(path) for path in paths)  # a JSON string is a Lua string for these paths
    script.write_text(SCRIPT.replace("@PATHS@", quoted), encoding="utf-8")
    completed = subprocess.run(
        [
            wrk_executable(),
            "-t",
            str(threads),
            "-c",
            str(concurrency),
            "-d",
            f"{seconds}s",
            "--timeout",
            "60s",
            "-s",
            str(script),
            base_url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 90,
        check=True,
    )
    line = next(line for line in completed.stdout.splitlines() if line.startswith("WRK "))
    figures = json.loads(line.removeprefix("WRK "))
    return {
        "requests": figures["requests"],
        "throughput_rps": round(figures["requests"] / (figures["duration_us"] / 1e6), 1),
        "p50_ms": round(figures["p50_us"] / 1000, 1),
        "p95_ms": round(figures["p95_us"] / 1000, 1),
        "p99_ms": round(figures["p99_us"] / 1000, 1),
        "status_400_or_more": figures["non_2xx_3xx"],
        "socket_errors": figures["socket_errors"],
    }
