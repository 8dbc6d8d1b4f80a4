"""The hash key never leaves the process, and a bad or changed key stops the build before any export.

The demo is built with a random IDENTITY_HASH_KEY (a new one on every run). Then
every file under the build's target path, log path and export folder, the
database file, dbt's own output, and every column of every relation (read
read-only, without the project's plugin) are searched for the key and its two
HMAC pads in every form tests_py/secret_scan.py knows (bytes, hex, base64,
DuckDB's escaped BLOB text): none may be found. The keyed build's hashes must
be the README recipe's, and the engine must give the README's test vectors.

A key that is set but empty, longer than 64 bytes, or not the one the warehouse
was built with must stop `dbt build` with its message, with no export relation
row and no export file written. identity__allow_hash_key_change lets a run
change the key, and then every hash is the new key's.
"""

import json
import re
import secrets
import shutil

import pytest

from conftest import DEMO_RAW, PROJECT_ROOT, query, run_dbt
from secret_scan import scan_duckdb, scan_files, secret_needles
from test_hashing import ALICE, TEST_KEY, check_build, doc_vectors, reference_device_id

EXPORTS = ("export_amplitude__events", "export_amplitude__identifies", "export_amplitude__files")


def random_key():
    """A fresh key: 43 URL-safe base64 characters (32 random bytes), never a README value."""
    return secrets.token_urlsafe(32)


@pytest.fixture(scope="module")
def keyed(tmp_path_factory):
    """The demo built with a random key: (key, work dir, database, exports, logs, dbt's output)."""
    workdir = tmp_path_factory.mktemp("secret")
    database, exports, logs = workdir / "secret.duckdb", workdir / "exports", workdir / "logs"
    key = random_key()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IDENTITY_HASH_KEY", key)
        result = run_dbt(
            ["build", "--log-path", str(logs)],
            database,
            identity__raw_path=DEMO_RAW,
            identity__export_path=exports,
        )
    return key, workdir, database, exports, logs, result.stdout + result.stderr


def test_the_scan_finds_every_form_of_a_planted_secret(tmp_path):
    needles = secret_needles(random_key())
    for index, needle in enumerate(needles.values()):
        (tmp_path / f"planted_{index}").write_bytes(b"prefix " + needle + b" suffix")
    findings, count = scan_files([tmp_path], needles)
    assert count == len(needles)
    found = {path.rsplit("_", 1)[1]: names for path, names in findings}
    for index, name in enumerate(needles):
        assert name in found[str(index)], name


def test_a_keyed_build_hashes_with_the_readme_recipe(keyed):
    key, _, database, _, _, _ = keyed
    check_build(database, key, "hmac-sha256")
    device_id = reference_device_id()
    assert query(database, "select hash_version from main.identity_hash_keys") == [("hmac-sha256",)]
    (fingerprint,) = query(database, "select key_fingerprint from main.identity_hash_keys")[0]
    assert fingerprint == device_id("identity_stitching hash key fingerprint v1", key)


