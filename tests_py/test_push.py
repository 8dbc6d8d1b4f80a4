"""`python -m identity_stitching.push` against the loopback Amplitude server, through the SDK, with faults.

Each test pushes generated export relations (the contract's columns, thousands of rows in a
fresh DuckDB file: no dbt build) and checks what the server ingested against the ledger:
every row accepted exactly once, none lost, the ledger equal to what the server holds.
test_push_demo.py pushes the demo's own build; the kill tests run the push as a real process.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from amplitude_loopback import AmplitudeLoopbackServer, Fault
from conftest import PROJECT_ROOT, query

from identity_stitching.push import acks, cli

IDENTIFY_PROPERTIES = '{"$setOnce":{"first_offline_touch_type":"Webinar Attended"},"$set":{"has_offline_touches":true}}'


def make_exports(database, events=1000, identifies=100, bad_device_ids=(), property_bytes=0):
    """Export relations as dbt builds them (contract columns) with generated rows; returns their insert_ids.

    `bad_device_ids`: event numbers whose device_id Amplitude refuses ('undefined')."""
    connection = duckdb.connect(str(database))
    bad = ", ".join(str(number) for number in bad_device_ids) or "-1"
    padding = f"'{'x' * property_bytes}'" if property_bytes else "''"
    connection.execute(
        f"""
        create table export_amplitude__events as
        select md5('event' || i) as insert_id, 'Webinar Attended' as event_type, cast(null as varchar) as user_id,
            case when i in ({bad}) then 'undefined' else md5('device' || (i % 997)) end as device_id,
            cast(1774000000000 + i * 1000 as bigint) as time,
            cast(json_object('webinar', 'w' || (i % 7), 'minutes', i % 90, 'pad', {padding}) as json)
                as event_properties,
            cast(null as json) as user_properties, timestamp '2026-12-01 03:17:00' as update_time_column
        from range({events}) as numbers(i)
        """
    )
    connection.execute(
        f"""
        create table export_amplitude__identifies as
        select md5('identify' || i) as insert_id, '$identify' as event_type, 'user_' || (100000 + i) as user_id,
            md5('device' || i) as device_id, cast(1775000000000 + i as bigint) as time,
            cast(null as json) as event_properties, cast('{IDENTIFY_PROPERTIES}' as json) as user_properties,
            timestamp '2026-12-01 03:17:00' as update_time_column
        from range({identifies}) as numbers(i)
        """
    )
    ids = {
        kind: {row[0] for row in connection.execute(f"select insert_id from export_amplitude__{kind}").fetchall()}
        for kind in ("events", "identifies")
    }
    connection.close()
    return ids


def ledger(database, *columns):
    """{(kind, insert_id): (outcome, ...columns)} of the push's ledger."""
    extra = "".join(f", {column}" for column in columns)
    return {
        (kind, insert_id): tuple(rest)
        for kind, insert_id, *rest in query(
            database, f"select export_kind, insert_id, outcome{extra} from amplitude_push.push_ledger"
        )
    }


def accepted(database):
    return {insert_id for (_, insert_id), (outcome,) in ledger(database).items() if outcome == "accepted"}


@pytest.fixture
def server():
    with AmplitudeLoopbackServer() as running:
        yield running


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A database path and export folder for one test, and the push's settings pointing at them."""
    database = tmp_path / "push.duckdb"
    monkeypatch.setenv("DBT_DUCKDB_PATH", str(database))
    monkeypatch.setenv("IDENTITY_EXPORT_PATH", str(tmp_path / "exports"))
    monkeypatch.setenv("AMPLITUDE_API_KEY", "loopback_test_key")
    monkeypatch.delenv("DBT_TARGET", raising=False)
    monkeypatch.delenv("AMPLITUDE_SERVER_ZONE", raising=False)
    previous = signal.getsignal(signal.SIGTERM)
    yield tmp_path, database
    signal.signal(signal.SIGTERM, previous)


FAST = ["--timeout", "3", "--first-wait", "0.01", "--max-wait", "0.05", "--retry-budget", "5"]


def push(server, *arguments, url=None):
    """The push in this process (the SDK, the ledger and the locks as in production); its exit code."""
    os.environ["AMPLITUDE_SERVER_URL"] = url or server.http_v2_url
    return cli.main(["--project-dir", str(PROJECT_ROOT), *FAST, *arguments])


