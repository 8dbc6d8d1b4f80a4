"""The export folder is the ledger of what was delivered (docs/scheduling.md). After a first build, each
case starts from a copy of its database and export folder and loses some of it:

- the database (a new CI runner): the files are adopted, nothing is exported again, and the next new rows
  continue in a new file; an older copy of the database (the last save failed) likewise;
- the export folder: the build stops before the export, naming the missing files; with
  identity__missing_export_files: warn it goes on and exports only new rows;
- both: every row is exported again, and the build says so;
- a temporary file a killed writer left is deleted, never counted; a truncated file stops the build with
  one message, and once it is deleted its rows are exported again.

In every case the rows of every file in the export folder are counted: no insert_id is in two files.
The checker itself (export_ledger.scan) is tested on hand-made files first."""

import datetime as dt
import gzip
import hashlib
import json
import shutil
from collections import Counter

import pytest

from conftest import demo_copy, query, run_dbt
from identity_stitching.export_ledger import CorruptExportFile, scan

CALL_HEADER = (
    "id,sessionId,startTime,duration,type,direction,action,result,"
    "from.phoneNumber,from.name,to.phoneNumber,to.name\n"
)
NEW_CALL = (
    "Y9a2B3c4D5e6F1,400123456101,2026-06-02T10:00:00.000Z,240,Voice,Inbound,Phone Call,Accepted,"
    "+13125550777,DANA WHITE,+14155550100,Acme Analytics Sales\n"
)


# ---------- the checker on hand-made files


def export_file(folder, kind, lines, stamp="20260101T000000000000Z"):
    content = "".join(json.dumps(line) + "\n" for line in lines).encode()
    digest = hashlib.sha256(content).hexdigest()
    path = folder / "amplitude" / kind / f"{kind}_{stamp}_{digest[:12]}.json.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(content, mtime=0))
    return path


def test_scan_reads_unrecorded_files_and_reports_missing_ones(tmp_path):
    recorded = export_file(tmp_path, "events", [{"insert_id": "a"}], "20260101T000000000000Z")
    unrecorded = export_file(tmp_path, "events", [{"insert_id": "b"}, {"insert_id": "c"}], "20260102T000000000000Z")
    temporary = tmp_path / "amplitude" / "events" / ".events_20260103T000000000000Z.json.gz.partial"
    temporary.write_bytes(b"\x1f\x8b half a file")
    (tmp_path / "amplitude" / "events" / "notes.txt").write_text("not an export file")
    table, removed = scan(tmp_path, {"events": {recorded.name, "events_20251231T000000000000Z_0123456789ab.json.gz"}})
    rows = {row["file_name"]: row for row in table.to_pylist()}
    assert removed == [temporary.as_posix()] and not temporary.exists()
    assert (tmp_path / "amplitude" / "events" / "notes.txt").exists(), "other files are left alone"
    assert rows[recorded.name]["is_recorded"] and rows[recorded.name]["row_count"] is None, "recorded: not read"
    assert rows[unrecorded.name]["row_count"] == 2 and not rows[unrecorded.name]["is_recorded"]
    assert rows[unrecorded.name]["load_time"] == dt.datetime(2026, 1, 2)
    missing = rows["events_20251231T000000000000Z_0123456789ab.json.gz"]
    assert missing["is_recorded"] and not missing["is_in_folder"]


