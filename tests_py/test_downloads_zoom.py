"""End to end: every Zoom file people download (tests/fixtures/downloads/zoom), built by dbt.

One file per layout in use since 2020 (see make_zoom_downloads.py and the
README's input contract). One shared build reads them all, plus two files
uploaded again under other names; per file it must read the rows listed in
`FILES`, quarantine exactly the rows listed there (with their reason), and
its usable rows must reach the touches listed there; together the files make
exactly the touches of `TOUCHES`, at the UTC times given. Separate builds
check what needs another var or must fail: the day-first account (DMY), its
file under the default MDY, and a Zoom file of no known kind.
"""

import json
import shutil
import sys
from pathlib import Path

import pytest

from conftest import PROJECT_ROOT, query, run_dbt

sys.path.insert(0, str(PROJECT_ROOT / "tests" / "fixtures" / "downloads"))
import make_zoom_downloads as downloads  # noqa: E402

FOLDER = "zoom/downloads"
REGISTERED, ATTENDED, MEETING = "Webinar Registered", "Webinar Attended", "Meeting Attended"
FLAT = "first-join"  # the flat meeting export names no meeting
AHMED = "+201012345678"  # the phone-only attendee

# Uploaded again under another name: must add nothing.
REUPLOADS = {
    "reuploads/84759841045 - Attendee Report (1).csv": "attendee_report_2025_03.csv",
    "reuploads/participants_2025-10-03 (2).csv": "meeting_participants_flat.csv",
}

