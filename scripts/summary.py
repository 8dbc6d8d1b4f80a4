"""Prints what a build did: raw rows read, persons, links, exports, quarantine."""

import os
import sys

import duckdb

QUERIES = [
    (
        "raw rows read",
        """select (select count(*) from staging.base_zoom__attendee_report_rows)
                + (select count(*) from staging.base_ringcentral__call_log_rows)
                + (select count(*) from staging.base_app__user_rows)
                + (select count(*) from staging.base_offline__touch_rows)""",
    ),
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


def main():
    path = os.environ.get("DBT_DUCKDB_PATH", "target/identity.duckdb")
    connection = duckdb.connect(path, read_only=True)
    try:
        print(f"\nidentity_stitching summary ({path})")
        for label, query in QUERIES:
            print(f"  {label:<40} {connection.execute(query).fetchone()[0]:>10,}")
        export_path = os.environ.get("IDENTITY_EXPORT_PATH", "target/exports")
        print(f"  export files under {export_path}/amplitude/")
    finally:
        connection.close()


if __name__ == "__main__":
    sys.exit(main())
