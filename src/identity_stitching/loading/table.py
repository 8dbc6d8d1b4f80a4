"""Columnar output of the loaders: every value a string, plus provenance.

Loaders hand their rows over as Arrow record batches of about `BATCH_ROWS`
rows, so a source of any size is loaded with the memory of one batch (plus
the one file being read), not of all its rows.
"""

import datetime as dt
from json.encoder import encode_basestring

import pyarrow as pa

from identity_stitching.loading.files import open_export_file, read_export_text, source_file_name

PROVENANCE = [
    ("source_file", pa.string()),
    ("source_row_number", pa.int64()),
    ("source_file_sha256", pa.string()),
    ("source_file_encoding", pa.string()),
    ("source_file_modified_at", pa.timestamp("us")),
    ("_loaded_at", pa.timestamp("us")),
]

BATCH_ROWS = 50_000


def to_json(values):
    """`json.dumps(values, ensure_ascii=False)` of a str -> str dict, without its per-call set-up."""
    return "{" + ", ".join(
        encode_basestring(name) + ": " + encode_basestring(value) for name, value in values.items()
    ) + "}"


def table_schema(data_columns, value_errors=False):
    """Provenance, the data columns, `extra_columns`, `load_error` and, for a loader
    that drops values rather than rows (flat.py), `value_errors`."""
    fields = PROVENANCE + [(name, pa.string()) for name in data_columns]
    fields += [("extra_columns", pa.string()), ("load_error", pa.string())]
    if value_errors:
        fields.append(("value_errors", pa.string()))
    return pa.schema(fields)


class Segment:
    """Consecutive rows of one file that share a header and constant values.

    `rows` holds each row's fields in header order (exactly `width` of them;
    a row with a load error holds `blank`); data column `name` takes position
    `index[name]` of it, or `constants[name]` for every row, else null.
    `extras`, `errors` and `value_errors` map a row's position in the segment
    to its extra_columns JSON, load_error and value_errors JSON (the values
    dropped from a row that flows on: column -> reason).
    """

    __slots__ = (
        "export_file", "index", "constants", "blank", "rows", "numbers", "extras", "errors", "value_errors",
    )

    def __init__(self, export_file, index, constants, width):
        self.export_file = export_file
        self.index = index
        self.constants = constants
        self.blank = (None,) * width
        self.rows = []
        self.numbers = []
        self.extras = {}
        self.errors = {}
        self.value_errors = {}

    def add_error(self, row_number, problem):
        self.errors[len(self.numbers)] = problem
        self.rows.append(self.blank)
        self.numbers.append(row_number)

    def clear(self):
        self.rows.clear()
        self.numbers.clear()
        self.extras.clear()
        self.errors.clear()
        self.value_errors.clear()


class BatchBuilder:
    """Collects rows in segments and turns them into Arrow record batches."""

    def __init__(self, data_columns, batch_rows=None, value_errors=False):
        self.data_columns = list(data_columns)
        self.value_errors = value_errors
        self.schema = table_schema(self.data_columns, value_errors)
        self.batch_rows = batch_rows or BATCH_ROWS
        self.loaded_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        self.segments = []

    def segment(self, export_file, index=None, constants=None, width=0):
        """A new segment; rows added to it go to the next batch."""
        segment = Segment(export_file, index or {}, constants or {}, width)
        self.segments.append(segment)
        return segment

    @property
    def pending(self):
        return sum(len(segment.numbers) for segment in self.segments)

    def flush(self):
        """The rows collected so far, as record batches (one per segment that has rows).

        Every segment is emptied; the last one stays open for more rows.
        """
        batches = [
            pa.RecordBatch.from_arrays(self._arrays(segment), schema=self.schema)
            for segment in self.segments
            if segment.numbers
        ]
        for segment in self.segments:
            segment.clear()
        self.segments = self.segments[-1:]
        return batches

    def _arrays(self, segment):
        n = len(segment.numbers)
        export_file = segment.export_file
        string = pa.string()
        by_position = list(zip(*segment.rows)) if segment.index else []
        arrays = [
            _repeat(export_file.relative_path, string, n),
            pa.array(segment.numbers, pa.int64()),
            _repeat(export_file.content_sha256, string, n),
            _repeat(export_file.encoding, string, n),
            _repeat(export_file.modified_at, pa.timestamp("us"), n),
            _repeat(self.loaded_at, pa.timestamp("us"), n),
        ]
        for name in self.data_columns:
            if name in segment.constants:
                arrays.append(_repeat(segment.constants[name], string, n))
            elif name in segment.index:
                arrays.append(pa.array(by_position[segment.index[name]], string))
            else:
                arrays.append(pa.nulls(n, string))
        arrays.append(_sparse(segment.extras, n))
        arrays.append(_sparse(segment.errors, n))
        if self.value_errors:
            arrays.append(_sparse(segment.value_errors, n))
        return arrays


def _repeat(value, type_, n):
    return pa.repeat(pa.scalar(value, type_), n)


def _sparse(values, n):
    if not values:
        return pa.nulls(n, pa.string())
    column = [None] * n
    for position, value in values.items():
        column[position] = value
    return pa.array(column, pa.string())


def batch_reader(data_columns, batches, value_errors=False):
    """A RecordBatchReader over the loader's rows.

    `batches(builder)` adds rows to `builder` and yields `builder.flush()`
    whenever about `builder.batch_rows` rows are pending; what is left at the
    end is flushed here. With `value_errors` the rows carry that column.
    """
    builder = BatchBuilder(data_columns, value_errors=value_errors)

    def generate():
        for flushed in batches(builder):
            yield from flushed
        yield from builder.flush()

    return pa.RecordBatchReader.from_batches(builder.schema, generate())


def files_reader(raw_path, paths, data_columns, check, read, value_errors=False):
    """A RecordBatchReader over the rows of the files at `paths`, once every one has been checked.

    `check(text, source_file)` raises (SchemaDriftError) before a single row is
    handed over; `read(export_file, builder)` adds one file's rows to `builder`,
    yielding batches as they fill. With `value_errors`, the table has the
    `value_errors` column (see Segment).
    """
    for path in paths:
        check(read_export_text(path), source_file_name(path, raw_path))

    def batches(builder):
        for path in paths:
            yield from read(open_export_file(path, raw_path), builder)
            if builder.pending >= builder.batch_rows:
                yield builder.flush()

    return batch_reader(data_columns, batches, value_errors)
