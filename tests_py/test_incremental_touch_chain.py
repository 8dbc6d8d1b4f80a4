"""The incremental models (staging, touches, the graph's evidence, identifiers and edges, the facts) equal a rebuild.

One database, in sequence, on a copy of the demo folder:
1. a first build;
2. new files that reach old rows: a second Zoom report of a webinar already loaded (a third session of
   an attendee, and a registrant now giving the phone of an earlier anonymous call, which merges two
   persons), a call log that sorts first and re-exports a known call with another duration and caller
   phone (the old phone leaves that call but stays in a Zoom report), an offline list that re-exports a
   known touch with another phone (the old phone leaves every record), the signup of a lead, an older
   row of a user, which moves her signup time, and a new user giving another user's phone, which turns
   it shared in a record no new file holds; then a rerun with nothing new;
3. an older export of Nora's account with another email and no phone, and no touch: her old email
   leaves the graph and her phone (shared since step 2) the record of one of its two users;
4. a loaded Zoom report removed from the folder;
5. a var the staging reads changed (the Zoom time zone).
After each step, the chain's tables are compared with a reference: a copy of the database where the same
models and the identity graph are rebuilt with --full-refresh (the person-id registry is kept, so person
ids are comparable). Graph node and component ids are left out: an append numbers new identifiers after
the old ones, a rebuild numbers them all in order. A value planted in one staged row shows which runs appended (it survives)
and which rebuilt (it is gone).
"""

import hashlib
import shutil

import duckdb
import pytest

from conftest import copy_demo_build, query, run_dbt

pytestmark = pytest.mark.slow  # five builds and five rebuilds of the chain (make test-slow)

CHAIN = {
    "stg_identifiers__emails": "staging",
    "stg_identifiers__phone_candidates": "staging",
    "stg_identifiers__phones": "staging",
    "stg_zoom__flat_meetings": "staging",
    "stg_zoom__webinar_attendees": "staging",
    "stg_ringcentral__calls": "staging",
    "stg_offline__touches": "staging",
    "int_zoom__occasion_attendees": "intermediate",
    "int_zoom__webinar_touches": "intermediate",
    "int_touches_unioned": "intermediate",
    "int_touches_resolved": "intermediate",
    "fct_offline_touches": "main",
    "int_identifiers_unioned": "intermediate",
    "int_identifiers": "intermediate",
    "int_identifiers_clustered": "intermediate",
    "int_identity_edges": "intermediate",
    "dim_persons": "main",
}
# Ids that depend on the order identifiers arrived in, and when a file was loaded or a row written.
NOT_COMPARED = [
    "_loaded_at", "_written_at", "_resolved_at", "_clustered_at", "_shared_changed_at", "_person_changed_at",
    "node_id", "node_a", "node_b", "component_id",
]
# The reference rebuilds the chain and the graph between int_identifiers and int_identifiers_clustered.
REFERENCE_SELECTION = [*CHAIN, "int_identifiers+,+int_identifiers_clustered"]

PRICING_REPORT = "zoom/attendee_reports/pricing_live_2026-03-10_attendee_report.csv"
ONBOARDING_REPORT = "zoom/attendee_reports/onboarding_deep_dive_2026-04-14_attendee_report.csv"
PLANTED = "planted-by-test"

