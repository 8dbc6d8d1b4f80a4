"""Every exported row of a generated ~2,000-touch set, and of the demo with a named identify
event, sent through Amplitude's own Python SDK to the loopback server: accepted and unchanged."""

import random
import shutil

import pytest

from amplitude_roundtrip import assert_roundtrip, load_export_file_rows, load_export_rows, send_rows
from conftest import DEMO_RAW, query, run_dbt

ZOOM_HEAD = (
    "Attendee Report,,,,\n"
    "Report generated time,05/21/2026 08:00:00 AM,,,\n"
    "Topic,Webinar ID,Actual Start Time,Actual Duration (minutes),# Registrants,# Cancelled,Unique Viewers,"
    "Total Users,Max Concurrent Views,Enable Registration\n"
    "Scaling Analytics,{webinar},05/20/2026 03:00:00 PM,60,{count},0,{count},{count},{count},Yes\n"
    "Host Details,,,,\n"
    "Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),Is Guest,"
    "Country/Region Name\n"
    "Yes,Priya Raman,priya.raman@acme-analytics.com,05/20/2026 02:50:00 PM,05/20/2026 04:00:00 PM,70,No,"
    "United States\n"
    "Attendee Details,,,,\n"
    "Attended,User Name (Original Name),First Name,Last Name,Email,Phone,Registration Time,Approval Status,"
    "Join Time,Leave Time,Time in Session (minutes),Is Guest,Country/Region Name,Source Name\n"
)
FIRST = ["Ana", "Ben", "Chloe", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea", "Mo", "Noor"]
LAST = ["Silva", "Okafor", "Berg", "Kowalski", "Tanaka", "Haddad", "Moreau", "Novak", "Rossi", "Yilmaz"]
DOMAINS = ["northwind-labs.com", "contoso.io", "initech.com", "umbrella.io", "globex.net", "gmail.com"]


def person(rng, index):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    email = f"{first}.{last}{index}@{rng.choice(DOMAINS)}".lower()
    phone = f"+1{rng.choice(['415', '212', '617', '312'])}{rng.randint(201, 989)}{rng.randint(1000, 9999)}"
    return {"first": first, "last": last, "email": email, "phone": phone}


def generate_raw(raw, touches=2000, seed=7):
    """Zoom attendees, RingCentral calls and badge scans of ~1,200 people, some of them users."""
    rng = random.Random(seed)
    people = [person(rng, i) for i in range(1200)]
    zoom, calls, scans = int(touches * 0.3), int(touches * 0.4), touches - int(touches * 0.3) - int(touches * 0.4)

    lines = []
    for i, p in enumerate(rng.sample(people, zoom)):
        attended = rng.random() < 0.7
        minutes = rng.randint(5, 60)
        joined = f"05/20/2026 03:{rng.randint(0, 9):02d}:00 PM" if attended else "--"
        left = f"05/20/2026 03:{rng.randint(10, 59):02d}:00 PM" if attended else "--"
        lines.append(
            ",".join([
                "Yes" if attended else "No", f"{p['first']} {p['last']}", p["first"], p["last"], p["email"],
                p["phone"] if rng.random() < 0.5 else "", f"05/{rng.randint(1, 19):02d}/2026 10:00:00 AM",
                "approved", joined, left, str(minutes) if attended else "--", "No" if attended else "--",
                rng.choice(["United States", "Germany", "Brazil"]), rng.choice(["LinkedIn", "Newsletter", ""]),
            ])
        )
    folder = raw / "zoom" / "attendee_reports"
    (folder / "scaling_analytics_2026-05-20_attendee_report.csv").write_text(
        ZOOM_HEAD.format(webinar="955 1234 7788", count=zoom) + "\n".join(lines) + "\n", encoding="utf-8"
    )

    rows = [
        "id,sessionId,startTime,duration,type,direction,action,result,from.phoneNumber,from.name,"
        "to.phoneNumber,to.name"
    ]
    for i in range(calls):
        p = rng.choice(people)
        inbound = rng.random() < 0.6
        ours = "+14155550100,Acme Analytics Sales"
        theirs = f"{p['phone']},{p['first'].upper()} {p['last'].upper()}"
        rows.append(
            f"GEN{i:08d},{500000000000 + i},2026-05-{rng.randint(1, 28):02d}T{rng.randint(8, 18):02d}:"
            f"{rng.randint(0, 59):02d}:00.000Z,{rng.randint(0, 900)},Voice,{'Inbound' if inbound else 'Outbound'},"
            f"Phone Call,{rng.choice(['Accepted', 'Missed', 'Voicemail', 'Call connected'])},"
            + (f"{theirs},{ours}" if inbound else f"{ours},{theirs}")
        )
    (raw / "ringcentral" / "call_log" / "call_log_2026-05.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")

    rows = ["touch_id,source,event_type,occurred_at,email,phone,full_name,properties"]
    for i in range(scans):
        p = rng.choice(people)
        rows.append(
            f"gen-{i:05d},expo_2026,Trade Show Visit,2026-05-{rng.randint(1, 28):02d}T12:00:00Z,{p['email']},"
            f"{p['phone'] if rng.random() < 0.3 else ''},{p['first']} {p['last']},"
            f"\"{{\"\"booth\"\": \"\"{rng.choice(['A1', 'B2', 'C3'])}\"\", \"\"badge_level\"\": {rng.randint(1, 3)}}}\""
        )
    (raw / "offline" / "touches" / "expo_2026_badge_scans.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")

    rows = ["user_id,email,phone,created_at"]
    for i, p in enumerate(rng.sample(people, 250)):
        rows.append(f"gen_user_{i:05d},{p['email']},,2026-0{rng.randint(4, 7)}-{rng.randint(1, 28):02d}T09:00:00Z")
    (raw / "app" / "users" / "users_generated.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def generated_build(tmp_path_factory):
    work = tmp_path_factory.mktemp("generated")
    raw, database, exports = work / "raw", work / "generated.duckdb", work / "exports"
    shutil.copytree(DEMO_RAW, raw)
    generate_raw(raw)
    run_dbt(["build"], database, identity__raw_path=raw, identity__export_path=exports)
    return database, exports


@pytest.mark.parametrize("kind", ["events", "identifies"])
def test_generated_exports_round_trip_through_the_sdk(generated_build, kind):
    database, exports = generated_build
    rows = load_export_rows(database, f"export_amplitude__{kind}")
    assert len(rows) >= (1800 if kind == "events" else 100), len(rows)
    result = send_rows(rows, kind)
    assert_roundtrip(rows, result)
    assert load_export_file_rows(exports / "amplitude" / kind) == rows


def test_generated_set_holds_nothing_back(generated_build):
    database, _ = generated_build
    assert query(database, "select hold_reason, count(*) from export_amplitude__review group by 1") == []


def test_named_identify_event_round_trips_with_plain_user_properties(tmp_path):
    database, exports = tmp_path / "named.duckdb", tmp_path / "exports"
    run_dbt(
        ["build"],
        database,
        identity__raw_path=DEMO_RAW,
        identity__export_path=exports,
        identity__identify_event_type="Lead Identified",
    )
    rows = load_export_rows(database, "export_amplitude__identifies")
    assert rows and {row["event_type"] for row in rows} == {"Lead Identified"}
    assert all(not any(key.startswith("$") for key in row["user_properties"]) for row in rows)
    assert_roundtrip(rows, send_rows(rows, "identifies"))
    events = load_export_rows(database, "export_amplitude__events")
    assert_roundtrip(events, send_rows(events, "events"))
