"""Run the Python loaders and write their rows as Parquet for the Spark target.

dbt-spark (session, thrift, Databricks SQL) runs no Python models, so the base
models that read the raw vendor files on DuckDB cannot run there. This script
runs the very same loaders for every source of the registry (var
identity__sources) and writes one Parquet folder per base model; on Spark,
staging reads them through engine_ref() (`parquet.`<path>``). Timestamps are
written as UTC instants.

    PYTHONPATH=src python scripts/spark_load_raw.py [--raw demo/raw] [--out target/spark/raw] [--zoom-date-order MDY]

On a cluster, write to (or copy the folder to) storage the cluster reads and
pass that location as var identity__spark_raw_path.
"""

import argparse
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from identity_stitching.loading.registered import read_source
from identity_stitching.registry import read_registry


def as_utc(table):
    """Naive timestamps (UTC by the loaders' contract) become UTC instants."""
    fields = [
        pa.field(f.name, pa.timestamp("us", tz="UTC")) if pa.types.is_timestamp(f.type) else f
        for f in table.schema
    ]
    return table.cast(pa.schema(fields))


def write_all(raw_path, out_path, zoom_date_order="MDY"):
    # erasure hook (docs/erasure.md): requests are honoured on DuckDB only, so never load past them
    requests = Path(raw_path) / "privacy" / "erasure_requests"
    if requests.is_dir() and any(path.is_file() for path in requests.rglob("*")):
        raise SystemExit(f"{requests} holds erasure requests, which only the DuckDB build honours: nothing loaded")
    out = Path(out_path)
    for source in read_registry():
        # var identity__zoom_date_order: the day/month order of the Zoom account's numeric dates
        options = {"date_order": zoom_date_order} if source.loader == "zoom_reports" else {}
        table = as_utc(read_source(raw_path, source, **options))
        folder = out / source.base_model
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        pq.write_table(table, folder / "part-0.parquet")
        print(f"{source.base_model}: {table.num_rows} rows -> {folder}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", default="demo/raw", help="raw export folder (var identity__raw_path)")
    parser.add_argument("--out", default="target/spark/raw", help="Parquet output folder")
    parser.add_argument("--zoom-date-order", default="MDY", choices=["MDY", "DMY"],
                        help="var identity__zoom_date_order: the Zoom account's numeric dates")
    args = parser.parse_args()
    write_all(args.raw, args.out, args.zoom_date_order)


if __name__ == "__main__":
    main()