def shown_hashes(tmp_path, values, key):
    """hash_identifier of each value, computed by DuckDB through dbt show (plugin, macro) with `key`."""
    selects = " union all ".join(
        f"select {index} as position, {{{{ hash_identifier(\"'{value}'\") }}}} as digest"
        for index, value in enumerate(values)
    )
    env = {"IDENTITY_HASH_KEY": key} if key is not None else {}
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("IDENTITY_HASH_KEY", raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        result = run_dbt(
            ["show", "--inline", selects + " order by 1", "--output", "json", "--limit", "-1", "--quiet"],
            tmp_path / f"show_{'keyed' if key else 'plain'}.duckdb",
        )
    return [row["digest"] for row in json.loads(result.stdout[result.stdout.index("{"):])["show"]]


@pytest.mark.parametrize("key", [None, TEST_KEY], ids=["no key", "README test key"])
def test_the_engine_gives_the_readme_vectors(tmp_path, key):
    vectors = [(value, expected) for value, vector_key, expected in doc_vectors() if vector_key == key]
    assert vectors
    assert shown_hashes(tmp_path, [value for value, _ in vectors], key) == [expected for _, expected in vectors]


def test_no_form_of_the_key_in_any_file(keyed):
    key, workdir, database, exports, logs, _ = keyed
    target = workdir / "dbt_target"
    for expected in (
        target / "manifest.json",
        target / "partial_parse.msgpack",
        target / "run_results.json",
        target / "run" / "identity_stitching" / "models" / "staging" / "identifiers" / "stg_identifiers__emails.sql",
        logs / "dbt.log",
    ):
        assert expected.is_file() and expected.stat().st_size > 0, expected
    assert list(exports.rglob("*.json.gz")), "the build wrote no export file"
    # The compiled SQL names the session variables, never their values.
    compiled = (target / "run" / "identity_stitching" / "models" / "staging" / "identifiers"
                / "stg_identifiers__emails.sql").read_text()
    assert "getvariable('identity_hash_inner_pad')" in compiled
    findings, count = scan_files([target, logs, exports, database], secret_needles(key))
    assert count > 100
    assert findings == []


def test_no_form_of_the_key_in_dbt_output(keyed):
    key, _, _, _, _, output = keyed
    assert "Completed successfully" in output
    needles = secret_needles(key)
    assert [name for name, needle in needles.items() if needle in output.encode()] == []


def test_no_form_of_the_key_in_any_relation(keyed):
    key, _, database, _, _, _ = keyed
    findings, relations = scan_duckdb(database, secret_needles(key))
    assert {"main.dim_person_identifiers", "main.export_amplitude__events", "main.identity_hash_keys",
            "staging.stg_identifiers__emails"} <= set(relations)
    assert findings == []


def test_jinja_never_reads_the_key():
    """dbt records the values of the env vars Jinja reads (partial_parse.msgpack): the key must not be one."""
    call = re.compile(r"env_var\(\s*['\"]IDENTITY_HASH_KEY")
    paths = [PROJECT_ROOT / "dbt_project.yml", PROJECT_ROOT / "profiles.yml"]
    for folder in ("models", "macros", "tests", "seeds", "analyses"):
        paths += [path for path in (PROJECT_ROOT / folder).rglob("*") if path.suffix in (".sql", ".yml", ".py")]
    assert len(paths) > 50
    assert [path for path in paths if call.search(path.read_text(encoding="utf-8", errors="replace"))] == []


# ---------- a bad or changed key stops the build before any export


def exported(database, exports):
    """(rows of the export relations, export files) of a build."""
    rows = 0
    if database.exists():
        for name in EXPORTS:
            found = query(
                database,
                "select count(*) from information_schema.tables where table_schema = 'main' and table_name = ?",
                [name],
            )
            if found[0][0]:
                rows += query(database, f"select count(*) from main.{name}")[0][0]
    files = sorted(str(path) for path in exports.rglob("*") if path.is_file()) if exports.exists() else []
    return rows, files


def build(database, exports, key, check=False, **variables):
    """dbt build of the demo with IDENTITY_HASH_KEY set to key (None: unset)."""
    with pytest.MonkeyPatch.context() as patch:
        if key is None:
            patch.delenv("IDENTITY_HASH_KEY", raising=False)
        else:
            patch.setenv("IDENTITY_HASH_KEY", key)
        result = run_dbt(
            ["build"], database, check=check, identity__raw_path=DEMO_RAW, identity__export_path=exports, **variables
        )
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize(
    "key, message",
    [
        ("", "IDENTITY_HASH_KEY is set but empty. Unset it to hash with plain SHA-256"),
        ("k" * 65, "IDENTITY_HASH_KEY is 65 bytes long: use at most 64 bytes"),
        ("é" * 33, "IDENTITY_HASH_KEY is 66 bytes long: use at most 64 bytes"),  # 33 characters, 66 bytes
    ],
    ids=["empty", "65 bytes", "66 bytes in 33 characters"],
)
def test_an_empty_or_too_long_key_stops_the_build_before_anything(tmp_path, key, message):
    database, exports = tmp_path / "bad.duckdb", tmp_path / "exports"
    returncode, output = build(database, exports, key)
    assert returncode != 0
    assert message in output
    assert exported(database, exports) == (0, [])
    if database.exists():
        assert query(database, "select count(*) from information_schema.tables") == [(0,)]
    if key:
        assert not [name for name, needle in secret_needles(key).items() if needle in output.encode()]


def test_a_changed_key_stops_the_build_before_any_export(tmp_path):
    """The warehouse first met key A (a `dbt seed`); a build with key B, or with none, stops at the start."""
    database, exports = tmp_path / "changed.duckdb", tmp_path / "exports"
    first, second = random_key(), random_key()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IDENTITY_HASH_KEY", first)
        run_dbt(["seed"], database)
    for key, now in ((second, "now: a key with fingerprint"), (None, "now: no key (sha256)")):
        returncode, output = build(database, exports, key)
        assert returncode != 0
        assert "The hash key differs from the one this warehouse was built with" in output
        assert now in output
        assert "identity__allow_hash_key_change" in output
        assert exported(database, exports) == (0, [])
    assert query(database, "select count(*) from main.identity_hash_keys") == [(1,)]


@pytest.mark.slow  # three builds of a copied warehouse
def test_a_key_change_is_refused_then_allowed_on_a_built_warehouse(keyed, tmp_path):
    """On a copy of the keyed demo: a new key adds no export row or file; allowed, it re-keys every hash."""
    first_key, _, built, built_exports, _, _ = keyed
    database, exports = tmp_path / "rekeyed.duckdb", tmp_path / "exports"
    shutil.copy(built, database)
    shutil.copytree(built_exports, exports)  # the export folder is the ledger: it moves with the database
    before = exported(database, exports)
    assert before[0] > 0 and before[1]
    new_key = random_key()

    returncode, output = build(database, exports, new_key)
    assert returncode != 0
    assert "The hash key differs from the one this warehouse was built with" in output
    assert exported(database, exports) == before

    returncode, output = build(database, exports, new_key, identity__allow_hash_key_change="true")
    assert returncode == 0, output[-4000:]
    assert "identity__allow_hash_key_change: the hash key changes from a key with fingerprint" in output
    history = query(database, "select hash_version from main.identity_hash_keys order by recorded_at")
    assert history == [("hmac-sha256",), ("hmac-sha256",)]
    device_id = reference_device_id()
    # Every hash of every incremental and rebuilt model is the new key's.
    values = query(
        database,
        "select email_normalized, email_sha256 from staging.stg_identifiers__emails where email_normalized is not null "
        "union all select phone_e164, phone_sha256 from staging.stg_identifiers__phones where phone_e164 is not null",
    )
    assert values and all(digest == device_id(value, new_key) for value, digest in values)
    anchors = {device_id(value, new_key) for value, _ in values}
    persons = query(database, "select device_id from main.dim_person_identifiers where is_person_anchor")
    assert persons and {device for (device,) in persons} <= anchors
    touches = query(database, "select distinct device_id from intermediate.int_touches_resolved where device_id is not null")
    assert touches and {device for (device,) in touches} <= anchors
    assert query(database, "select count(*) from main.dim_person_identifiers where identifier_sha256 = ?",
                 [device_id(ALICE, first_key)]) == [(0,)]
    # The next build with the new key needs no flag.
    returncode, output = build(database, exports, new_key)
    assert returncode == 0, output[-4000:]
