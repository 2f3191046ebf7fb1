"""The static edition: every page a reader or a citation reaches without SQL, written as files.

``make site`` (``python -m etl site``) writes ``build/site/``, a folder any static host serves (GitHub Pages,
an object store, a plain web server) under any base path, with no server of ours running:

- the home page, each record's page (and its text as printed), each person's page and the index of people,
  the editorial method, the about and version pages, every row page a citation names (records, turns,
  notes, articles, people) and every citation file (BibTeX, RIS, CSL-JSON, text);
- each table as CSV and JSON, the data package with its CSVs, ``CITATION.cff``, ``CHANGELOG.md``, the
  database file and the release zip (which holds this same site under ``site/``);
- a search page and its index (Pagefind), built from the pages themselves.

The pages are rendered by the live site's own app, plugins and templates, asked through Datasette's
documented test client (``datasette.client``) as the published host: one source of each page. Then every
link is rewritten: to a page of the edition, relative to the page (so the folder works under any base
path); to anything that needs SQL (tables with facets, ready-made queries, the SQL page), the live
Datasette (``live_site`` in ``etl/curated/dataset.yml``). Nothing in the output depends on the day it was
built (a citation here carries no date of access: the reader adds theirs), so the same commit gives the
same bytes.
"""

from __future__ import annotations

import asyncio
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import lxml.html
import sqlite_utils

from etl.errors import BuildError
from etl.publish.citation import path_under_database
from etl.publish.facts import load_dataset_facts
from etl.publish.package import package_tables
from etl.publish.release import release_files, release_name, render_zip
from etl.publish.site import DATABASE_NAME

# The tables whose rows a citation names, each with its key column (etl/site/cite.py cites them).
CITED_ROWS = {
    "documents": "document_id",
    "utterances": "utterance_id",
    "editorial_notes": "note_id",
    "protocol_articles": "article_id",
    "participants": "participant_id",
}
CITATION_EXTENSIONS = ("txt", "bib", "ris", "json")
# The pages of the edition that are not rows.
EDITION_PAGES = ("/", "/people", "/method", "/about", "/version")
# The static search page (Pagefind's), standing where the live site's /search is.
SEARCH_PATH = "/search"
PAGEFIND_FOLDER = "pagefind"
# The repository's files published beside the pages.
PUBLISHED_DOCUMENTS = ("CHANGELOG.md",)


@dataclass(frozen=True)
class Rule:
    """Where an address of the live site is written in the edition: a file, or a folder's index.html."""

    name: str
    pattern: re.Pattern[str]
    file: Callable[[re.Match[str]], str]
    rendered: bool = True  # asked of the site; else made by the edition's builder (downloads, search index)


def _folder(match: re.Match[str]) -> str:
    return match.group(0).strip("/") + "/index.html" if match.group(0) != "/" else "index.html"


def _same(match: re.Match[str]) -> str:
    return match.group(0).lstrip("/")


DB = re.escape(DATABASE_NAME)
# Datasette's and the plugins' stylesheets and scripts, and the edition's stylesheet.
ASSET = re.compile(r"^/(?:-/static/|-/static-plugins/)[^?]+$|^/edition\.css$")
TABLE_NAMES = "|".join(re.escape(table) for table in CITED_ROWS)
# Each address the edition holds, by the path of its file; anything else is the live site's.
RULES = (
    Rule("home and edition pages", re.compile(r"^/(?:people|method|about|version|search)?$"), _folder),
    Rule("a record's page", re.compile(r"^/record/[^/.]+$"), _folder),
    Rule("a record as printed", re.compile(r"^/record/[^/]+\.txt$"), _same),
    Rule("a person's page", re.compile(r"^/person/[^/.]+$"), _folder),
    Rule("a cited row's page", re.compile(rf"^/{DB}/(?:{TABLE_NAMES})/[^/.]+$"), _folder),
    Rule("a table as CSV or JSON", re.compile(rf"^/{DB}/[a-z_]+\.(?:csv|json)$"), _same, rendered=False),
    Rule("the database", re.compile(rf"^/{DB}\.db$"), _same, rendered=False),
    Rule("a citation file", re.compile(r"^/-/cite/(?:dataset|[a-z_]+/[^/]+)\.(?:txt|bib|ris|json)$"), _same),
    Rule("a stylesheet or script", ASSET, _same),
    Rule("the search index", re.compile(r"^/pagefind/[^?]+$"), _same, rendered=False),
    Rule(
        "a published file",
        re.compile(r"^/(?:datapackage\.json|CITATION\.cff|CHANGELOG\.md|data/[a-z_]+\.csv|[a-z0-9.-]+\.zip)$"),
        _same,
        rendered=False,
    ),
)


def rule_for(path: str) -> Rule | None:
    return next((rule for rule in RULES if rule.pattern.match(path)), None)


