"""The graph and accounting invariants (tests/*.sql) catch the breaks they are written for. Each test's SQL is
compiled once against a copy of the demo build, a break is planted in another copy, and the SQL must return
exactly the broken rows: it passes on the demo as built, so what it returns comes from the break."""

import pathlib
import shutil

import pytest

from conftest import execute, query, run_dbt

RAW_ROWS = "assert_every_raw_row_is_staged_or_quarantined"
ACCEPTED_EDGES = "assert_accepted_edges_stay_inside_one_person"
ONE_PERSON = "assert_every_identifier_in_exactly_one_person"
PERSONS_IDS = "assert_touches_carry_their_persons_ids"


COMPILED = pathlib.Path("dbt_target", "compiled", "identity_stitching", "tests")


@pytest.fixture(scope="module")
def compiled(demo_build, tmp_path_factory):
    """The folder of the singular tests' SQL, compiled once against a copy of the demo build."""
    copy = tmp_path_factory.mktemp("singular") / demo_build[0].name
    shutil.copy(demo_build[0], copy)
    run_dbt(["compile", "--select", f"{RAW_ROWS} {ACCEPTED_EDGES} {ONE_PERSON} {PERSONS_IDS}"], copy)
    return copy.parent / COMPILED


@pytest.fixture
def database(demo_build, compiled, tmp_path):
    """A copy of the demo build for one test to break (same file name, so the compiled SQL's database name
    matches), with the compiled singular tests beside it."""
    copy = tmp_path / demo_build[0].name
    shutil.copy(demo_build[0], copy)
    shutil.copytree(compiled, tmp_path / COMPILED)
    return copy


def failing(database, test):
    """The rows the singular test `test` returns on `database`."""
    return query(database, (database.parent / COMPILED / f"{test}.sql").read_text())


def test_the_demo_as_built_passes(database):
    assert [failing(database, test) for test in (RAW_ROWS, ACCEPTED_EDGES, ONE_PERSON, PERSONS_IDS)] == [[]] * 4


def test_a_lost_staged_row_and_a_wrong_quarantine_row_are_found(database):
    (source_file, staged_row), (kept_file, kept_row) = query(
        database,
        "select source_file, source_row_number from staging.stg_offline__touches "
        "where row_rejection_reason is null order by 1, 2 limit 2",
    )
    execute(database, f"delete from staging.stg_offline__touches where source_file = '{source_file}' "
                      f"and source_row_number = {staged_row}")
    execute(database, "insert into main.quarantined_records (source_system, source_file, source_row_number, "
                      f"rejected_column) values ('offline', '{kept_file}', {kept_row}, 'row'), "
                      "('zoom', 'zoom/attendee_reports/never_read.csv', 7, 'row')")
    assert sorted(failing(database, RAW_ROWS)) == [
        ("offline", source_file, staged_row, "staged 0 times"),
        ("offline", kept_file, kept_row, "quarantined but not rejected in staging"),
        ("zoom", "zoom/attendee_reports/never_read.csv", 7, "quarantined but never read"),
    ]


def test_a_row_read_twice_is_found(database):
    (source_file, row_number), = query(
        database, "select source_file, source_row_number from staging.base_zoom__attendee_report_rows limit 1"
    )
    execute(database, "insert into staging.base_zoom__attendee_report_rows select * from "
                      f"staging.base_zoom__attendee_report_rows where source_file = '{source_file}' "
                      f"and source_row_number = {row_number}")
    assert failing(database, RAW_ROWS) == [("zoom", source_file, row_number, "read 2 times")]


def test_a_staged_row_with_the_wrong_row_number_is_found(database):
    # Same row count per file on both sides: only the checksum of the row numbers tells.
    (source_file, row_number), = query(
        database,
        "select source_file, source_row_number from staging.stg_ringcentral__calls "
        "where row_rejection_reason is null order by 1, 2 limit 1",
    )
    execute(database, "update staging.stg_ringcentral__calls set source_row_number = 9999 "
                      f"where source_file = '{source_file}' and source_row_number = {row_number}")
    assert sorted(failing(database, RAW_ROWS)) == [
        ("ringcentral", source_file, row_number, "staged 0 times"),
        ("ringcentral", source_file, 9999, "read 0 times"),
    ]


def test_an_edge_across_two_persons_and_an_identifier_in_no_person_are_found(database):
    node, = query(
        database,
        "select node_a from intermediate.int_identity_edges_judged "
        "where is_accepted and evidence_kind <> 'self' order by edge_id limit 1",
    )[0]
    crossing = query(
        database,
        "select edge_id from intermediate.int_identity_edges_judged "
        f"where is_accepted and node_a <> node_b and {node} in (node_a, node_b) order by 1",
    )
    execute(
        database, f"update intermediate.int_identifiers_clustered set person_id = 'elsewhere' where node_id = {node}"
    )
    assert sorted(failing(database, ACCEPTED_EDGES)) == [(edge_id, "ends in two persons") for edge_id, in crossing]

    identifier, = query(
        database, f"select identifier_id from intermediate.int_identifiers_clustered where node_id = {node}"
    )[0]
    execute(database, f"delete from intermediate.int_identifiers_clustered where node_id = {node}")
    assert failing(database, ONE_PERSON) == [(identifier, "in no person")]


def test_a_touch_with_another_persons_ids_is_found(database):
    (anonymous,), (other_device,), (orphan,) = query(
        database, "select touch_id from intermediate.int_touches_resolved where user_id is null order by 1 limit 3"
    )
    for touch_id, change in [
        (anonymous, "user_id = 'usr_10001'"),
        (other_device, "device_id = 'elsewhere'"),
        (orphan, "person_id = 'nobody'"),
    ]:
        execute(database, f"update intermediate.int_touches_resolved set {change} where touch_id = '{touch_id}'")
    assert sorted(failing(database, PERSONS_IDS)) == sorted([
        (anonymous, "user_id differs from its person"),
        (other_device, "device_id differs from its person"),
        (orphan, "person not in dim_persons"),
    ])
