"""Run one dbt command as its own process, without paying dbt's import every time.

`run(command, cwd, env)` behaves like `subprocess.run(command, cwd=cwd, env=env, capture_output=True,
text=True)` for a dbt command: a fresh process, its exit code, stdout and stderr. The process is a fork
of dbt_fork_server.py (one per pytest worker, started on first use), which imported dbt once: that saves
1.5-3 s of CPU per command. IDENTITY_TEST_DBT_FORK=0 runs the executable instead. With
IDENTITY_TEST_DBT_LOG set to a file, every command appends a line to it (the test, the command, its wall
time): how `make test` counts its dbt runs.
"""

import atexit
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SERVER = Path(__file__).with_name("dbt_fork_server.py")
_server = None


def _start_server():
    global _server
    if _server is None or _server.poll() is not None:
        _server = subprocess.Popen(
            [sys.executable, str(SERVER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        atexit.register(_server.stdin.close)
        ready = _server.stdout.readline()
        if not ready:
            raise RuntimeError("dbt_fork_server.py did not start")
    return _server


def _answer(server, deadline):
    """The server's next JSON line; None when the deadline passes first."""
    wait = None if deadline is None else max(0.0, deadline - time.monotonic())
    if not select.select([server.stdout], [], [], wait)[0]:
        return None
    line = server.stdout.readline()
    if not line:
        raise RuntimeError("dbt_fork_server.py stopped")
    return json.loads(line)


def _forked(command, cwd, env, timeout):
    server = _start_server()
    deadline = None if timeout is None else time.monotonic() + timeout
    with tempfile.TemporaryDirectory(prefix="dbt_output_") as folder:
        out, err = Path(folder) / "stdout", Path(folder) / "stderr"
        request = {"executable": command[0], "args": [str(arg) for arg in command[1:]], "cwd": str(cwd),
                   "env": dict(env), "stdout": str(out), "stderr": str(err)}
        server.stdin.write(json.dumps(request) + "\n")
        server.stdin.flush()
        pid = _answer(server, None)["pid"]
        answer = _answer(server, deadline)
        if answer is None:
            os.kill(pid, signal.SIGKILL)
            _answer(server, None)
            raise subprocess.TimeoutExpired(command, timeout)
        stdout = out.read_text() if out.exists() else ""
        stderr = err.read_text() if err.exists() else ""
    return subprocess.CompletedProcess(command, answer["returncode"], stdout, stderr)


def run(command, cwd, env, timeout=None):
    """dbt `command` (executable first) in `cwd` with exactly `env`: a CompletedProcess with text output."""
    started = time.monotonic()
    if os.environ.get("IDENTITY_TEST_DBT_FORK", "1") == "0":
        result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    else:
        result = _forked(command, cwd, env, timeout)
    log = os.environ.get("IDENTITY_TEST_DBT_LOG")
    if log:
        line = {"test": os.environ.get("PYTEST_CURRENT_TEST", ""), "args": [str(arg) for arg in command[1:4]],
                "seconds": round(time.monotonic() - started, 2), "returncode": result.returncode}
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")
    return result
