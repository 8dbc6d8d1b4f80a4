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

Both builds hash with the same random IDENTITY_HASH_KEY (a new one per run), so
the comparison covers the HMAC path of every hash; afterwards every file under
the scratch folder (dbt target and logs, Spark warehouse and Derby metastore,
the DuckDB file), every row of the Spark warehouse and of the DuckDB file, and
both builds' output are searched for the key and its pads (tests_py/secret_scan.py):
none may be found. The plain SHA-256 path runs on Spark through one `dbt show` of
hash_identifier over the README's unkeyed test vectors, without a key.
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests_py"))

from secret_scan import scan_duckdb, scan_files, scan_parquet_folder, secret_needles  # noqa: E402
from spark_load_raw import write_all  # noqa: E402
from spark_phone_agreement import check as check_phone_agreement  # noqa: E402
from spark_phone_agreement import parse_show_output  # noqa: E402
from test_hashing import doc_vectors, reference_device_id  # noqa: E402

FINGERPRINT_LABEL = "identity_stitching hash key fingerprint v1"

EXPORTS = ["export_amplitude__events", "export_amplitude__identifies"]
COLUMNS = ["insert_id", "event_type", "user_id", "device_id", "time", "event_properties", "user_properties"]
JSON_COLUMNS = {"event_properties", "user_properties"}


def run(cmd, env, output=None):
    """Run cmd, echoing its output; when `output` (a list) is given, its text is appended to it."""
    print("+", " ".join(cmd), flush=True)
    started = time.monotonic()
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in process.stdout:
        sys.stdout.write(line)
        if output is not None:
            output.append(line)
    returncode = process.wait()
    elapsed = time.monotonic() - started
    print(f"  ({elapsed:.0f} s, rc {returncode})", flush=True)
    if returncode != 0:
        sys.exit(f"command failed: {' '.join(cmd)}")
    return elapsed


def spark_plain_vectors(spark_dbt, work):
    """Problems of hash_identifier on Spark without a key against the README's unkeyed vectors
    (one `dbt show`, which runs no hook, so the inline SQL declares the session variables)."""
    vectors = [(value, expected) for value, key, expected in doc_vectors() if key is None]
    selects = " union all ".join(
        f"select {index} as position, {{{{ hash_identifier(\"'{value}'\") }}}} as digest"
        for index, (value, _) in enumerate(vectors)
    )
    env = dict(
        os.environ,
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        PYTHONPATH=str(ROOT / "src"),
        DBT_TARGET="spark",
        DBT_SPARK_WAREHOUSE=str(work / "warehouse"),
        DBT_SPARK_METASTORE=str(work),
    )
    env.pop("IDENTITY_HASH_KEY", None)
    cmd = [spark_dbt, "show", "--inline", "{% do hash_key_setup() %}" + selects + " order by position",
           "--limit", "-1", "--output", "json", "--target-path", str(work / "dbt"), "--log-path", str(work / "logs")]
    print("+", spark_dbt, "show --inline <hash_identifier over the README's unkeyed vectors>", flush=True)
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        return [f"dbt show of hash_identifier on Spark failed:\n{result.stdout[-4000:]}{result.stderr[-2000:]}"]
    digests = [row["digest"] for row in parse_show_output(result.stdout)]
    expected = [digest for _, digest in vectors]
    print(f"unkeyed hash vectors on Spark: {sum(a == b for a, b in zip(digests, expected))}/{len(expected)}")
    return [] if digests == expected else [f"unkeyed hash vectors on Spark: {digests} != {expected}"]


def secret_problems(key, work, warehouse, database, outputs):
    """Every place the builds wrote, searched for the key and its pads."""
    needles = secret_needles(key)
    findings, files = scan_files([work], needles)
    rows, tables = scan_parquet_folder(warehouse, needles)
    relations, duck_relations = scan_duckdb(database, needles)
    said = [name for name, needle in needles.items() if needle in "".join(outputs).encode()]
    print(f"hash key secrecy: searched {files} files, {len(tables)} Spark tables, "
          f"{len(duck_relations)} DuckDB relations and both builds' output")
    problems = [f"the hash key ({', '.join(names)}) is in {where}" for where, names in findings + rows + relations]
    if said:
        problems.append(f"the hash key ({', '.join(said)}) is in a build's output")
    if files < 100 or not tables or not duck_relations:
        problems.append("the secrecy scan read too little to prove anything")
    return problems


def spark_key_log(warehouse, key):
    """Problems of the Spark build's identity_hash_keys (one hmac-sha256 row, the key's fingerprint)."""
    rows = spark_table(warehouse, "identity_hash_keys", ["hash_version", "key_fingerprint"])
    expected = [("hmac-sha256", reference_device_id()(FINGERPRINT_LABEL, key))]
    return [] if rows == expected else [f"identity_hash_keys on Spark: {rows} != {expected}"]


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


def spark_table(warehouse, model, columns):
    folder = warehouse / "identity.db" / model
    files = sorted(str(p) for p in folder.glob("*.parquet"))
    if not files:
        sys.exit(f"Spark wrote no Parquet files for {model} under {folder}")
    with duckdb.connect() as con:
        return con.execute(
            f"select {', '.join(columns)} from read_parquet(?)", [files]
        ).fetchall()


def spark_rows(warehouse, model):
    return spark_table(warehouse, model, COLUMNS)


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
    # A new key per run, for both builds. It is a test key, kept next to the scratch folder (which is
    # scanned for it) so that --reuse-spark compares with the key the reused build was made with.
    key_file = work.parent / f"{work.name}_hash_key.txt"
    if args.reuse_spark and key_file.exists():
        key = key_file.read_text().strip()
    else:
        key = secrets.token_urlsafe(32)
    env["IDENTITY_HASH_KEY"] = key
    outputs = []
    timings = {}

    if not args.reuse_spark:
        for stale in (warehouse, work / "metastore_db", work / "raw", work / "dbt", work / "dbt-duckdb",
                      work / "logs", work / "exports"):
            shutil.rmtree(stale, ignore_errors=True)
        work.mkdir(parents=True, exist_ok=True)
        key_file.write_text(key)
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
            outputs,
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
        outputs,
    )

    started = time.monotonic()
    problems = spark_plain_vectors(args.spark_dbt, work)
    timings["spark unkeyed hash vectors"] = time.monotonic() - started
    if not phones_ok:
        problems.append("phone agreement on Spark below 99% (see above)")
    for model in EXPORTS:
        problems += compare(model, spark_rows(warehouse, model), duckdb_rows(database, model))
    problems += spark_key_log(warehouse, key)
    started = time.monotonic()
    problems += secret_problems(key, work, warehouse, database, outputs)
    timings["hash key secrecy scan"] = time.monotonic() - started
    for step, seconds in timings.items():
        print(f"{step}: {seconds:.0f} s")
    if problems:
        print("\n".join(problems))
        sys.exit(f"{len(problems)} problem(s): Spark and DuckDB exports differ, phone agreement is low, "
                 "or the hash key leaked")
    print("Spark and DuckDB export rows are identical (HMAC with a random key); phone agreement on Spark is at "
          "least 99%; unkeyed hash vectors hold on Spark; no form of the key was found.")


if __name__ == "__main__":
    main()
