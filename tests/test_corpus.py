"""The shared corpus is an input found by one setting: `make corpus` fetches it and checks every record against
the committed manifest, says what to do without a network, and the tests that need it skip (or, in CI, fail)
where it is absent."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from corpus import SETTING, corpus_records, manifest, split_collection
from seedfolder import REPO

FETCH = [sys.executable, str(REPO / "tests" / "corpus.py")]


@contextmanager
def serving(body: bytes) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 that answers every GET with ``body``; stopped when the block ends."""

    class Answer(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/pages/document.txt"
    finally:
        server.shutdown()
        server.server_close()


def make_corpus(folder: Path, url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*FETCH, url], capture_output=True, text=True, timeout=120, env={**os.environ, SETTING: str(folder)}
    )


def test_the_collection_is_split_at_each_numbered_document_in_order():
    text = (
        "Preface of the edition\n\nNo. 1\nNote of N.S. Khrushchev\nNo. 1\nan item of the note\nNo. 4\nLetter\n"
        "Registry No. 12\nNo. 549666\nNo. 2\nNo. 9\nEnd\n"
    )
    sections = split_collection(text)
    assert list(sections) == ["no-01.txt", "no-04.txt", "no-09.txt"]
    assert sections["no-01.txt"] == "No. 1\nNote of N.S. Khrushchev\nNo. 1\nan item of the note\n"
    assert sections["no-04.txt"] == "No. 4\nLetter\nRegistry No. 12\nNo. 549666\nNo. 2\n"
    assert sections["no-09.txt"] == "No. 9\nEnd\n"


def test_the_manifest_names_ninety_records_and_their_sums():
    sums = manifest()
    assert len(sums) == 90 and all(len(digest) == 64 for digest in sums.values())
    assert "no-38.txt" in sums and "no-03.txt" not in sums


def test_make_corpus_without_a_network_says_what_to_do_and_writes_nothing(tmp_path):
    folder = tmp_path / "corpus"
    result = make_corpus(folder, "http://127.0.0.1:9/pages/document.txt")
    assert result.returncode == 1
    assert "could not be fetched" in result.stderr and SETTING in result.stderr and "make test" in result.stderr
    assert "Traceback" not in result.stderr
    assert not folder.exists()


def test_make_corpus_refuses_a_text_that_is_not_the_pinned_collection(tmp_path):
    folder = tmp_path / "corpus"
    with serving(b"No. 1\nA record of another collection\n") as url:
        result = make_corpus(folder, url)
    assert result.returncode == 1
    assert f"{url}: the text does not match" in result.stderr
    assert (
        "89 records missing" in result.stderr
        and "1 with another SHA-256 (no-01.txt)" in result.stderr
        and "Traceback" not in result.stderr
    )
    assert not folder.exists()


@pytest.mark.corpus
def test_make_corpus_writes_each_record_of_the_manifest_checked_by_its_sum(tmp_path):
    # The collection as published: a preface, the records in order, and a record the manifest does not list.
    published = (
        "Preface\n\n"
        + "".join(path.read_text(encoding="utf-8") for path in corpus_records())
        + "No. 97\nNot in the manifest\n"
    )
    folder = tmp_path / "corpus"
    with serving(published.encode("utf-8")) as url:
        result = make_corpus(folder, url)
    assert result.returncode == 0, result.stderr
    assert "90 records" in result.stdout and "000cb509ae52" in result.stdout
    assert sorted(path.name for path in folder.iterdir()) == sorted(manifest())
    for path in corpus_records():
        assert (folder / path.name).read_bytes() == path.read_bytes()
    # Once the folder is whole, nothing is fetched again.
    again = make_corpus(folder, "http://127.0.0.1:9/unreachable")
    assert again.returncode == 0 and "90 records" in again.stdout


def run_pytest(corpus: Path, *extra_env: tuple[str, str]) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if name != "HAVANA_NO_SKIPS"}
    env.update({SETTING: str(corpus), **dict(extra_env)})
    test = "tests/test_reader_corpus.py::test_the_corpus_found_by_the_setting_is_the_pinned_collection"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", test],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=300,
    )


def test_where_the_corpus_is_absent_its_tests_are_skipped_saying_why_and_ci_fails(tmp_path):
    empty = tmp_path / "nowhere"
    alone = run_pytest(empty)
    assert alone.returncode == 0, alone.stdout
    assert f"1 test skipped: needs the shared corpus of real records, not found at {empty}" in alone.stdout
    assert f"set {SETTING} to its folder or run `make corpus`" in alone.stdout
    in_ci = run_pytest(empty, ("HAVANA_NO_SKIPS", "1"))
    assert in_ci.returncode == 1 and "HAVANA_NO_SKIPS is set: a skipped test fails this run" in in_ci.stdout
