"""The identity graph through the real pipeline: persons are the connected components of the evidence
(checked against networkx on seeded random graphs), and the guards keep shared identifiers and
evidence between two product users out of linking.

Two dbt builds: the scenario fixtures (tests/fixtures/graph/batch_1) and a batch of random graphs.
"""

import csv
import hashlib
import random
import shutil
from collections import defaultdict
from pathlib import Path

import networkx as nx
import phonenumbers
import pytest
import yaml

from conftest import PROJECT_ROOT, query, run_dbt

GRAPH_FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "graph"
TOUCH_HEADER = ["touch_id", "source", "event_type", "occurred_at", "email", "phone", "full_name", "properties"]
USER_HEADER = ["user_id", "email", "phone", "created_at"]
FIXTURE_TOUCH_SOURCE = "graph_fixture"


def project_var(name):
    """A var's default, as dbt_project.yml declares it."""
    project = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text(encoding="utf-8"))
    return project["vars"][name]


# ---------- ids as the pipeline computes them (normalized value -> sha256)

def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def email_id(email):
    return "email:" + sha256(email.lower())


def phone_id(e164):
    return "phone:" + sha256(e164)


def user_identifier_id(user_id):
    return "user_id:" + sha256(user_id)


def touch_record_id(touch_id, source=FIXTURE_TOUCH_SOURCE):
    return sha256(f"offline|{source}|{touch_id}")


# ---------- raw folders in the input layout


def raw_folder(target, *batches):
    """A raw folder holding the files of the given fixture batches (later batches add files)."""
    target.mkdir(parents=True, exist_ok=True)
    for batch in batches:
        shutil.copytree(GRAPH_FIXTURES / batch, target, dirs_exist_ok=True)
    return target


