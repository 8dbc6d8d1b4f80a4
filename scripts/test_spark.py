"""Build the demo on Spark and on DuckDB and assert identical export rows.

    python scripts/test_spark.py --spark-dbt .venv-spark/bin/dbt --duckdb-dbt .venv/bin/dbt

Steps: (1) the Python loaders write the demo's raw rows as Parquet
(scripts/spark_load_raw.py; Spark runs no Python models); (2) `dbt build` on
the `spark` target (dbt-spark session: a local pyspark), from an empty
warehouse and metastore under target/spark/; (3) `dbt build` on DuckDB into
its own file; (4) the rows of export_amplitude__events and
export_amplitude__identifies must be equal row for row on insert_id,
event_type, user_id, device_id, time, event_properties and user_properties.
Between (2) and (3), scripts/spark_phone_agreement.py runs the phone parser
macro on Spark over tests/fixtures/phones/phone_corpus.csv against
`phonenumbers` and fails below 99% agreement.
JSON is compared parsed (a `json` column on DuckDB, text on Spark; key order
and spacing do not count). Spark's tables are read from the Parquet files it
wrote, so no second JVM is started. Exit status 1 on any difference.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "src"))

from spark_load_raw import write_all  # noqa: E402
from spark_phone_agreement import check as check_phone_agreement  # noqa: E402

EXPORTS = ["export_amplitude__events", "export_amplitude__identifies"]
COLUMNS = ["insert_id", "event_type", "user_id", "device_id", "time", "event_properties", "user_properties"]
JSON_COLUMNS = {"event_properties", "user_properties"}


def run(cmd, env):
    print("+", " ".join(cmd), flush=True)
    started = time.monotonic()
    result = subprocess.run(cmd, cwd=ROOT, env=env)
    elapsed = time.monotonic() - started
    print(f"  ({elapsed:.0f} s, rc {result.returncode})", flush=True)
    if result.returncode != 0:
        sys.exit(f"command failed: {' '.join(cmd)}")
    return elapsed


def normalized(rows):
    """Rows as comparable lists sorted on insert_id; JSON parsed and re-serialized
    with sorted keys, so key order and spacing do not count but types do
    (Python alone would take true for 1 and 1.0 for 1)."""
    out = []
    for row in rows:
        values = []
        for name, value in zip(COLUMNS, row):
            if name in JSON_COLUMNS and value is not None:
                value = json.dumps(json.loads(value), sort_keys=True)
            values.append(value)
        out.append(values)
    return sorted(out, key=lambda values: values[0])


def duckdb_rows(database, model):
    with duckdb.connect(str(database), read_only=True) as con:
        sql = f"select {', '.join(f'cast({c} as varchar)' if c in JSON_COLUMNS else c for c in COLUMNS)} from main.{model}"
        return con.execute(sql).fetchall()


def spark_rows(warehouse, model):
    folder = warehouse / "identity.db" / model
    files = sorted(str(p) for p in folder.glob("*.parquet"))
    if not files:
        sys.exit(f"Spark wrote no Parquet files for {model} under {folder}")
    with duckdb.connect() as con:
        return con.execute(
            f"select {', '.join(COLUMNS)} from read_parquet(?)", [files]
        ).fetchall()


def compare(model, spark, duck):
    spark, duck = normalized(spark), normalized(duck)
    print(f"{model}: spark {len(spark)} rows, duckdb {len(duck)} rows")
    problems = []
    if not duck:
        problems.append(f"{model}: DuckDB exported no rows; the comparison would prove nothing")
    spark_ids = {row[0]: row for row in spark}
    duck_ids = {row[0]: row for row in duck}
    for insert_id in sorted(set(spark_ids) | set(duck_ids)):
        s, d = spark_ids.get(insert_id), duck_ids.get(insert_id)
        if s is None or d is None:
            problems.append(f"{model} {insert_id}: only on {'duckdb' if s is None else 'spark'}: {s or d}")
            continue
        for name, sv, dv in zip(COLUMNS, s, d):
            if sv != dv:
                problems.append(f"{model} {insert_id} {name}: spark {sv!r} != duckdb {dv!r}")
    if len(spark) != len(spark_ids) or len(duck) != len(duck_ids):
        problems.append(f"{model}: duplicate insert_id")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spark-dbt", default=os.environ.get("SPARK_DBT", ".venv-spark/bin/dbt"))
    parser.add_argument("--duckdb-dbt", default=os.environ.get("DUCKDB_DBT", ".venv/bin/dbt"))
    parser.add_argument("--work", default="target/spark", help="scratch folder for both builds")
    parser.add_argument("--reuse-spark", action="store_true", help="compare the last Spark build, do not rebuild it")
    args = parser.parse_args()

    work = (ROOT / args.work).resolve()
    warehouse = work / "warehouse"
    env = dict(os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="false", PYTHONPATH=str(ROOT / "src"))
    timings = {}

    if not args.reuse_spark:
        for stale in (warehouse, work / "metastore_db", work / "raw"):
            shutil.rmtree(stale, ignore_errors=True)
        write_all(str(ROOT / "demo" / "raw"), str(work / "raw"))
        spark_env = dict(
            env,
            DBT_TARGET="spark",
            DBT_SPARK_WAREHOUSE=str(warehouse),
            DBT_SPARK_METASTORE=str(work),
        )
        timings["spark build"] = run(
            [args.spark_dbt, "build", "--target-path", str(work / "dbt"), "--log-path", str(work / "logs"),
             "--vars", f"{{identity__spark_raw_path: '{work / 'raw'}'}}"],
            spark_env,
        )

    started = time.monotonic()
    phones_ok = check_phone_agreement(args.spark_dbt, work)
    timings["spark phone agreement"] = time.monotonic() - started

    database = work / "compare.duckdb"
    database.unlink(missing_ok=True)
    duck_env = dict(env, DBT_TARGET="duckdb", DBT_DUCKDB_PATH=str(database))
    timings["duckdb build"] = run(
        [args.duckdb_dbt, "build", "--target-path", str(work / "dbt-duckdb"), "--log-path", str(work / "logs"),
         "--vars", f"{{identity__export_path: '{work / 'exports'}'}}"],
        duck_env,
    )

    problems = [] if phones_ok else ["phone agreement on Spark below 99% (see above)"]
    for model in EXPORTS:
        problems += compare(model, spark_rows(warehouse, model), duckdb_rows(database, model))
    for step, seconds in timings.items():
        print(f"{step}: {seconds:.0f} s")
    if problems:
        print("\n".join(problems))
        sys.exit(f"{len(problems)} problem(s): Spark and DuckDB exports differ or phone agreement is low")
    print("Spark and DuckDB export rows are identical; phone agreement on Spark is at least 99%.")


if __name__ == "__main__":
    main()
