"""A dbt launcher that pays dbt's import once: each request is a fork of a process that has already imported dbt.

Started by `dbt_process.run` (one per pytest worker), it reads one JSON request a line on stdin
({args, cwd, env, stdout, stderr}), forks, and the child runs dbt's command line exactly as the `dbt`
executable would, in the request's working directory and environment, its output going to the two files.
The server answers {"pid"} at once, then {"returncode"} when the child ends. It forks from one thread and
before any DuckDB connection exists, so every child starts clean; EOF on stdin stops it.
"""

import atexit
import json
import logging
import os
import sys
import traceback

# Imported here, once: dbt's command line and its DuckDB adapter (the bulk of a dbt start).
from dbt.cli.main import cli
import dbt.adapters.duckdb  # noqa: F401
import dbt.adapters.duckdb.impl  # noqa: F401
import dbt.task.build  # noqa: F401


def run_child(request):
    """In the forked child: become the `dbt` process of the request, then exit with its code."""
    code = 1
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        stdin = os.open(os.devnull, os.O_RDONLY)
        stdout = os.open(request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        stderr = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        for source, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
            os.dup2(source, target)
            os.close(source)
        sys.argv = [request["executable"], *request["args"]]
        sys.path[0] = os.path.dirname(request["executable"])  # as the `dbt` script's own folder
        try:
            cli.main(args=request["args"], prog_name="dbt")
            code = 0
        except SystemExit as done:
            if done.code is None or isinstance(done.code, int):
                code = done.code or 0
            else:
                print(done.code, file=sys.stderr)
    except BaseException:  # noqa: BLE001 - the child reports every failure as a dbt crash would
        traceback.print_exc()
    finally:
        # A normal interpreter exit, without unwinding into the server's loop.
        try:
            atexit._run_exitfuncs()
            logging.shutdown()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def serve():
    answers = sys.stdout
    answers.write(json.dumps({"ready": True}) + "\n")
    answers.flush()
    for line in sys.stdin:
        request = json.loads(line)
        answers.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            run_child(request)
        answers.write(json.dumps({"pid": pid}) + "\n")
        answers.flush()
        _, status = os.waitpid(pid, 0)
        answers.write(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}) + "\n")
        answers.flush()


if __name__ == "__main__":
    serve()
