"""The four raw-file loaders read only new and changed files, and their tables always mirror the raw folder.

One database, in sequence: a build on a copy of the demo folder; a build after a file is added, one is
changed, one is deleted and one is saved again with the same bytes; a rerun with no change; a run with a
schema-drifted new file; a --full-refresh. After each, the base tables are compared with a fresh load of
the same folder into another database, every column but `_loaded_at` (when a file's bytes were loaded).
"""

import os
import shutil

import pytest

from conftest import copy_demo_build, query, run_dbt

LOADERS = [
    "base_app__user_rows",
    "base_offline__touch_rows",
    "base_ringcentral__call_log_rows",
    "base_zoom__attendee_report_rows",
]

NEW_FILE = "app/users/users_2026-05-31.csv"
CHANGED_FILE = "ringcentral/call_log/call_log_2026-03.csv"
DELETED_FILE = "zoom/attendee_reports/onboarding_deep_dive_2026-04-14_attendee_report.csv"
RESAVED_FILE = "offline/touches/saastr_2026_badge_scans.csv"
UNTOUCHED_FILES = [
    "app/users/users_2026-04-30.csv",
    "zoom/attendee_reports/pricing_live_2026-03-10_attendee_report.csv",
    RESAVED_FILE,
]
DRIFTED_FILE = "ringcentral/call_log/Call_Log_admin_portal_2026-05.csv"

NEW_USERS = (
    "user_id,email,phone,created_at\r\n"
    "usr_10101,nina.petrova@globex-example.com,+1 415 555 0142,2026-05-30T08:00:00Z\r\n"
)
NEW_CALL = (
    "X1a2B3c4D5e6G1,400123456101,2026-03-30T16:40:00.000Z,95,Voice,Inbound,Phone Call,Accepted,"
    "+14155550177,NINA PETROVA,+14155550100,Acme Analytics Sales\n"
)
DRIFTED_CALLS = "Type,Phone Number,Name,Date,Time\r\nVoice,(415) 555-0177,NINA PETROVA,05/01/2026,3:02 PM\r\n"


def rows(database):
    """Every row of each base table, `_loaded_at` aside, in a fixed order."""
    return {
        table: query(database, f"select * exclude (_loaded_at) from staging.{table} order by all")
        for table in LOADERS
    }


def load_times(database):
    """source_file -> the distinct `_loaded_at` of its rows, over the four base tables."""
    times = {}
    for table in LOADERS:
        for source_file, loaded_at in query(
            database, f"select distinct source_file, _loaded_at from staging.{table}"
        ):
            times.setdefault(source_file, set()).add(loaded_at)
    return times


def fresh_rows(raw, database):
    """The base tables' rows from a load of `raw` into a new database."""
    run_dbt(["run", "--select", *LOADERS], database, identity__raw_path=raw)
    return rows(database)


def change_the_folder(raw):
    (raw / NEW_FILE).write_bytes(NEW_USERS.encode())
    changed = raw / CHANGED_FILE
    changed.write_bytes(changed.read_bytes() + NEW_CALL.encode())
    (raw / DELETED_FILE).unlink()
    resaved = raw / RESAVED_FILE
    resaved.write_bytes(resaved.read_bytes())  # same bytes, a new modification time
    later = resaved.stat().st_mtime + 3600
    os.utime(resaved, (later, later))


@pytest.fixture(scope="module")
def runs(tmp_path_factory, demo_build):
    workdir = tmp_path_factory.mktemp("incremental_loading")
    database, raw, settings = copy_demo_build(demo_build, workdir)  # a first build of the demo
    state = {}

    state["first_times"] = load_times(database)

    change_the_folder(raw)
    run_dbt(["build"], database, **settings)  # data tests included
    state["changed_rows"], state["changed_times"] = rows(database), load_times(database)
    state["fresh_rows"] = fresh_rows(raw, workdir / "fresh.duckdb")

    run_dbt(["run", "--select", *LOADERS], database, **settings)
    state["rerun_rows"], state["rerun_times"] = rows(database), load_times(database)

    # A drifted new file while another file of its folder is taken out: the run must stop before
    # it deletes the rows of the file taken out.
    (raw / DRIFTED_FILE).write_bytes(DRIFTED_CALLS.encode())
    parked = workdir / "parked.csv"
    shutil.move(raw / CHANGED_FILE, parked)
    state["drift_run"] = run_dbt(["build"], database, check=False, **settings)
    state["drift_rows"], state["drift_times"] = rows(database), load_times(database)
    (raw / DRIFTED_FILE).unlink()
    shutil.move(parked, raw / CHANGED_FILE)

    run_dbt(["run", "--select", *LOADERS, "--full-refresh"], database, **settings)
    state["full_refresh_rows"], state["full_refresh_times"] = rows(database), load_times(database)
    state["tables"] = [row[0] for row in query(database, "select table_name from information_schema.tables")]
    return state


def test_after_adding_changing_deleting_and_resaving_files_the_tables_equal_a_fresh_load(runs):
    assert runs["changed_rows"] == runs["fresh_rows"]
    files = {row[0] for table_rows in runs["changed_rows"].values() for row in table_rows}
    assert NEW_FILE in files and CHANGED_FILE in files and DELETED_FILE not in files


def test_untouched_files_are_not_read_again(runs):
    first, changed = runs["first_times"], runs["changed_times"]
    for source_file in UNTOUCHED_FILES:
        assert changed[source_file] == first[source_file], source_file
    assert len(first[CHANGED_FILE]) == 1 and changed[CHANGED_FILE] != first[CHANGED_FILE]
    assert max(changed[CHANGED_FILE]) > max(first[CHANGED_FILE])
    assert NEW_FILE in changed and DELETED_FILE not in changed


def test_a_rerun_with_no_change_keeps_every_row_and_every_load_time(runs):
    assert runs["rerun_rows"] == runs["changed_rows"]
    assert runs["rerun_times"] == runs["changed_times"]


def test_schema_drift_in_a_new_file_stops_the_build_before_the_tables_change(runs):
    result = runs["drift_run"]
    assert result.returncode != 0
    # a portal download's header without Direction, From and To: no call of it says who the lead is
    assert f"Schema drift in {DRIFTED_FILE}: missing column(s) Direction, From, To" in result.stdout
    assert result.stdout.count("Schema drift in") == 1
    # The run failed before it deleted the rows of the file taken out of the folder.
    assert runs["drift_rows"] == runs["rerun_rows"]
    assert runs["drift_times"] == runs["rerun_times"]


def test_full_refresh_reads_every_file_again(runs):
    assert runs["full_refresh_rows"] == runs["fresh_rows"]
    latest_before = max(time for times in runs["rerun_times"].values() for time in times)
    assert all(min(times) > latest_before for times in runs["full_refresh_times"].values())


def test_no_loader_leaves_a_work_table_behind(runs):
    # dbt-duckdb writes an incremental Python model's new rows to <model>__dbt_tmp<time> and keeps it.
    assert [name for name in runs["tables"] if name.startswith(tuple(LOADERS)) and name not in LOADERS] == []
