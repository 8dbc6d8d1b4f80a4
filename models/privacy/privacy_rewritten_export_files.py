"""One row per export file rewritten without the rows an erasure removed (see export_erasure.py)."""

from identity_stitching.export_erasure import rewrite_erased_files
from identity_stitching.run_lock import lock_export_folder


def model(dbt, session):
    dbt.config(materialized="incremental", incremental_strategy="append", full_refresh=False)
    dbt.ref("privacy_erased_export_rows")  # the rows it removed are gone from the relations
    dbt.ref("export_amplitude__files")
    schema = dbt.this.schema
    lock_export_folder(dbt.config.get("export_path"))  # held already by a full build (profiles.yml)
    return rewrite_erased_files(
        session,
        f"{schema}.export_amplitude__files",
        {kind: f"{schema}.export_amplitude__{kind}" for kind in ("events", "identifies")},
    )
