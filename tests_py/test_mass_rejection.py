"""No silent loss: a file that lost most of its rows stops the build before anything is exported.

quarantined_files counts, per raw file, the rows read and the rows rejected;
its post-hook fails the build when a file yields no usable row or rejects more
than var identity__max_rejected_share (0.5) of its rows, and warns otherwise.
"""

import shutil

from conftest import demo_copy, query, run_dbt

OFFLINE_HEADER = "touch_id,source,event_type,occurred_at,email,phone,full_name,properties\n"



def _exports(work):
    folder = work / "exports"
    return sorted(path.name for path in folder.rglob("*.json.gz")) if folder.exists() else []


def test_a_zoom_report_whose_start_time_cannot_be_parsed_fails_the_build(tmp_path):
    raw, variables = demo_copy(tmp_path)
    report = raw / "zoom" / "attendee_reports" / "pricing_live_2026-03-10_attendee_report.csv"
    lines = report.read_text(encoding="utf-8").splitlines(keepends=True)
    summary = next(i for i, line in enumerate(lines) if line.startswith("Pricing"))
    cells = lines[summary].split(",")
    lines[summary] = ",".join([cells[0], cells[1], "sometime in March", *cells[3:]])
    report.write_text("".join(lines), encoding="utf-8")
    database = tmp_path / "bad_start.duckdb"

    result = run_dbt(["build"], database, check=False, **variables)

    assert result.returncode != 0
    assert "Most rows of 1 file(s) were rejected, so nothing was exported" in result.stdout
    assert "zoom/attendee_reports/pricing_live_2026-03-10_attendee_report.csv: 11 of 11 data rows" in result.stdout
    assert "Actual Start Time is not a timestamp" in result.stdout
    assert "identity__max_rejected_share" in result.stdout
    assert _exports(tmp_path) == []
    exported = query(database, "select count(*) from information_schema.tables where table_name like 'export_amplitude__%'")
    assert exported == [(0,)]


def test_a_file_with_no_usable_row_fails_and_a_small_share_warns(tmp_path):
    raw, variables = demo_copy(tmp_path)
    bad = raw / "offline" / "touches" / "partner_list_excel.csv"
    bad.write_text(OFFLINE_HEADER + "p-1,partner,Partner Lead,12/05/2026,a@b.co,,A B,{}\n", encoding="utf-8")
    database = tmp_path / "no_usable.duckdb"

    failed = run_dbt(["build"], database, check=False, **variables)
    assert failed.returncode != 0
    assert "offline/touches/partner_list_excel.csv: 1 of 1 data rows rejected (100.0%)" in failed.stdout
    assert "occurred_at is not an ISO-8601 timestamp (1)" in failed.stdout
    # the demo's own files reject a few rows each: reported, not stopped
    assert "saastr_2026_badge_scans.csv" not in failed.stdout.split("Most rows of")[1]
    assert _exports(tmp_path) == []

    accepted = run_dbt(["build"], database, check=False, **variables,
                       identity__accepted_rejected_files='["offline/touches/partner_list_excel.csv"]')
    assert accepted.returncode == 0, accepted.stdout[-3000:]
    assert "WARNING rows rejected" in accepted.stdout
    assert "offline/touches/partner_list_excel.csv: 1 of 1 data rows rejected" in accepted.stdout
    assert len(_exports(tmp_path)) == 2


def test_the_share_is_a_var(tmp_path):
    raw, variables = demo_copy(tmp_path)
    database = tmp_path / "strict.duckdb"
    # the demo's badge scans reject 1 row of 3: under the default 0.5 a warning, under 0.3 a stop
    strict = run_dbt(["build"], database, check=False, **variables, identity__max_rejected_share=0.3)
    assert strict.returncode != 0
    assert "offline/touches/saastr_2026_badge_scans.csv: 1 of 3 data rows rejected (33.3%)" in strict.stdout
    rows = query(database, "select source_file, rows_read, rows_rejected, is_mass_rejection from quarantined_files "
                           "where source_system = 'offline'")
    assert rows == [("offline/touches/saastr_2026_badge_scans.csv", 3, 1, True)]