# Per file: its kind, its rows (line -> section), its quarantined rows (line -> start of the
# reason) and the touches its usable rows reach ((event type, webinar or meeting, person)).
FILES = {
    "attendee_report_2020.csv": {
        "kind": "attendee_report",
        "rows": {7: "host", 12: "attendee", 13: "attendee", 14: "attendee", 15: "attendee", 18: "other_attendee"},
        "quarantined": {18: "no usable identifier"},  # Other Attended, 2020: no Email column
        "touches": {
            (REGISTERED, "328972509", "dmitri.volkov@example.org"),
            (ATTENDED, "328972509", "dmitri.volkov@example.org"),
            (REGISTERED, "328972509", "amara.okafor@example.net"),
            (REGISTERED, "328972509", "wen.liu@example.com"),
            (ATTENDED, "328972509", "wen.liu@example.com"),
        },
    },
    "attendee_report_2025_03.csv": {
        "kind": "attendee_report",
        "rows": {7: "host", **{line: "attendee" for line in range(12, 19)}},
        "quarantined": {
            14: "Approval Status cancelled by self: not a registration, and no attendance in this row",
            16: "Leave Time before Join Time: not an attendance",
            18: "oversized value in column Email: 1510 characters, at most 1024 expected",
        },
        "touches": {
            (REGISTERED, "84759841045", "ravi.iyer@example.in"),
            (REGISTERED, "84759841045", "sofia.marin@example.com"),
            (ATTENDED, "84759841045", "sofia.marin@example.com"),
            (ATTENDED, "84759841045", "hana.kim@example.kr"),
            (REGISTERED, "84759841045", "lena.berg@example.se"),
            (ATTENDED, "84759841045", "lena.berg@example.se"),
        },
    },
    "registration_report_2025.csv": {
        "kind": "registration_report",
        "rows": {line: "registrant" for line in range(7, 14)},
        "quarantined": {
            9: "Approval Status cancelled by self: not a registration",
            11: "Approval Status cancelled by self: not a registration",
            13: "Approval Status denied: not a registration",
        },
        "touches": {
            (REGISTERED, "84759841045", "ravi.iyer@example.in"),
            (REGISTERED, "84759841045", "sofia.marin@example.com"),
            (REGISTERED, "84759841045", "lena.berg@example.se"),
            (REGISTERED, "84759841045", "kwame.asante@example.gh"),
        },
    },
    "attendee_report_2026_12h.csv": {
        "kind": "attendee_report",
        # line 15's company answer holds a line break: the next row starts on line 17
        "rows": {9: "host", 12: "panelist", 15: "attendee", 17: "attendee", 18: "attendee"},
        "quarantined": {},
        "touches": {
            (REGISTERED, "94229960431", "grace.mwangi@example.ke"),
            (ATTENDED, "94229960431", "grace.mwangi@example.ke"),
            (REGISTERED, "94229960431", "luis.ortega@example.mx"),
            (REGISTERED, "94229960431", AHMED),
            (ATTENDED, "94229960431", AHMED),
        },
    },
    "attendee_report_2026_24h.csv": {
        "kind": "attendee_report",
        "rows": {9: "host", 12: "attendee", 13: "attendee"},
        "quarantined": {},
        "touches": {
            (REGISTERED, "91344556677", "grace.mwangi@example.ke"),
            (ATTENDED, "91344556677", "grace.mwangi@example.ke"),
            (REGISTERED, "91344556677", "bjorn.halvorsen@example.no"),
            (ATTENDED, "91344556677", "bjorn.halvorsen@example.no"),
        },
    },
    "attendee_report_excel_resave.csv": {
        "kind": "attendee_report",
        "rows": {7: "host", 10: "attendee", 11: "attendee"},
        "quarantined": {},
        "touches": {
            (REGISTERED, "81522334455", "zoe.angstrom@example.se"),
            (ATTENDED, "81522334455", "zoe.angstrom@example.se"),
            (REGISTERED, "81522334455", "joaquin.pena@example.es"),
        },
    },
    "attendee_report_unicode_text.txt": {
        "kind": "attendee_report",
        "rows": {7: "host", 10: "attendee", 11: "attendee"},
        "quarantined": {},
        "touches": {
            (REGISTERED, "88100223344", "mei.chen@example.hk"),
            (ATTENDED, "88100223344", "mei.chen@example.hk"),
            (REGISTERED, "88100223344", "arjun.rao@example.in"),
        },
    },
    "attendee_report_nul_bytes.csv": {
        "kind": "attendee_report",
        "rows": {9: "attendee", 10: "attendee"},
        "quarantined": {},
        "touches": {
            (REGISTERED, "95510002000", "noor.aziz@example.my"),
            (ATTENDED, "95510002000", "noor.aziz@example.my"),
            (REGISTERED, "95510002000", "tariq.aziz@example.my"),
            (ATTENDED, "95510002000", "tariq.aziz@example.my"),
        },
    },
    "attendee_report_registration_disabled.csv": {
        "kind": "attendee_report",
        "rows": {7: "host", 10: "attendee", 11: "attendee"},
        "quarantined": {},
        "touches": {  # no registration: the webinar had none
            (ATTENDED, "90177889900", "emeka.obi@example.ng"),
            (ATTENDED, "90177889900", "sara.lindqvist@example.se"),
        },
    },
    "meeting_participants_2021.csv": {
        "kind": "meeting_participants",
        "rows": {line: "participant" for line in range(5, 10)},
        "quarantined": {9: "no usable identifier"},
        "touches": {  # line 5 is the meeting's host (the summary's User Email): staff
            (MEETING, "81234567890", "felix.braun@example.de"),
            (MEETING, "81234567890", "priya.shah@example.com"),
        },
    },
    "meeting_participants_flat.csv": {
        "kind": "meeting_participants_flat",
        "rows": {line: "participant" for line in range(2, 8)},
        # line 3: Yuki in the waiting room before being admitted (line 4): part of her attendance
        "quarantined": {6: "no usable identifier", 7: "in the waiting room only, never admitted"},
        "touches": {
            (MEETING, FLAT, "bea.lindgren@roadmap-team.example"),
            (MEETING, FLAT, "yuki.tanaka@example.jp"),
            (MEETING, FLAT, "carlos.ruiz@example.mx"),
        },
    },
}
for _copy, _original in REUPLOADS.items():
    FILES[_copy] = FILES[_original]

