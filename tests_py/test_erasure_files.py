"""Export files after an erasure (docs/erasure.md), without a dbt build: the writer of export_files.py
writes a file from an export relation in DuckDB, an erasure deletes one of its rows, and
export_erasure.rewrite_erased_files writes the file again under its own name. The ledger (export_ledger.scan)
must still adopt it when the database is lost, and only thanks to the `.rewritten` digest beside it."""

import datetime as dt
import gzip
import importlib.util
import json
import shutil
import socket

import duckdb
import pytest

from conftest import PROJECT_ROOT
from identity_stitching.export_erasure import rewrite_erased_files, rewritten_marker, write_deletion_file
from identity_stitching.export_files import write_export_file
from identity_stitching.export_ledger import CorruptExportFile, scan

LOAD_TIME = dt.datetime(2026, 12, 1, 9, 0)


@pytest.fixture
def delivered(tmp_path):
    """A DuckDB session with an events relation of 3 rows, their file written and recorded."""
    session = duckdb.connect()
    session.execute(
        "create table events as select 'id' || i as insert_id, 'Webinar Attended' as event_type,"
        " null::varchar as user_id, 'device' || i as device_id, 1764579600000 + i as time,"
        " '{}'::json as event_properties, null::json as user_properties,"
        " ?::timestamp as update_time_column from range(3) as t(i)",
        [LOAD_TIME],
    )
    path, digest, rows = write_export_file(
        session, "select * from events", tmp_path / "amplitude" / "events", "events", LOAD_TIME
    )
    session.execute(
        "create table files as select ? as export_file_id, 'events' as export_kind, ? as file_path,"
        " ?::bigint as row_count, ? as content_sha256, ?::timestamp as max_update_time",
        [digest, path.as_posix(), rows, digest, LOAD_TIME],
    )
    identifies = "create table identifies as select * from events where false"
    session.execute(identifies)
    return session, path, tmp_path


def lines(path):
    return [json.loads(line) for line in gzip.decompress(path.read_bytes()).decode().splitlines()]


def test_a_file_is_rewritten_in_place_without_the_erased_rows(delivered):
    session, path, _ = delivered
    session.execute("delete from events where insert_id = 'id1'")
    rewrites = rewrite_erased_files(session, "files", {"events": "events", "identifies": "identifies"}).to_pylist()
    assert [(r["rows_before"], r["rows_after"]) for r in rewrites] == [(3, 2)]
    assert path.exists() and [line["insert_id"] for line in lines(path)] == ["id0", "id2"]
    assert session.execute("select row_count from files").fetchall() == [(2,)]
    # nothing left to rewrite on the next run
    assert rewrite_erased_files(session, "files", {"events": "events", "identifies": "identifies"}).num_rows == 0


def test_the_ledger_adopts_a_rewritten_file_only_with_its_digest_beside_it(delivered):
    session, path, export_path = delivered
    session.execute("delete from events where insert_id = 'id1'")
    rewrite_erased_files(session, "files", {"events": "events", "identifies": "identifies"})
    table, _ = scan(export_path, {})  # the database was lost: the file must be read and adopted
    assert [row["row_count"] for row in table.to_pylist()] == [2]
    rewritten_marker(path).unlink()
    with pytest.raises(CorruptExportFile):
        scan(export_path, {})


def test_the_deletion_file_holds_user_privacy_api_bodies(tmp_path):
    session = duckdb.connect()
    session.execute(
        "create table deletions as select * from (values"
        " ('user_id', 'usr_1', 'r1', false, ?::timestamp), ('device_id', 'dev_1', 'r1', false, ?::timestamp),"
        " ('device_id', 'dev_1', 'r2', true, ?::timestamp))"
        " as t(id_type, exported_id, request_id, is_already_listed, listed_at)",
        [LOAD_TIME] * 3,
    )
    written = write_deletion_file(session, "deletions", tmp_path, None, "dpo@example.com").to_pylist()
    body = json.loads(open(written[0]["file_path"]).read())
    assert body["deletions"] == [
        {"user_ids": ["usr_1"], "amplitude_ids": [], "requester": "dpo@example.com",
         "ignore_invalid_id": "True", "delete_from_org": "False"}
    ]
    assert body["device_ids"] == ["dev_1"] and body["erasure_requests"] == ["r1"]
    assert write_deletion_file(session, "deletions", tmp_path, LOAD_TIME, "dpo@example.com").num_rows == 0


def test_a_new_runner_restores_a_rewritten_file_with_its_digest(delivered, tmp_path_factory, monkeypatch):
    """The nightly job publishes a rewritten file to the bucket with its digest, and a runner that lost the
    database and its folder restores both, so the ledger adopts the file instead of stopping the build."""
    from moto.server import ThreadedMotoServer

    session, path, export_path = delivered
    session.execute("delete from events where insert_id = 'id1'")
    rewrite_erased_files(session, "files", {"events": "events", "identifies": "identifies"})

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        for name, value in {"AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "testing",
                            "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
            monkeypatch.setenv(name, value)
        spec = importlib.util.spec_from_file_location("nightly", PROJECT_ROOT / "scripts" / "nightly.py")
        nightly = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(nightly)
        nightly.S3Store("s3://amplitude").client.create_bucket(Bucket="amplitude")

        def runner(work):
            return nightly.Settings({"IDENTITY_STATE_URI": str(work / "state"), "IDENTITY_RAW_URI": str(work / "raw"),
                                     "IDENTITY_EXPORT_URI": "s3://amplitude/exports", "IDENTITY_WORK_DIR": str(work)})

        first = runner(tmp_path_factory.mktemp("first_runner"))
        shutil.copytree(export_path / "amplitude", first.work / "exports" / "amplitude")
        nightly.publish(first)

        second = runner(tmp_path_factory.mktemp("new_runner"))
        nightly.restore(second)
        restored = second.export_path / path.relative_to(export_path)
        table, _ = scan(second.export_path, {})
    finally:
        server.stop()
    assert rewritten_marker(restored).read_text() == rewritten_marker(path).read_text()
    assert [row["row_count"] for row in table.to_pylist()] == [2]
