"""The project's own rules (CONTRIBUTING.md, "Checks"), checked over a freshly parsed manifest."""

import json
import sys

import pytest

from conftest import PROJECT_ROOT, run_dbt

sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
import check_project  # noqa: E402


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("parse")
    run_dbt(["parse"], workdir / "parse.duckdb")
    return json.loads((workdir / "dbt_target" / "manifest.json").read_text())


@pytest.mark.parametrize("rule", sorted(check_project.RULES))
def test_rule_holds_for_every_model(manifest, rule):
    problems = [item for item in check_project.violations(manifest) if item[0] == rule]
    assert not problems, "\n".join(f"{model}: {problem}" for _, model, problem in problems)


def test_a_model_without_grain_is_caught(manifest):
    model = next(iter(check_project.project_models(manifest)))
    broken = dict(model, description="Some table.")
    assert check_project.check_description(broken)


def test_a_model_over_the_line_limit_is_caught(manifest):
    model = next(iter(check_project.project_models(manifest)))
    limit = check_project.MAX_MODEL_LINES
    assert check_project.check_model_size(dict(model, raw_code="select 1\n" * limit)) is None
    assert check_project.check_model_size(dict(model, raw_code="select 1\n" * (limit + 1)))


def test_a_model_reading_a_relation_by_name_is_caught(manifest):
    model = next(iter(check_project.project_models(manifest)))
    assert check_project.check_reads_only_the_dag(dict(model, raw_code="select * from {{ this }}")) is None
    by_name = "{% set r = adapter.get_relation(database=none, schema='main', identifier='x') %}"
    assert check_project.check_reads_only_the_dag(dict(model, raw_code=by_name))
    assert check_project.check_reads_only_the_dag(dict(model, raw_code="{{ last_build_relation('x') }}"))
    configured = dict(model, raw_code="", config=dict(model["config"], recorded_files_relation="main.x"))
    assert check_project.check_reads_only_the_dag(configured)
