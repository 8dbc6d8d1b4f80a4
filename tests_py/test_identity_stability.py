"""Person and device ids across runs: a rerun, a --full-refresh, a new file that merges two persons
and a late file with an older observation, on one database (five dbt builds in sequence).

Fixtures: tests/fixtures/graph/batch_1 (first run) and batch_2 (a later file:
mg-3 joins Max's person to Mia's; lt-2 brings an observation of Lou's phone older than Lou's
anchor, with a new email).
"""

import pytest

from conftest import query, run_dbt
from test_identity_graph import email_id, phone_id, raw_folder, sha256, touch_record_id

pytestmark = pytest.mark.slow  # five builds of one database (make test-slow)

SNAPSHOT_QUERIES = {
    "dim_persons": "select * from dim_persons order by person_id",
    "dim_person_identifiers": "select * from dim_person_identifiers order by identifier_id",
    "registry": "select * from intermediate.int_person_ids_registry order by person_id",
    "history": "select * from identity_id_history order by id_history_id",
    "events": "select insert_id, device_id, user_id from export_amplitude__events order by insert_id",
    "identifies": "select insert_id, device_id, user_id from export_amplitude__identifies order by insert_id",
}

MIA, MIA_PHONE = "merge.mia@merge-example.com", "+14152050001"
MAX, MAX_PHONE = "merge.max@merge-example.com", "+14152050002"
LOU, LIA, LATE_PHONE = "late.lou@late-example.com", "late.lia@late-example.com", "+14152060001"
BATCH_2_IDENTIFIERS = {email_id(MAX), phone_id(MIA_PHONE), email_id(LIA), phone_id(LATE_PHONE)}


def snapshot(database):
    return {name: query(database, sql) for name, sql in SNAPSHOT_QUERIES.items()}


def person_rows(snap):
    """identifier_id -> (person_id, device_id, user_id)."""
    return {row[0]: row[1:4] for row in snap["dim_person_identifiers"]}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("identity_stability")
    raw = raw_folder(workdir / "raw", "batch_1")
    database = workdir / "stability.duckdb"
    settings = {"identity__raw_path": raw, "identity__export_path": workdir / "exports"}
    snaps = {}
    run_dbt(["build"], database, **settings)
    snaps["first"] = snapshot(database)
    run_dbt(["build"], database, **settings)
    snaps["rerun"] = snapshot(database)
    run_dbt(["build", "--full-refresh"], database, **settings)
    snaps["full_refresh"] = snapshot(database)
    raw_folder(raw, "batch_2")
    run_dbt(["build"], database, **settings)
    snaps["new_file"] = snapshot(database)
    run_dbt(["build", "--full-refresh"], database, **settings)
    snaps["new_file_full_refresh"] = snapshot(database)
    return snaps


def test_a_run_with_no_new_data_changes_nothing(runs):
    first, rerun = runs["first"], runs["rerun"]
    for name in SNAPSHOT_QUERIES:
        assert rerun[name] == first[name], name
    assert first["history"] == []


def test_full_refresh_keeps_every_id(runs):
    first, refreshed = runs["first"], runs["full_refresh"]
    for name in ("dim_persons", "dim_person_identifiers", "registry", "history"):
        assert refreshed[name] == first[name], name


def test_merge_keeps_the_older_id_and_records_the_retired_one(runs):
    before, after = person_rows(runs["first"]), person_rows(runs["new_file"])
    mia_person, mia_device = before[email_id(MIA)][:2]
    max_person, max_device = before[email_id(MAX)][:2]
    assert mia_person != max_person
    assert mia_device == sha256(MIA) and max_device == sha256(MAX)
    # one person now, named after Mia (seen first)
    for node in (email_id(MIA), phone_id(MIA_PHONE), email_id(MAX), phone_id(MAX_PHONE)):
        assert after[node][:2] == (mia_person, mia_device)
    history = query_history(runs["new_file"])
    assert history == [(max_person, max_device, mia_person, mia_device, "merged: new evidence joined it to an older person, whose ids survive")]


def query_history(snap):
    """(retired person, retired device, survivor person, survivor device, reason) rows of a snapshot."""
    return [(row[1], row[2], row[3], row[4], row[7]) for row in snap["history"]]


def test_late_older_observation_does_not_move_an_exported_device_id(runs):
    before, after = person_rows(runs["first"]), person_rows(runs["new_file"])
    lou_person, lou_device = before[email_id(LOU)][:2]
    assert lou_device == sha256(LOU)
    # Lou's device was exported with his first touch
    assert (touch_record_id("lt-1"), lou_device, None) in runs["first"]["events"]
    # the new file makes Lia's email and the phone the first-seen identifiers of the person...
    first_seen = dict(
        (row[0], row[-1]) for row in runs["new_file"]["dim_person_identifiers"] if row[1] == lou_person
    )
    assert min(first_seen, key=first_seen.get) != email_id(LOU)
    # ...but the person keeps Lou's ids, and Lia's touch is exported on Lou's device
    for node in (email_id(LOU), email_id(LIA), phone_id(LATE_PHONE)):
        assert after[node][:2] == (lou_person, lou_device)
    assert (touch_record_id("lt-2"), lou_device, None) in runs["new_file"]["events"]


def test_a_new_file_touches_only_the_persons_it_reaches(runs):
    before, after = runs["first"], runs["new_file"]
    reached = {person_rows(after)[node][0] for node in BATCH_2_IDENTIFIERS}
    reached |= {person_rows(before)[node][0] for node in BATCH_2_IDENTIFIERS if node in person_rows(before)}
    untouched_before = [row for row in before["dim_person_identifiers"] if row[1] not in reached]
    untouched_after = [row for row in after["dim_person_identifiers"] if row[1] not in reached]
    assert untouched_after == untouched_before
    assert len(untouched_before) > 200
    assert [row for row in after["dim_persons"] if row[0] not in reached] == [
        row for row in before["dim_persons"] if row[0] not in reached
    ]


def test_full_refresh_after_a_merge_and_a_late_file_keeps_every_id(runs):
    merged, refreshed = runs["new_file"], runs["new_file_full_refresh"]
    for name in ("dim_persons", "dim_person_identifiers", "registry", "history"):
        assert refreshed[name] == merged[name], name


def test_no_exported_device_id_is_ever_reassigned(runs):
    last = runs["new_file_full_refresh"]
    exported = {row[1] for row in last["events"] + last["identifies"] if row[1] is not None}
    assert exported
    registry_person = {}
    for row in last["registry"]:
        person_id, device_id = row[0], row[1]
        assert device_id is None or device_id not in registry_person, "a device id names two persons"
        registry_person[device_id] = person_id
    current = {row[0]: row[1] for row in last["dim_persons"]}
    retired = {row[0]: row[2] for row in query_history(last)}
    for device_id in exported:
        person_id = registry_person[device_id]
        # the device still names its person, or that person was retired into a survivor
        assert current.get(person_id) == device_id or person_id in retired