def use_database(database):
    """Push another database, with its own export folder (a folder is the ledger of one database)."""
    os.environ["DBT_DUCKDB_PATH"] = str(database)
    os.environ["IDENTITY_EXPORT_PATH"] = str(database.with_suffix(".exports"))


def assert_exactly_once(server, database, ids):
    """Every row accepted once by the server, none lost, and the ledger equal to what the server holds."""
    every = ids["events"] | ids["identifies"]
    assert set(server.ingested) == every, (len(set(server.ingested)), len(every))
    assert accepted(database) == set(server.ingested)


# ---------- the happy path


def test_push_sends_each_row_once_identifies_first_and_a_second_push_sends_nothing(work, server, capsys):
    tmp_path, database = work
    ids = make_exports(database, events=2500, identifies=300)
    assert push(server) == 0
    assert_exactly_once(server, database, ids)
    assert server.duplicates == 0
    # one request per batch of at most 1,000 rows, the identifies first
    assert [r.n_events for r in server.requests] == [300, 1000, 1000, 500]
    first_event_request = min(i for i, r in enumerate(server.requests) if set(r.insert_ids) & ids["events"])
    assert all(set(r.insert_ids) <= ids["identifies"] for r in server.requests[:first_event_request])
    sent = server.ingested[next(iter(ids["identifies"]))]
    assert sent["user_properties"] == {"$setOnce": {"first_offline_touch_type": "Webinar Attended"},
                                       "$set": {"has_offline_touches": True}}
    assert sent["library"].startswith("amplitude-python/")
    assert {attempts for _, attempts in ledger(database, "attempts").values()} == {1}
    requests = len(server.requests)
    assert push(server) == 0
    assert len(server.requests) == requests, "a row accepted once is never sent again"
    assert "0 rows to send" in capsys.readouterr().err


def test_the_batch_api_and_the_eu_zone_setting(work, server, monkeypatch):
    tmp_path, database = work
    ids = make_exports(database, events=300, identifies=10)
    monkeypatch.setenv("AMPLITUDE_SERVER_ZONE", "EU")  # the URL override wins; the zone is checked
    assert push(server, "--api", "batch", "--batch-size", "2000", url=server.batch_url) == 0
    assert {r.path for r in server.requests} == {"/batch"}
    assert_exactly_once(server, database, ids)
    monkeypatch.setenv("AMPLITUDE_SERVER_ZONE", "Mars")
    assert push(server) == 2


def test_dry_run_sends_and_records_nothing(work, server, capsys):
    tmp_path, database = work
    make_exports(database, events=50, identifies=5)
    os.environ.pop("AMPLITUDE_API_KEY")
    assert push(server, "--dry-run") == 0
    out = capsys.readouterr().out
    assert "events: 50 rows not answered yet, about 1 request(s)" in out and "identifies: 5 rows" in out
    assert server.requests == []
    assert query(database, "select count(*) from duckdb_tables() where schema_name = 'amplitude_push'") == [(0,)]


def test_no_api_key_refuses_to_start(work, server):
    tmp_path, database = work
    make_exports(database, events=5, identifies=1)
    os.environ.pop("AMPLITUDE_API_KEY")
    assert push(server) == 2
    assert server.requests == []


# ---------- faults


def test_429_waits_the_retry_after_then_sends_the_same_rows(work, server):
    tmp_path, database = work
    ids = make_exports(database, events=200, identifies=0)
    server.inject(Fault(status=429, retry_after="0.4"))
    assert push(server) == 0
    throttled, retried = server.requests[0], server.requests[1]
    assert throttled.status == 429 and retried.status == 200
    assert retried.insert_ids == throttled.insert_ids
    assert retried.received_at - throttled.received_at >= 0.4, "Retry-After respected"
    assert_exactly_once(server, database, ids)
    assert {attempts for _, attempts in ledger(database, "attempts").values()} == {2}


def test_500s_back_off_and_a_bounded_retry_budget_stops_the_push(work, server, capsys):
    tmp_path, database = work
    ids = make_exports(database, events=100, identifies=0)
    server.inject(Fault(status=500), Fault(status=503))
    assert push(server) == 0
    assert [r.status for r in server.requests] == [500, 503, 200]
    assert_exactly_once(server, database, ids)

    server.reset()
    more = make_more_events(database, 100)
    server.inject(*[Fault(status=502)] * 1000)
    started = time.monotonic()
    assert push(server, "--retry-budget", "0.5") == 1, "Amplitude kept failing: rows left for the next push"
    assert time.monotonic() - started < 5
    assert "still unanswered" in capsys.readouterr().err
    rows = ledger(database, "attempts")
    assert all(rows[("events", i)][0] is None and rows[("events", i)][1] >= 2 for i in more), "sent, no answer"
    server.faults.clear()
    assert push(server) == 0
    assert set(server.ingested) == more and accepted(database) == ids["events"] | more


