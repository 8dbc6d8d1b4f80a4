"""Run the Python loaders and write their rows as Parquet for the Spark target.

dbt-spark (session, thrift, Databricks SQL) runs no Python models, so the base
models that read the raw vendor files on DuckDB cannot run there. This script
runs the very same loaders (identity_stitching.loading) and writes one Parquet
folder per base model; on Spark, models/staging/<source>/base/spark/*.sql read
them with `parquet.`<path>``. Timestamps are written as UTC instants.

    PYTHONPATH=src python scripts/spark_load_raw.py [--raw demo/raw] [--out target/spark/raw] [--zoom-date-order MDY]

On a cluster, write to (or copy the folder to) storage the cluster reads and
pass that location as var identity__spark_raw_path.
"""

import argparse
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from identity_stitching.loading import read_flat_exports, read_zoom_attendee_reports

BASE_MODELS = {
    "base_app__user_rows": lambda raw, **_: read_flat_exports(raw, "app_users"),
    "base_offline__touch_rows": lambda raw, **_: read_flat_exports(raw, "offline_touches"),
    "base_ringcentral__call_log_rows": lambda raw, **_: read_flat_exports(raw, "ringcentral_call_log"),
    # var identity__zoom_date_order: the day/month order of the Zoom account's numeric dates
    "base_zoom__attendee_report_rows": lambda raw, zoom_date_order="MDY": read_zoom_attendee_reports(
        raw, date_order=zoom_date_order
    ),
}


def as_utc(table):
    """Naive timestamps (UTC by the loaders' contract) become UTC instants."""
    fields = [
        pa.field(f.name, pa.timestamp("us", tz="UTC")) if pa.types.is_timestamp(f.type) else f
        for f in table.schema
    ]
    return table.cast(pa.schema(fields))


def write_all(raw_path, out_path, zoom_date_order="MDY"):
    out = Path(out_path)
    for name, load in BASE_MODELS.items():
        table = as_utc(load(raw_path, zoom_date_order=zoom_date_order))
        folder = out / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        pq.write_table(table, folder / "part-0.parquet")
        print(f"{name}: {table.num_rows} rows -> {folder}")


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
