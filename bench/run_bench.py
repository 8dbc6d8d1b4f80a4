"""`make bench`: the pipeline on synthetic exports, measured against two references in the same run.

    python bench/run_bench.py                   # 1M touch rows
    python bench/run_bench.py --rows 10000000   # 10M (long; peak memory is the point)

Steps, all on this machine and in this run:
1. generate the raw exports (reused when the same rows and seed were generated before);
2. the floor: DuckDB reads every raw file and hashes every distinct identifier once (median of 3);
3. a full `dbt build` into a fresh database: wall time, per-model times (target/run_results.json), peak RSS;
   and dbt's fixed cost: the same `dbt build` on the bundled demo (a few dozen rows), whose time is parse,
   seeds, ~40 models and ~170 tests with almost no data, paid by every run whatever its size;
4. scipy.sparse.csgraph.connected_components on the edges the build wrote (int_identity_edges);
5. an incremental run, as a scheduled job's: 1% new rows arrive as new files in the same raw folder, and
   `dbt build` runs again with the same database, vars and target folder (so dbt's partial parse applies);
6. ratios and targets, printed and written to BENCHMARKS.md (and a JSON record under the run folder).

Benchmarks are not tests: nothing here runs under pytest.
"""

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from importlib import metadata
from pathlib import Path

import path_savings

ROOT = Path(__file__).resolve().parents[1]
GRAPH_MODELS = (
    "int_identity_components_unguarded", "int_identity_components_guarded", "int_identity_components",
)
LOADER_PREFIX = "base_"
TARGETS = {
    "end_to_end_vs_floor": 5.0,
    "graph_vs_scipy": 10.0,
    "incremental_vs_full": 0.15,
    "peak_memory_gb_10m": 8.0,
}


# ---------------------------------------------------------------- data


def generate(rows, seed, chain_persons, data_root):
    """The base raw folder for (rows, seed), generated once and then reused."""
    folder = Path(data_root) / f"rows{rows}_seed{seed}_chain{chain_persons}"
    done = folder / "generated.json"
    if done.exists():
        return folder / "raw", json.loads(done.read_text()) | {"reused": True}
    if folder.exists():
        shutil.rmtree(folder)
    started = time.perf_counter()
    stats = _generator(["--rows", str(rows), "--seed", str(seed), "--chain-persons", str(chain_persons),
                        "--out", str(folder / "raw")])
    stats["seconds"] = round(time.perf_counter() - started, 1)
    done.write_text(json.dumps(stats))
    return folder / "raw", stats


