"""Exactly-once Amplitude exports across runs: reruns, new raw files, --full-refresh, a later
signup, a crashed file writer, and the merge-safety gate holding a device->second-user link."""

import gzip
import hashlib

import duckdb
import pytest

from conftest import copy_demo_build, query, run_dbt

pytestmark = pytest.mark.slow  # eight builds of one database (make test-slow)

KINDS = {"events": "export_amplitude__events", "identifies": "export_amplitude__identifies"}
BOB_DEVICE = hashlib.sha256(b"bob.martins@contoso.io").hexdigest()
NEW_CALLER_DEVICE = hashlib.sha256(b"+13125550777").hexdigest()

CALL_HEADER = (
    "id,sessionId,startTime,duration,type,direction,action,result,"
    "from.phoneNumber,from.name,to.phoneNumber,to.name\n"
)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def add_new_call_file(raw):
    write(
        raw / "ringcentral" / "call_log" / "call_log_2026-06.csv",
        CALL_HEADER
        + "Y9a2B3c4D5e6F1,400123456101,2026-06-02T10:00:00.000Z,240,Voice,Inbound,Phone Call,Accepted,"
        "+13125550777,DANA WHITE,+14155550100,Acme Analytics Sales\n",
    )


def add_bob_signup_and_touch(raw):
    """Bob, a webinar lead, signs up, then visits a booth after signing up."""
    write(
        raw / "app" / "users" / "users_2026-06-01.csv",
        "user_id,email,phone,created_at\nusr_10005,bob.martins@contoso.io,,2026-06-01T09:00:00Z\n",
    )
    write(
        raw / "offline" / "touches" / "roadshow_2026_badge_scans.csv",
        "touch_id,source,event_type,occurred_at,email,phone,full_name,properties\n"
        'rs-0001,roadshow_2026,Trade Show Visit,2026-06-10T11:00:00Z,bob.martins@contoso.io,,Bob Martins,'
        '"{""booth"": ""B3""}"\n',
    )


def add_second_call_file(raw):
    write(
        raw / "ringcentral" / "call_log" / "call_log_2026-07.csv",
        CALL_HEADER
        + "Z1a2B3c4D5e6F1,400123456201,2026-07-01T09:30:00.000Z,60,Voice,Outbound,Phone Call,Call connected,"
        "+14155550100,Acme Analytics Sales,+13125550777,DANA WHITE\n",
    )


def export_rows(database):
    """{kind: {insert_id: full row incl. update_time_column}} of both export relations."""
    rows = {}
    connection = duckdb.connect(str(database), read_only=True)
    try:
        for kind, relation in KINDS.items():
            cursor = connection.execute(f"select * from {relation}")
            names = [column[0] for column in cursor.description]
            rows[kind] = {}
            for values in cursor.fetchall():
                row = dict(zip(names, values))
                assert row["insert_id"] not in rows[kind], f"{relation}: insert_id twice"
                rows[kind][row["insert_id"]] = row
    finally:
        connection.close()
    return rows


def export_files(exports):
    """{relative path: bytes} of every file under the export path (hidden partials included)."""
    return {
        path.relative_to(exports).as_posix(): path.read_bytes()
        for path in sorted(exports.rglob("*"))
        if path.is_file()
    }


def file_rows(content):
    import json

    return [json.loads(line) for line in gzip.decompress(content).decode("utf-8").splitlines() if line]


def assert_untouched(before, after):
    """Every row of `before` is still there, equal on every column."""
    for kind in KINDS:
        changed = [i for i, row in before[kind].items() if after[kind].get(i) != row]
        assert not changed, f"{KINDS[kind]}: {len(changed)} exported row(s) changed or vanished: {changed[:3]}"


def new_files(before, after):
    assert set(before) <= set(after), "a file vanished"
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, f"files rewritten: {changed}"
    return {name: after[name] for name in set(after) - set(before)}


@pytest.fixture(scope="module")
def history(tmp_path_factory, demo_build):
    """One database through a sequence of runs; returns the state after each."""
    work = tmp_path_factory.mktemp("exactly_once")
    # The first run: a copy of the session's build of the demo (conftest.py).
    database, raw, variables = copy_demo_build(demo_build, work)
    exports = variables["identity__export_path"]
    states = {}

    def record(name):
        states[name] = {"rows": export_rows(database), "files": export_files(exports)}

    def run(name, *args):
        run_dbt(["build", *args], database, **variables)
        record(name)

    record("first")
    run("rerun")
    run("full_refresh", "--full-refresh")
    add_new_call_file(raw)
    add_bob_signup_and_touch(raw)
    run("new_files")
    run("rerun_after_new_files")
    # A run that crashes after the table inserts, before the file writer: the writer is skipped.
    add_second_call_file(raw)
    run("crashed", "--exclude", "export_amplitude__files")
    run("recovered")
    # A run that wrote its file and crashed before recording it: forget the last manifest rows.
    connection = duckdb.connect(str(database))
    try:
        connection.execute(
            "delete from export_amplitude__files "
            "where max_update_time = (select max(max_update_time) from export_amplitude__files)"
        )
    finally:
        connection.close()
    run("recorded_again")
    return {"states": states, "raw": raw, "database": database, "exports": exports, "work": work}


def test_first_run_exports_rows_and_one_file_per_relation(history):
    first = history["states"]["first"]
    assert first["rows"]["events"] and first["rows"]["identifies"]
    names = sorted(first["files"])
    assert [name.split("/")[1] for name in names] == ["events", "identifies"], names
    for kind in KINDS:
        (content,) = [c for n, c in first["files"].items() if n.startswith(f"amplitude/{kind}/")]
        assert {row["insert_id"] for row in file_rows(content)} == set(first["rows"][kind])