def make_more_events(database, count):
    """Append `count` new rows to the events relation (a later build); their insert_ids."""
    connection = duckdb.connect(str(database))
    connection.execute(
        f"insert into export_amplitude__events select md5('more' || i), 'Webinar Attended', null, md5('device' || i),"
        f" 1774000000000 + i, cast('{{}}' as json), null, timestamp '2026-12-02 03:17:00' from range({count}) as t(i)"
    )
    connection.close()
    return {f"{row[0]}" for row in query(database, f"select md5('more' || i) from range({count}) as t(i)")}


def test_a_timeout_after_the_server_ingested_sends_again_with_the_same_insert_ids(work, server):
    tmp_path, database = work
    ids = make_exports(database, events=150, identifies=0)
    server.inject(Fault(delay=1.5, ingest=True))  # ingested, answered after the client's 0.5 s timeout
    assert push(server, "--timeout", "0.5") == 0
    assert server.duplicates == 150, "sent twice with the same insert_ids: Amplitude drops the repeats"
    assert_exactly_once(server, database, ids)
    assert {attempts for _, attempts in ledger(database, "attempts").values()} == {2}


def test_a_400_naming_two_events_rejects_them_and_sends_the_rest(work, server, capsys):
    tmp_path, database = work
    ids = make_exports(database, events=500, identifies=0, bad_device_ids=(17, 342))
    assert push(server) == 0
    bad = {row[0] for row in query(
        database, "select insert_id from export_amplitude__events where device_id = 'undefined'"
    )}
    assert len(bad) == 2
    assert set(server.ingested) == ids["events"] - bad
    rows = ledger(database, "response_code", "reject_reason")
    assert {rows[("events", i)] for i in bad} == {
        ("rejected", 400, "Invalid field values on some events: invalid device_id")
    }
    assert accepted(database) == ids["events"] - bad
    assert "rejected 2: Invalid field values on some events: invalid device_id" in capsys.readouterr().err
    requests = len(server.requests)
    assert push(server) == 0
    assert len(server.requests) == requests, "a rejected row is not sent again"


def test_a_413_splits_the_batch_and_a_lone_event_too_large_is_rejected(work, server):
    tmp_path, database = work
    ids = make_exports(database, events=1000, identifies=0)
    server.inject(Fault(status=413))
    assert push(server) == 0
    assert [r.n_events for r in server.requests] == [1000, 500, 500]
    assert_exactly_once(server, database, ids)

    # a real one: rows of about 1.1 KB, 1,000 per request would pass 1 MB; the push cuts by size first
    server.reset()
    big = tmp_path / "big.duckdb"
    big_ids = make_exports(big, events=2000, identifies=0, property_bytes=1100)
    use_database(big)
    assert push(server) == 0
    assert all(r.status == 200 and r.n_bytes < 1_000_000 for r in server.requests)
    assert_exactly_once(server, big, big_ids)

    server.reset()
    lone = tmp_path / "lone.duckdb"
    make_exports(lone, events=1, identifies=0)
    use_database(lone)
    server.inject(Fault(status=413))
    assert push(server) == 0
    assert [outcome for outcome, _ in ledger(lone, "response_code").values()] == ["rejected"]


def test_a_network_error_mid_push_leaves_the_ledger_true(work, server):
    tmp_path, database = work
    ids = make_exports(database, events=3000, identifies=0)
    # the connection drops on the second request: refused from then on
    stopped = {}

    def stop_after_first():
        while len(server.requests) < 1:
            time.sleep(0.005)
        stopped["url"] = server.http_v2_url
        server.stop()

    import threading

    server.delay = 0.2
    thread = threading.Thread(target=stop_after_first)
    thread.start()
    assert push(server, "--retry-budget", "0.3", "--timeout", "0.5") == 1
    thread.join()
    rows = ledger(database, "attempts")
    answered = {i for (_, i), (outcome, _) in rows.items() if outcome == "accepted"}
    assert answered <= set(server.ingested)
    unanswered = {i for (_, i), (outcome, _) in rows.items() if outcome is None}
    assert unanswered and not answered & unanswered
    with AmplitudeLoopbackServer() as second:
        assert push(second, url=second.http_v2_url) == 0
        delivered = set(server.ingested) | set(second.ingested)
        assert delivered == ids["events"] and accepted(database) == ids["events"]


