"""Tests of the Amplitude loopback server and SDK round-trip harness themselves.

Every rule the harness claims to enforce is exercised with a row that breaks it, and the
specific failure (pre-check field, or the server's 400/413 field and index) is asserted.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from amplitude import Amplitude, BaseEvent, Config  # noqa: E402

from amplitude_loopback import AmplitudeLoopbackServer, evaluate_request  # noqa: E402
from amplitude_roundtrip import (  # noqa: E402
    RowCheckError,
    RoundTrip,
    assert_roundtrip,
    check_rows,
    load_export_file_rows,
    load_export_rows,
    relation_columns,
    roundtrip_problems,
    send_rows,
)

DEVICE = hashlib.sha256(b"jane.doe@example.com").hexdigest()
DEVICE_2 = hashlib.sha256(b"+14155550123").hexdigest()
T0 = 1_717_000_000_000


@pytest.fixture(scope="module")
def server():
    with AmplitudeLoopbackServer() as srv:
        yield srv


def event_row(**overrides):
    row = {
        "insert_id": "zoom:84759841045:attended:1",
        "event_type": "Webinar Attended",
        "device_id": DEVICE,
        "time": T0,
        "event_properties": {
            "webinar_id": "84759841045",
            "webinar_topic": "Pricing live – Q&A ✓",
            "minutes_attended": 56,
            "ratio": 0.93,
            "is_guest": False,
            "tags": ["pricing", "live"],
            "host": {"name": "Ana", "panelists": [{"name": "Bo"}]},
            "source": "zoom",
        },
    }
    row.update(overrides)
    return row


def identify_row(**overrides):
    row = {
        "insert_id": "link:user_000123:" + DEVICE[:16],
        "event_type": "$identify",
        "user_id": "user_000123",
        "device_id": DEVICE,
        "time": T0 + 1000,
        "event_properties": {},
        "user_properties": {
            "$setOnce": {"first_offline_touch": "webinar", "first_seen_at": "2024-05-29T16:26:40"},
            "$set": {"lead_source": "webinar", "webinar_count": 2},
        },
    }
    row.update(overrides)
    return row


def named_identify_row(**overrides):
    row = {
        "insert_id": "link2:user_000124:" + DEVICE_2[:16],
        "event_type": "Lead Linked",
        "user_id": "user_000124",
        "device_id": DEVICE_2,
        "time": T0 + 2000,
        "event_properties": {"link_source": "ringcentral"},
        "user_properties": {"lead_source": "call", "call_count": 3},
    }
    row.update(overrides)
    return row


def post(url, body, content_type="application/json"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def single_failure(result: RoundTrip, insert_id: str):
    """(code, message) of the only callback of insert_id, plus the server's reason dict for it."""
    codes = [(code, msg) for iid, code, msg in result.callbacks if iid == insert_id]
    assert len(codes) == 1, codes
    reasons = [
        reason
        for request in result.requests
        for reason in request.response.get("reasons", [])
        if reason.get("insert_id") == insert_id
    ]
    return codes[0], reasons


# ----------------------------------------------------------------------------------------
# valid rows round-trip unchanged
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("use_batch", [True, False], ids=["batch", "http_v2"])
def test_valid_rows_round_trip_equal(server, use_batch):
    events = [event_row(), event_row(insert_id="rc:call:1", event_type="Call Completed", user_id="user_000123",
                                     event_properties={}, user_properties={"phone_country": "US"})]
    identifies = [identify_row(), named_identify_row()]
    for rows, kind in ((events, "events"), (identifies, "identifies")):
        result = send_rows(rows, kind, server=server, use_batch=use_batch)
        assert_roundtrip(rows, result)
        assert {r.path for r in result.requests} == {"/batch" if use_batch else "/2/httpapi"}
        assert all(r.options == {"min_id_length": 5} for r in result.requests)
        by_id = {e["insert_id"]: e for e in result.events}
        for row in rows:
            assert by_id[row["insert_id"]]["library"] == "amplitude-python/1.3.0"
            assert by_id[row["insert_id"]]["time"] == row["time"]


def test_identify_row_goes_through_identify_operations(server):
    row = identify_row(user_properties={
        "$set": {"a": "x"}, "$setOnce": {"b": 1}, "$add": {"c": 2}, "$append": {"d": "y"},
        "$prepend": {"e": "z"}, "$preInsert": {"f": "p"}, "$postInsert": {"g": "q"},
        "$remove": {"h": "r"}, "$unset": {"i": "-"},
    })
    result = send_rows([row], "identifies", server=server)
    assert_roundtrip([row], result)
    assert result.events[0]["user_properties"] == row["user_properties"]


