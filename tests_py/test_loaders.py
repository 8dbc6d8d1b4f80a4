"""Unit tests of the Python loaders on files written byte for byte."""

import codecs
import csv
import datetime as dt
import io
import hashlib
import json
import os
import sys
from pathlib import Path

import duckdb
import pytest

from identity_stitching.loading import (
    SchemaDriftError,
    apply_changes,
    flat_exports_update,
    loaded_files,
    read_flat_exports,
    read_zoom_attendee_reports,
    zoom_attendee_reports_update,
)
from identity_stitching.loading.changes import RACY_SECONDS
from identity_stitching.loading.files import MAX_VALUE_LENGTH, decode, list_export_files
from identity_stitching.loading.zoom_errors import UnknownZoomFileError, ZoomDateOrderError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "fixtures"))
import make_quirks_corpus as corpus  # noqa: E402

CALL_HEADER = "id,sessionId,startTime,duration,type,direction,action,result,from.phoneNumber,from.name,to.phoneNumber,to.name"
CALL_ROW = "C-1,S-1,2026-03-18T15:02:11.000Z,312,Voice,Inbound,Phone Call,Accepted,+14158672301,ALICE NGUYEN,+14155550100,Sales"


def write(root, relative, data):
    path = Path(root) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def rows(table):
    return table.to_pylist()


# ---------- decoding


def test_decode_prefers_utf8_and_strips_the_bom():
    assert decode(codecs.BOM_UTF8 + "Renée".encode()) == ("Renée", "utf-8")
    assert decode("Renée".encode()) == ("Renée", "utf-8")


def test_decode_reads_cp1252_when_not_utf8():
    # ’ (0x92) exists in cp1252, not in latin-1: the name must come back whole.
    assert decode("Siobhán O’Brien".encode("cp1252")) == ("Siobhán O’Brien", "cp1252")


def test_decode_reads_utf16_with_its_bom():
    assert decode("Zoë".encode("utf-16")) == ("Zoë", "utf-16")


def test_decode_removes_nul_bytes_and_keeps_the_lines():
    data = b"Attended,\x00Email\r\nYes\x00,a@b.io\r\n\x00\x00\r\nNo,c@d.io\r\n"
    assert decode(data) == ("Attended,Email\r\nYes,a@b.io\r\n\r\nNo,c@d.io\r\n", "utf-8")
    assert decode("Renée\x00".encode("cp1252")) == ("Renée", "cp1252")


def test_flat_rows_keep_their_line_numbers_around_nul_bytes(tmp_path):
    second = CALL_ROW.replace("C-1", "C\x00-2")
    text = f"{CALL_HEADER}\n\x00{CALL_ROW}\n\x00\x00\n{second}\n"
    write(tmp_path, "ringcentral/a.csv", text.encode())
    got = [(r["source_row_number"], r["call_id"]) for r in rows(read_flat_exports(tmp_path, "ringcentral_call_log"))]
    assert got == [(2, "C-1"), (4, "C-2")]


# ---------- listing


def test_listing_recurses_and_skips_hidden_and_lock_files(tmp_path):
    write(tmp_path, "app/users/a.csv", b"")
    write(tmp_path, "app/users/2026-03/b.csv", b"")
    write(tmp_path, "app/users/.DS_Store", b"x")
    write(tmp_path, "app/users/~$a.csv", b"x")
    write(tmp_path, "app/users/.hidden/c.csv", b"x")
    (tmp_path / "app/users/empty").mkdir()
    names = [p.relative_to(tmp_path).as_posix() for p in list_export_files(tmp_path, "app/users")]
    assert names == ["app/users/2026-03/b.csv", "app/users/a.csv"]
    assert list_export_files(tmp_path, "app/missing") == []


# ---------- flat exports


def test_flat_crlf_bom_padding_and_extra_columns(tmp_path):
    text = f"{CALL_HEADER},recording.id,,\r\n{CALL_ROW},rec-1,,\r\n"
    write(tmp_path, "ringcentral/call_log/a.csv", codecs.BOM_UTF8 + text.encode())
    (row,) = rows(read_flat_exports(tmp_path, "ringcentral_call_log"))
    assert row["call_id"] == "C-1"
    assert row["to_name"] == "Sales"
    assert json.loads(row["extra_columns"]) == {"recording.id": "rec-1"}
    assert row["load_error"] is None
    assert row["source_file"] == "ringcentral/call_log/a.csv"
    assert row["source_row_number"] == 2
    assert row["source_file_encoding"] == "utf-8"
    assert row["source_file_modified_at"] is not None and row["_loaded_at"] is not None


def test_flat_empty_and_header_only_files_add_no_rows(tmp_path):
    write(tmp_path, "ringcentral/call_log/empty.csv", b"")
    write(tmp_path, "ringcentral/call_log/header.csv", (CALL_HEADER + "\r\n").encode())
    write(tmp_path, "ringcentral/call_log/blank_lines.csv", (CALL_HEADER + "\n\n\n").encode())
    table = read_flat_exports(tmp_path, "ringcentral_call_log")
    assert table.num_rows == 0
    assert "load_error" in table.schema.names


