"""Newline-delimited JSON files (gzip) of newly exported rows, for Amplitude's S3 import.

Amplitude processes each S3 file once and never re-reads an edited file, so a
file is written whole under a temporary name and renamed into place, named
uniquely, and never rewritten. Each line holds the HTTP V2 keys of one row;
keys whose value is null are left out, as Amplitude's own SDK sends them.
"""

import datetime as dt
import gzip
import hashlib
import json
import os
from pathlib import Path

import pyarrow as pa

HTTP_V2_KEYS = [
    "insert_id",
    "event_type",
    "user_id",
    "device_id",
    "time",
    "event_properties",
    "user_properties",
]
JSON_KEYS = {"event_properties", "user_properties"}

MANIFEST_SCHEMA = pa.schema(
    [
        ("export_file_id", pa.string()),
        ("export_kind", pa.string()),
        ("file_path", pa.string()),
        ("row_count", pa.int64()),
        ("content_sha256", pa.string()),
        ("max_update_time", pa.timestamp("us")),
        ("written_at", pa.timestamp("us")),
    ]
)


def row_to_line(row):
    """One JSON line of HTTP V2 keys, null values omitted."""
    event = {}
    for key in HTTP_V2_KEYS:
        value = row.get(key)
        if value is None:
            continue
        event[key] = json.loads(value) if key in JSON_KEYS else value
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def write_export_file(rows, folder, kind, max_update_time):
    """Write rows to a new gzip NDJSON file; returns (path, sha256 of its lines)."""
    lines = "".join(row_to_line(row) + "\n" for row in rows).encode("utf-8")
    digest = hashlib.sha256(lines).hexdigest()
    stamp = max_update_time.strftime("%Y%m%dT%H%M%S%fZ")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    final_path = folder / f"{kind}_{stamp}_{digest[:12]}.json.gz"
    temporary = folder / f".{final_path.name}.partial"
    with gzip.open(temporary, "wb") as handle:
        handle.write(lines)
    os.replace(temporary, final_path)
    return final_path, digest


def export_new_rows(session, relations, export_path, watermarks):
    """Write the rows of each relation newer than its watermark; manifest as Arrow."""
    manifest = {name: [] for name in MANIFEST_SCHEMA.names}
    written_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    for kind, relation in relations.items():
        after = watermarks.get(kind)
        query = f"select * from ({relation.sql_query()}) as exported"
        params = []
        if after is not None:
            query += " where update_time_column > ?"
            params.append(after)
        query += " order by time, insert_id"
        cursor = session.execute(query, params)
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, values)) for values in cursor.fetchall()]
        if not rows:
            continue
        max_update_time = max(row["update_time_column"] for row in rows)
        folder = Path(export_path) / "amplitude" / kind
        path, digest = write_export_file(rows, folder, kind, max_update_time)
        manifest["export_file_id"].append(digest)
        manifest["export_kind"].append(kind)
        manifest["file_path"].append(path.as_posix())
        manifest["row_count"].append(len(rows))
        manifest["content_sha256"].append(digest)
        manifest["max_update_time"].append(max_update_time)
        manifest["written_at"].append(written_at)
    return pa.table(manifest, schema=MANIFEST_SCHEMA)
