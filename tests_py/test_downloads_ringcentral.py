"""End to end: RingCentral call logs, app users and offline lists exactly as people download them.

The corpus (tests/fixtures/downloads, one file per variant, invented people) is
built once, with two re-uploads under other names (one sorting before its
original, one after) and the portal's times read in America/Chicago. Per file:
the rows read and their layout, the touches (event type, time in UTC to the
second, the lead's phone and name), the rows quarantined and why, and the
values dropped from rows that flow on. A flattened export without a required
column stops the build with a message saying what to do.
"""

import datetime as dt
import shutil

import pytest

from conftest import PROJECT_ROOT, query, run_dbt

CORPUS = PROJECT_ROOT / "tests" / "fixtures" / "downloads"
TIMEZONE = "America/Chicago"  # the account's zone for the portal's Date and Time (CDT in late March: UTC-5)
IN, OUT = "Inbound Call", "Outbound Call"

PORTAL = "ringcentral/CallLog_2026-03-16_2026-03-20.csv"
OVERLAP = "ringcentral/CallLog_2026-03-18_2026-03-25.csv"
EXCEL = "ringcentral/CallLog_2026-03-23_excel.csv"
APP = "ringcentral/app/CallLog_2026-03-21.csv"
JSON = "ringcentral/api/call-log_2026-03-24.json"
PANDAS = "ringcentral/api/call_log_page_2.csv"
PASCAL = "ringcentral/api/CallLogExport_PascalCase.csv"

# Re-uploads: the browser's "(1)" copy sorts before its original; a renamed copy in
# another folder sorts after.
REUPLOADS = {
    "ringcentral/CallLog_2026-03-16_2026-03-20 (1).csv": PORTAL,
    "ringcentral/zz_uploaded_again/march calls.json": JSON,
}

INTERNAL_CALLER = "internal call: the caller is an extension of the account, not an outside number"
INTERNAL_CALLEE = "internal call: the callee is an extension of the account, not an outside number"
NO_PHONE = "no usable identifier: caller phone missing or rejected"
BAD_PORTAL_TIME = (
    "Date and Time are not a call-log date and time: expected a date such as 'Wed 03/18/2026' "
    "and a time such as '3:02 PM'"
)
DROPPED_NAME = "from.name: oversized value (5000 characters, at most 1024 expected) dropped"

