"""Rewriting delivered export files after an erasure removed rows from the export relations.

An erasure deletes the erased persons' rows from `export_amplitude__events`
and `__identifies` (models/privacy/). A file already written for a load time
still holds those rows, so it is written again from the relation's remaining
rows of that load time, under the same name: Amplitude's S3 import processes
an object once and ignores later edits, so nothing is imported twice, while a
new name would be a new file and every remaining row would be imported again.
The new content is written to a temporary file, synced and renamed into
place, like every export file (export_files.py). The name's digest then no
longer matches the content, so the new digest is kept beside it in a hidden
`.<file name>.rewritten` file, which the ledger check reads
(export_ledger.rewritten_digest) when it must adopt the file.
"""

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import pyarrow as pa

from identity_stitching.export_files import _fsync, _timestamp_sql, line_sql, write_lines

REWRITES_SCHEMA = pa.schema(
    [
        ("export_file_id", pa.string()),
        ("export_kind", pa.string()),
        ("file_path", pa.string()),
        ("rows_before", pa.int64()),
        ("rows_after", pa.int64()),
        ("content_sha256", pa.string()),
        ("rewritten_at", pa.timestamp("us")),
    ]
)


def rewritten_marker(path):
    """The hidden file beside `path` holding the sha256 of its rewritten content."""
    path = Path(path)
    return path.with_name(f".{path.name}.rewritten")


def rewrite_erased_files(session, files_relation, relations):
    """Rewrite every recorded file holding more rows than its relation still has for its load time.

    `files_relation` is export_amplitude__files (schema.table), whose
    row_count and content_sha256 are updated; `relations` maps each kind to
    its export relation (schema.table). Returns the rewrites as Arrow.
    """
    rewrites = {name: [] for name in REWRITES_SCHEMA.names}
    rewritten_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    recorded = session.execute(
        f"select export_file_id, export_kind, file_path, row_count, max_update_time from {files_relation}"
    ).fetchall()
    for file_id, kind, file_path, row_count, load_time in recorded:
        rows_sql = f"select * from {relations[kind]} where update_time_column = {_timestamp_sql(load_time)}"
        (remaining,), = session.execute(f"select count(*) from ({rows_sql}) as kept").fetchall()
        path = Path(file_path)
        if remaining >= row_count or not path.is_file():
            continue
        temporary = path.with_name(f".{path.name}.erasure.partial")
        try:
            rows, digest = write_lines(
                session,
                f"select {line_sql()} || chr(10) as line from ({rows_sql}) as exported order by time, insert_id",
                temporary,
            )
            marker = rewritten_marker(path)
            marker.write_text(digest + "\n")
            _fsync(temporary)
            os.replace(temporary, path)
            _fsync(path.parent)
        finally:
            temporary.unlink(missing_ok=True)
        session.execute(
            f"update {files_relation} set row_count = ?, content_sha256 = ? where export_file_id = ?",
            [rows, digest, file_id],
        )
        for column, value in zip(
            REWRITES_SCHEMA.names, [file_id, kind, path.as_posix(), row_count, rows, digest, rewritten_at]
        ):
            rewrites[column].append(value)
    return pa.table(rewrites, schema=REWRITES_SCHEMA)


DELETION_FILES_SCHEMA = pa.schema(
    [
        ("deletion_file_id", pa.string()),
        ("file_path", pa.string()),
        ("user_id_count", pa.int64()),
        ("device_id_count", pa.int64()),
        ("listed_up_to", pa.timestamp("us")),
        ("written_at", pa.timestamp("us")),
    ]
)

# The User Privacy API (v1, POST /api/2/deletions/users) takes at most 100 ids per request.
PRIVACY_API_MAX_IDS = 100


def write_deletion_file(session, deletions_relation, export_path, listed_after, requester):
    """Write the ids first listed after `listed_after` as one JSON file of User Privacy API bodies.

    `deletions` lists, 100 ids at a time, the bodies to POST: `user_ids` as
    exported, `amplitude_ids` empty (Amplitude knows a device only by the
    amplitude_id it gave it: look each of `device_ids` up first, e.g. with
    the User Search API, and add it), `requester`, `ignore_invalid_id` and
    `delete_from_org` as the strings the API reads. Returns the file's row
    as Arrow (no row when nothing new was listed).
    """
    condition = "not is_already_listed"
    parameters = []
    if listed_after is not None:
        condition += " and listed_at > ?"
        parameters.append(listed_after)
    rows = session.execute(
        f"select id_type, exported_id, request_id, listed_at from {deletions_relation}"
        f" where {condition} order by id_type, exported_id",
        parameters,
    ).fetchall()
    table = {name: [] for name in DELETION_FILES_SCHEMA.names}
    if not rows:
        return pa.table(table, schema=DELETION_FILES_SCHEMA)
    user_ids = sorted({exported for kind, exported, _, _ in rows if kind == "user_id"})
    device_ids = sorted({exported for kind, exported, _, _ in rows if kind == "device_id"})
    listed_up_to = max(listed_at for _, _, _, listed_at in rows)
    body = {
        "erasure_requests": sorted({request for _, _, request, _ in rows}),
        "deletions": [
            {
                "user_ids": user_ids[start:start + PRIVACY_API_MAX_IDS],
                "amplitude_ids": [],
                "requester": requester,
                "ignore_invalid_id": "True",
                "delete_from_org": "False",
            }
            for start in range(0, max(len(user_ids), 1), PRIVACY_API_MAX_IDS)
        ],
        "device_ids": device_ids,
    }
    folder = Path(export_path) / "amplitude" / "deletions"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"deletions_{listed_up_to.strftime('%Y%m%dT%H%M%S%fZ')}.json"
    temporary = folder / f".{path.name}.partial"
    temporary.write_text(json.dumps(body, indent=2) + "\n")
    _fsync(temporary)
    os.replace(temporary, path)
    _fsync(folder)
    for column, value in zip(
        DELETION_FILES_SCHEMA.names,
        [
            hashlib.sha256(path.read_bytes()).hexdigest(),
            path.as_posix(),
            len(user_ids),
            len(device_ids),
            listed_up_to,
            dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
        ],
    ):
        table[column].append(value)
    return pa.table(table, schema=DELETION_FILES_SCHEMA)
