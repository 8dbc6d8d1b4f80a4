"""Loader for the flat exports: one header line, then one record per line.

Which layouts each source accepts, how a file's layout is recognized from its
content, and which columns a row needs: layouts.py. RingCentral's call log
also comes as the call-log API response saved as it came (a JSON document),
read here too (`_read_json`).

A row that cannot be used (ragged, malformed CSV, a value too long to be real
in a column it needs) is kept with a `load_error`, so staging quarantines it.
A value too long to be real (or, in JSON, not a text value) in a column the
row can do without is dropped: the row keeps flowing with that value null and
the reason in `value_errors` (a JSON object: column as the file names it ->
reason). A header that misses a required column raises SchemaDriftError.
"""

import csv
import io
import json
import re

from identity_stitching.loading.changes import FolderUpdate, folder_changes
from identity_stitching.loading.errors import SchemaDriftError
from identity_stitching.loading.files import (
    MAX_VALUE_LENGTH,
    csv_rows,
    fit_to_width,
    header_key,
    malformed_csv_problem,
    oversized_value_dropped,
    oversized_value_problem,
    strip_trailing_empty,
)
from identity_stitching.loading.layouts import (
    INBOUND_DIRECTIONS,
    OUTBOUND_DIRECTIONS,
    RINGCENTRAL_API_CSV,
    flat_source,
)
from identity_stitching.loading.table import files_reader, to_json


def read_flat_exports(raw_path, layout_name):
    """All rows of every file of a flat source's folder, as an Arrow table.

    Rows that cannot be used (ragged, oversized values where the row needs
    them, malformed CSV or JSON) are kept with a `load_error` so staging can
    quarantine them; a header that misses required columns raises
    SchemaDriftError for the whole build. Empty and header-only files add no
    rows.
    """
    return flat_exports_reader(raw_path, layout_name).read_all()


def flat_exports_reader(raw_path, layout_name):
    """The rows of `read_flat_exports` as a stream of record batches.

    Every file's header is checked before the reader is returned, so schema
    drift raises here, before a single row is handed over.
    """
    return flat_exports_update(raw_path, layout_name).reader


def flat_exports_update(raw_path, layout_name, loaded=frozenset(), folder=None):
    """What a table holding the rows of the `loaded` files needs to mirror the source's folder.

    `layout_name` names a source of layouts.FLAT_SOURCES, or is a FlatSource
    (a registry entry with loader `flat`: layouts.registry_flat_source).

    `loaded` holds the (source_file, source_file_sha256) pairs the table has
    rows of. The reader streams the rows of the other files only (new ones,
    and those whose bytes changed); `changes` says which loaded files are
    stale. Only the files to read have their header checked: schema drift in
    one of them raises here, before the table is changed.
    """
    source = flat_source(layout_name)
    changes = folder_changes(raw_path, folder or source.folder, loaded)
    reader = files_reader(
        raw_path,
        changes.to_load,
        source.data_columns,
        check=lambda text, source_file: _check_file(text, source, source_file),
        read=lambda export_file, builder: _read_file(export_file, source, builder),
        value_errors=True,
    )
    return FolderUpdate(reader=reader, changes=changes)


def _header(fields):
    return [name.strip() for name in strip_trailing_empty(fields)]


def _missing(layout, header):
    """The required headers of `layout` that `header` lacks (under any accepted spelling)."""
    fed = {layout.column_of(name) for name in header}
    return [name for name in layout.required if layout.column_of(name) not in fed]


def _drift(source, layout, relative_path, missing, header=None):
    return SchemaDriftError(relative_path, missing, layout.headers, header, hint=source.hint or None)


def _check_file(text, source, relative_path):
    """Raise SchemaDriftError as reading the file would, reading only up to its header."""
    if source.reads_json and _is_json(text):
        _json_records(text, source, relative_path)
        return
    for _, fields, problem in csv_rows(text):
        if problem:
            layout = source.layouts[0]
            raise _drift(source, layout, relative_path, layout.required)
        if any(field.strip() for field in fields):
            header = _header(fields)
            layout = source.detect(header)
            missing = _missing(layout, header)
            if missing:
                raise _drift(source, layout, relative_path, missing, header)
            return


