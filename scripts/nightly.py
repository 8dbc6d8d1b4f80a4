"""The scheduled run, step by step: what .github/workflows/nightly.yml runs, in its order.

    python scripts/nightly.py restore     # the database, the raw exports and the delivered files
    python scripts/nightly.py build       # dbt build
    python scripts/nightly.py freshness   # dbt source freshness of what the build loaded
    python scripts/nightly.py publish     # the new export files, to where Amplitude reads them
    python scripts/nightly.py push        # to Amplitude's API, when AMPLITUDE_API_KEY is set (docs/push.md)
    python scripts/nightly.py save        # the database, back to durable storage (after a good build)
    python scripts/nightly.py summary     # Markdown: to $GITHUB_STEP_SUMMARY, else stdout
    python scripts/nightly.py all         # every step in that order (cron, Airflow, Dagster)

State lives outside the machine, so any runner can pick up where the last run
ended (docs/scheduling.md):

- IDENTITY_STATE_URI (required): where the DuckDB database is kept between runs,
  `s3://bucket/prefix` or a folder; the file is `<uri>/identity.duckdb`;
- IDENTITY_EXPORT_URI (required): where Amplitude's S3 import reads the files,
  `<uri>/amplitude/{events,identifies}/`. It is also the ledger of what was
  delivered: `restore` copies its files into the local export folder, so a
  build whose database was lost adopts them instead of exporting them again;
- IDENTITY_RAW_URI (required): the raw vendor exports (`s3://...` or a folder;
  `demo/raw` for the demo): required, so that a job missing it cannot deliver
  the demo's rows;
- IDENTITY_WORK_DIR: the local working folder (default target/nightly);
- IDENTITY_DBT_VARS: more dbt vars, a YAML mapping (e.g. `{identity__zoom_timezone: America/New_York}`);
- AMPLITUDE_API_KEY (optional): `push` sends the new rows to Amplitude's API too,
  and keeps its acknowledgement files with the export files (docs/push.md);
  without it `push` does nothing.

S3 is reached with boto3's usual settings (AWS_* variables, AWS_ENDPOINT_URL for
an S3-compatible store). A folder URI (or `file://...`) is used in place.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR / "src"))

from identity_stitching.export_ledger import FILE_NAME, KINDS, check_file, rewritten_digest  # noqa: E402
from identity_stitching.export_erasure import rewritten_marker  # noqa: E402
from identity_stitching.push.acks import FILE_NAME as ACK_FILE_NAME  # noqa: E402

# freshness after the build: the loaded tables then hold the raw folder as it is now
# (before it they hold the last run's, and nothing on a first run)
# push after publish (the files are out whatever Amplitude's API answers) and before save (the
# database keeps the push's ledger)
STEPS = ["restore", "build", "freshness", "publish", "push", "save", "summary"]
DATABASE_NAME = "identity.duckdb"
REQUIRED = ["IDENTITY_STATE_URI", "IDENTITY_EXPORT_URI", "IDENTITY_RAW_URI"]


class StepFailed(Exception):
    """A step that cannot go on; its message is the one line the log shows."""


# ---------- storage: an S3 prefix or a folder


class FolderStore:
    def __init__(self, root):
        self.root = Path(root[len("file://"):] if root.startswith("file://") else root).absolute()

    def __str__(self):
        return str(self.root)

    def local_path(self):
        return self.root

    def list(self, prefix):
        """{key under prefix: size}."""
        base = self.root / prefix
        if not base.is_dir():
            return {}
        return {
            path.relative_to(self.root).as_posix(): path.stat().st_size
            for path in base.rglob("*")
            if path.is_file()
        }

    def get(self, key, path):
        source = self.root / key
        if not source.is_file():
            return False
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, path)
        return True

    def put(self, path, key):
        target = self.root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.partial")
        shutil.copyfile(path, temporary)
        os.replace(temporary, target)


class S3Store:
    def __init__(self, uri):
        import boto3

        bucket, _, prefix = uri[len("s3://"):].partition("/")
        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.client = boto3.client("s3")
        self.uri = uri

    def __str__(self):
        return self.uri

    def local_path(self):
        return None

    def _key(self, key):
        return f"{self.prefix}/{key}" if self.prefix else key

    def list(self, prefix):
        found = {}
        start = self._key(prefix)
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start):
            for item in page.get("Contents", []):
                key = item["Key"][len(self.prefix) + 1:] if self.prefix else item["Key"]
                found[key] = item["Size"]
        return found

    def get(self, key, path):
        from botocore.exceptions import ClientError

        Path(path).parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(path).with_name(f".{Path(path).name}.download")
        try:
            self.client.download_file(self.bucket, self._key(key), str(temporary))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        os.replace(temporary, path)
        return True

    def put(self, path, key):
        self.client.upload_file(str(path), self.bucket, self._key(key))


def store(uri):
    return S3Store(uri) if uri.startswith("s3://") else FolderStore(uri)


# ---------- settings


class Settings:
    def __init__(self, environ=os.environ):
        missing = [name for name in REQUIRED if not environ.get(name)]
        if missing:
            raise StepFailed(f"set {', '.join(missing)} (docs/scheduling.md)")
        self.state = store(environ["IDENTITY_STATE_URI"])
        self.exports = store(environ["IDENTITY_EXPORT_URI"])
        self.raw = store(environ["IDENTITY_RAW_URI"])
        self.work = Path(environ.get("IDENTITY_WORK_DIR") or PROJECT_DIR / "target" / "nightly").absolute()
        self.database = self.work / DATABASE_NAME
        self.extra_vars = yaml.safe_load(environ.get("IDENTITY_DBT_VARS") or "{}") or {}

    @property
    def export_path(self):
        """The export folder dbt writes: the export store itself when it is a folder, else a local mirror."""
        local = self.exports.local_path()
        return local if local is not None else self.work / "exports"

    @property
    def raw_path(self):
        local = self.raw.local_path()
        return local if local is not None else self.work / "raw"

    def dbt_vars(self):
        values = {"identity__export_path": str(self.export_path), "identity__raw_path": str(self.raw_path)}
        values.update(self.extra_vars)
        return values

    def dbt_env(self):
        env = {**os.environ, "DBT_DUCKDB_PATH": str(self.database), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        # GitHub gives an unset secret as an empty string; the hash key is optional here, so an empty
        # secret means no key (a warehouse built with a key still stops on its recorded fingerprint)
        secret = env.pop("IDENTITY_HASH_KEY_SECRET", None)
        if secret:
            env["IDENTITY_HASH_KEY"] = secret
        return env


def export_files(names):
    """The export file names among `names` (keys or paths), sorted by load time."""
    found = []
    for name in names:
        match = FILE_NAME.match(Path(name).name)
        if match and Path(name).parent.name == match["kind"]:
            found.append((match["stamp"], match["kind"], name))
    return [name for _, _, name in sorted(found)]


ACK_PREFIX = "amplitude/push"


def ack_files(names):
    """The push's acknowledgement files among `names` (keys or paths under the export store)."""
    return sorted(name for name in names if ACK_FILE_NAME.match(Path(name).name))


