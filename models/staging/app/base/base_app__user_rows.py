"""Loads the raw files of this source as they were exported (see the README's input contract).

Incremental: a file already loaded with the same bytes (same `source_file`
and `source_file_sha256`) is not read again; the rows of a file that changed
or left the raw folder are deleted first, so the table always holds what a
fresh load of the folder would. `--full-refresh` reads every file again.

The loader streams Arrow record batches; dbt-duckdb registers the reader and
writes them batch by batch, so memory does not grow with the rows.
"""

from identity_stitching.loading import flat_exports_update, load_incrementally


def model(dbt, session):
    dbt.config(materialized="incremental", incremental_strategy="append", on_schema_change="fail")
    raw_path = dbt.config.get("raw_path")
    return load_incrementally(
        dbt, session, lambda loaded: flat_exports_update(raw_path, "app_users", loaded)
    )