@pytest.mark.parametrize(
    "damage, why",
    [
        (lambda data: data[: len(data) // 2], "EOFError"),  # a download or copy cut short
        (lambda data: data[:-8] + bytes(8), "BadGzipFile|CRC"),  # damaged trailer
        (lambda data: b"", "EOFError|not an export row|cut short|digest"),
    ],
    ids=["truncated", "bad trailer", "empty"],
)
def test_scan_stops_on_an_unrecorded_file_that_is_not_whole(tmp_path, damage, why):
    path = export_file(tmp_path, "events", [{"insert_id": str(i), "time": i} for i in range(2000)])
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(CorruptExportFile, match=f"{path.name} is not whole") as error:
        scan(tmp_path, {})
    import re

    assert re.search(why, str(error.value)), str(error.value)
    assert "not counted as delivered" in str(error.value)


def test_scan_stops_on_a_file_whose_lines_do_not_match_its_name(tmp_path):
    path = export_file(tmp_path, "events", [{"insert_id": "a"}, {"insert_id": "b"}])
    path.write_bytes(gzip.compress(b'{"insert_id": "a"}\n'))  # a whole gzip stream, but lines are missing
    with pytest.raises(CorruptExportFile, match="does not match the digest in its name"):
        scan(tmp_path, {})


# ---------- builds that lost their database, their export folder or both


def folder_rows(exports):
    """{file name: [insert_id, ...]} of every export file in the folder (partials excluded, none expected)."""
    return {
        path.relative_to(exports).as_posix(): [
            json.loads(line)["insert_id"] for line in gzip.decompress(path.read_bytes()).decode().splitlines()
        ]
        for path in sorted(exports.rglob("*.json.gz"))
    }


def assert_no_insert_id_twice(exports, *more_folders):
    """Counts the rows of every file: each insert_id in exactly one file (and once in it)."""
    counts = Counter()
    for folder in (exports, *more_folders):
        for name, ids in folder_rows(folder).items():
            counts.update((name.split("/")[1], i) for i in ids)
    twice = {key: n for key, n in counts.items() if n > 1}
    assert not twice, f"insert_ids written twice: {twice}"
    return sum(counts.values())


def relation_rows(database):
    return {
        kind: query(database, f"select count(*), count(distinct insert_id) from export_amplitude__{kind}")[0]
        for kind in ("events", "identifies")
    }


def add_call(raw):
    path = raw / "ringcentral" / "call_log" / "call_log_2026-06.csv"
    path.write_text(CALL_HEADER + NEW_CALL, encoding="utf-8")


class Case:
    """A copy of the first build's raw folder, database and export folder, losing what the case loses."""

    def __init__(self, base, work, keep_database=True, keep_exports=True):
        self.work = work
        self.raw, self.vars = demo_copy(work)
        self.exports = self.vars["identity__export_path"]
        self.database = work / "case.duckdb"
        if keep_database:
            shutil.copyfile(base["database"], self.database)
        if keep_exports:
            shutil.copytree(base["exports"] / "amplitude", self.exports / "amplitude")
        else:
            self.exports.mkdir()

    def build(self, check=True, **more):
        result = run_dbt(["build"], self.database, check=check, **{**self.vars, **more})
        return result.stdout + result.stderr


@pytest.fixture(scope="module")
def base(demo_build):
    """The first build: the session's demo build (conftest.py), which every case copies and never changes."""
    database, exports = demo_build
    return {"database": database, "exports": exports, "files": folder_rows(exports)}


@pytest.mark.slow  # a state-loss case: builds of a copied demo
def test_a_lost_database_adopts_the_export_folder(base, tmp_path):
    case = Case(base, tmp_path, keep_database=False)
    output = case.build()
    assert "are not recorded by this database" in output
    assert folder_rows(case.exports) == base["files"], "no file written again"
    total = assert_no_insert_id_twice(case.exports)
    relations = relation_rows(case.database)
    assert sum(n for n, _ in relations.values()) == total, "the export relations hold the adopted rows"
    assert query(case.database, "select count(*) from export_amplitude__files") == [(len(base["files"]),)]

    # the next new rows continue in a new file of their own
    add_call(case.raw)
    case.build()
    added = {name: ids for name, ids in folder_rows(case.exports).items() if name not in base["files"]}
    assert [name.split("/")[1] for name in added] == ["events"] and len(next(iter(added.values()))) == 1
    assert assert_no_insert_id_twice(case.exports) == total + 1
    assert query(case.database, "select count(*) from intermediate.int_amplitude__adopted_rows") == [(0,)]


@pytest.mark.slow  # a state-loss case: builds of a copied demo
def test_an_older_copy_of_the_database_adopts_the_newer_files(base, tmp_path):
    case = Case(base, tmp_path)
    add_call(case.raw)
    case.build()  # exported the new call; then its database is lost, an older copy restored
    after = folder_rows(case.exports)
    assert len(after) == len(base["files"]) + 1
    shutil.copyfile(base["database"], case.database)
    output = case.build()
    assert "1 file(s)" in output and "are not recorded by this database" in output
    assert folder_rows(case.exports) == after
    assert_no_insert_id_twice(case.exports)


@pytest.mark.slow  # a state-loss case: builds of a copied demo
def test_a_lost_export_folder_stops_the_export_and_says_so(base, tmp_path):
    case = Case(base, tmp_path, keep_exports=False)
    before = relation_rows(case.database)
    output = case.build(check=False)
    assert "FAIL 2 assert_recorded_export_files_are_in_the_folder" in output, output[-4000:]
    assert f"the export folder {case.exports} lacks 2 file(s) this database recorded" in output
    assert "SKIP relation main.export_amplitude__events" in output
    assert folder_rows(case.exports) == {}, "nothing exported"
    assert relation_rows(case.database) == before

    # removed on purpose: warn, and export only what is new
    add_call(case.raw)
    output = case.build(identity__missing_export_files="warn")
    assert "WARN 2 assert_recorded_export_files_are_in_the_folder" in output
    (name,) = folder_rows(case.exports)
    assert name.startswith("amplitude/events/") and len(folder_rows(case.exports)[name]) == 1
    assert_no_insert_id_twice(case.exports, base["exports"])


@pytest.mark.slow  # a state-loss case: builds of a copied demo
def test_both_lost_exports_everything_again_and_says_so(base, tmp_path):
    case = Case(base, tmp_path, keep_database=False, keep_exports=False)
    output = case.build()
    assert "no export recorded by this database and none in" in output
    assert "Amplitude receives every row again" in output
    again = folder_rows(case.exports)
    assert sorted(sum(again.values(), [])) == sorted(sum(base["files"].values(), [])), "every row, once more"


@pytest.mark.slow  # a state-loss case: builds of a copied demo
def test_a_temporary_file_of_a_killed_writer_is_deleted_never_counted(base, tmp_path):
    case = Case(base, tmp_path)
    partial = case.exports / "amplitude" / "events" / ".events_20990101T000000000000Z.json.gz.partial"
    partial.write_bytes(gzip.compress(b'{"insert_id": "half"}\n')[:20])
    output = case.build()
    assert "deleted 1 temporary export file(s)" in output
    assert not partial.exists()
    assert folder_rows(case.exports) == base["files"]
    assert_no_insert_id_twice(case.exports)


@pytest.mark.slow  # a state-loss case: builds of a copied demo
def test_a_truncated_file_stops_the_build_and_is_exported_again_once_deleted(base, tmp_path):
    case = Case(base, tmp_path, keep_database=False)
    (events_name,) = [name for name in base["files"] if name.startswith("amplitude/events/")]
    events = case.exports / events_name
    events.write_bytes(events.read_bytes()[:-40])  # a copy cut short
    output = case.build(check=False)
    assert f"The export file {events} is not whole" in output, output[-4000:]
    assert "Traceback" not in output.split("Done.")[-1]
    assert "SKIP relation main.export_amplitude__events" in output
    assert not query(case.database, "select * from duckdb_tables() where table_name = 'export_amplitude__events'")

    events.unlink()  # as the message says: never delivered whole
    case.build()
    files = folder_rows(case.exports)
    identifies = [name for name in files if name.startswith("amplitude/identifies/")]
    assert identifies == [name for name in base["files"] if name.startswith("amplitude/identifies/")], "adopted"
    (new_events,) = [name for name in files if name.startswith("amplitude/events/")]
    assert sorted(files[new_events]) == sorted(base["files"][events_name]), "its rows, exported again"
    assert_no_insert_id_twice(case.exports)