def test_flat_bad_rows_carry_a_reason_and_good_rows_flow(tmp_path):
    huge = "x" * 200_000  # beyond the csv module's default 128 KiB field limit
    text = "\n".join([
        CALL_HEADER,
        CALL_ROW,
        "C-2,S-2,2026-03-18T15:02:11.000Z",
        CALL_ROW.replace("C-1", "C-3").replace("ALICE NGUYEN", huge),
        CALL_ROW.replace("C-1", "C-4") + ",surplus value",
        CALL_ROW.replace("C-1", "C-5"),
        CALL_ROW.replace("C-1", "C-6").replace("2026-03-18T15:02:11.000Z", "9" * 2000),
        CALL_ROW.replace("C-1", "C-7").replace("+14158672301", "1" * 1500),
        CALL_ROW.replace("C-1", "C-8").replace("+14155550100", "2" * 1500),
    ]) + "\n"
    write(tmp_path, "ringcentral/call_log/a.csv", text.encode())
    got = {
        r["source_row_number"]: (r["call_id"], r["load_error"], r["value_errors"])
        for r in rows(read_flat_exports(tmp_path, "ringcentral_call_log"))
    }
    dropped = f"oversized value (%d characters, at most {MAX_VALUE_LENGTH} expected) dropped"
    assert got == {
        2: ("C-1", None, None),
        3: (None, "ragged row: 3 fields, header has 12", None),
        # The caller's name is not needed: the value goes, the row stays.
        4: ("C-3", None, json.dumps({"from.name": dropped % 200_000})),
        5: (None, "ragged row: 13 fields, header has 12", None),
        6: ("C-5", None, None),
        # Without its start or its caller's number an inbound call is no touch.
        7: (None, f"oversized value in column startTime: 2000 characters, at most {MAX_VALUE_LENGTH} expected", None),
        8: (None, f"oversized value in column from.phoneNumber: 1500 characters, at most {MAX_VALUE_LENGTH} expected", None),
        # The company's own line, on an inbound call, is not needed.
        9: ("C-8", None, json.dumps({"to.phoneNumber": dropped % 1500})),
    }
    by_row = {r["source_row_number"]: r for r in rows(read_flat_exports(tmp_path, "ringcentral_call_log"))}
    assert by_row[4]["from_name"] is None and by_row[4]["from_phone_number"] == "+14158672301"
    assert by_row[9]["to_phone_number"] is None and by_row[9]["call_log_layout"] == "api_csv"


def test_flat_oversized_optional_values_are_dropped_in_every_flat_source(tmp_path):
    name = "Pat " * 1300
    write(tmp_path, "offline/touches/a.csv", (
        "touch_id,source,event_type,occurred_at,email,phone,full_name,properties,notes\n"
        f"t1,expo,Visit,2026-05-12T14:20:00Z,pat@doe.io,,{name},{{}},{'n' * 2000}\n"
        f"t2,expo,Visit,{'2' * 1100},pat@doe.io,,Pat,{{}},\n"
    ).encode())
    write(tmp_path, "app/users/a.csv", (
        "user_id,email,phone,created_at\n"
        f"u1,{'e' * 1100}@x.io,+1 646 555 0188,2026-05-01T00:00:00Z\n"
        f"{'u' * 1100},a@x.io,,2026-05-01T00:00:00Z\n"
    ).encode())
    first, second = rows(read_flat_exports(tmp_path, "offline_touches"))
    assert first["load_error"] is None and first["full_name"] is None and first["email"] == "pat@doe.io"
    assert set(json.loads(first["value_errors"])) == {"full_name", "notes"}
    assert first["extra_columns"] is None  # the dropped note is not kept either
    assert second["load_error"].startswith("oversized value in column occurred_at: 1100 characters")
    user, bad_user = rows(read_flat_exports(tmp_path, "app_users"))
    assert user["email"] is None and user["phone"] == "+1 646 555 0188" and user["load_error"] is None
    assert list(json.loads(user["value_errors"])) == ["email"]
    assert bad_user["load_error"].startswith("oversized value in column user_id")


def test_flat_padding_never_eats_an_empty_last_value(tmp_path):
    # Excel pads every line to the widest one; `to.name` is legitimately empty.
    text = CALL_HEADER + ",,\r\n" + CALL_ROW.rsplit(",", 1)[0] + ",,,\r\n"
    write(tmp_path, "ringcentral/call_log/a.csv", text.encode("cp1252"))
    (row,) = rows(read_flat_exports(tmp_path, "ringcentral_call_log"))
    assert row["load_error"] is None
    assert row["to_name"] == ""


def test_flat_unterminated_quote_quarantines_the_rest_of_the_file(tmp_path):
    text = "\n".join([CALL_HEADER, CALL_ROW, CALL_ROW.replace("ALICE", '"ALICE'), CALL_ROW.replace("C-1", "C-9")]) + "\n"
    write(tmp_path, "ringcentral/call_log/a.csv", text.encode())
    got = rows(read_flat_exports(tmp_path, "ringcentral_call_log"))
    assert [(r["source_row_number"], r["call_id"]) for r in got] == [(2, "C-1"), (3, None)]
    assert got[1]["load_error"].startswith("malformed CSV from this line to the end of the file")


def test_flat_cp1252_names_are_decoded(tmp_path):
    text = "touch_id,source,event_type,occurred_at,email,phone,full_name,properties\r\n" \
        't1,show,Visit,2026-05-12T14:20:00Z,a@b.fr,,François Müller,"{}"\r\n'
    write(tmp_path, "offline/touches/a.csv", text.encode("cp1252"))
    (row,) = rows(read_flat_exports(tmp_path, "offline_touches"))
    assert row["full_name"] == "François Müller"
    assert row["source_file_encoding"] == "cp1252"


def test_flat_schema_drift_names_file_missing_columns_and_layout(tmp_path):
    write(tmp_path, "ringcentral/call_log/ok.csv", (CALL_HEADER + "\n" + CALL_ROW + "\n").encode())
    # A flattened API export without startTime: no call of it has a time.
    write(tmp_path, "ringcentral/call_log/no_start.csv", (
        CALL_HEADER.replace("startTime,", "") + "\n" + CALL_ROW.replace("2026-03-18T15:02:11.000Z,", "") + "\n"
    ).encode())
    with pytest.raises(SchemaDriftError) as raised:
        read_flat_exports(tmp_path, "ringcentral_call_log")
    message = str(raised.value)
    assert "ringcentral/call_log/no_start.csv: missing column(s) startTime." in message
    assert "Expected layout: id, sessionId, startTime, duration, type, direction, action, result, " in message
    assert "Found header: id, sessionId, duration, type," in message
    assert "RingCentral call logs are read as downloaded from the admin portal" in message
    assert message.endswith("Fix the export (or move the file out of the raw folder) and rerun; nothing was exported.")