def test_null_keys_are_not_sent_and_compare_equal(server):
    row = event_row(user_id=None, user_properties=None)
    result = send_rows([row], "events", server=server)
    assert_roundtrip([row], result)
    assert "user_id" not in result.events[0] and "user_properties" not in result.events[0]


# ----------------------------------------------------------------------------------------
# the pre-check refuses what the SDK would silently drop or change
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "row", "field", "words"),
    [
        ("events", event_row(time=1.717e12), "time", "int of epoch milliseconds"),
        ("events", event_row(time="1717000000000"), "time", "int of epoch milliseconds"),
        ("events", event_row(time=True), "time", "int of epoch milliseconds"),
        ("events", event_row(time=None), "time", "int of epoch milliseconds"),
        ("events", event_row(user_id=12345), "user_id", "must be str or null"),
        ("events", event_row(device_id=b"abcdef"), "device_id", "must be str or null"),
        ("events", event_row(device_id=None), "user_id/device_id", "neither user_id nor device_id"),
        ("events", event_row(event_type=""), "event_type", "non-empty str"),
        ("events", event_row(insert_id=None), "insert_id", "non-empty str"),
        ("events", event_row(event_properties='{"a": 1}'), "event_properties", "must be a dict"),
        ("events", event_row(event_properties={"tags": ["a", None]}), "event_properties.tags[1]", "null inside a list"),
        ("events", event_row(event_properties={"m": [[1, 2]]}), "event_properties.m[0]", "list nested in a list"),
        ("events", event_row(event_properties={"gone": None}), "event_properties.gone", "null value"),
        ("events", event_row(event_properties={"long": "x" * 1025}), "event_properties.long", "> 1024"),
        ("events", event_row(event_properties={"n": float("nan")}), "event_properties.n", "non-finite"),
        ("events", event_row(event_properties={1: "a"}), "event_properties", "non-string key"),
        ("events", event_row(event_properties={f"k{i}": i for i in range(1025)}), "event_properties", "1025 keys"),
        ("events", event_row(device_id="d" * 1025), "device_id", "> 1024"),
        ("events", event_row(update_time_column="2024-01-01"), "update_time_column", "not an HTTP V2 event key"),
        ("events", event_row(price=10), "price", "must be float"),
        ("identifies", identify_row(user_id=None), "user_id", "need both user_id and device_id"),
        ("identifies", identify_row(user_properties={"lead_source": "x"}), "user_properties.lead_source",
         "not a user-property operation"),
        ("identifies", identify_row(user_properties={"$set": {"a": 1}, "$setOnce": {"a": 2}}),
         "user_properties.$setOnce.a", "also used under $set"),
        ("identifies", identify_row(user_properties={"$set": {}}), "user_properties.$set", "non-empty object"),
        ("identifies", identify_row(user_properties={}), "user_properties", "empty"),
        ("identifies", identify_row(user_properties={"$add": {"n": "1"}}), "user_properties.$add.n", "numbers"),
        ("identifies", identify_row(user_properties={"$unset": {"n": "x"}}), "user_properties.$unset.n", "'-'"),
        ("identifies", named_identify_row(user_properties={}), "user_properties", "non-empty user_properties"),
    ],
)
def test_precheck_refuses_rows_the_sdk_would_alter(kind, row, field, words):
    with pytest.raises(RowCheckError) as caught:
        send_rows([event_row(insert_id="fine-1") if kind == "events" else named_identify_row(insert_id="fine-1"),
                   row], kind)
    assert caught.value.field == field
    assert caught.value.index == 1
    assert words in caught.value.reason
    assert caught.value.row is row


def test_precheck_refuses_duplicate_insert_ids():
    with pytest.raises(RowCheckError) as caught:
        check_rows([event_row(), event_row(time=T0 + 5)], "events")
    assert caught.value.field == "insert_id" and "duplicate of row 0" in caught.value.reason


def test_sdk_really_alters_mistyped_rows_and_the_comparison_sees_it(server):
    """Why the pre-check exists: bypass it and the SDK accepts the event with a changed time."""
    results = []
    config = Config(server_url=server.batch_url, use_batch=True, min_id_length=5, flush_queue_size=10,
                    flush_interval_millis=100,
                    callback=lambda e, code, msg: results.append((e.insert_id, code)))
    client = Amplitude("k", config)
    bad = event_row(insert_id="bypass-1", time="1717000000000", event_properties={"tags": ["a", None]})
    before = len(server.snapshot()[0])
    client.track(BaseEvent(bad["event_type"], device_id=bad["device_id"], time=bad["time"],
                           insert_id=bad["insert_id"], event_properties=bad["event_properties"]))
    for future in client.flush():
        if future is not None:
            future.result(timeout=10)
    client.shutdown()
    events = server.snapshot()[0][before:]
    assert results == [("bypass-1", 200)]  # accepted: the SDK hid both problems
    assert len(events) == 1 and events[0]["time"] != bad["time"] and "event_properties" not in events[0]
    problems = roundtrip_problems([bad], RoundTrip(events=events, callbacks=[("bypass-1", 200, "ok")]))
    assert len(problems) == 1
    assert "time: expected '1717000000000' (str), received" in problems[0]
    assert "event_properties: missing in received event" in problems[0]