def _generator(args):
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "generate_exports.py"), *args],
                            check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def raw_size(raw):
    files = [p for p in Path(raw).rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def live_folder(base_raw, run_dir):
    """The raw folder the runs read, as a scheduled job's: every base file, symlinked (the base stays reusable)."""
    live = run_dir / "raw"
    for path in Path(base_raw).rglob("*"):
        if path.is_file():
            target = live / path.relative_to(base_raw)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(path.resolve())
    return live


def add_increment(live, rows, seed, chain_persons):
    """1% new rows, as new files in the live folder (the generator's stats)."""
    return _generator(["--rows", str(rows), "--seed", str(seed), "--chain-persons", str(chain_persons),
                       "--out", str(live), "--increment", "inc1", "--increment-rows", str(max(1, rows // 100))])


# ---------------------------------------------------------------- floor


FLOOR_SQL = """
with
zoom as (
    -- multi-section files read as raw records; Email and Phone are columns 5 and 6 of attendee rows
    select c4 as email, c5 as phone
    from read_csv('{raw}/zoom/attendee_reports/*', header = false,
                  null_padding = true, auto_detect = false, strict_mode = false,
                  columns = {zoom_columns})
),
calls as (
    select c8 as phone_from, c10 as phone_to
    from read_csv('{raw}/ringcentral/call_log/*', header = true, null_padding = true, auto_detect = false,
                  strict_mode = false, columns = {call_columns})
),
users as (
    select c1 as email, c2 as phone
    from read_csv('{raw}/app/users/*', header = true, null_padding = true, auto_detect = false,
                  strict_mode = false, columns = {user_columns})
),
touches as (
    select c4 as email, c5 as phone
    from read_csv('{raw}/offline/touches/*', header = true, null_padding = true, auto_detect = false,
                  strict_mode = false, columns = {touch_columns})
),
identifiers as (
    select email as value from zoom union all select phone from zoom
    union all select phone_from from calls union all select phone_to from calls
    union all select email from users union all select phone from users
    union all select email from touches union all select phone from touches
),
hashed as (
    select sha256(value) as identifier_sha256
    from (select distinct value from identifiers where value is not null and value <> '')
)
select count(*), (select count(*) from identifiers) from hashed
"""


def floor(raw, repeats=3):
    """Seconds for DuckDB to read every file and hash every distinct identifier once (median)."""
    import duckdb

    def columns(n):
        return "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(n)) + "}"

    # explicit all-VARCHAR columns: no sniffing, ragged rows padded, as a loader that only reads would do
    sql = FLOOR_SQL.format(raw=Path(raw).as_posix(), zoom_columns=columns(24), call_columns=columns(12),
                           user_columns=columns(4), touch_columns=columns(8))
    times, counts = [], None
    for _ in range(repeats):
        connection = duckdb.connect()
        connection.execute("set enable_progress_bar = false")
        started = time.perf_counter()
        counts = connection.execute(sql).fetchone()
        times.append(time.perf_counter() - started)
        connection.close()
    return {"seconds": statistics.median(times), "runs": times, "distinct_identifiers": counts[0],
            "identifier_values": counts[1]}


# ---------------------------------------------------------------- dbt


def dbt_build(database, raw, exports, target_path, log_path, label):
    """Run `dbt build` as a child process: wall seconds, peak RSS (bytes), exit code, run_results.

    Runs that share a target path and vars reuse dbt's partial parse, as a scheduled job does.
    """
    env = {**os.environ, "DBT_DUCKDB_PATH": str(database), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    dbt = Path(sys.executable).with_name("dbt")
    command = [str(dbt) if dbt.exists() else "dbt", "build",
               "--vars", json.dumps({"identity__raw_path": str(raw), "identity__export_path": str(exports)}),
               "--target-path", str(target_path), "--log-path", str(log_path)]
    started = time.perf_counter()
    Path(log_path).mkdir(parents=True, exist_ok=True)
    with open(Path(log_path).parent / f"{label}.stdout", "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        sampler = RssSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        sampler.stop = True
        sampler.join()
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if not (Path(target_path) / "run_results.json").exists():
        raise SystemExit(f"dbt build wrote no run_results.json (exit {process.returncode}); see {out.name}")
    results = json.loads((Path(target_path) / "run_results.json").read_text())
    manifest = json.loads((Path(target_path) / "manifest.json").read_text())
    nodes = _node_times(results, manifest)
    for node in nodes:
        window = [rss for at, rss in sampler.samples if node["started"] <= at <= node["completed"]]
        node["max_rss_bytes_while_running"] = max(window, default=None)
    return {
        "seconds": seconds,
        "peak_rss_bytes": usage.ru_maxrss * 1024,  # Linux reports kilobytes
        "exit_code": process.returncode,
        "nodes": nodes,
    }


class RssSampler(threading.Thread):
    """Samples a process's resident set size (from /proc) to attribute memory to the models running."""

    def __init__(self, pid, interval=0.2):
        super().__init__(daemon=True)
        self.pid, self.interval, self.stop, self.samples = pid, interval, False, []

    def run(self):
        status = Path(f"/proc/{self.pid}/status")
        while not self.stop:
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        self.samples.append((time.time(), int(line.split()[1]) * 1024))
                        break
            except (OSError, ValueError):
                pass
            time.sleep(self.interval)


def _epoch(timestamp):
    return dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00")).replace(tzinfo=dt.timezone.utc).timestamp()


def _node_times(results, manifest):
    nodes = []
    for result in results["results"]:
        unique_id = result["unique_id"]
        path = manifest["nodes"].get(unique_id, {}).get("original_file_path", "")
        parts = Path(path).parts
        execute = [t for t in result.get("timing", []) if t.get("name") == "execute" and t.get("started_at")]
        started = _epoch(execute[0]["started_at"]) if execute else 0.0
        completed = _epoch(execute[0]["completed_at"]) if execute else 0.0
        nodes.append({
            "unique_id": unique_id,
            "kind": unique_id.split(".")[0],
            "name": unique_id.split(".")[2] if unique_id.count(".") >= 2 else unique_id,
            # models/<layer>/...: staging, intermediate, marts, exports, audit
            "layer": parts[1] if len(parts) > 2 and parts[0] == "models" else "",
            "status": result["status"],
            "seconds": result["execution_time"],
            "started": started,
            "completed": completed,
        })
    return nodes


def model_seconds(build, names):
    return sum(node["seconds"] for node in build["nodes"] if node["kind"] == "model" and node["name"] in names)


def summarize_build(build):
    by_kind = {}
    for node in build["nodes"]:
        by_kind[node["kind"]] = by_kind.get(node["kind"], 0.0) + node["seconds"]
    models = sorted((n for n in build["nodes"] if n["kind"] == "model"), key=lambda n: -n["seconds"])
    loaders = sum(n["seconds"] for n in models if n["name"].startswith(LOADER_PREFIX))
    failed = [n["name"] for n in build["nodes"] if n["status"] not in ("success", "pass")]
    by_layer = {}
    for node in models:
        by_layer[node["layer"]] = by_layer.get(node["layer"], 0.0) + node["seconds"]
    return {"by_kind": by_kind, "by_layer": by_layer, "models": models, "loaders": loaders, "not_passed": failed}


# ---------------------------------------------------------------- scipy


def scipy_reference(database, repeats=3):
    """Seconds of scipy's connected_components (CSR build included) on the build's edges."""
    import duckdb
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    connection = duckdb.connect(str(database), read_only=True)
    edges = connection.execute(
        "select node_a, node_b from intermediate.int_identity_edges"
    ).fetchnumpy()
    components_sql = connection.execute(
        "select count(distinct component_id) from intermediate.int_identity_components_unguarded"
    ).fetchone()[0]
    connection.close()
    a = np.asarray(edges["node_a"], dtype=np.int64)
    b = np.asarray(edges["node_b"], dtype=np.int64)
    n = int(max(a.max(), b.max())) + 1
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n)).tocsr()
        count, _labels = connected_components(graph, directed=False)
        times.append(time.perf_counter() - started)
    # node ids are dense from 1, so id 0 is an isolated extra component
    return {"seconds": statistics.median(times), "runs": times, "edges": len(a), "nodes": n - 1,
            "components": count - 1, "components_sql": components_sql}


# ---------------------------------------------------------------- report


def machine():
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    versions = {}
    for package in ("dbt-core", "dbt-duckdb", "duckdb", "scipy", "numpy", "phonenumbers", "pyarrow"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)),
        "memory_gb": round(mem_gb, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": versions,
        "load_average_at_start": os.getloadavg(),
    }


def verdict(value, limit):
    return "met" if value <= limit else "NOT met"


HEADER = """# Benchmarks

Written by `make bench` (`bench/run_bench.py`, see `bench/README.md`): one section per data size, each from
the last run at that size (a run replaces only its own size's section), and one for the graph step alone at
1M edges against scipy (`bench/graph_bench.py --markdown`). Absolute seconds depend on the machine
and on what else runs on it; the ratios are measured in the same run on the same machine and are what to
compare. What dominates and what to change: `docs/scaling.md`.
"""


def _fmt_rss(value):
    return f"{value / 2**30:.2f} GB" if value else "-"


def markdown_section(record):
    """The Markdown section of one run."""
    r = record
    m = r["machine"]
    full, inc = r["full_build"], r.get("incremental_build")
    ratios = r["ratios"]
    rows = r["data"]["rows"]
    tests = full["summary"]["by_kind"].get("test", 0) + full["summary"]["by_kind"].get("unit_test", 0)
    lines = [
        f"<!-- bench rows={rows} start -->",
        f"## {rows:,} touch rows",
        "",
        f"- date: {r['date']}",
        f"- command: `{r['command']}`",
        f"- machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GiB RAM, {m['os']}, Python {m['python']};"
        f" load average at start {', '.join(f'{x:.1f}' for x in m['load_average_at_start'])}",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        f"- data: {rows:,} touch rows (+{r['data']['user_rows']:,} app users) in {r['data']['files']:,}"
        f" files, {r['data']['bytes'] / 2**20:,.0f} MiB; {r['scipy']['nodes']:,} identifiers,"
        f" {r['scipy']['edges']:,} edges (self-loops included), {r['scipy']['components']:,} components;"
        f" a chain of {2 * r['data']['chain_persons']:,} identifiers",
        "",
        "| measure | value | target | |",
        "|---|---|---|---|",
        f"| end to end (`dbt build`, wall) / floor | {ratios['end_to_end_vs_floor']:.1f}x |"
        f" ≤ {TARGETS['end_to_end_vs_floor']:.0f}x at 1M |"
        f" {verdict(ratios['end_to_end_vs_floor'], TARGETS['end_to_end_vs_floor']) if rows == 1_000_000 else 'n/a'} |",
        f"| dbt's fixed cost (the same build on the demo's few dozen rows) / floor | {ratios['fixed_cost_vs_floor']:.1f}x | | the 5x target is below it |"
        if ratios['fixed_cost_vs_floor'] > TARGETS['end_to_end_vs_floor'] else
        f"| dbt's fixed cost (the same build on the demo's few dozen rows) / floor | {ratios['fixed_cost_vs_floor']:.1f}x | | |",
        f"| data-dependent cost (end to end − fixed cost) / floor | {ratios['data_cost_vs_floor']:.1f}x | | |",
        f"| graph step / scipy | {ratios['graph_vs_scipy']:.1f}x | ≤ {TARGETS['graph_vs_scipy']:.0f}x |"
        f" {verdict(ratios['graph_vs_scipy'], TARGETS['graph_vs_scipy'])} |",
    ]
    if inc:
        lines.append(
            f"| incremental (+1% rows) / full build | {ratios['incremental_vs_full']:.2f} |"
            f" ≤ {TARGETS['incremental_vs_full']:.2f} |"
            f" {verdict(ratios['incremental_vs_full'], TARGETS['incremental_vs_full'])} |")
        lines.append(
            f"| incremental / full build, each minus the demo's time (no-change rebuild, first build) |"
            f" {ratios['incremental_data_cost_vs_full']:.2f} | | |")
    lines += [
        f"| peak memory of `dbt build` (max RSS) | {r['peak_rss_gb']:.2f} GB |"
        f" < {TARGETS['peak_memory_gb_10m']:.0f} GB at 10M |"
        f" {verdict(r['peak_rss_gb'], TARGETS['peak_memory_gb_10m']) if rows >= 10_000_000 else 'n/a below 10M'} |",
        "",
        "| step | seconds |",
        "|---|---|",
        f"| floor: DuckDB reads every file, sha256 of every distinct identifier (median of 3) | {r['floor']['seconds']:.1f} |",
        f"| full `dbt build`, wall (parse, seeds, models, data and unit tests) | {full['seconds']:.1f} |",
        f"| of which models (sum; two run at a time) | {full['summary']['by_kind'].get('model', 0):.1f} |",
        f"| of which the Python loaders (`base_*`) | {full['summary']['loaders']:.1f} |",
        f"| of which phone parsing (`stg_identifiers__phones_e164`) | {r['phone_parsing_seconds']:.1f} |",
        f"| of which the NDJSON.gz writer (`export_amplitude__files`) | {r.get('export_files_seconds', 0):.1f} |",
        f"| of which the graph step ({', '.join(GRAPH_MODELS)}) | {r['graph_seconds']:.1f} |",
        f"| of which data and unit tests | {tests:.1f} |",
        f"| dbt's fixed cost of one table model (the fastest table model of the build) | {r.get('fastest_table_model_seconds', 0):.2f} |",
        f"| dbt's fixed cost: the same `dbt build` on the bundled demo ({r['fixed_cost']['nodes']} nodes), wall |"
        f" {r['fixed_cost']['seconds']:.1f} |",
        f"| the same on the demo again, nothing new (what a scheduled run pays at least), wall |"
        f" {r['fixed_cost'].get('rebuild_seconds', 0):.1f} |",
        f"| scipy connected_components on the same edges (CSR build included, median of 3) | {r['scipy']['seconds']:.2f} |",
    ]
    if inc:
        lines.append(f"| incremental `dbt build` (+{r['increment']['rows']:,} rows in new files) | {inc['seconds']:.1f} |")
    lines += [
        "",
        f"Peak RSS: full build {_fmt_rss(full['peak_rss_bytes'])}"
        + (f", incremental build {_fmt_rss(inc['peak_rss_bytes'])}" if inc else "")
        + f". Exit codes: full {full['exit_code']}" + (f", incremental {inc['exit_code']}" if inc else "")
        + (f"; nodes not passing: {', '.join(full['summary']['not_passed'])}" if full["summary"]["not_passed"] else "")
        + ".",
        "Model time of the full build by layer: "
        + ", ".join(f"{layer or 'other'} {sec:.1f} s"
                    for layer, sec in sorted(full["summary"]["by_layer"].items(), key=lambda x: -x[1]))
        + ".",
        f"scipy found {r['scipy']['components']:,} components, the SQL graph step {r['scipy']['components_sql']:,}"
        + (" (equal)." if r["scipy"]["components"] == r["scipy"]["components_sql"] else " (DIFFERENT: check the graph step)."),
        "",
        "Slowest models of the full build (max RSS while running: the largest resident set of the `dbt build`",
        "process sampled while the model ran; two models run at a time, so it bounds the model's own memory):",
        "",
        "| model | seconds | share of model time | max RSS while running |",
        "|---|---|---|---|",
    ]
    model_total = full["summary"]["by_kind"].get("model", 0) or 1
    for node in full["summary"]["models"][:15]:
        lines.append(f"| {node['name']} | {node['seconds']:.1f} | {100 * node['seconds'] / model_total:.0f}% |"
                     f" {_fmt_rss(node.get('max_rss_bytes_while_running'))} |")
    if inc:
        lines += ["", "Slowest models of the incremental build:", "", "| model | seconds |", "|---|---|"]
        for node in inc["summary"]["models"][:8]:
            lines.append(f"| {node['name']} | {node['seconds']:.1f} |")
    if r.get("notes"):
        lines += ["", "Notes:", ""] + [f"- {note}" for note in r["notes"]]
    lines.append(f"<!-- bench rows={rows} end -->")
    return "\n".join(lines) + "\n"


def write_markdown(record, path):
    """Replace (or add) this size's section of the report, keeping the other sizes' sections."""
    path = Path(path)
    text = path.read_text() if path.exists() else HEADER
    section = markdown_section(record)
    rows = record["data"]["rows"]
    start, end = f"<!-- bench rows={rows} start -->", f"<!-- bench rows={rows} end -->\n"
    if start in text and end in text:
        text = text[: text.index(start)] + section + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


# ---------------------------------------------------------------- main


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--chain-persons", type=int, default=500)
    parser.add_argument("--work", default=str(ROOT / "bench" / "runs"), help="data and run folders")
    parser.add_argument("--markdown", default=str(ROOT / "BENCHMARKS.md"), help="where to write the report")
    parser.add_argument("--note", action="append", default=[], help="a line for the report's notes")
    parser.add_argument("--skip-incremental", action="store_true", help="measure the full build only")
    parser.add_argument("--path-savings", action="store_true",
                        help="also run the incremental build once per stateful model with its state cleared")
    parser.add_argument("--path-savings-models", default="",
                        help="with --path-savings: only these models (comma-separated)")
    args = parser.parse_args(argv)

    work = Path(args.work)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    run_dir = work / f"run_{args.rows}_{stamp}"
    run_dir.mkdir(parents=True)
    record = {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
              "command": " ".join(["python bench/run_bench.py", *(argv if argv is not None else sys.argv[1:])]).strip()
              + f" (rows {args.rows:,}, seed {args.seed}, chain persons {args.chain_persons})",
              "machine": machine()}

    def say(text):
        print(f"[bench {time.strftime('%H:%M:%S')}] {text}", flush=True)

    say(f"generating {args.rows:,} touch rows")
    raw, gen = generate(args.rows, args.seed, args.chain_persons, work / "data")
    files, size = raw_size(raw)
    record["data"] = {"rows": args.rows, "user_rows": gen["user_rows"], "files": files, "bytes": size,
                      "chain_persons": args.chain_persons, "generator": gen, "raw": str(raw)}
    say(f"data: {files} files, {size / 2**20:.0f} MiB ({'reused' if gen.get('reused') else 'generated'})")

    say("floor: DuckDB reads the files and hashes every identifier once")
    record["floor"] = floor(raw)
    say(f"floor: {record['floor']['seconds']:.1f} s")

    database = run_dir / "bench.duckdb"
    live = live_folder(raw, run_dir)
    target, logs = run_dir / "target", run_dir / "logs"
    say("full dbt build")
    full = dbt_build(database, live, run_dir / "exports", target, logs, "full_build")
    full["summary"] = summarize_build(full)
    record["full_build"] = full
    say(f"full build: {full['seconds']:.1f} s, exit {full['exit_code']}, peak {full['peak_rss_bytes'] / 2**30:.2f} GB")

    state_paths = [database, run_dir / "exports", target]
    saved = path_savings.snapshot(run_dir, state_paths) if args.path_savings else None

    say("scipy on the same edges")
    record["scipy"] = scipy_reference(database)
    say(f"scipy: {record['scipy']['seconds']:.2f} s on {record['scipy']['edges']:,} edges")

    say("fixed cost: the same dbt build on the bundled demo, then again with nothing new")
    demo = [run_dir / "demo.duckdb", ROOT / "demo" / "raw", run_dir / "demo_exports", run_dir / "target_demo", logs]
    fixed = dbt_build(*demo, "demo_build")
    warm = dbt_build(*demo, "demo_rebuild")
    record["fixed_cost"] = {"seconds": fixed["seconds"], "exit_code": fixed["exit_code"], "nodes": len(fixed["nodes"]),
                            "rebuild_seconds": warm["seconds"], "rebuild_exit_code": warm["exit_code"]}
    say(f"fixed cost: {fixed['seconds']:.1f} s for {len(fixed['nodes'])} nodes; a no-change rebuild {warm['seconds']:.1f} s")

    if args.skip_incremental:
        record["incremental_build"] = None
    else:
        say("incremental: 1% new rows as new files")
        inc_stats = add_increment(live, args.rows, args.seed, args.chain_persons)
        record["increment"] = {"rows": inc_stats["zoom_rows"] + inc_stats["call_rows"] + inc_stats["offline_rows"],
                               "generator": inc_stats}
        inc = dbt_build(database, live, run_dir / "exports", target, logs, "incremental_build")
        inc["summary"] = summarize_build(inc)
        record["incremental_build"] = inc
        say(f"incremental build: {inc['seconds']:.1f} s, exit {inc['exit_code']}")
        if saved:
            rows = path_savings.measure(
                database, saved, state_paths,
                lambda label: dbt_build(database, live, run_dir / "exports", target, logs, label), inc, say,
                only=[name for name in args.path_savings_models.split(",") if name])
            record["path_savings"] = rows
            (run_dir / "path_savings.md").write_text(path_savings.markdown(rows, inc["seconds"]) + "\n")
            say(f"path savings: {run_dir / 'path_savings.md'}")

    record["graph_seconds"] = model_seconds(full, GRAPH_MODELS)
    record["phone_parsing_seconds"] = model_seconds(full, ("stg_identifiers__phones_e164",))
    record["export_files_seconds"] = model_seconds(full, ("export_amplitude__files",))
    record["fastest_table_model_seconds"] = min(
        (n["seconds"] for n in full["nodes"] if n["kind"] == "model" and n["layer"] in ("intermediate", "marts")),
        default=0.0)
    inc = record["incremental_build"]
    record["peak_rss_gb"] = max(full["peak_rss_bytes"], inc["peak_rss_bytes"] if inc else 0) / 2**30
    fixed_seconds = record["fixed_cost"]["seconds"]
    record["ratios"] = {
        "end_to_end_vs_floor": full["seconds"] / record["floor"]["seconds"],
        "data_cost_vs_floor": max(full["seconds"] - fixed_seconds, 0) / record["floor"]["seconds"],
        "fixed_cost_vs_floor": fixed_seconds / record["floor"]["seconds"],
        "graph_vs_scipy": record["graph_seconds"] / record["scipy"]["seconds"],
    }
    if inc:
        record["ratios"]["incremental_vs_full"] = inc["seconds"] / full["seconds"]
        rebuild_seconds = record["fixed_cost"]["rebuild_seconds"]
        record["ratios"]["incremental_data_cost_vs_full"] = (
            max(inc["seconds"] - rebuild_seconds, 0) / max(full["seconds"] - fixed_seconds, 1e-9))
    record["notes"] = args.note
    (run_dir / "results.json").write_text(json.dumps(record, indent=2, default=str))
    write_markdown(record, args.markdown)
    for key, value in record["ratios"].items():
        say(f"{key}: {value:.2f}")
    say(f"peak RSS: {record['peak_rss_gb']:.2f} GB; report: {args.markdown}; record: {run_dir / 'results.json'}")
    return record


if __name__ == "__main__":
    main()
