"""stg_identifiers__phones_e164 reuses the numbers its previous build parsed, and only those it may.

The cache is proven by planting a wrong answer in the previous table: a rerun
keeps it (it was not parsed again), a changed parser fingerprint or
--full-refresh parse it again, and a number no source holds any more leaves.
"""

import shutil

import duckdb

from conftest import DEMO_RAW, query, run_dbt

PHONES = "staging.stg_identifiers__phones_e164"
PLANTED = "+10000000000"


def build_phones(database, raw, *flags):
    run_dbt(["run", "--select", "+stg_identifiers__phones_e164", *flags], database, identity__raw_path=raw)


def plant(database, where, fingerprint=None):
    """Overwrite one parsed row's answer (and maybe its fingerprint); returns its key."""
    connection = duckdb.connect(str(database))
    try:
        key = connection.execute(
            f"select phone_raw, region_hint from {PHONES} where {where} order by all limit 1"
        ).fetchone()
        connection.execute(
            f"update {PHONES} set phone_e164 = ?, parser_fingerprint = coalesce(?, parser_fingerprint)"
            " where phone_raw = ? and region_hint = ?",
            [PLANTED, fingerprint, *key],
        )
    finally:
        connection.close()
    return key


def e164_of(database, key):
    return query(database, f"select phone_e164 from {PHONES} where phone_raw = ? and region_hint = ?", list(key))


def all_rows(database):
    return query(database, f"select phone_raw, region_hint, phone_e164, phone_parse_error from {PHONES} order by all")


def test_rerun_reuses_previous_parses_only_while_the_parser_is_the_same(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(DEMO_RAW, raw)
    database = tmp_path / "cache.duckdb"
    run_dbt(["seed"], database, identity__raw_path=raw)
    build_phones(database, raw)
    parsed_fresh = all_rows(database)
    assert len({row[0] for row in query(database, f"select parser_fingerprint from {PHONES}")}) == 1

    reused = plant(database, "phone_e164 is not null")
    build_phones(database, raw)
    assert e164_of(database, reused) == [(PLANTED,)], "a rerun parsed an unchanged number again"

    stale = plant(database, "phone_e164 is not null and phone_e164 <> '" + PLANTED + "'", fingerprint="stale")
    build_phones(database, raw)
    assert e164_of(database, stale) != [(PLANTED,)], "a row of another parser version was reused"

    build_phones(database, raw, "--full-refresh")
    assert all_rows(database) == parsed_fresh, "--full-refresh must parse everything again"


def test_numbers_no_source_holds_leave_the_table(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(DEMO_RAW, raw)
    database = tmp_path / "vanish.duckdb"
    run_dbt(["seed"], database, identity__raw_path=raw)
    build_phones(database, raw)
    before = {row[0] for row in all_rows(database)}

    shutil.rmtree(raw / "ringcentral")
    build_phones(database, raw)
    after = all_rows(database)

    fresh = tmp_path / "fresh.duckdb"
    run_dbt(["seed"], fresh, identity__raw_path=raw)
    build_phones(fresh, raw)
    assert after == all_rows(fresh)
    assert {row[0] for row in after} < before
