"""No single request stalls the site: the requests that once did are answered at once, in words, while the
site keeps answering everyone else; junk does not grow a worker's memory; a worker killed under load is
replaced and the next request succeeds.

Each case below once held a worker of the real server for seconds to minutes (the figures are the ones
measured before the limits of ``etl/site/limits.py``). Here they run all at once against a real server with
two workers, as ``make serve`` starts it, while a reader asks for plain pages.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from servers import running_server

from etl.publish.serve import write_inspect_file
from etl.publish.site import DATABASE_NAME

# Slow (sends hostile load to a real two-worker server): `make test-fast` leaves it out.
pytestmark = pytest.mark.slow

DB = DATABASE_NAME
# A stalling request must be answered within this many seconds (the SQL time limit is 3 s) ...
STALL_BOUND_SECONDS = 3.5
# ... and a plain page meanwhile within this many.
PLAIN_BOUND_SECONDS = 1.0
PLAIN_PAGES = ["/", "/people", f"/{DB}/documents"]
ROW = f"/{DB}/utterances/1962-11-04-telegram-u003"


def sql(statement: str) -> str:
    return f"/{DB}.json?" + urllib.parse.urlencode({"sql": statement})


def search(words: str, where: str = "/search") -> str:
    return f"{where}?" + urllib.parse.urlencode({"q" if where == "/search" else "_search": words})


STALLING = {
    "printf of two billion characters (21 s)": sql("select length(printf('%.*c', 2000000000, 'x'))"),
    "2,000 query parameters (7.5 s)": f"/{DB}/turns?" + "&".join(f"p{n}=1" for n in range(2_000)),
    "_facet=mode 500 times (4.8 s, 17 MB)": f"/{DB}/turns?" + "&".join(["_facet=mode"] * 500),
    "'the' 800 times on /search (4.6 s, then a 500)": search(" ".join(["the"] * 800)),
    "'a' 5,000 times on /search (3.5 minutes)": search(" ".join(["a"] * 5_000)),
    "'a OR a' 600 times in a table's search (a 500 after 3.5 s)": search(" OR ".join(["a"] * 600), f"/{DB}/turns"),
    "2,000 nested brackets (a 500)": search("(" * 2_000 + "a" + ")" * 2_000),
    "'a*' 1,000 times (222 s)": search(" ".join(["a*"] * 1_000), f"/{DB}/turns.json"),
    "the longest search within the limits, every word a prefix": search(
        " OR ".join(["a*", "t*", "s*", "i*", "o*"] + ["the", "of", "and", "to", "in"] * 2)
    ),
    "a recursive query without end": sql(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    ),
}


@pytest.fixture(scope="module")
def server(database_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("bounded")
    inspect_file = write_inspect_file(database_path, folder / "inspect.json")
    log = folder / "server.log"
    with running_server(database_path, inspect_file, log, 300, 60, workers=2) as base_url:
        yield base_url, log


def test_every_request_that_stalled_the_site_is_answered_in_words_at_once_while_plain_pages_keep_answering(server):
    base_url, _ = server
    plain: list[httpx.Response] = []
    stop = threading.Event()

    def read_plain_pages() -> None:
        with httpx.Client(base_url=base_url, timeout=PLAIN_BOUND_SECONDS, follow_redirects=True) as client:
            while not stop.is_set() and len(plain) < 200:
                for page in PLAIN_PAGES:
                    plain.append(client.get(page))

    def stall(path: str) -> httpx.Response:
        with httpx.Client(base_url=base_url, timeout=STALL_BOUND_SECONDS, follow_redirects=True) as client:
            return client.get(path)

    reader = threading.Thread(target=read_plain_pages)
    reader.start()
    try:
        with ThreadPoolExecutor(max_workers=len(STALLING)) as pool:
            answers = dict(zip(STALLING, pool.map(stall, STALLING.values()), strict=True))
    finally:
        stop.set()
        reader.join(timeout=30)
    for case, response in answers.items():
        expected = (
            range(200, 201) if "within the limits" in case else range(400, 500)
        )  # an expensive search that is allowed
        assert response.status_code in expected, (case, response.status_code, response.text[:300])
        body = response.text
        assert "Traceback" not in body and "OperationalError" not in body and "interrupted" not in body, case
    assert plain and all(response.status_code == 200 for response in plain), [r.status_code for r in plain]


def resident_megabytes(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def worker_pids(log: Path) -> list[int]:
    """The worker processes uvicorn's supervisor has started so far, as its log names them."""
    return [
        int(line.split("[")[1].split("]")[0])
        for line in log.read_text().splitlines()
        if "Started server process" in line
    ]


