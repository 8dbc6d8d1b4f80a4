"""Plant known bugs one at a time and check that the tests meant to catch each one fail.

Usage: python scripts/mutation_run.py [--only NAME ...] [--list] [--markdown docs/mutations.md]

First every check runs on the clean tree and must pass (a check that already fails catches nothing).
Then, for each mutation: its file gets the bug (an exact text replaced, found exactly once), its checks
run, and the file is restored, always: after each mutation, on an error, on Ctrl-C or SIGTERM. A
mutation is caught when at least one of its checks fails. Exits 1 when a mutation survives or the
baseline fails. Builds go to a scratch folder; the tree's target/ and logs/ are not touched.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# "Failure in test X (path)" / "Failure in unit_test X (path)" / "Error in model X (path)" in dbt's summary
FAILED_DBT = re.compile(r"(?:Failure|Error) in (?:test|unit_test|model|seed|operation) (\S+)")
FAILED_PYTEST = re.compile(r"^FAILED (\S+)", re.MULTILINE)
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Mutation:
    name: str
    file: str
    old: str
    new: str
    checks: tuple


MUTATIONS = [
    Mutation(
        "name limit: more than N names becomes N or more",
        "models/intermediate/identity/int_identifiers.sql",
        "per_identifier.distinct_name_count > {{ max_names }}",
        "per_identifier.distinct_name_count >= {{ max_names }}",
        ("unit int_identifiers",),
    ),
    Mutation(
        "email limit: more than N emails per phone becomes N or more",
        "models/intermediate/identity/int_identifiers.sql",
        "per_identifier.distinct_email_count > {{ max_emails }}",
        "per_identifier.distinct_email_count >= {{ max_emails }}",
        ("unit int_identifiers",),
    ),
    Mutation(
        "name limit: the var ignored (3 written in)",
        "models/intermediate/identity/int_identifiers.sql",
        "per_identifier.distinct_name_count > {{ max_names }}",
        "per_identifier.distinct_name_count > 3",
        ("unit int_identifiers",),
    ),
    Mutation(
        "graph round check off by one: a graph needing exactly the limit fails",
        "macros/graph/materialization_connected_components.sql",
        "{%- if not state.finished -%}\n        {%- do graph_drop_work_tables(",
        "{%- if not state.finished or state.rounds == max_rounds -%}\n        {%- do graph_drop_work_tables(",
        ("pytest round limit",),
    ),
    Mutation(
        "gate: the within-run rule (two users on one device) off",
        "macros/exports/amplitude_gate.sql",
        "and valid_links.user_id <> row_checked.user_id",
        "and valid_links.user_id <> valid_links.user_id",
        ("pytest gate within run",),
    ),
    Mutation(
        "gate: the earliest event time itself held back",
        "macros/exports/amplitude_row_problem.sql",
        ".time < {{ var('identity__min_event_time_ms') }}",
        ".time <= {{ var('identity__min_event_time_ms') }}",
        ("pytest event time",),
    ),
    Mutation(
        "RingCentral call id hashes the file name",
        "models/staging/ringcentral/stg_ringcentral__calls.sql",
        "\"'ringcentral|call|' || trim(judged.call_id)\"",
        "\"'ringcentral|call|' || judged.source_file || trim(judged.call_id)\"",
        ("pytest re-upload",),
    ),
    Mutation(
        "offline touch id hashes the file name",
        "models/staging/offline/stg_offline__touches.sql",
        "\"'offline|' || trim(judged.source) || '|' || trim(judged.touch_id)\"",
        "\"'offline|' || judged.source_file || trim(judged.source) || '|' || trim(judged.touch_id)\"",
        ("pytest re-upload",),
    ),
    Mutation(
        "phones parsed in the wrong default region",
        "dbt_project.yml",
        "identity__default_phone_region: US",
        "identity__default_phone_region: GB",
        ("demo build",),
    ),
    Mutation(
        "a staging model looks its phones up under another region",
        "models/staging/app/stg_app__users.sql",
        "and phones.region_hint = '{{ var(\"identity__default_phone_region\") }}'",
        "and phones.region_hint = 'GB'",
        ("demo build",),
    ),
    Mutation(
        "Amplitude time in seconds",
        "macros/timestamps/to_epoch_ms.sql",
        "epoch_ms({{ expr }})",
        "epoch_ms({{ expr }}) // 1000",
        ("unit int_amplitude__event_candidates", "demo build, no unit tests"),
    ),
    Mutation(
        "a phone that fails to parse loses its reason",
        "models/staging/identifiers/stg_identifiers__phones.sql",
        "else parsed.phone_parse_error",
        "else null",
        ("demo build",),
    ),
    Mutation(
        "no touch is an export candidate (device_id filter inverted)",
        "models/intermediate/exports/int_amplitude__event_candidates.sql",
        "where device_id is not null",
        "where device_id is null",
        ("unit int_amplitude__event_candidates", "demo build, no unit tests"),
    ),
    Mutation(
        "email hash of the raw value instead of the normalized one",
        "models/staging/identifiers/stg_identifiers__emails.sql",
        "'case when email_rejection_reason is null then email_cleaned end'",
        "'case when email_rejection_reason is null then email_raw end'",
        ("demo build",),
    ),
]


def checks():
    """name -> (kind, args). `dbt` runs against a copy of the baseline demo database (unit tests need
    their inputs' relations); `build` builds the demo into a new database and export folder; `pytest`
    runs tests_py."""
    return {
        "unit int_identifiers": ("dbt", ["test", "--select", "int_identifiers,test_type:unit"]),
        "unit int_amplitude__event_candidates": (
            "dbt", ["test", "--select", "int_amplitude__event_candidates,test_type:unit"]),
        "demo build": ("build", ["build"]),
        # the demo's data tests on their own: a failing unit test would skip the models they read
        "demo build, no unit tests": ("build", ["build", "--exclude-resource-type", "unit_test"]),
        "pytest event time": ("pytest", ["tests_py/test_boundaries.py", "-k", "event_time"]),
        "pytest round limit": ("pytest", ["tests_py/test_boundaries.py", "-k", "needing"]),
        "pytest gate within run": ("pytest", ["tests_py/test_exports_gate_within_run.py"]),
        "pytest re-upload": ("pytest", ["tests_py/test_reupload_order.py"]),
    }


class Runner:
    def __init__(self, work: Path):
        self.work = work
        self.base_database = work / "baseline.duckdb"
        self.count = 0
        self.env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }

    def run(self, check_name, kind, args):
        """(passed, seconds, what failed: the failing dbt nodes or pytest tests) of one check."""
        self.count += 1
        scratch = self.work / f"run{self.count}"
        scratch.mkdir()
        env = dict(self.env)
        if kind == "pytest":
            command = [str(BIN / "python"), "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                       "--basetemp", str(scratch / "pytest"), *args]
        else:
            database = scratch / "demo.duckdb"
            if kind == "dbt":
                shutil.copy(self.base_database, database)
            env["DBT_DUCKDB_PATH"] = str(database)
            command = [str(BIN / "dbt"), *args, "--target-path", str(scratch / "target"),
                       "--log-path", str(scratch / "logs")]
            if kind == "build":
                # a folder of its own: the export folder is the ledger, and a build adopts the rows of
                # the files an earlier build left there (docs/scheduling.md)
                command += ["--vars", "{identity__export_path: '" + str(scratch / "exports") + "'}"]
        started = time.monotonic()
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        seconds = time.monotonic() - started
        if kind == "build" and result.returncode == 0 and not self.base_database.exists():
            shutil.copy(scratch / "demo.duckdb", self.base_database)
        output = result.stdout + result.stderr
        failed = sorted(set(FAILED_DBT.findall(output)) | {name.split("::")[-1] for name in FAILED_PYTEST.findall(output)})
        if result.returncode != 0 and not failed:
            failed = output.strip().splitlines()[-15:]
        return result.returncode == 0, seconds, failed


class Planted:
    """A mutation written into its file; the original bytes come back on exit, whatever happens."""

    def __init__(self, mutation: Mutation):
        self.mutation = mutation
        self.path = ROOT / mutation.file
        self.original = None

    def __enter__(self):
        text = self.path.read_text()
        found = text.count(self.mutation.old)
        if found != 1:
            hint = " (the tree looks mutated: git checkout the file)" if self.mutation.new in text else ""
            raise SystemExit(f"{self.mutation.file}: the text to mutate is found {found} times{hint}")
        self.original = text
        self.path.write_text(text.replace(self.mutation.old, self.mutation.new))
        return self

    def __exit__(self, *exc):
        if self.original is not None:
            self.path.write_text(self.original)
        return False


def markdown(rows, baseline, command, minutes):
    lines = [
        "# Mutation run",
        "",
        "Known bugs planted one at a time by `scripts/mutation_run.py`; each must make at least one of",
        "the checks listed fail. Every check passed on the clean tree first (baseline below).",
        "",
        f"Command: `{command}` ({minutes:.0f} min on 2 shared cores).",
        "",
        "| mutation | file | check: what failed | caught |",
        "|---|---|---|---|",
    ]
    for mutation, results in rows:
        outcomes = "<br>".join(
            f"{name}: " + (", ".join(f"`{item}`".replace("|", "\\|") for item in failed[:4]) if not passed else "passed")
            for name, passed, _, failed in results
        )
        caught = "yes" if any(not passed for _, passed, _, _ in results) else "**NO**"
        lines.append(f"| {mutation.name} | `{mutation.file}` | {outcomes} | {caught} |")
    lines += ["", "Baseline (clean tree):", "", "| check | result | seconds |", "|---|---|---|"]
    for name, passed, seconds in baseline:
        lines.append(f"| {name} | {'pass' if passed else 'FAIL'} | {seconds:.0f} |")
    return "\n".join(lines) + "\n"


def interrupted(signum, frame):
    """SIGTERM unwinds like Ctrl-C, through Planted.__exit__."""
    raise KeyboardInterrupt


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="run only the mutations whose name contains this")
    parser.add_argument("--list", action="store_true", help="list the mutations and their checks")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    options = parser.parse_args(argv)
    selected = [m for m in MUTATIONS if not options.only or any(o in m.name for o in options.only)]
    if options.list:
        for mutation in selected:
            print(f"{mutation.name}: {mutation.file} [{', '.join(mutation.checks)}]")
        return 0
    signal.signal(signal.SIGTERM, interrupted)
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="mutation_run_"))
    try:
        runner = Runner(work)
        catalog = checks()
        # the demo build first: it leaves the database the unit-test checks run against
        needed = sorted({name for m in selected for name in m.checks}, key=lambda name: name != "demo build")
        if any(catalog[name][0] == "dbt" for name in needed) and "demo build" not in needed:
            needed.insert(0, "demo build")
        baseline = []
        for name in needed:
            passed, seconds, tail = runner.run(name, *catalog[name])
            baseline.append((name, passed, seconds))
            print(f"baseline {name}: {'pass' if passed else 'FAIL'} ({seconds:.0f} s)", flush=True)
            if not passed:
                print("\n".join(tail))
        if not all(passed for _, passed, _ in baseline):
            print("the baseline fails: fix the tree first")
            return 1
        rows = []
        for mutation in selected:
            results = []
            with Planted(mutation):
                for name in mutation.checks:
                    passed, seconds, failed = runner.run(name, *catalog[name])
                    results.append((name, passed, seconds, failed))
            caught = any(not passed for _, passed, _, _ in results)
            print(f"{'caught  ' if caught else 'SURVIVED'} {mutation.name}: "
                  + ", ".join(f"{name} {'pass' if passed else 'fail'} ({seconds:.0f} s)"
                              for name, passed, seconds, _ in results), flush=True)
            rows.append((mutation, results))
    except KeyboardInterrupt:
        print("interrupted: the tree is restored")
        return 130
    finally:
        shutil.rmtree(work, ignore_errors=True)
    minutes = (time.monotonic() - started) / 60
    command = "python scripts/mutation_run.py" + "".join(f" --only '{o}'" for o in options.only or [])
    if options.markdown:
        command += f" --markdown {options.markdown}"
        options.markdown.write_text(markdown(rows, baseline, command, minutes))
    print(markdown(rows, baseline, command, minutes))
    survived = [mutation.name for mutation, results in rows if all(passed for _, passed, _, _ in results)]
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
