"""incremental_unique_guard: a chain model whose run writes a key twice fails and writes nothing.

The chain's touch, evidence and resolved models check their primary key on the rows each run writes, in the
transaction that writes them, instead of a unique test that reads every row on every run. Real input cannot
repeat a key (the models deduplicate), so a copy of the project gets a bug: int_touches_unioned writes one
touch of every append twice. Its rebuild (the changed code) is clean; the next append must fail with the
guard's message, leave the table and its state as they were, fail again on the next run, and skip the models
that read it.
"""

import re
import shutil

import pytest

from conftest import PROJECT_ROOT, copy_demo_build, query, run_dbt

pytestmark = pytest.mark.slow  # four builds, three of a copy of the project (make test-slow)

GUARD_MESSAGE = "written more than once by this run"
# Appended to int_touches_unioned's final CTE: in an append, one touch of the batch again.
BUG = """
{% if scope.mode == 'append' %}
union all
select * from final
where touch_id = (select min(touch_id) from final)
{% endif %}
"""
NEW_TOUCHES = (
    "touch_id,source,event_type,occurred_at,email,phone,full_name,properties\n"
    "gx-0001,guard_expo,Trade Show Visit,2026-06-02T10:00:00Z,quinn.guard@example.org,,Quinn Guard,\"{}\"\n"
)


def copy_with_bug(destination):
    ignore = shutil.ignore_patterns("target", "logs", ".venv*", "runs", ".git", "__pycache__", "dbt_packages")
    shutil.copytree(PROJECT_ROOT, destination, ignore=ignore)
    model = destination / "models/intermediate/touches/int_touches_unioned.sql"
    text = model.read_text()
    assert text.rstrip().endswith("select * from final")
    model.write_text(text.rstrip() + "\n" + BUG)
    return destination


def touches_state(database):
    rows = query(database, "select count(*), count(distinct touch_id) from intermediate.int_touches_unioned")[0]
    comment = query(database, "select comment from duckdb_tables() where table_name = 'int_touches_unioned'")[0][0]
    return rows, comment


@pytest.fixture(scope="module")
def runs(tmp_path_factory, demo_build):
    workdir = tmp_path_factory.mktemp("unique_guard")
    database, raw, settings = copy_demo_build(demo_build, workdir)  # a first build
    buggy = copy_with_bug(workdir / "project")
    state = {}
    state["rebuild"] = run_dbt(["build"], database, check=False, project=buggy, **settings)
    (raw / "offline/touches/guard_expo.csv").write_text(NEW_TOUCHES)
    state["before"] = touches_state(database)
    state["append"] = run_dbt(["build"], database, check=False, project=buggy, **settings)
    state["after_append"] = touches_state(database)
    state["again"] = run_dbt(["build"], database, check=False, project=buggy, **settings)
    state["after_again"] = touches_state(database)
    state["fixed"] = run_dbt(["build"], database, check=False, **settings)
    state["after_fixed"] = touches_state(database)
    return state


def test_a_clean_rebuild_passes_the_guard(runs):
    assert runs["rebuild"].returncode == 0, runs["rebuild"].stdout[-3000:]


def test_an_append_writing_a_key_twice_fails_and_rolls_back(runs):
    result = runs["append"]
    assert result.returncode != 0
    assert "int_touches_unioned" in result.stdout and GUARD_MESSAGE in result.stdout
    # nothing written, the state untouched: the new touch is not there and the table holds no repeated key
    assert runs["after_append"] == runs["before"]
    (rows, distinct), _ = runs["after_append"]
    assert rows == distinct
    # the models that read it did not run on it
    assert re.search(r"SKIP relation \w+\.int_identifiers_unioned", result.stdout)


def test_the_failure_repeats_until_the_bug_is_fixed(runs):
    assert runs["again"].returncode != 0 and GUARD_MESSAGE in runs["again"].stdout
    assert runs["after_again"] == runs["before"]
    # the project's own code (no bug) then writes the new touch once
    assert runs["fixed"].returncode == 0, runs["fixed"].stdout[-3000:]
    (rows, distinct), _ = runs["after_fixed"]
    (rows_before, _), _ = runs["before"]
    assert rows == distinct == rows_before + 1
