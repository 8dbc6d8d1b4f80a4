"""`python -m identity_stitching.report`: write the health report of a built warehouse (make report)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import duckdb

from identity_stitching.report.figures import missing_relations, read_figures
from identity_stitching.report.render import html_page, markdown


def build_report(database, output, markdown_output=None):
    """Read every figure from `database` and write the page (and the Markdown); returns the figures."""
    connection = duckdb.connect(str(database), read_only=True)
    try:
        missing = missing_relations(connection)
        if missing:
            raise SystemExit(
                f"{database} has no {', '.join(missing)}: build the project first (dbt build, make run); "
                "the report reads the views of models/report."
            )
        figures = read_figures(connection)
    finally:
        connection.close()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(html_page(figures, database), encoding="utf-8")
    if markdown_output:
        text = markdown(figures)
        if str(markdown_output) == "-":
            print(text)
        else:
            Path(markdown_output).write_text(text, encoding="utf-8")
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description="The identity graph's health report, as HTML and Markdown.")
    parser.add_argument("--database", default=os.environ.get("DBT_DUCKDB_PATH", "target/identity.duckdb"))
    parser.add_argument("--output", default="target/report/index.html", help="the HTML page to write")
    parser.add_argument("--markdown", default="target/report/summary.md",
                        help="the same figures as Markdown ('-' prints them; '' writes none)")
    arguments = parser.parse_args(argv)
    if not Path(arguments.database).exists():
        parser.error(f"no database at {arguments.database}: build the project first (make run)")
    started = time.perf_counter()
    build_report(arguments.database, arguments.output, arguments.markdown or None)
    print(f"report: {arguments.output} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
