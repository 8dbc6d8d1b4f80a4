"""`make explain` on graph scenarios built through the real pipeline: a chain with a shortcut, a shared phone,
a link refused between two users, and a merge recorded in the id history. One warehouse for the module, built
twice (the second build adds the record that merges two persons); every test reads it.
"""

import hashlib
import json
import os
import subprocess
import sys

import duckdb
import pytest

from conftest import PROJECT_ROOT, query, run_dbt

sys.path.insert(0, str(PROJECT_ROOT / "src"))
from identity_stitching.explain.evidence import explain_identifier  # noqa: E402
from identity_stitching.explain.normalize import normalize_email, normalize_phone  # noqa: E402

TOUCH_HEADER = "touch_id,source,event_type,occurred_at,email,phone,full_name,properties"
SOURCE = "explain_fixture"

USERS = """user_id,email,phone,created_at
usr_chain,chain.user@chain-x.com,,2026-03-01T00:00:00Z
usr_office,office.a@office-x.com,,2026-03-02T00:00:00Z
usr_vera,vera@conf-x.com,+14152130001,2026-03-03T00:00:00Z
usr_walt,walt@conf-x.com,+14152130002,2026-03-04T00:00:00Z
"""

# The chain: lead -> phone 1 -> mid -> phone 2 -> user's email -> user, and a shortcut (ch-5) from the lead to
# phone 2 that makes the shortest chain 3 records long. ch-4 writes the user's email as `Name <Address>`.
CHAIN = f"""{TOUCH_HEADER}
ch-1,{SOURCE},Trade Show Visit,2026-01-05T10:00:00Z,chain.lead@chain-x.com,+14152110001,Cara Chain,{{}}
ch-2,{SOURCE},Trade Show Visit,2026-01-06T10:00:00Z,chain.mid@chain-x.com,(415) 211-0001,Cara Chain,{{}}
ch-3,{SOURCE},Trade Show Visit,2026-01-07T10:00:00Z,chain.mid@chain-x.com,+14152110002,Cara Chain,{{}}
ch-4,{SOURCE},Trade Show Visit,2026-01-08T10:00:00Z,Cara <Chain.User@Chain-X.com>,+14152110002,Cara Chain,{{}}
ch-5,{SOURCE},Trade Show Visit,2026-02-01T10:00:00Z,chain.lead@chain-x.com,+14152110002,Cara Chain,{{}}
"""

# A switchboard used by four names (the limit is 3): shared, it links nobody.
OFFICE = f"""{TOUCH_HEADER}
sh-1,{SOURCE},Trade Show Visit,2026-01-10T10:00:00Z,office.a@office-x.com,+14152120000,Ann Office,{{}}
sh-2,{SOURCE},Trade Show Visit,2026-01-11T10:00:00Z,office.b@office-x.com,415.212.0000,Ben Office,{{}}
sh-3,{SOURCE},Trade Show Visit,2026-01-12T10:00:00Z,office.c@office-x.com,+14152120000,Cid Office,{{}}
sh-4,{SOURCE},Trade Show Visit,2026-01-13T10:00:00Z,office.d@office-x.com,+14152120000,Dee Office,{{}}
"""

# Vera's email with Walt's own phone: the link would join two users and is refused.
CONFLICT = f"""{TOUCH_HEADER}
rf-1,{SOURCE},Trade Show Visit,2026-03-10T10:00:00Z,vera@conf-x.com,+14152130002,Vera Stone,{{}}
"""

MERGE_1 = f"""{TOUCH_HEADER}
mg-1,{SOURCE},Trade Show Visit,2026-01-10T10:00:00Z,merge.mia@merge-x.com,+14152140001,Mia Merge,{{}}
mg-2,{SOURCE},Trade Show Visit,2026-02-10T10:00:00Z,merge.max@merge-x.com,+14152140002,Max Merge,{{}}
"""

# Second build: Max with Mia's phone joins the two persons; Mia's (first seen) survives.
MERGE_2 = f"""{TOUCH_HEADER}
mg-3,{SOURCE},Trade Show Visit,2026-05-01T10:00:00Z,merge.max@merge-x.com,+14152140001,Max Merge,{{}}
"""


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def record(touch_id):
    return sha256(f"offline|{SOURCE}|{touch_id}")[:16]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    work = tmp_path_factory.mktemp("explain")
    raw = work / "raw"
    (raw / "app" / "users").mkdir(parents=True)
    (raw / "offline" / "touches").mkdir(parents=True)
    (raw / "app" / "users" / "users.csv").write_text(USERS)
    for name, text in [("chain", CHAIN), ("office", OFFICE), ("conflict", CONFLICT), ("merge_1", MERGE_1)]:
        (raw / "offline" / "touches" / f"{name}.csv").write_text(text)
    database = work / "explain.duckdb"
    variables = {"identity__raw_path": raw, "identity__export_path": work / "exports"}
    # the graph and what explain reads, without the exports and the data tests (other files test those)
    build = ["build", "--select", "+dim_persons +identity_id_history +identity_conflicts",
             "--exclude-resource-type", "test", "unit_test"]
    run_dbt(build, database, **variables)
    (raw / "offline" / "touches" / "merge_2.csv").write_text(MERGE_2)
    run_dbt(build, database, **variables)
    return database