def static_file(path: str) -> str | None:
    """The file of the edition that holds an address (a path without query), or None if only the live site has it.

    >>> static_file("/record/1962-11-05-memorandum"), static_file("/havana-1962/utterances/1962-11-05-memorandum-u057")
    ('record/1962-11-05-memorandum/index.html', 'havana-1962/utterances/1962-11-05-memorandum-u057/index.html')
    >>> static_file("/havana-1962/turns") is None, static_file("/") , static_file("/-/cite/dataset.bib")
    (True, 'index.html', '-/cite/dataset.bib')
    """
    rule = rule_for(path)
    match = rule.pattern.match(path) if rule else None  # (a rule is found where its pattern matches)
    return rule.file(match) if rule and match else None


def is_asset(path: str) -> bool:
    """Whether an address is a stylesheet or a script, whose query string only breaks caches."""
    return bool(ASSET.match(path))


def link_target(file: str) -> str:
    """What a link to a file of the edition points at: a folder for a page, the file for anything else."""
    return file.removesuffix("index.html")


def relative_link(from_file: str, to_file: str, fragment: str = "") -> str:
    """A link from one file of the edition to another, relative, so that the folder works under any base path.

    >>> relative_link("havana-1962/utterances/u057/index.html", "record/1962-11-05-memorandum/index.html", "u057")
    '../../../record/1962-11-05-memorandum/#u057'
    >>> relative_link("index.html", "index.html")
    './'
    """
    target = link_target(to_file)
    relative = posixpath.relpath(target or ".", posixpath.dirname(from_file) or ".")
    if target.endswith("/") or not target:
        relative = "./" if relative == "." else relative + "/"
    return relative + (f"#{fragment}" if fragment else "")


@dataclass(frozen=True)
class Addresses:
    """How the edition turns the live site's addresses into its own: the database's route in this release
    (datasette-hashed-urls serves it as ``/havana-1962-<hash>``), the published address and the live site's."""

    route: str
    homepage: str
    live_site: str

    def internal_path(self, link: str) -> tuple[str, str, str] | None:
        """The path (under the database's own name, without a closing slash), query and fragment of a link to
        this site, the published one included; None for a link elsewhere or one relative to the page."""
        parts = urlsplit(link)
        if parts.scheme or parts.netloc:
            if parts.netloc != urlsplit(self.homepage).netloc:
                return None  # another site (the archive, a licence)
        elif not parts.path.startswith("/"):
            return None  # a fragment, a link relative to the page, mailto:
        path = path_under_database(parts.path or "/", self.route, DATABASE_NAME)
        return (path.rstrip("/") or "/"), parts.query, parts.fragment

    def rewrite(self, link: str, from_file: str) -> tuple[str, str | None]:
        """A link of a page as the edition gives it (relative where the edition has the page, else to the live
        site), and the address the edition must ask the site for to hold it (None if it needs none)."""
        internal = self.internal_path(link)
        if internal is None:
            return link, None
        path, query, fragment = internal
        rule = rule_for(path)
        match = rule.pattern.match(path) if rule else None  # (a rule is found where its pattern matches)
        if rule is not None and match is not None and (not query or path == SEARCH_PATH or is_asset(path)):
            kept_query = f"?{query}" if query and path == SEARCH_PATH else ""  # the search page reads its query
            return relative_link(from_file, rule.file(match), fragment) + kept_query, path if rule.rendered else None
        return self.live_site.rstrip("/") + path + (f"?{query}" if query else "") + (
            f"#{fragment}" if fragment else ""
        ), None


def rewrite_page(html: str, file: str, addresses: Addresses) -> tuple[str, list[str]]:
    """A page with every link rewritten for the edition, and the addresses of the edition's files it links to."""
    document = lxml.html.document_fromstring(html)
    linked: list[str] = []

    def rewrite(link: str) -> str:
        rewritten, to_render = addresses.rewrite(link, file)
        if to_render is not None:
            linked.append(to_render)
        return rewritten

    document.rewrite_links(rewrite, resolve_base_href=False)
    # A file says its own encoding: a static host may serve it without one (Datasette sends it in a header).
    if not document.xpath("//head/meta[@charset]"):
        document.head.insert(0, lxml.html.Element("meta", charset="utf-8"))
    doctype = document.getroottree().docinfo.doctype or "<!DOCTYPE html>"
    return lxml.html.tostring(document, doctype=doctype, encoding="unicode") + "\n", linked


def seed_addresses(db_path: Path) -> list[str]:
    """The addresses the edition starts from: its pages, every cited row and its citation files. Stylesheets and
    scripts are found in the pages; the tables' CSV and JSON are asked for by ``render_pages``."""
    db = sqlite_utils.Database(db_path)
    addresses = list(EDITION_PAGES)
    for (document_id,) in db.execute("select document_id from documents order by document_id"):
        addresses += [f"/record/{document_id}", f"/record/{document_id}.txt"]
    for (participant_id,) in db.execute("select participant_id from participants order by participant_id"):
        addresses.append(f"/person/{participant_id}")
    for table, key in CITED_ROWS.items():
        for (row_id,) in db.execute(f"select [{key}] from [{table}] order by [{key}]"):
            addresses.append(f"/{DATABASE_NAME}/{table}/{row_id}")
            addresses += [f"/-/cite/{table}/{row_id}.{extension}" for extension in CITATION_EXTENSIONS]
    addresses += [f"/-/cite/dataset.{extension}" for extension in CITATION_EXTENSIONS]
    return addresses


