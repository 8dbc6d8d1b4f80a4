"""The project's Amplitude exports, sent through Amplitude's own Python SDK to a loopback server.

Runs after ``dbt build`` (``make test``). Reads:

* the relations ``export_amplitude__events`` and ``export_amplitude__identifies`` from the
  DuckDB file ``$DBT_DUCKDB_PATH`` (default ``target/identity.duckdb``);
* the NDJSON.gz files under ``$IDENTITY_EXPORT_PATH/amplitude/{events,identifies}/``
  (default ``target/exports``).

Relative paths are taken from the project root (the parent of ``tests_py``). The module is
skipped only when the database file does not exist; missing or empty relations or files fail.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from amplitude_loopback import AmplitudeLoopbackServer  # noqa: E402
from amplitude_roundtrip import (  # noqa: E402
    assert_roundtrip,
    diff_values,
    load_export_file_rows,
    load_export_rows,
    relation_columns,
    resolve_relation,
    send_rows,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _project_path(env_name: str, default: str) -> Path:
    path = Path(os.environ.get(env_name) or default)
    return path if path.is_absolute() else PROJECT_ROOT / path


DUCKDB_PATH = _project_path("DBT_DUCKDB_PATH", "target/identity.duckdb")
EXPORT_PATH = _project_path("IDENTITY_EXPORT_PATH", "target/exports")

if not DUCKDB_PATH.exists():
    pytest.skip(
        f"DuckDB file {DUCKDB_PATH} does not exist (run `dbt build` first, or set DBT_DUCKDB_PATH)",
        allow_module_level=True,
    )

EXPORTS = {
    # kind: (relation, export sub-folder)
    "events": ("export_amplitude__events", "amplitude/events"),
    "identifies": ("export_amplitude__identifies", "amplitude/identifies"),
}
EXPECTED_COLUMNS = {
    "insert_id": "VARCHAR",
    "event_type": "VARCHAR",
    "user_id": "VARCHAR",
    "device_id": "VARCHAR",
    "time": "BIGINT",
    "event_properties": "JSON",
    "user_properties": "JSON",
    "update_time_column": "TIMESTAMP",
}
KINDS = sorted(EXPORTS)


class _TableRows(dict):
    """{kind: rows}, each relation read on first use; a missing relation raises LookupError
    in the tests that need it (they fail, never skip)."""

    def __missing__(self, kind: str) -> list:
        rows = load_export_rows(DUCKDB_PATH, EXPORTS[kind][0])
        self[kind] = rows
        return rows


@pytest.fixture(scope="module")
def table_rows():
    return _TableRows()


@pytest.fixture(scope="module")
def loopback():
    with AmplitudeLoopbackServer() as server:
        yield server


@pytest.mark.parametrize("kind", KINDS)
def test_export_relation_has_the_contract_columns(kind):
    relation = EXPORTS[kind][0]
    assert relation_columns(DUCKDB_PATH, relation) == EXPECTED_COLUMNS


@pytest.mark.parametrize("kind", KINDS)
def test_export_relation_is_not_empty(table_rows, kind):
    assert table_rows[kind], f"{EXPORTS[kind][0]} in {DUCKDB_PATH} has no rows"


def test_event_relation_holds_no_identify_rows(table_rows):
    special = sorted({r["event_type"] for r in table_rows["events"] if r.get("event_type", "").startswith("$")})
    assert special == [], f"export_amplitude__events holds special event types {special}"


def test_insert_ids_are_unique_across_both_exports(table_rows):
    """Amplitude deduplicates on insert_id (+ device_id); a shared id would silently drop a row."""
    seen: dict[str, str] = {}
    clashes = []
    for kind in KINDS:
        for row in table_rows[kind]:
            if row.get("insert_id") in seen:
                clashes.append((row.get("insert_id"), seen[row["insert_id"]], kind))
            seen[row.get("insert_id")] = kind
    assert clashes == [], f"{len(clashes)} insert_id(s) used twice, first ones: {clashes[:10]}"


@pytest.mark.parametrize("use_batch", [True, False], ids=["batch", "http_v2"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_export_row_is_accepted_unchanged_by_the_sdk(table_rows, loopback, kind, use_batch):
    rows = table_rows[kind]
    assert rows, f"{EXPORTS[kind][0]} has no rows"
    result = send_rows(rows, kind, server=loopback, use_batch=use_batch)
    assert_roundtrip(rows, result)
    assert len(result.events) == len(rows)


@pytest.mark.parametrize("kind", KINDS)
def test_export_files_equal_the_export_relation(table_rows, kind):
    folder = EXPORT_PATH / EXPORTS[kind][1]
    files = sorted(folder.glob("*.json.gz"))
    assert files, f"no *.json.gz files in {folder} (set IDENTITY_EXPORT_PATH?)"
    raw = load_export_file_rows(folder, drop_nulls=False)
    bad_keys = [
        (r.get("insert_id"), k) for r in raw for k, v in r.items() if v is None or k == "update_time_column"
    ]
    assert bad_keys == [], f"file rows must omit null keys and update_time_column: {bad_keys[:10]}"

    file_by_id: dict = {}
    duplicates = []
    for row in raw:
        if row.get("insert_id") in file_by_id:
            duplicates.append(row.get("insert_id"))
        file_by_id[row.get("insert_id")] = row
    assert duplicates == [], f"insert_ids repeated in the files: {duplicates[:10]}"

    table_by_id = {row["insert_id"]: row for row in table_rows[kind]}
    only_table = sorted(set(table_by_id) - set(file_by_id), key=str)
    only_files = sorted(set(file_by_id) - set(table_by_id), key=str)
    assert not only_table and not only_files, (
        f"{len(only_table)} insert_id(s) only in the relation (e.g. {only_table[:5]}), "
        f"{len(only_files)} only in the files (e.g. {only_files[:5]})"
    )
    mismatches = []
    for insert_id, table_row in table_by_id.items():
        diff = diff_values(table_row, file_by_id[insert_id])
        if diff:
            mismatches.append(f"insert_id={insert_id!r} (expected = relation, received = file):\n" + "\n".join(diff))
    assert not mismatches, f"{len(mismatches)} file row(s) differ from the relation:\n" + "\n".join(mismatches[:10])


@pytest.mark.parametrize("kind", KINDS)
def test_update_time_column_is_never_null(kind):
    import duckdb

    relation = EXPORTS[kind][0]
    con = duckdb.connect(str(DUCKDB_PATH), read_only=True)
    try:
        qualified = resolve_relation(con, relation)
        nulls = con.execute(f"select count(*) from {qualified} where update_time_column is null").fetchone()[0]
    finally:
        con.close()
    assert nulls == 0, f"{relation}: {nulls} row(s) without update_time_column"