# Per file: its layout, rows read, the usable rows as
# {row: (event type, occurred_at UTC, lead's phone, lead's name)}, the rejected rows
# {row: reason}, and the values dropped from rows that flow on {row: value_rejection_reason}.
EXPECTED = {
    PORTAL: {
        "layout": "portal_csv",
        "rows": 6,
        "touches": {
            2: (IN, "2026-03-18T20:02:00", "+14155550142", "alma reyes"),  # Wed 03/18/2026 3:02 PM CDT
            3: (OUT, "2026-03-19T15:15:00", "+16465550187", "marcus bell"),  # From: extension 9042
            4: (IN, "2026-03-19T21:45:00", "+14155550142", "alma reyes"),  # missed: still a touch
        },
        "quarantined": {5: INTERNAL_CALLER, 6: NO_PHONE, 7: BAD_PORTAL_TIME},
        "values": {},
    },
    OVERLAP: {
        "layout": "portal_csv",
        "rows": 3,
        "touches": {
            2: (IN, "2026-03-18T20:02:00", "+14155550142", "alma reyes"),
            3: (OUT, "2026-03-19T15:15:00", "+16465550187", "marcus bell"),
            4: (IN, "2026-03-24T16:00:00", "+15125550171", "owen price"),
        },
        "quarantined": {},
        "values": {},
    },
    APP: {
        "layout": "portal_csv",
        "rows": 3,
        "touches": {
            2: (IN, "2026-03-21T14:30:00", "+13125550164", "priya natarajan"),  # Name <number>
            3: (OUT, "2026-03-21T18:05:00", "+12065550133", "keiko tanaka"),  # a name, then a number
        },
        "quarantined": {4: INTERNAL_CALLEE},
        "values": {},
    },
    EXCEL: {
        "layout": "portal_csv",
        "rows": 2,
        "touches": {3: (IN, "2026-03-23T16:45:00", "+13055550119", "josé peña")},  # cp1252
        "quarantined": {2: NO_PHONE},
        "values": {},
    },
    JSON: {
        "layout": "api_json",
        "rows": 4,
        "touches": {
            1: (IN, "2026-03-24T13:20:05", "+12065550133", "keiko tanaka"),
            2: (OUT, "2026-03-24T15:00:00", "+442079460123", None),  # `to` without a name
            4: (IN, "2026-03-25T09:00:00", "+15125550171", None),
        },
        "quarantined": {3: INTERNAL_CALLER},
        "values": {4: "from.name: not a text value (a JSON list) dropped"},
    },
    PANDAS: {
        "layout": "api_csv",
        "rows": 3,
        "touches": {
            2: (IN, "2026-03-26T17:42:10", "+16175550190", "lena brandt"),
            3: (OUT, "2026-03-26T18:05:00", "+13125550164", None),  # the page has no to.name
            4: (IN, "2026-03-27T08:30:00", "+17735550102", None),
        },
        "quarantined": {},
        "values": {4: DROPPED_NAME},
    },
    PASCAL: {
        "layout": "api_csv",
        "rows": 2,
        "touches": {
            2: (IN, "2026-03-27T19:15:00", "+13055550119", "josé peña"),
            3: (OUT, "2026-03-28T10:00:00", "+12065550133", "keiko tanaka"),
        },
        "quarantined": {},
        "values": {},
    },
}
for _copy, _original in REUPLOADS.items():
    EXPECTED[_copy] = EXPECTED[_original]

# Distinct calls of the corpus: the overlapping download's two old calls are the first one's.
EXPECTED_TOUCHES = 15


@pytest.fixture(scope="module")
def downloads_build(tmp_path_factory):
    work = tmp_path_factory.mktemp("downloads")
    raw = work / "raw"
    # the RingCentral, app and offline corpus; the Zoom corpus has its own build (test_downloads_zoom.py)
    shutil.copytree(CORPUS, raw, ignore=shutil.ignore_patterns("must_fail", ".gitattributes", "zoom"))
    for copy, original in REUPLOADS.items():
        (raw / copy).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(raw / original, raw / copy)
    database = work / "downloads.duckdb"
    run_dbt(
        ["build"], database, identity__raw_path=raw, identity__export_path=work / "exports",
        identity__ringcentral_timezone=TIMEZONE,
    )
    return database


def staged_calls(database):
    rows = query(database, """
        select source_file, source_row_number, call_log_layout, event_type,
            strftime(occurred_at, '%Y-%m-%dT%H:%M:%S'), phone_e164, name_normalized,
            row_rejection_reason, value_rejection_reason, touch_id
        from staging.stg_ringcentral__calls
    """)
    return {(row[0], row[1]): row[2:] for row in rows}


def test_every_file_is_read_in_its_layout(downloads_build):
    read = query(downloads_build, """
        select source_file, min(call_log_layout), max(call_log_layout), count(*), count(load_error)
        from staging.base_ringcentral__call_log_rows group by 1
    """)
    got = {path: (low, high, rows, errors) for path, low, high, rows, errors in read}
    assert got == {
        path: (expected["layout"], expected["layout"], expected["rows"], 0) for path, expected in EXPECTED.items()
    }


def test_each_file_makes_its_touches_in_utc(downloads_build):
    staged = staged_calls(downloads_build)
    for path, expected in EXPECTED.items():
        touches = {
            row: (event_type, occurred_at, phone, name)
            for (file, row), (_, event_type, occurred_at, phone, name, rejected, *_) in staged.items()
            if file == path and rejected is None
        }
        assert touches == expected["touches"], path


