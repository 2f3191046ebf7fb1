"""Shared fixtures: a real database built from the real seeds, once per test session; the site configured
like the server (Datasette's test client); one headless Chromium per module and a desktop page in it.

Tests marked ``corpus`` read the shared corpus of real records (tests/corpus.py), tests marked
``csl_schema`` the CSL-JSON schema. Where one is absent they are skipped with one line saying how to get it,
and the run ends by saying how many were skipped and why.
With ``HAVANA_NO_SKIPS=1`` (as CI runs) a skipped test fails the run, so a moved folder can never silently
turn the reader's proof off."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
import sqlite_utils
from chromium import chromium_browser
from corpus import absent_reason, corpus_present
from playwright.sync_api import Browser

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"

# Set by CI: any skipped test fails the run.
NO_SKIPS = "HAVANA_NO_SKIPS"
SKIPPED: Counter[str] = Counter()


# The CSL-JSON schema of the Citation Style Language project (MIT), a third-party text read where it lies.
CSL_SCHEMA_SETTING = "HAVANA_CSL_SCHEMA"
CSL_SCHEMA = Path(os.environ.get(CSL_SCHEMA_SETTING) or REPO.parent / "shared" / "schemas" / "csl" / "csl-data.json")

# Each marker of a test that reads a third-party input, with the reason it is skipped where that is absent.
THIRD_PARTY_INPUTS = {
    "corpus": lambda: None if corpus_present() else absent_reason(),
    "csl_schema": lambda: (
        None
        if CSL_SCHEMA.is_file()
        else f"needs the CSL-JSON schema, not found at {CSL_SCHEMA}: "
        f"set {CSL_SCHEMA_SETTING} to csl-data.json of the CSL project's schema repository"
    ),
}


# A test that drives Chromium uses one of these fixtures (directly or through another): it is marked `browser`.
BROWSER_FIXTURES = {"browser", "page"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
    for marker, absent in THIRD_PARTY_INPUTS.items():
        reason = absent()
        if reason is None:
            continue
        for item in items:
            if item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and isinstance(report.longrepr, tuple):
        SKIPPED[str(report.longrepr[2]).removeprefix("Skipped: ")] += 1


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    for reason, count in SKIPPED.most_common():
        terminalreporter.write_line(f"{count} {'test' if count == 1 else 'tests'} skipped: {reason}")
    if SKIPPED and os.environ.get(NO_SKIPS):
        terminalreporter.write_line(f"{NO_SKIPS} is set: a skipped test fails this run", red=True)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if SKIPPED and os.environ.get(NO_SKIPS) and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def database_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built by the real pipeline from seeds/ into a temporary folder."""
    from etl.build import build_database

    out = tmp_path_factory.mktemp("build") / "havana-1962.db"
    build_database(SEEDS, out, strict=True, log=lambda line: None)
    return out


@pytest.fixture(scope="session")
def db(database_path: Path) -> sqlite_utils.Database:
    return sqlite_utils.Database(database_path)


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """Each seed file's text, by file name."""
    # Decoded from bytes, as the pipeline does: offsets count every character, carriage returns included.
    return {path.name: path.read_bytes().decode("utf-8") for path in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture
def ds(database_path: Path):
    """A fresh Datasette per test (cheap: the database opens immutable), configured like the server."""
    from etl.publish.serve import datasette_app

    return datasette_app(database_path)


# How long one step of a browser test may take before it fails.
STEP_TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for a module's tests."""
    with chromium_browser() as browser:
        yield browser


@pytest.fixture
def page(browser: Browser):
    """A fresh desktop-sized page (1280 px) that accepts downloads."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        yield page
    finally:
        context.close()