def test_flat_portal_download_without_direction_names_its_missing_columns(tmp_path):
    write(tmp_path, "ringcentral/call_log/portal.csv", b"Type,Phone Number,Name,Date,Time\nVoice,1,A,B,C\n")
    with pytest.raises(SchemaDriftError) as raised:
        read_flat_exports(tmp_path, "ringcentral_call_log")
    message = str(raised.value)
    assert "ringcentral/call_log/portal.csv: missing column(s) Direction, From, To." in message
    assert "Expected layout: Type, Direction, From, To, Name, Date, Time, Action, Action Result, " in message
    assert "Found header: Type, Phone Number, Name, Date, Time." in message


# ---------- RingCentral: every layout, recognized from the content

PORTAL_HEADER = "Type,Direction,From,To,Name,Date,Time,Action,Action Result,Result Description,Duration,Extension"


def test_portal_download_splits_from_and_to(tmp_path):
    text = "\r\n".join([
        PORTAL_HEADER + ",Recording",
        "Voice,Incoming,(415) 555-0142,(415) 555-0100,Alma Reyes,Wed 03/18/2026,3:02 PM,Phone Call,Accepted,,0:05:12,9042 - Dana Whitfield,",
        'Voice,Outgoing,Dana Whitfield <9042>,"Marcus Bell <+1 646-555-0187>",,Thu 03/19/2026,10:15 AM,Phone Call,Call connected,,0:12:40,9042,yes',
        "Voice,Incoming,Ext. 9043,9042,Ravi Menon,Fri 03/20/2026,9:05 AM,Phone Call,Accepted,,0:01:03,9042,",
        "Fax,Inbound,Anonymous,9042,Someone,Fri 03/20/2026,9:07 AM,Fax,Received,,0:00:10,9042,",
        "Voice,Sideways,(312) 555-0164,9042,Who,Fri 03/20/2026,9:09 AM,Phone Call,Accepted,,0:00:10,9042,",
    ]) + "\r\n"
    write(tmp_path, "ringcentral/CallLog_x.csv", codecs.BOM_UTF8 + text.encode())
    got = rows(read_flat_exports(tmp_path, "ringcentral_call_log"))
    columns = ("from_phone_number", "from_name", "from_extension_number", "to_phone_number", "to_name", "to_extension_number")
    assert [tuple(r[c] for c in columns) for r in got] == [
        ("(415) 555-0142", "Alma Reyes", None, "(415) 555-0100", None, None),
        (None, "Dana Whitfield", "9042", "+1 646-555-0187", "Marcus Bell", None),
        (None, "Ravi Menon", "9043", None, None, "9042"),
        ("Anonymous", "Someone", None, None, None, "9042"),
        ("(312) 555-0164", None, None, None, None, "9042"),
    ]
    first = got[0]
    assert (first["call_log_layout"], first["call_id"], first["start_date"], first["start_clock"]) == (
        "portal_csv", None, "Wed 03/18/2026", "3:02 PM",
    )
    assert (first["duration"], first["result"], first["extension"]) == ("0:05:12", "Accepted", "9042 - Dana Whitfield")
    assert json.loads(got[1]["extra_columns"]) == {"Recording": "yes"}
    # a Name whose side the direction does not say is kept, not given to either side
    assert json.loads(got[4]["extra_columns"]) == {"Name": "Who", "Recording": ""}


def test_api_response_saved_as_json(tmp_path):
    record = {
        "id": "R1", "sessionId": "S1", "startTime": "2026-03-24T13:20:05.000Z", "duration": 95, "type": "Voice",
        "direction": "Inbound", "action": "Phone Call", "result": "Accepted",
        "from": {"phoneNumber": "+12065550133", "name": "Keiko Tanaka", "location": "Seattle, WA"},
        "to": {"phoneNumber": "+14155550100"}, "legs": [{"duration": 95}], "recording": None,
    }
    response = {"records": [record, {**record, "id": "R2", "to": {"extensionNumber": "9042"}}, "junk"],
                "paging": {"page": 1}, "navigation": {}}
    write(tmp_path, "ringcentral/api/page1.json", json.dumps(response, indent=2).encode())
    write(tmp_path, "ringcentral/api/pages.jsonl", (json.dumps({"records": [{**record, "id": "R3"}]}) + "\n"
                                                    + json.dumps([{**record, "id": "R4"}]) + "\n").encode())
    write(tmp_path, "ringcentral/api/cut.json", b'{"records": [{"id": "R5", "startTi')
    got = {(r["source_file"].rsplit("/", 1)[1], r["source_row_number"]): r for r in rows(read_flat_exports(tmp_path, "ringcentral_call_log"))}
    assert sorted(got) == [("cut.json", 1), ("page1.json", 1), ("page1.json", 2), ("page1.json", 3),
                           ("pages.jsonl", 1), ("pages.jsonl", 2)]
    first = got[("page1.json", 1)]
    assert (first["call_log_layout"], first["call_id"], first["duration"], first["from_name"], first["to_name"]) == (
        "api_json", "R1", "95", "Keiko Tanaka", None,
    )
    assert json.loads(first["extra_columns"]) == {"from.location": "Seattle, WA"}  # legs are not kept
    assert got[("page1.json", 2)]["to_extension_number"] == "9042"
    assert got[("page1.json", 3)]["load_error"] == "not a call-log record (a JSON str)"
    assert [got[("pages.jsonl", n)]["call_id"] for n in (1, 2)] == ["R3", "R4"]
    assert got[("cut.json", 1)]["load_error"].startswith("malformed JSON (")