def test_rows_that_cannot_be_used_are_quarantined_with_their_reason(downloads_build):
    rejected = query(downloads_build, """
        select source_file, source_row_number, reason from quarantined_records
        where source_system = 'ringcentral' and is_row_rejected
    """)
    expected = {
        (path, row): reason for path, spec in EXPECTED.items() for row, reason in spec["quarantined"].items()
    }
    assert {(path, row): reason for path, row, reason in rejected} == expected


def test_spreadsheet_damage_is_named_never_guessed(downloads_build):
    phones = query(downloads_build, """
        select source_file, source_row_number, reason from quarantined_records
        where source_system = 'ringcentral' and rejected_column = 'phone'
    """)
    by_row = {(path, row): reason for path, row, reason in phones}
    assert by_row[(EXCEL, 2)] == (
        "phone: rewritten by a spreadsheet in scientific notation (like 4.42079E+11); the digits are lost"
    )
    assert by_row[(PORTAL, 6)] == "phone: placeholder value (Amplitude invalid id)"  # From: Anonymous


def test_values_a_call_can_do_without_are_dropped_and_named(downloads_build):
    staged = staged_calls(downloads_build)
    dropped = {key: value[6] for key, value in staged.items() if value[6] is not None}
    expected = {(path, row): reason for path, spec in EXPECTED.items() for row, reason in spec["values"].items()}
    assert dropped == expected
    assert all(staged[key][5] is None for key in expected)  # and the row flows on


def test_reuploads_and_overlapping_downloads_add_nothing(downloads_build):
    staged = staged_calls(downloads_build)
    touches = query(downloads_build, """
        select touch_id, event_type, strftime(occurred_at, '%Y-%m-%dT%H:%M:%S')
        from intermediate.int_touches_unioned where source_system = 'ringcentral'
    """)
    assert len(touches) == len({touch_id for touch_id, *_ in touches}) == EXPECTED_TOUCHES
    usable = {value[7] for value in staged.values() if value[5] is None}
    assert {touch_id for touch_id, *_ in touches} == usable
    for copy, original in REUPLOADS.items():
        copies = {value[7] for (path, _), value in staged.items() if path == copy and value[5] is None}
        originals = {value[7] for (path, _), value in staged.items() if path == original and value[5] is None}
        assert copies == originals and copies, copy
    overlap = {value[7] for (path, row), value in staged.items() if path == OVERLAP and row in (2, 3)}
    first = {value[7] for (path, row), value in staged.items() if path == PORTAL and row in (2, 3)}
    assert overlap == first  # no call id: the same content is the same call
    events = query(downloads_build, """
        select count(*), count(distinct insert_id) from export_amplitude__events
        where event_type in ('Inbound Call', 'Outbound Call')
    """)
    assert events == [(EXPECTED_TOUCHES, EXPECTED_TOUCHES)]


def test_portal_time_reaches_amplitude_in_utc(downloads_build):
    (event,) = query(downloads_build, """
        select events.time from export_amplitude__events as events
        inner join staging.stg_ringcentral__calls as calls on events.insert_id = calls.touch_id
        where calls.source_file = ? and calls.source_row_number = 2
    """, [PORTAL])
    expected = dt.datetime(2026, 3, 18, 20, 2, tzinfo=dt.timezone.utc)  # 3:02 PM in Chicago
    assert event[0] == int(expected.timestamp() * 1000)