def test_rerun_changes_no_row_and_writes_no_file(history):
    states = history["states"]
    assert states["rerun"]["rows"] == states["first"]["rows"]
    assert states["rerun"]["files"] == states["first"]["files"]
    assert states["rerun_after_new_files"]["rows"] == states["new_files"]["rows"]
    assert states["rerun_after_new_files"]["files"] == states["new_files"]["files"]


def test_full_refresh_leaves_the_exports_untouched(history):
    states = history["states"]
    assert states["full_refresh"]["rows"] == states["first"]["rows"]
    assert states["full_refresh"]["files"] == states["first"]["files"]


def test_new_raw_files_export_only_their_rows_in_new_files(history):
    before, after = history["states"]["full_refresh"], history["states"]["new_files"]
    assert_untouched(before["rows"], after["rows"])
    added = new_files(before["files"], after["files"])
    for kind in KINDS:
        new_ids = set(after["rows"][kind]) - set(before["rows"][kind])
        assert new_ids, f"no new {kind} row"
        (content,) = [c for n, c in added.items() if n.startswith(f"amplitude/{kind}/")]
        assert {row["insert_id"] for row in file_rows(content)} == new_ids
    devices = {row["device_id"] for i, row in after["rows"]["events"].items() if i not in before["rows"]["events"]}
    assert devices == {NEW_CALLER_DEVICE, BOB_DEVICE}


def test_a_later_signup_links_in_its_run_and_only_new_events_carry_the_user(history):
    before, after = history["states"]["full_refresh"]["rows"], history["states"]["new_files"]["rows"]
    assert not [r for r in before["identifies"].values() if r["device_id"] == BOB_DEVICE]
    (link,) = [r for r in after["identifies"].values() if r["device_id"] == BOB_DEVICE]
    assert link["user_id"] == "usr_10005" and link["event_type"] == "$identify"
    assert link["insert_id"] not in before["identifies"]
    bob_events = [r for r in after["events"].values() if r["device_id"] == BOB_DEVICE]
    old = [r for r in bob_events if r["insert_id"] in before["events"]]
    new = [r for r in bob_events if r["insert_id"] not in before["events"]]
    assert old and all(r["user_id"] is None for r in old), old
    assert [(r["event_type"], r["user_id"]) for r in new] == [("Trade Show Visit", "usr_10005")]


def test_update_time_column_never_decreases(history):
    states = history["states"]
    order = ["first", "new_files", "crashed"]
    for kind in KINDS:
        previous_max = None
        for name in order:
            rows = states[name]["rows"][kind]
            earlier = states[order[order.index(name) - 1]]["rows"][kind] if name != "first" else {}
            fresh = [r["update_time_column"] for i, r in rows.items() if i not in earlier]
            if kind == "events":
                assert fresh, f"{name}: no new {kind} row"
            if not fresh:
                continue
            assert len(set(fresh)) == 1, "one load time per run"
            if previous_max is not None:
                assert min(fresh) > previous_max
            previous_max = max(r["update_time_column"] for r in rows.values())


def test_a_crashed_file_writer_is_caught_up_by_the_next_run(history):
    states = history["states"]
    crashed, recovered = states["crashed"], states["recovered"]
    assert crashed["files"] == states["new_files"]["files"], "the crashed run must not write a file"
    assert recovered["rows"] == crashed["rows"]
    added = new_files(crashed["files"], recovered["files"])
    assert sorted(name.split("/")[1] for name in added) == ["events"]
    crashed_ids = set(crashed["rows"]["events"]) - set(states["new_files"]["rows"]["events"])
    (content,) = added.values()
    assert {row["insert_id"] for row in file_rows(content)} == crashed_ids
    stamp = min(crashed["rows"]["events"][i]["update_time_column"] for i in crashed_ids)
    assert stamp.strftime("%Y%m%dT%H%M%S%fZ") in next(iter(added))


def test_a_file_written_but_not_recorded_is_never_rewritten(history):
    states = history["states"]
    assert states["recorded_again"]["files"] == states["recovered"]["files"]
    assert states["recorded_again"]["rows"] == states["recovered"]["rows"]
    recorded = query(history["database"], "select file_path from export_amplitude__files order by 1")
    assert len(recorded) == len(states["recovered"]["files"])
    assert not [n for n in states["recovered"]["files"] if n.split("/")[-1].startswith(".")], "partial left"


def test_a_fresh_build_gives_the_same_ids(history, tmp_path):
    database = tmp_path / "fresh.duckdb"
    run_dbt(["build"], database, identity__raw_path=history["raw"], identity__export_path=tmp_path / "out")
    fresh = export_rows(database)
    incremental = history["states"]["recorded_again"]["rows"]
    for kind in KINDS:
        assert {(i, r["device_id"], r["time"]) for i, r in fresh[kind].items()} == {
            (i, r["device_id"], r["time"]) for i, r in incremental[kind].items()
        }
    review = query(database, "select count(*) from export_amplitude__review")
    assert review == [(0,)]


def test_reruns_leave_no_work_tables_behind(history):
    """dbt-duckdb leaves `<model>__dbt_tmp<time>` after each incremental Python model run; a post-hook drops them."""
    leftovers = query(
        history["database"],
        "select table_name from duckdb_tables() where table_name like '%\\_\\_dbt\\_tmp%' escape '\\'",
    )
    assert leftovers == []