def test_json_of_another_shape_is_schema_drift(tmp_path):
    write(tmp_path, "ringcentral/users.json", b'{"users": [{"id": 1}]}')
    with pytest.raises(SchemaDriftError, match="users.json: missing column\\(s\\) records"):
        read_flat_exports(tmp_path, "ringcentral_call_log")


def test_flattened_api_headers_match_without_case_and_extra_columns_are_kept(tmp_path):
    header = ",uri,Id,SessionId,StartTime,Duration,Type,Direction,Action,Result,From.PhoneNumber,From.Name,From.Location,To.PhoneNumber,legs"
    row = "0,https://x/1,K1,S1,2026-03-27T19:15:00Z,200,Voice,Inbound,Phone Call,Accepted,+13055550119,José Peña,\"Miami, FL\",+14155550100,\"[{'a': 1}]\""
    write(tmp_path, "ringcentral/export.csv", f"{header}\n{row}\n".encode())
    (got,) = rows(read_flat_exports(tmp_path, "ringcentral_call_log"))
    assert (got["call_id"], got["start_time"], got["from_name"], got["to_name"], got["call_log_layout"]) == (
        "K1", "2026-03-27T19:15:00Z", "José Peña", None, "api_csv",
    )
    assert json.loads(got["extra_columns"]) == {"uri": "https://x/1", "From.Location": "Miami, FL"}


# ---------- Zoom reports


def zoom_report(*attendee_rows, questions=(), sections=True):
    lines = [
        "Attendee Report,,",
        "Topic,Webinar ID,Actual Start Time,Actual Duration (minutes),,",
        'Demo Day,815 2233 4455,"Mar 10, 2026 16:58:02",64,,',
        "Host Details,,",
        "Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),Is Guest,Country/Region Name,,",
        'Yes,Priya Raman,priya@acme.com,"Mar 10, 2026 16:50:11","Mar 10, 2026 18:03:40",74,No,United States,,',
    ]
    if sections:
        lines += [
            "Attendee Details,,",
            ",".join(corpus.zoom_attendee_header(*questions)) + ",,",
            *attendee_rows,
        ]
    return ("\r\n".join(lines) + "\r\n").encode()


ALICE = 'Yes,Alice Nguyen,Alice,Nguyen,alice@northwind.com,,"Mar 02, 2026 10:04:51",approved,"Mar 10, 2026 17:00:12","Mar 10, 2026 17:31:40",32,Yes,{q}United States,LinkedIn,,'


def test_zoom_sections_custom_questions_and_provenance(tmp_path):
    no_show = "No,Bob Martins,Bob,Martins,bob@contoso.io,,03/04/2026 08:22:10 AM,approved,--,--,--,--,--,United States,,,"
    write(tmp_path, "zoom/attendee_reports/a.csv", codecs.BOM_UTF8 + zoom_report(ALICE.format(q='"51-200",'), no_show, questions=["Company Size"]))
    got = rows(read_zoom_attendee_reports(tmp_path))
    assert [(r["section"], r["source_row_number"]) for r in got] == [("host", 6), ("attendee", 9), ("attendee", 10)]
    host, alice, bob = got
    assert host["webinar_id"] == "815 2233 4455" and host["extra_columns"] is None
    assert alice["webinar_started_at"] == "Mar 10, 2026 16:58:02"
    assert alice["join_time"] == "Mar 10, 2026 17:00:12"
    assert json.loads(alice["extra_columns"]) == {"Company Size": "51-200"}
    assert bob["join_time"] == "--" and bob["extra_columns"] is None  # `--` is no answer
    assert all(r["load_error"] is None for r in got)


def test_zoom_empty_and_header_only_reports_add_no_rows(tmp_path):
    write(tmp_path, "zoom/attendee_reports/empty.csv", b"")
    write(tmp_path, "zoom/attendee_reports/blank.csv", b"\r\n,,,\r\n")
    write(tmp_path, "zoom/attendee_reports/nobody.csv", zoom_report())
    got = rows(read_zoom_attendee_reports(tmp_path))
    assert [r["section"] for r in got] == ["host"]


def test_zoom_report_without_attendee_section_is_quarantined_not_fatal(tmp_path):
    write(tmp_path, "zoom/attendee_reports/cut.csv", zoom_report(sections=False))
    got = rows(read_zoom_attendee_reports(tmp_path))
    problem = [r for r in got if r["load_error"]]
    assert len(problem) == 1
    assert problem[0]["source_row_number"] == 1
    assert problem[0]["load_error"].startswith(corpus.NO_ATTENDEE_SECTION)
    assert problem[0]["webinar_id"] == "815 2233 4455"


def test_zoom_ragged_and_oversized_rows(tmp_path):
    """An oversized value costs the row only when its touch cannot do without it; any other is
    dropped and named in value_errors (before: any oversized value rejected the row)."""
    ragged = "Yes,Farah Khan,Farah,Khan"
    long = "y" * (MAX_VALUE_LENGTH + 1)
    alice = ALICE.format(q="")
    oversized_name = alice.replace("Alice Nguyen", long)
    oversized_join = alice.replace("Mar 10, 2026 17:00:12", long)
    oversized_email = alice.replace("alice@northwind.com", long)
    oversized_email_with_phone = oversized_email.replace(long + ",,", long + ",+1 415 555 0101,")
    write(tmp_path, "zoom/attendee_reports/a.csv", zoom_report(
        alice, ragged, oversized_name, oversized_join, oversized_email, oversized_email_with_phone
    ))
    got = {r["source_row_number"]: r for r in rows(read_zoom_attendee_reports(tmp_path))}
    assert got[9]["load_error"] is None and got[9]["value_errors"] is None
    assert got[10]["load_error"] == "ragged row: 4 fields, header has 14"
    assert got[11]["load_error"] is None and got[11]["user_name"] is None
    assert got[11]["join_time"] == "Mar 10, 2026 17:00:12" and got[11]["first_name"] == "Alice"
    assert json.loads(got[11]["value_errors"]) == {
        "User Name (Original Name)": f"oversized value ({MAX_VALUE_LENGTH + 1} characters, at most {MAX_VALUE_LENGTH} expected) dropped"
    }
    assert got[12]["load_error"] == (
        f"oversized value in column Join Time: {MAX_VALUE_LENGTH + 1} characters, at most {MAX_VALUE_LENGTH} expected"
    )
    assert got[13]["load_error"].startswith("oversized value in column Email")  # its only identifier
    assert got[14]["load_error"] is None and got[14]["email"] is None and got[14]["phone"] == "+1 415 555 0101"
    assert list(json.loads(got[14]["value_errors"])) == ["Email"]


