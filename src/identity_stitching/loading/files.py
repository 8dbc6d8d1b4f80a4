"""Listing and decoding of hand-downloaded CSV exports.

Files people download come as UTF-8 (with or without BOM, LF or CRLF) or, when
someone re-saved them in Excel on Windows, as cp1252. Every file is decoded as
UTF-8 first and read as cp1252 only when it is not valid UTF-8.
"""

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

# A value longer than this is no name, email or phone: it is a broken export.
MAX_VALUE_LENGTH = 1024


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
    """Every regular file of `raw_path/folder`, sorted; a missing folder is empty."""
    directory = Path(raw_path) / folder
    if not directory.is_dir():
        return []
    return sorted(
        path
        for path in directory.iterdir()
        if path.is_file() and not path.name.startswith(".")
    )


def decode(data):
    """Text and encoding name of a file's bytes: UTF-8 (BOM stripped) or cp1252."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; map them rather than fail the file.
        return data.decode("cp1252", errors="replace"), "cp1252"


def open_export_file(path, raw_path):
    """Read and decode one file, keeping where it came from."""
    data = Path(path).read_bytes()
    text, encoding = decode(data)
    stat = Path(path).stat()
    return ExportFile(
        path=Path(path),
        relative_path=Path(path).relative_to(Path(raw_path)).as_posix(),
        text=text,
        encoding=encoding,
        content_sha256=hashlib.sha256(data).hexdigest(),
        modified_at=dt.datetime.fromtimestamp(stat.st_mtime, dt.timezone.utc).replace(
            tzinfo=None
        ),
    )


def csv_rows(text):
    """(row number, fields) for each CSV record; row 1 is the file's first line.

    The row number is the physical line where the record starts, as a
    spreadsheet would show it, so a person can find the row in the file.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for fields in reader:
        yield start, fields
        start = reader.line_num + 1


def strip_trailing_empty(fields):
    """Drop the empty cells exporters pad rows with (`a,b,,,`)."""
    end = len(fields)
    while end and not fields[end - 1].strip():
        end -= 1
    return fields[:end]


def oversized_column(names, fields):
    """The name of the first column whose value is too long to be real, if any."""
    for name, value in zip(names, fields):
        if len(value) > MAX_VALUE_LENGTH:
            return name
    return None
