"""project_logic_fingerprint() changes with every input that decides a model's rows, and only with those.

The incremental touch chain rebuilds when the fingerprint changes (docs/incremental.md), so a change it
missed would leave old rows computed the old way. Each case renders the fingerprint in a copy of the
project with one thing changed.
"""

import os
import shutil

import pytest

import dbt_process
from conftest import PROJECT_ROOT, dbt_executable

PROJECT_PARTS = [".dbtignore", "dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests", "src", "README.md"]


def copy_project(destination):
    destination.mkdir()
    for part in PROJECT_PARTS:
        source = PROJECT_ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, destination / part)
    return destination


def fingerprint(project, vars_text=None, env=None):
    command = [dbt_executable(), "compile", "--quiet", "--inline", "{{ project_logic_fingerprint() }}"]
    command += ["--target-path", str(project / "target")]
    if vars_text:
        command += ["--vars", vars_text]
    environment = {
        **os.environ,
        "DBT_DUCKDB_PATH": str(project / "fingerprint.duckdb"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **(env or {}),
    }
    result = dbt_process.run(command, project, environment)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    assert len(lines[-1]) == 32, result.stdout
    return lines[-1]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("fingerprint") / "project")
    return project, fingerprint(project)


def edited_copy(tmp_path, relative, edit):
    project = copy_project(tmp_path / "project")
    path = project / relative
    original = path.read_text()
    edited = edit(original)
    assert edited != original, f"the edit of {relative} changed nothing"
    path.write_text(edited)
    return project


def test_the_same_project_gives_the_same_fingerprint(baseline, tmp_path):
    project, expected = baseline
    assert fingerprint(project) == expected
    assert fingerprint(copy_project(tmp_path / "other")) == expected


def test_a_file_that_decides_no_row_leaves_it_alone(baseline, tmp_path):
    project = edited_copy(tmp_path, "README.md", lambda text: text + "\nA note.\n")
    assert fingerprint(project) == baseline[1]


@pytest.mark.parametrize(
    "relative, edit",
    [
        (
            "macros/identifiers/clean_email.sql",
            lambda text: text.replace(
                "{% macro clean_email(expr) -%}", "{% macro clean_email(expr) -%}{#- a changed rule -#}"
            ),
        ),
        ("models/intermediate/identity/int_identifiers.sql", lambda text: text + "\n-- a changed rule\n"),
        ("seeds/reference/role_email_local_parts.csv", lambda text: text + "press\n"),
    ],
    ids=["macro used by an upstream model", "model", "seed"],
)
def test_a_changed_macro_model_or_seed_changes_it(baseline, tmp_path, relative, edit):
    assert fingerprint(edited_copy(tmp_path, relative, edit)) != baseline[1]


def test_a_var_or_the_hash_key_changes_it(baseline):
    project, expected = baseline
    assert fingerprint(project, vars_text="{identity__gmail_canonicalization: true}") != expected
    assert fingerprint(project, env={"IDENTITY_HASH_KEY": "another key"}) != expected