def write_csv(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def persons_by_identifier(database):
    """identifier_id -> (person_id, device_id, user_id) from dim_person_identifiers."""
    rows = query(database, "select identifier_id, person_id, device_id, user_id from dim_person_identifiers")
    return {row[0]: row[1:] for row in rows}


def partition(mapping):
    """The set of groups (frozensets of keys) of a key -> group mapping."""
    groups = defaultdict(set)
    for key, group in mapping.items():
        groups[group].add(key)
    return {frozenset(members) for members in groups.values()}


# ---------- the scenario fixtures


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("identity_scenarios")
    raw = raw_folder(workdir / "raw", "batch_1")
    database = workdir / "scenarios.duckdb"
    run_dbt(["build"], database, identity__raw_path=raw, identity__export_path=workdir / "exports")
    return database


def test_cascade_across_three_files_is_one_person(scenarios):
    persons = persons_by_identifier(scenarios)
    chain = [
        email_id("cascade.anna@cascade-example.com"),
        phone_id("+14152010001"),
        email_id("cascade.bea@cascade-example.com"),
        phone_id("+14152010002"),
    ]
    assert len({persons[node][0] for node in chain}) == 1
    # The anchor is the first-seen identifier: anna's email (ties with her phone: email first).
    assert persons[chain[0]][1] == sha256("cascade.anna@cascade-example.com")


def test_long_chain_converges_to_one_person(scenarios):
    persons = persons_by_identifier(scenarios)
    nodes = [email_id(f"chain.e{i}@chain-example.com") for i in range(101)]
    nodes += [phone_id(f"+1415301{i:04d}") for i in range(100)]
    assert {persons[node][0] for node in nodes} == {persons[nodes[0]][0]}
    (size,) = query(
        scenarios, "select identifier_count from dim_persons where person_id = ?", [persons[nodes[0]][0]]
    )[0]
    assert size == 201


def test_shared_office_phone_links_nobody_and_is_listed(scenarios):
    persons = persons_by_identifier(scenarios)
    office = phone_id("+14152020000")
    leads = [email_id(f"office.lead{k}@office-example.com") for k in range(1, 6)]
    assert len({persons[lead][0] for lead in leads}) == 5
    assert persons[office][0] not in {persons[lead][0] for lead in leads}
    rows = query(scenarios, "select shared_reason from identity_shared_identifiers where identifier_id = ?", [office])
    limit = project_var("identity__max_names_per_identifier")
    assert limit < 5, "the fixture's switchboard has 5 names: it must be over the project's limit"
    assert rows == [(f"shared: used by 5 distinct names (limit {limit})",)]
    # no edge through the switchboard was accepted
    (accepted,) = query(
        scenarios,
        """select count(*) from intermediate.int_identity_edges_accepted as accepted
        inner join intermediate.int_identity_edges as edges using (edge_id)
        where accepted.evidence_kind <> 'self' and ? in (edges.identifier_a_id, edges.identifier_b_id)""",
        [office],
    )[0]
    assert accepted == 0


def test_two_users_on_one_email_stay_apart(scenarios):
    persons = persons_by_identifier(scenarios)
    twins = email_id("twins@twin-example.com")
    first, second = user_identifier_id("usr_twin_1"), user_identifier_id("usr_twin_2")
    assert persons[first][0] != persons[second][0]
    assert persons[first][2] == "usr_twin_1" and persons[second][2] == "usr_twin_2"
    # the email is shared, in neither user's person, and listed with its reason
    assert persons[twins][0] not in {persons[first][0], persons[second][0]}
    assert persons[twins][2] is None
    rows = query(scenarios, "select shared_reason from identity_shared_identifiers where identifier_id = ?", [twins])
    assert rows == [("shared: belongs to 2 users",)]
    # a lead sharing user 1's own phone joins user 1 (one user reached: no conflict)
    assert persons[email_id("tina.twin@twin-example.com")][0] == persons[first][0]


def test_chain_between_two_users_is_refused_and_its_leads_stay_anonymous(scenarios):
    persons = persons_by_identifier(scenarios)
    vera, walt = persons[user_identifier_id("usr_vera")], persons[user_identifier_id("usr_walt")]
    assert vera[0] != walt[0]
    # lena's island (her email and the two phones she shares with vera's and walt's records)
    # reaches both users: it stays an anonymous person of its own
    island = [email_id("lena.link@lead-example.com"), phone_id("+14152040101"), phone_id("+14152040102")]
    assert len({persons[node][0] for node in island}) == 1
    assert persons[island[0]][0] not in {vera[0], walt[0]}
    assert persons[island[0]][2] is None
    # a lead phone seen only with vera joins vera
    assert persons[phone_id("+14152040103")][0] == vera[0]
    # walt's own phone, seen on a badge scan with vera's email, stays walt's
    assert persons[phone_id("+14152040002")][0] == walt[0]

    conflicts = dict(query(scenarios, "select record_id, reason from identity_conflicts"))
    through_island = "refused: through anonymous identifiers it would join users (usr_vera, usr_walt); those stay anonymous"
    assert conflicts == {
        touch_record_id("cf-1"): through_island,
        touch_record_id("cf-3"): through_island,
        touch_record_id("cf-6"): "refused: the record links identifiers of two users (usr_vera, usr_walt)",
        touch_record_id("cf-7"): through_island,
    }
    # the touches of lena's own records belong to the anonymous person: no user_id, her device. cf-7 also
    # holds walt's own phone: its person, device and user all come from lena's email, never the user from
    # the phone (that would link her device to walt in Amplitude)
    rows = query(
        scenarios,
        "select user_id, person_id, device_id from intermediate.int_touches_resolved where touch_id in (?, ?, ?)",
        [touch_record_id("cf-2"), touch_record_id("cf-4"), touch_record_id("cf-7")],
    )
    assert rows == [(None, persons[island[0]][0], persons[island[0]][1])] * 3


def test_graph_invariants_hold_on_the_scenarios(scenarios):
    (identifiers, person_rows) = query(
        scenarios,
        """select (select count(*) from intermediate.int_identifiers),
                  (select count(*) from dim_person_identifiers)""",
    )[0]
    assert identifiers == person_rows
    users_per_person = query(
        scenarios,
        """select max(user_count) from (
            select clustered.person_id, count(distinct identifiers.owner_user_id) as user_count
            from intermediate.int_identifiers_clustered as clustered
            inner join intermediate.int_identifiers as identifiers using (identifier_id)
            group by 1)""",
    )
    assert users_per_person == [(1,)]


def test_persons_are_the_components_of_the_accepted_edges(scenarios):
    """The guard refuses edges here, so int_identity_components takes the split components from
    int_identity_components_guarded and every other one from the unguarded components: the result must
    still be the connected components of every accepted edge."""
    (refused,) = query(scenarios, "select count(*) from intermediate.int_identity_edges_judged where not is_accepted")[0]
    assert refused > 0
    accepted = nx.Graph()
    accepted.add_edges_from(query(scenarios, "select node_a, node_b from intermediate.int_identity_edges_accepted"))
    components = dict(query(scenarios, "select node_id, component_id from intermediate.int_identity_components"))
    assert partition(components) == {frozenset(component) for component in nx.connected_components(accepted)}
    # and each component is named after its smallest node
    assert all(component_id == min(node for node, c in components.items() if c == component_id)
               for component_id in set(components.values()))


# ---------- property test: persons == networkx connected components of the same evidence


GRAPH_COUNT = 60
SEED = 20261128


def valid_phones(rng, count, exchange_base):
    """`count` distinct valid US numbers in E.164."""
    phones = []
    exchange = exchange_base
    while len(phones) < count:
        number = f"+1415{exchange:03d}{rng.randrange(10000):04d}"
        if number not in phones and phonenumbers.is_valid_number(phonenumbers.parse(number)):
            phones.append(number)
        exchange = exchange_base + (exchange - exchange_base + 1) % 50
    return phones


def random_evidence(seed, graphs=GRAPH_COUNT):
    """Touch and user rows of `graphs` independent random graphs, plus the networkx graph of the
    same evidence (nodes are identifier ids). Names are constant per true person and users
    never share a component, so no guard applies."""
    rng = random.Random(seed)
    truth = nx.Graph()
    touch_rows, user_rows = [], []
    for graph in range(graphs):
        emails = [f"g{graph}e{k}@prop-example.com" for k in range(rng.randint(1, 12))]
        phones = valid_phones(rng, rng.randint(1, 12), 200 + (graph % 15) * 50)
        records = []
        for _ in range(rng.randint(1, 18)):
            email = rng.choice(emails) if rng.random() < 0.8 else ""
            phone = rng.choice(phones) if rng.random() < 0.7 or not email else ""
            records.append((email, phone))
        lead_graph = nx.Graph()
        for email, phone in records:
            nodes = [node for node in (email and email_id(email), phone and phone_id(phone)) if node]
            lead_graph.add_nodes_from(nodes)
            if len(nodes) == 2:
                lead_graph.add_edge(*nodes)
        component_of = {}
        for index, component in enumerate(nx.connected_components(lead_graph)):
            for node in component:
                component_of[node] = index
        for number, (email, phone) in enumerate(records):
            node = email_id(email) if email else phone_id(phone)
            name = f"Person {graph} {component_of[node]}"
            when = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00Z"
            touch_rows.append((f"g{graph}r{number}", "prop", "Trade Show Visit", when, email, phone, name, "{}"))
        truth.add_nodes_from(lead_graph.nodes)
        truth.add_edges_from(lead_graph.edges)
        # one product user in some components, holding one of its emails (and maybe a new phone)
        components = sorted(nx.connected_components(lead_graph), key=sorted)
        for index, component in enumerate(components):
            component_emails = sorted(e for e in emails if email_id(e) in component)
            if not component_emails or rng.random() > 0.4:
                continue
            user_id = f"usr_g{graph}c{index}"
            email = rng.choice(component_emails)
            phone = f"+1212{600 + graph % 300:03d}{index:04d}" if rng.random() < 0.5 else ""
            if phone and not phonenumbers.is_valid_number(phonenumbers.parse(phone)):
                phone = ""
            user_rows.append((user_id, email, phone, "2026-06-01T00:00:00Z"))
            star = [user_identifier_id(user_id), email_id(email)] + ([phone_id(phone)] if phone else [])
            truth.add_nodes_from(star)
            truth.add_edges_from((star[0], node) for node in star[1:])
    return touch_rows, user_rows, truth


def write_random_raw(raw, touch_rows, user_rows, seed):
    """The rows split over several files, in a shuffled order."""
    rng = random.Random(seed)
    rows = list(touch_rows)
    rng.shuffle(rows)
    files = 4
    for index in range(files):
        write_csv(raw / "offline" / "touches" / f"random_{index}.csv", TOUCH_HEADER, rows[index::files])
    write_csv(raw / "app" / "users" / "users.csv", USER_HEADER, user_rows)


GRAPH_RELATIONS = "+dim_person_identifiers +identity_shared_identifiers +identity_conflicts"


def test_random_graphs_match_networkx_components(tmp_path):
    touch_rows, user_rows, truth = random_evidence(SEED)
    raw = tmp_path / "raw"
    write_random_raw(raw, touch_rows, user_rows, SEED)
    database = tmp_path / "random.duckdb"
    # no guard applies: names are constant per person, and the emails-per-phone limit is lifted; only the
    # graph's models and their tests are built (no touch marts or exports: nothing here reads them)
    run_dbt(
        ["build", "--select", GRAPH_RELATIONS, "--indirect-selection", "cautious"],
        database,
        identity__raw_path=raw,
        identity__export_path=tmp_path / "exports",
        identity__max_emails_per_phone=100000,
    )
    assert query(database, "select count(*) from identity_shared_identifiers") == [(0,)]
    assert query(database, "select count(*) from identity_conflicts") == [(0,)]

    persons = persons_by_identifier(database)
    assert set(persons) == set(truth.nodes)
    expected = {frozenset(component) for component in nx.connected_components(truth)}
    assert partition({node: value[0] for node, value in persons.items()}) == expected
    # each person's user is the user of its component; device ids are distinct per person
    for component in nx.connected_components(truth):
        users = {node for node in component if node.startswith("user_id:")}
        person_users = {persons[node][2] for node in component}
        assert len(person_users) == 1
        assert (person_users.pop() is None) == (not users)
    devices = {value[0]: value[1] for value in persons.values()}
    assert len(set(devices.values())) == len(devices)
    assert len(expected) > GRAPH_COUNT  # the random graphs are not all connected
    assert max(len(component) for component in expected) >= 10