# The pricing webinar again (a later export of its report): Alice's third session, and Bob, who
# registered without a phone, now attended and gave the number of the missed call of 2026-03-19.
SECOND_PRICING_REPORT = (
    "Attendee Report,,,,\n"
    'Report Generated:,"Mar 12, 2026 9:00 AM",,,\n'
    "Topic,Webinar ID,Actual Start Time,Actual Duration (minutes),# Registered,# Cancelled,"
    "Unique Viewers,Total Users,Max Concurrent Views,Enable Registration\n"
    'Pricing Live: Q&A with the product team,847 5984 1045,"Mar 10, 2026 4:58 PM",64,9,0,6,8,6,Yes\n'
    "Attendee Details,,,,\n"
    "Attended,User Name (Original Name),First Name,Last Name,Email,Phone,Registration Time,"
    "Approval Status,Join Time,Leave Time,Time in Session (minutes),Is Guest,Country/Region Name\n"
    'Yes,Alice Nguyen,Alice,Nguyen,Alice.Nguyen@Northwind-Labs.com,(415) 867-2301,"Mar 02, 2026 10:04:51",'
    'approved,"Mar 10, 2026 18:02:00","Mar 10, 2026 18:05:00",3,Yes,United States\n'
    'Yes,Bob Martins,Bob,Martins,bob.martins@contoso.io,(312) 555-0199,"Mar 04, 2026 08:22:10",'
    'approved,"Mar 10, 2026 17:10:00","Mar 10, 2026 17:40:00",30,Yes,United States\n'
)
# Sorts before call_log_2026-03.csv, so its export of call X1a2B3c4D5e6F7 becomes the one kept: Alice's
# phone +14158672301 leaves the call (it stays in the pricing report) for +14158672399.
EARLIER_CALL_LOG = (
    "id,sessionId,startTime,duration,type,direction,action,result,from.phoneNumber,from.name,"
    "to.phoneNumber,to.name\n"
    "X1a2B3c4D5e6F7,400123456001,2026-03-18T15:02:11.000Z,315,Voice,Inbound,Phone Call,Accepted,"
    "+14158672399,ALICE NGUYEN,+14155550100,Acme Analytics Sales\n"
    "X1a2B3c4D5e6Z1,400123456201,2026-03-21T09:00:00.000Z,40,Voice,Inbound,Phone Call,Accepted,"
    "+14155550177,NINA PETROVA,+14155550100,Acme Analytics Sales\n"
)
# Sorts before saastr_2026_badge_scans.csv and re-exports its touch ts-0002 with other properties and
# phone: +1 415 867 9912, in no other record, leaves the graph. Helen comes back the next day: her
# person gains a touch and nothing else (no identifier of hers changes).
EARLIER_BADGE_SCANS = (
    "touch_id,source,event_type,occurred_at,email,phone,full_name,properties\n"
    "ts-0002,saastr_2026,Trade Show Visit,2026-05-12T15:05:00Z,mailto:Oscar.Reyes@Wayne-Ent.com,"
    '+1 415 867 9913,Oscar Reyes,"{""booth"": ""B7"", ""show"": ""SaaStr 2026""}"\n'
    "ts-0004,saastr_2026,Trade Show Visit,2026-05-13T10:00:00Z,helen.park@umbrella.io,,Helen Park,"
    '"{""booth"": ""B7"", ""show"": ""SaaStr 2026""}"\n'
)
# Bob signs up; an export of Frank's account older than the one loaded moves his signup time
# earlier (his touches' days to signup change, though nothing else about them does); and a new user
# gives Nora's phone, which now belongs to two users: it is shared, and stops linking in Nora's
# own record, which no new file holds.
NORA_PHONE = "+16175550142"
BOB_SIGNS_UP = (
    "user_id,email,phone,created_at\n"
    "usr_10105,bob.martins@contoso.io,,2026-05-02T10:00:00Z\n"
    "usr_10002,frank.osei@initech.com,+49 30 901820,2026-04-10T12:00:00Z\n"
    "usr_10106,ops@nora-quinn-family.net,+1 (617) 555-0142,2026-05-20T10:00:00Z\n"
)

# Nora's account as exported before the one loaded: her first email, no phone yet.
NORA_EARLIER_ACCOUNT = (
    "user_id,email,phone,created_at\n"
    "usr_10004,nora@quinn-family.net,,2026-01-10T08:00:00Z\n"
)
NORA_EMAIL = "email:" + hashlib.sha256(b"nora.quinn@example-startup.com").hexdigest()
# What int_identifiers logs when it compares every identifier's record count (a touch record lost one).
FULL_COUNT_COMPARISON = "every record count is compared"


def chain_rows(database):
    """Every row of the chain's tables, the NOT_COMPARED columns aside, as sets."""
    rows = {}
    for model, schema in CHAIN.items():
        columns = [row[0] for row in query(database, f"describe {schema}.{model}")]
        excluded = [column for column in NOT_COMPARED if column in columns]
        projection = f"* exclude ({', '.join(excluded)})" if excluded else "*"
        rows[model] = set(query(database, f"select {projection} from {schema}.{model}"))
    return rows


def rebuilt_rows(database, workdir, settings):
    """The chain's tables after a --full-refresh of just them in a copy of `database`."""
    workdir.mkdir()
    reference = workdir / "reference.duckdb"
    shutil.copyfile(database, reference)
    run_dbt(["run", "--full-refresh", "--select", *REFERENCE_SELECTION], reference, **settings)
    return chain_rows(reference)


def node_ids(database):
    return dict(query(database, "select identifier_id, node_id from intermediate.int_identifiers"))


def is_shared(database, identifier_id):
    return query(database, "select is_shared from intermediate.int_identifiers where identifier_id = ?", [identifier_id])[0][0]


