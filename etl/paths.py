"""Where the project's own files are: the repository, the curated data. Defined once, used everywhere."""

from __future__ import annotations

from pathlib import Path

# The package lives at <repository>/etl; the repository holds seeds/, templates/, plugins/ ...
REPOSITORY = Path(__file__).resolve().parent.parent

# The curated data: facts the records do not print, each entry with its source.
CURATED = REPOSITORY / "etl" / "curated"