# Every touch the files make together, each exactly once, at its UTC time.
TOUCHES = {
    (REGISTERED, "328972509", "dmitri.volkov@example.org"): "2020-03-20T10:15:02",
    (ATTENDED, "328972509", "dmitri.volkov@example.org"): "2020-03-28T09:49:50",
    (REGISTERED, "328972509", "amara.okafor@example.net"): "2020-03-27T07:31:48",
    (REGISTERED, "328972509", "wen.liu@example.com"): "2020-03-21T12:00:00",
    (ATTENDED, "328972509", "wen.liu@example.com"): "2020-03-28T08:30:00",
    (REGISTERED, "84759841045", "ravi.iyer@example.in"): "2025-03-15T11:23:29",
    (REGISTERED, "84759841045", "sofia.marin@example.com"): "2025-03-15T11:27:19",
    (ATTENDED, "84759841045", "sofia.marin@example.com"): "2025-03-22T19:52:01",
    (ATTENDED, "84759841045", "hana.kim@example.kr"): "2025-03-22T19:20:00",
    (REGISTERED, "84759841045", "lena.berg@example.se"): "2025-03-16T09:00:00",
    (ATTENDED, "84759841045", "lena.berg@example.se"): "2025-03-22T19:15:00",
    (REGISTERED, "84759841045", "kwame.asante@example.gh"): "2025-03-18T14:05:11",
    (REGISTERED, "94229960431", "grace.mwangi@example.ke"): "2026-09-01T10:00:00",
    (ATTENDED, "94229960431", "grace.mwangi@example.ke"): "2026-09-08T19:02:00",
    (REGISTERED, "94229960431", "luis.ortega@example.mx"): "2026-09-02T15:15:00",
    (REGISTERED, "94229960431", AHMED): "2026-09-03T09:30:00",
    (ATTENDED, "94229960431", AHMED): "2026-09-08T19:10:00",
    (REGISTERED, "91344556677", "grace.mwangi@example.ke"): "2026-09-10T08:00:00",
    (ATTENDED, "91344556677", "grace.mwangi@example.ke"): "2026-09-15T19:02:00",
    (REGISTERED, "91344556677", "bjorn.halvorsen@example.no"): "2026-09-11T14:30:00",
    (ATTENDED, "91344556677", "bjorn.halvorsen@example.no"): "2026-09-15T19:05:00",
    (REGISTERED, "81522334455", "zoe.angstrom@example.se"): "2025-03-20T09:41:00",
    (ATTENDED, "81522334455", "zoe.angstrom@example.se"): "2025-03-24T18:05:00",
    (REGISTERED, "81522334455", "joaquin.pena@example.es"): "2025-03-21T16:20:00",
    (REGISTERED, "88100223344", "mei.chen@example.hk"): "2025-03-25T10:10:00",
    (ATTENDED, "88100223344", "mei.chen@example.hk"): "2025-03-26T17:01:00",
    (REGISTERED, "88100223344", "arjun.rao@example.in"): "2025-03-25T11:00:00",
    (REGISTERED, "95510002000", "noor.aziz@example.my"): "2026-09-28T09:00:00",
    (ATTENDED, "95510002000", "noor.aziz@example.my"): "2026-10-01T15:01:00",
    (REGISTERED, "95510002000", "tariq.aziz@example.my"): "2026-09-29T10:00:00",
    (ATTENDED, "95510002000", "tariq.aziz@example.my"): "2026-10-01T15:05:00",
    (ATTENDED, "90177889900", "emeka.obi@example.ng"): "2026-03-05T16:02:00",
    (ATTENDED, "90177889900", "sara.lindqvist@example.se"): "2026-03-05T16:10:00",
    (MEETING, "81234567890", "felix.braun@example.de"): "2021-01-21T21:00:05",
    (MEETING, "81234567890", "priya.shah@example.com"): "2021-01-21T21:03:00",
    (MEETING, FLAT, "bea.lindgren@roadmap-team.example"): "2025-10-03T13:58:00",
    (MEETING, FLAT, "yuki.tanaka@example.jp"): "2025-10-03T14:00:41",
    (MEETING, FLAT, "carlos.ruiz@example.mx"): "2025-10-03T14:05:00",
}