def test_app_users_created_at_as_dumps_and_spreadsheets_write_it(downloads_build):
    users = query(downloads_build, """
        select users.user_id, users.source_file, users.source_row_number, base.source_file_encoding,
            strftime(users.created_at, '%Y-%m-%dT%H:%M:%S.%f'), users.email_normalized,
            users.row_rejection_reason, users.phone_rejection_reason
        from staging.stg_app__users as users
        inner join staging.base_app__user_rows as base using (source_file, source_row_number)
    """)
    got = {user_id: rest for user_id, *rest in users}
    psql, excel = "app/users/users_psql_copy.csv", "app/users/users_excel.csv"
    assert got == {
        # psql \copy: timestamptz with fractional seconds, timestamp without an offset (UTC),
        # another offset; a NUL inside an email and before a user id removed, lines unchanged
        "usr_40001": [psql, 2, "utf-8", "2026-04-02T09:30:00.123456", "alma.reyes@example.com", None, None],
        "usr_40002": [psql, 3, "utf-8", "2026-04-03T14:05:00.000000", "marcus.bell@example.org", None, None],
        "usr_40003": [psql, 4, "utf-8", "2026-04-04T06:00:00.000000", "priya.natarajan@example.net", None, None],
        # Excel, US locale: month-first, no seconds
        "usr_40011": [excel, 2, "cp1252", "2026-04-02T09:30:00.000000", "keiko.tanaka@example.com", None, None],
        "usr_40012": [
            excel, 3, "cp1252", "2026-04-15T17:05:00.000000", "fiona.grant@example.co.uk", None,
            "phone: rewritten by a spreadsheet in scientific notation (like 4.42079E+11); the digits are lost",
        ],
        # a day-first date is not read month-first: rejected, not misread
        "usr_40013": [
            excel, 4, "cp1252", None, "jose.pena@example.com",
            "created_at is not a timestamp: expected ISO-8601 (2026-04-02T09:30:00Z) or month-first "
            "as a spreadsheet writes it (4/2/2026 9:30)",
            None,
        ],
    }
    # Identified: the users whose phone made or took a call. Fiona's 4.42079E+11 looks like
    # the +44 20 7946 0123 called on 03/24, but its digits are lost: no link is guessed.
    identified = query(downloads_build, "select user_id from export_amplitude__identifies")
    assert sorted(user_id for (user_id,) in identified) == ["usr_40001", "usr_40011"]


def test_offline_touch_keeps_flowing_without_its_broken_values(downloads_build):
    touches = query(downloads_build, """
        select source_touch_id, row_rejection_reason, value_rejection_reason, name_sha256 is null
        from staging.stg_offline__touches
    """)
    assert sorted(touches) == [
        ("bs-101", None, "full_name: oversized value (5000 characters, at most 1024 expected) dropped", True),
        ("bs-102", None, "properties: not a JSON object; dropped", False),
    ]
    assert query(downloads_build, """
        select count(*) from intermediate.int_touches_unioned where source_system = 'offline'
    """) == [(2,)]


def test_a_flat_file_without_a_required_column_stops_the_build(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(CORPUS / "must_fail", raw)
    # Only the loader: test_vendor_quirks shows a whole build stopping before any export.
    result = run_dbt(
        ["build", "--select", "base_ringcentral__call_log_rows"], tmp_path / "fail.duckdb", check=False,
        identity__raw_path=raw, identity__export_path=tmp_path / "exports",
    )
    assert result.returncode != 0
    output = " ".join(result.stdout.split())  # dbt wraps long lines
    assert (
        "Schema drift in ringcentral/call_log_trimmed.csv: missing column(s) startTime. "
        "Expected layout: id, sessionId, startTime, duration, type, direction, action, result, "
        "from.phoneNumber, from.name, from.extensionNumber, to.phoneNumber, to.name, to.extensionNumber. "
        "Found header: id, sessionId, duration, direction, from.phoneNumber, from.name, to.phoneNumber, to.name. "
        "RingCentral call logs are read as downloaded from the admin portal or the app "
        "(CallLog_*.csv with Date, Time, Direction, From, To), as the call-log API response saved as JSON, "
        "or as API records flattened to CSV (id, startTime, direction, from.phoneNumber, to.phoneNumber). "
        "Fix the export (or move the file out of the raw folder) and rerun; nothing was exported."
    ) in output
    assert output.count("Schema drift in") == 1
