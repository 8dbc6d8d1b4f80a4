"""Run the project's dbt against a throw-away DuckDB file, for pytest.

``dbt_duckdb`` (session fixture) writes a profiles.yml for the project's
profile into a temp dir, pointing at ``<tmp>/identity_qa.duckdb``; its
``run`` method calls the dbt executable from the project root with that
profiles dir and a temp target/log path, so it never touches the developer's
own database or ``target/``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

import dbt_process

PROJECT_ROOT = Path(__file__).absolute().parent.parent


def find_dbt() -> str:
    """The dbt next to this Python, else .venv/bin/dbt, else PATH."""
    candidates = [
        Path(sys.executable).parent / "dbt",
        PROJECT_ROOT / ".venv" / "bin" / "dbt",
    ]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("dbt")
    if found is None:
        pytest.skip("dbt executable not found")
    return found


@dataclass
class DbtDuckdb:
    dbt: str
    workdir: Path
    database_path: Path

    def run(self, *args: str) -> subprocess.CompletedProcess:
        command = [
            self.dbt,
            *args,
            "--profiles-dir",
            str(self.workdir),
            "--target-path",
            str(self.workdir / "target"),
            "--log-path",
            str(self.workdir / "logs"),
        ]
        result = dbt_process.run(command, PROJECT_ROOT, os.environ, timeout=540)
        if result.returncode != 0:
            raise AssertionError(
                f"dbt {' '.join(args[:2])} failed (rc={result.returncode}):\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}"
            )
        return result

    def compile_inline(self, sql: str, vars_: dict | None = None) -> str:
        args = ["compile", "--quiet", "--output", "json", "--inline", sql]
        if vars_:
            args += ["--vars", json.dumps(vars_)]
        result = self.run(*args)
        return json.loads(result.stdout)["compiled"]


@pytest.fixture(scope="session")
def dbt_duckdb(tmp_path_factory) -> DbtDuckdb:
    project = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text(encoding="utf-8"))
    workdir = tmp_path_factory.mktemp("dbt_duckdb")
    database_path = workdir / "identity_qa.duckdb"
    profiles = {
        project["profile"]: {
            "target": "duckdb",
            "outputs": {
                "duckdb": {
                    "type": "duckdb",
                    "path": str(database_path),
                    "schema": "main",
                    "threads": 1,
                    # the hash scheme and key, as in the project's profiles.yml (docs/hashing.md)
                    "plugins": [{"module": "identity_stitching.duckdb_plugin"}],
                }
            },
        }
    }
    (workdir / "profiles.yml").write_text(yaml.safe_dump(profiles), encoding="utf-8")
    return DbtDuckdb(dbt=find_dbt(), workdir=workdir, database_path=database_path)
