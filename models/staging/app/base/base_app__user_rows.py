"""Loads the raw files of this source as they were exported (see the README's input contract)."""

from identity_stitching.loading import read_flat_exports


def model(dbt, session):
    dbt.config(materialized="table")
    raw_path = dbt.config.get("raw_path")
    return read_flat_exports(raw_path, "app_users")
