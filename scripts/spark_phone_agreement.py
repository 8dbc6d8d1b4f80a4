"""Agreement of the SQL phone parser with libphonenumber, run on Spark.

    python scripts/spark_phone_agreement.py --spark-dbt .venv-spark/bin/dbt [--seed]

The same macro (parse_phone_numbers, dispatched to spark__parse_phone_numbers)
over the same corpus (tests/fixtures/phones/phone_corpus.csv) as
tests_py/test_phone_agreement.py does on DuckDB. The corpus goes into the
query as an inline VALUES relation (each value a binary literal X'..' of its
UTF-8 bytes, decoded in Spark, so no string-literal escaping is involved), and the query runs with
`dbt show --inline ... --limit -1 --output json` on the `spark` target: one
dbt-spark session, no second JVM on the Derby metastore. The metadata seed
phone_region_metadata must be in the warehouse (scripts/test_spark.py builds
it with the demo; --seed loads it first with `dbt seed`).

The oracle is the `phonenumbers` package, computed here: parse with the
region hint (or the default region US), is_valid_number, format E164; a
parse failure or invalid number must be a rejection (NULL phone_e164 with a
reason). Prints `phone agreement on Spark: N/M = P%` and each disagreement;
exit status 1 below 99%.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import phonenumbers

ROOT = Path(__file__).resolve().parent.parent
# The oracle, corpus, generated numbers and threshold are the DuckDB test's own.
sys.path.insert(0, str(ROOT / "tests_py"))
from test_phone_agreement import MIN_AGREEMENT, generated_numbers, oracle_e164, read_corpus  # noqa: E402


def spark_bytes(value):
    """A Spark binary literal of the UTF-8 bytes of value (or NULL): no escaping."""
    if value is None:
        return "cast(null as binary)"
    return f"X'{value.encode('utf-8').hex()}'"


def show_sql(relation):
    return (
        "select phone_raw, region_hint, phone_e164, phone_rejection_reason\n"
        "from (\n{{ parse_phone_numbers(\"" + relation + "\") }}\n) as parsed"
    )


def parquet_relation(rows, path):
    """Write rows to a Parquet file Spark reads as `parquet.`path`` (for sets
    too big for a command line)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.table({
        "phone_raw": pa.array([raw for raw, _ in rows], pa.string()),
        "region_hint": pa.array([hint for _, hint in rows], pa.string()),
    })
    pq.write_table(table, path)
    return f"parquet.`{path}`"


def inline_relation(rows):
    values = ",\n".join(f"({spark_bytes(raw)}, {spark_bytes(hint)})" for raw, hint in rows)
    corpus = (
        "(select decode(raw_bytes, 'UTF-8') as phone_raw, decode(hint_bytes, 'UTF-8') as region_hint"
        f" from values\n{values}\nas qa_phone_corpus(raw_bytes, hint_bytes))"
    )
    return corpus.replace("\n", " ")


def parse_show_output(stdout):
    """The JSON object dbt show prints ({"show": [...]}), among log lines."""
    start = stdout.find('{\n  "show"')
    if start < 0:
        start = stdout.find('{"show"')
    if start < 0:
        raise ValueError("no JSON result in dbt show output:\n" + stdout[-3000:])
    decoded, _ = json.JSONDecoder().raw_decode(stdout[start:])
    return decoded["show"]


def run_on_spark(spark_dbt, env, relation, seed, target_path, log_path):
    common = ["--target-path", str(target_path), "--log-path", str(log_path)]
    if seed:
        cmd = [spark_dbt, "seed", "--select", "phone_region_metadata", "--full-refresh", *common]
        print("+", " ".join(cmd), flush=True)
        subprocess.run(cmd, cwd=ROOT, env=env, check=True)
    cmd = [spark_dbt, "show", "--inline", show_sql(relation), "--limit", "-1", "--output", "json", *common]
    print("+", " ".join(cmd[:3]), "<parse_phone_numbers over the corpus>", " ".join(cmd[4:]), flush=True)
    started = time.monotonic()
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    print(f"  ({time.monotonic() - started:.0f} s, rc {result.returncode})", flush=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-5000:] + result.stderr[-5000:])
        sys.exit("dbt show of parse_phone_numbers on Spark failed")
    return parse_show_output(result.stdout)


def report(rows, results, label="phone agreement on Spark"):
    """Print the figure and the disagreements; return the agreement ratio."""
    by_key = {}
    for record in results:
        by_key[(record["phone_raw"], record["region_hint"])] = (
            record["phone_e164"], record["phone_rejection_reason"])
    problems = []
    if len(results) != len(set(rows)):
        problems.append(f"expected one output row per distinct input: {len(results)} rows for {len(set(rows))} inputs")
    disagreements = []
    for raw, hint in rows:
        expected = oracle_e164(raw, hint)
        actual, reason = by_key.get((raw, hint), (None, "<missing row>"))
        if actual != expected or (actual is None) == (reason is None):
            disagreements.append((raw, hint, expected, actual, reason))
    agreed = len(rows) - len(disagreements)
    agreement = agreed / len(rows)
    accepted = sum(1 for record in results if record["phone_e164"] is not None)
    print(f"{label}: {agreed}/{len(rows)} = {agreement:.2%} "
          f"(phonenumbers {phonenumbers.__version__}; Spark accepted {accepted}, rejected {len(results) - accepted})")
    for raw, hint, expected, actual, reason in disagreements[:100]:
        print(f"  {raw!r} hint={hint!r}: phonenumbers={expected} spark={actual} ({reason})")
    for problem in problems:
        print(problem)
    return agreement if not problems else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spark-dbt", default=os.environ.get("SPARK_DBT", ".venv-spark/bin/dbt"))
    parser.add_argument("--work", default="target/spark", help="warehouse and metastore folder (as test_spark.py)")
    parser.add_argument("--seed", action="store_true", help="load the phone_region_metadata seed first")
    parser.add_argument("--generated", action="store_true",
                        help="also the ~19k numbers tests_py/test_phone_agreement.py generates (through Parquet)")
    args = parser.parse_args()
    work = (ROOT / args.work).resolve()
    ok = check(args.spark_dbt, work, seed=args.seed)
    if args.generated:
        ok = check(args.spark_dbt, work, generated=True) and ok
    sys.exit(0 if ok else 1)


def check(spark_dbt, work, seed=False, generated=False):
    """Run the agreement on the Spark warehouse under work; True if >= 99%.
    generated: the numbers generated by tests_py/test_phone_agreement.py
    instead of the corpus."""
    env = dict(
        os.environ,
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        PYTHONPATH=str(ROOT / "src"),
        DBT_TARGET="spark",
        DBT_SPARK_WAREHOUSE=str(work / "warehouse"),
        DBT_SPARK_METASTORE=str(work),
    )
    if generated:
        rows = generated_numbers()
        relation = parquet_relation(rows, work / "phone_generated.parquet")
        label = "generated numbers agreement on Spark"
    else:
        rows = read_corpus()
        relation = inline_relation(rows)
        label = "phone agreement on Spark"
    results = run_on_spark(spark_dbt, env, relation, seed, work / "dbt", work / "logs")
    return report(rows, results, label) >= MIN_AGREEMENT


if __name__ == "__main__":
    main()