def test_zoom_schema_drift(tmp_path):
    write(tmp_path, "zoom/attendee_reports/no_summary.csv", b"Attendee Report\nAttendee Details\nAttended,Email\n")
    with pytest.raises(SchemaDriftError, match="no_summary.csv: missing column\\(s\\) Topic, Webinar ID"):
        read_zoom_attendee_reports(tmp_path)
    (tmp_path / "zoom/attendee_reports/no_summary.csv").unlink()
    bad_header = zoom_report().replace(b"Join Time,Leave Time", b"Joined,Left")
    write(tmp_path, "zoom/attendee_reports/renamed.csv", bad_header)
    with pytest.raises(SchemaDriftError, match="renamed.csv: missing column\\(s\\) Join Time, Leave Time"):
        read_zoom_attendee_reports(tmp_path)


def kinds(tmp_path, **options):
    return {r["source_file"].rsplit("/", 1)[-1]: r["report_kind"]
            for r in rows(read_zoom_attendee_reports(tmp_path, **options))}


def test_zoom_file_kind_comes_from_content_not_name_or_folder(tmp_path):
    write(tmp_path, "zoom/registrations/attendee_report.csv", (
        "Registration Report\nTopic,Webinar ID,Scheduled Time\nDemo,815 2233 4455,\"Mar 10, 2026 4:58 PM\"\n"
        "First Name,Last Name,Email,Registration Time,Approval Status\nBob,Martins,bob@contoso.io,"
        "\"Mar 04, 2026 08:22:10\",approved\n"
    ).encode())
    write(tmp_path, "zoom/meetings/report.csv", zoom_report(ALICE.format(q="")))
    # no title line: a summary, then sections
    write(tmp_path, "zoom/untitled.csv", zoom_report(ALICE.format(q="")).split(b"\r\n", 1)[1])
    write(tmp_path, "zoom/x/participants.csv", (  # headers in another case and spacing
        "NAME(ORIGINAL NAME),E-mail,JOIN TIME,Leave  time,DURATION (MINUTES),GUEST\n"
        "Alice,alice@northwind.com,03/10/2026 05:00:12 PM,03/10/2026 05:31:40 PM,32,Yes\n"
    ).encode())
    assert kinds(tmp_path) == {
        "attendee_report.csv": "registration_report",
        "report.csv": "attendee_report",
        "untitled.csv": "attendee_report",
        "participants.csv": "meeting_participants_flat",
    }


def test_zoom_file_of_no_known_kind_raises_naming_the_file_and_the_kinds(tmp_path):
    write(tmp_path, "zoom/ok.csv", zoom_report(ALICE.format(q="")))
    write(tmp_path, "zoom/qa.csv", b"Question and Answer Report\nTopic,Webinar ID\nDemo,1\n")
    with pytest.raises(UnknownZoomFileError) as raised:
        read_zoom_attendee_reports(tmp_path)
    message = str(raised.value)
    assert message.startswith("Unknown Zoom file zoom/qa.csv: ")
    assert "(found: first line 'Question and Answer Report')" in message
    assert "webinar attendee report" in message and "meeting participants export" in message
    assert isinstance(raised.value, SchemaDriftError)
    (tmp_path / "zoom/qa.csv").write_bytes(b"Date,Amount\n2026-01-01,3\n")
    with pytest.raises(UnknownZoomFileError, match="zoom/qa.csv: .*found: line 'Date, Amount'"):
        read_zoom_attendee_reports(tmp_path)


