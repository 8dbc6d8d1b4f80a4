"""Another raw folder, database and export path, with no file edited."""

import shutil

from conftest import DEMO_RAW, query, run_dbt


def test_build_reads_another_folder_with_an_empty_source(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(DEMO_RAW, raw)
    shutil.rmtree(raw / "offline" / "touches")
    (raw / "offline" / "touches").mkdir()  # an empty sub-folder is fine
    database = tmp_path / "other.duckdb"
    exports = tmp_path / "out"
    run_dbt(["build"], database, identity__raw_path=raw, identity__export_path=exports)
    sources = query(database, "select distinct source_system from fct_offline_touches order by 1")
    assert sources == [("ringcentral",), ("zoom",)]
    assert list((exports / "amplitude" / "events").glob("*.json.gz"))
    assert list((exports / "amplitude" / "identifies").glob("*.json.gz"))
