"""Prints what a build did: raw rows read, persons, links, exports, quarantine, and rejected rows per file.

`--markdown` prints what the latest run did, per source and per file, as Markdown
(the nightly job's $GITHUB_STEP_SUMMARY). "The latest run" is the last build that
reached the export gate, which records its start time: the time the exports stamp
on the rows it appended (update_time_column). Raw rows loaded since then are its
reads (the loaders stamp `_loaded_at` as they read, after the run started).
"""

import argparse
import os
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from identity_stitching.registry import read_registry  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parents[1]


def queries(sources):
    raw_rows = " + ".join(f"(select count(*) from staging.{source.base_model})" for source in sources)
    return [
        ("raw rows read", f"select {raw_rows}"),
        ("off-platform touches", "select count(*) from fct_offline_touches"),
        ("persons", "select count(*) from dim_persons"),
        ("persons linked to a user", "select count(*) from dim_persons where user_id is not null"),
        ("events exported (all runs)", "select count(*) from export_amplitude__events"),
        ("identifies exported (all runs)", "select count(*) from export_amplitude__identifies"),
        ("export files written (all runs)", "select count(*) from export_amplitude__files"),
        ("rows held for review", "select count(*) from export_amplitude__review"),
        ("rows quarantined", "select count(*) from quarantined_records where is_row_rejected"),
        ("values quarantined", "select count(*) from quarantined_records where not is_row_rejected"),
        ("shared identifiers kept out of linking", "select count(*) from identity_shared_identifiers"),
        ("links refused (would join two users)", "select count(*) from identity_conflicts"),
    ]


REJECTED_FILES = """
    select source_file, rows_read, rows_rejected, top_reasons
    from quarantined_files
    where rows_rejected > 0
    order by rejected_share desc, source_file
"""


# ---------- Markdown: the latest run


def latest_run_start(connection):
    """The start of the last run that reached the export gate (UTC, naive), or None."""
    import json

    found = connection.execute(
        "select comment from duckdb_tables() where table_name = 'int_amplitude__gated' and comment is not null"
    ).fetchone()
    if not found:
        return None
    started = json.loads(found[0]).get("run_started_at")
    return connection.execute("select cast(? as timestamp)", [started]).fetchone()[0] if started else None


def _table(headers, rows, total=None):
    def cell(value):
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return str(value if value is not None else "").replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    if total is not None:
        lines.append("| " + " | ".join(f"**{cell(v)}**" if str(v) else "" for v in total) + " |")
    return lines


def _exists(connection, schema, table):
    return connection.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?", [schema, table]
    ).fetchone()[0] > 0


PUSHED = """
    select export_kind, coalesce(outcome, 'sent, no answer yet'), count(*)
    from amplitude_push.push_ledger
    group by 1, 2
    order by 1, 2
"""
PUSH_REJECTED = """
    select export_kind, reject_reason, count(*)
    from amplitude_push.push_ledger
    where outcome = 'rejected'
    group by 1, 2
    order by 3 desc, 1, 2
"""


def push_lines(connection, heading):
    """Markdown of what `make push` sent to Amplitude (the push's ledger, docs/push.md), or []."""
    if not _exists(connection, "amplitude_push", "push_ledger"):
        return []
    lines = [f"{heading}# Pushed to Amplitude (all pushes)", ""]
    pushed = connection.execute(PUSHED).fetchall()
    if not pushed:
        return lines + ["Nothing pushed yet.", ""]
    lines += _table(["kind", "answer", "rows"], pushed)
    rejected = connection.execute(PUSH_REJECTED).fetchall()
    if rejected:
        lines += ["", "Rejected by Amplitude (not sent again; `export_amplitude__push_rejected`):", ""]
        lines += _table(["kind", "reason", "rows"], rejected)
    return lines + [""]


