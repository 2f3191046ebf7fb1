"""The layout shows the architecture: each stage imports only the stages before it, and etl/ holds only what
production uses (test helpers and the server harness live in tests/)."""

from __future__ import annotations

import ast
import re
from collections import Counter
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


# What production reads besides etl/'s Python: its templates, data and static files, and the commands of the Makefile
# and pyproject.toml (``python -c "from etl... import ..."``, entry points).
PRODUCTION_FILES = [
    *(path for path in (REPO / "etl").rglob("*") if path.is_file() and path.suffix not in (".py", ".pyc")),
    REPO / "Makefile",
    REPO / "pyproject.toml",
]
WORD = re.compile(r"[A-Za-z_]\w*")


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                found.add(id(first.value))
    return found


def names_production_uses() -> Counter[str]:
    """Every name etl/ reads in code (not in docstrings), names in its strings (``"etl.publish.asgi:create_app"``)
    and the words of the files production reads besides."""
    used: Counter[str] = Counter()
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
                used[node.id] += 1
            elif isinstance(node, ast.Attribute):
                used[node.attr] += 1
            elif isinstance(node, ast.alias):
                used[node.name.rsplit(".", 1)[-1]] += 1
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                used.update(WORD.findall(node.value))
    for path in PRODUCTION_FILES:
        used.update(WORD.findall(path.read_text(encoding="utf-8", errors="replace")))
    return used


def defined_names(path: Path) -> list[str]:
    """The names a module defines at its top level, but Datasette's plugin hooks (called by their names)."""
    names = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if not any("hookimpl" in ast.unparse(decorator) for decorator in node.decorator_list):
                names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [target.id for target in node.targets if isinstance(target, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return [name for name in names if not name.startswith("__")]


def test_every_name_etl_defines_is_used_by_production_not_only_by_tests():
    """Dead code and test helpers stay out of etl/: a function, class or constant that only tests or benchmarks
    use belongs in tests/ (the server harness is ``tests/servers.py``)."""
    used = names_production_uses()
    unused = [f"{path.relative_to(REPO)}: {name}" for path in MODULES for name in defined_names(path) if not used[name]]
    assert unused == []


def test_the_rule_finds_the_server_harness_if_it_comes_back_to_etl(tmp_path):
    """``running_server`` was in etl/publish/serve.py, where only tests and benchmarks called it."""
    module = tmp_path / "serve.py"
    module.write_text(
        '"""Serve."""\n\n\ndef server_command():\n    pass\n\n\ndef running_server():\n    pass\n', encoding="utf-8"
    )
    used = names_production_uses()
    assert [name for name in defined_names(module) if not used[name]] == ["running_server"]
