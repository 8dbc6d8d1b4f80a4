"""End to end: the quirks corpus (tests/fixtures/raw_quirks) built by dbt.

The corpus arrives in two drops, like hand downloads do: first the originals,
then the re-uploads and overlapping exports. After both builds every good raw
row is a touch and an exported event exactly once, and every bad raw row is in
`quarantined_records` with its file, row and reason.
"""

import gzip
import json
import os
import sys
import time
from pathlib import Path

import pytest

from conftest import PROJECT_ROOT, query, run_dbt

sys.path.insert(0, str(PROJECT_ROOT / "tests" / "fixtures"))
import make_quirks_corpus as corpus  # noqa: E402

# Re-uploads and overlaps: the second drop.
SECOND_DROP = {
    f"{corpus.ZOOM}/Customer_Onboarding_Webinar_81522334455_attendee_report (1).csv",
    f"{corpus.ZOOM}/Pricing_QA_84759841045_attendee_report_2026-03-20.csv",
    f"{corpus.CALLS}/call_log_2026-03-15_2026-04-15.csv",
    f"{corpus.USERS}/users_2026-04-30 - Copy.csv",
    f"{corpus.OFFLINE}/saastr_2026_badge_scans_excel - Copy.csv",
}

REGISTERED, ATTENDED = "Webinar Registered", "Webinar Attended"
WEBINAR_A, WEBINAR_B, WEBINAR_C = "81522334455", "84759841045", "90123456789"

# (event type, webinar id, email) of every Zoom touch the good rows make.
EXPECTED_ZOOM = {
    (REGISTERED, WEBINAR_A, "alice.nguyen@northwind-labs.com"),
    (ATTENDED, WEBINAR_A, "alice.nguyen@northwind-labs.com"),
    (REGISTERED, WEBINAR_A, "bob.martins@contoso.io"),
    (REGISTERED, WEBINAR_A, "carla.diaz@fabrikam.co.uk"),
    (ATTENDED, WEBINAR_A, "carla.diaz@fabrikam.co.uk"),
    # his 1,500-character name is dropped, not his row
    (REGISTERED, WEBINAR_A, "gus.ito@initech.com"),
    (ATTENDED, WEBINAR_A, "gus.ito@initech.com"),
    (REGISTERED, WEBINAR_B, "hannah.cho@contoso.io"),
    (ATTENDED, WEBINAR_B, "hannah.cho@contoso.io"),
    (REGISTERED, WEBINAR_B, "ian.wright@globex.com"),
    (ATTENDED, WEBINAR_B, "ian.wright@globex.com"),
    (REGISTERED, WEBINAR_B, "julia.santos@fabrikam.co.uk"),
    (REGISTERED, WEBINAR_B, "kenji.sato@example.jp"),
    (REGISTERED, WEBINAR_C, "renee.lefevre@exemple.fr"),
    (ATTENDED, WEBINAR_C, "renee.lefevre@exemple.fr"),
    (REGISTERED, WEBINAR_C, "juergen.gross@beispiel.de"),
    (ATTENDED, WEBINAR_C, "juergen.gross@beispiel.de"),
    (REGISTERED, WEBINAR_C, "siobhan.obrien@example.ie"),
}
EXPECTED_CALLS = {
    ("Inbound Call", "C-1001"), ("Outbound Call", "C-1002"), ("Inbound Call", "C-1003"),
    ("Inbound Call", "C-1006"),  # its 140 KB name dropped (value_rejection_reason), the call kept
    ("Inbound Call", "C-1010"), ("Outbound Call", "C-1011"),
}
EXPECTED_OFFLINE = {"bs-001", "bs-002"}
EXPECTED_EVENTS = len(EXPECTED_ZOOM) + len(EXPECTED_CALLS) + len(EXPECTED_OFFLINE)
# The first drop lacks Kenji's registration and calls C-1010, C-1011.
EXPECTED_EVENTS_FIRST_DROP = EXPECTED_EVENTS - 3

ZOOM_TOUCHES_SQL = """
    select touches.event_type, touches.event_properties->>'webinar_id', emails.email_normalized,
        touches.event_properties, touches.occurred_at
    from intermediate.int_touches_unioned as touches
    inner join (
        select distinct email_sha256, email_normalized from staging.stg_zoom__webinar_attendees
    ) as emails
        on touches.email_sha256 = emails.email_sha256
    where touches.source_system = 'zoom'
"""


