"""A database built before the write marks existed (none of the MARKED columns, no recorded state) upgrades in one `dbt build`: the models that mark their rows start marking them, and a later run
appends as usual."""


import duckdb
import pytest

from conftest import copy_demo_build, query, run_dbt
from test_exports_exactly_once import add_new_call_file

MARKED = [
    ("intermediate.int_touches_resolved", "_resolved_at"),
    ("intermediate.int_identifiers_clustered", "_clustered_at"),
    ("intermediate.int_identifiers_clustered", "_person_changed_at"),
    ("intermediate.int_identifiers", "_shared_changed_at"),
]


def as_before_the_marks(database):
    """Drop the mark columns and every recorded state, as a build of the earlier release left them."""
    connection = duckdb.connect(str(database))
    try:
        for table, column in MARKED:
            connection.execute(f"alter table {table} drop column {column}")
        stated = connection.execute(
            "select schema_name, table_name from duckdb_tables() where comment like '{%'"
        ).fetchall()
        for schema, table in stated:
            connection.execute(f"comment on table {schema}.{table} is null")
    finally:
        connection.close()


def unmarked_rows(database):
    return {
        (table, column): query(database, f"select count(*) from {table} where {column} is null")[0][0]
        for table, column in MARKED
    }


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory, demo_build):
    work = tmp_path_factory.mktemp("upgrade")
    database, raw, variables = copy_demo_build(demo_build, work)  # a build of the demo
    exported_before = query(database, "select count(*) from export_amplitude__events")[0][0]
    as_before_the_marks(database)
    upgrade = run_dbt(["build"], database, check=False, **variables)
    state = {"upgrade": upgrade, "unmarked": unmarked_rows(database)}
    add_new_call_file(raw)
    state["next"] = run_dbt(["build"], database, check=False, **variables)
    state["exported"] = (exported_before, query(database, "select count(*) from export_amplitude__events")[0][0])
    return state


@pytest.mark.slow  # the upgrade scenario: builds of a copied demo
def test_the_upgrade_build_passes_and_marks_every_row(upgraded):
    assert upgraded["upgrade"].returncode == 0, upgraded["upgrade"].stdout[-3000:]
    assert upgraded["unmarked"] == {mark: 0 for mark in MARKED}


@pytest.mark.slow  # the upgrade scenario: builds of a copied demo
def test_the_next_run_exports_the_new_call_once(upgraded):
    assert upgraded["next"].returncode == 0, upgraded["next"].stdout[-3000:]
    before, after = upgraded["exported"]
    assert after == before + 1


@pytest.mark.slow  # the upgrade scenario: builds of a copied demo
def test_a_table_from_before_a_compared_column_is_written_whole(built_demo_copy):
    """int_identifiers_clustered compares each row with the table's to write only the changed ones: a table
    built before one of the compared columns existed (hash_version) is written whole, not compared."""
    database, raw, variables = built_demo_copy
    connection = duckdb.connect(str(database))
    try:
        connection.execute("alter table intermediate.int_identifiers_clustered drop column hash_version")
    finally:
        connection.close()
    add_new_call_file(raw)
    result = run_dbt(["build"], database, check=False, **variables)
    assert result.returncode == 0, result.stdout[-3000:]
    assert query(
        database, "select count(*) from intermediate.int_identifiers_clustered where hash_version is null"
    ) == [(0,)]
