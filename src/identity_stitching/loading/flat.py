"""Loader for the flat exports: one header line, then one record per line."""

import csv
import io

from identity_stitching.loading.changes import FolderUpdate, folder_changes
from identity_stitching.loading.errors import SchemaDriftError
from identity_stitching.loading.files import (
    MAX_VALUE_LENGTH,
    csv_rows,
    fit_to_header,
    malformed_csv_problem,
    split_header,
    strip_trailing_empty,
)
from identity_stitching.loading.layouts import LAYOUTS, Layout
from identity_stitching.loading.table import files_reader, to_json


def read_flat_exports(raw_path, layout_name):
    """All rows of every file of a flat layout's folder, as an Arrow table.

    Rows that cannot be trusted (ragged, oversized values, malformed CSV) are
    kept with a `load_error` so staging can quarantine them; a header that
    misses expected columns raises SchemaDriftError for the whole build.
    Empty and header-only files add no rows.
    """
    return flat_exports_reader(raw_path, layout_name).read_all()


def flat_exports_reader(raw_path, layout_name):
    """The rows of `read_flat_exports` as a stream of record batches.

    Every file's header is checked before the reader is returned, so schema
    drift raises here, before a single row is handed over.
    """
    return flat_exports_update(raw_path, layout_name).reader


def flat_exports_update(raw_path, layout_name, loaded=frozenset(), folder=None):
    """What a table holding the rows of the `loaded` files needs to mirror the layout's folder.

    `loaded` holds the (source_file, source_file_sha256) pairs the table has
    rows of. The reader streams the rows of the other files only (new ones,
    and those whose bytes changed); `changes` says which loaded files are
    stale. Only the files to read have their header checked: schema drift in
    one of them raises here, before the table is changed.
    """
    layout = layout_name if isinstance(layout_name, Layout) else LAYOUTS[layout_name]
    changes = folder_changes(raw_path, folder or layout.folder, loaded)
    reader = files_reader(
        raw_path,
        changes.to_load,
        layout.columns.values(),
        check=lambda text, source_file: _check_header(text, layout, source_file),
        read=lambda export_file, builder: _read_file(export_file, layout, builder),
    )
    return FolderUpdate(reader=reader, changes=changes)


def _header(fields):
    return [name.strip() for name in strip_trailing_empty(fields)]


def _check_header(text, layout, relative_path):
    """Raise SchemaDriftError as reading the file would, reading only up to its header."""
    for _, fields, problem in csv_rows(text):
        if problem:
            raise SchemaDriftError(relative_path, layout.headers, layout.headers)
        if any(field.strip() for field in fields):
            header = _header(fields)
            missing = [name for name in layout.headers if name not in header]
            if missing:
                raise SchemaDriftError(relative_path, missing, layout.headers, header)
            return


def _read_file(export_file, layout, builder):
    """Add one file's rows to `builder`, yielding a batch whenever one is full.

    The fast path takes a row as the csv module gives it when it has exactly
    the header's width and is too short to hold an oversized value; any other
    row goes through `fit_to_header`, which decides padding, ragged rows and
    oversized values.
    """
    reader = csv.reader(io.StringIO(export_file.text, newline=""), strict=True)
    limit = builder.batch_rows
    header = segment = None
    number = 1  # physical line where the next record starts
    try:
        for fields in reader:
            row_number = number
            number = reader.line_num + 1
            joined = "".join(fields)
            if not joined or joined.isspace():
                continue  # blank line: no data
            if header is None:
                header = _header(fields)
                missing = [name for name in layout.headers if name not in header]
                if missing:
                    raise SchemaDriftError(
                        export_file.relative_path, missing, layout.headers, header
                    )
                width = len(header)
                index, extra_positions = split_header(header, layout.columns)
                segment = builder.segment(export_file, index, width=width)
                rows, numbers, extras = segment.rows, segment.numbers, segment.extras
                continue
            if len(fields) != width or len(joined) > MAX_VALUE_LENGTH:
                fields, problem = fit_to_header(header, fields)
                if problem:
                    segment.add_error(row_number, problem)
                    continue
            if extra_positions:
                extra = {}
                for name, position in extra_positions:
                    extra[name] = fields[position]
                extras[len(numbers)] = to_json(extra)
            rows.append(fields)
            numbers.append(row_number)
            if len(numbers) >= limit:
                yield builder.flush()
    except csv.Error as error:
        if header is None:
            raise SchemaDriftError(
                export_file.relative_path, layout.headers, layout.headers
            ) from None
        segment.add_error(number, malformed_csv_problem(error))