def markdown_summary(connection, sources, heading_level=2):
    """What the latest run read, touched, exported, held for review and quarantined, per source and per file."""
    started = latest_run_start(connection)
    heading = "#" * heading_level
    if started is None:
        return f"{heading} identity_stitching run\n\nNo run has reached the export gate in this database yet.\n"
    since = [started]
    lines = [f"{heading} identity_stitching run started {started:%Y-%m-%d %H:%M:%S} UTC", ""]
    lines += ["The last build that reached the export gate: what it read, exported and held.", ""]

    per_source = []
    files_read = []
    for source in sources:
        base = f"staging.{source.base_model}"
        read = connection.execute(
            f"select count(distinct source_file), count(*) from {base} where _loaded_at >= ?", since
        ).fetchone()
        quarantined = connection.execute(
            "select count(*) filter (where is_row_rejected), count(*) filter (where not is_row_rejected)"
            " from quarantined_records where source_system = ? and _loaded_at >= ?",
            [source.name, started],
        ).fetchone()
        touches = connection.execute(
            "select count(*) from fct_offline_touches where source_system = ? and _loaded_at >= ?",
            [source.name, started],
        ).fetchone()[0]
        events = connection.execute(
            "select count(*) from export_amplitude__events as exported"
            " inner join fct_offline_touches as touches on exported.insert_id = touches.touch_id"
            " where touches.source_system = ? and exported.update_time_column = ?",
            [source.name, started],
        ).fetchone()[0]
        held = connection.execute(
            "select count(*) from export_amplitude__review as held"
            " inner join fct_offline_touches as touches on held.insert_id = touches.touch_id"
            " where held.export_kind = 'events' and touches.source_system = ?",
            [source.name],
        ).fetchone()[0]
        per_source.append([source.name, read[0], read[1], quarantined[0], quarantined[1], touches, events, held])
        files_read += connection.execute(
            f"""
            select '{source.name}', base.source_file, count(*), coalesce(max(files.rows_rejected), 0),
                max(files.top_reasons)
            from {base} as base
            left join quarantined_files as files
                on files.source_system = '{source.name}' and files.source_file = base.source_file
            where base._loaded_at >= ?
            group by 1, 2
            order by 2
            """,
            since,
        ).fetchall()
    identifies = connection.execute(
        "select count(*) from export_amplitude__identifies where update_time_column = ?", since
    ).fetchone()[0]
    identifies_held = connection.execute(
        "select count(*) from export_amplitude__review where export_kind = 'identifies'"
    ).fetchone()[0]

    lines += [f"{heading}# Per source", ""]
    headers = ["source", "files read", "rows read", "rows quarantined", "values quarantined", "touches",
               "events exported", "events held for review"]
    total = ["total", *[sum(row[i] for row in per_source) for i in range(1, len(headers))]]
    lines += _table(headers, per_source, total)
    lines += ["", f"Identifies ($identify links of a device_id to a user_id) exported: {identifies:,}; "
              f"held for review: {identifies_held:,}.", ""]

    lines += [f"{heading}# Files read", ""]
    if files_read:
        lines += _table(["source", "file", "rows", "rows rejected", "top reasons"], files_read,
                        ["total", "", sum(r[2] for r in files_read), sum(r[3] for r in files_read), ""])
    else:
        lines.append("No new or changed raw file.")
    lines.append("")

    lines += [f"{heading}# Files exported", ""]
    exported_files = []
    if _exists(connection, "main", "export_amplitude__files"):
        adopted = (
            "select distinct file_name from intermediate.int_amplitude__adopted_rows"
            if _exists(connection, "intermediate", "int_amplitude__adopted_rows")
            else "select null as file_name where false"
        )
        exported_files = connection.execute(
            f"""
            select export_kind, regexp_extract(file_path, '[^/]+$'), row_count,
                case
                    when regexp_extract(file_path, '[^/]+$') in ({adopted})
                        then 'adopted: already in the export folder, not recorded by this database'
                    when max_update_time = ? then 'written by this run'
                    else 'written by this run for a run of '
                        || strftime(max_update_time, '%Y-%m-%d %H:%M:%S') || ' that stopped before writing it'
                end
            from export_amplitude__files
            where written_at >= ?
            order by max_update_time, export_kind
            """,
            [started, started],
        ).fetchall()
    if exported_files:
        lines += _table(["kind", "file", "rows", "how"], exported_files,
                        ["total", "", sum(r[2] for r in exported_files), ""])
    else:
        lines.append("No export file written.")
    lines.append("")

    held_reasons = connection.execute(
        "select export_kind, hold_reason, count(*) from export_amplitude__review group by 1, 2 order by 1, 3 desc, 2"
    ).fetchall()
    lines += [f"{heading}# Held for review", ""]
    if held_reasons:
        lines += _table(["kind", "reason", "rows"], held_reasons, ["total", "", sum(r[2] for r in held_reasons)])
        lines += ["", "Rows wait in `export_amplitude__review` until the input is fixed."]
    else:
        lines.append("Nothing held.")
    lines.append("")
    lines += push_lines(connection, heading)
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description="What a build did.")
    parser.add_argument("--markdown", action="store_true", help="the latest run, per source and per file, as Markdown")
    parser.add_argument("--heading-level", type=int, default=2, help="level of the Markdown headings (default 2)")
    arguments = parser.parse_args(argv)
    path = os.environ.get("DBT_DUCKDB_PATH", "target/identity.duckdb")
    connection = duckdb.connect(path, read_only=True)
    try:
        if arguments.markdown:
            print(markdown_summary(connection, read_registry(PROJECT_DIR), arguments.heading_level))
            return 0
        print(f"\nidentity_stitching summary ({path})")
        for label, query in queries(read_registry(PROJECT_DIR)):
            print(f"  {label:<40} {connection.execute(query).fetchone()[0]:>10,}")
        rejected = connection.execute(REJECTED_FILES).fetchall()
        if rejected:
            print("  rows rejected per file (quarantined_records has each row and reason):")
            for source_file, rows_read, rows_rejected, reasons in rejected:
                print(f"    {source_file}: {rows_rejected:,} of {rows_read:,} rows; {reasons}")
        if _exists(connection, "amplitude_push", "push_ledger"):
            for kind, answer, rows in connection.execute(PUSHED).fetchall():
                print(f"  {'pushed to Amplitude, ' + kind + ': ' + answer:<40} {rows:>10,}")
            for kind, reason, rows in connection.execute(PUSH_REJECTED).fetchall():
                print(f"    rejected {kind}: {rows:,}: {reason}")
        export_path = os.environ.get("IDENTITY_EXPORT_PATH", "target/exports")
        print(f"  export files under {export_path}/amplitude/")
    finally:
        connection.close()


if __name__ == "__main__":
    sys.exit(main())
