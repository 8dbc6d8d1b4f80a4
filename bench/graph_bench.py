"""Benchmark the connected_components materialization against scipy.

Generates a synthetic identity graph shaped like a real one (the shape
used when the method was chosen): many persons with heavy-tailed
sizes (2 to 200 identifiers), duplicate edges, 5% isolated identifiers
(self-loops only), 50 hub identifiers (switchboards, test@test.com) that
join about 10 large components, and one 1,000-node chain. Node ids are
dense (0..n-1) but randomly permuted, as a dense id per deduplicated hash
would be.

It builds models/qa/qa_graph_components.sql through dbt on that edge table,
runs scipy.sparse.csgraph.connected_components on the same edges in the
same process, checks that both partitions are equal and prints the ratio.

    python bench/graph_bench.py --edges 1000000
    python bench/graph_bench.py --edges 1000000 --markdown BENCHMARKS.md

With --markdown it also writes (or replaces) its own section of the report,
between the markers <!-- bench graph edges=N start/end -->; `make bench`
runs it so at 1M edges after bench/run_bench.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests_py"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_bench import HEADER, TARGETS, machine, verdict  # noqa: E402
from graph_fixtures import (  # noqa: E402
    dbt_output,
    model_execution_time,
    read_components,
    run_dbt,
    write_edges,
)

HUB_COUNT = 50
LARGE_COMPONENTS = 10
CHAIN_LENGTH = 1_000
ISOLATED_SHARE = 0.05
DUPLICATE_SHARE = 0.10


def person_sizes(rng: np.random.Generator, edge_budget: int) -> np.ndarray:
    """Heavy-tailed person sizes in [2, 200] whose edges fill the budget."""
    sizes = []
    edges = 0
    while edges < edge_budget:
        chunk = np.clip(
            np.floor(2 * (1 + rng.pareto(1.3, 100_000))), 2, 200
        ).astype(np.int64)
        chunk_edges = np.cumsum(chunk - 1 + chunk // 2)
        keep = np.searchsorted(chunk_edges, edge_budget - edges) + 1
        sizes.append(chunk[:keep])
        edges += int(chunk_edges[min(keep, len(chunk)) - 1])
    return np.concatenate(sizes)


def identity_graph(edge_count: int, seed: int = 42):
    """(node_a, node_b) int64 arrays of about edge_count edges."""
    rng = np.random.default_rng(seed)
    core_budget = int(edge_count / (1 + DUPLICATE_SHARE) * 0.93)
    sizes = person_sizes(rng, core_budget)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    person_nodes = int(sizes.sum())

    # a random spanning tree inside each person, plus size // 2 extra edges
    member_person = np.repeat(np.arange(len(sizes)), sizes)
    member_rank = np.arange(person_nodes) - starts[member_person]
    has_parent = member_rank > 0
    child = np.arange(person_nodes)[has_parent]
    parent = starts[member_person[has_parent]] + np.floor(
        rng.random(child.size) * member_rank[has_parent]
    ).astype(np.int64)
    extra_person = np.repeat(np.arange(len(sizes)), sizes // 2)
    extra_a = starts[extra_person] + np.floor(
        rng.random(extra_person.size) * sizes[extra_person]
    ).astype(np.int64)
    extra_b = starts[extra_person] + np.floor(
        rng.random(extra_person.size) * sizes[extra_person]
    ).astype(np.int64)

    node_count = person_nodes
    # hubs: each of the 10 large components gets 5 hubs, each hub linked
    # to one identifier in each of many persons
    hubs = np.arange(node_count, node_count + HUB_COUNT)
    node_count += HUB_COUNT
    hub_links = max(edge_count // 500, 20)
    hub_a = np.repeat(hubs, hub_links)
    group = np.repeat(np.arange(HUB_COUNT) % LARGE_COMPONENTS, hub_links)
    persons_per_group = max(len(sizes) // LARGE_COMPONENTS, 1)
    linked_person = np.minimum(
        group * persons_per_group
        + rng.integers(0, persons_per_group, hub_a.size),
        len(sizes) - 1,
    )
    hub_b = starts[linked_person]

    # one chain
    chain = np.arange(node_count, node_count + CHAIN_LENGTH)
    node_count += CHAIN_LENGTH

    # isolated identifiers: self-loops only, 5% of all identifiers
    isolated_count = int(node_count * ISOLATED_SHARE / (1 - ISOLATED_SHARE))
    isolated = np.arange(node_count, node_count + isolated_count)
    node_count += isolated_count

    node_a = np.concatenate([child, extra_a, hub_a, chain[:-1], isolated])
    node_b = np.concatenate([parent, extra_b, hub_b, chain[1:], isolated])

    # duplicates (half of them reversed)
    duplicates = rng.integers(0, node_a.size, int(node_a.size * DUPLICATE_SHARE))
    reverse = rng.random(duplicates.size) < 0.5
    dup_a = np.where(reverse, node_b[duplicates], node_a[duplicates])
    dup_b = np.where(reverse, node_a[duplicates], node_b[duplicates])
    node_a = np.concatenate([node_a, dup_a])
    node_b = np.concatenate([node_b, dup_b])

    # dense ids in random order; shuffle the rows too
    relabel = rng.permutation(node_count).astype(np.int64)
    order = rng.permutation(node_a.size)
    return relabel[node_a[order]], relabel[node_b[order]], node_count


def scipy_components(node_a, node_b, node_count):
    """Labels per node (0..node_count-1), timing matrix build + components."""
    started = time.perf_counter()
    matrix = coo_matrix(
        (np.ones(node_a.size, dtype=np.int8), (node_a, node_b)),
        shape=(node_count, node_count),
    ).tocsr()
    _, labels = connected_components(matrix, directed=False)
    return labels, time.perf_counter() - started


def scipy_components_from_hashes(node_a, node_b):
    """Timing of scipy when ids are hash-like: densify with np.unique first.

    This is how the reference measurement had to feed scipy (its ids were
    random 64-bit values); printed for comparison only.
    """
    started = time.perf_counter()
    unique_ids, dense = np.unique(
        np.concatenate([node_a, node_b]), return_inverse=True
    )
    matrix = coo_matrix(
        (
            np.ones(node_a.size, dtype=np.int8),
            (dense[: node_a.size], dense[node_a.size :]),
        ),
        shape=(unique_ids.size, unique_ids.size),
    ).tocsr()
    connected_components(matrix, directed=False)
    return time.perf_counter() - started


def markdown_section(record: dict) -> str:
    """The report's section of one graph-only run."""
    r = record
    m = r["machine"]
    edges = r["target_edges"]
    ratio = r["ratio"]
    lines = [
        f"<!-- bench graph edges={edges} start -->",
        f"## Graph step alone, {edges:,} edges (`bench/graph_bench.py`)",
        "",
        f"- date: {r['date']}",
        f"- command: `{r['command']}`",
        f"- machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GiB RAM, {m['os']},"
        f" Python {m['python']}; load average at start "
        + ", ".join(f"{x:.1f}" for x in m["load_average_at_start"]),
        "- versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        f"- data: the generated identity graph of `bench/graph_bench.py` (seed {r['seed']}):"
        f" {r['edge_rows']:,} edge rows, {r['nodes']:,} nodes, {r['components']:,} components,"
        f" the largest {r['largest_component']:,} nodes; dense ids in random order",
        f"- graph step: `models/qa/qa_graph_components.sql` (materialization"
        f" `connected_components`, {r['rounds']} rounds) built by `dbt run`, its `execution_time`"
        f" from `run_results.json`, median of {len(r['graph_runs'])} runs; scipy"
        " (`coo_matrix(...).tocsr()` + `connected_components`) on the same edges in the same"
        f" process, median of {len(r['scipy_runs'])}; both partitions equal (checked, else no report)",
        "",
        "| measure | value | target | |",
        "|---|---|---|---|",
        f"| graph step / scipy | {ratio:.1f}x | ≤ {TARGETS['graph_vs_scipy']:.0f}x |"
        f" {verdict(ratio, TARGETS['graph_vs_scipy'])} |",
        f"| graph step / scipy with `np.unique` id densifying first | {r['ratio_with_densify']:.1f}x |"
        " | for comparison with the reference's scipy (hash-like ids) |",
        "",
        "| step | seconds |",
        "|---|---|",
        f"| graph step (median; runs: {', '.join(f'{x:.2f}' for x in r['graph_runs'])}) |"
        f" {r['graph_seconds']:.2f} |",
        f"| `dbt run` of the model, wall (median) | {r['dbt_wall_seconds']:.2f} |",
        f"| scipy (median) | {r['scipy_seconds']:.2f} |",
        f"| scipy with `np.unique` first (median) | {r['scipy_densify_seconds']:.2f} |",
        f"<!-- bench graph edges={edges} end -->",
    ]
    return "\n".join(lines) + "\n"


