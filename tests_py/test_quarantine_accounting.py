"""Nothing disappears: every raw data row is staged and used, or quarantined.

The raw files are read here independently of the loaders. Per source, every
data row must be staged exactly once; a staged row is either used (its
identifiers reach the identity graph, or for Zoom hosts and panelists it is
kept as staff) or rejected, and then `quarantined_records` holds it as a
row-level rejection. Every non-empty raw email or phone that did not become
a hash has a value-level record, and a rejected value does not reject a row
that has another good identifier.
"""

import csv
import hashlib
import io
import shutil
from collections import Counter
from pathlib import Path

import pytest

from conftest import DEMO_RAW, query, run_dbt

SOURCES = {
    "app": ("app/users", "stg_app__users", "base_app__user_rows"),
    "offline": ("offline/touches", "stg_offline__touches", "base_offline__touch_rows"),
    "ringcentral": ("ringcentral/call_log", "stg_ringcentral__calls", "base_ringcentral__call_log_rows"),
    "zoom": ("zoom/attendee_reports", "stg_zoom__webinar_attendees", "base_zoom__attendee_report_rows"),
}
ZOOM_SECTIONS = {"host details": "host", "panelist details": "panelist", "attendee details": "attendee"}


def _records(path):
    """(first line number, cells) of each CSV record with a non-blank cell."""
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
    start = 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            yield start, cells
        start = reader.line_num + 1


def raw_data_rows(raw_path, source):
    """{(file relative to raw_path, line): section} of the data rows of a source."""
    folder = Path(raw_path) / SOURCES[source][0]
    rows = {}
    for path in sorted(folder.rglob("*.csv")):
        relative = path.relative_to(raw_path).as_posix()
        records = list(_records(path))
        if source != "zoom":
            rows.update({(relative, line): "data" for line, _ in records[1:]})
            continue
        section, seen_header = None, False
        for line, cells in records:
            filled = [cell for cell in cells if cell.strip()]
            title = cells[0].strip().lower()
            if len(filled) == 1 and title in ZOOM_SECTIONS:
                section, seen_header = ZOOM_SECTIONS[title], False
            elif section is None:
                continue
            elif not seen_header:
                seen_header = True
            else:
                rows[(relative, line)] = section
    return rows


def account(database, raw_path):
    """Per source: (raw rows, used rows, staff rows, quarantined rows), checking the invariants."""
    quarantined = query(
        database,
        "select source_system, source_file, source_row_number, rejected_column, reason, "
        "is_row_rejected, is_row_used from quarantined_records",
    )
    keys = Counter((system, file, line, column) for system, file, line, column, *_ in quarantined)
    assert not [key for key, count in keys.items() if count > 1], "a rejection is recorded twice"
    assert all(reason and reason.strip() for *_, reason, _, _ in quarantined)
    evidence = {
        (system, sha)
        for system, sha in query(
            database, "select source_system, identifier_sha256 from intermediate.int_identifiers_unioned"
        )
    }
    summary = {}
    for source, (_, staged_model, base_model) in SOURCES.items():
        raw = raw_data_rows(raw_path, source)
        base = query(database, f"select source_file, source_row_number from staging.{base_model}")
        assert Counter(base) == Counter(raw.keys()), f"{source}: the loader lost or invented rows"
        role = "participant_role" if source == "zoom" else "null"
        identifiers = {
            "app": "user_id, email_sha256, null",
            "offline": "null, email_sha256, phone_sha256",
            "ringcentral": "null, null, phone_sha256",
            "zoom": "null, email_sha256, phone_sha256",
        }[source]
        staged = query(
            database,
            f"select source_file, source_row_number, row_rejection_reason, {role}, {identifiers} "
            f"from staging.{staged_model}",
        )
        assert Counter((file, line) for file, line, *_ in staged) == Counter(raw.keys()), (
            f"{source}: staging lost or duplicated rows"
        )
        row_rejections = {
            (file, line) for system, file, line, column, *_ in quarantined if system == source and column == "row"
        }
        rejected = {(file, line) for file, line, reason, *_ in staged if reason is not None}
        assert rejected == row_rejections, f"{source}: row rejections and quarantined_records disagree"
        used, staff = set(), set()
        for file, line, reason, participant_role, user_id, email_sha256, phone_sha256 in staged:
            if reason is not None:
                continue
            if participant_role in ("host", "panelist"):
                staff.add((file, line))
                continue
            assert participant_role in (None, "attendee")
            if source == "app":
                user_sha256 = hashlib.sha256(user_id.encode("utf-8")).hexdigest()
                assert (source, user_sha256) in evidence, f"app {file}:{line}: user_id not in the graph"
            hashes = [sha for sha in (email_sha256, phone_sha256) if sha is not None]
            assert hashes or source == "app", f"{source} {file}:{line} is used without an identifier"
            for sha in hashes:
                assert (source, sha) in evidence, f"{source} {file}:{line}: identifier not in the graph"
            used.add((file, line))
        assert used | staff | rejected == set(raw), f"{source}: a row is neither used nor quarantined"
        assert not (used & rejected) and not (staff & rejected)
        assert len(raw) == len(used) + len(staff) + len(rejected)
        summary[source] = {"raw": len(raw), "used": len(used), "staff": len(staff), "quarantined": len(rejected)}
    return summary, quarantined


