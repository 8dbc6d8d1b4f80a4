"""Loader for the flat exports: one header line, then one record per line."""

import json

from identity_stitching.loading.errors import SchemaDriftError
from identity_stitching.loading.files import (
    csv_rows,
    fit_to_header,
    list_export_files,
    open_export_file,
    strip_trailing_empty,
)
from identity_stitching.loading.layouts import LAYOUTS
from identity_stitching.loading.table import RowCollector


def read_flat_exports(raw_path, layout_name):
    """All rows of every file of a flat layout's folder, as an Arrow table.

    Rows that cannot be trusted (ragged, oversized values, malformed CSV) are
    kept with a `load_error` so staging can quarantine them; a header that
    misses expected columns raises SchemaDriftError for the whole build.
    Empty and header-only files add no rows.
    """
    layout = LAYOUTS[layout_name]
    collector = RowCollector(layout.columns.values())
    for path in list_export_files(raw_path, layout.folder):
        export_file = open_export_file(path, raw_path)
        _read_file(export_file, layout, collector)
    return collector.to_arrow()


def _read_file(export_file, layout, collector):
    header = None
    for row_number, fields, problem in csv_rows(export_file.text):
        if problem:
            if header is None:
                raise SchemaDriftError(export_file.relative_path, layout.headers, layout.headers)
            collector.add(export_file, row_number, {}, None, problem)
            continue
        if not any(field.strip() for field in fields):
            continue  # blank line: no data
        if header is None:
            header = [name.strip() for name in strip_trailing_empty(fields)]
            missing = [name for name in layout.headers if name not in header]
            if missing:
                raise SchemaDriftError(export_file.relative_path, missing, layout.headers, header)
            continue
        collector.add(export_file, row_number, *_parse_row(header, fields, layout))


def _parse_row(header, fields, layout):
    """(values, extra_columns, load_error) for one data row."""
    fields, problem = fit_to_header(header, fields)
    if problem:
        return {}, None, problem
    values, extra = {}, {}
    for name, value in zip(header, fields):
        if name in layout.columns:
            values[layout.columns[name]] = value
        elif name:
            extra[name] = value
    return values, (json.dumps(extra, ensure_ascii=False) if extra else None), None
