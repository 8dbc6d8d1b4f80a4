# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DBT := $(BIN)/dbt
export DBT_DUCKDB_PATH ?= target/identity.duckdb
export IDENTITY_EXPORT_PATH ?= target/exports
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: setup run build lint test test-slow test-all test-spark bench push report explain clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

## Build the pipeline on the bundled demo exports, write the export files, print a summary.
run: setup
	mkdir -p target
	$(DBT) build --vars '{identity__export_path: $(IDENTITY_EXPORT_PATH)}'
	$(BIN)/python scripts/summary.py

## Send the rows of the export relations that Amplitude has not answered yet to its API, through its SDK,
## with a ledger (docs/push.md): AMPLITUDE_API_KEY, AMPLITUDE_SERVER_ZONE=EU for the EU data center;
## `make push PUSH_ARGS=--dry-run` prints what it would send.
push: setup
	$(BIN)/python -m identity_stitching.push $(PUSH_ARGS)

## The health report of the built warehouse (docs/report.md): one self-contained HTML page (charts inlined
## as SVG, nothing fetched) and the same figures as Markdown for a CI job summary.
REPORT_DIR ?= target/report
report: setup
	PYTHONPATH=src $(BIN)/python -m identity_stitching.report --output $(REPORT_DIR)/index.html --markdown $(REPORT_DIR)/summary.md

## Why a value is in its person: `make explain EMAIL=a@b.com` (or PHONE=, USER_ID=, DEVICE_ID=; SHOW_PII=1
## shows other people's emails and phones unmasked). The value is hashed in Python and never passed to dbt.
explain: setup
	@PYTHONPATH=src $(BIN)/python -m identity_stitching.explain \
		$(if $(EMAIL),--email '$(EMAIL)') $(if $(PHONE),--phone '$(PHONE)') \
		$(if $(USER_ID),--user-id '$(USER_ID)') $(if $(DEVICE_ID),--device-id '$(DEVICE_ID)') \
		$(if $(SHOW_PII),--show-pii)

## The style of CONTRIBUTING.md: YAML with yamllint (2-space indent, lines of at most 80 characters), then
## SQL with SQLFluff (.sqlfluff) over models/ and tests/ (macros/ holds macro definitions, which the dbt
## templater skips; .sqlfluffignore says what else is left out and why). The templater compiles the
## project against a scratch database, then lints the files on LINT_PROCESSES processes. actionlint checks
## .github/workflows (the nightly job). Last, the documentation coverage of a fresh parse against its floors
## (scripts/coverage_floor.json, which only rises).
LINT_DUCKDB_PATH ?= target/lint.duckdb
LINT_PROCESSES ?= 2
lint: setup
	$(BIN)/yamllint .
	$(BIN)/actionlint
	mkdir -p target
	DBT_DUCKDB_PATH=$(LINT_DUCKDB_PATH) $(BIN)/sqlfluff lint --processes $(LINT_PROCESSES) models tests
	DBT_DUCKDB_PATH=$(LINT_DUCKDB_PATH) $(DBT) parse --quiet --target-path target/lint
	$(BIN)/python scripts/check_project.py target/lint/manifest.json --coverage

## The fast checks: the lint, dbt build (data and unit tests) on the demo, then pytest on PYTEST_WORKERS
## processes (pytest-xdist), leaving out the tests marked `slow` (make test-slow). A file's tests stay on one
## worker (--dist loadfile): most share one module-scoped build, and tests_py/conftest.py builds the demo
## once for the session (demo_build, built_demo_copy). dbt runs are forks of a process that imported dbt
## once (tests_py/dbt_process.py). CONTRIBUTING.md, "Tests", says what each costs.
PYTEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile
test: setup lint
	mkdir -p target
	$(DBT) build --vars '{identity__export_path: $(IDENTITY_EXPORT_PATH)}'
	$(PYTEST) -m "not slow" tests_py

## The long scenarios (marked slow: many dbt builds each); CI runs them after make test.
test-slow: setup
	$(PYTEST) -m slow tests_py

## Every check: make test, then make test-slow.
test-all: test test-slow

## Benchmark (not a test): synthetic exports of BENCH_ROWS touch rows, full and incremental dbt build,
## measured against DuckDB's floor and scipy in the same run; then the graph step alone on a generated graph of
## BENCH_GRAPH_EDGES edges against scipy in the same run. Both write their section of BENCHMARKS.md.
## `make bench BENCH_ROWS=10000000`.
BENCH_ROWS ?= 1000000
BENCH_GRAPH_EDGES ?= 1000000
bench: setup
	$(BIN)/python bench/run_bench.py --rows $(BENCH_ROWS)
	$(BIN)/python bench/graph_bench.py --edges $(BENCH_GRAPH_EDGES) --work-dir bench/runs/graph_$(BENCH_GRAPH_EDGES) --markdown BENCHMARKS.md

## The demo on Spark (dbt-spark session, local pyspark; Java 17) and on DuckDB: export rows must be equal.
SPARK_VENV := .venv-spark

$(SPARK_VENV)/.installed: requirements-spark.txt
	$(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-spark.txt
	touch $@

test-spark: setup $(SPARK_VENV)/.installed
	mkdir -p target
	$(BIN)/python scripts/test_spark.py --spark-dbt $(SPARK_VENV)/bin/dbt --duckdb-dbt $(DBT)

clean:
	rm -rf target logs
