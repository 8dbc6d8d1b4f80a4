"""Prints what a build did: raw rows read, persons, links, exports, quarantine, and rejected rows per file."""

import os
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from identity_stitching.registry import read_registry  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parents[1]


def queries(sources):
    raw_rows = " + ".join(f"(select count(*) from staging.{source.base_model})" for source in sources)
    return [
        ("raw rows read", f"select {raw_rows}"),
        ("off-platform touches", "select count(*) from fct_offline_touches"),
        ("persons", "select count(*) from dim_persons"),
        ("persons linked to a user", "select count(*) from dim_persons where user_id is not null"),
        ("events exported (all runs)", "select count(*) from export_amplitude__events"),
        ("identifies exported (all runs)", "select count(*) from export_amplitude__identifies"),
        ("export files written (all runs)", "select count(*) from export_amplitude__files"),
        ("rows held for review", "select count(*) from export_amplitude__review"),
        ("rows quarantined", "select count(*) from quarantined_records where is_row_rejected"),
        ("values quarantined", "select count(*) from quarantined_records where not is_row_rejected"),
        ("shared identifiers kept out of linking", "select count(*) from identity_shared_identifiers"),
        ("links refused (would join two users)", "select count(*) from identity_conflicts"),
    ]


REJECTED_FILES = """
    select source_file, rows_read, rows_rejected, top_reasons
    from quarantined_files
    where rows_rejected > 0
    order by rejected_share desc, source_file
"""


def main():
    path = os.environ.get("DBT_DUCKDB_PATH", "target/identity.duckdb")
    connection = duckdb.connect(path, read_only=True)
    try:
        print(f"\nidentity_stitching summary ({path})")
        for label, query in queries(read_registry(PROJECT_DIR)):
            print(f"  {label:<40} {connection.execute(query).fetchone()[0]:>10,}")
        rejected = connection.execute(REJECTED_FILES).fetchall()
        if rejected:
            print("  rows rejected per file (quarantined_records has each row and reason):")
            for source_file, rows_read, rows_rejected, reasons in rejected:
                print(f"    {source_file}: {rows_rejected:,} of {rows_read:,} rows; {reasons}")
        export_path = os.environ.get("IDENTITY_EXPORT_PATH", "target/exports")
        print(f"  export files under {export_path}/amplitude/")
    finally:
        connection.close()


if __name__ == "__main__":
    sys.exit(main())
