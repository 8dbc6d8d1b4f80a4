"""One row per NDJSON.gz file written for Amplitude's S3 import (see export_files.py)."""

from identity_stitching.export_files import export_new_rows
from identity_stitching.run_lock import lock_export_folder


def model(dbt, session):
    dbt.config(materialized="incremental", incremental_strategy="append", full_refresh=False)
    relations = {
        "events": dbt.ref("export_amplitude__events"),
        "identifies": dbt.ref("export_amplitude__identifies"),
    }
    watermarks = {}
    if dbt.is_incremental:
        previous = session.execute(
            f"select export_kind, max(max_update_time) from {dbt.this} group by 1"
        ).fetchall()
        watermarks = dict(previous)
    lock_export_folder(dbt.config.get("export_path"))  # held already by a full build (profiles.yml)
    return export_new_rows(session, relations, dbt.config.get("export_path"), watermarks)
