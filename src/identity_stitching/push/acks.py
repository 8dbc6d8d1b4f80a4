"""Amplitude's answers as append-only files beside the export files: the ledger that outlives the database.

The export folder is already the durable ledger of what was written
(export_ledger.py); the push adds what Amplitude answered. Each push writes
one file, `<export path>/amplitude/push/acks_<start, to the microsecond>_<pid>.ndjson.gz`, a line
per answered row (`kind, insert_id, outcome, code, reason, answered_at`),
each batch's lines flushed and synced before the database records them. A
gzip member per batch: a push killed mid-write leaves whole members, and a
cut last one is ignored (its rows are unanswered, so sent again with the
same insert_id).

When the database is lost (the nightly job starts from an older copy, or from
none), the push reads every file its database has not adopted and records
their answers in the ledger before sending: a row accepted once is not sent
again, however long ago (Amplitude drops a repeated insert_id only within 7
days).
"""

import datetime as dt
import gzip
import json
import os
import re
import zlib
from pathlib import Path

FOLDER = ("amplitude", "push")
FILE_NAME = re.compile(r"^acks_\d{8}T\d{12}Z_\d+\.ndjson\.gz$")


def folder(export_path):
    return Path(export_path).joinpath(*FOLDER)


class AckWriter:
    """This push's acknowledgement file, one gzip member per batch, synced before the ledger commits."""

    def __init__(self, export_path, started):
        self.path = folder(export_path) / f"acks_{started:%Y%m%dT%H%M%S%fZ}_{os.getpid()}.ndjson.gz"
        self.rows = 0
        self._handle = None

    def write(self, kind, answers):
        """`answers`: (insert_id, outcome, response_code, reject_reason, answered_at) tuples."""
        if not answers:
            return
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "ab")
        lines = "".join(
            json.dumps(
                {"kind": kind, "insert_id": insert_id, "outcome": outcome, "code": code, "reason": reason,
                 "answered_at": answered_at.isoformat()},
                separators=(",", ":"),
            ) + "\n"
            for insert_id, outcome, code, reason, answered_at in answers
        )
        self._handle.write(gzip.compress(lines.encode("utf-8"), compresslevel=3, mtime=0))
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self.rows += len(answers)

    def close(self):
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def read_file(path):
    """{kind: [(insert_id, outcome, code, reason, answered_at)]} of one file; a cut last member is ignored."""
    found = {}
    data = Path(path).read_bytes()
    while data:
        decompressor = zlib.decompressobj(wbits=31)
        try:
            text = decompressor.decompress(data)
        except zlib.error:
            break  # a damaged member: what follows it is not trusted either
        if not decompressor.eof:
            break  # a member a killed push did not finish
        for line in text.decode("utf-8").splitlines():
            ack = json.loads(line)
            found.setdefault(ack["kind"], []).append(
                (ack["insert_id"], ack["outcome"], ack["code"], ack["reason"],
                 dt.datetime.fromisoformat(ack["answered_at"]))
            )
        data = decompressor.unused_data
    return found


def adopt(engine, export_path):
    """Record in the ledger the answers of every acknowledgement file the database has not adopted.

    Returns (files read, answers adopted). An answer the ledger holds already is kept."""
    known = engine.adopted_files()
    files = adopted = 0
    for path in sorted(folder(export_path).glob("acks_*.ndjson.gz")):
        if not FILE_NAME.match(path.name) or path.name in known:
            continue
        answers = read_file(path)
        for kind, rows in answers.items():
            engine.record_answers(kind, rows, adopted=True)
            adopted += len(rows)
        engine.record_file(path.name, sum(len(rows) for rows in answers.values()))
        files += 1
    return files, adopted
