"""A build that is interrupted, killed or started twice leaves no debris: no partial file for long, no worker
process without its parent, and never two builds writing one file."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from seedfolder import REPO, SEEDS, write_manifest

from etl.build import build_database
from etl.errors import BuildError
from etl.load import TemporaryDatabase

# Slow (starts, stops and kills builds of hundreds of records): `make test-fast` leaves it out.
pytestmark = pytest.mark.slow

# Enough records (the seeds, many times over) that a build runs for a few seconds in its pool of workers.
COPIES = 120


@pytest.fixture(scope="module")
def many_records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("many")
    for copy in range(COPIES):
        for seed in sorted(SEEDS.glob("*.txt")):
            shutil.copyfile(seed, folder / f"{copy:03d}_{seed.name}")
    write_manifest(folder)
    return folder


def processes_naming(text: str) -> list[int]:
    """The processes whose command line names ``text`` (a build and its forked workers share theirs)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def start_build(seeds: Path, out: Path) -> subprocess.Popen:
    build = subprocess.Popen(
        [sys.executable, "-m", "etl", "build", "--seeds", str(seeds), "--out", str(out)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not list(out.parent.glob(out.name + ".*.partial")):
        assert build.poll() is None and time.monotonic() < deadline, "the build never started writing"
        time.sleep(0.05)
    time.sleep(0.5)  # well into the records, its workers busy
    return build


def wait_until(condition, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return condition()


def test_a_build_stopped_with_sigterm_removes_its_partial_file_and_its_workers_end(many_records: Path, tmp_path: Path):
    out = tmp_path / "out" / "sigterm.db"
    out.parent.mkdir()
    build = start_build(many_records, out)
    build.send_signal(signal.SIGTERM)
    assert build.wait(timeout=60) != 0
    assert "Traceback" not in build.stderr.read().decode()
    assert list(out.parent.glob("*.partial")) == [] and not out.exists()
    assert wait_until(lambda: processes_naming(str(out)) == []), "no worker outlives the build"


def test_a_killed_builds_workers_die_with_it_and_the_next_build_removes_its_partial_file(
    many_records: Path, tmp_path: Path
):
    out = tmp_path / "out" / "killed.db"
    out.parent.mkdir()
    build = start_build(many_records, out)
    os.kill(build.pid, signal.SIGKILL)
    build.wait(timeout=30)
    assert wait_until(lambda: processes_naming(str(out)) == []), "the workers die with the build"
    assert len(list(out.parent.glob("*.partial"))) == 1  # a killed process cannot clean up ...
    build_database(SEEDS, out, log=lambda line: None)
    assert list(out.parent.glob("*.partial")) == [] and out.exists()  # ... the next build does


def test_a_second_build_into_the_same_file_stops_with_a_message(tmp_path: Path):
    out = tmp_path / "out" / "havana-1962.db"
    with TemporaryDatabase(out):
        with pytest.raises(BuildError, match="another build is writing into this folder now; wait for it to finish"):
            build_database(SEEDS, out, log=lambda line: None)
    build_database(SEEDS, out, log=lambda line: None)  # the lock goes with the first build
    assert out.exists()


FULL_DISK_BUILD = """
import resource, signal, sys
from etl.cli import main

# The system refuses to let this process write a file past 64 KiB, as a full disk would refuse it.
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
main(["build", "--seeds", sys.argv[1], "--out", sys.argv[2]])
"""


def test_a_build_that_runs_out_of_space_names_the_file_and_leaves_the_previous_database(tmp_path: Path):
    out = tmp_path / "out" / "havana-1962.db"
    out.parent.mkdir()
    out.write_bytes(b"the previous build")
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK_BUILD, str(SEEDS), str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith(f"Error: {out}: could not be written: ")
    assert f"the previous database is untouched; free some space in {out.parent} and build again" in result.stderr
    assert out.read_bytes() == b"the previous build"
    assert [path.name for path in out.parent.iterdir()] == [out.name], "a partial file was left behind"
