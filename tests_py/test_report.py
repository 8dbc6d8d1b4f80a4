"""`make report` on the demo: the figures equal SQL of their own over the marts, and the page renders in a real
headless Chromium (Debian's /usr/bin/chromium) with every chart drawn and no request leaving the page.

Reads the session's demo build; the browser tests are skipped only when chromium is absent.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT_ROOT, query

sys.path.insert(0, str(PROJECT_ROOT / "src"))
from identity_stitching.report.__main__ import build_report  # noqa: E402
from identity_stitching.report.figures import FIGURES  # noqa: E402
from identity_stitching.report.render import SHOWN_ROWS  # noqa: E402

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install -y chromium); the page is not rendered"
)
FIGURES_JSON = re.compile(r'<script type="application/json" id="report-figures">(.*?)</script>', re.S)

# Appended to a copy of the page (the report itself runs no script): what the browser laid out for each chart.
RENDER_CHECK = """<script>
const charts = [...document.querySelectorAll('[data-chart]')].map(div => {
  const svg = div.querySelector('svg');
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  const marks = svg ? svg.querySelectorAll('g.role-mark > path, g.role-mark > g > path, g.role-mark > text').length : 0;
  return {chart: div.dataset.chart, width: box.width, height: box.height, marks: marks};
});
const figures = [...document.querySelectorAll('[data-figure]')].map(section => section.dataset.figure);
const out = document.createElement('pre');
out.id = 'render-check';
out.textContent = JSON.stringify({charts: charts, figures: figures});
document.body.appendChild(out);
</script>"""


@pytest.fixture(scope="module")
def report(demo_build, tmp_path_factory):
    database, _ = demo_build
    out = tmp_path_factory.mktemp("report")
    figures = build_report(database, out / "index.html", out / "summary.md")
    return database, out, figures


def page_figures(page):
    return json.loads(FIGURES_JSON.search(page).group(1).replace("<\\/", "</"))


def expected_figures(database):
    """Each figure computed again, over the marts and the export relations, without models/report."""
    q = lambda sql: query(database, sql)  # noqa: E731
    leads = "select * from dim_persons where touch_count > 0"
    (overall,) = q(f"select count(*), count(*) filter (where is_user) from ({leads})")
    first_touches = """
        select person_id, arg_min(source_system, occurred_at) as source,
            arg_min(event_type, occurred_at) as event_type,
            min(occurred_at) as first_at, any_value(signed_up_at) as signed_up_at
        from fct_offline_touches group by 1
    """
    return {
        "overall": overall,
        "by_source": q(f"select first_touch_source, count(*), count(*) filter (where is_user) from ({leads})"
                       " group by 1 order by 1"),
        "by_month": q(f"select strftime(first_touch_at, '%Y-%m'), count(*), count(*) filter (where is_user)"
                      f" from ({leads}) group by 1 order by 1"),
        "conversion": q(f"select source, event_type, count(*), count(*) filter (where signed_up_at >= first_at)"
                        f" from ({first_touches}) group by 1, 2 order by 1, 2"),
        "sizes": q("select identifiers, count(*) from (select person_id, count(*) as identifiers"
                   " from dim_person_identifiers group by 1) group by 1 order by 1"),
        "largest": q("select person_id, count(*), count(*) filter (where identifier_type = 'email'),"
                     " count(*) filter (where identifier_type = 'phone') from dim_person_identifiers group by 1"),
        "shared": q("select identifier_type, count(*) from identity_shared_identifiers group by 1 order by 1"),
        "refused": q("select count(*) from identity_conflicts")[0][0],
        "held": q("select export_kind, hold_reason, count(*) from export_amplitude__review"
                  " group by 1, 2 order by 1, 2"),
        "quarantine": q("select source_file, reason, count(*) filter (where is_row_rejected),"
                        " count(*) filter (where not is_row_rejected) from quarantined_records"
                        " group by 1, 2 order by 1, 2"),
        "exports": q("select strftime(t, '%Y-%m-%d %H:%M:%S'), count(*) filter (where k = 'e'),"
                     " count(*) filter (where k = 'i')"
                     " from (select update_time_column as t, 'e' as k from export_amplitude__events union all"
                     " select update_time_column, 'i' from export_amplitude__identifies) group by 1 order by 1"),
        "files": q("select strftime(max_update_time, '%Y-%m-%d %H:%M:%S'), count(*), sum(row_count)"
                   " from export_amplitude__files group by 1 order by 1"),
        "persons": q("select count(*) from dim_persons")[0][0],
        "merged": q("select count(*) from identity_id_history")[0][0],
    }


def assert_figures_equal_the_marts(figures, database):
    expected = expected_figures(database)
    rows = lambda key, *columns: [tuple(row[c] for c in columns) for row in figures[key]]  # noqa: E731
    assert rows("lead_links_overall", "leads", "linked") == [expected["overall"]]
    assert rows("lead_links_by_source", "source", "leads", "linked") == expected["by_source"]
    assert rows("lead_links_by_month", "month", "leads", "linked") == expected["by_month"]
    assert rows("conversion_after_touch", "source", "event_type", "leads", "converted") == expected["conversion"]
    assert rows("person_sizes", "identifiers", "persons") == expected["sizes"]
    largest = {person: counts for person, *counts in expected["largest"]}
    top = sorted(largest.values(), key=lambda counts: -counts[0])[: len(figures["largest_persons"])]
    assert [row["identifiers"] for row in figures["largest_persons"]] == [counts[0] for counts in top]
    for row in figures["largest_persons"]:
        assert [row["identifiers"], row["emails"], row["phones"]] == largest[row["person_id"]]
    shared = {}
    for row in figures["shared_identifiers"]:
        shared[row["identifier_type"]] = shared.get(row["identifier_type"], 0) + row["identifiers"]
    assert sorted(shared.items()) == expected["shared"]
    assert sum(row["links"] for row in figures["refused_links"]) == expected["refused"]
    assert sorted(rows("review_holds", "kind", "reason", "rows")) == expected["held"]
    assert sorted(rows("quarantine", "file", "reason", "rows_rejected", "values_dropped")) == expected["quarantine"]
    assert rows("exports_per_run", "run", "events", "identifies") == expected["exports"]
    assert rows("exports_per_run", "run", "files", "file_rows") == expected["files"]
    latest = figures["run_changes"][0]
    assert latest["persons"] == expected["persons"]
    assert sum(row["persons_merged"] + row["persons_reanchored"] for row in figures["run_changes"]) <= expected["merged"]


def test_the_figures_equal_sql_over_the_marts(report):
    database, out, figures = report
    assert_figures_equal_the_marts(figures, database)
    # and the page carries those figures (the first SHOWN_ROWS rows of each)
    assert page_figures((out / "index.html").read_text()) == json.loads(json.dumps(
        {key: rows[:SHOWN_ROWS] for key, rows in figures.items()}))


def test_the_demo_has_something_in_every_populated_figure(report):
    """The comparison above must compare numbers: the demo fills these figures."""
    _, _, figures = report
    for key in ["lead_links_by_source", "lead_links_by_month", "conversion_after_touch", "person_sizes",
                "largest_persons", "shared_identifiers", "quarantine", "exports_per_run", "run_changes"]:
        assert figures[key], key
    assert figures["lead_links_overall"][0]["leads"] > 0


def test_the_markdown_has_every_figure(report):
    _, out, figures = report
    text = (out / "summary.md").read_text()
    for figure in FIGURES:
        assert f"**{figure.title}**" in text
    source_row = figures["lead_links_by_source"][0]
    assert f"| {source_row['source']} | {source_row['leads']} | {source_row['linked']} |" in text


def test_the_page_is_self_contained(report):
    _, out, _ = report
    page = (out / "index.html").read_text()
    # no reference to anything outside the page: no src/href, no url(), no script but the figures' JSON
    assert not re.search(r"""\b(src|href)\s*=|url\(|@import""", page)
    assert page.count("<script") == 1
    assert len(page) < 1_000_000


def chromium(args, user_data_dir):
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={user_data_dir}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def page_requests(net_log):
    """URLs the page asked for over the network, from Chromium's net log. Chromium's own background services
    (update checks, account lookups; their initiator is "not an origin") are not the page's."""
    log = json.loads(Path(net_log).read_text())
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    requests = []
    for event in log["events"]:
        params = event.get("params") or {}
        if names.get(event["type"]) == "URL_REQUEST_START_JOB" and "url" in params:
            if params.get("initiator") != "not an origin" and not params["url"].startswith(("file:", "data:")):
                requests.append(params["url"])
    return requests


def render(page, work, name):
    """Chromium's DOM of `page` after its scripts ran, a screenshot, and the page's network requests."""
    net_log = work / f"{name}.netlog.json"
    shot = work / f"{name}.png"
    dom = chromium([f"--log-net-log={net_log}", "--virtual-time-budget=5000", "--dump-dom", page.as_uri()],
                   work / f"{name}-profile-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    requests = page_requests(net_log)
    net_log_shot = work / f"{name}.shot.netlog.json"
    screenshot = chromium([f"--log-net-log={net_log_shot}", "--window-size=1200,1600", "--hide-scrollbars",
                           f"--screenshot={shot}", page.as_uri()], work / f"{name}-profile-shot")
    assert screenshot.returncode == 0, screenshot.stderr[-2000:]
    return dom.stdout, shot, requests + page_requests(net_log_shot)


@needs_chromium
def test_chromium_draws_every_chart_and_fetches_nothing(report, tmp_path):
    database, out, figures = report
    checked = tmp_path / "index.html"
    checked.write_text((out / "index.html").read_text().replace("</body>", RENDER_CHECK + "</body>"))
    dom, shot, requests = render(checked, tmp_path, "report")
    assert requests == []
    result = json.loads(re.search(r'<pre id="render-check">(.*?)</pre>', dom, re.S).group(1).replace("&quot;", '"'))
    assert result["figures"] == [figure.key for figure in FIGURES]
    drawn = {chart["chart"]: chart for chart in result["charts"]}
    with_chart = [f.key for f in FIGURES if f.chart and figures[f.key]]
    assert sorted(drawn) == sorted(with_chart)
    for key, chart in drawn.items():
        assert chart["width"] > 100 and chart["height"] > 30, chart
        assert chart["marks"] > 0, f"{key}: no mark drawn"
    # the figures the browser holds are the report's, which equal SQL over the marts
    assert page_figures(dom) == json.loads(json.dumps({key: rows[:SHOWN_ROWS] for key, rows in figures.items()}))
    assert_figures_equal_the_marts(figures, database)
    assert shot.stat().st_size > 20_000


@needs_chromium
def test_the_network_check_catches_a_page_that_fetches(tmp_path):
    """The check above can fail: a page with one remote image is caught (the address is TEST-NET, unroutable)."""
    page = tmp_path / "fetching.html"
    page.write_text('<!DOCTYPE html><html><body><img src="http://192.0.2.1/pixel.png"></body></html>')
    _, _, requests = render(page, tmp_path, "fetching")
    assert "http://192.0.2.1/pixel.png" in requests
