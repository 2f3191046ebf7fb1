"""The one error the pipeline raises for bad input: it names the file, the line and what was expected."""

from __future__ import annotations

from pathlib import Path


class BuildError(Exception):
    """Any reason a build stops: the previous database stays untouched."""


class ParseError(BuildError):
    """Bad input: names the file, the line and what was expected, so the fix is obvious."""

    def __init__(self, path: Path | str, line: int | None, expected: str, found: str | None = None):
        self.path = str(path)
        self.line = line
        self.expected = expected
        self.found = found
        where = f"{self.path}:{line}" if line is not None else self.path
        message = f"{where}: expected {expected}"
        if found is not None:
            message += f"; found {found!r}"
        super().__init__(message)

    def __reduce__(self):
        # Rebuilt from its parts when it crosses from a worker process of the build to the parent.
        return (type(self), (self.path, self.line, self.expected, self.found))


def line_of(text: str, offset: int) -> int:
    """The 1-based line number of a character offset.

    >>> line_of("a\\nb\\nc", 2)
    2
    """
    return text.count("\n", 0, offset) + 1


class InvariantError(BuildError):
    """The rows broke a rule the dataset promises; the message says which row and which rule.

    A failed invariant is a bug in the pipeline or in the curated data, never something to load anyway.
    """
