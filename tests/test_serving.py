"""Serving a release: hashed URLs that caches may keep for a year, errors they may not keep, worker processes
that build the same site as ``datasette serve``, and the publish command checked offline.

Datasette's test client for the headers (``etl.publish.serve.datasette_app``), one real server with two
worker processes on 127.0.0.1 for the same headers over HTTP, and ``datasette package`` run with a stand-in
``docker`` that keeps the build context it is given (no Docker engine is reachable here).
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import signal
import stat
import subprocess
import sys
import sysconfig
import time
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from servers import bounded_process, free_port, running_server

from etl.publish.deploy import (
    CLOUD_RUN_MAX_INSTANCES,
    PROJECT_WHEEL,
    SERVED_PACKAGES,
    WHEEL_MOUNT,
    pinned_versions,
    publish_arguments,
    publish_command,
)
from etl.publish.facts import load_dataset_facts
from etl.publish.serve import (
    HOST,
    datasette_app,
    datasette_executable,
    datasette_settings,
    load_metadata,
    server_command,
    site_options,
    write_inspect_file,
)
from etl.publish.site import DATABASE_NAME

# Slow (starts real servers and builds the published image's context): `make test-fast` leaves it out.
pytestmark = pytest.mark.slow

DB = f"/{DATABASE_NAME}"
YEAR = "max-age=31536000, public"
# Pages of every kind a reader or a script asks for, each under the database's URL.
RELEASE_PAGES = [
    "",
    ".json",
    "/utterances",
    "/utterances.json?_size=5",
    "/utterances.csv?_size=5",
    "/utterances?_search=inspection",
    "/utterances/1962-11-05-memorandum-u001",
    "/turns?_size=5",
    "/words_per_participant",
    "/keyword_in_context.json?term=inspection",
]


@pytest.fixture(scope="module")
def release_hash(database_path: Path) -> str:
    """The first seven hex digits of the database file's SHA-256: the release's part of every URL."""
    return hashlib.sha256(database_path.read_bytes()).hexdigest()[:7]


async def test_unversioned_urls_redirect_to_the_release_keeping_path_and_query(ds, release_hash):
    response = await ds.client.get(f"{DB}/utterances.json?_size=1&speaker_name=Fidel%20Castro", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == f"{DB}-{release_hash}/utterances.json?_size=1&speaker_name=Fidel%20Castro"
    assert "max-age=31536000" not in response.headers.get("cache-control", "")  # the redirect changes with each release


async def test_a_stale_release_url_redirects_to_the_current_release(ds, release_hash):
    stale = "0000000" if release_hash != "0000000" else "1111111"
    response = await ds.client.get(f"{DB}-{stale}/utterances", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == f"{DB}-{release_hash}/utterances"


@pytest.mark.parametrize("page", RELEASE_PAGES)
async def test_every_page_of_the_release_may_be_cached_for_a_year(ds, release_hash, page):
    response = await ds.client.get(f"{DB}-{release_hash}{page}", follow_redirects=False)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["cache-control"] == YEAR
    assert "set-cookie" not in response.headers  # a shared cache must not hand one reader's cookie to another


@pytest.mark.parametrize(
    "page, status",
    [
        ("/no_such_table", 404),
        ("/utterances?_sort=no_such_column", 400),
        ("/utterances.json?_timelimit=abc", 400),
        (".json?sql=select+zeroblob(2000000)", 400),
    ],
)
async def test_errors_are_never_cached(ds, release_hash, page, status):
    response = await ds.client.get(f"{DB}-{release_hash}{page}", follow_redirects=False)
    assert response.status_code == status
    assert response.headers["cache-control"] == "no-store"


async def test_pages_outside_the_database_are_not_cached_for_a_year(ds):
    response = await ds.client.get("/-/versions.json")
    assert response.status_code == 200
    assert "max-age=31536000" not in response.headers.get("cache-control", "")


async def test_row_links_and_citations_point_where_they_should(ds, release_hash):
    page = (await ds.client.get(f"{DB}/utterances/1962-11-05-memorandum-u001")).text
    assert f'href="{DB}-{release_hash}/documents/1962-11-05-memorandum"' in page  # links: this release
    assert (
        f"{load_dataset_facts()['homepage']}{DB}/utterances/1962-11-05-memorandum-u001/" in page
    )  # the citation: the row in every release


@pytest.fixture
def two_workers(database_path: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The site as ``make serve`` runs it, with two worker processes, for one test (which may kill one):
    its base URL and its log."""
    inspect_file = write_inspect_file(database_path, tmp_path / "inspect.json")
    log = tmp_path / "server.log"
    with running_server(database_path, inspect_file, log, 120, 60, workers=2) as base_url:
        yield base_url, log


