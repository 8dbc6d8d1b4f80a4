"""Keeping a loaded base table in line with its raw folder, in DuckDB.

An incremental loader reads which files its table holds (`loaded_files`),
loads only the rest, and first applies the folder's changes to the table
(`apply_changes`), so that the table always holds what a fresh load would.
`load_incrementally` does the three steps for a dbt Python model.
"""


def load_incrementally(dbt, session, update_for):
    """The reader a base loader model returns, its table brought in line with the folder first.

    `update_for(loaded)` gives the FolderUpdate for the files already loaded
    (see loaded_files): none on a first build or --full-refresh.
    """
    loaded = loaded_files(session, dbt.this) if dbt.is_incremental else {}
    update = update_for(loaded)
    if dbt.is_incremental:
        apply_changes(session, dbt.this, update.changes)
    return update.reader


def loaded_files(connection, table):
    """{(source_file, source_file_sha256): (source_file_modified_at, _loaded_at)} of the files `table` holds rows of.

    The times let folder_changes skip hashing a file that was not modified
    since its load; the earliest _loaded_at of a file's rows is the safe one.
    """
    rows = connection.execute(
        f"""
        select source_file, source_file_sha256, max(source_file_modified_at), min(_loaded_at)
        from {table}
        group by 1, 2
        """
    ).fetchall()
    return {(source_file, sha256): (modified, loaded_at) for source_file, sha256, modified, loaded_at in rows}


def apply_changes(connection, table, changes):
    """Delete the rows of stale files and refresh the modification time of kept ones.

    The rows of new and changed files are added afterwards, by the model's reader.
    """
    delete_stale_files(connection, table, changes.stale_files)
    refresh_modified_at(connection, table, changes.kept_modified_at)


def delete_stale_files(connection, table, stale_files):
    """Delete the rows of each (source_file, source_file_sha256) in `stale_files`."""
    if not stale_files:
        return
    source_files, hashes = map(list, zip(*stale_files))
    connection.execute(
        f"""
        delete from {table} as loaded
        using (select unnest(?::varchar[]) as source_file, unnest(?::varchar[]) as sha256) as stale
        where loaded.source_file = stale.source_file
            and loaded.source_file_sha256 = stale.sha256
        """,
        [source_files, hashes],
    )


def refresh_modified_at(connection, table, kept_modified_at):
    """Set `source_file_modified_at` of kept files to their time now.

    Saving the same bytes again (a repeated download) changes only the
    modification time; freshness checks read it, and a fresh load would show it.
    """
    if not kept_modified_at:
        return
    connection.execute(
        f"""
        update {table} as loaded
        set source_file_modified_at = kept.modified_at
        from (select unnest(?::varchar[]) as source_file, unnest(?::timestamp[]) as modified_at) as kept
        where loaded.source_file = kept.source_file
            and loaded.source_file_modified_at is distinct from kept.modified_at
        """,
        [list(kept_modified_at), list(kept_modified_at.values())],
    )
