"""dbt's `unique` test as the project runs it on DuckDB (macros/project/duckdb__test_unique.sql: hashes
grouped first) reports exactly the repeated values, with their counts, and ignores nulls."""

import json

from conftest import run_dbt


def repeated(tmp_path, values):
    """{value: count} that the unique test reports for a column holding `values`."""
    rows = ", ".join("(null)" if value is None else f"('{value}')" for value in values)
    relation = f"(select * from (values {rows}) as given(x))"
    inline = f"select * from ({{{{ duckdb__test_unique(\"{relation}\", 'x') }}}}) as found"
    result = run_dbt(["show", "--inline", inline, "--output", "json", "--limit", "-1", "--quiet"],
                     tmp_path / "show.duckdb")
    shown = json.loads(result.stdout[result.stdout.index("{"):])["show"]
    return {row["unique_field"]: row["n_records"] for row in shown}


def test_repeated_values_are_reported_with_their_counts(tmp_path):
    values = ["a", "a", "b", None, None, "c", "c", "c", "d" * 64]
    assert repeated(tmp_path, values) == {"a": 2, "c": 3}


def test_distinct_values_pass(tmp_path):
    assert repeated(tmp_path, ["a", "b", None, "c"]) == {}
