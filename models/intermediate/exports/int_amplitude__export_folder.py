"""One row per Amplitude export file in the export folder or recorded by this database (see export_ledger.py).

The folder is the ledger of what was delivered: a file the database does not
record is checked whole and its rows adopted (int_amplitude__adopted_rows), a
recorded file missing from the folder is reported (the test
assert_recorded_export_files_are_in_the_folder), a temporary file a killed
writer left is deleted, and a broken file stops the run before the gate.
"""

from identity_stitching.export_ledger import recorded_files, scan
from identity_stitching.run_lock import lock_export_folder


def model(dbt, session):
    dbt.config(materialized="table")
    # literal keys: dbt passes a Python model only the config keys its file reads
    export_path = dbt.config.get("export_path")
    lock_export_folder(export_path)  # held already by a full build (profiles.yml)
    recorded = recorded_files(session, dbt.config.get("recorded_files_relation"))
    table, removed = scan(export_path, recorded)
    _report(export_path, recorded, table, removed)
    return table


def _report(export_path, recorded, table, removed):
    from dbt.adapters.events.logging import AdapterLogger

    logger = AdapterLogger("identity_stitching")
    if removed:
        logger.warning(f"deleted {len(removed)} temporary export file(s) a killed run left (never delivered): {removed}")
    files = table.to_pylist()
    adopted = [f for f in files if f["is_in_folder"] and not f["is_recorded"]]
    if adopted:
        rows = sum(f["row_count"] for f in adopted)
        logger.warning(
            f"{len(adopted)} file(s) in {export_path} are not recorded by this database ({rows} rows): "
            "their rows count as exported and are not exported again"
        )
    missing = [f["file_path"] for f in files if f["is_recorded"] and not f["is_in_folder"]]
    if missing:
        logger.warning(
            f"the export folder {export_path} lacks {len(missing)} file(s) this database recorded writing "
            f"(first: {missing[:3]}). Nothing is exported twice (the database remembers every row), but "
            "the folder no longer records what was delivered: restore those files (the nightly job syncs "
            "them down from the bucket). If they were removed on purpose, set var "
            "identity__missing_export_files: warn. The test assert_recorded_export_files_are_in_the_folder "
            "stops the build before the export unless it is set to warn."
        )
    if not files and not any(recorded.values()):
        logger.info(
            f"no export recorded by this database and none in {export_path}: every row is new. On a first "
            "run that is right; otherwise both the database and the export folder were lost, and "
            "Amplitude receives every row again (it drops a repeated insert_id only within 7 days)"
        )