def test_zoom_utf16_tab_separated_and_nul_bytes(tmp_path):
    # Excel's "Unicode Text": UTF-16 with BOM, TAB between cells, values with commas unquoted
    records = csv.reader(io.StringIO(zoom_report(ALICE.format(q="")).decode(), newline=""))
    text = "".join("\t".join(fields) + "\r\n" for fields in records)
    write(tmp_path, "zoom/unicode.txt", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    write(tmp_path, "zoom/nul.csv", zoom_report(ALICE.format(q="")).replace(b"Attended,", b"Atten\x00ded,\x00"))
    got = rows(read_zoom_attendee_reports(tmp_path))
    by_file = {}
    for r in got:
        by_file.setdefault(r["source_file"], []).append(r)
    (_, alice) = by_file["zoom/unicode.txt"]
    assert (alice["email"], alice["join_time"], alice["source_file_encoding"]) == (
        "alice@northwind.com", "Mar 10, 2026 17:00:12", "utf-16")
    assert [r["load_error"] for r in by_file["zoom/nul.csv"]] == [None, None]
    assert by_file["zoom/nul.csv"][1]["attended"] == "Yes"


def test_zoom_other_attended_sections_and_registration_disabled_reports(tmp_path):
    report = zoom_report(ALICE.format(q="")) + (
        "Other Attended,,\r\nUser Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes)\r\n"
        'Kofi,kofi@example.com,"Mar 10, 2026 5:20 PM","Mar 10, 2026 5:21 PM",1\r\n'
    ).encode()
    write(tmp_path, "zoom/a.csv", report)
    got = rows(read_zoom_attendee_reports(tmp_path))
    assert [(r["section"], r["email"], r["attended"]) for r in got] == [
        ("host", "priya@acme.com", "Yes"), ("attendee", "alice@northwind.com", "Yes"),
        ("other_attendee", "kofi@example.com", None),
    ]
    bad = report.replace(b"Email,Join Time,Leave Time,Time in Session (minutes)\r\n", b"Email,Joined\r\n")
    write(tmp_path, "zoom/a.csv", bad)
    with pytest.raises(SchemaDriftError, match="a.csv: missing column\\(s\\) Join Time, Leave Time"):
        read_zoom_attendee_reports(tmp_path)


def test_zoom_registration_and_meeting_headers_are_checked(tmp_path):
    write(tmp_path, "zoom/r.csv", b"Registration Report\nTopic,Webinar ID\nDemo,1\nFirst Name,Last Name,Email\nA,B,c@d.e\n")
    with pytest.raises(SchemaDriftError, match="r.csv: missing column\\(s\\) Registration Time"):
        read_zoom_attendee_reports(tmp_path)
    (tmp_path / "zoom/r.csv").unlink()
    write(tmp_path, "zoom/m.csv", b"Meeting ID,Topic,Start Time\n1,T,01/21/2021 08:58:30 PM\n\n"
          b"Name (Original Name),Join Time,Leave Time\nA,01/21/2021 08:58:30 PM,01/21/2021 09:58:30 PM\n")
    with pytest.raises(SchemaDriftError, match="m.csv: missing column\\(s\\) Email"):
        read_zoom_attendee_reports(tmp_path)


def test_zoom_meeting_summary_and_host(tmp_path):
    write(tmp_path, "zoom/m.csv", (
        "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants,\n"
        "812 3456 7890,Board,01/21/2021 08:58:30 PM,01/21/2021 10:02:11 PM,host@acme.com,64,2,\n\n"
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent\n"
        "Host,host@acme.com,01/21/2021 08:58:30 PM,01/21/2021 10:02:11 PM,64,No,\n"
        "Felix,felix@example.de,01/21/2021 09:00:05 PM,01/21/2021 09:45:00 PM,45,Yes,Yes\n"
    ).encode())
    host, felix = rows(read_zoom_attendee_reports(tmp_path))
    assert (felix["meeting_id"], felix["meeting_topic"], felix["meeting_started_at"]) == (
        "812 3456 7890", "Board", "01/21/2021 08:58:30 PM")
    assert (felix["meeting_host_email"], felix["email"], felix["minutes_in_session"], felix["is_guest"]) == (
        "host@acme.com", "felix@example.de", "45", "Yes")
    assert (felix["recording_consent"], felix["section"], host["section"]) == ("Yes", "participant", "participant")


def test_zoom_numeric_dates_against_the_configured_order(tmp_path):
    day_first = zoom_report(ALICE.format(q="").replace('"Mar 10, 2026 17:31:40"', "22/03/2026 17:31"))
    write(tmp_path, "zoom/a.csv", day_first)
    with pytest.raises(ZoomDateOrderError) as raised:
        read_zoom_attendee_reports(tmp_path)
    assert str(raised.value).startswith(
        "Zoom date order in zoom/a.csv: line 9 has the time '22/03/2026 17:31', which cannot be a MDY date"
    )
    assert "set var identity__zoom_date_order: DMY" in str(raised.value)
    assert kinds(tmp_path, date_order="DMY") == {"a.csv": "attendee_report"}
    write(tmp_path, "zoom/a.csv", day_first.replace(b"22/03/2026", b"03/22/2026"))
    assert kinds(tmp_path) == {"a.csv": "attendee_report"}
    with pytest.raises(ZoomDateOrderError, match="'03/22/2026 17:31', which cannot be a DMY date"):
        read_zoom_attendee_reports(tmp_path, date_order="dmy")
    # No date in either order, or no time: not a date-order question (staging rejects the row).
    write(tmp_path, "zoom/a.csv", day_first.replace(b"22/03/2026", b"31/02/2026"))
    assert kinds(tmp_path) == {"a.csv": "attendee_report"}
    with pytest.raises(ValueError, match="var identity__zoom_date_order is 'YMD'"):
        read_zoom_attendee_reports(tmp_path, date_order="YMD")


def test_flat_sources_of_the_loaders_agree_with_the_registry():
    """read_flat_exports(raw, "app_users") and the build read app users (and offline touches) alike."""
    from identity_stitching.loading.layouts import FLAT_SOURCES, registry_flat_source
    from identity_stitching.registry import source_named

    for name, loader_name in (("app", "app_users"), ("offline", "offline_touches")):
        built, named = registry_flat_source(source_named(name)), FLAT_SOURCES[loader_name]
        assert (built.folder, built.data_columns) == (named.folder, named.data_columns)
        assert built.layouts[0].columns == named.layouts[0].columns
        assert set(built.layouts[0].row_required) == set(named.layouts[0].row_required)
        assert built.layouts[0].required == named.layouts[0].required


# ---------- the committed corpus


def test_committed_corpus_matches_its_generator(tmp_path):
    """The files under tests/fixtures are exactly what the generator writes."""
    for root, files in ((corpus.CORPUS, corpus.FILES), (corpus.SCHEMA_DRIFT, corpus.schema_drift_files())):
        committed = {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in root.rglob("*")
            if path.is_file() and not path.name.startswith(".")  # .gitattributes
        }
        assert committed == files, f"rerun tests/fixtures/make_quirks_corpus.py ({root})"


# ---------- streaming: record batches, header checks first


def without_load_time(got):
    return [{name: value for name, value in row.items() if name != "_loaded_at"} for row in got]


def test_readers_stream_bounded_batches_equal_to_the_whole_table(tmp_path, monkeypatch):
    from identity_stitching.loading import flat_exports_reader, zoom_attendee_reports_reader, table

    monkeypatch.setattr(table, "BATCH_ROWS", 3)
    for name in ("a.csv", "b.csv"):
        calls = "\n".join(CALL_ROW.replace("C-1", f"C-{name}-{i}") for i in range(7))
        write(tmp_path, f"ringcentral/call_log/{name}", f"{CALL_HEADER}\n{calls}\n,,\n{CALL_ROW},x\n".encode())
    reader = flat_exports_reader(tmp_path, "ringcentral_call_log")
    batches = list(reader)
    assert len(batches) > 2 and max(batch.num_rows for batch in batches) <= 2 * 3
    got = [row for batch in batches for row in batch.to_pylist()]
    assert without_load_time(got) == without_load_time(rows(read_flat_exports(tmp_path, "ringcentral_call_log")))
    assert [(r["source_file"], r["source_row_number"]) for r in got] == [
        (f"ringcentral/call_log/{name}", line) for name in ("a.csv", "b.csv") for line in (*range(2, 9), 10)
    ]
    assert [r["load_error"] for r in got].count("ragged row: 13 fields, header has 12") == 2

    attendees = [ALICE.format(q="").replace("Alice", f"A{i}") for i in range(8)]
    write(tmp_path, "zoom/attendee_reports/a.csv", zoom_report(*attendees))
    got = [row for batch in zoom_attendee_reports_reader(tmp_path) for row in batch.to_pylist()]
    assert [r["source_row_number"] for r in got] == [6, *range(9, 17)]
    assert without_load_time(got) == without_load_time(rows(read_zoom_attendee_reports(tmp_path)))


def test_schema_drift_raises_before_the_reader_hands_over_a_row(tmp_path):
    from identity_stitching.loading import flat_exports_reader, zoom_attendee_reports_reader

    write(tmp_path, "ringcentral/call_log/a.csv", f"{CALL_HEADER}\n{CALL_ROW}\n".encode())
    write(tmp_path, "ringcentral/call_log/z.csv", f"\n\n{CALL_ROW}\n{CALL_ROW}\n".encode())
    with pytest.raises(SchemaDriftError, match="z.csv: missing column\\(s\\) id, startTime, direction"):
        flat_exports_reader(tmp_path, "ringcentral_call_log")
    write(tmp_path, "zoom/attendee_reports/a.csv", zoom_report(ALICE.format(q="")))
    # A second Attendee Details section, far down the report, with a renamed header.
    second = zoom_report(ALICE.format(q="")) + b"Attendee Details,,\r\nAttended,Email,Joined,Left\r\n"
    write(tmp_path, "zoom/attendee_reports/b.csv", second)
    with pytest.raises(SchemaDriftError, match="b.csv: missing column\\(s\\) Join Time, Leave Time"):
        zoom_attendee_reports_reader(tmp_path)


def test_extra_columns_json_is_json_dumps():
    from identity_stitching.loading.table import to_json

    values = {'Q "1"': 'a\\b\n\t\x00', "Größe": "…€ 😀", "": "", "\u2028": "\ud800"}
    assert to_json(values) == json.dumps(values, ensure_ascii=False)


# ---------- incremental: only files not loaded in their current bytes are read


def loaded_pairs(table):
    return {(row["source_file"], row["source_file_sha256"]) for row in rows(table)}


def test_update_reads_new_and_changed_files_and_names_the_stale_ones(tmp_path):
    for name in ("kept", "changed", "gone"):
        write(tmp_path, f"ringcentral/call_log/{name}.csv", f"{CALL_HEADER}\n{CALL_ROW.replace('C-1', name)}\n".encode())
    before = loaded_pairs(read_flat_exports(tmp_path, "ringcentral_call_log"))
    write(tmp_path, "ringcentral/call_log/changed.csv", f"{CALL_HEADER}\n{CALL_ROW.replace('C-1', 'changed-2')}\n".encode())
    (tmp_path / "ringcentral/call_log/gone.csv").unlink()
    write(tmp_path, "ringcentral/call_log/new.csv", f"{CALL_HEADER}\n{CALL_ROW.replace('C-1', 'new')}\n".encode())

    update = flat_exports_update(tmp_path, "ringcentral_call_log", before)
    assert [(r["source_file"], r["call_id"]) for r in update.reader.read_all().to_pylist()] == [
        ("ringcentral/call_log/changed.csv", "changed-2"),
        ("ringcentral/call_log/new.csv", "new"),
    ]
    assert [source_file for source_file, _ in update.changes.stale_files] == [
        "ringcentral/call_log/changed.csv",
        "ringcentral/call_log/gone.csv",
    ]
    assert set(update.changes.stale_files) <= before
    assert list(update.changes.kept_modified_at) == ["ringcentral/call_log/kept.csv"]


def test_update_with_nothing_changed_reads_nothing_and_keeps_every_file(tmp_path):
    write(tmp_path, "app/users/a.csv", b"user_id,email,phone,created_at\nu1,a@b.com,,2026-01-01T00:00:00Z\n")
    write(tmp_path, "app/users/empty.csv", b"")
    loaded = loaded_pairs(read_flat_exports(tmp_path, "app_users"))
    update = flat_exports_update(tmp_path, "app_users", loaded)
    assert update.reader.read_all().num_rows == 0
    assert update.changes.stale_files == []
    # An empty file loads no rows, so it is read again each time: at no cost, and no rows appear.
    assert [path.name for path in update.changes.to_load] == ["empty.csv"]
    assert list(update.changes.kept_modified_at) == ["app/users/a.csv"]


PORTAL_EXPORT = b"Type,Phone Number,Name,Date,Time\nVoice,1,A,B,C\n"


def test_update_checks_the_header_of_new_and_changed_files(tmp_path):
    ok = write(tmp_path, "ringcentral/call_log/ok.csv", f"{CALL_HEADER}\n{CALL_ROW}\n".encode())
    loaded = loaded_pairs(read_flat_exports(tmp_path, "ringcentral_call_log"))
    portal = write(tmp_path, "ringcentral/call_log/portal.csv", PORTAL_EXPORT)
    with pytest.raises(SchemaDriftError, match="portal.csv: missing column"):
        flat_exports_update(tmp_path, "ringcentral_call_log", loaded)
    portal.unlink()
    ok.write_bytes(f"{CALL_HEADER.replace('startTime', 'start')}\n{CALL_ROW}\n".encode())
    with pytest.raises(SchemaDriftError, match="ok.csv: missing column\\(s\\) startTime"):
        flat_exports_update(tmp_path, "ringcentral_call_log", loaded)


def test_update_does_not_check_a_loaded_file_again(tmp_path):
    # Once loaded, a file is not parsed again, so its header is not looked at again either.
    write(tmp_path, "ringcentral/call_log/portal.csv", PORTAL_EXPORT)
    loaded = {("ringcentral/call_log/portal.csv", hashlib.sha256(PORTAL_EXPORT).hexdigest())}
    update = flat_exports_update(tmp_path, "ringcentral_call_log", loaded)
    assert update.reader.read_all().num_rows == 0
    assert list(update.changes.kept_modified_at) == ["ringcentral/call_log/portal.csv"]


def test_a_file_unmodified_since_well_before_its_load_is_not_hashed_again(tmp_path):
    """A loaded file that still shows the modification time recorded at its load, made at least RACY_SECONDS
    before the load, is taken as unchanged without being read. The bytes are changed behind the loader's back
    (modification time set back) to show which files it trusts and which it hashes."""
    path = write(tmp_path, "ringcentral/call_log/a.csv", f"{CALL_HEADER}\n{CALL_ROW}\n".encode())
    first = rows(read_flat_exports(tmp_path, "ringcentral_call_log"))[0]
    pair, modified = (first["source_file"], first["source_file_sha256"]), first["source_file_modified_at"]
    mtime = path.stat().st_mtime
    path.write_bytes(f"{CALL_HEADER}\n{CALL_ROW.replace('C-1', 'C-2')}\n".encode())
    os.utime(path, (mtime, mtime))

    loaded_long_after = {pair: (modified, modified + dt.timedelta(seconds=RACY_SECONDS + 1))}
    update = flat_exports_update(tmp_path, "ringcentral_call_log", loaded_long_after)
    assert update.reader.read_all().num_rows == 0
    assert update.changes.stale_files == []

    loaded_right_after = {pair: (modified, modified + dt.timedelta(seconds=RACY_SECONDS - 1))}
    update = flat_exports_update(tmp_path, "ringcentral_call_log", loaded_right_after)
    assert [row["call_id"] for row in rows(update.reader.read_all())] == ["C-2"]
    assert update.changes.stale_files == [pair]


def test_zoom_update_reads_only_the_changed_report(tmp_path):
    write(tmp_path, "zoom/attendee_reports/a.csv", zoom_report(ALICE.format(q="")))
    write(tmp_path, "zoom/attendee_reports/b.csv", zoom_report())
    loaded = loaded_pairs(read_zoom_attendee_reports(tmp_path))
    write(tmp_path, "zoom/attendee_reports/b.csv", zoom_report(ALICE.format(q="")))
    update = zoom_attendee_reports_update(tmp_path, loaded)
    got = update.reader.read_all().to_pylist()
    assert {r["source_file"] for r in got} == {"zoom/attendee_reports/b.csv"}
    assert [r["section"] for r in got] == ["host", "attendee"]
    assert [source_file for source_file, _ in update.changes.stale_files] == ["zoom/attendee_reports/b.csv"]


def test_applying_changes_makes_a_loaded_table_equal_to_a_fresh_load(tmp_path):
    """The DuckDB side, without dbt: delete stale rows, refresh kept times, append new rows."""
    for name in ("kept", "touched", "changed", "gone"):
        write(tmp_path, f"ringcentral/call_log/{name}.csv", f"{CALL_HEADER}\n{CALL_ROW.replace('C-1', name)}\n".encode())
    connection = duckdb.connect()
    first = read_flat_exports(tmp_path, "ringcentral_call_log")
    connection.execute("create table loaded as select * from first")

    write(tmp_path, "ringcentral/call_log/changed.csv", f"{CALL_HEADER}\n{CALL_ROW.replace('C-1', 'changed-2')}\n".encode())
    (tmp_path / "ringcentral/call_log/gone.csv").unlink()
    touched = tmp_path / "ringcentral/call_log/touched.csv"
    os.utime(touched, (touched.stat().st_atime, touched.stat().st_mtime + 3600))  # saved again, same bytes

    update = flat_exports_update(tmp_path, "ringcentral_call_log", loaded_files(connection, "loaded"))
    apply_changes(connection, "loaded", update.changes)
    new_rows = update.reader.read_all()
    connection.execute("insert into loaded select * from new_rows")

    got = connection.execute("select * exclude (_loaded_at) from loaded order by source_file").fetchall()
    fresh = read_flat_exports(tmp_path, "ringcentral_call_log")
    assert got == connection.execute("select * exclude (_loaded_at) from fresh order by source_file").fetchall()
    first_load = connection.execute(
        "select distinct _loaded_at from loaded where source_file in "
        "('ringcentral/call_log/kept.csv', 'ringcentral/call_log/touched.csv')"
    ).fetchall()
    assert first_load == [(first["_loaded_at"][0].as_py(),)]  # not read again
