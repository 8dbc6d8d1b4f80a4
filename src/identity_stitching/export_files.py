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


def write_export_file(rows, folder, kind, update_time):
    """Write rows to their gzip NDJSON file; returns (path, sha256 of its lines).

    The name is made of the rows' load time and content digest, so the same
    rows always land in the same file. A file already there with the same
    lines is left untouched (a run that wrote it but crashed before
    recording it): Amplitude never re-reads a file, so it is never rewritten.
    """
    lines = "".join(row_to_line(row) + "\n" for row in rows).encode("utf-8")
    digest = hashlib.sha256(lines).hexdigest()
    stamp = update_time.strftime("%Y%m%dT%H%M%S%fZ")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    final_path = folder / f"{kind}_{stamp}_{digest[:12]}.json.gz"
    if final_path.exists():
        with gzip.open(final_path, "rb") as handle:
            if hashlib.sha256(handle.read()).hexdigest() == digest:
                return final_path, digest
        raise FileExistsError(f"{final_path} exists with other content; refusing to overwrite it")
    temporary = folder / f".{final_path.name}.partial"
    with gzip.GzipFile(temporary, "wb", mtime=0) as handle:
        handle.write(lines)
    os.replace(temporary, final_path)
    return final_path, digest


def export_new_rows(session, relations, export_path, watermarks):
    """Write the rows of each relation loaded after its watermark; manifest as Arrow.

    The watermark is the newest update_time_column already written to a file
    (the manifest's max_update_time), so rows a crashed run inserted but did
    not write are picked up by the next run. One file per load time (per run)
    and relation, lines ordered by time then insert_id.
    """
    manifest = {name: [] for name in MANIFEST_SCHEMA.names}
    written_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    for kind, relation in relations.items():
        after = watermarks.get(kind)
        query = f"select * from ({relation.sql_query()}) as exported"
        params = []
        if after is not None:
            query += " where update_time_column > ?"
            params.append(after)
        query += " order by update_time_column, time, insert_id"
        cursor = session.execute(query, params)
        names = [column[0] for column in cursor.description]
        by_load_time = {}
        for values in cursor.fetchall():
            row = dict(zip(names, values))
            by_load_time.setdefault(row["update_time_column"], []).append(row)
        folder = Path(export_path) / "amplitude" / kind
        for update_time, rows in by_load_time.items():
            path, digest = write_export_file(rows, folder, kind, update_time)
            manifest["export_file_id"].append(digest)
            manifest["export_kind"].append(kind)
            manifest["file_path"].append(path.as_posix())
            manifest["row_count"].append(len(rows))
            manifest["content_sha256"].append(digest)
            manifest["max_update_time"].append(update_time)
            manifest["written_at"].append(written_at)
    return pa.table(manifest, schema=MANIFEST_SCHEMA)
