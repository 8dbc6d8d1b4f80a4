"""Loads the raw files of this source as they were exported (see the README's input contract).

Which source, folder and reader: the entry of var identity__sources whose
base_model this is. Incremental: a file already loaded with the same bytes is
not read again; the rows of a file that changed or left the raw folder are
deleted first, so the table always holds what a fresh load of the folder
would. `--full-refresh` reads every file again. The loader streams Arrow
record batches, so memory does not grow with the rows.
"""

from identity_stitching.loading.registered import load_registered_source


def model(dbt, session):
    dbt.config(materialized="incremental", incremental_strategy="append", on_schema_change="fail")
    # literal keys: dbt passes a Python model only the config keys its file reads
    registry = dbt.config.get("sources_registry")
    date_order = dbt.config.get("zoom_date_order")  # var identity__zoom_date_order
    return load_registered_source(dbt, session, dbt.config.get("raw_path"), registry, date_order=date_order)
