"""The primary-key tests group hashes first, then the values where a hash repeats: dbt's `unique` as the project
runs it on DuckDB (macros/project/duckdb__test_unique.sql) reports exactly the repeated values, with their
counts, and ignores nulls; unique_combination_of_columns (tests/generic) reports exactly the repeated
combinations. at_most_one_value_per_group (tests/generic) reports exactly the groups holding two non-null
values."""

import json

import pytest

from conftest import run_dbt


@pytest.fixture(scope="module")
def show_dir(tmp_path_factory):
    """One scratch folder for the file's `dbt show` calls (they read only their inline values): one database
    and target path, so dbt parses the project once and then partially."""
    return tmp_path_factory.mktemp("show")


def failing_rows(show_dir, test_call):
    """The rows a generic test's SQL (`test_call`, a Jinja macro call) returns, through `dbt show`."""
    inline = f"select * from ({{{{ {test_call} }}}}) as found"
    result = run_dbt(["show", "--inline", inline, "--output", "json", "--limit", "-1", "--quiet"],
                     show_dir / "show.duckdb")
    return json.loads(result.stdout[result.stdout.index("{"):])["show"]


def repeated(show_dir, values):
    """{value: count} that the unique test reports for a column holding `values`."""
    rows = ", ".join("(null)" if value is None else f"('{value}')" for value in values)
    relation = f"(select * from (values {rows}) as given(x))"
    shown = failing_rows(show_dir, f"duckdb__test_unique(\"{relation}\", 'x')")
    return {row["unique_field"]: row["n_records"] for row in shown}


def test_repeated_values_are_reported_with_their_counts(show_dir):
    values = ["a", "a", "b", None, None, "c", "c", "c", "d" * 64]
    assert repeated(show_dir, values) == {"a": 2, "c": 3}


def test_distinct_values_pass(show_dir):
    assert repeated(show_dir, ["a", "b", None, "c"]) == {}


def repeated_combinations(show_dir, rows):
    """{(a, b): count} that unique_combination_of_columns reports for columns a, b holding `rows`."""
    values = ", ".join("(" + ", ".join("null" if v is None else f"'{v}'" for v in row) + ")" for row in rows)
    relation = f"(select * from (values {values}) as given(a, b))"
    shown = failing_rows(show_dir, f"test_unique_combination_of_columns(\"{relation}\", ['a', 'b'])")
    return {(row["a"], row["b"]): row["occurrences"] for row in shown}


def test_repeated_combinations_are_reported_and_partial_repeats_pass(show_dir):
    rows = [("r1", "x"), ("r1", "x"), ("r1", "y"), ("r2", "x"), ("r3", None), ("r3", None), ("r4", "z")]
    assert repeated_combinations(show_dir, rows) == {("r1", "x"): 2, ("r3", None): 2}


def groups_with_two_values(show_dir, rows):
    """{group: (min, max)} that at_most_one_value_per_group reports for value v per group g holding `rows`."""
    values = ", ".join("(" + ", ".join("null" if v is None else f"'{v}'" for v in row) + ")" for row in rows)
    relation = f"(select * from (values {values}) as given(g, v))"
    shown = failing_rows(show_dir, f"test_at_most_one_value_per_group(\"{relation}\", 'v', 'g')")
    return {row["group_value"]: (row["min_value"], row["max_value"]) for row in shown}


def test_groups_holding_two_values_are_reported_and_nulls_ignored(show_dir):
    rows = [("p1", "d1"), ("p1", "d1"), ("p1", None), ("p2", "d1"), ("p2", "d3"), ("p2", "d2"),
            ("p3", None), ("p4", "d4")]
    assert groups_with_two_values(show_dir, rows) == {"p2": ("d1", "d3")}
