"""Limits tested at, below and above their value.

The name and email limits of int_identifiers are unit tests in
models/intermediate/identity/_int_identity__models.yml; here are the limits
whose rule is not in one model: the earliest event time Amplitude is sent
(a macro the gate and the merge-safety test share) and the round limit of
the connected-components loop (a materialization).
"""

import json
import os
import re
import subprocess

import numpy as np
import pytest

from conftest import PROJECT_ROOT, dbt_executable
from graph_fixtures import build_components, dbt_output, write_edges

MIN_EVENT_TIME_MS = 946684800000  # identity__min_event_time_ms's default


def row_problems(database, times, **variables):
    """amplitude_row_problem of one valid touch event per time, against a built database: {time: problem}."""
    rows = ", ".join(
        f"('events', 'boundary-{index}', 'Inbound Call', cast(null as varchar), 'boundary-device', "
        f"cast({time} as bigint), cast('{{}}' as json), cast(null as json))"
        for index, time in enumerate(times)
    )
    sql = (
        "select r.time, {{ amplitude_row_problem('r') }} as problem from (values " + rows + ") as r("
        "export_kind, insert_id, event_type, user_id, device_id, time, event_properties, user_properties)"
    )
    command = [dbt_executable(), "show", "--quiet", "--output", "json", "--limit", "-1", "--inline", sql,
               "--target-path", str(database.parent / "show_target")]
    if variables:
        command += ["--vars", json.dumps(variables)]
    env = {**os.environ, "DBT_DUCKDB_PATH": str(database), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    return {row["time"]: row["problem"] for row in json.loads(result.stdout)["show"]}


def test_event_time_at_the_minimum_is_exported_one_ms_before_is_held(demo_build):
    database, _ = demo_build
    problems = row_problems(database, [MIN_EVENT_TIME_MS - 1, MIN_EVENT_TIME_MS, MIN_EVENT_TIME_MS + 1])
    assert problems == {
        MIN_EVENT_TIME_MS - 1: f"time is before {MIN_EVENT_TIME_MS} ms",
        MIN_EVENT_TIME_MS: None,
        MIN_EVENT_TIME_MS + 1: None,
    }


def test_event_time_minimum_follows_its_var(demo_build):
    database, _ = demo_build
    minimum = 1767225600000  # 2026-01-01
    problems = row_problems(database, [minimum - 1, minimum], identity__min_event_time_ms=minimum)
    assert problems == {minimum - 1: f"time is before {minimum} ms", minimum: None}


# ---------- the round limit of the connected-components loop

ROUNDS = re.compile(r"connected_components \S+: (\d+) contraction rounds")


@pytest.fixture(scope="module")
def chain_rounds(tmp_path_factory):
    """A 1000-node chain built once with the default limit: (database, work dir, rounds it needs)."""
    work = tmp_path_factory.mktemp("round_limit")
    database = work / "chain.duckdb"
    chain = np.arange(1_000)
    write_edges(database, chain[:-1], chain[1:])
    result = build_components(database, work / "default")
    assert result.returncode == 0, dbt_output(result)
    (rounds,) = ROUNDS.findall(dbt_output(result))
    # enough rounds that the limit falls inside a batch of rounds, not at its start
    assert int(rounds) > 4, rounds
    return database, work, int(rounds)


def test_a_graph_needing_exactly_the_round_limit_builds(chain_rounds):
    database, work, rounds = chain_rounds
    result = build_components(database, work / "at_limit", {"identity__graph_max_rounds": rounds})
    output = dbt_output(result)
    assert result.returncode == 0, output
    assert f": {rounds} contraction rounds" in output, output


def test_a_graph_needing_one_round_more_than_the_limit_fails(chain_rounds):
    database, work, rounds = chain_rounds
    result = build_components(database, work / "below_limit", {"identity__graph_max_rounds": rounds - 1})
    output = dbt_output(result)
    assert result.returncode != 0, output
    assert "max-round guard tripped" in output, output
    assert f"identity__graph_max_rounds = {rounds - 1})" in output, output