def _read_file(export_file, source, builder):
    if source.reads_json and _is_json(export_file.text):
        return _read_json(export_file, source, builder)
    return _read_csv(export_file, source, builder)


class _Columns:
    """How one file's header feeds the loaded columns.

    `column_at[position]` is the column a header position feeds (None for an
    extra or ignored column); `index` maps each fed column to its position;
    `extras` lists (name, position) of the columns kept in extra_columns.
    """

    def __init__(self, layout, header):
        self.layout = layout
        self.header = header
        self.index, self.extras, self.column_at = {}, [], []
        for position, name in enumerate(header):
            column = layout.column_of(name)
            if column is not None and column not in self.index:
                self.index[column] = position
                self.column_at.append(column)
                continue
            self.column_at.append(None)
            if name and header_key(name) not in layout.ignored:
                self.extras.append((name, position))
        self.direction_position = self.index.get("direction")


def _read_csv(export_file, source, builder):
    """Add one CSV file's rows to `builder`, yielding a batch whenever one is full.

    The fast path takes a row as the csv module gives it when it has exactly
    the header's width and is too short to hold an oversized value (API
    layout); any other row goes through `fit_to_width` (padding, ragged rows)
    and `_drop_unusable` (values too long to be real).
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
                layout = source.detect(header)
                missing = _missing(layout, header)
                if missing:
                    raise _drift(source, layout, export_file.relative_path, missing, header)
                width = len(header)
                columns = _Columns(layout, header)
                transform = _PORTAL if layout.name == "portal_csv" else None
                constants = {source.layout_column: layout.name} if source.layout_column else {}
                if transform is None:
                    segment = builder.segment(export_file, columns.index, constants, width)
                else:
                    index = {column: position for position, column in enumerate(transform.output)}
                    segment = builder.segment(export_file, index, constants, len(transform.output))
                rows, numbers, extras = segment.rows, segment.numbers, segment.extras
                value_errors = segment.value_errors
                continue
            dropped = None
            if len(fields) != width or len(joined) > MAX_VALUE_LENGTH:
                fields, problem = fit_to_width(width, fields)
                if problem is None and len(joined) > MAX_VALUE_LENGTH:
                    fields, dropped, problem = _drop_unusable(fields, columns)
                if problem:
                    segment.add_error(row_number, problem)
                    continue
            extra = None
            if columns.extras:
                extra = {}
                for name, position in columns.extras:
                    value = fields[position]
                    if value is not None:
                        extra[name] = value
            if transform is not None:
                fields = transform.row(fields, columns, extra)
            if extra:
                extras[len(numbers)] = to_json(extra)
            if dropped:
                value_errors[len(numbers)] = to_json(dropped)
            rows.append(fields)
            numbers.append(row_number)
            if len(numbers) >= limit:
                yield builder.flush()
    except csv.Error as error:
        if header is None:
            layout = source.layouts[0]
            raise _drift(source, layout, export_file.relative_path, layout.required) from None
        segment.add_error(number, malformed_csv_problem(error))


def _drop_unusable(fields, columns):
    """(fields, dropped, problem) of a row with a value too long to be real.

    Such a value in a column the row cannot do without rejects the row
    (`problem`); anywhere else it is dropped (None) and named in `dropped`
    (column as the file names it -> reason). Ignored columns are skipped.
    """
    layout = columns.layout
    position = columns.direction_position
    direction = fields[position] if position is not None else None
    if direction is not None and len(direction) > MAX_VALUE_LENGTH:
        direction = None
    required = layout.required_columns(direction)
    fields, dropped = list(fields), {}
    for position, value in enumerate(fields):
        if value is None or len(value) <= MAX_VALUE_LENGTH:
            continue
        column, name = columns.column_at[position], columns.header[position]
        if column is None and header_key(name) in layout.ignored:
            continue
        if column in required:
            return None, None, oversized_value_problem(name, len(value))
        fields[position] = None
        dropped[name] = oversized_value_dropped(len(value))
    return fields, dropped, None


# ---------- the admin portal / app download: From and To split into name, number, extension

_ANGLE = re.compile(r"(?P<name>.*?)\s*<\s*(?P<number>[^<>]*?)\s*>")
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+")
_NUMBER = re.compile(r"\+?[\d\s().\-/]*\d[\d\s().\-/]*")
_EXTENSION = re.compile(r"(?:ext(?:ension)?\.?|x)\s*:?\s*(?P<extension>\d{1,6})", re.IGNORECASE)
_EXTENSION_THEN_NAME = re.compile(r"(?P<extension>\d{1,6})\s+-\s+(?P<name>.*\S)")
_NAME_THEN_EXTENSION = re.compile(r"(?P<name>.*?\S)\s+-\s+(?P<extension>\d{1,6})")
_NAME_THEN_NUMBER = re.compile(r"(?P<name>.*?[^\d\s().\-/+])\s*(?P<number>\+?\(?\d[\d\s().\-/]*\d)")
# An extension of the account has at most this many digits and no `+`.
MAX_EXTENSION_DIGITS = 6
MIN_PHONE_DIGITS = 7


def _digits(text):
    return sum(character.isdigit() for character in text)


def split_party(text):
    """(name, phone, extension) of a `From` or `To` cell of the portal download.

    The cell holds a number (`+1 (415) 867-2301`), `Name <number>`, a name
    followed by a number (`Alice Nguyen (415) 867-2301`), or one of the
    account's extensions (`9042`, `Ext. 9042`, `9042 - Jackie Arriola`).
    What is no number the loader can see (`Anonymous`, or a phone Excel
    rewrote as `4.42079E+11`) is passed on as the phone, so that the phone
    rules of staging say why it is not one: the loader never guesses digits.
    """
    if text is None:
        return None, None, None
    text = text.strip()
    if not text:
        return None, None, None
    match = _ANGLE.fullmatch(text)
    if match:
        name = match["name"].strip().strip('"').strip() or None
        inner_name, phone, extension = split_party(match["number"])
        return name or inner_name, phone, extension
    if _SCIENTIFIC.fullmatch(text):
        return None, text, None
    match = _EXTENSION.fullmatch(text)
    if match:
        return None, None, match["extension"]
    for pattern in (_EXTENSION_THEN_NAME, _NAME_THEN_EXTENSION):
        match = pattern.fullmatch(text)
        if match:
            return match["name"].strip() or None, None, match["extension"]
    if _NUMBER.fullmatch(text):
        if not text.startswith("+") and _digits(text) <= MAX_EXTENSION_DIGITS:
            return None, None, re.sub(r"\D", "", text)
        return None, text, None
    match = _NAME_THEN_NUMBER.fullmatch(text)
    if match and _digits(match["number"]) >= MIN_PHONE_DIGITS:
        return match["name"].strip(" -,") or None, match["number"], None
    return None, text, None


class _PortalTransform:
    """A portal row (header order) as the loaded columns `output`, From and To split."""

    output = (
        "call_type", "direction", "action", "result", "result_description", "duration",
        "start_date", "start_clock", "extension",
        "from_phone_number", "from_name", "from_extension_number",
        "to_phone_number", "to_name", "to_extension_number",
    )
    _plain = output[:9]

    def row(self, fields, columns, extra):
        """The loaded values of one row; a `Name` that names neither side goes to `extra`."""
        index = columns.index

        def value(column):
            position = index.get(column)
            return fields[position] if position is not None else None

        direction = (value("direction") or "").strip().lower()
        from_name, from_phone, from_extension = split_party(value("@from"))
        to_name, to_phone, to_extension = split_party(value("@to"))
        from_name = _text(value("from_name")) or from_name
        to_name = _text(value("to_name")) or to_name
        name = _text(value("@name"))
        if name:
            # the download's Name is the other party's: the caller of an
            # incoming call, the callee of an outgoing one
            if direction in INBOUND_DIRECTIONS and not from_name:
                from_name = name
            elif direction in OUTBOUND_DIRECTIONS and not to_name:
                to_name = name
            elif extra is not None:
                extra[columns.header[index["@name"]]] = name
        return (
            *(value(column) for column in self._plain),
            from_phone, from_name, from_extension, to_phone, to_name, to_extension,
        )


def _text(value):
    if value is None:
        return None
    return value.strip() or None


_PORTAL = _PortalTransform()


# ---------- the call-log API response, saved as it came

def _is_json(text):
    return text.lstrip()[:1] in ("{", "[")


def _json_records(text, source, relative_path):
    """(records, problem) of a saved API response.

    A response (`{"records": [...], "paging": ..., "navigation": ...}`), a
    list of records, or one response (or record) per line (JSON Lines). A
    document that is no JSON is `problem` (its rows cannot be read: one
    quarantined row); JSON of another shape raises SchemaDriftError.
    """
    try:
        documents = [json.loads(text)]
    except json.JSONDecodeError as error:
        try:
            documents = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError:
            return [], f"malformed JSON ({error}); none of the file was read"
    records = []
    for document in documents:
        if isinstance(document, dict) and isinstance(document.get("records"), list):
            records.extend(document["records"])
        elif isinstance(document, list):
            records.extend(document)
        elif isinstance(document, dict) and {"id", "startTime"} & document.keys():
            records.append(document)
        else:
            found = sorted(document) if isinstance(document, dict) else [type(document).__name__]
            raise SchemaDriftError(
                relative_path, ["records"], ["records", "paging", "navigation"], found,
                hint=source.hint or None,
            )
    return records, None


def _flatten(record, prefix=""):
    """A record's values by dotted name, as pandas.json_normalize names them (lists stay values)."""
    flat = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _json_text(value):
    """(text, problem) of a JSON value as a loaded column holds it."""
    if value is None or isinstance(value, str):
        return value, None
    if isinstance(value, bool):
        return ("true" if value else "false"), None
    if isinstance(value, (int, float)):
        return json.dumps(value), None
    return None, f"not a text value (a JSON {'list' if isinstance(value, list) else 'object'})"


