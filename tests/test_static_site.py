"""The static edition outlives the server: `make site` writes a folder that any static host serves under any
base path, where every page a citation names answers, every internal link resolves (checked by LinkChecker),
search works in the browser with no server (Pagefind), and the same commit gives the same bytes."""

from __future__ import annotations

import hashlib
import http.server
import json
import re
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, expect

from etl.publish.facts import load_dataset_facts
from etl.publish.release import release_name
from etl.publish.static import static_file

# Slow (writes the whole static edition several times and checks every link): `make test-fast` leaves it out.
pytestmark = pytest.mark.slow

TURN = "1962-11-05-memorandum-u057"
RECORDS = ("1962-11-03-notes", "1962-11-04-telegram", "1962-11-05-memorandum")
# Where the test's static server puts the edition: a sub-path, as a project site of a static host has.
BASE_PATH = "/havana/"
# LinkChecker's own limit is ten requests a second to a host that does not allow more with a "LinkChecker"
# header: the test's server allows it, so a thousand links take seconds, not minutes.
LINKCHECKER_CONFIG = """[checking]
threads=4
maxrequestspersecond=200
[filtering]
checkextern=0
[AnchorCheck]
"""


@pytest.fixture(scope="module")
def site(database_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The edition as ``make site`` writes it (its command, in a process of its own)."""
    out = tmp_path_factory.mktemp("edition") / "site"
    run = subprocess.run(
        [sys.executable, "-m", "etl", "site", "--db", str(database_path), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert f"files to {out}" in run.stdout
    return out


class StaticFiles(http.server.SimpleHTTPRequestHandler):
    """A plain static file server (Python's), which tells LinkChecker it may check quickly."""

    def end_headers(self) -> None:
        self.send_header("LinkChecker", "allowed")
        super().end_headers()

    def log_message(self, *args) -> None:
        pass


@contextmanager
def static_host(site: Path, scratch: Path) -> Iterator[str]:
    """The edition served from a sub-path of 127.0.0.1 by a plain static server, stopped when the block ends."""
    root = scratch / "host"
    root.mkdir()
    (root / BASE_PATH.strip("/")).symlink_to(site, target_is_directory=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(StaticFiles, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def host(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with static_host(site, tmp_path_factory.mktemp("host")) as base:
        yield base


def fetch(url: str) -> tuple[int, str]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_the_edition_holds_every_page_a_reader_reaches_without_sql(site: Path):
    for path in (
        "index.html",
        "people/index.html",
        "method/index.html",
        "about/index.html",
        "version/index.html",
        "search/index.html",
    ):
        assert (site / path).is_file(), path
    for record in RECORDS:
        assert (site / "record" / record / "index.html").is_file() and (site / "record" / f"{record}.txt").is_file()
        assert (site / "havana-1962" / "documents" / record / "index.html").is_file()
    assert (site / "person" / "guevara" / "index.html").is_file()
    for extension in ("txt", "bib", "ris", "json"):
        assert (site / "-" / "cite" / "utterances" / f"{TURN}.{extension}").is_file()
    for download in (
        "datapackage.json",
        "CITATION.cff",
        "CHANGELOG.md",
        "havana-1962.db",
        "data/utterances.csv",
        "havana-1962/utterances.csv",
    ):
        assert (site / download).is_file(), download
    assert (site / "pagefind" / "pagefind-ui.js").is_file()


def test_each_table_as_json_holds_every_row(site: Path, db):
    for table in ("utterances", "editorial_notes", "seed_spans", "participants"):
        rows = json.loads((site / "havana-1962" / f"{table}.json").read_text(encoding="utf-8"))
        assert len(rows) == db[table].count, table
    csv_lines = (site / "havana-1962" / "utterances.csv").read_text(encoding="utf-8").count("\n")
    assert csv_lines > db["utterances"].count


def test_every_link_of_every_page_is_relative_or_leaves_the_edition(site: Path):
    facts = load_dataset_facts()
    for page in site.rglob("*.html"):
        if "pagefind" in page.parts:
            continue
        html = page.read_text(encoding="utf-8")
        for link in re.findall(r'(?:href|src|action)="([^"]*)"', html):
            assert not link.startswith("/"), (page, link)
            assert not link.startswith(facts["homepage"] + "/") or link == facts["homepage"] + "/", (page, link)
            assert "127.0.0.1" not in link and "localhost" not in link, (page, link)


def test_every_page_says_its_encoding_for_a_host_that_does_not(site: Path, host: str, browser: Browser):
    for page in site.rglob("*.html"):
        if "pagefind" not in page.parts:
            assert (
                page.read_text(encoding="utf-8").split("<head>", 1)[1].lstrip().startswith('<meta charset="utf-8">')
            ), page
    tab = browser.new_page()
    try:
        tab.goto(f"{host}havana-1962/utterances/{TURN}/")  # Python's server sends no charset for HTML
        assert "“One Day Before That" in tab.locator(".cite-text").first.inner_text()
    finally:
        tab.close()


def test_every_page_leads_to_the_version_page_from_its_footer(site: Path):
    for page in site.rglob("index.html"):
        if "pagefind" in page.parts:
            continue
        footer = page.read_text(encoding="utf-8").split("<footer", 1)[1]
        to_itself = page.parent.name == "version" and 'href="./">About this version' in footer
        assert re.search(r'href="(?:\.\./)*version/">About this version', footer) or to_itself, page


def test_the_version_page_ties_number_date_checksum_hash_changes_and_downloads_together(site: Path, db):
    facts = load_dataset_facts()
    page = (site / "version" / "index.html").read_text(encoding="utf-8")
    from etl.publish.citation import version_checksum

    seed_checksums, schema_hash = db.execute(
        "select seed_checksums, schema_hash from dataset_versions where version = ?", [facts["version"]]
    ).fetchone()
    assert f"Version {facts['version']}" in page and facts["release_date"] in page
    assert version_checksum(seed_checksums, schema_hash) in page
    assert re.search(r"<code>[0-9a-f]{7}</code>", page), "the short hash of the live site's addresses"
    assert facts["changes"][facts["version"]]["changes"][:60] in page
    for download in (
        "../havana-1962.db",
        f"../{release_name(facts)}.zip",
        "../datapackage.json",
        "../CITATION.cff",
        "../CHANGELOG.md",
    ):
        assert f'href="{download}"' in page, download


def test_the_release_zip_in_the_edition_holds_the_edition(site: Path):
    facts = load_dataset_facts()
    with zipfile.ZipFile(site / f"{release_name(facts)}.zip") as archive:
        names = set(archive.namelist())
        folder = release_name(facts)
        assert f"{folder}/site/record/1962-11-05-memorandum/index.html" in names
        assert f"{folder}/site/havana-1962/utterances/{TURN}/index.html" in names
        assert archive.read(f"{folder}/site/index.html") == (site / "index.html").read_bytes()
        sums = archive.read(f"{folder}/SHA256SUMS").decode()
        assert "  site/index.html\n" in sums and f"  {facts['name']}.db\n" in sums


def test_make_site_and_make_release_write_the_same_bytes(site: Path, database_path: Path, tmp_path: Path):
    """``make release`` builds the edition again, apart from ``make site``'s: its zip, which holds every file of
    the edition under site/, is the very zip the edition offers, byte for byte."""
    subprocess.run(
        [sys.executable, "-m", "etl", "release", "--db", str(database_path), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    name = f"{release_name(load_dataset_facts())}.zip"
    assert (tmp_path / name).read_bytes() == (site / name).read_bytes()
    folder = release_name(load_dataset_facts())
    with zipfile.ZipFile(tmp_path / name) as archive:
        released = {
            entry.removeprefix(f"{folder}/site/"): hashlib.sha256(archive.read(entry)).hexdigest()
            for entry in archive.namelist()
            if entry.startswith(f"{folder}/site/") and not entry.endswith("/")
        }
    written = tree_digest(site)
    written.pop(name)  # (the zip holds the edition without itself)
    assert released == written


def test_a_citation_in_the_edition_carries_no_date_of_access_and_no_copys_address(site: Path):
    (item,) = json.loads((site / "-" / "cite" / "utterances" / f"{TURN}.json").read_text(encoding="utf-8"))
    assert "accessed" not in item and item["issued"] == {"date-parts": [[1962, 11, 5]]}
    assert "urldate" not in (site / "-" / "cite" / "utterances" / f"{TURN}.bib").read_text(encoding="utf-8")
    page = (site / "havana-1962" / "utterances" / TURN / "index.html").read_text(encoding="utf-8")
    assert "cite-local-copy" not in page and "Queries took" not in page


def cited_urls(site: Path) -> dict[str, str]:
    """Every URL in the citations of u057, of the three records and of the person named on Guevara's page,
    each with a text the page it names must show."""
    sources = {f"utterances/{TURN}": "no inspections", "participants/guevara": "Ernesto Guevara"}
    sources.update({f"documents/{record}": record for record in RECORDS})
    person_page = (site / "person" / "guevara" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../havana-1962/participants/guevara/#cite"' in person_page  # the person page leads to its citation
    urls: dict[str, str] = {}
    for source, shown in sources.items():
        for extension in ("json", "bib", "ris", "txt"):
            text = (site / "-" / "cite" / f"{source}.{extension}").read_text(encoding="utf-8")
            for url in re.findall(r"https?://[^\s,}\"]+[^\s,}\".]", text):
                urls[url] = shown
    return urls


def test_every_url_a_citation_gives_answers_on_a_static_host_under_a_sub_path(site: Path, host: str):
    homepage = load_dataset_facts()["homepage"].rstrip("/") + "/"
    urls = cited_urls(site)
    ours = {url: shown for url, shown in urls.items() if url.startswith(homepage)}
    assert len(ours) >= 5
    assert all(url.startswith((homepage, "https://digitalarchive.wilsoncenter.org/")) for url in urls), (
        "only the edition and the archive"
    )
    for url, shown in ours.items():
        status, page = fetch(host + url[len(homepage) :])
        assert status == 200, url
        assert shown in page, (url, shown)


def test_linkchecker_finds_no_broken_link_in_the_edition_under_a_sub_path(site: Path, host: str, tmp_path: Path):
    config = tmp_path / "linkcheckerrc"
    config.write_text(LINKCHECKER_CONFIG, encoding="utf-8")
    checker = Path(sys.executable).with_name("linkchecker")
    run = subprocess.run(
        [str(checker), "-f", str(config), "--no-status", "-o", "text", host],
        capture_output=True,
        text=True,
        timeout=600,
    )
    summary = run.stdout[-2000:]
    assert run.returncode == 0, summary
    checked = int(re.search(r"(\d+) links? in \d+ URLs checked", summary)[1])
    assert checked > 700 and "0 errors found" in summary, summary


def test_a_broken_link_is_found_by_the_same_check(site: Path, tmp_path: Path):
    """The check above can fail: a page with a link to a missing record is reported."""
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><body><a href="record/1999-01-01-nothing/">gone</a></body></html>'
    )
    config = tmp_path / "linkcheckerrc"
    config.write_text(LINKCHECKER_CONFIG, encoding="utf-8")
    with static_host(broken, tmp_path) as base:
        run = subprocess.run(
            [str(Path(sys.executable).with_name("linkchecker")), "-f", str(config), "--no-status", base],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert run.returncode == 1 and "1 error found" in run.stdout


@pytest.mark.parametrize("width", [1280, 390])
def test_search_works_in_the_browser_with_no_server_with_word_forms_and_printed_names(
    host: str, browser: Browser, width: int
):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{host}search/?q=inspect")  # a word form: the records print "inspection(s)"
        results = page.locator(".pagefind-ui__result")
        expect(results.first).to_be_visible()
        expect(page.locator(".pagefind-ui__message")).to_contain_text("results for inspect")
        expect(page.locator(".pagefind-ui__result-link", has_text="Memorandum of Conversation").first).to_be_visible()
        page.goto(f"{host}search/?q=Alexeev")  # a variant spelling printed once, for Aleksandr Alekseev
        expect(page.locator(".pagefind-ui__result-link", has_text="Aleksandr Alekseev")).to_be_visible()
        page.locator(".pagefind-ui__result-link", has_text="Aleksandr Alekseev").click()
        page.wait_for_url(f"**{BASE_PATH}person/alekseev/")
        expect(page.locator("h1")).to_contain_text("Aleksandr Alekseev")
    finally:
        context.close()


def test_the_header_search_of_every_page_leads_to_the_static_search(site: Path):
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'action="search/"' in home
    record = (site / "record" / "1962-11-05-memorandum" / "index.html").read_text(encoding="utf-8")
    assert 'action="../../search/"' in record


@pytest.mark.parametrize(
    "path, file",
    [
        ("/", "index.html"),
        ("/person/guevara", "person/guevara/index.html"),
        ("/record/1962-11-04-telegram.txt", "record/1962-11-04-telegram.txt"),
        (
            "/havana-1962/editorial_notes/1962-11-05-memorandum-n003",
            "havana-1962/editorial_notes/1962-11-05-memorandum-n003/index.html",
        ),
        ("/havana-1962/turns", None),  # a table with facets: the live site's
        ("/havana-1962/seed_spans/1", None),  # a row no citation names
        ("/havana-1962", None),  # the database page and its SQL
    ],
)
def test_the_edition_holds_what_needs_no_sql_and_leaves_the_rest_to_the_live_site(path: str, file: str | None):
    assert static_file(path) == file


def test_the_maintainers_guide_says_how_to_publish_the_edition(repo_root: Path):
    guide = (repo_root / "docs" / "maintainers.md").read_text(encoding="utf-8")
    assert "docs/maintainers.md#publish-a-release-on-the-web" in (repo_root / "README.md").read_text(encoding="utf-8")
    section = guide.split("## Publish a release on the web", 1)[1].split("\n## ", 1)[0]
    assert "make site" in section and "build/site/" in section and "GitHub Pages" in section
    facts = yaml.safe_load((repo_root / "etl" / "curated" / "dataset.yml").read_text(encoding="utf-8"))
    assert facts["live_site"] in section and facts["homepage"] in section