def test_two_worker_processes_serve_the_release_over_http(two_workers, release_hash):
    base_url, log = two_workers
    with httpx.Client(base_url=base_url, timeout=30) as client:
        redirect = client.get(f"{DB}/utterances.json?_size=1")
        page = client.get(f"{DB}-{release_hash}/utterances.json?_size=1&_shape=array")
        error = client.get(f"{DB}-{release_hash}/no_such_table")
    assert (
        redirect.status_code == 302 and redirect.headers["location"] == f"{DB}-{release_hash}/utterances.json?_size=1"
    )
    assert page.status_code == 200 and page.headers["cache-control"] == YEAR and len(page.json()) == 1
    assert error.status_code == 404 and error.headers["cache-control"] == "no-store"
    text = logged(log, "Application startup complete", 2)  # both workers, though one may answer before the other
    assert text.count("Application startup complete") == 2, text[-2000:]
    assert "Started parent process" in text  # uvicorn's own supervisor


def logged(log: Path, line: str, times: int, seconds: float = 30) -> str:
    """The server's log once it holds ``line`` ``times`` times, or when ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while (text := log.read_text()).count(line) < times and time.monotonic() < deadline:
        time.sleep(0.1)
    return text


def worker_pids(log: Path) -> list[int]:
    """The worker processes uvicorn's supervisor has started so far, as its log names them."""
    return [
        int(line.split("[")[1].split("]")[0])
        for line in log.read_text().splitlines()
        if "Started server process" in line
    ]


