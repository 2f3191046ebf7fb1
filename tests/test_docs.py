"""The documentation is tested: the docstring examples run, and the README documents the public interface."""

from __future__ import annotations

import doctest
import importlib
import re

import pytest

PARSING_MODULES = [
    "etl.read.seeds",
    "etl.read.blocks",
    "etl.read.frame",
    "etl.read.notes",
    "etl.read.articles",
    "etl.errors",
]


@pytest.mark.parametrize("module_name", PARSING_MODULES)
def test_docstring_examples_of_the_parsers_run(module_name):
    module = importlib.import_module(module_name)
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0, f"{module_name} has no examples"
    assert failures == 0


def test_every_make_target_is_documented_in_the_readme(repo_root):
    makefile = (repo_root / "Makefile").read_text()
    readme = (repo_root / "README.md").read_text()
    targets = re.findall(r"^([a-z]+):.*## ", makefile, flags=re.MULTILINE)
    assert {"serve", "test", "build", "data", "validate", "release", "bench", "clean"} <= set(targets)
    for target in targets:
        assert f"make {target}" in readme, f"make {target} is not in the README"


def test_the_ci_script_runs_the_readmes_test_command_with_nothing_skipped(repo_root):
    readme = (repo_root / "README.md").read_text()
    assert "make test" in readme and "HAVANA_NO_SKIPS=1" in readme
    assert re.search(r"^HAVANA_NO_SKIPS=1 make test$", (repo_root / ".ci" / "run").read_text(), flags=re.MULTILINE)


def test_the_console_script_is_installed_and_answers_help():
    """`make venv` installs the project itself, so `havana-1962 build ...` works beside `python -m etl build ...`."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).parent / "havana-1962"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=True)
    for command in ("build", "read", "data", "serve", "release", "dictionary"):
        assert f"  {command} " in result.stdout, command


def test_the_readmes_table_of_versions_is_generated_from_the_curated_facts(repo_root):
    from etl.publish.docs import render_versions_table
    from etl.publish.facts import load_dataset_facts

    facts = load_dataset_facts()
    assert render_versions_table(facts) in (repo_root / "README.md").read_text(encoding="utf-8")
    assert f"| {facts['version']} | {facts['release_date']} |" in render_versions_table(facts)


async def test_the_readme_quotes_the_citations_the_static_edition_gives(repo_root, database_path):
    from etl.publish.serve import datasette_app

    edition = datasette_app(database_path, static_edition=True)
    readme = " ".join(
        line.removeprefix("> ") for line in (repo_root / "README.md").read_text(encoding="utf-8").splitlines()
    )
    for path in ("/-/cite/utterances/1962-11-05-memorandum-u057.txt", "/-/cite/dataset.txt"):
        text = (await edition.client.get(path)).text.strip()
        assert " ".join(text.split()) in " ".join(readme.split()), (
            f"quote {path} in README.md as the static edition gives it"
        )


DOCUMENTS = (
    "README.md",
    "docs/data-dictionary.md",
    "docs/maintainers.md",
    "docs/reading.md",
    "docs/robustness.md",
    "bench/README.md",
)


def heading_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_relative_link_of_the_documentation_finds_its_file_and_heading(repo_root, document):
    """The README links to the guides its maintainers' material moved to; each link and anchor must resolve."""
    path = repo_root / document
    for target in re.findall(r"\]\(([^)\s]+)\)", path.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue  # an address on the web or a mail address
        file, _, anchor = target.partition("#")
        linked = (path.parent / file).resolve() if file else path
        assert linked.exists(), f"{document} links to {target}, which does not exist"
        if anchor:
            headings = re.findall(r"^#+ (.+)$", linked.read_text(encoding="utf-8"), flags=re.MULTILINE)
            assert anchor in {heading_anchor(heading) for heading in headings}, f"{document}: no heading for {target}"