def record_edges(database, record_id):
    return query(database, "select count(*) from intermediate.int_identity_edges where record_id = ?", [record_id])[0][0]


def record_count(database, identifier_id):
    found = query(database, "select record_count from intermediate.int_identifiers where identifier_id = ?", [identifier_id])
    return found[0][0] if found else None


def phone_identifier(e164):
    return "phone:" + hashlib.sha256(e164.encode()).hexdigest()


def plant(database, table, file_fragment):
    """Overwrite approval_status / result in one staged row of a file; returns the row's key."""
    column = "approval_status" if table == "stg_zoom__webinar_attendees" else "result"
    connection = duckdb.connect(str(database))
    try:
        key = connection.execute(
            f"select source_file, min(source_row_number) from staging.{table} "
            "where source_file like ? group by 1",
            [f"%{file_fragment}%"],
        ).fetchone()
        connection.execute(
            f"update staging.{table} set {column} = ? where source_file = ? and source_row_number = ?",
            [PLANTED, *key],
        )
    finally:
        connection.close()
    return key


def planted_rows(database, table):
    column = "approval_status" if table == "stg_zoom__webinar_attendees" else "result"
    return query(database, f"select count(*) from staging.{table} where {column} = ?", [PLANTED])[0][0]


def difference(rows, reference):
    return {
        model: (rows[model] - reference[model], reference[model] - rows[model])
        for model in CHAIN
        if rows[model] != reference[model]
    }


def assert_only_the_planted_row_differs(rows, reference):
    diff = difference(rows, reference)
    assert list(diff) == ["stg_zoom__webinar_attendees"]
    only_here, only_in_reference = diff["stg_zoom__webinar_attendees"]
    assert len(only_here) == len(only_in_reference) == 1 and PLANTED in next(iter(only_here))


@pytest.fixture(scope="module")
def steps(tmp_path_factory, demo_build):
    workdir = tmp_path_factory.mktemp("incremental_touch_chain")
    database, raw, settings = copy_demo_build(demo_build, workdir)  # a first build of the demo
    state = {}

    state["first"] = (chain_rows(database), rebuilt_rows(database, workdir / "ref_first", settings))

    plant(database, "stg_zoom__webinar_attendees", "onboarding_deep_dive")
    (raw / "zoom/attendee_reports/pricing_live_2026-03-10_attendee_report_2.csv").write_text(SECOND_PRICING_REPORT)
    (raw / "ringcentral/call_log/call_log_2026-02.csv").write_text(EARLIER_CALL_LOG)
    (raw / "offline/touches/saastr_2026_a_rescans.csv").write_text(EARLIER_BADGE_SCANS)
    (raw / "app/users/users_2026-05-31.csv").write_text(BOB_SIGNS_UP)
    state["new_before"] = chain_rows(database)
    state["nodes_before"] = node_ids(database)
    state["alice_phone_before"] = record_count(database, phone_identifier("+14158672301"))
    state["nora_before"] = (is_shared(database, phone_identifier(NORA_PHONE)), record_edges(database, "user:usr_10004"))
    state["new_log"] = run_dbt(["build"], database, **settings).stdout
    run_dbt(["build"], database, **settings)  # nothing new
    state["nodes_new"] = node_ids(database)
    state["alice_phone_new"] = record_count(database, phone_identifier("+14158672301"))
    state["nora_new"] = (is_shared(database, phone_identifier(NORA_PHONE)), record_edges(database, "user:usr_10004"))
    state["new_planted"] = planted_rows(database, "stg_zoom__webinar_attendees")
    state["new"] = (chain_rows(database), rebuilt_rows(database, workdir / "ref_new", settings))

    (raw / "app/users/users_2026-06-01.csv").write_text(NORA_EARLIER_ACCOUNT)
    state["account_before"] = (record_count(database, NORA_EMAIL), record_count(database, phone_identifier(NORA_PHONE)))
    state["account_log"] = run_dbt(["build"], database, **settings).stdout
    state["account_after"] = (record_count(database, NORA_EMAIL), record_count(database, phone_identifier(NORA_PHONE)))
    state["account"] = (chain_rows(database), rebuilt_rows(database, workdir / "ref_account", settings))

    plant(database, "stg_zoom__webinar_attendees", "pricing_live_2026-03-10_attendee_report.csv")
    (raw / ONBOARDING_REPORT).unlink()
    run_dbt(["build"], database, **settings)
    state["removed_planted"] = planted_rows(database, "stg_zoom__webinar_attendees")
    state["removed"] = (chain_rows(database), rebuilt_rows(database, workdir / "ref_removed", settings))
    state["removed_files"] = {
        row[0] for row in query(database, "select distinct source_file from staging.stg_zoom__webinar_attendees")
    }

    plant(database, "stg_ringcentral__calls", "call_log_2026-03")
    settings = {**settings, "identity__zoom_timezone": "America/New_York"}
    run_dbt(["build"], database, **settings)
    state["var_planted"] = planted_rows(database, "stg_ringcentral__calls")
    state["var"] = (chain_rows(database), rebuilt_rows(database, workdir / "ref_var", settings))
    return state