async def _get(datasette: Any, path: str, host: str) -> Any:
    response = await datasette.client.get(path, headers={"host": host})
    if response.status_code != 200:
        raise BuildError(f"{path}: the site answered {response.status_code} where the edition needs the page")
    return response


async def table_as_json(datasette: Any, table: str, host: str) -> bytes:
    """Every row of a table as a JSON array, page after page of Datasette's JSON API."""
    rows: list[dict[str, Any]] = []
    query = {"_shape": "objects", "_size": "max"}
    while True:
        data = (await _get(datasette, f"/{DATABASE_NAME}/{table}.json?{urlencode(query)}", host)).json()
        rows += data["rows"]
        if not data.get("next"):
            return (json.dumps(rows, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        query["_next"] = data["next"]


async def render_pages(db_path: Path, log: Callable[[str], None] = print) -> dict[str, bytes]:
    """Every file of the edition but the search index and the release zip, by its path in the folder."""
    from etl.publish.serve import datasette_app

    facts = load_dataset_facts()
    datasette = datasette_app(db_path, static_edition=True)
    await datasette.invoke_startup()
    host = urlsplit(facts["homepage"]).netloc
    route = getattr(datasette.get_database(DATABASE_NAME), "route", None) or DATABASE_NAME
    addresses = Addresses(route, facts["homepage"], facts["live_site"])
    files: dict[str, bytes] = {}
    queue = seed_addresses(db_path)
    seen = set(queue)
    while queue:
        path = queue.pop(0)
        file = static_file(path)
        assert file is not None, path
        response = await _get(datasette, path, host)
        if response.headers.get("content-type", "").startswith("text/html"):
            html, linked = rewrite_page(response.text, file, addresses)
            files[file] = html.encode("utf-8")
            for link in linked:
                if link not in seen and link != SEARCH_PATH:
                    seen.add(link)
                    queue.append(link)
        else:
            files[file] = response.content
    search = await datasette.render_template(
        "edition/search_static.html",
        {"pagefind": PAGEFIND_FOLDER, "live_site": facts["live_site"].rstrip("/")},
        request=None,
    )
    files["search/index.html"] = rewrite_page(search, "search/index.html", addresses)[0].encode("utf-8")
    for table in package_tables():
        files[f"{DATABASE_NAME}/{table.name}.csv"] = (
            await _get(datasette, f"/{DATABASE_NAME}/{table.name}.csv?_stream=on", host)
        ).content
        files[f"{DATABASE_NAME}/{table.name}.json"] = await table_as_json(datasette, table.name, host)
    log(f"rendered {len(files)} files of the edition")
    return files


def published_files(db_path: Path) -> dict[str, bytes]:
    """The data package, its CSVs, CITATION.cff, the database and the changelog, as the release has them."""
    release = release_files(db_path)
    kept = ("data/", "datapackage.json", "CITATION.cff", f"{DATABASE_NAME}.db", *PUBLISHED_DOCUMENTS)
    return {name: content for name, content in release.items() if name.startswith(kept)}


def pagefind_index(files: dict[str, bytes]) -> dict[str, bytes]:
    """Pagefind's search index of the pages (its own files under ``pagefind/``), built in a scratch folder."""
    with tempfile.TemporaryDirectory(prefix="havana-site-") as scratch:
        root = Path(scratch)
        for name, content in files.items():
            if name.endswith(".html"):
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                (root / name).write_bytes(content)
        run = subprocess.run(
            [sys.executable, "-m", "pagefind", "--site", str(root), "--output-subdir", PAGEFIND_FOLDER, "--silent"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if run.returncode != 0:
            raise BuildError(f"pagefind could not index the edition: {(run.stderr or run.stdout).strip()[-500:]}")
        return {
            str(path.relative_to(root)): path.read_bytes()
            for path in sorted((root / PAGEFIND_FOLDER).rglob("*"))
            if path.is_file()
        }


def render_site(db_path: Path, log: Callable[[str], None] = print) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The edition's files, and the files of the release zip (the release with the edition under ``site/``)."""
    pages = asyncio.run(render_pages(db_path, log))
    site = {**pages, **published_files(db_path)}
    site.update(pagefind_index(site))
    release = release_files(db_path, site=site)
    return site, release


def write_site(db_path: Path, out_dir: Path, log: Callable[[str], None] = print) -> Path:
    """Write the edition into ``out_dir`` (replaced whole and at once: a folder beside it is renamed into place)."""
    facts = load_dataset_facts()
    site, release = render_site(Path(db_path), log)
    site[f"{release_name(facts)}.zip"] = render_zip(release, folder=release_name(facts))
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".partial", dir=out_dir.parent))
    try:
        for name, content in sorted(site.items()):
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        os.chmod(staging, 0o755)
        previous = out_dir.with_name(f".{out_dir.name}.previous")
        if out_dir.exists():
            shutil.rmtree(previous, ignore_errors=True)
            out_dir.rename(previous)
        staging.rename(out_dir)
        shutil.rmtree(previous, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log(f"wrote {len(site)} files to {out_dir}")
    return out_dir
