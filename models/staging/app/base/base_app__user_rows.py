"""Loads the raw files of this source as they were exported (see the README's input contract).

The loader streams Arrow record batches; dbt-duckdb registers the reader and
creates the table from it batch by batch, so memory does not grow with the rows.
"""

from identity_stitching.loading import flat_exports_reader


def model(dbt, session):
    dbt.config(materialized="table")
    raw_path = dbt.config.get("raw_path")
    return flat_exports_reader(raw_path, "app_users")