# ----------------------------------------------------------------------------------------
# the server refuses what Amplitude documents as invalid (seen through the SDK callbacks)
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "row", "index_key", "field", "words"),
    [
        ("events", event_row(device_id="abcd"), "events_with_invalid_id_lengths", "device_id", "length 4"),
        ("events", event_row(user_id="u12"), "events_with_invalid_id_lengths", "user_id", "length 3"),
        ("events", event_row(user_id="null"), "events_with_invalid_fields", "user_id", "invalid-id list"),
        ("events", event_row(user_id="anonymous"), "events_with_invalid_fields", "user_id", "invalid-id list"),
        ("events", event_row(user_id="Undefined"), "events_with_invalid_fields", "user_id", "invalid-id list"),
        ("events", event_row(device_id="NONE"), "events_with_invalid_fields", "device_id", "invalid-id list"),
        ("events", event_row(device_id="00000000-0000-0000-0000-000000000000"), "events_with_invalid_fields",
         "device_id", "invalid-id list"),
        ("events", event_row(device_id="0" * 64), "events_with_invalid_fields", "device_id", "all-zero"),
        ("events", event_row(time=1_717_000_000), "events_with_invalid_fields", "time", "13-digit"),
        ("events", event_row(time=1_717_000_000_000_000), "events_with_invalid_fields", "time", "13-digit"),
        ("events", event_row(user_properties={"$set": {"plan": "pro"}}), "events_with_invalid_fields",
         "user_properties", "only allowed on $identify"),
        ("events", event_row(event_type="[Amplitude] Start Session"), "events_with_invalid_fields", "event_type",
         "reserved"),
        ("identifies", named_identify_row(user_properties={"$setOnce": {"first": "call"}}),
         "events_with_invalid_fields", "user_properties", "only allowed on $identify"),
    ],
)
def test_server_refuses_invalid_rows_with_documented_400(server, kind, row, index_key, field, words):
    good = event_row(insert_id="good-1") if kind == "events" else identify_row(insert_id="good-1")
    rows = [good, row]
    result = send_rows(rows, kind, server=server, timeout=10)
    (code, _), reasons = single_failure(result, row["insert_id"])
    assert code == 400
    assert len(reasons) == 1 and words in reasons[0][field]
    refused = [r for r in result.requests if r.status == 400]
    assert refused and all(r.response[index_key] == {field: [1]} for r in refused)
    # The valid neighbour is re-sent by the SDK and accepted; the invalid row never is.
    assert [e["insert_id"] for e in result.events] == ["good-1"]
    with pytest.raises(AssertionError, match="server: HTTP 400"):
        assert_roundtrip(rows, result)


def test_min_id_length_option_is_applied(server):
    row = event_row(device_id="dev_8")
    assert_roundtrip([row], send_rows([row], "events", server=server, min_id_length=5))
    result = send_rows([row], "events", server=server, min_id_length=6, timeout=10)
    assert result.requests[0].response["events_with_invalid_id_lengths"] == {"device_id": [0]}


# ----------------------------------------------------------------------------------------
# request-level rules, posted directly (the SDK never produces these bodies)
# ----------------------------------------------------------------------------------------
def body(events, **extra):
    return {"api_key": "k", "events": events, **extra}


def test_more_than_2000_events_is_413_and_2000_is_fine(server):
    events = [event_row(insert_id=f"i{i}", event_properties={}) for i in range(2001)]
    assert post(server.batch_url, body(events)) == (413, {"code": 413, "error": "Payload too large"})
    status, answer = post(server.batch_url, body(events[:2000]))
    assert status == 200 and answer["code"] == 200 and answer["events_ingested"] == 2000


def test_sdk_splits_a_2001_event_batch_after_413(server):
    rows = [event_row(insert_id=f"split-{i}", event_properties={"i": i}) for i in range(2001)]
    result = send_rows(rows, "events", server=server, flush_queue_size=2001, flush_interval_millis=60_000)
    assert_roundtrip(rows, result)
    assert any(r.status == 413 and r.n_events == 2001 for r in result.requests)
    assert all(r.n_events <= 2000 for r in result.requests if r.status == 200)


