"""Every distinct raw phone and region hint, parsed by libphonenumber."""

from identity_stitching.phones import parse_phone_table


def model(dbt, session):
    dbt.config(materialized="table")
    candidates = dbt.ref("stg_identifiers__phone_candidates").arrow().read_all()
    return parse_phone_table(candidates)