def check_value_rejections(database, quarantined):
    """Each non-empty raw email/phone that yielded no hash, and each value dropped from a row that flows on
    (value_rejection_reason), has a value-level record, and only those."""
    recorded = {
        (system, file, line, column): used
        for system, file, line, column, _, is_row_rejected, used in quarantined
        if not is_row_rejected
    }
    expected = set()
    checks = {
        "app": ("base_app__user_rows", "stg_app__users", {"email": "email", "phone": "phone"}),
        "offline": ("base_offline__touch_rows", "stg_offline__touches", {"email": "email", "phone": "phone"}),
        "zoom": ("base_zoom__attendee_report_rows", "stg_zoom__webinar_attendees", {"email": "email", "phone": "phone"}),
        "ringcentral": (
            "base_ringcentral__call_log_rows",
            "stg_ringcentral__calls",
            {
                "phone": "case when lower(trim(base.direction)) in ('outbound', 'outgoing') "
                "then base.to_phone_number else base.from_phone_number end"
            },
        ),
    }
    for source, (base_model, staged_model, columns) in checks.items():
        for column, raw_expression in columns.items():
            raw_expression = raw_expression if " " in raw_expression else f"base.{raw_expression}"
            rows = query(
                database,
                f"select base.source_file, base.source_row_number from staging.{base_model} as base "
                f"inner join staging.{staged_model} as staged using (source_file, source_row_number) "
                f"where base.load_error is null and nullif(trim({raw_expression}), '') is not null "
                f"and staged.{column}_sha256 is null",
            )
            expected |= {(source, file, line, column) for file, line in rows}
        dropped = query(
            database,
            f"select source_file, source_row_number from staging.{staged_model} where value_rejection_reason is not null",
        )
        expected |= {(source, file, line, "value") for file, line in dropped}
    assert expected == set(recorded), "value rejections and quarantined_records disagree"
    return recorded


def test_demo_every_raw_row_is_staged_or_quarantined(demo_build):
    database, _ = demo_build
    summary, quarantined = account(database, DEMO_RAW)
    # The demo, counted by hand from its files.
    assert summary == {
        "app": {"raw": 4, "used": 4, "staff": 0, "quarantined": 0},
        "offline": {"raw": 3, "used": 2, "staff": 0, "quarantined": 1},
        "ringcentral": {"raw": 5, "used": 5, "staff": 0, "quarantined": 0},
        "zoom": {"raw": 15, "used": 10, "staff": 3, "quarantined": 2},
    }
    recorded = check_value_rejections(database, quarantined)
    # george@@hill-family / 12 and n/a / n/a: both values of both rows.
    assert len(recorded) == 4
    reasons = {(column, reason) for _, _, _, column, reason, _, _ in quarantined}
    assert ("email", "email: must contain exactly one @") in reasons
    assert ("email", "email: placeholder value (Amplitude invalid id)") in reasons


