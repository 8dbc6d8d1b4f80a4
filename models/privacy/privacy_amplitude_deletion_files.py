"""One row per file of User Privacy API deletion requests written to the export folder (export_erasure.py)."""

from identity_stitching.export_erasure import write_deletion_file
from identity_stitching.run_lock import lock_export_folder


def model(dbt, session):
    dbt.config(materialized="incremental", incremental_strategy="append", full_refresh=False)
    deletions = dbt.ref("privacy_amplitude_deletions")  # noqa: F841 (orders this model after it)
    listed_after = None
    if dbt.is_incremental:
        ((listed_after,),) = session.execute(f"select max(listed_up_to) from {dbt.this}").fetchall()
    lock_export_folder(dbt.config.get("export_path"))  # held already by a full build (profiles.yml)
    return write_deletion_file(
        session,
        f"{dbt.this.schema}.privacy_amplitude_deletions",
        dbt.config.get("export_path"),
        listed_after,
        dbt.config.get("requester"),
    )
