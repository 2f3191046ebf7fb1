# havana-1962: the targets below are the project's public interface.
# `make serve` and `make test` set everything up from nothing (virtual environment, pinned packages,
# Debian's Chromium for the browser tests), so a fresh clone needs no other step.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB := build/havana-1962.db
INSTALLED := $(VENV)/.installed
ETL_SOURCES := $(wildcard etl/*.py etl/*/*.py etl/curated/*.yml)
SEEDS := $(wildcard seeds/*.txt) seeds/SHA256SUMS

.PHONY: help venv build data read validate serve publish lint test test-fast browser tools ids release bench clean corpus site

# The shared corpus of real records that the reader's tests read (tests/corpus.py); never committed.
HAVANA_CORPUS ?= ../shared/corpus/jfk-russia-1963
export HAVANA_CORPUS

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

venv: $(INSTALLED) ## Create .venv with the exact pinned packages

$(INSTALLED): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --editable .
	# For its copy of the Citation File Format 1.2.0 schema only, which the tests read (never imported: its
	# own dependencies would pin an older jsonschema).
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps cffconvert==2.0.0
	touch $@

build: $(DB) ## Build the SQLite database from seeds/ (build/havana-1962.db)

$(DB): $(INSTALLED) $(SEEDS) $(ETL_SOURCES)
	$(PY) -m etl build --strict --seeds seeds --out $(DB)

# The data dictionary, generated from etl/schema.py alone; `make data` writes it too.
DICTIONARY := docs/data-dictionary.md

# Every file `make data` writes, from the built database and the curated facts (one rule, one run).
GENERATED := datapackage.json metadata.yml CITATION.cff .zenodo.json $(patsubst %,data/%.csv,documents participants participant_names document_participants utterances note_types editorial_notes protocol_articles article_references seed_spans dataset_versions turns)

data: $(GENERATED) $(DICTIONARY) ## Regenerate the committed data/*.csv, datapackage.json, metadata.yml, CITATION.cff and .zenodo.json from the built database, and the data dictionary from the schema

$(GENERATED) &: $(DB) $(wildcard etl/curated/*.yml)
	$(PY) -m etl data --db $(DB)
	@touch $(GENERATED)

# The data dictionary in full, and the README's table of tables between its dictionary markers.
$(DICTIONARY): $(INSTALLED) etl/schema.py etl/publish/docs.py $(wildcard etl/curated/*.yml)
	$(PY) -m etl dictionary

read: $(INSTALLED) ## Show how one record is read before it is added: make read RECORD=path/to/record.txt
	$(PY) -m etl read $(RECORD)

validate: $(DB) ## Validate datapackage.json with frictionless (foreign keys included)
	$(VENV)/bin/frictionless validate datapackage.json

serve: $(DB) ## Serve the dataset with Datasette on http://127.0.0.1:8001
	$(PY) -m etl serve --db $(DB) --port 8001

publish: $(DB) ## Build the release's container image with datasette package (Docker needed; ENGINE=cloudrun deploys to Cloud Run)
	$(PY) -m etl publish --db $(DB) --engine $(or $(ENGINE),package)

lint: $(INSTALLED) ## Check style (ruff's rules and formatter, configured in pyproject.toml) and the types of etl/ (mypy); part of make test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy etl

browser: ## Install Debian's Chromium for the browser tests when it is missing
	@command -v chromium >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q chromium; }

test: lint $(DB) browser node_modules/.installed ## Build, then run the whole test suite (browser tests included; the corpus tests skip, saying why, without the corpus)
	$(PY) -m pytest

test-fast: $(INSTALLED) $(DB) ## The quick tier while changing code: every test but the browser and slow ones (pytest -m "not browser and not slow")
	$(PY) -m pytest -m "not browser and not slow"

corpus: $(INSTALLED) ## Fetch the shared corpus of real records into $(HAVANA_CORPUS), checked against tests/fixtures/records/jfk-russia-1963/SHA256SUMS
	$(PY) tests/corpus.py

ids: $(DB) ## Record the ids of the current version in tests/ids/<version>.json (REPLACE=1 before it is published)
	$(PY) -c "from etl.publish.release import write_stable_ids; print(write_stable_ids('$(DB)', 'tests/ids', replace=$(if $(REPLACE),True,False)))"

release: $(DB) ## Write dist/havana-1962-<version>.zip (the static edition inside), byte-identical for the same commit
	$(PY) -m etl release --db $(DB) --out dist

site: $(DB) ## Write the static edition to build/site/: pages, citations, downloads and search, for any static host
	$(PY) -m etl site --db $(DB) --out build/site

tools: node_modules/.installed ## Install Debian's nginx and wrk for the serving benchmark when they are missing, and the pinned npm tools (axe-core, Lighthouse)
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { apt-get update -q && apt-get install -y -q nginx; }
	@command -v wrk >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q wrk; }

# axe-core (tests/test_accessibility.py) and Lighthouse (bench/lighthouse.py), exactly as package-lock.json pins them.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q nodejs npm; }
	npm ci --no-audit --no-fund
	touch $@

bench: $(INSTALLED) tools $(DB) ## Run the benchmarks, Lighthouse on each kind of page last; results in bench/results/*.json
	$(PY) -m bench
	$(PY) -m bench.lighthouse --db $(DB)

clean: ## Remove build outputs (not the virtual environment)
	rm -rf build dist