def test_http_v2_body_limit_is_1_mb_and_batch_20_mb(server):
    padding = "p" * 1000
    events = [event_row(insert_id=f"big-{i}", event_properties={"a": padding, "b": padding}) for i in range(500)]
    payload = json.dumps(body(events)).encode("utf-8")
    assert 1_000_000 < len(payload) < 20_000_000
    assert post(server.http_v2_url, payload)[0] == 413
    assert post(server.batch_url, payload)[0] == 200
    result = send_rows(events, "events", server=server, use_batch=False, flush_queue_size=500,
                       flush_interval_millis=60_000)
    assert_roundtrip(events, result)
    assert any(r.status == 413 for r in result.requests)
    assert all(r.n_bytes < 1_000_000 for r in result.requests if r.status == 200)


@pytest.mark.parametrize(
    ("event", "field", "words"),
    [
        (event_row(event_properties={"long": "x" * 1025}), "event_properties", "longer than 1024"),
        (event_row(event_type="E" * 1025), "event_type", "longer than 1024"),
        (event_row(device_id="d" * 1025), "device_id", "length 1025"),
        (event_row(time="1717000000000"), "time", "integer number of milliseconds"),
        (event_row(time=1717000000000.0), "time", "integer number of milliseconds"),
        (event_row(insert_id=42), "insert_id", "must be a string"),
        (event_row(user_id=12345), "user_id", "must be a string"),
        (event_row(event_properties='{"a":1}'), "event_properties", "JSON object"),
        (event_row(user_properties=["a"]), "user_properties", "JSON object"),
        (identify_row(user_properties={"$set": {"a": 1}, "plain": 2}), "user_properties", "cannot be mixed"),
        (event_row(event_properties=json.loads('{"a":' * 41 + "1" + "}" * 41)), "event_properties",
         "deeper than 40"),
    ],
)
def test_server_refuses_invalid_field_values(server, event, field, words):
    status, answer = post(server.http_v2_url, body([event_row(insert_id="ok"), event]))
    assert status == 400 and answer["code"] == 400
    index_key = "events_with_invalid_id_lengths" if field == "device_id" else "events_with_invalid_fields"
    assert answer[index_key] == {field: [1]}
    assert words in answer["reasons"][0][field]


def test_server_request_level_errors(server):
    missing_type = event_row()
    del missing_type["event_type"]
    no_ids = event_row()
    del no_ids["device_id"]
    status, answer = post(server.batch_url, body([event_row(), missing_type, no_ids]))
    assert status == 400 and answer["error"] == "Request missing required field"
    assert answer["events_with_missing_fields"] == {"event_type": [1], "user_id": [2]}
    assert post(server.batch_url, {"events": [event_row()]})[1]["missing_field"] == "api_key"
    assert post(server.batch_url, {"api_key": "k"})[1]["missing_field"] == "events"
    assert post(server.batch_url, b"{not json")[1]["error"] == "Invalid JSON request body"
    assert post(server.batch_url, body([event_row()]), content_type="text/plain")[0] == 400
    assert post(f"http://127.0.0.1:{server.port}/identify", body([event_row()]))[1]["error"] == "Invalid request path"
    status, answer = post(server.batch_url, body([event_row()], options={"min_id_length": 65}))
    assert status == 400 and answer["events_with_invalid_id_lengths"] == {"device_id": [0]}


def test_accepted_events_are_recorded_exactly_as_received(server):
    event = event_row(insert_id="exact-1", platform="offline", event_properties={"z": 1, "a": [1, 2.5, "x"]})
    before = len(server.snapshot()[0])
    status, answer = post(server.http_v2_url, body([event]))
    assert status == 200 and answer["events_ingested"] == 1 and answer["payload_size_bytes"] > 0
    assert server.snapshot()[0][before:] == [event]


def test_evaluate_request_is_all_or_nothing():
    answer = evaluate_request("/batch", "application/json",
                              json.dumps(body([event_row(), event_row(user_id="nil")])).encode())
    assert answer.status == 400 and answer.events == []


