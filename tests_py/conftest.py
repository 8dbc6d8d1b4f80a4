"""Shared fixtures: the project root, the dbt executable, and dbt runs in a scratch database."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEMO_RAW = PROJECT_ROOT / "demo" / "raw"


def dbt_executable():
    """The dbt next to this Python (the project's venv), else the one on PATH."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else shutil.which("dbt")


def run_dbt(args, database, check=True, project=PROJECT_ROOT, **variables):
    """Run dbt in the project (or a copy of it) against `database`; returns the CompletedProcess."""
    env = {**os.environ, "DBT_DUCKDB_PATH": str(database), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    command = [dbt_executable(), *args]
    if variables:
        rendered = ", ".join(f"{key}: '{value}'" for key, value in variables.items())
        command += ["--vars", "{" + rendered + "}"]
    # A separate target dir keeps parallel or nested runs from sharing artifacts.
    command += ["--target-path", str(Path(database).parent / "dbt_target")]
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}")
    return result


def query(database, sql, params=None):
    """Rows of a query against a built database, opened read-only and closed at once."""
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return connection.execute(sql, params or []).fetchall()
    finally:
        connection.close()


def execute(database, sql, params=None):
    """Run one statement that writes to a built database (to plant or alter a state), then close it."""
    connection = duckdb.connect(str(database))
    try:
        connection.execute(sql, params or [])
    finally:
        connection.close()


def demo_copy(work):
    """A copy of the demo's raw folder in `work` (work/raw), and the vars that build it into work/exports."""
    raw = work / "raw"
    shutil.copytree(DEMO_RAW, raw)
    return raw, {"identity__raw_path": raw, "identity__export_path": work / "exports"}


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory):
    """The demo pipeline built once into a scratch database: (database, export path)."""
    workdir = tmp_path_factory.mktemp("demo_build")
    database = workdir / "demo.duckdb"
    exports = workdir / "exports"
    run_dbt(["build"], database, identity__raw_path=DEMO_RAW, identity__export_path=exports)
    return database, exports