def explain(database, *args, env=None):
    environment = {k: v for k, v in os.environ.items() if k != "IDENTITY_HASH_KEY"}
    environment.update(env or {})
    environment["PYTHONPATH"] = str(PROJECT_ROOT / "src")
    return subprocess.run(
        [sys.executable, "-m", "identity_stitching.explain", "--database", str(database), *args],
        capture_output=True, text=True, env=environment, cwd=PROJECT_ROOT,
    )


def section(output, title):
    """The lines of one section of the printed explanation (up to the next blank line)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def hops(output):
    """[(from, to, record line), ...] of the printed chain."""
    lines = section(output, "chain to")[1:]
    return [(*lines[i].split(". ", 1)[1].split(" -> "), lines[i + 1].strip()) for i in range(0, len(lines), 2)]


def test_chain_takes_the_shortest_path_to_the_user_hop_by_hop(warehouse):
    result = explain(warehouse, "--email", "  CHAIN.LEAD@chain-x.com ")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "user_id     usr_chain" in out
    assert section(out, "chain to")[0] == "chain to its user user_id usr_chain: 3 hop(s)"
    chain = hops(out)
    assert [(source, target) for source, target, _ in chain] == [
        ("email chain.lead@chain-x.com", "phone +1********02"),
        ("phone +1********02", "email c***@chain-x.com"),
        ("email c***@chain-x.com", "user_id usr_chain"),
    ]
    # each hop names its record, source, time, file and row (the header is row 1)
    assert chain[0][2] == (f"record {record('ch-5')} (offline, Trade Show Visit, 2026-02-01 10:00:00), "
                           "file offline/touches/chain.csv row 6")
    assert chain[1][2] == (f"record {record('ch-4')} (offline, Trade Show Visit, 2026-01-08 10:00:00), "
                           "file offline/touches/chain.csv row 5")
    assert chain[2][2] == ("record user:usr_chain (app, user record, 2026-03-01 00:00:00), "
                           "file app/users/users.csv row 2")
    assert section(out, "shared identifiers on the way") == ["shared identifiers on the way (kept out of linking):",
                                                            "  none"]


def test_other_peoples_values_show_only_when_asked(warehouse):
    out = explain(warehouse, "--email", "chain.lead@chain-x.com", "--show-pii").stdout
    assert [(source, target) for source, target, _ in hops(out)][1] == (
        "phone +14152110002", "email chain.user@chain-x.com")


def test_a_user_id_and_the_users_own_email_end_at_the_user(warehouse):
    out = explain(warehouse, "--user-id", "usr_chain").stdout
    assert "chain to its user: none needed, the identifier is user_id usr_chain" in out
    # the typed email, written otherwise than in the file, normalizes and hashes to the same identifier
    out = explain(warehouse, "--email", "mailto:Chain.User@CHAIN-X.com").stdout
    assert [(s, t) for s, t, _ in hops(out)] == [("email chain.user@chain-x.com", "user_id usr_chain")]


def test_a_shared_phone_on_the_way_says_why_it_did_not_link(warehouse):
    out = explain(warehouse, "--email", "office.a@office-x.com").stdout
    assert [(s, t) for s, t, _ in hops(out)] == [("email office.a@office-x.com", "user_id usr_office")]
    shared = section(out, "shared identifiers on the way")
    assert shared[1] == "  phone +1********00: shared: used by 4 distinct names (limit 3)"
    assert shared[2] == (f"     in record {record('sh-1')} (offline, Trade Show Visit, 2026-01-10 10:00:00), "
                         "file offline/touches/office.csv row 2")
    # the phone itself: shared, a person of its own, linked to nobody
    out = explain(warehouse, "--phone", "(415) 212-0000").stdout
    assert "this identifier is shared and links nobody: shared: used by 4 distinct names (limit 3)" in out
    assert "user_id     (none: not linked to a user)" in out


def test_a_link_refused_between_two_users_is_listed_with_its_record(warehouse):
    out = explain(warehouse, "--email", "vera@conf-x.com").stdout
    assert [(s, t) for s, t, _ in hops(out)] == [("email vera@conf-x.com", "user_id usr_vera")]
    refused = section(out, "refused links touching this person")
    assert refused[1:] == [
        "  email vera@conf-x.com -- phone +1********02: "
        "refused: the record links identifiers of two users (usr_vera, usr_walt)",
        f"     record {record('rf-1')} (offline, Trade Show Visit, 2026-03-10 10:00:00), "
        "file offline/touches/conflict.csv row 2",
    ]
    # walt's side sees the same refused link
    out = explain(warehouse, "--user-id", "usr_walt").stdout
    assert "refused: the record links identifiers of two users (usr_vera, usr_walt)" in out


def test_a_merge_shows_in_the_id_history_and_a_retired_device_id_still_explains(warehouse):
    mia_person = sha256("person|email:" + sha256("merge.mia@merge-x.com"))
    max_person = sha256("person|email:" + sha256("merge.max@merge-x.com"))
    out = explain(warehouse, "--email", "merge.max@merge-x.com").stdout
    assert f"person      {mia_person}" in out
    assert section(out, "chain to")[0] == "chain to its anchor (no user) email m***@merge-x.com: 2 hop(s)"
    assert [(s, t, r.split(",")[0]) for s, t, r in hops(out)] == [
        ("email merge.max@merge-x.com", "phone +1********01", f"record {record('mg-3')} (offline"),
        ("phone +1********01", "email m***@merge-x.com", f"record {record('mg-1')} (offline"),
    ]
    history = section(out, "id history")
    assert len(history) == 2
    assert f"{max_person[:16]} -> {mia_person[:16]}" in history[1]
    assert history[1].endswith("merged: new evidence joined it to an older person, whose ids survive")
    # the retired device_id (the hash of max's email) leads to the survivor, and says so
    out = explain(warehouse, "--device-id", sha256("merge.max@merge-x.com")).stdout
    assert out.startswith(f"device_id {sha256('merge.max@merge-x.com')} was retired ")
    assert f"its person is now {mia_person}" in out
    # typed as a device_id, every email is someone else's: masked
    assert "identifier  email m***@merge-x.com" in out


def test_a_value_never_seen_says_so(warehouse):
    result = explain(warehouse, "--email", "ghost@nowhere-x.com")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "the project never linked this email: it is in no record of this warehouse (never seen)")
    result = explain(warehouse, "--device-id", "f" * 64)
    assert result.returncode == 2 and "was never seen" in result.stderr


def test_a_key_other_than_the_warehouses_is_refused_and_never_printed(warehouse):
    key = "explain-test-key-not-the-warehouses"
    result = explain(warehouse, "--email", "vera@conf-x.com", env={"IDENTITY_HASH_KEY": key})
    assert result.returncode == 2
    assert "IDENTITY_HASH_KEY does not match the key this warehouse was built with" in result.stderr
    assert key not in result.stdout + result.stderr


@pytest.mark.parametrize("build", ["scenarios", "demo"])
def test_python_normalization_agrees_with_the_warehouse(build, request):
    """Every value a build normalized, normalized again by explain's Python: the same text. The demo has the
    messy forms (`Name <address>`, `mailto:`, case, national and dotted phones, an extension)."""
    database = request.getfixturevalue("warehouse" if build == "scenarios" else "demo_build")
    database = database[0] if isinstance(database, tuple) else database
    emails = query(database, "select email_raw, email_normalized from staging.stg_identifiers__emails"
                             " where email_normalized is not null")
    assert len(emails) >= 10
    assert [(raw, normalize_email(raw)) for raw, _ in emails] == emails
    phones = query(database, "select phone_raw, coalesce(region_hint, 'US'), phone_e164"
                             " from staging.stg_identifiers__phones where phone_e164 is not null")
    assert any(raw != e164 for raw, _, e164 in phones)
    assert [(raw, region, normalize_phone(raw, region)) for raw, region, _ in phones] == phones


@pytest.fixture(scope="module")
def chain_sql(warehouse):
    """The macro identity_evidence_chain compiled once, its identifier a bind parameter."""
    result = run_dbt(["compile", "--quiet", "--output", "json", "--inline", "{{ identity_evidence_chain('?') }}"],
                     warehouse)
    return json.loads(result.stdout)["compiled"]


@pytest.mark.parametrize("typed", ["chain.lead@chain-x.com", "vera@conf-x.com", "merge.max@merge-x.com",
                                   "office.b@office-x.com"])
def test_the_macro_gives_the_same_chain_as_explain(warehouse, chain_sql, typed):
    """identity_evidence_chain (the chain for any engine) == explain's chain, hop by hop."""
    identifier_id = "email:" + sha256(typed)
    macro_hops = query(warehouse, f"select from_identifier_id, record_id, to_identifier_id, source_file,"
                                  f" source_row_number from ({chain_sql})", [identifier_id])
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        explanation = explain_identifier(connection, identifier_id)
    finally:
        connection.close()
    assert macro_hops == [(hop.source.identifier_id, hop.record.record_id, hop.target.identifier_id,
                           hop.record.source_file, hop.record.source_row_number) for hop in explanation.hops]
    assert len(macro_hops) == {"chain.lead@chain-x.com": 3, "vera@conf-x.com": 1, "merge.max@merge-x.com": 2,
                               "office.b@office-x.com": 0}[typed]
