"""The site uses Datasette through its documented surface only: plugin hooks, the documented methods and
attributes of ``Datasette`` and ``Database``, templates, settings and metadata. No private name, no
replaced method: this test lists every Datasette name the site's code uses and fails on any other."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SITE_CODE = sorted([*(REPO / "etl" / "site").glob("*.py"), *(REPO / "etl" / "publish").glob("*.py")])

# What Datasette 0.65's documentation (plugin hooks, internals) offers, of what the site uses.
DOCUMENTED_IMPORTS = {
    "datasette": {"hookimpl", "Response", "NotFound", "Forbidden", "Request"},
    "datasette.app": {"Datasette"},
    "datasette.database": {"QueryInterrupted"},
    "datasette.filters": {"FilterArguments"},
    "datasette.utils": {"tilde_encode", "tilde_decode", "await_me_maybe"},
}
DOCUMENTED_DATASETTE = {
    "absolute_url",
    "app",
    "client",
    "databases",
    "get_database",
    "invoke_startup",
    "metadata",
    "plugin_config",
    "render_template",
    "urls",
}
DOCUMENTED_DATABASE = {
    "execute",
    "execute_fn",
    "hash",
    "hidden_table_names",
    "is_mutable",
    "name",
    "route",
    "table_counts",
    "table_exists",
    "table_names",
    "view_names",
    "foreign_keys_for_table",
    "label_column_for_table",
    "primary_keys",
    "table_columns",
}


def datasette_names(path: Path) -> list[tuple[str, str, int]]:
    """(what, name, line) for every import from Datasette and every attribute of a Datasette or its databases."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "datasette":
            found += [(f"from {node.module}", alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [
                ("import", alias.name, node.lineno) for alias in node.names if alias.name.split(".")[0] == "datasette"
            ]
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in ("datasette", "ds")
        ):
            found.append(("Datasette", node.attr, node.lineno))
        elif (
            isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("db", "database")
        ):
            found.append(("Database", node.attr, node.lineno))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", None) in ("getattr", "setattr", "hasattr")
            and len(node.args) >= 2
        ):
            target = ast.unparse(node.args[0])
            if re.search(r"\b(?:datasette|ds|db|database)\b", target) and isinstance(node.args[1], ast.Constant):
                found.append((node.func.id, str(node.args[1].value), node.lineno))
    return found


def undocumented(what: str, name: str) -> bool:
    if name.startswith("_") or what == "setattr" or what == "import":
        return True
    if what.startswith("from "):
        return name not in DOCUMENTED_IMPORTS.get(what.removeprefix("from "), set())
    if what == "Datasette":
        return name not in DOCUMENTED_DATASETTE
    if what == "Database":
        return name not in DOCUMENTED_DATABASE
    return name not in DOCUMENTED_DATASETTE | DOCUMENTED_DATABASE


@pytest.mark.parametrize("path", SITE_CODE, ids=lambda path: str(path.relative_to(REPO)))
def test_the_site_uses_only_documented_datasette_names(path: Path):
    offending = [
        f"{path.name}:{line}: {what} {name}" for what, name, line in datasette_names(path) if undocumented(what, name)
    ]
    assert offending == []


def test_the_check_finds_a_private_name_and_a_replaced_method(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import datasette.handle_exception\n"
        "from datasette.views.base import DatasetteError\n"
        "def hook(datasette, db):\n"
        "    datasette._metadata_local\n"
        "    setattr(db, 'table_names', None)\n"
        "    return datasette.get_database()\n",
        encoding="utf-8",
    )
    offending = {(what, name) for what, name, _ in datasette_names(sample) if undocumented(what, name)}
    assert offending == {
        ("import", "datasette.handle_exception"),
        ("from datasette.views.base", "DatasetteError"),
        ("Datasette", "_metadata_local"),
        ("setattr", "table_names"),
    }


def test_no_code_of_the_site_reaches_into_datasettes_objects():
    for path in SITE_CODE:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\.__dict__\b", text.replace("column.__dict__", "")), path
