"""Debian's Chromium for the browser tests, launched headless with the flags this machine needs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Playwright, sync_playwright

from etl.publish.serve import running_server, write_inspect_file

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def launch_chromium(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@contextmanager
def chromium_browser() -> Iterator[Browser]:
    """One headless Chromium for a module's tests, closed whatever happens."""
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def site_server(database_path: Path, work: Path, lifetime_seconds: int, start_seconds: int = 30) -> Iterator[str]:
    """A real server of the site on 127.0.0.1 with the repository's settings; it stops by itself after
    ``lifetime_seconds`` even if the test run is killed."""
    inspect_file = write_inspect_file(database_path, work / "inspect.json")
    with running_server(database_path, inspect_file, work / "server.log", lifetime_seconds, start_seconds) as base_url:
        yield base_url
