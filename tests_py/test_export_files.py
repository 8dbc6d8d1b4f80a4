"""The NDJSON.gz writer on its own (no dbt): lines built by DuckDB and streamed to gzip from Arrow batches."""

import datetime as dt
import gzip
import hashlib
import json

import duckdb
import pytest

from identity_stitching import export_files
from identity_stitching.export_files import MANIFEST_SCHEMA, export_new_rows, file_digest

FIRST = dt.datetime(2026, 1, 1, 0, 0, 0, 500000)
SECOND = dt.datetime(2026, 1, 2)
TRICKY = 'a"b,c\\d\x01é😀\t' + "\u2028'"


@pytest.fixture()
def session():
    connection = duckdb.connect()
    connection.execute(
        """
        create table export_rows (
            insert_id varchar, event_type varchar, user_id varchar, device_id varchar,
            time bigint, event_properties json, user_properties json, update_time_column timestamp
        )
        """
    )
    connection.executemany(
        "insert into export_rows values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ["i1", "Call", "line\nbreak", TRICKY, 2, '{"k": "v,\\"q\\"",\n  "n": 1.5, "nested": {"x": [1, null]}}',
             None, FIRST],
            ["i0", "Webinar", None, "d0", 2, None, None, FIRST],
            ["i2", "$identify", "u1", "d1", 1, None, '{"$set": {"email_sha256": "ab"}}', FIRST],
            ["i3", "Visit", None, "d3", 5, '{"booth": "B3"}', None, SECOND],
        ],
    )
    yield connection
    connection.close()


def read_lines(path):
    return gzip.decompress(path.read_bytes()).decode("utf-8").split("\n")


def files(folder):
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_lines_hold_the_non_null_keys_with_json_embedded_as_objects(session, tmp_path):
    manifest = export_new_rows(session, {"events": session.table("export_rows")}, tmp_path, {})
    assert manifest.schema == MANIFEST_SCHEMA
    records = manifest.to_pylist()
    assert [(r["export_kind"], r["row_count"], r["max_update_time"]) for r in records] == [
        ("events", 3, FIRST),
        ("events", 1, SECOND),
    ]
    first = tmp_path / "amplitude" / "events" / records[0]["file_path"].split("/")[-1]
    assert first.name.startswith("events_20260101T000000500000Z_") and first.name.endswith(".json.gz")
    lines = read_lines(first)
    assert lines[-1] == "" and all(lines[:-1]), "one line per row, each ending in a newline"
    assert [json.loads(line) for line in lines[:-1]] == [
        {"insert_id": "i2", "event_type": "$identify", "user_id": "u1", "device_id": "d1", "time": 1,
         "user_properties": {"$set": {"email_sha256": "ab"}}},
        {"insert_id": "i0", "event_type": "Webinar", "device_id": "d0", "time": 2},
        {"insert_id": "i1", "event_type": "Call", "user_id": "line\nbreak", "device_id": TRICKY, "time": 2,
         "event_properties": {"k": 'v,"q"', "n": 1.5, "nested": {"x": [1, None]}}},
    ]
    digest = hashlib.sha256(gzip.decompress(first.read_bytes())).hexdigest()
    assert records[0]["content_sha256"] == records[0]["export_file_id"] == digest == file_digest(first)
    assert digest[:12] in first.name
    assert [p.name.startswith(".") for p in files(tmp_path)] == [False, False]


def test_the_watermark_skips_written_load_times(session, tmp_path):
    relations = {"events": session.table("export_rows")}
    manifest = export_new_rows(session, relations, tmp_path, {"events": FIRST})
    assert [(r["row_count"], r["max_update_time"]) for r in manifest.to_pylist()] == [(1, SECOND)]
    assert export_new_rows(session, relations, tmp_path, {"events": SECOND}).num_rows == 0
    assert len(files(tmp_path)) == 1


def test_a_written_but_unrecorded_file_is_returned_not_rewritten(session, tmp_path):
    relations = {"events": session.table("export_rows")}
    first = export_new_rows(session, relations, tmp_path, {}).to_pylist()
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files(tmp_path)}
    again = export_new_rows(session, relations, tmp_path, {}).to_pylist()
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files(tmp_path)} == before
    keys = ["export_file_id", "file_path", "row_count", "content_sha256", "max_update_time"]
    assert [[r[k] for k in keys] for r in again] == [[r[k] for k in keys] for r in first]


def test_a_file_of_the_same_load_time_with_other_rows_is_refused(session, tmp_path):
    relations = {"events": session.table("export_rows")}
    export_new_rows(session, relations, tmp_path, {"events": FIRST})
    (written,) = files(tmp_path)
    before = written.read_bytes()
    session.execute("update export_rows set event_type = 'Changed' where insert_id = 'i3'")
    with pytest.raises(FileExistsError, match="other content"):
        export_new_rows(session, relations, tmp_path, {"events": FIRST})
    assert files(tmp_path) == [written] and written.read_bytes() == before, "no partial left, nothing rewritten"


def test_lines_stream_in_batches_in_order(session, tmp_path, monkeypatch):
    """A file spans many Arrow batches (and sliced ones): every line once, in order, digest of the whole text."""
    monkeypatch.setattr(export_files, "BATCH_ROWS", 7)
    session.execute(
        "insert into export_rows select 'n' || lpad(i::varchar, 3, '0'), 'Visit', null, 'd' || i, 10 + i,"
        " '{\"i\": ' || i || '}', null, ? from range(100) as r(i)",
        [SECOND],
    )
    records = export_new_rows(session, {"events": session.table("export_rows")}, tmp_path, {"events": FIRST})
    (record,) = records.to_pylist()
    path = tmp_path / "amplitude" / "events" / record["file_path"].split("/")[-1]
    lines = read_lines(path)[:-1]
    assert record["row_count"] == len(lines) == 101
    assert [json.loads(line)["insert_id"] for line in lines[1:]] == [f"n{i:03d}" for i in range(100)]
    assert record["content_sha256"] == file_digest(path)
