"""The layout shows the architecture: each stage imports only the stages before it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from seedfolder import REPO

# What each part of the package may import from the package (prefixes of module names).
ALLOWED = {
    "etl.errors": (),
    "etl.paths": (),
    "etl.dates": (),
    "etl.curation": ("etl.errors", "etl.paths"),
    "etl.schema": ("etl.curation",),
    "etl.read": ("etl.errors", "etl.paths", "etl.dates", "etl.curation", "etl.read"),
    "etl.rows": ("etl.errors", "etl.paths", "etl.curation", "etl.schema", "etl.read", "etl.rows"),
    "etl.invariants": ("etl.errors", "etl.schema"),
    "etl.load": ("etl.errors", "etl.schema"),
    "etl.publish": ("etl.errors", "etl.paths", "etl.dates", "etl.curation", "etl.schema", "etl.publish"),
    "etl.site": ("etl.errors", "etl.paths", "etl.curation", "etl.schema", "etl.publish", "etl.site"),
}
MODULES = sorted((REPO / "etl").rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("etl"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("etl")}
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(REPO)))
def test_each_stage_imports_only_the_stages_before_it(path):
    name = module_name(path)
    rule = next((allowed for part, allowed in ALLOWED.items() if name == part or name.startswith(part + ".")), None)
    if rule is None:
        return  # build, report, cli and __main__ are the doors that may reach across
    for imported in imports_of(path):
        assert any(imported == allowed or imported.startswith(allowed + ".") for allowed in rule), (
            f"{name} imports {imported}"
        )


def test_every_module_opens_with_why_it_exists():
    for path in MODULES:
        if path.name == "__main__.py":
            continue
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert docstring and len(docstring) > 30, path


def test_the_readmes_code_map_says_what_each_stage_may_import():
    """The README's code map is a claim about the layout: each stage's row names exactly what ``ALLOWED`` lets it
    import ("nothing" for none), so the map and this test cannot disagree."""
    rows = [line.split(" | ") for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines()]
    for stage, allowed in ALLOWED.items():
        path = stage.replace(".", "/")
        where = (f"`{path}.py`", f"`{path}/`")
        row = next((cells for cells in rows if len(cells) == 3 and any(name in cells[0] for name in where)), None)
        assert row is not None, f"the README's code map has no row for {path}"
        claimed = {name.strip() for name in row[2].rstrip(" |").split(",")} - {"nothing"}
        assert claimed == {name.removeprefix("etl.") for name in allowed}, f"the code map's row for {path}"
