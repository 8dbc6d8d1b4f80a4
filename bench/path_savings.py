"""What each incremental path saves: the incremental run again with one model forced to rebuild.

A model of the touch chain keeps its state in its table's comment; with the comment cleared it rebuilds
whole, and the models reading its write marks then read every row too, as they would if the model were a
plain table. So (that run − the ordinary incremental run) is what the model's incremental path saves,
its readers' share included. Each run starts from a copy of the database, export folder and target
folder taken right after the full build, with the increment's files in place.
"""

import json
import shutil
import time
from pathlib import Path

import duckdb


def snapshot(run_dir, paths):
    """Copy the database (and its WAL), the export folder and the target folder aside."""
    saved = run_dir / "snapshot_after_full_build"
    saved.mkdir()
    for path in paths:
        for source in [path, Path(str(path) + ".wal")]:
            if source.is_dir():
                shutil.copytree(source, saved / source.name, symlinks=True)
            elif source.exists():
                shutil.copy2(source, saved / source.name)
    return saved


def restore(saved, paths):
    for path in paths:
        for target in [path, Path(str(path) + ".wal")]:
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            copy = saved / target.name
            if copy.is_dir():
                shutil.copytree(copy, target, symlinks=True)
            elif copy.exists():
                shutil.copy2(copy, target)


def stateful_models(database):
    """Every table whose comment holds a JSON state (the chain models and the export gate)."""
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select schema_name, table_name from duckdb_tables() where comment like '{%' order by 2"
        ).fetchall()
    return rows


def clear_state(database, schema, table):
    with duckdb.connect(str(database)) as con:
        con.execute(f'comment on table "{schema}"."{table}" is null')


def measure(database, saved, paths, build, baseline, say, only=()):
    """build(label) runs the incremental dbt build; returns one row per stateful model (or per one of `only`)."""
    rows = []
    for schema, table in stateful_models(database):
        if only and table not in only:
            continue
        restore(saved, paths)
        clear_state(database, schema, table)
        started = time.perf_counter()
        forced = build(f"forced_{table}")
        model_seconds = sum(n["seconds"] for n in forced["nodes"] if n["kind"] == "model")
        base_model_seconds = sum(n["seconds"] for n in baseline["nodes"] if n["kind"] == "model")
        rows.append({
            "model": table,
            "forced_seconds": forced["seconds"],
            "saved_seconds": forced["seconds"] - baseline["seconds"],
            "saved_share": (forced["seconds"] - baseline["seconds"]) / baseline["seconds"],
            "saved_model_seconds": model_seconds - base_model_seconds,
            "exit_code": forced["exit_code"],
        })
        say(f"path savings: {table} rebuilt: {forced['seconds']:.1f} s "
            f"(saves {rows[-1]['saved_seconds']:.1f} s, {rows[-1]['saved_share']:.0%}; "
            f"{time.perf_counter() - started:.0f} s with the restore)")
    return rows


def markdown(rows, baseline_seconds):
    lines = [
        f"Incremental run: {baseline_seconds:.1f} s. Each line: the same run with one model's state cleared.",
        "",
        "| model | run with it rebuilt (s) | its path saves (s, wall) | share of the incremental run | model time saved (s) |",
        "|---|---|---|---|---|",
    ]
    for row in sorted(rows, key=lambda r: -r["saved_seconds"]):
        lines.append(f"| {row['model']} | {row['forced_seconds']:.1f} | {row['saved_seconds']:.1f} | "
                     f"{row['saved_share']:.0%} | {row['saved_model_seconds']:.1f} |")
    return "\n".join(lines)


def dump(rows, path):
    Path(path).write_text(json.dumps(rows, indent=2))
