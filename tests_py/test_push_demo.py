"""The push of the demo's own build: its rows reach Amplitude unchanged, and dbt and the summary read the ledger.

Uses a copy of the session's demo build (database and export folder); the only dbt runs
build export_amplitude__push_rejected.
"""

import os
import shutil
import subprocess
import sys

import pytest

from amplitude_loopback import AmplitudeLoopbackServer, Fault
from amplitude_roundtrip import api_view, load_export_rows
from conftest import PROJECT_ROOT, query, run_dbt

from identity_stitching.push import cli


@pytest.fixture(scope="module")
def pushed(demo_build, tmp_path_factory):
    """The demo copy pushed once, the first identify refused by a 400: (database, exports, server, stderr)."""
    database, exports = demo_build
    work = tmp_path_factory.mktemp("push_demo")
    shutil.copy(database, work / "demo.duckdb")
    shutil.copytree(exports, work / "exports")
    database, exports = work / "demo.duckdb", work / "exports"
    environment = {"DBT_DUCKDB_PATH": str(database), "IDENTITY_EXPORT_PATH": str(exports),
                   "AMPLITUDE_API_KEY": "loopback_test_key"}
    with AmplitudeLoopbackServer() as server:
        server.inject(Fault(invalid_fields={"device_id": [0]}))
        result = subprocess.run(
            [sys.executable, "-m", "identity_stitching.push", "--project-dir", str(PROJECT_ROOT)],
            env={**os.environ, **environment, "AMPLITUDE_SERVER_URL": server.http_v2_url,
                 "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT / "src"), os.environ.get("PYTHONPATH", "")])},
            capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stderr
        yield database, exports, server, result.stderr


def test_every_demo_row_reaches_amplitude_unchanged_or_is_rejected(pushed):
    database, exports, server, stderr = pushed
    rows = {row["insert_id"]: api_view(row) for kind in ("events", "identifies")
            for row in load_export_rows(database, f"export_amplitude__{kind}")}
    (rejected,) = query(database, "select insert_id from amplitude_push.push_ledger where outcome = 'rejected'")
    assert set(server.ingested) == set(rows) - {rejected[0]}
    for insert_id, event in server.ingested.items():
        received = {key: value for key, value in event.items() if key != "library"}
        assert received == rows[insert_id], insert_id
    assert "1 rejected" in stderr


def test_dbt_reads_the_ledger_and_full_refresh_leaves_it(pushed):
    database, exports, server, stderr = pushed
    before = query(database, "select * from amplitude_push.push_ledger order by all")
    run_dbt(["build", "--full-refresh", "--select", "export_amplitude__push_rejected"], database,
            identity__raw_path=PROJECT_ROOT / "demo" / "raw", identity__export_path=exports)
    assert query(database, "select * from amplitude_push.push_ledger order by all") == before
    (row,) = query(database, "select export_kind, reject_reason, response_code, event_type, device_id is not null"
                             " from export_amplitude__push_rejected")
    assert row == ("identifies", "Invalid field values on some events: invalid device_id", 400, "$identify", True)


def test_the_summary_reports_the_push(pushed):
    database, exports, server, stderr = pushed
    environment = {**os.environ, "DBT_DUCKDB_PATH": str(database)}
    plain = subprocess.run([sys.executable, "scripts/summary.py"], cwd=PROJECT_ROOT, env=environment,
                           capture_output=True, text=True, check=True).stdout
    assert "pushed to Amplitude, events: accepted" in plain
    assert "rejected identifies: 1: Invalid field values on some events: invalid device_id" in plain
    markdown = subprocess.run([sys.executable, "scripts/summary.py", "--markdown"], cwd=PROJECT_ROOT,
                              env=environment, capture_output=True, text=True, check=True).stdout
    assert "## Pushed to Amplitude (all pushes)" in markdown
    assert "| identifies | Invalid field values on some events: invalid device_id | 1 |" in markdown


def test_the_ledger_ddl_of_dbt_and_of_the_push_agree(demo_build, tmp_path):
    """dbt's pre-hook (the demo build, before any push) and the push create the same table."""
    import duckdb

    from identity_stitching.push.engine import DuckDBEngine

    by_push = tmp_path / "push.duckdb"
    duckdb.connect(str(by_push)).close()
    engine = DuckDBEngine(by_push)
    engine.ensure_ledger()
    engine.close()
    describe = "select column_name, data_type, is_nullable from information_schema.columns" \
               " where table_schema = 'amplitude_push' and table_name = 'push_ledger' order by ordinal_position"
    by_dbt = demo_build[0]
    assert query(by_dbt, "select count(*) from amplitude_push.push_ledger") == [(0,)], "created empty by dbt"
    assert query(by_dbt, describe) == query(by_push, describe)
    assert len(query(by_push, describe)) == 10