# (webinar or meeting id, its start in UTC) per file: the summary's start, 12- or 24-hour,
# with or without seconds, text month or numeric.
STARTS = {
    "attendee_report_2020.csv": ("328972509", "2020-03-28T08:07:00"),
    "attendee_report_2025_03.csv": ("84759841045", "2025-03-22T19:13:00"),
    "attendee_report_2026_12h.csv": ("94229960431", "2026-09-08T19:00:00"),
    "attendee_report_2026_24h.csv": ("91344556677", "2026-09-15T19:00:00"),
    "attendee_report_excel_resave.csv": ("81522334455", "2025-03-24T18:00:00"),
    "attendee_report_unicode_text.txt": ("88100223344", "2025-03-26T17:00:00"),
    "attendee_report_nul_bytes.csv": ("95510002000", "2026-10-01T15:00:00"),
    "attendee_report_registration_disabled.csv": ("90177889900", "2026-03-05T16:00:00"),
    "meeting_participants_2021.csv": ("81234567890", "2021-01-21T20:58:30"),
}

SHARED_FILES = {name: data for name, data in downloads.FILES.items()
                if name not in (downloads.DAY_FIRST, downloads.UNKNOWN_KIND)}

# The person of a touch or staged row: its email, else its phone.
TOUCHES_SQL = """
    with people as (
        select distinct email_sha256 as sha256, email_normalized as person
        from staging.stg_zoom__webinar_attendees where email_sha256 is not null
        union
        select distinct phone_sha256, phone_e164
        from staging.stg_zoom__webinar_attendees where phone_sha256 is not null
    )
    select touches.event_type,
        coalesce(touches.event_properties->>'webinar_id', touches.event_properties->>'meeting_id', 'first-join'),
        people.person, touches.occurred_at, touches.event_properties, touches.touch_id
    from intermediate.int_touches_unioned as touches
    inner join people on coalesce(touches.email_sha256, touches.phone_sha256) = people.sha256
    where touches.source_system = 'zoom'
"""


def source_file(name):
    return f"{FOLDER}/{name}"


@pytest.fixture(scope="module")
def zoom_build(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("zoom_downloads")
    raw, database = workdir / "raw", workdir / "zoom.duckdb"
    folder = downloads.write(raw / FOLDER, SHARED_FILES)
    for copy, original in REUPLOADS.items():
        (folder / copy).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / original, folder / copy)
    run_dbt(["build"], database, identity__raw_path=raw, identity__export_path=workdir / "exports")
    return database


def touches(database):
    return query(database, TOUCHES_SQL)


def test_committed_corpus_matches_its_generator():
    committed = {
        path.name: path.read_bytes() for path in downloads.CORPUS.iterdir() if not path.name.startswith(".")
    }
    assert committed == downloads.FILES, "rerun tests/fixtures/downloads/make_zoom_downloads.py"


def test_each_file_is_read_row_by_row_as_its_kind(zoom_build):
    rows = query(zoom_build, """
        select source_file, source_row_number, section, report_kind
        from staging.base_zoom__attendee_report_rows
    """)
    got = {}
    for path, line, section, kind in rows:
        got.setdefault(path, {})[line] = (section, kind)
    assert set(got) == {source_file(name) for name in FILES}
    for name, expected in FILES.items():
        assert got[source_file(name)] == {
            line: (section, expected["kind"]) for line, section in expected["rows"].items()
        }, name


def test_each_file_quarantines_exactly_its_bad_rows_with_their_reason(zoom_build):
    rows = query(zoom_build, """
        select source_file, source_row_number, reason from quarantined_records where rejected_column = 'row'
    """)
    got = {}
    for path, line, reason in rows:
        got.setdefault(path, {})[line] = reason
    for name, expected in FILES.items():
        reasons = got.get(source_file(name), {})
        assert set(reasons) == set(expected["quarantined"]), name
        for line, start in expected["quarantined"].items():
            assert reasons[line].startswith(start), (name, line, reasons[line])