# ---------- state loss: the acknowledgement files


def test_a_lost_ledger_is_rebuilt_from_the_acknowledgement_files(work, server, capsys):
    tmp_path, database = work
    ids = make_exports(database, events=400, identifies=40, bad_device_ids=(3,))
    assert push(server) == 0
    files = sorted(acks.folder(tmp_path / "exports").glob("acks_*.ndjson.gz"))
    assert len(files) == 1
    before = ledger(database, "reject_reason")
    # the database restored from before the push (or lost): the ledger is gone
    connection = duckdb.connect(str(database))
    connection.execute("drop schema amplitude_push cascade")
    connection.close()
    requests = len(server.requests)
    assert push(server) == 0
    assert len(server.requests) == requests, "nothing accepted or rejected is sent again"
    assert "adopted 440 answers from 1 acknowledgement file(s)" in capsys.readouterr().err
    assert ledger(database, "reject_reason") == before
    assert {adopted for _, adopted in ledger(database, "is_adopted").values()} == {True}


def test_a_cut_acknowledgement_file_keeps_its_whole_batches(tmp_path):
    import datetime as dt

    writer = acks.AckWriter(tmp_path, dt.datetime(2026, 12, 5, 3, 17))
    at = dt.datetime(2026, 12, 5, 3, 18)
    writer.write("events", [("a", "accepted", 200, None, at), ("b", "accepted", 200, None, at)])
    writer.write("events", [("c", "rejected", 400, "why", at)])
    writer.close()
    data = writer.path.read_bytes()
    writer.path.write_bytes(data[:-5])  # a push killed while writing its last batch
    whole = [("a", "accepted", 200, None, at), ("b", "accepted", 200, None, at)]
    assert acks.read_file(writer.path) == {"events": whole}


# ---------- a real process: killed, interrupted, or a second one