def write_markdown(record: dict, path: Path) -> None:
    """Replace (or add) this edge count's section, keeping the rest."""
    path = Path(path)
    text = path.read_text() if path.exists() else HEADER
    section = markdown_section(record)
    edges = record["target_edges"]
    start = f"<!-- bench graph edges={edges} start -->"
    end = f"<!-- bench graph edges={edges} end -->\n"
    if start in text and end in text:
        text = text[: text.index(start)] + section + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--repeat", type=int, default=3, help="dbt runs (median is reported)"
    )
    parser.add_argument("--work-dir", type=Path, default=None)
    parser.add_argument(
        "--markdown",
        type=Path,
        default=None,
        help="write (or replace) this run's section in this report, e.g. BENCHMARKS.md",
    )
    args = parser.parse_args()
    date = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    machine_at_start = machine()

    # absolute: dbt runs in the project directory, this script may not
    work_dir = (args.work_dir or Path(tempfile.mkdtemp(prefix="graph_bench_"))).resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    database = work_dir / "graph_bench.duckdb"
    database.unlink(missing_ok=True)

    node_a, node_b, node_count = identity_graph(args.edges, args.seed)
    print(f"edges: {node_a.size:,}, nodes: {node_count:,}")
    write_edges(database, node_a, node_b)

    graph_times, wall_times, rounds = [], [], None
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = run_dbt(["run", "--select", "qa_graph_components"], database, work_dir)
        wall_times.append(time.perf_counter() - started)
        if result.returncode != 0:
            print(dbt_output(result))
            return 1
        graph_times.append(model_execution_time(work_dir))
        found = re.search(r"(\d+) contraction rounds", result.stdout)
        rounds = int(found.group(1)) if found else None

    scipy_times, scipy_hash_times = [], []
    for _ in range(max(args.repeat, 3)):
        labels, elapsed = scipy_components(node_a, node_b, node_count)
        scipy_times.append(elapsed)
        scipy_hash_times.append(scipy_components_from_hashes(node_a, node_b))

    # same partition: component_id must be the smallest node of scipy's
    # component for every node
    smallest = np.full(labels.max() + 1, np.iinfo(np.int64).max)
    np.minimum.at(smallest, labels, np.arange(node_count))
    node_ids, component_ids = read_components(database)
    expected = smallest[labels[node_ids]]
    if node_ids.size != node_count or not np.array_equal(component_ids, expected):
        print("MISMATCH: the materialization's partition differs from scipy's")
        return 1

    graph_time = statistics.median(graph_times)
    scipy_time = statistics.median(scipy_times)
    print(
        f"components: {len(np.unique(labels)):,}, largest: "
        f"{np.bincount(labels).max():,} nodes; partitions equal"
    )
    print(
        "graph step runs: "
        + ", ".join(f"{value:.2f}" for value in graph_times)
        + f" s; dbt invocation wall time: {statistics.median(wall_times):.2f} s"
    )
    print(
        "scipy with np.unique id densifying first (as for hash-like ids): "
        f"{statistics.median(scipy_hash_times):.2f} s, ratio: "
        f"{graph_time / statistics.median(scipy_hash_times):.1f}"
    )
    print(
        f"graph step: {graph_time:.2f} s, scipy: {scipy_time:.2f} s, "
        f"ratio: {graph_time / scipy_time:.1f}, rounds: {rounds}"
    )
    if args.markdown is not None:
        component_sizes = np.bincount(labels)
        write_markdown(
            {
                "date": date,
                "command": " ".join(["python bench/graph_bench.py", *sys.argv[1:]]),
                "machine": machine_at_start,
                "target_edges": args.edges,
                "seed": args.seed,
                "edge_rows": int(node_a.size),
                "nodes": int(node_count),
                "components": int(component_sizes.size),
                "largest_component": int(component_sizes.max()),
                "rounds": rounds,
                "partitions_equal": True,
                "graph_runs": graph_times,
                "graph_seconds": graph_time,
                "dbt_wall_seconds": statistics.median(wall_times),
                "scipy_runs": scipy_times,
                "scipy_seconds": scipy_time,
                "scipy_densify_seconds": statistics.median(scipy_hash_times),
                "ratio": graph_time / scipy_time,
                "ratio_with_densify": graph_time / statistics.median(scipy_hash_times),
            },
            args.markdown,
        )
        print(f"report: {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