def _read_json(export_file, source, builder):
    """Add the records of a saved API response to `builder`; row n is the file's n-th record."""
    layout = RINGCENTRAL_API_CSV
    records, problem = _json_records(export_file.text, source, export_file.relative_path)
    constants = {source.layout_column: "api_json"} if source.layout_column else {}
    output = list(source.data_columns)
    segment = builder.segment(export_file, {c: i for i, c in enumerate(output)}, constants, len(output))
    if problem:
        segment.add_error(1, problem)
        return
    for ordinal, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            segment.add_error(ordinal, f"not a call-log record (a JSON {type(record).__name__})")
            continue
        values, extra, dropped, problem = {}, {}, {}, None
        flat = _flatten(record)
        direction = flat.get("direction")
        required = layout.required_columns(direction if isinstance(direction, str) else None)
        for name, raw in flat.items():
            column = layout.column_of(name)
            if column is None and header_key(name) in layout.ignored:
                continue
            if column is None or column in values:
                if raw is None:
                    continue
                text = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)
                if len(text) > MAX_VALUE_LENGTH:
                    dropped[name] = oversized_value_dropped(len(text))
                else:
                    extra[name] = text
                continue
            text, broken = _json_text(raw)
            if broken is None and text is not None and len(text) > MAX_VALUE_LENGTH:
                if column in required:
                    problem = oversized_value_problem(name, len(text))
                    break
                dropped[name] = oversized_value_dropped(len(text))
                text = None
            elif broken:
                if column in required:
                    problem = f"{name} is {broken}"
                    break
                dropped[name] = f"{broken} dropped"
            values[column] = text
        if problem:
            segment.add_error(ordinal, problem)
            continue
        position = len(segment.numbers)
        if extra:
            segment.extras[position] = to_json(extra)
        if dropped:
            segment.value_errors[position] = to_json(dropped)
        segment.rows.append(tuple(values.get(column) for column in output))
        segment.numbers.append(ordinal)
        if len(segment.numbers) >= builder.batch_rows:
            yield builder.flush()