def record(settings, step, outcome, **facts):
    """Append a step's outcome to the run's notes (read by `summary`)."""
    notes = settings.work / "nightly_steps.json"
    settings.work.mkdir(parents=True, exist_ok=True)
    current = json.loads(notes.read_text()) if notes.exists() else {}
    current[step] = {"outcome": outcome, **facts}
    notes.write_text(json.dumps(current, indent=2))


def say(message, level=None):
    """A line of the log; on GitHub Actions a warning or notice annotation too."""
    if level and os.environ.get("GITHUB_ACTIONS") == "true":
        print(f"::{level}::{message}")
    else:
        print(f"{level + ': ' if level else ''}{message}")
    sys.stdout.flush()


# ---------- steps


def restore(settings):
    settings.work.mkdir(parents=True, exist_ok=True)
    notes = settings.work / "nightly_steps.json"
    notes.unlink(missing_ok=True)
    if settings.database.exists():
        database_restored = "kept"  # a machine that keeps its work folder (cron)
    else:
        database_restored = "restored" if settings.state.get(DATABASE_NAME, settings.database) else "none"
    say(f"database {settings.database}: {database_restored} (from {settings.state}/{DATABASE_NAME})")

    if settings.raw.local_path() is None:
        raw_dir = settings.work / "raw"
        shutil.rmtree(raw_dir, ignore_errors=True)
        keys = settings.raw.list("")
        for key in keys:
            settings.raw.get(key, raw_dir / key)
        say(f"raw exports: {len(keys)} file(s) from {settings.raw}")

    if settings.exports.local_path() is None:
        # the push's acknowledgement files: a lost database adopts Amplitude's answers from them
        for key in ack_files(settings.exports.list(ACK_PREFIX)):
            if not (settings.export_path / key).exists():
                settings.exports.get(key, settings.export_path / key)
    listed = settings.exports.list("amplitude")
    delivered = export_files(listed)
    copied = 0
    if settings.exports.local_path() is None:
        for key in delivered:
            target = settings.export_path / key
            if not target.exists():
                settings.exports.get(key, target)
                copied += 1
            # an erasure rewrote the file: its digest comes with it (export_ledger.rewritten_digest)
            marker_key = Path(key).with_name(rewritten_marker(target).name).as_posix()
            if marker_key in listed and not rewritten_marker(target).exists():
                settings.exports.get(marker_key, rewritten_marker(target))
        say(f"export files: {len(delivered)} delivered in {settings.exports}, {copied} copied to {settings.export_path}")
    else:
        say(f"export files: {len(delivered)} in {settings.export_path}")
    if database_restored == "none":
        if delivered:
            say(
                f"no saved database: this run adopts the {len(delivered)} delivered file(s) as exported "
                "(their rows are not exported again) and rebuilds everything else from the raw exports",
                "notice",
            )
        else:
            say(
                "no saved database and no delivered file: every row is exported as new. Right on a first "
                "run; otherwise both were lost and Amplitude receives every row again (it drops a repeated "
                "insert_id only within 7 days): stop and restore one of them",
                "warning",
            )
    record(settings, "restore", "success", database=database_restored, delivered_files=len(delivered))


