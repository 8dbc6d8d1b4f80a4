"""Erasure requests honoured everywhere, through reruns, re-uploads and full refreshes (docs/erasure.md).

One scenario, built step by step in one database and export folder:

0. the demo, plus a lead (Lena) who gave Nora's phone once and her email alone once;
1. a request erases Helen, a lead known only by her email;
2. a rerun, with the request file removed;
3. the badge-scan file re-uploaded (other bytes) and a new export holding Helen's email written another way;
4. `dbt build --full-refresh`;
5. a second request erases Nora's phone (a user's phone, shared with Lena) and Alice entirely
   (user_id, email and phone).

After each step the erased values (every raw, cleaned and parsed form) are in no relation of any schema,
no export file and no log or target file of the runs since the request; the other persons' export rows
are unchanged.
"""

import hashlib
import shutil

import pytest

from conftest import demo_copy, query, run_dbt
from test_pii import erased_needles, erased_value_leaks

pytestmark = pytest.mark.slow

HELEN = "helen.park@umbrella.io"
NORA_PHONE = "+1 (617) 555-0142"
ALICE = {"user_id": "usr_10001", "email": "alice.nguyen@northwind-labs.com", "phone": "(415) 867-2301"}

LENA_LEADS = """touch_id,source,event_type,occurred_at,email,phone,full_name,properties
lena-1,partner_list,Partner Referral,2026-05-20T10:00:00Z,lena.lead@globex.example,617-555-0142,Lena Lead,{}
lena-2,partner_list,Partner Referral,2026-05-21T10:00:00Z,lena.lead@globex.example,,Lena Lead,{}
"""

# Helen is the one usable row of this file: once she is erased, it must not read as mass-rejected
HELEN_AND_A_BLANK = """touch_id,source,event_type,occurred_at,email,phone,full_name,properties
booth-1,booth_list,Booth Visit,2026-05-30T10:00:00Z,helen.park@umbrella.io,,Helen Park,{}
booth-2,booth_list,Booth Visit,2026-05-30T11:00:00Z,,,Someone,{}
"""

LATE_EXPORT = """touch_id,source,event_type,occurred_at,email,phone,full_name,properties
late-1,webinar_partner,Partner Webinar,2026-06-02T10:00:00Z,Helen Park <HELEN.PARK@umbrella.io>,,Helen Park,{}
late-2,webinar_partner,Partner Webinar,2026-06-02T11:00:00Z,new.person@initrode.example,,New Person,{}
"""


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def export_rows(database):
    return set(
        query(
            database,
            "select 'events', insert_id, device_id, user_id, time from export_amplitude__events"
            " union all select 'identifies', insert_id, device_id, user_id, time"
            " from export_amplitude__identifies",
        )
    )


class Scenario:
    def __init__(self, work):
        self.work = work
        self.database = work / "erasure.duckdb"
        self.raw, self.vars = demo_copy(work)
        self.exports = work / "exports"
        self.requests = self.raw / "privacy" / "erasure_requests"
        self.steps = {}

    def build(self, step, *flags):
        logs = self.work / f"logs_{step}"
        result = run_dbt(["build", "--log-path", str(logs), *flags], self.database, **self.vars)
        self.steps[step] = {"rows": export_rows(self.database), "logs": logs, "stdout": result.stdout}

    def leaks(self, needles, since_step):
        folders = [self.exports, self.work / "dbt_target"]
        folders += [self.work / f"logs_{step}" for step in self.steps if step >= since_step]
        return erased_value_leaks(self.database, needles, folders)

    def request(self, name, text):
        self.requests.mkdir(parents=True, exist_ok=True)
        (self.requests / name).write_text(text)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    scenario = Scenario(tmp_path_factory.mktemp("erasure"))
    (scenario.raw / "offline" / "touches" / "lena_leads.csv").write_text(LENA_LEADS)
    (scenario.raw / "offline" / "touches" / "booth_visits.csv").write_text(HELEN_AND_A_BLANK)
    scenario.build(0)
    scenario.before_second_request = None

    scenario.request("2026-12-01.csv", "requested_at,email\n2026-12-01T09:00:00Z,Helen.Park@umbrella.io\n")
    scenario.build(1)
    scenario.helen_leaks = {1: scenario.leaks(erased_needles([HELEN]), 1)}

    shutil.rmtree(scenario.requests)
    scenario.build(2)
    scenario.helen_leaks[2] = scenario.leaks(erased_needles([HELEN]), 1)

    badge_scans = scenario.raw / "offline" / "touches" / "saastr_2026_badge_scans.csv"
    badge_scans.write_text(badge_scans.read_text() + "\n")  # other bytes: read again
    (scenario.raw / "offline" / "touches" / "late_partner_webinar.csv").write_text(LATE_EXPORT)
    scenario.build(3)
    scenario.helen_leaks[3] = scenario.leaks(erased_needles([HELEN]), 1)

    scenario.build(4, "--full-refresh")
    scenario.helen_leaks[4] = scenario.leaks(erased_needles([HELEN]), 1)

    scenario.persons_before = dict(query(scenario.database, "select user_id, person_id from dim_persons"))
    scenario.request(
        "2026-12-03.csv",
        "Requested At,E-mail,Phone,User ID\n"
        f"2026-12-03T10:00:00Z,,{NORA_PHONE},\n"
        f"2026-12-03T11:00:00Z,{ALICE['email']},{ALICE['phone']},{ALICE['user_id']}\n"
        "2026-12-03T12:00:00Z,not an address,,\n"
        "yesterday,someone@example.org,,\n",
    )
    scenario.build(5)
    return scenario