def test_the_files_make_each_touch_exactly_once_at_its_utc_time(zoom_build):
    got = [(event_type, occasion, person, at.isoformat()) for event_type, occasion, person, at, _, _ in
           touches(zoom_build)]
    assert sorted(got) == sorted((*key, at) for key, at in TOUCHES.items())
    exported = query(zoom_build, "select count(*), count(distinct insert_id) from export_amplitude__events")
    assert exported == [(len(TOUCHES), len(TOUCHES))]


def test_each_files_usable_rows_reach_its_touches(zoom_build):
    rows = query(zoom_build, """
        select source_file, is_registration, has_attended, report_kind,
            coalesce(webinar_id, meeting_id, 'first-join'), coalesce(email_normalized, phone_e164)
        from staging.stg_zoom__webinar_attendees
        where row_rejection_reason is null and participant_role not in ('host', 'panelist')
    """)
    reached = {}
    for path, is_registration, has_attended, kind, occasion, person in rows:
        attended = MEETING if kind.startswith("meeting") else ATTENDED
        events = ([REGISTERED] if is_registration else []) + ([attended] if has_attended else [])
        reached.setdefault(path, set()).update((event, occasion, person) for event in events)
    for name, expected in FILES.items():
        assert reached.get(source_file(name), set()) == expected["touches"], name
        assert expected["touches"] <= set(TOUCHES)


def test_ids_are_digits_and_starts_are_utc(zoom_build):
    rows = query(zoom_build, """
        select distinct source_file, coalesce(webinar_id, meeting_id), coalesce(webinar_started_at, meeting_started_at)
        from staging.stg_zoom__webinar_attendees
    """)
    got = {path: (identifier, at.isoformat()) for path, identifier, at in rows if at is not None}
    assert {path.rsplit("/", 1)[-1]: value for path, value in got.items()
            if "reuploads" not in path} == STARTS
    scheduled = query(zoom_build, """
        select distinct webinar_scheduled_at from staging.stg_zoom__webinar_attendees
        where report_kind = 'registration_report'
    """)
    assert [row[0].isoformat() for row in scheduled] == ["2025-03-22T19:00:00"]


def test_registration_report_and_attendee_report_count_a_registration_once(zoom_build):
    registered = [
        (person, touch_id) for event_type, occasion, person, _, _, touch_id in touches(zoom_build)
        if event_type == REGISTERED and occasion == "84759841045"
    ]
    assert sorted(person for person, _ in registered) == [
        "kwame.asante@example.gh", "lena.berg@example.se", "ravi.iyer@example.in", "sofia.marin@example.com",
    ]
    # Ravi's registration, in both files, is one touch_id: the content's, not a file's.
    ravi = query(zoom_build, """
        select source_file, webinar_id, email_sha256 from staging.stg_zoom__webinar_attendees
        where email_normalized = 'ravi.iyer@example.in' and row_rejection_reason is null
    """)
    assert {path for path, _, _ in ravi} == {
        source_file("attendee_report_2025_03.csv"), source_file("registration_report_2025.csv"),
        source_file("reuploads/84759841045 - Attendee Report (1).csv"),
    }
    assert len({(webinar, sha) for _, webinar, sha in ravi}) == 1


def test_cancelled_or_denied_is_no_registration_but_an_attendance_keeps_the_status(zoom_build):
    by_person = {}
    for event_type, occasion, person, _, properties, _ in touches(zoom_build):
        by_person.setdefault(person, {})[event_type] = json.loads(properties)
    assert set(by_person["hana.kim@example.kr"]) == {ATTENDED}  # cancelled by self, came anyway
    assert by_person["hana.kim@example.kr"][ATTENDED]["approval_status"] == "cancelled by self"
    assert "paul.girard@example.fr" not in by_person and "nadia.petrova@example.bg" not in by_person
    assert "tomas.novak@example.cz" not in by_person  # left before joining: quarantined
    assert by_person["wen.liu@example.com"][REGISTERED]["approval_status"] == "upgraded to panelist"
    assert by_person["wen.liu@example.com"][REGISTERED]["country"] == "Hong Kong, China"