def test_a_first_build_equals_a_rebuild(steps):
    rows, reference = steps["first"]
    assert difference(rows, reference) == {}


def test_new_files_are_appended_and_reach_the_old_rows_they_change(steps):
    rows, reference = steps["new"]
    # Old rows were not staged again: the planted value is still there, and it is the only difference.
    assert steps["new_planted"] == 1
    assert_only_the_planted_row_differs(rows, reference)
    # The new files did change old touches: the appends were not empty.
    before = steps["new_before"]
    for model in [
        "stg_identifiers__emails",
        "stg_identifiers__phone_candidates",
        "stg_identifiers__phones",
        "int_zoom__occasion_attendees",
        "int_zoom__webinar_touches",
        "int_touches_unioned",
        "int_touches_resolved",
        "fct_offline_touches",
        "dim_persons",
        "int_identifiers_unioned",
        "int_identity_edges",
    ]:
        assert rows[model] - before[model], model
    assert len(rows["int_touches_resolved"] & before["int_touches_resolved"]) > 0


def test_identifiers_keep_their_node_ids_and_follow_records_they_leave(steps):
    before, after = steps["nodes_before"], steps["nodes_new"]
    # An append: every remaining identifier kept its node id, new ones were numbered after the old ones.
    new = set(after) - set(before)
    assert {phone_identifier("+14158672399"), phone_identifier("+14158679913")} <= new
    assert all(after[identifier] == before[identifier] for identifier in set(after) & set(before))
    assert min(after[identifier] for identifier in new) > max(before.values())
    # The phone that left its only record is gone; the one that left the call is in one record fewer
    # (the comparison with the rebuild checks every count).
    assert phone_identifier("+14158679912") in before and phone_identifier("+14158679912") not in after
    assert steps["alice_phone_new"] == steps["alice_phone_before"] - 1 >= 1


def test_a_verdict_turned_shared_unlinks_a_record_no_new_file_holds(steps):
    # Nora's record (user_id, email, phone) is a star of two edges; her phone, now shared, drops out of it.
    # The comparison with the rebuild checks the edges themselves.
    assert steps["nora_before"] == (False, 2)
    assert steps["nora_new"] == (True, 1)


def test_merged_persons_and_a_signup_reach_touches_of_untouched_files(steps):
    rows, _ = steps["new"]
    before = steps["new_before"]
    # Touches whose own file did not change but whose person or user_id did.
    changed = {row[0] for row in rows["int_touches_resolved"] - before["int_touches_resolved"]}
    unchanged_touches = {row[0] for row in rows["int_touches_unioned"] & before["int_touches_unioned"]}
    assert changed & unchanged_touches


def test_identifiers_leaving_a_rewritten_account_follow_it(steps):
    rows, reference = steps["account"]
    assert_only_the_planted_row_differs(rows, reference)  # an append, as in step 2
    # Nora's old email left the graph; her phone is now in its other user's record only.
    assert steps["account_before"] == (1, 2)
    assert steps["account_after"] == (None, 1)
    # No touch record was rewritten, so int_identifiers found them without comparing every record count;
    # in step 2 touch records lost identifiers, and it compared them.
    assert FULL_COUNT_COMPARISON not in steps["account_log"]
    assert FULL_COUNT_COMPARISON in steps["new_log"]


def test_a_removed_file_rebuilds_the_chain(steps):
    rows, reference = steps["removed"]
    assert steps["removed_planted"] == 0
    assert difference(rows, reference) == {}
    assert ONBOARDING_REPORT not in steps["removed_files"]
    assert PRICING_REPORT in steps["removed_files"]


def test_a_changed_var_rebuilds_the_chain(steps):
    rows, reference = steps["var"]
    assert steps["var_planted"] == 0
    assert difference(rows, reference) == {}
    assert rows["stg_zoom__webinar_attendees"] != steps["removed"][0]["stg_zoom__webinar_attendees"]
