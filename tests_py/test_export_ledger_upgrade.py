"""A database built before the gate kept its ledger (the gate was a table of one run's verdicts and read the
export relations for what was exported) is upgraded by its next build: the ledger starts with every exported
row as passed, and nothing already exported is exported again."""

import pytest

from conftest import execute, query, run_dbt
from test_exports_exactly_once import NEW_CALLER_DEVICE, add_new_call_file

GATED = "intermediate.int_amplitude__gated"
OLD_COLUMNS = "export_kind, insert_id, event_type, user_id, device_id, time, event_properties, user_properties, " \
    "person_id, hold_reason"

# the upgrade scenario: builds of a copied demo (make test-slow)
pytestmark = pytest.mark.slow


def exported(database):
    return {
        kind: [row[0] for row in query(database, f"select insert_id from export_amplitude__{kind} order by 1")]
        for kind in ["events", "identifies"]
    }


def test_an_old_gate_table_becomes_the_ledger_and_nothing_is_exported_twice(built_demo_copy):
    database, raw, variables = built_demo_copy
    before = exported(database)
    assert before["events"] and before["identifies"]
    # the gate's table as the release before the ledger left it: the last run's verdicts, no load times
    execute(database, f"create or replace table {GATED} as select {OLD_COLUMNS} from {GATED}")
    add_new_call_file(raw)

    result = run_dbt(["build"], database, **variables)

    assert "upgrading the gate to its ledger" in result.stdout
    after = exported(database)
    for kind in before:
        assert set(before[kind]) <= set(after[kind]), kind
        assert len(after[kind]) == len(set(after[kind])), f"{kind}: an insert_id exported twice"
        passed = [row[0] for row in query(
            database,
            f"select insert_id from {GATED} where export_kind = ? and hold_reason is null order by 1",
            [kind],
        )]
        assert passed == after[kind], kind
    new_events = set(after["events"]) - set(before["events"])
    assert query(
        database,
        "select count(*) from export_amplitude__events where device_id = ? and insert_id in "
        f"({', '.join('?' * len(new_events))})",
        [NEW_CALLER_DEVICE, *new_events],
    ) == [(1,)]


def test_an_upgraded_ledger_is_not_upgraded_again(built_demo_copy):
    database, _, variables = built_demo_copy
    result = run_dbt(["build", "--select", "int_amplitude__gated"], database, **variables)
    assert "upgrading the gate" not in result.stdout
