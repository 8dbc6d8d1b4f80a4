"""Shared fixtures: the project root, the dbt executable, dbt runs in a scratch database, and the demo built
once per session (demo_build, to read; built_demo_copy and copy_demo_build, to change). CONTRIBUTING.md,
"Tests", says what a dbt command costs and which of these to use."""

import fcntl
import os
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

import dbt_process

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEMO_RAW = PROJECT_ROOT / "demo" / "raw"


def dbt_executable():
    """The dbt next to this Python (the project's venv), else the one on PATH."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else shutil.which("dbt")


def run_dbt(args, database, check=True, project=PROJECT_ROOT, **variables):
    """Run dbt in the project (or a copy of it) against `database`; returns the CompletedProcess.

    Each command is a process of its own (dbt_process.py forks it from one that imported dbt already).
    """
    env = {**os.environ, "DBT_DUCKDB_PATH": str(database), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    command = [dbt_executable(), *args]
    if variables:
        rendered = ", ".join(f"{key}: '{value}'" for key, value in variables.items())
        command += ["--vars", "{" + rendered + "}"]
    # A separate target dir keeps parallel or nested runs from sharing artifacts; the next command on the same
    # database with the same vars finds dbt's saved parse there and parses partially.
    command += ["--target-path", str(Path(database).parent / "dbt_target")]
    result = dbt_process.run(command, project, env)
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


def built_once(tmp_path_factory, name, build):
    """A folder that `build(folder)` fills once per test session, shared by the pytest-xdist workers.

    The first worker to get here builds it under a lock; the others wait, then read the same folder. What is
    built there must only be read (copy it before changing anything: `copy_demo_build`).
    """
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder, done = shared / name, shared / f"{name}.done"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory):
    """The demo pipeline built once into a scratch database: (database, export path). Read it, never change it.

    Its dbt log is in the `demo_build_log` folder; `built_demo_copy` gives a copy to change.
    """
    def build(folder):
        run_dbt(["build", "--log-path", str(folder / "logs")], folder / "demo.duckdb",
                identity__raw_path=DEMO_RAW, identity__export_path=folder / "exports")

    folder = built_once(tmp_path_factory, "demo_build", build)
    return folder / "demo.duckdb", folder / "exports"


@pytest.fixture(scope="session")
def demo_build_log(demo_build):
    """The log folder (dbt.log) of the `demo_build` run."""
    return demo_build[0].parent / "logs"


def copy_demo_build(demo_build, work, name="demo.duckdb"):
    """In `work`: a copy of the demo's raw folder, of the built database (as `name`) and of its export folder.

    The state of a `dbt build` of the demo, at a fraction of its cost: the loaders keep file paths relative to
    the raw folder and the export ledger moves with its folder, so the next build sees no difference. Returns
    (database, raw folder, the vars of demo_copy); keep the file name where compiled SQL must match it.
    """
    raw, variables = demo_copy(work)
    database = work / name
    shutil.copyfile(demo_build[0], database)
    shutil.copytree(demo_build[1], variables["identity__export_path"])
    return database, raw, variables


@pytest.fixture
def built_demo_copy(demo_build, tmp_path):
    """A fresh copy of the built demo for one test to change: (database, raw folder, vars), see copy_demo_build."""
    return copy_demo_build(demo_build, tmp_path)
