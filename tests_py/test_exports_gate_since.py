"""After the first export the gate judges only the touches written since its last run, plus what that run
left pending. Every candidate must still end up exported or held, never silently skipped:
1. a first build (the gate reads every candidate: nothing was exported yet);
2. a link of Bob's device to another user planted in the exports, then Bob's signup and booth visit: his
   rows are held, and stay held in the next run though his touch is not written again;
3. a new call file run up to the gate only (as if the exports had failed after the gate), then a build:
   the rows the earlier gate passed are appended by the exports all the same;
4. the gate's recorded marker moved past every written touch (a rebuild with the clock set back), then a
   new call file: the gate reads every candidate again;
5. every touch and the gate's marker moved to 2099 (runs with a clock ahead), then a new offline touch: the
   touch written now is marked after 2099 all the same, and the gate reads it.
After each build, every event and identify candidate is in its export relation or held by the gate's last run.
"""

import json

import pytest

from conftest import demo_copy, execute, query, run_dbt
from test_exports_gate import plant_exported_identify
from test_exports_exactly_once import (
    BOB_DEVICE,
    NEW_CALLER_DEVICE,
    add_bob_signup_and_touch,
    add_new_call_file,
    add_second_call_file,
)

# one scenario of many builds (about 2 min of one worker): make test-slow
pytestmark = pytest.mark.slow

GATED = "intermediate.int_amplitude__gated"
CANDIDATES = {
    "events": "intermediate.int_amplitude__event_candidates",
    "identifies": "intermediate.int_amplitude__identify_candidates",
}


def unaccounted(database):
    """Candidates neither exported in their relation nor held by the gate's last run."""
    missing = {}
    for kind, candidates in CANDIDATES.items():
        missing[kind] = query(
            database,
            f"select insert_id from {candidates} "
            f"except select insert_id from export_amplitude__{kind} "
            f"except select insert_id from {GATED} where export_kind = '{kind}' and hold_reason is not null",
        )
    return {kind: rows for kind, rows in missing.items() if rows}


def move_gate_marker(database, marker):
    """Overwrite the marker the gate recorded at its last run."""
    comment = query(database, "select comment from duckdb_tables() where table_name = 'int_amplitude__gated'")[0][0]
    moved = {**json.loads(comment), "resolved_marker": marker}
    execute(database, f"comment on table {GATED} is '{json.dumps(moved)}'")


def gate_read_since(database):
    """Whether the gate's last compiled SQL read only the touches written since a marker."""
    compiled = next((database.parent / "dbt_target" / "compiled").rglob("int_amplitude__gated.sql"))
    return "_resolved_at >" in compiled.read_text()


@pytest.fixture(scope="module")
def steps(tmp_path_factory):
    work = tmp_path_factory.mktemp("gate_since")
    database = work / "gate.duckdb"
    raw, variables = demo_copy(work)
    state = {}

    def build(name):
        run_dbt(["build"], database, **variables)
        state[name] = {"unaccounted": unaccounted(database), "since": gate_read_since(database)}

    build("first")

    plant_exported_identify(database, "planted-identify-0002", "usr_planted", BOB_DEVICE)
    add_bob_signup_and_touch(raw)
    build("held")
    build("held_again")
    state["held"]["bob"] = query(
        database, f"select count(*) from {GATED} where device_id = ? and hold_reason is not null", [BOB_DEVICE]
    )
    state["held_again"]["bob"] = query(
        database, f"select count(*) from {GATED} where device_id = ? and hold_reason is not null", [BOB_DEVICE]
    )

    add_new_call_file(raw)
    run_dbt(["run", "--select", "+int_amplitude__gated"], database, **variables)
    state["gate_only"] = query(database, f"select count(*) from {GATED} where device_id = ?", [NEW_CALLER_DEVICE])
    build("carried")
    state["carried"]["exported"] = query(
        database, "select count(*) from export_amplitude__events where device_id = ?", [NEW_CALLER_DEVICE]
    )

    move_gate_marker(database, "2099-01-01 00:00:00")
    add_second_call_file(raw)
    build("clock_back")
    state["clock_back"]["exported"] = query(
        database, "select count(*) from export_amplitude__events where user_id is null and device_id = ?",
        [NEW_CALLER_DEVICE],
    )

    execute(database, "update intermediate.int_touches_resolved set _resolved_at = timestamp '2099-01-01'")
    move_gate_marker(database, "2099-01-01 00:00:00")
    (raw / "offline" / "touches" / "meetup_2026_badge_scans.csv").write_text(
        "touch_id,source,event_type,occurred_at,email,phone,full_name,properties\n"
        'mu-0001,meetup_2026,Trade Show Visit,2026-07-02T18:00:00Z,erin.cole@fabrikam.io,,Erin Cole,"{}"\n'
    )
    build("clock_ahead")
    state["clock_ahead"]["exported"] = query(
        database, "select count(*) from export_amplitude__events where event_properties->>'touch_source' = 'meetup_2026'"
    )
    return state


def test_every_candidate_is_exported_or_held_after_each_build(steps):
    for name in ["first", "held", "held_again", "carried", "clock_back", "clock_ahead"]:
        assert steps[name]["unaccounted"] == {}, name


def test_after_the_first_export_the_gate_reads_only_what_was_written_since(steps):
    assert steps["first"]["since"] is False
    assert steps["held"]["since"] is True
    assert steps["held_again"]["since"] is True
    assert steps["carried"]["since"] is True


def test_held_rows_stay_held_when_their_touches_are_not_written_again(steps):
    assert steps["held"]["bob"] == [(2,)]
    assert steps["held_again"]["bob"] == [(2,)]


def test_rows_the_gate_passed_but_no_export_appended_are_carried(steps):
    assert steps["gate_only"] == [(1,)]
    assert steps["carried"]["exported"] == [(1,)]


def test_a_marker_past_every_written_touch_makes_the_gate_read_everything(steps):
    assert steps["clock_back"]["since"] is False
    assert steps["clock_back"]["exported"] == [(2,)]


def test_touches_written_after_a_clock_ahead_are_still_marked_later_and_read(steps):
    assert steps["clock_ahead"]["since"] is True
    assert steps["clock_ahead"]["exported"] == [(1,)]