EXTRA_FILES = {
    "app/users/users_extra.csv": (
        "user_id,email,phone,created_at\n"
        "usr_20001,not-an-email,+1 646 555 0188,2026-05-01T00:00:00Z\n"
        ",someone@extra-corp.com,,2026-05-01T00:00:00Z\n"
        "usr_20003,pat@extra-corp.com,,not-a-date\n"
        "usr_20004,x,y\n"
        "\n"
        "none,pat2@extra-corp.com,,2026-05-01T00:00:00Z\n"
    ),
    "offline/touches/expo_extra.csv": (
        "touch_id,source,event_type,occurred_at,email,phone,full_name,properties\n"
        "tx-1,expo,Visit,2026-05-02T10:00:00Z,n/a,+1 646 555 0177,Pat Doe,{}\n"
        "tx-2,expo,Visit,2026-05-02T10:00:00Z,bad@@mail.com,12,Pat Doe,{}\n"
        'tx-3,expo,Visit,2026-05-02T10:00:00Z,lee@extra-corp.com,,Lee Roe,"[1]"\n'
        "tx-4,expo,Visit,2026-05-02T10:00:00Z,Lee Roe <lee@extra-corp.com>,not a phone,Lee Roe,{}\n"
    ),
    "ringcentral/call_log/call_log_extra.csv": (
        "id,sessionId,startTime,duration,type,direction,action,result,"
        "from.phoneNumber,from.name,to.phoneNumber,to.name\n"
        "Y1,500,yesterday,10,Voice,Inbound,Phone Call,Accepted,+16465550166,PAT,+14155550100,Sales\n"
        "Y2,501,2026-03-22T10:00:00.000Z,10,Voice,Inbound,Phone Call,Accepted,12,PAT,+14155550100,Sales\n"
        "Y3,502,2026-03-22T11:00:00.000Z,10,Voice,Outbound,Phone Call,Accepted,+14155550100,Sales,"
        "+16465550166,PAT\n"
    ),
}


@pytest.fixture(scope="module")
def tricky_build(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("quarantine")
    raw = workdir / "raw"
    shutil.copytree(DEMO_RAW, raw)
    for relative, text in EXTRA_FILES.items():
        (raw / relative).write_text(text, encoding="utf-8")
    database = workdir / "tricky.duckdb"
    # The tricky files reject most of their rows on purpose: only a file with no
    # usable row may stop this build (test_mass_rejection tests the limit).
    run_dbt(
        ["build"], database, identity__raw_path=raw, identity__export_path=workdir / "exports",
        identity__max_rejected_share=1,
    )
    return database, raw


def test_tricky_rows_are_accounted_for(tricky_build):
    database, raw = tricky_build
    summary, quarantined = account(database, raw)
    assert summary["app"] == {"raw": 9, "used": 5, "staff": 0, "quarantined": 4}
    assert summary["offline"] == {"raw": 7, "used": 5, "staff": 0, "quarantined": 2}
    assert summary["ringcentral"] == {"raw": 8, "used": 6, "staff": 0, "quarantined": 2}
    recorded = check_value_rejections(database, quarantined)
    by_key = {(system, file, line, column): reason for system, file, line, column, reason, *_ in quarantined}
    users, expo = "app/users/users_extra.csv", "offline/touches/expo_extra.csv"
    # A bad email does not cost a user row; a placeholder email does not cost a touch with a good phone.
    assert by_key[("app", users, 2, "email")] == "email: must contain exactly one @"
    assert recorded[("app", users, 2, "email")] is True and ("app", users, 2, "row") not in by_key
    assert by_key[("offline", expo, 2, "email")] == "email: placeholder value (Amplitude invalid id)"
    assert recorded[("offline", expo, 2, "email")] is True and ("offline", expo, 2, "row") not in by_key
    # Both values bad: both explained, and the row too.
    assert by_key[("offline", expo, 3, "row")].startswith("no usable identifier")
    assert ("offline", expo, 3, "email") in by_key and ("offline", expo, 3, "phone") in by_key
    assert recorded[("offline", expo, 3, "email")] is False
    # A row-level reason a person understands for each kind of bad row.
    assert by_key[("app", users, 3, "row")] == "user_id missing"
    assert by_key[("app", users, 4, "row")].startswith("created_at is not a timestamp: expected ISO-8601")
    assert by_key[("app", users, 5, "row")].startswith("ragged row")
    assert by_key[("app", users, 7, "row")] == "user_id is a placeholder or an Amplitude invalid id"
    # Properties that are no JSON object are dropped, not the touch (value_rejection_reason).
    assert ("offline", expo, 4, "row") not in by_key
    assert query(
        database,
        "select value_rejection_reason from staging.stg_offline__touches where source_file = ? and source_row_number = 4",
        [expo],
    ) == [("properties: not a JSON object; dropped",)]
    assert ("offline", expo, 5, "row") not in by_key and ("offline", expo, 5, "phone") in by_key
    calls = "ringcentral/call_log/call_log_extra.csv"
    assert by_key[("ringcentral", calls, 2, "row")] == "startTime is not an ISO-8601 timestamp"
    assert by_key[("ringcentral", calls, 3, "row")].startswith("no usable identifier")
    assert ("ringcentral", calls, 3, "phone") in by_key and ("ringcentral", calls, 4, "row") not in by_key
