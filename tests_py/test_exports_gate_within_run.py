"""The gate's within-run rule: rows of one run that would give one device_id two user_ids are all held.

No demo data can make it happen (a person holds at most one product user), so the test plants it: the
demo is built up to the gate, one touch of Alice's (usr_10001) is copied into int_touches_resolved under
another user_id on her device, and the gate alone runs, with its own data tests (`dbt build --select`).
"""

import shutil

import pytest

from conftest import demo_copy, execute, query, run_dbt

WITHIN_RUN = "device_id would be linked to two user_ids in this run"
PLANTED_TOUCH = "planted-touch-0001"
PLANTED_USER = "usr_planted"


@pytest.fixture(scope="module")
def gated(tmp_path_factory):
    work = tmp_path_factory.mktemp("gate_within_run")
    database = work / "gate.duckdb"
    _, variables = demo_copy(work)
    run_dbt(["build", "--exclude", "int_amplitude__gated+"], database, **variables)
    ((device,),) = query(
        database,
        "select distinct device_id from intermediate.int_touches_resolved where user_id = 'usr_10001'",
    )
    execute(
        database,
        "insert into intermediate.int_touches_resolved by name "
        "select * replace (? as touch_id, ? as user_id) from intermediate.int_touches_resolved "
        "where user_id = 'usr_10001' order by touch_id limit 1",
        [PLANTED_TOUCH, PLANTED_USER],
    )
    result = run_dbt(["build", "--select", "int_amplitude__gated"], database, check=False, **variables)
    return database, device, result


def test_both_users_rows_on_the_device_are_held(gated):
    database, device, result = gated
    assert result.returncode == 0, result.stdout[-4000:]
    rows = query(
        database,
        "select export_kind, user_id, hold_reason from intermediate.int_amplitude__gated "
        "where device_id = ? and user_id is not null order by all",
        [device],
    )
    users = {user for _, user, _ in rows}
    assert users == {"usr_10001", PLANTED_USER}, rows
    assert {reason for _, _, reason in rows} == {WITHIN_RUN}, rows
    # the planted event itself, Alice's identify and events
    assert ("events", PLANTED_USER, WITHIN_RUN) in rows
    assert ("identifies", "usr_10001", WITHIN_RUN) in rows


def test_other_devices_still_pass(gated):
    database, device, _ = gated
    ((passing,),) = query(
        database,
        "select count(*) from intermediate.int_amplitude__gated where hold_reason is null and device_id <> ?",
        [device],
    )
    assert passing > 0


def test_the_gates_own_data_test_ran_and_passed(gated):
    _, _, result = gated
    assert "at_most_one_value_per_group_int_amplitude__gated_user_id__device_id" in result.stdout
    assert "PASS at_most_one_value_per_group_int_amplitude__gated" in result.stdout, result.stdout[-4000:]


def test_the_gates_data_test_fails_when_a_run_lets_two_users_through(gated, tmp_path):
    """The data test that guards the rule bites: clear the planted rows' verdict and test again."""
    database, _, _ = gated
    copy = tmp_path / "cleared.duckdb"
    shutil.copy(database, copy)
    execute(copy, "update intermediate.int_amplitude__gated set hold_reason = null where hold_reason = ?", [WITHIN_RUN])
    result = run_dbt(
        ["test", "--select", "int_amplitude__gated,test_name:at_most_one_value_per_group"],
        copy,
        check=False,
        identity__raw_path=tmp_path,
        identity__export_path=tmp_path / "exports",
    )
    assert result.returncode != 0, result.stdout[-3000:]
