"""Runs never overlap: a second dbt build on the same database, or into the same export folder, while one
runs, stops before it opens the database with one line naming the running one (pid, host, start time,
command), and both are left intact. A lock left by a killed run does not block; a database held open by
a process that is not a dbt run stops the build with one line too."""

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from conftest import DEMO_RAW, PROJECT_ROOT, dbt_executable, query
from identity_stitching import run_lock

HOLDER = """
import sys, time
from identity_stitching import run_lock
run_lock.acquire(sys.argv[1], "thing")
print("held", flush=True)
time.sleep(120)
"""


def hold_in_child(path):
    """A child process that holds the lock `path` (until killed)."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT / "src")},
    )
    assert child.stdout.readline().strip() == "held"
    return child


def test_a_held_lock_is_refused_with_its_holder(tmp_path):
    lock = tmp_path / "x.run.lock"
    child = hold_in_child(lock)
    try:
        with pytest.raises(run_lock.RunLockedError) as refused:
            run_lock.acquire(lock, "database x")
        message = str(refused.value)
        assert f"pid {child.pid} on {socket.gethostname()}" in message
        assert "started 20" in message and "command: " in message and "-c" in message
        assert json.loads(lock.read_text())["pid"] == child.pid, "the refused run leaves the holder's lock alone"
    finally:
        child.kill()
        child.wait()


def test_a_lock_left_by_a_killed_run_does_not_block(tmp_path):
    lock = tmp_path / "x.run.lock"
    child = hold_in_child(lock)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert json.loads(lock.read_text())["pid"] == child.pid, "the file stays behind"
    run_lock._HELD.pop(os.path.realpath(lock), None)
    try:
        run_lock.acquire(lock, "database x")
        assert json.loads(lock.read_text())["pid"] == os.getpid()
    finally:
        os.close(run_lock._HELD.pop(os.path.realpath(lock)))


def test_without_flock_the_pid_decides(tmp_path, monkeypatch):
    """On a file system without flock, a lock of this host whose process is gone is taken over."""

    def no_flock(*args):
        raise OSError(errno.ENOLCK, "no locks available")

    monkeypatch.setattr(run_lock.fcntl, "flock", no_flock)
    lock = tmp_path / "x.run.lock"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    holder = {"pid": dead.pid, "host": socket.gethostname(), "started_at": "2026-01-01T00:00:00+00:00",
              "command": "dbt build"}
    lock.write_text(json.dumps(holder))
    try:
        run_lock.acquire(lock, "database x")
        assert json.loads(lock.read_text())["pid"] == os.getpid()
    finally:
        os.close(run_lock._HELD.pop(os.path.realpath(lock)))
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock.write_text(json.dumps({**holder, "pid": alive.pid}))
        with pytest.raises(run_lock.RunLockedError, match=f"pid {alive.pid} on"):
            run_lock.acquire(lock, "database x")
    finally:
        alive.kill()
        alive.wait()


@pytest.mark.parametrize(
    "command, select, expected",
    [
        ("build", None, True),
        ("run", None, True),
        ("build", ("stg_zoom__webinar_attendees+",), True),  # its descendants include the exports
        ("build", ("tag:nightly",), True),
        ("run", ("export_amplitude__files",), True),
        ("build", ("qa_graph_components",), False),
        ("run", ("+stg_identifiers__phones_e164",), False),
        ("run", ("base_app__user_rows", "base_offline__touch_rows"), False),
        ("test", None, False),
        ("source", None, False),
    ],
)
def test_the_export_folder_is_locked_by_the_commands_that_can_export(command, select, expected):
    assert run_lock.may_export(command, select) is expected


def start_build(database, exports, target):
    env = {**os.environ, "DBT_DUCKDB_PATH": str(database), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    command = [
        dbt_executable(), "build",
        "--vars", json.dumps({"identity__raw_path": str(DEMO_RAW), "identity__export_path": str(exports)}),
        "--target-path", str(target), "--log-path", str(target / "logs"),
    ]
    return subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def wait_for_holder(lock, pid, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lock.exists() and f'"pid": {pid}' in lock.read_text():
            return
        time.sleep(0.2)
    raise AssertionError(f"{lock} never named pid {pid}")


def export_files(exports):
    return sorted(p.relative_to(exports).as_posix() for p in exports.rglob("*.json.gz"))


@pytest.mark.slow  # two whole builds of the demo, one held mid-run
def test_a_second_build_stops_at_once_naming_the_running_one(tmp_path):
    database, exports = tmp_path / "one.duckdb", tmp_path / "exports"
    first = start_build(database, exports, tmp_path / "target_first")
    try:
        wait_for_holder(tmp_path / "one.duckdb.run.lock", first.pid)
        os.kill(first.pid, signal.SIGSTOP)  # the first run is mid-way, holding both locks
        refusals = {}
        for name, other_database in [("same database", database), ("same export folder", tmp_path / "two.duckdb")]:
            target = tmp_path / f"target_{name.replace(' ', '_')}"
            started = time.monotonic()
            second = start_build(other_database, exports, target)
            output, _ = second.communicate(timeout=600)
            refusals[name] = (second.returncode, output, time.monotonic() - started)
    finally:
        os.kill(first.pid, signal.SIGCONT)
    output_first, _ = first.communicate(timeout=900)
    assert first.returncode == 0, output_first[-3000:]

    for name, (returncode, output, _seconds) in refusals.items():
        assert returncode != 0, f"{name}: the second build ran"
        assert f"pid {first.pid} on {socket.gethostname()}" in output, output[-3000:]
        assert "command: dbt build" in output and "started 20" in output
        assert "Traceback" not in output, f"{name}: a stack trace instead of one message\n{output[-3000:]}"
        assert " START " not in output, f"{name}: a model ran"
    assert "Another run is using the database" in refusals["same database"][1]
    assert "Another run is using the export folder" in refusals["same export folder"][1]
    assert not (tmp_path / "two.duckdb").exists(), "the refused run created its database"

    # both intact: the first run exported once, and a rerun exports nothing more
    files = export_files(exports)
    assert [name.split("/")[1] for name in files] == ["events", "identifies"], files
    events = query(database, "select count(*), count(distinct insert_id) from export_amplitude__events")
    assert events[0][0] == events[0][1] > 0


def test_a_database_open_in_another_program_stops_the_build_with_one_line(tmp_path):
    database = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         f"import duckdb, time; c = duckdb.connect({str(database)!r}); print('open', flush=True); time.sleep(120)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        build = start_build(database, tmp_path / "exports", tmp_path / "target")
        output, _ = build.communicate(timeout=600)
    finally:
        holder.kill()
        holder.wait()
    assert build.returncode != 0
    assert "is open in another process that is not a dbt run of this project" in output, output[-3000:]
    assert f"PID {holder.pid}" in output
    assert "Traceback" not in output, output[-3000:]
