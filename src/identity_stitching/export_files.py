"""Newline-delimited JSON files (gzip) of newly exported rows, for Amplitude's S3 import.

Amplitude processes each S3 file once and never re-reads an edited file, so a
file is written whole under a temporary name and renamed into place, named
uniquely, and never rewritten. Each line holds the HTTP V2 keys of one row;
keys whose value is null are left out, as Amplitude's own SDK sends them.

DuckDB builds every line in SQL; the lines reach Python as Arrow batches whose
string data is already the file's text (each line ends in a newline), so it is
hashed and gzip-compressed as it streams, without a Python object per row.
Measured at 1M events: 4.4 s, against 11.6 s for DuckDB's own `COPY ... TO`
gzip writer plus reading the file back for its digest.
"""

import datetime as dt
import gzip
import hashlib
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

CHUNK = 1 << 20
BATCH_ROWS = 100_000
# Level 3 writes 10% more bytes than gzip's default 6 in half the time.
GZIP_LEVEL = 3


def line_sql(columns=HTTP_V2_KEYS):
    """SQL expression of one NDJSON line: the non-null HTTP V2 keys, in key order.

    Strings and numbers go through to_json; the JSON columns are embedded as
    objects, minified by json() (a stored JSON text may span lines).
    """
    parts = []
    for key in sorted(columns):
        value = f"json({key})" if key in JSON_KEYS else f"to_json({key})"
        parts.append(f"case when {key} is not null then '\"{key}\":' || {value} end")
    return "'{' || concat_ws(',', " + ", ".join(parts) + ") || '}'"


def _sql_string(text):
    return "'" + str(text).replace("'", "''") + "'"


def _timestamp_sql(value):
    return f"cast({_sql_string(value.isoformat(sep=' '))} as timestamp)"


def file_digest(path):
    """sha256 of a gzip file's decompressed content, read in chunks."""
    digest = hashlib.sha256()
    with gzip.open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_lines(session, lines_sql, path):
    """Stream the one-column result of lines_sql (lines ending in a newline) into a gzip file.

    Returns (rows, sha256 of the uncompressed content). An Arrow string
    array stores its values back to back, so the bytes between its first and
    last offset are the batch's lines, concatenated.
    """
    digest = hashlib.sha256()
    rows = 0
    reader = session.sql(lines_sql).to_arrow_reader(BATCH_ROWS)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=GZIP_LEVEL, mtime=0) as out:
        for batch in reader:
            lines = batch.column(0)
            if not len(lines):
                continue
            offsets = memoryview(lines.buffers()[1]).cast("i")
            text = memoryview(lines.buffers()[2])[offsets[lines.offset]:offsets[lines.offset + len(lines)]]
            digest.update(text)
            out.write(text)
            rows += len(lines)
    return rows, digest.hexdigest()


def _fsync(path):
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def file_stamp(update_time):
    return update_time.strftime("%Y%m%dT%H%M%S%fZ")


def write_export_file(session, source_sql, folder, kind, update_time):
    """Write the rows of source_sql to their gzip NDJSON file; returns (path, sha256 of its lines, rows).

    source_sql is a query over the export relation's columns, already limited
    to the rows of one load time; lines are ordered by time then insert_id.
    The file is named `<kind>_<load time>_<digest>.json.gz`: the load time
    alone decides whether the file exists. A file of that load time already
    there (a run that wrote it but crashed before recording it) is never
    rewritten; it is returned if it holds the same lines, else an error is
    raised. The new content goes to a hidden temporary file, synced to disk,
    then renamed into place (export_ledger.py deletes a temporary file a
    killed run left, and never counts it as delivered).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = file_stamp(update_time)
    existing = sorted(folder.glob(f"{kind}_{stamp}_*.json.gz"))
    if len(existing) > 1:
        raise FileExistsError(f"more than one {kind} file of load time {stamp} in {folder}: {existing}")
    temporary = folder / f".{kind}_{stamp}.json.gz.partial"
    try:
        row_count, digest = write_lines(
            session,
            f"select {line_sql()} || chr(10) as line from ({source_sql}) as exported order by time, insert_id",
            temporary,
        )
        if existing:
            (final_path,) = existing
            if file_digest(final_path) != digest:
                raise FileExistsError(f"{final_path} exists with other content; refusing to overwrite it")
            temporary.unlink()
        else:
            final_path = folder / f"{kind}_{stamp}_{digest[:12]}.json.gz"
            # on disk before it takes its final name, and the name on disk before
            # the run records the file: a crash leaves a whole file or a temporary one
            _fsync(temporary)
            os.replace(temporary, final_path)
            _fsync(folder)
    finally:
        temporary.unlink(missing_ok=True)
    return final_path, digest, row_count


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
        source = f"select * from ({relation.sql_query()}) as export_relation"
        query = f"select distinct update_time_column from ({source}) as exported"
        if after is not None:
            query += f" where update_time_column > {_timestamp_sql(after)}"
        load_times = [row[0] for row in session.execute(query + " order by 1").fetchall()]
        folder = Path(export_path) / "amplitude" / kind
        for update_time in load_times:
            rows_sql = f"{source} where update_time_column = {_timestamp_sql(update_time)}"
            path, digest, row_count = write_export_file(session, rows_sql, folder, kind, update_time)
            manifest["export_file_id"].append(digest)
            manifest["export_kind"].append(kind)
            manifest["file_path"].append(path.as_posix())
            manifest["row_count"].append(row_count)
            manifest["content_sha256"].append(digest)
            manifest["max_update_time"].append(update_time)
            manifest["written_at"].append(written_at)
    return pa.table(manifest, schema=MANIFEST_SCHEMA)
