"""The merge-safety gate: a device already exported with one user_id is never exported with a
second (the rows wait in export_amplitude__review), and the error-severity dbt test fails the
build when a rule-breaking row sits in an export relation."""

import hashlib
import shutil

import pytest

from conftest import demo_copy, execute, query, run_dbt
from test_exports_exactly_once import BOB_DEVICE, add_bob_signup_and_touch

PLANTED_USER = "usr_planted"


def plant_exported_identify(database, insert_id, user_id, device_id):
    """A link exported by an earlier run: a row of the identifies export, and passed in the gate's ledger."""
    execute(
        database,
        "insert into export_amplitude__identifies values "
        "(?, '$identify', ?, ?, 1775000000000, null, '{\"$set\":{\"planted\":true}}', timestamp '2026-01-01')",
        [insert_id, user_id, device_id],
    )
    execute(
        database,
        "insert into intermediate.int_amplitude__gated select 'identifies', insert_id, event_type, user_id, "
        "device_id, time, event_properties, user_properties, null, null, update_time_column, update_time_column "
        "from export_amplitude__identifies where insert_id = ?",
        [insert_id],
    )


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """Demo built; then a link of Bob's device to another user planted in the identifies
    export (as if exported earlier); then Bob signs up as usr_10005 and visits a booth."""
    work = tmp_path_factory.mktemp("gate")
    database = work / "gate.duckdb"
    raw, variables = demo_copy(work)
    exports = variables["identity__export_path"]
    run_dbt(["build"], database, **variables)
    plant_exported_identify(database, "planted-identify-0001", PLANTED_USER, BOB_DEVICE)
    add_bob_signup_and_touch(raw)
    result = run_dbt(["build"], database, **variables)
    return {"database": database, "variables": variables, "build": result}


def test_second_user_for_an_exported_device_is_held_in_review(planted):
    database = planted["database"]
    held = query(
        database,
        "select export_kind, event_type, user_id, hold_reason from export_amplitude__review "
        "where device_id = ? order by 1",
        [BOB_DEVICE],
    )
    assert held == [
        ("events", "Trade Show Visit", "usr_10005", "device_id already exported with another user_id"),
        ("identifies", "$identify", "usr_10005", "device_id already exported with another user_id"),
    ]
    exported_users = query(
        database,
        "select distinct user_id from export_amplitude__identifies where device_id = ? "
        "union select distinct user_id from export_amplitude__events where device_id = ? and user_id is not null",
        [BOB_DEVICE, BOB_DEVICE],
    )
    assert exported_users == [(PLANTED_USER,)]


def test_every_review_row_has_a_reason_and_none_is_exported(planted):
    database = planted["database"]
    rows = query(database, "select insert_id, export_kind, hold_reason from export_amplitude__review")
    assert rows and all(reason for _, _, reason in rows)
    for insert_id, kind, _ in rows:
        assert query(database, f"select count(*) from export_amplitude__{kind} where insert_id = ?", [insert_id]) == [
            (0,)
        ]


def test_the_build_with_held_rows_passes_the_merge_safety_tests(planted):
    assert "amplitude_export_is_merge_safe" in planted["build"].stdout
    assert planted["build"].returncode == 0


