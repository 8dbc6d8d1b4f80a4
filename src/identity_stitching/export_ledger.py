"""The export folder as the ledger of what was delivered to Amplitude.

Each run writes its new rows as `<kind>_<load time>_<digest>.json.gz` under
`<export path>/amplitude/<kind>/` (export_files.py), and the database records
every file it wrote in `export_amplitude__files`. Before the gate decides what
is new, the folder is compared with that record:

- a file the database does not record (the database was lost, replaced by an
  older copy, or a run wrote the file and died before recording it) is read
  whole and checked (a complete gzip stream, one JSON object with an insert_id
  per line, the digest in its name): its rows are adopted as exported, so they
  are never exported again;
- a file the database records but the folder lacks is reported (the build's
  test `assert_recorded_export_files_are_in_the_folder`);
- a temporary file a killed writer left behind (`.<kind>_<load time>.json.gz.partial`)
  was never delivered and is deleted;
- a file whose gzip stream or lines are broken stops the run with one message:
  it was never delivered whole.

Files the database records are not read again: the check costs a directory
listing per run.
"""

import datetime as dt
import gzip
import hashlib
import json
import re
import zlib
from pathlib import Path

import pyarrow as pa

KINDS = ("events", "identifies")
STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"
FILE_NAME = re.compile(r"^(?P<kind>events|identifies)_(?P<stamp>\d{8}T\d{12}Z)_(?P<digest>[0-9a-f]{12})\.json\.gz$")
TEMPORARY_NAME = re.compile(r"^\.(?P<kind>events|identifies)_(?P<stamp>\d{8}T\d{12}Z)\.json\.gz\.partial$")
CHUNK = 1 << 20

FOLDER_SCHEMA = pa.schema(
    [
        ("export_kind", pa.string()),
        ("file_name", pa.string()),
        ("file_path", pa.string()),
        ("load_time", pa.timestamp("us")),
        ("row_count", pa.int64()),
        ("content_sha256", pa.string()),
        ("is_in_folder", pa.bool_()),
        ("is_recorded", pa.bool_()),
    ]
)


class CorruptExportFile(RuntimeError):
    """A file of the export folder that is not a whole export file."""


def load_time_of(stamp):
    return dt.datetime.strptime(stamp, STAMP_FORMAT)


def kind_folder(export_path, kind):
    return Path(export_path) / "amplitude" / kind


def check_file(path, digest_prefix):
    """(rows, sha256 of the content) of a whole export file; CorruptExportFile otherwise.

    Reads the gzip stream to its end (a truncated stream has no trailer: EOFError;
    a damaged one fails its CRC), checks that every line is a JSON object with an
    insert_id and that the content's sha256 starts with the digest in the name.
    """
    digest = hashlib.sha256()
    rows = 0
    tail = b""
    try:
        with gzip.open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
                lines = (tail + chunk).split(b"\n")
                tail = lines.pop()
                for line in lines:
                    record = json.loads(line)
                    if not isinstance(record, dict) or not record.get("insert_id"):
                        raise ValueError(f"line {rows + 1} is not an export row (no insert_id)")
                    rows += 1
    except (OSError, EOFError, zlib.error, ValueError) as error:
        raise CorruptExportFile(_corrupt(path, f"{type(error).__name__}: {error}")) from None
    if tail:
        raise CorruptExportFile(_corrupt(path, "its last line has no newline: it is cut short"))
    if not digest.hexdigest().startswith(digest_prefix):
        raise CorruptExportFile(_corrupt(path, "its content does not match the digest in its name"))
    return rows, digest.hexdigest()


def rewritten_digest(path):
    """The sha256 an erasure recorded for the file it rewrote in place (export_erasure.py), or None."""
    marker = path.with_name(f".{path.name}.rewritten")
    return marker.read_text().strip() if marker.is_file() else None


def _corrupt(path, why):
    return (
        f"The export file {path} is not whole ({why}). This database never recorded it, so it was "
        "written or copied by a run that did not finish: it is not counted as delivered. Delete it "
        "(and its copy in the bucket Amplitude reads, if one was uploaded and Amplitude has not imported "
        "it) and run again; its rows are exported again in a new file."
    )


def scan(export_path, recorded):
    """The export folder against what the database recorded.

    `recorded` maps each kind to the file names the database recorded.
    Returns (an Arrow table of FOLDER_SCHEMA, the temporary files deleted).
    Raises CorruptExportFile on the first unrecorded file that is not whole.
    """
    rows = {name: [] for name in FOLDER_SCHEMA.names}
    removed = []

    def add(kind, name, path, stamp, row_count, digest, in_folder, is_recorded):
        for column, value in zip(
            FOLDER_SCHEMA.names,
            [kind, name, path, load_time_of(stamp), row_count, digest, in_folder, is_recorded],
        ):
            rows[column].append(value)

    for kind in KINDS:
        folder = kind_folder(export_path, kind)
        known = set(recorded.get(kind, ()))
        present = sorted(folder.iterdir()) if folder.is_dir() else []
        seen = set()
        for path in present:
            if not path.is_file():
                continue
            if TEMPORARY_NAME.match(path.name):
                path.unlink(missing_ok=True)
                removed.append(path.as_posix())
                continue
            match = FILE_NAME.match(path.name)
            if not match or match["kind"] != kind:
                continue  # not an export file: left alone
            seen.add(path.name)
            if path.name in known:
                add(kind, path.name, path.as_posix(), match["stamp"], None, None, True, True)
            else:
                # erasure hook: a file an erasure rewrote in place (export_erasure.py)
                row_count, digest = check_file(path, rewritten_digest(path) or match["digest"])
                add(kind, path.name, path.as_posix(), match["stamp"], row_count, digest, True, False)
        for name in sorted(known - seen):
            match = FILE_NAME.match(name)
            if match:
                add(kind, name, (folder / name).as_posix(), match["stamp"], None, None, False, True)
    return pa.table(rows, schema=FOLDER_SCHEMA), removed


def recorded_files(session, relation):
    """{kind: file names} recorded in the export_amplitude__files relation (schema.table), if it exists."""
    schema, table = relation.split(".")
    exists = session.execute(
        "select count(*) from duckdb_tables() where database_name = current_database()"
        " and schema_name = ? and table_name = ?",
        [schema, table],
    ).fetchone()[0]
    if not exists:
        return {}
    found = {}
    for kind, file_path in session.execute(f"select export_kind, file_path from {relation}").fetchall():
        found.setdefault(kind, set()).add(Path(file_path).name)
    return found
