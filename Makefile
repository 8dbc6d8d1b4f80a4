# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DBT := $(BIN)/dbt
export DBT_DUCKDB_PATH ?= target/identity.duckdb
export IDENTITY_EXPORT_PATH ?= target/exports
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: setup run build lint test test-python test-spark bench clean

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

## The style of CONTRIBUTING.md: YAML with yamllint (2-space indent, lines of at most 80 characters), then
## SQL with SQLFluff (.sqlfluff) over models/ and tests/ (macros/ holds macro definitions, which the dbt
## templater skips; .sqlfluffignore says what else is left out and why). The templater compiles the
## project against a scratch database. actionlint checks .github/workflows (the nightly job). Last, the
## documentation coverage of a fresh parse against its floors (scripts/coverage_floor.json, which only rises).
LINT_DUCKDB_PATH ?= target/lint.duckdb
lint: setup
	$(BIN)/yamllint .
	$(BIN)/actionlint
	mkdir -p target
	DBT_DUCKDB_PATH=$(LINT_DUCKDB_PATH) $(BIN)/sqlfluff lint models tests
	DBT_DUCKDB_PATH=$(LINT_DUCKDB_PATH) $(DBT) parse --quiet --target-path target/lint
	$(BIN)/python scripts/check_project.py target/lint/manifest.json --coverage

## Every check: the lint, dbt build (data and unit tests) on the demo, then pytest on PYTEST_WORKERS
## processes (pytest-xdist; every test builds its own database, target path and export folder). A file's
## tests stay on one worker (--dist loadfile): most share one module-scoped build.
PYTEST_WORKERS ?= 2
test: setup lint
	mkdir -p target
	$(DBT) build --vars '{identity__export_path: $(IDENTITY_EXPORT_PATH)}'
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile tests_py

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