BAD_EVENTS = {
    # insert_id: (event_type, user_id, device_id, time, event_properties) -> expected failure
    "bad-conflict-0001": (
        ("Inbound Call", "usr_other", BOB_DEVICE, 1775000000000, "{}"),
        "device_id linked to two user_ids across the export relations",
    ),
    "bad-blocked-0001": (
        ("Inbound Call", None, "Undefined", 1775000000000, "{}"),
        "device_id is on the blocklist",
    ),
    "bad-sentinel-0001": (
        ("Inbound Call", None, sha256(""), 1775000000000, "{}"),
        "device_id is the hash of an empty or placeholder value",
    ),
    "bad-zeros-0001": (("Inbound Call", None, "000000000000", 1775000000000, "{}"), "device_id is all zeros"),
    "bad-short-0001": (("Inbound Call", "usr1", sha256("short"), 1775000000000, "{}"), "user_id shorter than 5 characters"),
    "bad-slash-0001": (("Inbound Call", None, "abc/defgh", 1775000000000, "{}"), "device_id contains a slash"),
    "bad-seconds-0001": (
        ("Inbound Call", None, sha256("seconds"), 1775000000, "{}"),
        "time is before 946684800000 ms",
    ),
    "bad-future-0001": (
        ("Inbound Call", None, sha256("future"), 4102444800000, "{}"),
        "time is more than a day in the future",
    ),
    "bad-reserved-0001": (
        ("[Amplitude] Revenue", None, sha256("reserved"), 1775000000000, "{}"),
        "event_type is reserved by Amplitude",
    ),
    "bad-identify-0001": (
        ("$identify", None, sha256("identify"), 1775000000000, "{}"),
        "event_type starting with $ is reserved for identify calls",
    ),
    "bad-pii-0001": (
        ("Inbound Call", None, sha256("pii"), 1775000000000, '{"note":"write to dana.white@example.org"}'),
        "event_properties holds an email address or a phone number",
    ),
    "bad-escaped-0001": (
        # the text holds no '@': the checks must still see the escaped one
        ("Inbound Call", None, sha256("escaped"), 1775000000000, '{"note":"dana\\u0040example.org"}'),
        "event_properties holds an email address or a phone number",
    ),
    "bad-phone-0001": (
        ("Inbound Call", None, sha256("phone"), 1775000000000, '{"caller":"+1 415 867 2301"}'),
        "event_properties holds an email address or a phone number",
    ),
    "bad-null-0001": (
        ("Inbound Call", None, sha256("null-in-list"), 1775000000000, '{"tags":["a",null]}'),
        "event_properties holds a null",
    ),
    "bad-nested-0001": (
        ("Inbound Call", None, sha256("nested"), 1775000000000, '{"tags":[["a"]]}'),
        "event_properties holds a list inside a list",
    ),
    "bad-string-0001": (
        ("Inbound Call", None, sha256("string"), 1775000000000, '"{}"'),
        "event_properties is not a JSON object",
    ),
    "bad-long-0001": (
        ("Inbound Call", None, sha256("long"), 1775000000000, '{"note":"' + "x" * 1025 + '"}'),
        "event_properties holds a string longer than 1024 characters",
    ),
    "bad-missing-0001": (
        ("Inbound Call", None, sha256("missing"), 1775000000000, None),
        "event_properties missing",
    ),
}


def test_the_merge_safety_test_fails_on_every_planted_bad_row(planted, tmp_path):
    # A copy: the planted rows must not leak into the other tests of this module.
    database = tmp_path / "bad.duckdb"
    shutil.copy(planted["database"], database)
    # The planted rows are a later load than the build's, as if a run had appended them.
    ((latest,),) = query(database, "select max(update_time_column) from export_amplitude__events")
    later_load = f"timestamp '{latest}' + interval 1 second"
    for insert_id, ((event_type, user_id, device_id, time, properties), _) in BAD_EVENTS.items():
        execute(
            database,
            f"insert into export_amplitude__events values (?, ?, ?, ?, ?, ?, null, {later_load})",
            [insert_id, event_type, user_id, device_id, time, properties],
        )
    # An insert_id already used by an identify row.
    (identify_id,) = query(database, "select min(insert_id) from export_amplitude__identifies")[0]
    execute(
        database,
        "insert into export_amplitude__events values (?, 'Inbound Call', null, ?, 1775000000000, '{}', null, "
        f"{later_load})",
        [identify_id, sha256("duplicate-id")],
    )
    result = run_dbt(
        ["test", "--select", "export_amplitude__events,test_name:amplitude_export_is_merge_safe", "--store-failures"],
        database,
        check=False,
        **planted["variables"],
    )
    assert result.returncode != 0, result.stdout[-3000:]
    tables = query(
        database,
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_name like 'amplitude_export_is_merge_safe%' and table_schema like '%dbt_test__audit'",
    )
    assert tables, result.stdout[-3000:]
    failures = {}
    for (table,) in tables:
        failures.update(dict(query(database, f"select insert_id, failure from {table}")))
    expected = {insert_id: reason for insert_id, (_, reason) in BAD_EVENTS.items()}
    expected[identify_id] = "insert_id used twice across the export relations"
    # The identify row on the other side of the planted conflict landed in an earlier load: it is not
    # flagged again, the new event row is.
    assert failures == expected