def test_an_email_only_lead_is_erased_from_every_relation_file_and_log(scenario):
    assert scenario.helen_leaks[1] == []
    helen_device = sha256(HELEN)
    removed = scenario.steps[0]["rows"] - scenario.steps[1]["rows"]
    assert removed and {row[2] for row in removed} == {helen_device}
    assert scenario.steps[1]["rows"] <= scenario.steps[0]["rows"]  # nobody else's row changed


def test_the_erasure_holds_through_a_rerun_without_the_request_file(scenario):
    assert scenario.helen_leaks[2] == []
    assert scenario.steps[2]["rows"] == scenario.steps[1]["rows"]
    assert query(scenario.database, "select count(*) from privacy_erasure_tombstones") != [(0,)]


def test_a_reuploaded_file_and_a_late_export_do_not_bring_her_back(scenario):
    assert scenario.helen_leaks[3] == []
    added = scenario.steps[3]["rows"] - scenario.steps[2]["rows"]
    assert {row[2] for row in added} == {sha256("new.person@initrode.example")}
    assert scenario.steps[2]["rows"] <= scenario.steps[3]["rows"]


def test_a_full_refresh_does_not_bring_her_back(scenario):
    assert scenario.helen_leaks[4] == []
    assert scenario.steps[4]["rows"] == scenario.steps[3]["rows"]


def test_the_export_file_is_rewritten_in_place_and_amplitude_gets_a_deletion_list(scenario):
    rewritten = query(scenario.database, "select file_path, rows_before, rows_after from privacy_rewritten_export_files")
    assert rewritten and all(before > after for _, before, after in rewritten)
    listed = query(
        scenario.database,
        "select id_type, exported_id, is_already_listed from privacy_amplitude_deletions"
        " where exported_id = ?",
        [sha256(HELEN)],
    )
    assert listed == [("device_id", sha256(HELEN), False)]
    files = sorted((scenario.exports / "amplitude" / "deletions").glob("deletions_*.json"))
    assert files and sha256(HELEN) in files[0].read_text()


def test_a_users_shared_phone_and_a_whole_user_are_erased(scenario):
    needles = erased_needles([ALICE["email"]], [NORA_PHONE, ALICE["phone"]])
    assert scenario.leaks(needles, 5) == []
    assert query(scenario.database, "select count(*) from dim_persons where user_id = ?", [ALICE["user_id"]]) == [(0,)]
    # Nora keeps her account and person; only her phone is gone
    assert query(scenario.database, "select person_id from dim_persons where user_id = 'usr_10004'") == [
        (scenario.persons_before["usr_10004"],)
    ]
    user_ids = {row[3] for row in scenario.steps[5]["rows"]}
    assert ALICE["user_id"] not in user_ids and "usr_10004" in user_ids


def test_other_persons_exports_are_unchanged_by_the_second_request(scenario):
    before, after = scenario.steps[4]["rows"], scenario.steps[5]["rows"]
    removed = before - after
    alice = {row for row in removed if row[3] == ALICE["user_id"]}
    assert alice and {row[0] for row in alice} == {"events", "identifies"}
    # besides Alice's rows, only the event of the one touch that held Nora's phone (Lena's first referral)
    assert [row[:1] + row[3:4] for row in removed - alice] == [("events", "usr_10004")]
    assert after <= before


def test_the_lead_joined_to_nora_only_by_the_phone_is_split_off(scenario):
    nora = scenario.persons_before["usr_10004"]
    splits = query(
        scenario.database,
        "select retired_person_id, survivor_person_id, reason from identity_id_history where reason like 'split:%'",
    )
    assert len(splits) == 1 and splits[0][0] == nora and splits[0][1] != nora
    lena = query(
        scenario.database,
        "select person_id from dim_person_identifiers where identifier_type = 'email' and identifier_sha256 = ?",
        [sha256("lena.lead@globex.example")],
    )
    assert lena == [(splits[0][1],)]


def test_bad_request_rows_are_quarantined_with_a_reason(scenario):
    rows = query(
        scenario.database,
        "select source_row_number, row_rejection_reason from privacy_erasure_requests"
        " where source_file like '%2026-12-03.csv' order by 1",
    )
    assert rows[:2] == [(2, None), (3, None)]
    assert rows[2][1].startswith("nothing usable to erase: email:")
    assert rows[3][1].startswith("requested_at is not an ISO-8601 timestamp")
    quarantined = query(
        scenario.database,
        "select source_row_number, rejected_column from quarantined_records"
        " where source_system = 'privacy' and source_file like '%2026-12-03.csv' order by 1",
    )
    assert quarantined == [(4, "request"), (5, "request")]


def test_a_file_whose_usable_row_was_erased_does_not_read_as_mass_rejected(scenario):
    rows = query(
        scenario.database,
        "select rows_read, rows_rejected from quarantined_files where source_file like '%booth_visits.csv'",
    )
    assert rows == [(2, 1)]