def test_rejoins_and_meeting_sessions_are_one_attendance(zoom_build):
    props = {(event_type, person): json.loads(properties)
             for event_type, _, person, _, properties, _ in touches(zoom_build)}
    dmitri = props[(ATTENDED, "dmitri.volkov@example.org")]
    assert (dmitri["minutes_attended"], dmitri["session_count"]) == (73 + 31, 2)
    assert (dmitri["first_joined_at"], dmitri["last_left_at"]) == ("2020-03-28T09:49:50Z", "2020-03-28T14:00:30Z")
    felix = props[(MEETING, "felix.braun@example.de")]
    assert (felix["minutes_attended"], felix["session_count"], felix["meeting_started_at"]) == (
        45 + 11, 2, "2021-01-21T20:58:30Z")
    assert felix["meeting_topic"] == "Quarterly Customer Advisory Board"
    yuki = props[(MEETING, "yuki.tanaka@example.jp")]  # the waiting-room row is not a session
    assert (yuki["minutes_attended"], yuki["session_count"]) == (58, 1)
    assert yuki["meeting_first_joined_at"] == "2025-10-03T13:58:00Z"


def test_an_oversized_optional_value_costs_the_value_not_the_attendance(zoom_build):
    name = source_file("attendee_report_2025_03.csv")
    (base,) = query(zoom_build, """
        select user_name, value_errors, extra_columns, load_error from staging.base_zoom__attendee_report_rows
        where source_file = ? and source_row_number = 17
    """, [name])
    assert base[0] is None and base[3] is None
    assert json.loads(base[1]) == {
        "User Name (Original Name)": "oversized value (5000 characters, at most 1024 expected) dropped",
        'Profession (if student mention "Student", not target profession)':
            "oversized value (2000 characters, at most 1024 expected) dropped",
    }
    assert base[2] is None  # the dropped answer is no answer
    (staged,) = query(zoom_build, """
        select name_normalized, value_rejection_reason, row_rejection_reason from staging.stg_zoom__webinar_attendees
        where source_file = ? and source_row_number = 17
    """, [name])
    assert staged == (
        "lena berg",  # first and last name stand in for the dropped user name
        "User Name (Original Name): oversized value (5000 characters, at most 1024 expected) dropped; "
        'Profession (if student mention "Student", not target profession): '
        "oversized value (2000 characters, at most 1024 expected) dropped",
        None,
    )
    # quarantine lists the dropped values as a value-level row of a row still used
    assert query(zoom_build, """
        select reason, is_row_rejected, is_row_used from quarantined_records
        where source_file = ? and source_row_number = 17 and rejected_column = 'value'
    """, [name]) == [(staged[1], False, True)]


def test_a_reupload_under_another_name_adds_nothing(zoom_build):
    copies = query(zoom_build, """
        select source_file, count(*) from staging.base_zoom__attendee_report_rows
        where source_file like '%reuploads%' group by 1
    """)
    assert sorted(copies) == sorted(
        (source_file(copy), len(FILES[original]["rows"])) for copy, original in REUPLOADS.items()
    )
    keys = query(zoom_build, """
        select source_file, meeting_key from staging.stg_zoom__webinar_attendees
        where report_kind = 'meeting_participants_flat' group by 1, 2
    """)
    assert len({key for _, key in keys}) == 1 and len(keys) == 2  # same meeting, both files
    # ... and test_the_files_make_each_touch_exactly_once counts every touch once with the copies there.