def run_dbt(settings, args):
    dbt = Path(sys.executable).with_name("dbt")
    command = [str(dbt) if dbt.exists() else "dbt", *args, "--vars", json.dumps(settings.dbt_vars())]
    say("$ " + " ".join(command))
    return subprocess.run(command, cwd=PROJECT_DIR, env=settings.dbt_env()).returncode


def freshness(settings):
    code = run_dbt(settings, ["source", "freshness", "--log-level-file", "info"])
    record(settings, "freshness", "success" if code == 0 else "failure")
    if code:
        raise StepFailed("dbt source freshness: a source is older than its error threshold (see above)")


def build(settings):
    # dbt.log at info level (freshness too): the debug level holds the compiled SQL, which
    # holds the HMAC pads when IDENTITY_HASH_KEY is set (README, "Keeping the key secret")
    code = run_dbt(settings, ["build", "--log-level-file", "info"])
    _strip_compiled_code(PROJECT_DIR / os.environ.get("DBT_TARGET_PATH", "target") / "run_results.json")
    record(settings, "build", "success" if code == 0 else "failure")
    if code:
        raise StepFailed("dbt build failed (see above); nothing is published or saved")


def _strip_compiled_code(path):
    """run_results.json is kept as an artifact: without the compiled SQL (it can hold the hash key's pads)."""
    if not path.exists():
        return
    results = json.loads(path.read_text())
    for result in results.get("results", []):
        result.pop("compiled_code", None)
    path.write_text(json.dumps(results))


def publish(settings):
    """Upload the export files the bucket lacks, oldest first; never overwrite one."""
    if settings.exports.local_path() is not None:
        record(settings, "publish", "success", uploaded=0)
        say(f"export files are written in place in {settings.export_path}")
        return
    local = export_files(
        path.relative_to(settings.export_path).as_posix()
        for path in (settings.export_path / "amplitude").rglob("*.json.gz")
    ) if (settings.export_path / "amplitude").is_dir() else []
    remote = settings.exports.list("amplitude")
    uploaded = []
    for key in local:
        path = settings.export_path / key
        # erasure hook (docs/erasure.md): a file an erasure rewrote in place replaces its copy;
        # Amplitude ignores edits of a file it imported, so nothing is imported twice
        rewritten = rewritten_digest(path)
        if key in remote:
            if remote[key] != path.stat().st_size and rewritten is None:
                raise StepFailed(f"{settings.exports}/{key} exists with another size: refusing to overwrite it")
            if remote[key] == path.stat().st_size:
                continue
        check_file(path, rewritten or FILE_NAME.match(path.name)["digest"])  # never upload a file that is not whole
        if rewritten is not None:
            # the digest beside it first: a runner that lost the database adopts the file only with it
            marker = rewritten_marker(path)
            settings.exports.put(marker, Path(key).with_name(marker.name).as_posix())
        settings.exports.put(path, key)
        uploaded.append(key)
    say(f"published {len(uploaded)} new export file(s) to {settings.exports}: {uploaded}")
    record(settings, "publish", "success", uploaded=len(uploaded), files=uploaded)


