"""Property tests of the connected_components materialization.

Sixty random graphs (chains, stars, cycles, trees, dense blobs, isolated
self-loop nodes, duplicate edges), disjoint by construction, are written
into ONE edge table and built in ONE dbt invocation; the result is compared
with networkx partition by partition, and component_id must be the smallest
node id of each component.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from graph_fixtures import (
    MAX_NODE_ID,
    QA_MODEL,
    build_components,
    dbt_output,
    leftover_work_tables,
    read_components,
    temporary_work_tables_created,
    temporary_work_tables_left,
    write_edges,
)

GRAPH_COUNT = 60
SHAPES = ("chain", "star", "cycle", "tree", "random", "self_loops", "mixed")


def _shape_edges(rng: np.random.Generator, shape: str, size: int):
    """Edges over local ids 0..size-1 for one graph of the given shape."""
    nodes = np.arange(size)
    if shape == "chain":
        return nodes[:-1], nodes[1:]
    if shape == "star":
        hubs = rng.integers(1, 4)
        return rng.integers(0, hubs, size), nodes
    if shape == "cycle":
        return nodes, np.roll(nodes, 1)
    if shape == "tree":
        parents = (rng.random(size) * nodes).astype(np.int64)
        return parents[1:], nodes[1:]
    if shape == "self_loops":
        return nodes, nodes
    if shape == "random":
        count = int(size * rng.uniform(0.3, 2.0))
        return rng.integers(0, size, count), rng.integers(0, size, count)
    # mixed: a chain, a star and random edges on the same nodes, some
    # nodes only with a self-loop
    half = max(size // 2, 1)
    node_a = [nodes[: half - 1], np.zeros(half // 3, dtype=np.int64)]
    node_b = [nodes[1:half], rng.integers(0, half, half // 3)]
    count = size // 4
    node_a.append(rng.integers(half, size, count))
    node_b.append(rng.integers(half, size, count))
    node_a.append(nodes[half:])
    node_b.append(nodes[half:])
    return np.concatenate(node_a), np.concatenate(node_b)


def _random_graphs(seed: int = 7):
    """Disjoint graphs as (node_a, node_b) arrays with global node ids."""
    rng = np.random.default_rng(seed)
    graphs = []
    offset = 0
    for index in range(GRAPH_COUNT):
        shape = SHAPES[index % len(SHAPES)]
        size = int(rng.integers(1, 2001))
        if index in (0, 1):
            shape, size = "chain", 10_000
        node_a, node_b = _shape_edges(rng, shape, size)
        # duplicate some edges, reversed, so the input is a multigraph
        repeats = rng.integers(0, max(len(node_a), 1), len(node_a) // 5)
        node_a, node_b = (
            np.concatenate([node_a, node_b[repeats]]),
            np.concatenate([node_b, node_a[repeats]]),
        )
        # graph 0 keeps its ids sorted along the chain (the worst case of
        # min-label propagation); the others get a random relabelling
        labels = np.arange(size) if index == 0 else rng.permutation(size)
        if index == GRAPH_COUNT - 1:
            base = MAX_NODE_ID - size + 1  # touch the largest allowed id
        else:
            base = offset
        graphs.append((labels[node_a] + base, labels[node_b] + base, shape))
        offset += size + int(rng.integers(0, 5))
    assert offset < MAX_NODE_ID - 2_000
    return graphs


def _expected_components(node_a, node_b) -> dict[int, int]:
    graph = nx.Graph()
    graph.add_edges_from(zip(node_a.tolist(), node_b.tolist()))
    expected = {}
    for component in nx.connected_components(graph):
        smallest = min(component)
        for node in component:
            expected[node] = smallest
    return expected


@pytest.fixture(scope="module")
def built_graphs(tmp_path_factory):
    work_dir = tmp_path_factory.mktemp("graph_property")
    database = work_dir / "graph.duckdb"
    graphs = _random_graphs()
    node_a = np.concatenate([graph[0] for graph in graphs])
    node_b = np.concatenate([graph[1] for graph in graphs])
    write_edges(database, node_a, node_b)
    result = build_components(database, work_dir)
    assert result.returncode == 0, dbt_output(result)
    node_ids, component_ids = read_components(database)
    components = dict(zip(node_ids.tolist(), component_ids.tolist()))
    return graphs, components, database, work_dir


def test_every_graph_matches_networkx(built_graphs):
    graphs, actual, _, _ = built_graphs
    assert len(actual) == sum(len(np.union1d(g[0], g[1])) for g in graphs)
    for index, (node_a, node_b, shape) in enumerate(graphs):
        expected = _expected_components(node_a, node_b)
        got = {node: actual.get(node) for node in expected}
        assert got == expected, f"graph {index} ({shape}) differs from networkx"
        # partition by partition: group the result and compare as sets
        expected_parts = {frozenset(part) for part in _group(expected)}
        actual_parts = {frozenset(part) for part in _group(got)}
        assert actual_parts == expected_parts, f"graph {index} ({shape})"


def test_component_id_is_smallest_member(built_graphs):
    _, actual, _, _ = built_graphs
    members: dict[int, list[int]] = {}
    for node, component in actual.items():
        members.setdefault(component, []).append(node)
    for component, nodes in members.items():
        assert component == min(nodes)


def test_self_loop_only_nodes_are_singletons(built_graphs):
    graphs, actual, _, _ = built_graphs
    for node_a, node_b, shape in graphs:
        if shape == "self_loops":
            for node in node_a.tolist():
                assert actual[node] == node


def _assert_cleaned_up(database, work_dir, runs: int):
    """No work table in the file, none left on the model's connection."""
    assert leftover_work_tables(database) == []
    # on DuckDB the work tables are temporary: created on the model's
    # connection, never in the database file ...
    created = temporary_work_tables_created(work_dir)
    assert created, "no temporary work table in dbt's log"
    assert all(name.startswith(QA_MODEL + "__cc_") for name in created), created
    assert any(name.endswith("_input") for name in created), created
    # ... and dropped by the materialization before the connection closes
    left = temporary_work_tables_left(work_dir)
    assert len(left) == runs, left
    assert left == [[]] * runs, left


