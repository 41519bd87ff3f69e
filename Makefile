# The few verbs people type. Everything installs from this repository's own files.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup run test lint sqllint pytest dbt-build bench soak docs clean sample browser

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,spark]'
	# TRL's data utilities (the tests check exports/hf/ with them) import without torch;
	# its declared dependencies would pull a deep-learning framework, so they are not installed
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -c constraints.txt trl
	touch $@

setup: $(STAMP)

## make run: set up, export the shipped sample, check the files, say where they are
run: setup
	$(BIN)/distill export-all
	$(BIN)/distill health
	@echo
	@echo "exports:   exports/{rag,sft,preference,quarantine}/*.jsonl, and exports/hf/ (a Hugging Face dataset)"
	@echo "receipts:  reports/distillation/<stage>/receipt.json, reports/distillation/latest.md"
	@echo "warehouse: warehouse/distill.duckdb  ->  $(BIN)/distill sql \"select reason, count(*) from quarantine group by 1\""

## make test: set up, then every check: dbt build on the sample, SQL and Python lint, pytest
test: setup dbt-build lint pytest

dbt-build: setup
	$(BIN)/dbt build --quiet --full-refresh

lint: sqllint
	$(BIN)/ruff check src tests tools
	$(BIN)/ruff format --check src tests tools

# the dbt templater compiles against the warehouse that dbt-build made (seeds are read there)
sqllint: dbt-build
	$(BIN)/sqlfluff lint models macros tests --disable-progress-bar --processes 2

# Two workers (pytest-xdist): most tests are one Python process waiting on dbt's single-threaded
# parsing and compiling, which leaves the second core idle; a module stays on one worker
# (--dist loadfile) with its module fixtures, in the order tests/pytest/conftest.py collects them
# (the longest first), not by their number of tests. PYTEST_WORKERS=0 runs them in this process.
PYTEST_WORKERS ?= 2
pytest: setup browser
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=15

## make browser: the report's test opens the page in a real browser, Debian's chromium; installed
## with apt-get when missing (as root, or through passwordless sudo), else the test skips, saying so
browser:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "browser: no chromium and no apt-get: tests/pytest/test_report.py will skip"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
	  echo "browser: apt-get could not install chromium: tests/pytest/test_report.py will skip"; \
	elif sudo -n true 2>/dev/null; then \
	  (sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null) || \
	  echo "browser: apt-get could not install chromium: tests/pytest/test_report.py will skip"; \
	else echo "browser: no chromium, and apt-get needs root: tests/pytest/test_report.py will skip"; fi

## make soak: the long runs of the fault tests (20 random kills, 200 property examples)
soak: setup
	DISTILL_KILL_LOOPS=20 DISTILL_PROPERTY_EXAMPLES=200 $(BIN)/pytest -q -k "random_moments or propert"

## make bench: issue 26's figures in one run (docs/performance.md); BENCH_ARGS chooses another bench
BENCH_ARGS ?= --suite
bench: setup
	$(BIN)/python -m tools.bench $(BENCH_ARGS)

## make docs: the lineage graph and the catalog (target/index.html; `dbt docs serve` shows it).
## It builds first: the secret regexes are compiled into the SQL from the loaded seed.
docs: dbt-build
	$(BIN)/dbt docs generate

## data/sample/ is generated and committed; this rebuilds it byte for byte
sample: setup
	$(BIN)/python -m tools.sample --out data/sample

clean:
	rm -rf target logs warehouse exports reports .pytest_cache