def push(settings):
    """Send to Amplitude's API what it has not answered yet, then keep the acknowledgement files
    with the export files. Does nothing without AMPLITUDE_API_KEY (an unset secret is empty)."""
    if not os.environ.get("AMPLITUDE_API_KEY"):
        say("push: AMPLITUDE_API_KEY is not set; nothing sent (Amplitude reads the export files)")
        record(settings, "push", "skipped")
        return
    env = {**settings.dbt_env(), "IDENTITY_EXPORT_PATH": str(settings.export_path),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_DIR / "src"), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", "identity_stitching.push", "--progress", "lines"]
    say("$ " + " ".join(command))
    code = subprocess.run(command, cwd=PROJECT_DIR, env=env).returncode
    uploaded = []
    if settings.exports.local_path() is None:
        remote = settings.exports.list(ACK_PREFIX)
        folder = settings.export_path / ACK_PREFIX
        local = ack_files(path.relative_to(settings.export_path).as_posix() for path in folder.glob("*")) \
            if folder.is_dir() else []
        for key in local:
            if key not in remote:
                settings.exports.put(settings.export_path / key, key)
                uploaded.append(key)
    record(settings, "push", "success" if code == 0 else "failure", acknowledgement_files=uploaded)
    if code:
        raise StepFailed("push: rows are left unanswered (see above); the next run sends them again")


def save(settings):
    """Upload the database (checkpointed: one file, no write-ahead log) after a good build."""
    import duckdb

    connection = duckdb.connect(str(settings.database))
    try:
        connection.execute("checkpoint")
    finally:
        connection.close()
    settings.state.put(settings.database, DATABASE_NAME)
    size = settings.database.stat().st_size
    say(f"saved the database ({size:,} bytes) to {settings.state}/{DATABASE_NAME}")
    record(settings, "save", "success", bytes=size)


def summary(settings):
    notes_path = settings.work / "nightly_steps.json"
    notes = json.loads(notes_path.read_text()) if notes_path.exists() else {}
    lines = ["## identity_stitching nightly run", ""]
    lines.append("| step | outcome |")
    lines.append("|---|---|")
    for step in STEPS[:-1]:
        outcome = notes.get(step, {}).get("outcome", "not run")
        lines.append(f"| {step} | {outcome} |")
    restored = notes.get("restore", {})
    if restored.get("database") == "none":
        lines += ["", f"No saved database: {restored.get('delivered_files', 0)} delivered file(s) adopted as exported."]
    if notes.get("build", {}).get("outcome") != "success":
        lines += [
            "",
            "**The build did not succeed**: nothing was published and the saved database is unchanged. "
            "Below is the last run that reached the export gate in this runner's database; the build's own "
            "errors are in the log (and the artifact's dbt.log).",
        ]
    lines.append("")
    text = "\n".join(lines)
    if settings.database.exists():
        result = subprocess.run(
            [sys.executable, str(PROJECT_DIR / "scripts" / "summary.py"), "--markdown", "--heading-level", "3"],
            env={**settings.dbt_env(), "IDENTITY_EXPORT_PATH": str(settings.export_path)},
            capture_output=True,
            text=True,
        )
        text += "\n" + (result.stdout if result.returncode == 0 else f"(summary failed: {result.stderr.strip()[-500:]})\n")
    else:
        text += "\nNo database: nothing to summarize.\n"
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text)
    print(text)


STEP_FUNCTIONS = {
    "restore": restore,
    "freshness": freshness,
    "build": build,
    "publish": publish,
    "push": push,
    "save": save,
    "summary": summary,
}


def run_all(settings):
    """Every step in order: a failed restore, build or publish stops the rest but the summary;
    a failed freshness check or push lets the rest run and fails the run at the end (a push's
    ledger is saved with the database either way)."""
    failed = []
    for step in STEPS[:-1]:
        try:
            STEP_FUNCTIONS[step](settings)
        except StepFailed as error:
            say(str(error), "error")
            failed.append(step)
            if step not in ("freshness", "push"):
                break
    summary(settings)
    return 1 if failed else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=[*STEPS, "all"])
    step = parser.parse_args(argv).step
    try:
        settings = Settings()
        if step == "all":
            return run_all(settings)
        STEP_FUNCTIONS[step](settings)
    except StepFailed as error:
        say(str(error), "error")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
