"""Listing and decoding of hand-downloaded CSV exports.

Files people download come as UTF-8 (with or without BOM, LF or CRLF) or, when
someone re-saved them in Excel on Windows, as cp1252. Every file is decoded as
UTF-8 first and read as cp1252 only when it is not valid UTF-8. NUL characters
are removed from every file's text: they are never data, and a real Zoom report
carried dozens inside its cells.
"""

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

# A value longer than this is no name, email or phone: it is a broken export.
MAX_VALUE_LENGTH = 1024

# Python's csv module stops a whole file at a 128 KiB cell; such a cell is an
# oversized value of one row, which the loaders quarantine, not a dead build.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True)
class ExportFile:
    """One raw file with the provenance every row of it carries."""

    path: Path
    relative_path: str
    text: str
    encoding: str
    content_sha256: str
    modified_at: dt.datetime


def list_export_files(raw_path, folder):
    """Every regular file under `raw_path/folder`, sub-folders included, sorted.

    People file exports into sub-folders (`2026-03/`, `archive/`); those rows
    count too. Hidden files (`.DS_Store`) and Office lock files (`~$...`) are
    not exports. A missing or empty folder has no files.
    """
    directory = Path(raw_path) / folder
    if not directory.is_dir():
        return []
    return sorted(
        (
            path
            for path in directory.rglob("*")
            if path.is_file() and not _is_hidden(path.relative_to(directory))
        ),
        key=lambda path: path.relative_to(directory).as_posix(),
    )


def _is_hidden(relative):
    return any(part.startswith((".", "~$")) for part in relative.parts)


def decode(data):
    """Text and encoding name of a file's bytes.

    UTF-8 (BOM stripped) first; UTF-16 when the file starts with its BOM
    (Excel's "Unicode Text"); otherwise cp1252, what Excel on Windows writes.
    NUL characters are removed after decoding: no export means one, a CSV
    reader chokes on them or keeps them inside values (`Attended\x00`), and
    a NUL is no line break, so every row keeps its line number.
    """
    text, encoding = _decode(data)
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text, encoding


def _decode(data):
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; map them rather than fail the file.
        return data.decode("cp1252", errors="replace"), "cp1252"


def read_export_text(path, raw_path=None):
    """The decoded text of one file (for a look at its header before loading it)."""
    return decode(Path(path).read_bytes())[0]


def open_export_file(path, raw_path):
    """Read and decode one file, keeping where it came from."""
    data = Path(path).read_bytes()
    text, encoding = decode(data)
    return ExportFile(
        path=Path(path),
        relative_path=source_file_name(path, raw_path),
        text=text,
        encoding=encoding,
        content_sha256=hashlib.sha256(data).hexdigest(),
        modified_at=modified_at(path),
    )


def source_file_name(path, raw_path):
    """The `source_file` of a file's rows: its path relative to the raw folder."""
    return Path(path).relative_to(Path(raw_path)).as_posix()


def modified_at(path):
    """A file's modification time, in UTC without a zone, as `source_file_modified_at` holds it."""
    return dt.datetime.fromtimestamp(Path(path).stat().st_mtime, dt.timezone.utc).replace(tzinfo=None)


def content_sha256(path):
    """SHA-256 of a file's bytes, as `source_file_sha256` holds it, read in blocks.

    Blocks keep a large export from being held in memory only to be hashed.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def csv_rows(text):
    """(row number, fields, problem) for each CSV record; row 1 is the first line.

    The row number is the physical line where the record starts, as a
    spreadsheet would show it, so a person can find the row in the file.
    A record the csv module cannot read (an unterminated quote, text after a
    closing quote) ends the file: it comes back once with `fields` None and
    `problem` saying why, so the rest of the file is quarantined, not lost.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield start, None, malformed_csv_problem(error)
            return
        yield start, fields, None
        start = reader.line_num + 1


def malformed_csv_problem(error):
    """The load error of a record the csv module cannot read, and of the rest of its file."""
    return f"malformed CSV from this line to the end of the file ({error}); none of it was read"


def strip_trailing_empty(fields):
    """Drop the empty cells exporters pad rows with (`a,b,,,`)."""
    end = len(fields)
    while end and not fields[end - 1].strip():
        end -= 1
    return fields[:end]


def fit_to_header(header, fields):
    """(fields, problem): a row cut to its header's width, or why it does not fit.

    Zoom pads every line with empty cells and Excel pads every line to the
    widest one; only empty surplus cells are padding. A row with fewer cells,
    or with values beyond the header, is ragged.
    """
    fields = list(fields)
    if len(fields) > len(header) and not any(f.strip() for f in fields[len(header):]):
        fields = fields[: len(header)]
    if len(fields) != len(header):
        return None, f"ragged row: {len(fields)} fields, header has {len(header)}"
    too_long = oversized_column(header, fields)
    if too_long:
        return None, oversized_value_problem(*too_long)
    return fields, None


def fit_to_width(width, fields):
    """(fields, problem): a row cut to `width` cells (only empty surplus cells go), or why it is ragged.

    Unlike fit_to_header, long values are left to the caller, which knows
    which columns a row can do without (see flat.py).
    """
    if len(fields) > width:
        surplus = "".join(fields[width:])
        if not surplus or surplus.isspace():
            return fields[:width], None
    if len(fields) != width:
        return None, f"ragged row: {len(fields)} fields, header has {width}"
    return fields, None


def header_key(name):
    """A header name as the flat layouts compare it: case, spaces and punctuation ignored.

    Vendors and tools vary in exactly these (`startTime`, `StartTime`,
    `from.phoneNumber`, `from_phoneNumber`, `Action Result`, `action result`).
    """
    return _NOT_ALNUM.sub("", name.casefold())


_NOT_ALNUM = re.compile(r"[\W_]+")


def oversized_value_problem(name, length):
    """The load error of a row whose value in a column it cannot do without is too long."""
    return f"oversized value in column {name}: {length} characters, at most {MAX_VALUE_LENGTH} expected"


def oversized_value_dropped(length):
    """The value error of a value too long to be real, in a column the row can do without."""
    return f"oversized value ({length} characters, at most {MAX_VALUE_LENGTH} expected) dropped"


def split_header(header, columns):
    """(index, extras) of a header: `index` maps each output column of `columns`
    (header name -> output column) to its position; `extras` lists (name,
    position) of the other named columns, which rows carry as JSON."""
    index, extras = {}, []
    for position, name in enumerate(header):
        if name in columns:
            index[columns[name]] = position
        elif name:
            extras.append((name, position))
    return index, extras


def oversized_column(names, fields):
    """(name, length) of the first column whose value is too long to be real, if any."""
    for name, value in zip(names, fields):
        if len(value) > MAX_VALUE_LENGTH:
            return name, len(value)
    return None
