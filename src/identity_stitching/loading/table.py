"""Columnar output of the loaders: every value a string, plus provenance."""

import datetime as dt

import pyarrow as pa

PROVENANCE = [
    ("source_file", pa.string()),
    ("source_row_number", pa.int64()),
    ("source_file_sha256", pa.string()),
    ("source_file_encoding", pa.string()),
    ("source_file_modified_at", pa.timestamp("us")),
    ("_loaded_at", pa.timestamp("us")),
]


class RowCollector:
    """Collects loaded rows column by column and hands them over as an Arrow table."""

    def __init__(self, data_columns):
        self.data_columns = list(data_columns)
        self.loaded_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        names = [name for name, _ in PROVENANCE] + self.data_columns
        names += ["extra_columns", "load_error"]
        self.columns = {name: [] for name in names}

    def add(self, export_file, row_number, values, extra_columns=None, load_error=None):
        """One row; `values` maps data column -> string (missing ones become null)."""
        columns = self.columns
        columns["source_file"].append(export_file.relative_path)
        columns["source_row_number"].append(row_number)
        columns["source_file_sha256"].append(export_file.content_sha256)
        columns["source_file_encoding"].append(export_file.encoding)
        columns["source_file_modified_at"].append(export_file.modified_at)
        columns["_loaded_at"].append(self.loaded_at)
        for name in self.data_columns:
            columns[name].append(values.get(name))
        columns["extra_columns"].append(extra_columns)
        columns["load_error"].append(load_error)

    def to_arrow(self):
        fields = PROVENANCE + [(name, pa.string()) for name in self.data_columns]
        fields += [("extra_columns", pa.string()), ("load_error", pa.string())]
        schema = pa.schema(fields)
        return pa.table(
            {name: pa.array(self.columns[name], type=schema.field(name).type) for name in schema.names},
            schema=schema,
        )
