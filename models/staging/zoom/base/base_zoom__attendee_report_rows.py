"""Loads the raw files of this source as they were exported (see the README's input contract)."""

from identity_stitching.loading import read_zoom_attendee_reports


def model(dbt, session):
    dbt.config(materialized="table")
    raw_path = dbt.config.get("raw_path")
    return read_zoom_attendee_reports(raw_path)
