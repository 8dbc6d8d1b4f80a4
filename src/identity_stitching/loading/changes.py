"""Which raw files a loaded table lacks, and which of its rows are stale.

Every loaded row carries its file (`source_file`, relative to the raw folder)
and the SHA-256 of that file's bytes. Comparing those (source_file, sha256)
pairs with the folder tells a loader what to read: only new files and files
whose bytes changed. Hashing a file is cheap next to parsing it as CSV, but
hashing a whole folder on every run is not (1.7 s for the 0.8 GB of Zoom
reports at 10M rows), so a loaded file whose modification time is the one
recorded at its load is taken as unchanged without being read, as make and
git do. Git's "racy" case is kept out: a file modified less than
`RACY_SECONDS` before it was loaded may have changed again within the
timestamp's resolution, so it is hashed. `--full-refresh` reads every file.
"""

import datetime as dt

from dataclasses import dataclass

from identity_stitching.loading.files import (
    content_sha256,
    list_export_files,
    modified_at,
    source_file_name,
)

RACY_SECONDS = 60


@dataclass(frozen=True)
class FolderChanges:
    """How a raw folder differs from the files a table holds rows of."""

    to_load: list  # paths of the files whose current bytes are not loaded: new or changed
    stale_files: list  # (source_file, sha256) loaded but no longer in the folder: delete their rows
    kept_modified_at: dict  # source_file -> modification time, of each loaded file kept as it is


@dataclass(frozen=True)
class FolderUpdate:
    """The rows to add to a loaded table, and the changes to make to it first."""

    reader: object  # pyarrow.RecordBatchReader over the rows of `changes.to_load`
    changes: FolderChanges


def folder_changes(raw_path, folder, loaded=frozenset()):
    """Compare `raw_path/folder` with the (source_file, sha256) pairs already `loaded`.

    A file whose path and bytes are loaded is kept; any other file is loaded.
    A loaded pair the folder no longer has (the file changed or is gone) is
    stale. A file that loaded no rows (empty, header only) is never in
    `loaded`, so it is read again on every run, which costs next to nothing.
    `loaded` may map each pair to the (modified_at, loaded_at) its rows hold
    (`loaded_files` does): then a file still showing that modification time,
    made well before its load, is not hashed again.
    """
    paths = list_export_files(raw_path, folder)
    stamps = loaded if isinstance(loaded, dict) else {}
    loaded = frozenset(loaded)
    if not loaded:
        return FolderChanges(to_load=paths, stale_files=[], kept_modified_at={})  # nothing to hash against
    unchanged = _unchanged_since_load(stamps)
    on_disk, modified = {}, {}
    for path in paths:
        source_file = source_file_name(path, raw_path)
        modified[source_file] = modified_at(path)
        sha256 = unchanged.get((source_file, modified[source_file])) or content_sha256(path)
        on_disk[source_file, sha256] = path
    kept = sorted(on_disk.keys() & loaded)
    return FolderChanges(
        to_load=[path for pair, path in on_disk.items() if pair not in loaded],
        stale_files=sorted(loaded - on_disk.keys()),
        kept_modified_at={source_file: modified[source_file] for source_file, _ in kept},
    )


def _unchanged_since_load(stamps):
    """{(source_file, modified_at): sha256} of the loaded files whose modification time can vouch for their bytes."""
    margin = dt.timedelta(seconds=RACY_SECONDS)
    return {
        (source_file, modified): sha256
        for (source_file, sha256), (modified, loaded_at) in stamps.items()
        if modified is not None and loaded_at is not None and modified < loaded_at - margin
    }
