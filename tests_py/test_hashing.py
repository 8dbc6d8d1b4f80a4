"""Hashes and device_ids are the ones the documented recipe computes.

The README's hashing section holds the recipe (a Python reference implementation) and
test vectors. The code block is executed as written, the vectors are checked
against it, and the demo is built twice: without a key every hash must equal
hashlib.sha256 of the normalized value, with IDENTITY_HASH_KEY set it must
equal hmac.new(key, value, sha256), with hash_version saying which.
"""

import re

import pytest

from conftest import DEMO_RAW, PROJECT_ROOT, query, run_dbt

README = PROJECT_ROOT / "README.md"
TEST_KEY = "identity-stitching-test-key"
ALICE = "alice.nguyen@northwind-labs.com"


def hashing_section():
    """The README's "Hashing and the device_id recipe" section."""
    text = README.read_text(encoding="utf-8")
    start = text.index("### Hashing and the device_id recipe")
    end = text.find("\n## ", start)
    return text[start:end]


def reference_device_id():
    """The `device_id` function of the doc's Python block, executed as written."""
    code = re.search(r"```python\n(.*?)```", hashing_section(), re.DOTALL).group(1)
    namespace = {}
    exec(compile(code, str(README), "exec"), namespace)  # noqa: S102 - the doc's own code is under test
    return namespace["device_id"]


def doc_vectors():
    """(value, key or None, hash) rows of the doc's test-vector table."""
    vectors = []
    for line in hashing_section().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not re.search(r"`[0-9a-f]{64}`", cells[2]):
            continue
        value = "" if cells[0] == "(empty string)" else cells[0].strip("`")
        key = None if cells[1] == "(none)" else cells[1].strip("`")
        vectors.append((value, key, re.search(r"[0-9a-f]{64}", cells[2]).group(0)))
    return vectors


def test_doc_vectors_match_the_reference_implementation():
    device_id = reference_device_id()
    vectors = doc_vectors()
    assert len(vectors) == 5
    assert {key for _, key, _ in vectors} == {None, TEST_KEY}
    for value, key, expected in vectors:
        assert device_id(value, key) == expected, (value, key)


@pytest.fixture(scope="module")
def keyed_build(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("keyed")
    database = workdir / "keyed.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IDENTITY_HASH_KEY", TEST_KEY)
        run_dbt(["build"], database, identity__raw_path=DEMO_RAW, identity__export_path=workdir / "exports")
    return database


def check_build(database, key, expected_version):
    device_id = reference_device_id()
    values = query(
        database,
        "select email_normalized, email_sha256, hash_version from staging.stg_identifiers__emails "
        "where email_normalized is not null "
        "union all "
        "select phone_e164, phone_sha256, hash_version from staging.stg_identifiers__phones "
        "where phone_e164 is not null",
    )
    assert len(values) > 10
    for value, digest, version in values:
        assert digest == device_id(value, key), value
        assert version == expected_version
    by_hash = {digest: value for value, digest, _ in values}

    for relation in ("intermediate.int_identifiers", "main.dim_person_identifiers"):
        versions = query(database, f"select distinct hash_version from {relation}")
        assert versions == [(expected_version,)], relation

    persons = query(
        database,
        "select device_id, identifier_sha256 from main.dim_person_identifiers where is_person_anchor",
    )
    assert len(persons) > 5
    for device, anchor in persons:
        assert device == device_id(by_hash[anchor], key)
    devices = {device for device, _ in persons}
    exported = query(
        database,
        "select device_id from main.export_amplitude__events where device_id is not null "
        "union select device_id from main.export_amplitude__identifies where device_id is not null",
    )
    assert exported and {device for (device,) in exported} <= devices

    alice = query(
        database,
        "select device_id from main.dim_person_identifiers where identifier_sha256 = ?",
        [device_id(ALICE, key)],
    )
    assert alice == [(device_id(ALICE, key),)]
    return devices


def test_without_a_key_hashes_are_sha256(demo_build, monkeypatch):
    database, _ = demo_build
    devices = check_build(database, None, "sha256")
    assert "d539c1398db413b4571ce9b6c54d8a133e59022a13f95ce600ac4b8106fcbe4b" in devices  # doc vector


def test_with_a_key_hashes_are_hmac_sha256(demo_build, keyed_build):
    keyed = check_build(keyed_build, TEST_KEY, "hmac-sha256")
    assert "244497ef12d28745dc03b07767baf2b92e5160690da8c2b807fc0aff327e06de" in keyed  # doc vector
    unkeyed = {device for (device,) in query(demo_build[0], "select device_id from main.dim_person_identifiers")}
    assert not keyed & unkeyed
    # Same people, same graph: only the ids change.
    count = "select count(distinct person_id), count(*) from main.dim_person_identifiers"
    assert query(keyed_build, count) == query(demo_build[0], count)


def test_a_key_longer_than_a_block_stops_the_build(tmp_path, monkeypatch):
    monkeypatch.setenv("IDENTITY_HASH_KEY", "k" * 65)
    result = run_dbt(["compile", "--select", "stg_identifiers__emails"], tmp_path / "long.duckdb", check=False)
    assert result.returncode != 0
    assert "IDENTITY_HASH_KEY is 65 bytes long" in result.stdout + result.stderr