def exported_file_events(exports):
    events = []
    for path in sorted((exports / "amplitude" / "events").glob("*.json.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            events += [json.loads(line) for line in handle if line.strip()]
    return events


@pytest.fixture(scope="module")
def quirks_build(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("quirks")
    raw, database, exports = workdir / "raw", workdir / "quirks.duckdb", workdir / "exports"
    first = {path: data for path, data in corpus.FILES.items() if path not in SECOND_DROP}
    corpus.write(raw, first)
    run_dbt(["build"], database, identity__raw_path=raw, identity__export_path=exports)
    first_drop = {
        "events": query(database, "select count(*) from export_amplitude__events")[0][0],
        "file_events": len(exported_file_events(exports)),
    }
    corpus.write(raw)  # the re-uploads and overlapping exports arrive
    run_dbt(["build"], database, identity__raw_path=raw, identity__export_path=exports)
    return {"raw": raw, "database": database, "exports": exports, "first_drop": first_drop}


def zoom_touches(database):
    return query(database, ZOOM_TOUCHES_SQL)


def test_each_good_zoom_row_is_one_touch(quirks_build):
    touches = zoom_touches(quirks_build["database"])
    keys = [(event_type, webinar, email) for event_type, webinar, email, _, _ in touches]
    assert sorted(keys) == sorted(EXPECTED_ZOOM)  # each exactly once, no more


def test_each_good_call_and_offline_row_is_one_touch(quirks_build):
    database = quirks_build["database"]
    calls = query(database, """
        select event_type, event_properties->>'call_id' from intermediate.int_touches_unioned
        where source_system = 'ringcentral'
    """)
    assert sorted(calls) == sorted(EXPECTED_CALLS)
    offline = query(database, """
        select event_properties->>'touch_id' from intermediate.int_touches_unioned
        where source_system = 'offline'
    """)
    assert sorted(row[0] for row in offline) == sorted(EXPECTED_OFFLINE)
    # App users (the export saved twice, one bad row): each identified once.
    users = query(database, "select user_id, count(*) from export_amplitude__identifies group by 1")
    assert sorted(users) == [("usr_20001", 1), ("usr_20002", 1)]


def test_each_touch_is_exported_exactly_once(quirks_build):
    database, exports = quirks_build["database"], quirks_build["exports"]
    touch_ids = sorted(row[0] for row in query(database, "select touch_id from intermediate.int_touches_unioned"))
    assert len(touch_ids) == EXPECTED_EVENTS
    events = sorted(row[0] for row in query(database, "select insert_id from export_amplitude__events"))
    assert events == touch_ids
    file_events = sorted(event["insert_id"] for event in exported_file_events(exports))
    assert file_events == touch_ids  # across both runs' files, none twice


def test_reuploads_and_overlaps_add_only_what_is_new(quirks_build):
    assert quirks_build["first_drop"] == {
        "events": EXPECTED_EVENTS_FIRST_DROP,
        "file_events": EXPECTED_EVENTS_FIRST_DROP,
    }


def test_each_bad_row_is_quarantined_with_file_row_and_reason(quirks_build):
    rows = query(quirks_build["database"], """
        select source_file, source_row_number, reason from quarantined_records where is_row_rejected
    """)
    got = {(path, row): reason for path, row, reason in rows}
    assert len(got) == len(rows)  # one row-level entry per bad row
    expected = {(path, row): reason for path, row, reason in corpus.BAD_ROWS}
    assert set(got) == set(expected)  # and no good row is quarantined
    for key, fragment in expected.items():
        assert fragment in got[key], (key, got[key])


def test_unparseable_zoom_time_names_column_and_format(quirks_build):
    (reason,) = {
        reason for path, row, reason in query(
            quirks_build["database"],
            "select source_file, source_row_number, reason from quarantined_records where reason like 'Join Time%'",
        )
    }
    assert reason == (
        "Join Time is not a timestamp: expected a Zoom report time such as "
        "'Mar 22, 2025 7:13 PM', 'Mar 22, 2025 19:13:27' or '03/22/2025 07:13:27 PM' "
        "(identity__zoom_date_order: MDY)"
    )


def test_rejoins_become_one_attendance_with_first_join_last_leave_total_minutes(quirks_build):
    attendances = {
        email: (json.loads(properties), occurred_at)
        for event_type, _, email, properties, occurred_at in zoom_touches(quirks_build["database"])
        if event_type == ATTENDED
    }
    alice, alice_at = attendances["alice.nguyen@northwind-labs.com"]
    assert (alice["minutes_attended"], alice["session_count"]) == (32 + 15 + 10, 3)
    assert (alice["first_joined_at"], alice["last_left_at"]) == ("2026-03-10T17:00:12Z", "2026-03-10T18:01:55Z")
    assert alice_at.isoformat() == "2026-03-10T17:00:12"
    # Ian's two sessions appear in two overlapping exports, in two date formats.
    ian, _ = attendances["ian.wright@globex.com"]
    assert (ian["minutes_attended"], ian["session_count"]) == (17 + 34, 2)
    assert (ian["first_joined_at"], ian["last_left_at"]) == ("2026-03-12T16:03:00Z", "2026-03-12T16:59:00Z")


def test_no_shows_are_registrations_only(quirks_build):
    touches = zoom_touches(quirks_build["database"])
    by_email = {}
    for event_type, _, email, _, _ in touches:
        by_email.setdefault(email, []).append(event_type)
    for email in ("bob.martins@contoso.io", "julia.santos@fabrikam.co.uk", "siobhan.obrien@example.ie", "kenji.sato@example.jp"):
        assert by_email[email] == [REGISTERED]


def test_custom_registration_questions_are_in_event_properties(quirks_build):
    properties = {
        (event_type, email): json.loads(props)
        for event_type, _, email, props, _ in zoom_touches(quirks_build["database"])
    }
    alice_answers = {"Company Size": "51-200", "What would you like to learn?": "Pricing"}
    assert properties[(REGISTERED, "alice.nguyen@northwind-labs.com")]["registration_answers"] == alice_answers
    assert properties[(ATTENDED, "alice.nguyen@northwind-labs.com")]["registration_answers"] == alice_answers
    carla = properties[(REGISTERED, "carla.diaz@fabrikam.co.uk")]["registration_answers"]
    assert carla["What would you like to learn?"] == "SSO, SCIM and audit logs"  # quoted comma
    # `--` is Zoom's "not answered": not an answer.
    assert properties[(REGISTERED, "bob.martins@contoso.io")]["registration_answers"] == {"Company Size": "1-50"}
    assert properties[(ATTENDED, "ian.wright@globex.com")]["registration_answers"] == {"Job Title": "Analytics Engineer"}
    assert "registration_answers" not in properties[(REGISTERED, "renee.lefevre@exemple.fr")]
    exported = {row[0] for row in query(quirks_build["database"], "select event_properties->>'registration_answers' from export_amplitude__events")}
    assert json.dumps(alice_answers, separators=(",", ":")) in exported


def test_an_oversized_name_costs_the_name_not_the_row(quirks_build):
    rows = query(quirks_build["database"], """
        select name_normalized, value_rejection_reason, row_rejection_reason from staging.stg_zoom__webinar_attendees
        where email_normalized = 'gus.ito@initech.com'
    """)
    assert rows == [
        ("gus ito", "User Name (Original Name): oversized value (1500 characters, at most 1024 expected) dropped", None)
    ] * 2  # the report and its copy


def test_cp1252_names_are_decoded(quirks_build):
    database = quirks_build["database"]
    zoom = query(database, """
        select name_normalized from staging.stg_zoom__webinar_attendees
        where source_file like '%Partner_Roundtable%' order by source_row_number
    """)
    assert [row[0] for row in zoom] == ["renée lefèvre", "jürgen groß", "siobhán o’brien"]
    offline = query(database, """
        select distinct name_normalized from staging.stg_offline__touches order by 1
    """)
    assert [row[0] for row in offline] == ["françois müller", "inés garcía", "zoë d’angelo"]
    encodings = dict(query(database, """
        select source_file, any_value(source_file_encoding) from staging.base_zoom__attendee_report_rows group by 1
    """))
    assert encodings[f"{corpus.ZOOM}/Partner_Roundtable_90123456789_attendee_report_excel.csv"] == "cp1252"
    assert encodings[f"{corpus.ZOOM}/Pricing_QA_84759841045_attendee_report_2026-03-20.csv"] == "utf-8"


def test_empty_header_only_and_sub_folders(quirks_build):
    database = quirks_build["database"]
    loaded = dict(query(database, "select source_file, count(*) from staging.base_zoom__attendee_report_rows group by 1"))
    loaded.update(query(database, "select source_file, count(*) from staging.base_ringcentral__call_log_rows group by 1"))
    assert not any("Office_Hours" in path for path in loaded)  # header only, 0 bytes
    assert f"{corpus.CALLS}/call_log_2026-04-16_2026-04-30.csv" not in loaded  # header only
    # A report filed in a sub-folder is read like any other.
    assert loaded[f"{corpus.ZOOM}/2026-03/Customer_Onboarding_Webinar_81522334455_attendee_report.csv"] == 11


def test_touches_keep_their_file_and_load_time(quirks_build):
    rows = query(quirks_build["database"], "select source_file, _loaded_at from intermediate.int_touches_unioned")
    assert rows and all(path in corpus.FILES and loaded_at is not None for path, loaded_at in rows)
    base = query(quirks_build["database"], """
        select count(*) from staging.base_offline__touch_rows
        where source_file_modified_at is null or _loaded_at is null or source_file_sha256 is null
    """)
    assert base == [(0,)]


def test_webinar_start_and_times_are_utc_by_default(quirks_build):
    starts = dict(query(quirks_build["database"], """
        select distinct webinar_id, webinar_started_at from staging.stg_zoom__webinar_attendees
        where webinar_id in ('81522334455', '84759841045')
    """))
    assert starts["81522334455"].isoformat() == "2026-03-10T16:58:02"
    assert starts["84759841045"].isoformat() == "2026-03-12T15:58:02"


def test_zoom_times_in_another_timezone_are_converted_to_utc(quirks_build, tmp_path):
    database = tmp_path / "new_york.duckdb"
    run_dbt(
        ["build", "--select", "+stg_zoom__webinar_attendees", "--indirect-selection", "cautious"], database,
        identity__raw_path=quirks_build["raw"], identity__zoom_timezone="America/New_York",
    )
    rows = query(database, """
        select name_normalized, min(webinar_started_at), min(registered_at), min(joined_at), min(left_at)
        from staging.stg_zoom__webinar_attendees
        where name_normalized in ('alice nguyen', 'renée lefèvre') and row_rejection_reason is null
        group by 1 order by 1
    """)
    # 2026-03-10 is after the US switch to daylight time (Mar 8): EDT, UTC-4;
    # Alice registered on Mar 2, still EST, UTC-5.
    alice, renee = rows
    assert [value.isoformat() for value in alice[1:]] == [
        "2026-03-10T20:58:02", "2026-03-02T15:04:51", "2026-03-10T21:00:12", "2026-03-10T21:31:40",
    ]
    assert renee[3].isoformat() == "2026-03-20T14:02:00"


def test_source_freshness(quirks_build, tmp_path):
    database, raw = quirks_build["database"], quirks_build["raw"]
    fresh = run_dbt(["source", "freshness"], database, identity__raw_path=raw)
    assert fresh.stdout.count("PASS freshness of ") == 4
    # Exports downloaded 40 days ago: stale past the 30-day error threshold.
    stale_db = tmp_path / "stale.duckdb"
    old = time.time() - 40 * 86400
    for path in raw.rglob("*"):
        os.utime(path, (old, old))
    run_dbt(["run", "--select", "base_zoom__attendee_report_rows", "base_app__user_rows",
             "base_ringcentral__call_log_rows", "base_offline__touch_rows"], stale_db, identity__raw_path=raw)
    stale = run_dbt(["source", "freshness"], stale_db, check=False, identity__raw_path=raw)
    assert stale.returncode != 0
    assert stale.stdout.count("ERROR STALE freshness of ") == 4
    lenient = run_dbt(["source", "freshness"], stale_db, check=False,
                      identity__raw_path=raw, identity__freshness_error_after_days=90)
    assert lenient.returncode == 0
    assert lenient.stdout.count("WARN freshness of ") == 4


def test_schema_drift_stops_the_build_before_any_export(tmp_path):
    raw = corpus.write(tmp_path / "raw", corpus.schema_drift_files(), [])
    database, exports = tmp_path / "drift.duckdb", tmp_path / "exports"
    result = run_dbt(["build"], database, check=False, identity__raw_path=raw, identity__export_path=exports)
    assert result.returncode != 0
    output = result.stdout
    expected = (
        f"Schema drift in {corpus.DRIFT_FILE}: missing column(s) Direction, From, To. "
        "Expected layout: Type, Direction, From, To, Name, Date, Time, Action, Action Result, "
        "Result Description, Duration, Extension."
    )
    assert expected in " ".join(output.split())
    assert "Found header: Type, Phone Number, Name, Date, Time, Action, Action Result" in output
    assert output.count("Schema drift in") == 1  # one message, not one per model
    assert "ERROR=1 " in output  # one failure: the drifted file's loader, nothing else
    tables = {row[0] for row in query(database, "select table_name from information_schema.tables")}
    assert not {name for name in tables if name.startswith("export_")}, tables
    assert not [path for path in exports.rglob("*") if path.is_file()] if exports.exists() else True
