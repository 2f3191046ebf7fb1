"""Read a curated file: YAML checked against its JSON Schema, with errors that name the file and the line.

A curated file is an input like a seed: a missing key or a misspelt value must stop the build with
``file:line: expected ...``, never a ``KeyError`` three stages later. Each ``etl/curated/<name>.yml`` that
has ``etl/curated/schemas/<name>.schema.json`` is validated against it when it is read.
"""

from __future__ import annotations

import copy
import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from etl.errors import ParseError
from etl.paths import CURATED

SCHEMAS = CURATED / "schemas"


# libyaml's loader where the platform has it (it does on every supported machine); the same YAML either way.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A curated file names each fact once: YAML lets a later key silently replace an earlier one, so a key twice
# in one mapping is refused. Aliases (``*name``) save repeating a source; a few dozen are plenty, and a file
# of aliases of aliases (a "billion laughs") would take minutes and gigabytes to check.
MAX_ALIASES = 50


def load_curated(name: str, folder: Path = CURATED) -> Any:
    """The data of ``<folder>/<name>``, validated against its schema when it has one.

    Read once per process for each version of the file (its size and modification time), and handed out
    as a copy, so that a caller that annotates the data cannot change what the next caller reads.
    """
    path = folder / name
    stat = path.stat()
    return copy.deepcopy(_load_checked(path, stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=64)
def _load_checked(path: Path, mtime_ns: int, size: int) -> Any:
    text = read_utf8(path)
    try:
        refuse_repeated_keys_and_alias_bombs(path, text)
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ParseError(
            path, mark.line + 1 if mark else None, "well-formed YAML", str(error).splitlines()[0]
        ) from error
    schema_path = SCHEMAS / (path.stem + ".schema.json")
    if schema_path.is_file():
        validator = jsonschema.Draft202012Validator(_schema(schema_path))
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
        if errors:
            first = errors[0]
            where = "/".join(str(part) for part in first.absolute_path) or "the top level"
            raise ParseError(
                path,
                line_of_node(yaml.compose(text), list(first.absolute_path)),
                f"{_expectation(first)} at {where} (schema {schema_path.name})",
                _found(first),
            )
    return data


def read_utf8(path: Path) -> str:
    """A curated file's text; a byte that is not UTF-8 stops the build with its line."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ParseError(
            path, data.count(b"\n", 0, error.start) + 1, "UTF-8 text", data[error.start : error.start + 1].hex()
        ) from error


def refuse_repeated_keys_and_alias_bombs(path: Path, text: str) -> None:
    """Stop at a key given twice in one mapping (YAML would keep the last silently) or at too many aliases."""
    aliases = [event for event in yaml.parse(text, Loader=_LOADER) if isinstance(event, yaml.AliasEvent)]
    if len(aliases) > MAX_ALIASES:
        mark = aliases[MAX_ALIASES].start_mark  # (a parsed event always has one)
        raise ParseError(
            path, mark.line + 1 if mark else None, f"at most {MAX_ALIASES} aliases (*name) in a curated file"
        )
    stack, seen_nodes = [yaml.compose(text, Loader=_LOADER)], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            lines: dict[str, int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value in lines:
                    raise ParseError(
                        path,
                        key.start_mark.line + 1,
                        f"each key once in a mapping (it is also at line {lines[key.value]})",
                        key.value,
                    )
                lines[key.value if isinstance(key, yaml.ScalarNode) else str(id(key))] = key.start_mark.line + 1
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def entry_lines(name: str, key: str | None = None, folder: Path = CURATED) -> list[int]:
    """The line where each entry of a curated list starts (of ``data[key]`` when the list is under a key)."""
    path = folder / name
    stat = path.stat()
    return list(_entry_lines(path, key, stat.st_mtime_ns, stat.st_size))


def entry_lines_of_mapping(name: str, folder: Path = CURATED) -> list[int]:
    """The line of each key of a curated mapping, in order."""
    node = yaml.compose((folder / name).read_text(encoding="utf-8"), Loader=_LOADER)
    return [key.start_mark.line + 1 for key, _ in node.value] if node is not None else []  # (None: an empty file)


@lru_cache(maxsize=64)
def _entry_lines(path: Path, key: str | None, mtime_ns: int, size: int) -> tuple[int, ...]:
    node = yaml.compose(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if node is None:  # an empty file: no entries
        return ()
    if key is not None:
        node = next(value for item_key, value in node.value if item_key.value == key)
    return tuple(item.start_mark.line + 1 for item in node.value)


def line_of_node(node: yaml.Node | None, path: list[Any]) -> int | None:
    """The 1-based line of the YAML node at a JSON path (the deepest one that exists)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in path:
        if isinstance(node, yaml.MappingNode):
            found = next((value for key, value in node.value if key.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            found = node.value[part]
        else:
            found = None
        if found is None:
            break
        node, line = found, found.start_mark.line + 1
    return line


@cache
def _schema(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _expectation(error: jsonschema.ValidationError) -> str:
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in (error.instance or {})]
        return f"the key {missing[0]!r}" if missing else "the required keys"
    if error.validator == "dependentRequired":
        return "the key " + " and ".join(
            repr(key) for keys in error.validator_value.values() for key in keys if key not in (error.instance or {})
        )
    if error.validator == "enum":
        return "one of " + ", ".join(repr(value) for value in error.validator_value)
    if error.validator == "additionalProperties":
        return "only the keys " + ", ".join(sorted(error.schema.get("properties", {})))
    if error.validator == "type":
        return f"a value of type {error.validator_value}"
    if error.validator == "pattern":
        return f"a value matching {error.validator_value}"
    return error.message


def _found(error: jsonschema.ValidationError) -> str | None:
    if error.validator in ("required", "additionalProperties"):
        return None
    return str(error.instance)[:80]
