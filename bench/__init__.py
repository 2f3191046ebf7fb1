"""Benchmarks of the havana-1962 build and site (``make bench``): see ``bench/__main__.py``.

The benchmarks start their servers with the tests' harness and read the corpus as the tests do, so tests/ is
put on the path here, once, for every module of the package (``python -m bench``, ``python -m bench.lighthouse``).
"""

import sys
from pathlib import Path

TESTS = str(Path(__file__).resolve().parent.parent / "tests")
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)