def test_the_merge_safety_test_judges_only_the_newest_load(planted, tmp_path):
    """A bad row of an older load is in Amplitude already: it must not fail every later build."""
    database = tmp_path / "old_bad.duckdb"
    shutil.copy(planted["database"], database)
    (event_type, user_id, device_id, time, properties), _ = BAD_EVENTS["bad-zeros-0001"]
    execute(
        database,
        "insert into export_amplitude__events values (?, ?, ?, ?, ?, ?, null,"
        " (select min(update_time_column) - interval 1 day from export_amplitude__events))",
        ["bad-zeros-0001", event_type, user_id, device_id, time, properties],
    )
    selector = ["test", "--select", "export_amplitude__events,test_name:amplitude_export_is_merge_safe"]
    assert run_dbt(selector, database, check=False, **planted["variables"]).returncode == 0
    execute(database, "update export_amplitude__events set update_time_column = update_time_column + interval 2 day"
            " where insert_id = 'bad-zeros-0001'")
    assert run_dbt(selector, database, check=False, **planted["variables"]).returncode != 0


def test_the_merge_safety_test_fails_an_insert_id_used_twice_in_the_events(planted, tmp_path):
    """export_amplitude__events has no `unique` test on insert_id: the merge-safety test fails the build
    when a row of the newest load reuses an insert_id, whether of its own load or of an older one."""
    database = tmp_path / "twice.duckdb"
    shutil.copy(planted["database"], database)
    selector = ["test", "--select", "export_amplitude__events,test_name:amplitude_export_is_merge_safe"]
    assert run_dbt(selector, database, check=False, **planted["variables"]).returncode == 0
    (older_id,), (newest_id,) = query(
        database,
        """select * from (
               (select insert_id from export_amplitude__events order by update_time_column, insert_id limit 1)
               union all
               (select insert_id from export_amplitude__events order by update_time_column desc, insert_id limit 1)
           )""",
    )
    copy = ("select insert_id, event_type, user_id, device_id, time, event_properties, user_properties,"
            " (select max(update_time_column) from export_amplitude__events) + interval 1 day"
            " from export_amplitude__events where insert_id in (?, ?)")
    execute(database, f"insert into export_amplitude__events {copy}", [older_id, newest_id])
    result = run_dbt([*selector, "--store-failures"], database, check=False, **planted["variables"])
    assert result.returncode != 0, result.stdout[-3000:]
    tables = query(
        database,
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_name like 'amplitude_export_is_merge_safe%' and table_schema like '%dbt_test__audit'",
    )
    failures = [row for (table,) in tables for row in query(database, f"select insert_id, failure from {table}")]
    assert sorted(failures) == sorted(
        (insert_id, "insert_id used twice across the export relations") for insert_id in {older_id, newest_id}
    )


def test_an_erased_persons_held_rows_are_never_exported(tmp_path):
    """Bob's rows are held (his device was exported with another user); then his email is erased. The held
    rows are gone from the ledger and the review, and no later run exports them from what the gate held."""
    database = tmp_path / "erased.duckdb"
    raw, variables = demo_copy(tmp_path)
    run_dbt(["build"], database, **variables)
    plant_exported_identify(database, "planted-identify-0003", PLANTED_USER, BOB_DEVICE)
    add_bob_signup_and_touch(raw)
    run_dbt(["build"], database, **variables)
    held = "select count(*) from intermediate.int_amplitude__gated where device_id = ? and hold_reason is not null"
    assert query(database, held, [BOB_DEVICE]) == [(2,)]

    requests = raw / "privacy" / "erasure_requests"
    requests.mkdir(parents=True, exist_ok=True)
    (requests / "2026-12-01.csv").write_text("requested_at,email\n2026-12-01T09:00:00Z,bob.martins@contoso.io\n")
    run_dbt(["build"], database, **variables)
    run_dbt(["build"], database, **variables)
    for relation in [
        "intermediate.int_amplitude__gated",
        "export_amplitude__review",
        "export_amplitude__events",
        "export_amplitude__identifies",
    ]:
        assert query(database, f"select count(*) from {relation} where device_id = ?", [BOB_DEVICE]) == [(0,)], relation
