"""Run the pipeline's command line: ``python -m etl build``."""

from etl.cli import main

main()
