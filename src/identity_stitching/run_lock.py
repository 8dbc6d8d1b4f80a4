"""One dbt run at a time per DuckDB database and per export folder.

A dbt-duckdb plugin (profiles.yml, `plugins:`): dbt-duckdb creates it once per
process, before it opens the database, so a second `dbt build` stops there
with one line naming the run that holds the lock, instead of DuckDB's lock
error and a stack trace halfway through its first query. It locks:

- `<database>.run.lock`, for every dbt command that opens the database
  (DuckDB allows one writing process anyway);
- `<export path>.run.lock` (beside the folder, which holds only export files),
  for the commands that can write export files
  (`build`, `run`, unless `--select` names only models outside the export
  chain): two databases must not write into one export folder, which is the
  ledger of what was delivered (docs/scheduling.md). The models that read or
  write the folder take it too (a no-op when the run holds it already).

The lock is an OS file lock (flock) held by the open file until the process
exits: the kernel releases it when the process dies, even on `kill -9`, so a
lock file left by a killed run never blocks the next one. The file's content
(pid, host, start time, command) only names the holder. Where flock is not
supported (some network file systems) the holder's pid is checked instead: a
lock of this host whose process is gone is taken over.

The database is then probed with a DuckDB connection, closed at once, so that a
database held by a process that takes no run lock (the DuckDB CLI, a notebook)
also stops the run with one line.
"""

import datetime as dt
import errno
import fcntl
import json
import os
import re
import socket
import sys
from pathlib import Path

DATABASE_LOCK_SUFFIX = ".run.lock"
EXPORT_LOCK_SUFFIX = ".run.lock"
EXPORTING_COMMANDS = {"build", "run"}

# realpath of a lock file -> its open file descriptor, for the life of the process
_HELD = {}


class RunLockedError(RuntimeError):
    """Another run holds a lock this run needs (dbt-duckdb reports a RuntimeError as one line)."""


def describe(holder):
    """One line naming the holder of a lock, from the content of its file."""
    if not holder:
        return "a process that has not written its details yet"
    return (
        f"pid {holder.get('pid')} on {holder.get('host')}, started {holder.get('started_at')}, "
        f"command: {holder.get('command')}"
    )


def read_holder(path):
    """The details a lock file holds (a dict), or None."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        return json.loads(text) if text.strip() else None
    except (OSError, ValueError):
        return None


def _this_run():
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(os.path.basename(arg) if i == 0 else arg for i, arg in enumerate(sys.argv)),
    }


def _pid_alive(pid):
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, TypeError, ValueError):
        return True
    return True


def _write_holder(descriptor):
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, (json.dumps(_this_run()) + "\n").encode("utf-8"), 0)
    os.fsync(descriptor)


def acquire(path, what):
    """Hold the lock file `path` until this process exits; raise RunLockedError naming its holder.

    `what` names the locked thing in the message ("database x.duckdb").
    Taking a lock this process already holds is a no-op.
    """
    path = Path(path)
    key = os.path.realpath(path)
    if key in _HELD:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise RunLockedError(_refusal(path, what, read_holder(path))) from None
    except OSError as error:
        if error.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
            os.close(descriptor)
            raise
        # no flock here: the pid in the file decides
        holder = read_holder(path)
        if holder and holder.get("pid") != os.getpid() and (
            holder.get("host") != socket.gethostname() or _pid_alive(holder.get("pid"))
        ):
            os.close(descriptor)
            raise RunLockedError(_refusal(path, what, holder)) from None
    _write_holder(descriptor)
    _HELD[key] = descriptor


def _refusal(path, what, holder):
    return (
        f"Another run is using the {what}: {describe(holder)}. Wait for it to finish; this run "
        f"changed nothing. (Lock file {path}; the operating system releases it when that process "
        "ends, even when it is killed.)"
    )


def probe_database(path):
    """Raise RunLockedError if another process (not a dbt run of this project) holds the database open."""
    if path == ":memory:" or not Path(path).exists():
        return
    import duckdb

    try:
        duckdb.connect(str(path)).close()
    except duckdb.IOException as error:
        if "lock" not in str(error).lower():
            raise
        raise RunLockedError(
            f"The database {path} is open in another process that is not a dbt run of this project "
            f"(DuckDB says: {error}). Close that process; this run changed nothing."
        ) from None


# a model name, optionally with its ancestors (`+name`): selects no export file
# writer unless it is one of the export chain's models
_PLAIN_SELECTION = re.compile(r"^\+?(?P<name>[A-Za-z0-9_]+)$")
_EXPORT_CHAIN = ("export_", "int_amplitude__")


def may_export(command, select=None, selector=None):
    """Whether a dbt command can write export files: `build` or `run`, unless `--select`
    names only models (or their ancestors) outside the export chain."""
    if command is not None and command not in EXPORTING_COMMANDS:
        return False
    if selector or not select:
        return True
    for item in select:
        for part in str(item).split():
            match = _PLAIN_SELECTION.match(part)
            if not match or match["name"].startswith(_EXPORT_CHAIN):
                return True
    return False


def export_lock_path(export_path):
    """The lock file of an export folder: beside it, `<folder>.run.lock`."""
    folder = Path(export_path).absolute()
    return folder.with_name(folder.name + EXPORT_LOCK_SUFFIX)


def lock_export_folder(export_path):
    """Hold the export folder's lock (the models that read or write the folder call this)."""
    acquire(export_lock_path(export_path), f"export folder {export_path}")


def lock_run(database, export_path=None, command=None, select=None, selector=None):
    """Take the locks a dbt command needs: the database always, the export folder when it can export."""
    if database and database != ":memory:":
        acquire(str(database) + DATABASE_LOCK_SUFFIX, f"database {database}")
    if export_path and may_export(command, select, selector):
        lock_export_folder(export_path)


def _dbt_flags():
    """(sub-command, --select, --selector) of the dbt command running in this process; Nones when unknown."""
    try:
        from dbt.flags import get_flags

        flags = get_flags()
        return getattr(flags, "WHICH", None), getattr(flags, "SELECT", None), getattr(flags, "SELECTOR", None)
    except Exception:  # noqa: BLE001 - outside dbt: lock everything
        return None, None, None


try:
    from dbt.adapters.duckdb.plugins import BasePlugin
except ImportError:  # used outside dbt (tests, scripts)
    BasePlugin = object


class Plugin(BasePlugin):
    """profiles.yml: `plugins: [{module: identity_stitching.run_lock, config: {export_path: ...}}]`."""

    def initialize(self, plugin_config):
        database = getattr(self.creds, "path", None)
        already = database is None or os.path.realpath(str(database) + DATABASE_LOCK_SUFFIX) in _HELD
        lock_run(database, plugin_config.get("export_path"), *_dbt_flags())
        if not already:
            probe_database(database)
