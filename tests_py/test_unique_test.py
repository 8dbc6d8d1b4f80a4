"""The primary-key tests group hashes first, then the values where a hash repeats: dbt's `unique` as the project
runs it on DuckDB (macros/project/duckdb__test_unique.sql) reports exactly the repeated values, with their
counts, and ignores nulls; unique_combination_of_columns (tests/generic) reports exactly the repeated
combinations. at_most_one_value_per_group (tests/generic) reports exactly the groups holding two non-null
values."""

import json

from conftest import run_dbt


def failing_rows(tmp_path, test_call):
    """The rows a generic test's SQL (`test_call`, a Jinja macro call) returns, through `dbt show`."""
    inline = f"select * from ({{{{ {test_call} }}}}) as found"
    result = run_dbt(["show", "--inline", inline, "--output", "json", "--limit", "-1", "--quiet"],
                     tmp_path / "show.duckdb")
    return json.loads(result.stdout[result.stdout.index("{"):])["show"]


def repeated(tmp_path, values):
    """{value: count} that the unique test reports for a column holding `values`."""
    rows = ", ".join("(null)" if value is None else f"('{value}')" for value in values)
    relation = f"(select * from (values {rows}) as given(x))"
    shown = failing_rows(tmp_path, f"duckdb__test_unique(\"{relation}\", 'x')")
    return {row["unique_field"]: row["n_records"] for row in shown}


def test_repeated_values_are_reported_with_their_counts(tmp_path):
    values = ["a", "a", "b", None, None, "c", "c", "c", "d" * 64]
    assert repeated(tmp_path, values) == {"a": 2, "c": 3}


def test_distinct_values_pass(tmp_path):
    assert repeated(tmp_path, ["a", "b", None, "c"]) == {}


def repeated_combinations(tmp_path, rows):
    """{(a, b): count} that unique_combination_of_columns reports for columns a, b holding `rows`."""
    values = ", ".join("(" + ", ".join("null" if v is None else f"'{v}'" for v in row) + ")" for row in rows)
    relation = f"(select * from (values {values}) as given(a, b))"
    shown = failing_rows(tmp_path, f"test_unique_combination_of_columns(\"{relation}\", ['a', 'b'])")
    return {(row["a"], row["b"]): row["occurrences"] for row in shown}


def test_repeated_combinations_are_reported_and_partial_repeats_pass(tmp_path):
    rows = [("r1", "x"), ("r1", "x"), ("r1", "y"), ("r2", "x"), ("r3", None), ("r3", None), ("r4", "z")]
    assert repeated_combinations(tmp_path, rows) == {("r1", "x"): 2, ("r3", None): 2}


def groups_with_two_values(tmp_path, rows):
    """{group: (min, max)} that at_most_one_value_per_group reports for value v per group g holding `rows`."""
    values = ", ".join("(" + ", ".join("null" if v is None else f"'{v}'" for v in row) + ")" for row in rows)
    relation = f"(select * from (values {values}) as given(g, v))"
    shown = failing_rows(tmp_path, f"test_at_most_one_value_per_group(\"{relation}\", 'v', 'g')")
    return {row["group_value"]: (row["min_value"], row["max_value"]) for row in shown}


def test_groups_holding_two_values_are_reported_and_nulls_ignored(tmp_path):
    rows = [("p1", "d1"), ("p1", "d1"), ("p1", None), ("p2", "d1"), ("p2", "d3"), ("p2", "d2"),
            ("p3", None), ("p4", "d4")]
    assert groups_with_two_values(tmp_path, rows) == {"p2": ("d1", "d3")}