# ----------------------------------------------------------------------------------------
# a realistic volume round-trips fully and quickly
# ----------------------------------------------------------------------------------------
def generated_rows(n_events=5000, n_identifies=500, seed=7):
    rng = random.Random(seed)
    people = [hashlib.sha256(f"person{i}@example.com".encode()).hexdigest() for i in range(1500)]
    types = ["Webinar Registered", "Webinar Attended", "Call Completed", "Call Missed", "Offline Purchase"]
    events = []
    for i in range(n_events):
        properties = {
            "source": rng.choice(["zoom", "ringcentral", "offline_csv"]),
            "webinar_id": str(rng.randrange(10**10, 10**11)),
            "minutes_attended": rng.randrange(0, 120),
            "score": round(rng.random(), 4),
            "is_guest": rng.random() < 0.1,
            "tags": rng.sample(["pricing", "demo", "onboarding", "ça va", "日本"], k=rng.randrange(0, 3)),
            "occurred_at": "2025-01-%02dT10:00:00" % rng.randrange(1, 29),
        }
        row = {
            "insert_id": f"evt:{i:06d}:{rng.getrandbits(64):016x}",
            "event_type": rng.choice(types),
            "device_id": rng.choice(people),
            "time": 1_704_067_200_000 + rng.randrange(0, 365 * 86_400_000),
            "event_properties": properties,
        }
        if rng.random() < 0.2:
            row["user_id"] = f"user_{rng.randrange(10**6):06d}"
        events.append(row)
    identifies = []
    for i in range(n_identifies):
        row = {
            "insert_id": f"idf:{i:05d}",
            "event_type": "$identify",
            "user_id": f"user_{i:06d}",
            "device_id": people[i],
            "time": 1_704_067_200_000 + rng.randrange(0, 365 * 86_400_000),
            "event_properties": {},
            "user_properties": {
                "$setOnce": {"first_touch": rng.choice(["webinar", "call"])},
                "$set": {"lead_source": rng.choice(["zoom", "ringcentral"]), "touches": rng.randrange(1, 9)},
            },
        }
        identifies.append(row)
    return events, identifies


def test_generated_volume_round_trips(server):
    events, identifies = generated_rows()
    result_events = send_rows(events, "events", server=server)
    assert_roundtrip(events, result_events)
    result_identifies = send_rows(identifies, "identifies", server=server, use_batch=False)
    assert_roundtrip(identifies, result_identifies)
    assert len(result_events.events) == 5000 and len(result_identifies.events) == 500
    assert result_events.seconds + result_identifies.seconds < 60
    print(f"round trip: 5000 events {result_events.seconds:.2f}s, 500 identifies {result_identifies.seconds:.2f}s")


# ----------------------------------------------------------------------------------------
# readers
# ----------------------------------------------------------------------------------------
def test_readers_parse_duckdb_relations_and_ndjson_gz(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    db = tmp_path / "t.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema exports")
    con.execute(
        """
        create table exports.export_amplitude__events as
        select * from (values
            ('b-2', 'Call Completed', 'user_00001', 'dev_00001', 1717000000000::bigint,
             '{"n": 1, "l": [1, "a"]}'::json, '{"plan": "pro"}'::json, timestamp '2024-06-01 00:00:00'),
            ('a-1', 'Webinar Attended', null, 'dev_00002', 1717000000001::bigint,
             '{}'::json, null::json, timestamp '2024-06-01 00:00:01')
        ) as t(insert_id, event_type, user_id, device_id, time, event_properties, user_properties,
               update_time_column)
        """
    )
    con.close()
    rows = load_export_rows(db, "export_amplitude__events")
    assert rows == [
        {"insert_id": "a-1", "event_type": "Webinar Attended", "device_id": "dev_00002", "time": 1717000000001,
         "event_properties": {}},
        {"insert_id": "b-2", "event_type": "Call Completed", "user_id": "user_00001", "device_id": "dev_00001",
         "time": 1717000000000, "event_properties": {"n": 1, "l": [1, "a"]}, "user_properties": {"plan": "pro"}},
    ]
    assert load_export_rows(db, "exports.export_amplitude__events", drop_nulls=False)[0]["user_id"] is None
    assert relation_columns(db, "export_amplitude__events")["update_time_column"] == "TIMESTAMP"
    with pytest.raises(LookupError, match="not found"):
        load_export_rows(db, "export_amplitude__identifies")
    # the reader closed its read-only connection: a writer can open the file again
    duckdb.connect(str(db)).close()

    folder = tmp_path / "amplitude" / "events"
    folder.mkdir(parents=True)
    with gzip.open(folder / "part-000.json.gz", "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(rows[1]) + "\n")
    with gzip.open(folder / "part-001.json.gz", "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({**rows[0], "user_id": None}) + "\n\n")
    assert load_export_file_rows(folder) == rows
    assert load_export_file_rows(folder, drop_nulls=False)[0]["user_id"] is None
    assert load_export_file_rows(tmp_path) == []