def test_a_killed_worker_is_replaced_and_the_next_request_succeeds(two_workers, release_hash):
    base_url, log = two_workers
    deadline = time.monotonic() + 30
    while len(worker_pids(log)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    first, _ = worker_pids(log)
    os.kill(first, signal.SIGKILL)
    while len(worker_pids(log)) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(worker_pids(log)) == 3, log.read_text()[-2000:]  # a new worker in its place
    with httpx.Client(base_url=base_url, timeout=30) as client:
        answers = [client.get(f"{DB}-{release_hash}/utterances.json?_size=1").status_code for _ in range(10)]
    assert answers == [200] * 10


def test_a_second_server_on_a_busy_port_stops_with_a_message(database_path, tmp_path):
    inspect_file = write_inspect_file(database_path, tmp_path / "inspect.json")
    with running_server(database_path, inspect_file, tmp_path / "first.log", 120, 60, workers=1) as base_url:
        port = int(base_url.rsplit(":", 1)[1])
        arguments, environment = server_command(database_path, port, inspect_file, workers=2)
        second = subprocess.run(
            arguments, env={**os.environ, **environment}, capture_output=True, text=True, timeout=60
        )
        assert second.returncode != 0
        assert "address already in use" in second.stderr.lower()
        with httpx.Client(base_url=base_url, timeout=30) as client:
            assert client.get("/-/versions.json").status_code == 200  # the first server is untouched


@pytest.mark.parametrize("path", ["/-/settings.json", "/-/metadata.json", "/-/plugins.json"])
async def test_the_workers_app_is_what_datasette_serve_makes_of_the_site_options(database_path, tmp_path, path):
    inspect_file = write_inspect_file(database_path, tmp_path / "inspect.json")
    served = subprocess.run(
        [
            datasette_executable(),
            "serve",
            "--immutable",
            str(database_path),
            "--inspect-file",
            str(inspect_file),
            *site_options(),
            "--get",
            path,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    in_process = (await datasette_app(database_path, json.loads(inspect_file.read_text())).client.get(path)).json()
    if path == "/-/plugins.json":  # the same plugins, in whatever order each process registered them
        served_plugins, in_process = (
            sorted(plugins, key=json.dumps) for plugins in (json.loads(served.stdout), in_process)
        )
        assert served_plugins == in_process
    else:
        assert json.loads(served.stdout) == in_process


def test_datasette_serve_with_the_project_installed_and_no_plugins_dir_serves_the_edition(database_path):
    served = subprocess.run(
        [datasette_executable(), "serve", str(database_path), "--get", "/record/1962-11-05-memorandum"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert served.returncode == 0, served.stderr[-2000:]
    assert "Memorandum of Conversation" in served.stdout and 'class="turn ' in served.stdout


# --- publish ---------------------------------------------------------------------------------------------

STAND_INS = {
    # The docker client: keeps the build context and the arguments it was called with.
    "docker": """#!/bin/sh
cp -r . "$CAPTURE/context"
printf '%s\\n' "$@" > "$CAPTURE/arguments"
""",
    # The Google Cloud client: names a project, keeps the context it would build and every call.
    "gcloud": """#!/bin/sh
echo "$@" >> "$CAPTURE/calls"
case "$1 $2" in
  "config get-value") echo stand-in-project ;;
  "builds submit") cp -r . "$CAPTURE/context" ;;
esac
""",
}


def publish_offline(engine: str, database_path: Path, capture: Path, repo_root: Path) -> Path:
    """Run ``python -m etl publish --engine <engine>`` (``make publish``) from the repository with stand-in
    ``docker`` and ``gcloud`` programs; the folder where they kept what they were given."""
    stand_ins = capture / "bin"
    stand_ins.mkdir()
    for name, script in STAND_INS.items():
        (stand_ins / name).write_text(script)
        (stand_ins / name).chmod((stand_ins / name).stat().st_mode | stat.S_IEXEC)
    environment = {**os.environ, "PATH": f"{stand_ins}{os.pathsep}{os.environ['PATH']}", "CAPTURE": str(capture)}
    subprocess.run(
        [
            str(Path(datasette_executable()).with_name("python")),
            "-m",
            "etl",
            "publish",
            "--db",
            str(database_path),
            "--engine",
            engine,
        ],
        cwd=repo_root,
        env=environment,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return capture


@pytest.fixture(scope="module", params=["package", "cloudrun"])
def published(request, database_path: Path, tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Path:
    """What each publisher would build, run offline."""
    return publish_offline(request.param, database_path, tmp_path_factory.mktemp(request.param), repo_root)


@pytest.fixture(scope="module")
def packaged(database_path: Path, tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Path:
    """What ``make publish`` hands to ``docker build``."""
    return publish_offline("package", database_path, tmp_path_factory.mktemp("docker"), repo_root)


@pytest.fixture(scope="module")
def deployed(database_path: Path, tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Path:
    """What ``make publish ENGINE=cloudrun`` hands to ``gcloud``."""
    return publish_offline("cloudrun", database_path, tmp_path_factory.mktemp("gcloud"), repo_root)


def test_the_container_serves_the_release_with_the_sites_settings(published):
    dockerfile = (published / "context" / "Dockerfile").read_text()
    command = next(line for line in dockerfile.splitlines() if line.startswith("CMD"))
    served = shlex.split(command.removeprefix("CMD ").strip())
    assert served[:2] == ["datasette", "serve"]
    for option in (
        ["-i", "havana-1962.db"],
        ["--cors"],
        ["--inspect-file", "inspect-data.json"],
        ["--metadata", "metadata.json"],
    ):
        assert any(served[i : i + len(option)] == option for i in range(len(served))), option
    assert "--plugins-dir" not in served and "--template-dir" not in served  # the installed project brings them
    for name, value in datasette_settings().items():
        value = ("on" if value else "off") if isinstance(value, bool) else str(value)
        assert any(served[i : i + 3] == ["--setting", name, value] for i in range(len(served))), name
    assert "RUN datasette inspect havana-1962.db --inspect-file inspect-data.json" in dockerfile


def test_the_container_installs_the_pinned_datasette_and_plugins(published):
    dockerfile = (published / "context" / "Dockerfile").read_text()
    install = next(line for line in dockerfile.splitlines() if "pip install" in line)
    assert pinned_versions()[:3] == ["datasette==0.65.5", "datasette-vega==0.6.2", "datasette-hashed-urls==0.4"]
    assert "citeproc-py==0.11.1" in pinned_versions() and "rispy==0.10.0" in pinned_versions()  # etl/site/cite.py
    for requirement in pinned_versions(SERVED_PACKAGES):
        assert requirement in install.split()


def test_the_container_holds_the_database_and_metadata_and_the_wheel_the_plugins_and_templates(
    published, database_path, repo_root
):
    context = published / "context"
    assert (context / "havana-1962.db").read_bytes() == database_path.read_bytes()
    assert json.loads((context / "metadata.json").read_text()) == load_metadata()
    assert not (context / "plugins").exists() and not (context / "templates").exists()
    (wheel,) = (context / WHEEL_MOUNT).glob("*.whl")
    site = repo_root / "etl" / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(
            archive.read(name).decode() for name in names if name.endswith(".dist-info/entry_points.txt")
        )
        for path in site.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                name = str(path.relative_to(repo_root))
                assert name in names and archive.read(name) == path.read_bytes(), name
    assert "[datasette]" in entry_points
    for module in sorted(site.glob("*.py")):
        dotted = "etl.site" if module.stem == "__init__" else f"etl.site.{module.stem}"
        assert f"= {dotted}\n" in entry_points, dotted


def test_make_publish_builds_a_tagged_image(packaged):
    arguments = (packaged / "arguments").read_text().split()
    assert arguments[:1] == ["build"] and arguments[arguments.index("-t") + 1] == DATABASE_NAME


def test_cloud_run_builds_the_image_then_deploys_it_as_the_sites_service(deployed):
    calls = (deployed / "calls").read_text().splitlines()
    builds = [call for call in calls if call.startswith("builds submit --tag ")]
    deploys = [call for call in calls if call.startswith("run deploy ")]
    assert len(builds) == 1 and len(deploys) == 1 and calls.index(builds[0]) < calls.index(deploys[0])
    image = builds[0].split()[3]
    assert image.endswith(f"/stand-in-project/datasette/datasette-{DATABASE_NAME}")
    deploy = deploys[0].split()
    assert deploy[deploy.index("--image") + 1 :][:2] == [image, DATABASE_NAME]
    assert deploy[deploy.index("--max-instances") + 1] == str(CLOUD_RUN_MAX_INSTANCES)  # replicas as readers come
    assert (
        "--setting force_https_urls on" in (deployed / "context" / "Dockerfile").read_text()
    )  # Cloud Run serves https


@pytest.mark.parametrize("engine", ["package", "cloudrun"])
def test_the_maintainers_guide_gives_the_generated_publish_commands(repo_root, engine):
    guide = (repo_root / "docs" / "maintainers.md").read_text()
    assert publish_command(Path("build/havana-1962.db"), engine) in guide
    assert "docs/maintainers.md#publish-a-release-on-the-web" in (repo_root / "README.md").read_text()


def test_publish_commands_carry_every_setting_and_no_local_path():
    for engine in ("package", "cloudrun"):
        arguments = publish_arguments(Path("build/havana-1962.db"), engine)
        extra = shlex.split(arguments[arguments.index("--extra-options") + 1])
        assert extra == [
            part
            for name, value in datasette_settings().items()
            for part in ("--setting", name, ("on" if value else "off") if isinstance(value, bool) else str(value))
        ]
        assert not any(argument.startswith("/") for argument in arguments)


# --- the image's Python: the project as the image installs it, never the repository --------------------

# The interpreter of the image, as far as it can be run here: the packages of the virtual environment
# (Datasette, its plugins, the pinned libraries) but not its site hooks (-S), so that the editable install
# of the repository is not seen, and the project only as the image installs it: its wheel, unpacked (what
# pip does with a pure-Python wheel).
IMAGE_PYTHON = (
    "import os, sys; sys.path[:0] = [os.environ['IMAGE_SITE']]; sys.path.append(os.environ['BASE_PACKAGES']); "
)

# Run in the image's Python from the build context: load each plugin as Datasette does (its entry point) and
# report where each module of the project came from, and which distribution each module of the installed
# packages belongs to.
IMPORTS_OF_THE_PLUGINS = (
    IMAGE_PYTHON
    + """
import importlib.metadata, json
for entry_point in importlib.metadata.entry_points(group='datasette'):
    if entry_point.value.startswith('etl.'):
        entry_point.load()
distributions = importlib.metadata.packages_distributions()
base = os.environ['BASE_PACKAGES']
modules = {
    name.partition('.')[0]
    for name, module in sys.modules.items()
    if (getattr(module, '__file__', None) or '').startswith(base)
}
print(json.dumps({
    'project': {
        name: getattr(module, '__file__', None)
        for name, module in sys.modules.items()
        if name == 'etl' or name.startswith('etl.')
    },
    'distributions': {name: distributions.get(name, []) for name in sorted(modules)},
}))
"""
)


def image_environment(image_site: Path) -> dict[str, str]:
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    return {**environment, "IMAGE_SITE": str(image_site), "BASE_PACKAGES": sysconfig.get_paths()["purelib"]}


@pytest.fixture(scope="module")
def image_site(packaged: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project as the image's pip installs it: the one wheel of the build context, unpacked."""
    (wheel,) = (packaged / "context" / WHEEL_MOUNT).glob("*.whl")
    site = tmp_path_factory.mktemp("image-site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def requirement_closure(requirements: list[str]) -> set[str]:
    """The normalized names of the distributions that pip installs for ``requirements``, as installed here."""
    from importlib.metadata import PackageNotFoundError, requires

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    seen: set[str] = set()
    pending = [Requirement(text) for text in requirements]
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in seen or (requirement.marker and not requirement.marker.evaluate({"extra": ""})):
            continue
        seen.add(name)
        try:
            pending += [Requirement(text) for text in requires(requirement.name) or []]
        except PackageNotFoundError:
            pass  # the project itself: its requirements are read from its wheel
    return seen


def test_the_container_installs_the_project_the_plugins_import(published, repo_root):
    context = published / "context"
    install = next(line for line in (context / "Dockerfile").read_text().splitlines() if "pip install" in line)
    assert install.split()[-1] == PROJECT_WHEEL  # the shell of RUN expands it to the one wheel
    (wheel,) = (context / WHEEL_MOUNT).glob("*.whl")
    version = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]["version"]
    assert wheel.name == f"havana_1962-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for data_file in ("etl/curated/dataset.yml", "etl/curated/schemas/dataset.schema.json", "etl/curated/site.yml"):
        assert data_file in names  # read by the plugins at run time


def test_without_the_project_the_plugins_cannot_start(packaged, tmp_path):
    """The image's Python without the wheel cannot import the project: the next tests would see a missing install."""
    empty = tmp_path / "no-project"
    empty.mkdir()
    run = subprocess.run(
        [sys.executable, "-S", "-c", IMPORTS_OF_THE_PLUGINS],
        cwd=packaged / "context",
        env=image_environment(empty),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0 and "No module named 'etl'" in run.stderr


def test_the_plugins_import_the_installed_project_and_only_what_the_image_installs(packaged, image_site):
    context = packaged / "context"
    run = subprocess.run(
        [sys.executable, "-S", "-c", IMPORTS_OF_THE_PLUGINS],
        cwd=context,
        env=image_environment(image_site),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    imported = json.loads(run.stdout)
    assert "etl.publish.citation" in imported["project"] and "etl.curation" in imported["project"]
    assert all(Path(file).is_relative_to(image_site) for file in imported["project"].values() if file)
    install = next(line for line in (context / "Dockerfile").read_text().splitlines() if "pip install" in line)
    (wheel_metadata,) = image_site.glob("havana_1962-*.dist-info/METADATA")
    project_requirements = [
        line.removeprefix("Requires-Dist: ")
        for line in wheel_metadata.read_text().splitlines()
        if line.startswith("Requires-Dist: ")
    ]
    installed = requirement_closure(
        [part for part in install.split()[4:] if part != PROJECT_WHEEL] + project_requirements
    )
    from packaging.utils import canonicalize_name

    missing = {
        module: names
        for module, names in imported["distributions"].items()
        if not {canonicalize_name(name) for name in names} & installed
    }
    assert imported["distributions"] and not missing, (
        f"imported by the plugins, installed by nothing in the image: {missing}"
    )


def test_the_images_command_serves_cited_rows_with_the_installed_project(packaged, image_site, tmp_path):
    context = packaged / "context"
    dockerfile = (context / "Dockerfile").read_text().splitlines()
    inspect = shlex.split(
        next(line for line in dockerfile if line.startswith("RUN datasette inspect")).removeprefix("RUN ")
    )
    served = shlex.split(next(line for line in dockerfile if line.startswith("CMD ")).removeprefix("CMD "))
    port = free_port()
    served[served.index("--host") + 1] = HOST
    served[served.index("--port") + 1] = str(port)
    image_datasette = [sys.executable, "-S", "-c", IMAGE_PYTHON + "from datasette.cli import cli; cli()"]
    subprocess.run(
        image_datasette + inspect[1:], cwd=context, env=image_environment(image_site), check=True, timeout=120
    )
    base_url = f"http://{HOST}:{port}"
    log = tmp_path / "image.log"
    with bounded_process(
        image_datasette + served[1:],
        log,
        120,
        f"{base_url}/-/versions.json",
        60,
        lambda: f"the image's command did not start: {log.read_text()[-2000:]}",
        image_environment(image_site),
        cwd=context,
    ):
        plugins = httpx.get(f"{base_url}/-/plugins.json", follow_redirects=True, timeout=30).json()
        ours = [plugin for plugin in plugins if plugin["name"] == "havana-1962"]
        assert len(ours) == len(list((Path(__file__).resolve().parent.parent / "etl" / "site").glob("*.py"))) and any(
            plugin["templates"] for plugin in ours
        )
        row = httpx.get(
            f"{base_url}/{DATABASE_NAME}/utterances/1962-11-05-memorandum-u001", follow_redirects=True, timeout=30
        )
        assert row.status_code == 200
        assert 'id="cite"' in row.text and "BibTeX" in row.text and load_dataset_facts()["homepage"] in row.text
        wheel = httpx.get(
            f"{base_url}/{WHEEL_MOUNT}/{next(image_site.glob('*.dist-info')).name.removesuffix('.dist-info')}-py3-none-any.whl",
            timeout=30,
        )
        assert wheel.status_code == 200 and wheel.content[:2] == b"PK"  # the code that serves the release, beside it