def test_no_work_tables_left(built_graphs):
    _, _, database, work_dir = built_graphs
    _assert_cleaned_up(database, work_dir, runs=1)


def test_result_does_not_depend_on_seed(tmp_path):
    rng = np.random.default_rng(11)
    node_a = rng.integers(0, 3_000, 2_500)
    node_b = rng.integers(0, 3_000, 2_500)
    write_edges(tmp_path / "seeded.duckdb", node_a, node_b)
    results = []
    for seed in (1, 987654321):
        result = build_components(
            tmp_path / "seeded.duckdb",
            tmp_path / f"run_{seed}",
            {"identity__graph_seed": seed},
        )
        assert result.returncode == 0, dbt_output(result)
        node_ids, component_ids = read_components(tmp_path / "seeded.duckdb")
        results.append(dict(zip(node_ids.tolist(), component_ids.tolist())))
    assert results[0] == results[1]
    assert results[0] == _expected_components(node_a, node_b)


def test_max_round_guard_fails_loudly(tmp_path):
    database = tmp_path / "guard.duckdb"
    chain = np.arange(1_000)
    write_edges(database, chain[:-1], chain[1:])
    result = build_components(
        database, tmp_path, {"identity__graph_max_rounds": 1}
    )
    output = dbt_output(result)
    assert result.returncode != 0, output
    assert "max-round guard tripped" in output, output
    assert "identity__graph_max_rounds = 1" in output, output
    _assert_cleaned_up(database, tmp_path, runs=1)


@pytest.mark.parametrize("bad_id", [MAX_NODE_ID + 1, -1])
def test_node_ids_outside_the_hash_domain_are_rejected(tmp_path, bad_id):
    database = tmp_path / "range.duckdb"
    write_edges(database, [1, 2, bad_id], [2, 3, 4])
    result = build_components(database, tmp_path)
    output = dbt_output(result)
    assert result.returncode != 0, output
    assert f"integers in [0, {MAX_NODE_ID}]" in output, output
    _assert_cleaned_up(database, tmp_path, runs=1)


def _group(mapping: dict[int, int]):
    parts: dict[int, set[int]] = {}
    for node, component in mapping.items():
        parts.setdefault(component, set()).add(node)
    return parts.values()