def live(pids: list[int]) -> list[int]:
    """Those of ``pids`` that run (a killed process its parent has not yet reaped is a zombie, not live)."""
    found = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state not in ("Z", "X"):
            found.append(pid)
    return found


@pytest.mark.parametrize("junk_characters", [60_000, 7_000], ids=["beyond the address limit", "within it"])
def test_six_hundred_requests_with_junk_parameters_leave_the_workers_memory_within_50_mb(server, junk_characters):
    base_url, log = server
    with httpx.Client(base_url=base_url, timeout=30, follow_redirects=True) as client:
        client.get(ROW)
        before = {pid: resident_megabytes(pid) for pid in live(worker_pids(log))}
        with ThreadPoolExecutor(max_workers=8) as pool:  # httpx's client is safe to share between threads
            statuses = set(
                pool.map(lambda n: client.get(f"{ROW}?junk{n}=" + "x" * junk_characters).status_code, range(600))
            )
        after = {pid: resident_megabytes(pid) for pid in before}
    assert statuses == ({414} if junk_characters > 8_000 else {200})
    grown = {pid: round(after[pid] - before[pid], 1) for pid in before}
    assert all(growth < 50 for growth in grown.values()), grown


def test_a_worker_killed_under_load_loses_at_most_the_requests_in_flight_and_the_next_request_succeeds(server):
    base_url, log = server
    answers: list[int | str] = []
    stop = threading.Event()

    def load() -> None:
        with httpx.Client(base_url=base_url, timeout=10, follow_redirects=True) as client:
            while not stop.is_set() and len(answers) < 5_000:
                try:
                    answers.append(
                        client.get(f"/{DB}/utterances/1962-11-05-memorandum-u{len(answers) % 60 + 1:03d}").status_code
                    )
                except httpx.TransportError as error:
                    answers.append(type(error).__name__)

    workers = live(worker_pids(log))
    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1)
        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while (
            len(worker_pids(log)) < len(workers) + 1 or len(live(worker_pids(log))) < 2
        ) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert len(live(worker_pids(log))) == 2, log.read_text()[-2000:]  # a new worker in the dead one's place
    failures = [answer for answer in answers if answer != 200]
    assert len(failures) <= len(threads), failures  # at most one request in flight per client was lost
    with httpx.Client(base_url=base_url, timeout=10, follow_redirects=True) as client:
        assert [client.get(f"/{DB}/utterances/1962-11-05-memorandum-u{n:03d}").status_code for n in range(1, 11)] == [
            200
        ] * 10


def test_an_error_page_costs_the_server_no_printed_traceback(server):
    """Datasette prints each error's traceback with its local variables where ``rich`` can be imported, for
    0.3-0.6 s of a worker's event loop per 404; the server runs without it (etl/publish/asgi.py)."""
    base_url, log = server
    before = log.read_text()
    with httpx.Client(base_url=base_url, timeout=10, follow_redirects=True) as client:
        statuses = [client.get(f"/{DB}/no_such_table_{n}").status_code for n in range(20)]
    assert statuses == [404] * 20
    printed = log.read_text()[len(before) :]
    assert "Traceback" not in printed and "NotFound" not in printed, printed[:2000]


def test_the_published_image_installs_no_rich():
    """What the image installs (the site's own dependencies, with no extra) leaves out ``rich``, which the
    build's frictionless command line needs and the server must not have."""
    import tomllib

    from test_serving import requirement_closure

    from etl.paths import REPOSITORY

    project = tomllib.loads((REPOSITORY / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    served = requirement_closure(project["dependencies"])
    assert "datasette" in served and "citeproc-py" in served
    assert "rich" not in served and "frictionless" not in served
    assert "rich" in requirement_closure(project["optional-dependencies"]["build"])