def test_unicode_text_and_nul_bytes(zoom_build):
    encodings = dict(query(zoom_build, """
        select source_file, any_value(source_file_encoding) from staging.base_zoom__attendee_report_rows group by 1
    """))
    assert encodings[source_file("attendee_report_unicode_text.txt")] == "utf-16"
    assert encodings[source_file("attendee_report_excel_resave.csv")] == "cp1252"
    names = query(zoom_build, """
        select name_normalized, country_region_name from staging.stg_zoom__webinar_attendees
        where source_file like '%excel_resave%' or source_file like '%unicode_text%' order by all
    """)
    assert ("mei chen", "Hong Kong, China") in names and ("zoë ångström", "Sweden") in names
    nul = query(zoom_build, """
        select email_normalized, attended, registration_source from staging.stg_zoom__webinar_attendees
        inner join staging.base_zoom__attendee_report_rows using (source_file, source_row_number)
        where source_file like '%nul_bytes%' order by 1
    """)
    assert nul == [("noor.aziz@example.my", "Yes", None), ("tariq.aziz@example.my", "Yes", None)]


def test_a_meetings_host_is_staff(zoom_build):
    (role,) = query(zoom_build, """
        select participant_role from staging.stg_zoom__webinar_attendees
        where report_kind = 'meeting_participants' and source_row_number = 5
    """)
    assert role == ("host",)


# ---------- builds of their own


def test_a_day_first_account_loads_with_dmy_and_stops_the_build_under_mdy(tmp_path):
    raw = tmp_path / "raw"
    downloads.write(raw / FOLDER, {downloads.DAY_FIRST: downloads.FILES[downloads.DAY_FIRST]})
    database = tmp_path / "dmy.duckdb"
    run_dbt(["build"], database, identity__raw_path=raw, identity__export_path=tmp_path / "exports",
            identity__zoom_date_order="DMY")
    got = query(database, """
        select email_normalized, registered_at, joined_at, webinar_started_at
        from staging.stg_zoom__webinar_attendees order by 1
    """)
    assert [(email, *(at and at.isoformat() for at in times)) for email, *times in got] == [
        ("chloe.martin@example.co.uk", "2025-03-14T09:05:00", "2025-03-22T19:15:00", "2025-03-22T19:13:00"),
        ("oisin.byrne@example.ie", "2025-03-02T08:00:00", None, "2025-03-22T19:13:00"),
    ]
    assert query(database, "select count(*) from export_amplitude__events") == [(3,)]

    mdy = tmp_path / "mdy.duckdb"
    result = run_dbt(["build", "--select", "base_zoom__attendee_report_rows+"], mdy, check=False, identity__raw_path=raw, identity__export_path=tmp_path / "x")
    assert result.returncode != 0
    assert (
        f"Zoom date order in {source_file(downloads.DAY_FIRST)}: line 2 has the time '23/03/2025 06:26:00 PM', "
        "which cannot be a MDY date"
    ) in result.stdout
    assert "set var identity__zoom_date_order: DMY" in result.stdout
    assert not (tmp_path / "x").exists() or not [p for p in (tmp_path / "x").rglob("*") if p.is_file()]


def test_a_zoom_file_of_no_known_kind_stops_the_build(tmp_path):
    raw = tmp_path / "raw"
    downloads.write(raw / FOLDER, {
        downloads.UNKNOWN_KIND: downloads.FILES[downloads.UNKNOWN_KIND],
        "attendee_report_2026_24h.csv": downloads.FILES["attendee_report_2026_24h.csv"],
    })
    database, exports = tmp_path / "unknown.duckdb", tmp_path / "exports"
    # the loader and everything downstream of it: the exports are skipped
    result = run_dbt(["build", "--select", "base_zoom__attendee_report_rows+"], database, check=False,
                     identity__raw_path=raw, identity__export_path=exports)
    assert result.returncode != 0
    output = result.stdout
    assert "ERROR=1 " in output  # one failure: the loader, nothing else
    assert (
        f"Unknown Zoom file {source_file(downloads.UNKNOWN_KIND)}: its content is none of the Zoom files "
        "this project reads (found: first line 'Poll Report'). Expected one of: webinar attendee report"
    ) in output
    for kind in ("webinar registration report", "meeting participants export with meeting data",
                 "meeting participants export (Name (original name)"):
        assert kind in output
    tables = {row[0] for row in query(database, "select table_name from information_schema.tables")}
    assert not {name for name in tables if name.startswith("export_")}, tables