def start_push(database, exports, url, *arguments):
    env = {**os.environ, "DBT_DUCKDB_PATH": str(database), "IDENTITY_EXPORT_PATH": str(exports),
           "AMPLITUDE_API_KEY": "loopback_test_key", "AMPLITUDE_SERVER_URL": url,
           "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        [sys.executable, "-m", "identity_stitching.push", "--project-dir", str(PROJECT_ROOT), *FAST, *arguments],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT])  # a kill, Ctrl-C (SIGTERM is handled as Ctrl-C)
def test_a_push_stopped_at_a_random_point_resumes_exactly_once(tmp_path, stop):
    import random

    database = tmp_path / "push.duckdb"
    ids = make_exports(database, events=6000, identifies=200)
    every = ids["events"] | ids["identifies"]
    with AmplitudeLoopbackServer() as server:
        server.delay = 0.04  # 62 requests of 100 rows: a push of about 4 s
        running = start_push(database, tmp_path / "exports", server.http_v2_url, "--batch-size", "100")
        while not server.requests:
            time.sleep(0.01)
        second = start_push(database, tmp_path / "exports", server.http_v2_url)
        out, err = second.communicate(timeout=60)
        assert second.returncode == 2 and "Another run is using the database" in err, err
        # a random point: after a random number of requests, a random fraction of a request later
        stop_after = random.randint(len(server.requests) + 1, 55)
        while len(server.requests) < stop_after and running.poll() is None:
            time.sleep(0.005)
        time.sleep(random.uniform(0, 0.04))
        running.send_signal(stop)
        out, err = running.communicate(timeout=60)
        assert running.returncode != 0, err
        if stop != signal.SIGKILL:
            assert "interrupted" in err
        halfway = set(server.ingested)
        assert halfway and halfway != every, "stopped halfway"
        rows = ledger(database)
        assert accepted(database) <= halfway, "the ledger never claims more than the server holds"
        unanswered = {i for (_, i), (outcome,) in rows.items() if outcome is None}
        assert len(halfway - accepted(database)) <= 100, "at most the batch in flight was ingested unrecorded"
        assert (halfway - accepted(database)) <= unanswered

        resumed = start_push(database, tmp_path / "exports", server.http_v2_url, "--batch-size", "100")
        out, err = resumed.communicate(timeout=120)
        assert resumed.returncode == 0, err
        assert set(server.ingested) == every
        assert accepted(database) == every
        resent = [i for r in server.requests if r.status == 200 for i in r.insert_ids if i in halfway]
        assert len(resent) - len(halfway) == server.duplicates <= 100


def test_throughput_to_the_loopback_server(work, server, capsys):
    """The measured figure of docs/push.md: rows per second, HTTP V2, 1,000 rows a request.

    PUSH_BENCH_ROWS sets the rows (default 20,000)."""
    tmp_path, database = work
    rows = int(os.environ.get("PUSH_BENCH_ROWS", "20000"))
    ids = make_exports(database, events=rows, identifies=0)
    started = time.monotonic()
    assert push(server) == 0
    seconds = time.monotonic() - started
    assert_exactly_once(server, database, ids)
    with capsys.disabled():
        print(f"\npushed {rows:,} rows in {seconds:.2f} s: {rows / seconds:,.0f} rows/s "
              f"({len(server.requests)} requests)")


def test_the_nightly_push_step_runs_only_with_an_api_key(tmp_path, server):
    """scripts/nightly.py push, with folder stores: skipped without the secret, else a push into the export folder."""
    work = tmp_path / "nightly"
    work.mkdir()
    ids = make_exports(work / "identity.duckdb", events=120, identifies=12)
    env = {**os.environ, "IDENTITY_STATE_URI": str(tmp_path / "state"), "IDENTITY_EXPORT_URI": str(tmp_path / "out"),
           "IDENTITY_RAW_URI": str(tmp_path / "raw"), "IDENTITY_WORK_DIR": str(work),
           "AMPLITUDE_SERVER_URL": server.http_v2_url, "AMPLITUDE_API_KEY": ""}
    step = [sys.executable, str(PROJECT_ROOT / "scripts" / "nightly.py"), "push"]
    skipped = subprocess.run(step, env=env, capture_output=True, text=True, timeout=60)
    assert skipped.returncode == 0 and "AMPLITUDE_API_KEY is not set" in skipped.stdout
    assert server.requests == []
    env["AMPLITUDE_API_KEY"] = "loopback_test_key"
    pushed = subprocess.run(step, env=env, capture_output=True, text=True, timeout=60)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert set(server.ingested) == ids["events"] | ids["identifies"]
    assert len(list(acks.folder(tmp_path / "out").glob("acks_*.ndjson.gz"))) == 1


def test_a_row_the_sdk_refuses_is_rejected_with_its_reason(work, server):
    tmp_path, database = work
    ids = make_exports(database, events=20, identifies=0)
    (nameless,) = query(database, "select min(insert_id) from export_amplitude__events")[0]
    connection = duckdb.connect(str(database))
    connection.execute("update export_amplitude__events set device_id = null where insert_id = ?", [nameless])
    connection.close()
    assert push(server) == 0
    assert set(server.ingested) == ids["events"] - {nameless}
    outcome, code, reason = ledger(database, "response_code", "reject_reason")[("events", nameless)]
    assert (outcome, code) == ("rejected", None) and reason.startswith("refused by the Python SDK")


def test_a_database_without_the_export_relations_refuses_to_start(work, server, capsys):
    tmp_path, database = work
    duckdb.connect(str(database)).close()
    assert push(server) == 2
    assert "run dbt build first" in capsys.readouterr().err
    assert server.requests == []


def test_the_endpoint_follows_the_zone_and_the_api_unless_overridden():
    from identity_stitching.push.sdk import Sender

    expected = {
        ("EU", False): "https://api.eu.amplitude.com/2/httpapi",
        ("EU", True): "https://api.eu.amplitude.com/batch",
        ("US", False): "https://api2.amplitude.com/2/httpapi",
        ("US", True): "https://api2.amplitude.com/batch",
    }
    for (zone, use_batch), url in expected.items():
        sender = Sender("key", use_batch=use_batch, server_zone=zone)
        assert sender.url == url
        sender.close()
    sender = Sender("key", server_zone="EU", server_url="http://proxy.internal/2/httpapi")
    assert sender.url == "http://proxy.internal/2/httpapi"
    sender.close()


def test_progress_is_a_bar_on_a_terminal_and_lines_elsewhere(capsys):
    bar = cli.Progress(10, "bar")
    bar(4)
    bar(6)
    bar.close()
    lines = cli.Progress(10, "lines")
    lines(10)
    lines.close()
    err = capsys.readouterr().err
    assert "10/10" in err, "tqdm's bar"
    import re

    assert re.search(r"push: 10 of 10 rows answered, [\d,]+ rows/s\s*$", err), "a plain line at the end"
