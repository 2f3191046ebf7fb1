"""Lighthouse (pinned in package.json, ``make tools``) on each kind of page of the site as ``make serve`` serves it,
and on the same pages of plain Datasette with datasette-vega serving the same database (the peer): the four
category scores, first contentful paint and bytes, in Lighthouse's default mobile emulation with simulated
throttling, in Debian's Chromium. Writes ``bench/results/lighthouse.json`` and the table of bench/README.md.

``python -m bench.lighthouse [--db build/havana-1962.db]`` runs it alone; ``make bench`` runs it after the others.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path
from typing import Any

from servers import running_server

from etl.publish.serve import DATABASE_VARIABLE, INSPECT_FILE_VARIABLE, worker_count
from etl.publish.serve import write_inspect_file as inspect

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LIFETIME_SECONDS = 1800
# The site's pages; the peer has those it can show (a ready-made query becomes its SQL there).
WORDS_SQL = "select speaker_name, document_id, sum(words) as words from turns group by 1, 2 order by words desc"
SITE_PAGES = {
    "home": "/",
    "record": "/record/1962-11-05-memorandum",
    "person": "/person/guevara",
    "people": "/people",
    "method": "/method",
    "search results": "/search?q=inspection",
    "table with facets": "/havana-1962/turns?_facet=speaker_name&_facet=document_id",
    "row": "/havana-1962/utterances/1962-11-05-memorandum-u057",
    "ready-made query": "/havana-1962/words_per_participant",
    "SQL page": "/havana-1962?sql="
    + urllib.parse.quote_plus("select speaker_name, count(*) as turns from turns group by speaker_name"),
    "error page": "/havana-1962/no_such_table",
}
PEER_PAGES = {
    "home": "/",
    "table with facets": "/havana-1962/turns?_facet=speaker_name&_facet=document_id",
    "row": "/havana-1962/utterances/1962-11-05-memorandum-u057",
    "ready-made query": "/havana-1962?sql=" + urllib.parse.quote_plus(WORDS_SQL),
    "SQL page": SITE_PAGES["SQL page"],
    "error page": "/havana-1962/no_such_table",
}


def create_peer_app() -> Any:
    """Plain Datasette with datasette-vega and nothing else of the site (bench/plain_datasette.py, plus the charts)."""
    from datasette.app import Datasette
    from datasette.plugins import DEFAULT_PLUGINS, pm

    from etl.publish.serve import datasette_settings

    for name, plugin in list(pm.list_name_plugin()):
        if name not in DEFAULT_PLUGINS and getattr(plugin, "__name__", "") != "datasette_vega":
            pm.unregister(plugin)
    inspect_file = Path(os.environ[INSPECT_FILE_VARIABLE])
    return Datasette(
        immutables=[os.environ[DATABASE_VARIABLE]],
        inspect_data=json.loads(inspect_file.read_text(encoding="utf-8")),
        settings=datasette_settings(),
    ).app()


def peer_command(db_path: Path, inspect_file: Path):
    def command(port: int) -> tuple[list[str], dict[str, str]]:
        arguments = [sys.executable, "-m", "uvicorn", "--factory", "bench.lighthouse:create_peer_app"]
        arguments += ["--workers", "1", "--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
        return arguments, {
            DATABASE_VARIABLE: str(db_path.resolve()),
            INSPECT_FILE_VARIABLE: str(inspect_file.resolve()),
        }

    return command


def lighthouse(url: str, out: Path) -> dict[str, Any]:
    """One Lighthouse run: the four scores (0-100), first contentful paint (s) and bytes transferred."""
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"Lighthouse is not installed ({LIGHTHOUSE.relative_to(ROOT)}): run `make tools`")
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            f"--output-path={out}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox",
            "--quiet",
            "--ignore-status-code",  # the error page is measured as a reader meets it
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        timeout=180,
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    return {
        **{name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES},
        "first_contentful_paint_s": round(audits["first-contentful-paint"]["numericValue"] / 1000, 2),
        "bytes": int(audits["total-byte-weight"]["numericValue"]),
        "failing_audits": sorted(
            key
            for key, audit in audits.items()
            if audit.get("score") is not None and audit.get("score") < 0.9 and audit.get("scoreDisplayMode") == "binary"
        ),
    }


def run_pages(base_url: str, pages: dict[str, str], work: Path, label: str) -> dict[str, dict]:
    results = {}
    for name, path in pages.items():
        result = lighthouse(base_url + path, work / f"{label}-{name.replace(' ', '-')}.json")
        result["path"] = path
        results[name] = result
        print(
            f"{label:5} {name:18} perf {result['performance']:3} a11y {result['accessibility']:3} "
            f"bp {result['best-practices']:3} seo {result['seo']:3} FCP {result['first_contentful_paint_s']} s "
            f"{result['bytes'] / 1024:,.0f} KiB",
            flush=True,
        )
    return results


def run(db_path: Path, work: Path) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    inspect_file = inspect(db_path, work / "inspect.json")
    with running_server(db_path, inspect_file, work / "site.log", LIFETIME_SECONDS, workers=worker_count()) as url:
        site = run_pages(url, SITE_PAGES, work, "site")
    command = peer_command(db_path, inspect_file)
    with running_server(db_path, inspect_file, work / "peer.log", LIFETIME_SECONDS, command=command) as url:
        peer = run_pages(url, PEER_PAGES, work, "peer")
    return {
        "lighthouse": "12.2.3",
        "emulation": "mobile, simulated throttling (Lighthouse default)",
        "site": site,
        "peer": peer,
    }


def format_table(result: dict[str, Any]) -> str:
    lines = [
        "| page | server | performance | accessibility | best practices | SEO | first contentful paint | bytes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in SITE_PAGES:
        for label, results in (("site", result["site"]), ("plain Datasette + datasette-vega", result["peer"])):
            row = results.get(name)
            if row is None:
                continue
            lines.append(
                f"| {name} | {label} | {row['performance']} | {row['accessibility']} | {row['best-practices']} | "
                f"{row['seo']} | {row['first_contentful_paint_s']} s | {row['bytes'] / 1024:,.0f} KiB |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.lighthouse", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "build" / "havana-1962.db")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as work:
        result = run(arguments.db, Path(work))
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "lighthouse.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(format_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
