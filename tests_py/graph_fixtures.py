"""Helpers to build the connected_components QA model through dbt.

The tests and the benchmark write an edge table into a throw-away DuckDB
file (passed to dbt through DBT_DUCKDB_PATH), then build
``models/qa/qa_graph_components.sql`` with the QA vars switched on.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

import dbt_process

REPO_ROOT = Path(__file__).resolve().parent.parent
QA_MODEL = "qa_graph_components"
QA_SCHEMA = "qa"
QA_EDGES_TABLE = "qa_graph_edges"
MAX_NODE_ID = 2**31 - 2


def project_dir() -> Path:
    """The dbt project to run: IDENTITY_DBT_PROJECT_DIR or the repo root."""
    return Path(os.environ.get("IDENTITY_DBT_PROJECT_DIR", REPO_ROOT))


def dbt_executable() -> str:
    """dbt installed next to the running interpreter, else the one on PATH."""
    candidate = Path(sys.executable).parent / "dbt"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("dbt")
    if found is None:
        raise RuntimeError("dbt not found next to sys.executable nor on PATH")
    return found


def write_edges(database: Path, node_a, node_b, table: str = QA_EDGES_TABLE):
    """(Re)create ``table`` in the DuckDB file with two BIGINT columns."""
    edges = pa.table(
        {
            "node_a": pa.array(np.asarray(node_a, dtype=np.int64)),
            "node_b": pa.array(np.asarray(node_b, dtype=np.int64)),
        }
    )
    with duckdb.connect(str(database)) as connection:
        connection.register("edges_arrow", edges)
        connection.execute(
            f"create or replace table {table} as "
            "select cast(node_a as bigint) as node_a, "
            "cast(node_b as bigint) as node_b from edges_arrow"
        )


def run_dbt(
    args: list[str],
    database: Path,
    work_dir: Path,
    variables: dict | None = None,
) -> subprocess.CompletedProcess:
    """Run one dbt command against the DuckDB file; never raises on failure."""
    all_vars = {
        "identity__build_qa_models": True,
        "identity__qa_graph_edges_table": QA_EDGES_TABLE,
    }
    all_vars.update(variables or {})
    env = dict(os.environ)
    env["DBT_DUCKDB_PATH"] = str(database)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    command = [
        dbt_executable(),
        *args,
        "--project-dir",
        str(project_dir()),
        "--profiles-dir",
        str(project_dir()),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
        "--vars",
        json.dumps(all_vars),
    ]
    return dbt_process.run(command, project_dir(), env)


def build_components(
    database: Path,
    work_dir: Path,
    variables: dict | None = None,
) -> subprocess.CompletedProcess:
    """Build (run + test) the QA connected-components model."""
    return run_dbt(
        ["build", "--select", QA_MODEL],
        database,
        work_dir,
        variables,
    )


def model_execution_time(work_dir: Path) -> float:
    """The QA model's execution_time from dbt's run_results.json."""
    results = json.loads((work_dir / "target" / "run_results.json").read_text())
    for result in results["results"]:
        if result["unique_id"].endswith("." + QA_MODEL):
            return float(result["execution_time"])
    raise KeyError(f"{QA_MODEL} not in run_results.json")


def read_components(database: Path) -> tuple[np.ndarray, np.ndarray]:
    """(node_id, component_id) arrays of the built QA model."""
    with duckdb.connect(str(database), read_only=True) as connection:
        columns = connection.execute(
            f"select node_id, component_id from {QA_SCHEMA}.{QA_MODEL}"
        ).fetchnumpy()
    return (
        np.asarray(columns["node_id"], dtype=np.int64),
        np.asarray(columns["component_id"], dtype=np.int64),
    )


def leftover_work_tables(database: Path) -> list[str]:
    """Work or dbt temp tables left in the database file (should be none).

    On DuckDB the work tables are TEMPORARY (connection-scoped) and never
    reach the file; this catches regular ones (another engine's path, or
    a regression) and dbt's __dbt_tmp/__dbt_backup relations.
    """
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "select table_name from information_schema.tables "
            "where table_name like '%\\_\\_cc\\_%' escape '\\'"
            " or table_name like '%\\_\\_dbt\\_%' escape '\\'"
        ).fetchall()
    return [row[0] for row in rows]


CLEANUP_LINE = re.compile(
    r"connected_components (?P<relation>\S+): work tables left after "
    r"cleanup: (?P<count>\d+) \[(?P<names>[^\]]*)\]"
)


def temporary_work_tables_left(work_dir: Path) -> list[list[str]]:
    """Per cleanup in dbt's log of work_dir: the temp work tables left.

    Temporary work tables live only on the connection that ran the
    materialization, so no later connection can see them; the
    materialization lists its own work tables still on that connection
    after its cleanup (duckdb__graph_leftover_work_tables) and logs them.
    One entry per cleanup logged (every run, also the ones that fail on
    purpose); each entry should be empty.
    """
    log_text = (work_dir / "logs" / "dbt.log").read_text(errors="replace")
    return [
        [name for name in match.group("names").split(", ") if name]
        for match in CLEANUP_LINE.finditer(log_text)
    ]


def temporary_work_tables_created(work_dir: Path) -> list[str]:
    """Names of the temporary work tables the materialization created."""
    log_text = (work_dir / "logs" / "dbt.log").read_text(errors="replace")
    return re.findall(
        r'create temporary table "temp"\."main"\."([^"]+__cc_[^"]+)"', log_text
    )


def dbt_output(result: subprocess.CompletedProcess) -> str:
    return result.stdout + result.stderr
