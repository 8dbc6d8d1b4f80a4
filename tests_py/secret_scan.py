"""Search build outputs for a hash key and what it is as good as (its HMAC pads).

Used by tests_py/test_hash_key_secrecy.py (DuckDB) and scripts/test_spark.py (Spark).
The needles are the key's bytes and, for the key and each pad, its hex (lower and
upper case), its base64 and, for the pads, the pad bytes themselves and the
escaped form DuckDB prints a BLOB in (\\x5F\\x52...). Gzip files are searched
decompressed as well as raw.
"""

from __future__ import annotations

import base64
import gzip
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from identity_stitching.hash_key import pads  # noqa: E402


def secret_needles(key):
    """{description: bytes} of every form of the key and its pads to look for."""
    key_bytes = key.encode("utf-8")
    inner, outer = pads(key_bytes)
    needles = {"key": key_bytes}
    for name, value in (("key", key_bytes), ("inner pad", inner), ("outer pad", outer)):
        needles[f"{name} hex"] = value.hex().encode()
        needles[f"{name} HEX"] = value.hex().upper().encode()
        needles[f"{name} base64"] = base64.b64encode(value)
        needles[f"{name} base64url"] = base64.urlsafe_b64encode(value)
    for name, value in (("inner pad", inner), ("outer pad", outer)):
        needles[f"{name} bytes"] = value
        needles[f"{name} escaped"] = "".join(f"\\x{byte:02X}" for byte in value).encode()
    return needles


def found_in(data, needles):
    """Names of the needles found in data (bytes), also inside it when it is gzip."""
    blobs = [data]
    if data[:2] == b"\x1f\x8b":
        try:
            blobs.append(gzip.decompress(data))
        except (OSError, EOFError):
            pass
    return sorted({name for name, needle in needles.items() for blob in blobs if needle in blob})


def scan_files(roots, needles):
    """([(file, [needle names])] with a finding, number of files read) under the given files or folders."""
    findings, count = [], 0
    for root in roots:
        root = Path(root)
        paths = [root] if root.is_file() else sorted(path for path in root.rglob("*") if path.is_file())
        for path in paths:
            count += 1
            names = found_in(path.read_bytes(), needles)
            if names:
                findings.append((str(path), names))
    return findings, count


def value_bytes(value):
    if value is None:
        return b""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    return str(value).encode("utf-8", errors="surrogateescape")


def scan_rows(where, rows, needles):
    """[(where, [needle names])] for rows (sequences of values) holding a needle."""
    names = set()
    for row in rows:
        for value in row:
            data = value_bytes(value)
            if data:
                names.update(found_in(data, needles))
    return [(where, sorted(names))] if names else []


def scan_duckdb(database, needles):
    """([(relation, [needle names])], relations read): every column of every table and view,
    read-only and without the project's plugin (a view that hashed would fail here)."""
    import duckdb

    findings, relations = [], []
    with duckdb.connect(str(database), read_only=True) as connection:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables order by 1, 2"
        ).fetchall()
        for schema, table in tables:
            where = f"{schema}.{table}"
            relations.append(where)
            rows = connection.execute(f'select * from "{schema}"."{table}"').fetchall()
            findings += scan_rows(where, rows, needles)
            # DuckDB's own text form of every value (BLOBs print escaped)
            casts = connection.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
                [schema, table],
            ).fetchall()
            columns = ", ".join(f'cast("{name}" as varchar)' for (name,) in casts)
            rows = connection.execute(f'select {columns} from "{schema}"."{table}"').fetchall()
            findings += scan_rows(where + " (as text)", rows, needles)
    return findings, relations


def scan_parquet_folder(folder, needles):
    """([(table folder, [needle names])], folders read): the rows of every Parquet table under
    folder (a Spark warehouse), read with DuckDB."""
    import duckdb

    findings, tables = [], []
    folders = sorted({path.parent for path in Path(folder).rglob("*.parquet")})
    with duckdb.connect() as connection:
        for table in folders:
            files = sorted(str(path) for path in table.glob("*.parquet"))
            tables.append(str(table))
            rows = connection.execute("select * from read_parquet(?)", [files]).fetchall()
            findings += scan_rows(str(table), rows, needles)
    return findings, tables
