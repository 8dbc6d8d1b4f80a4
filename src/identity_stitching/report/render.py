"""The report as one self-contained HTML page (inline CSS and SVG, no script to run, nothing fetched)
and as Markdown (the CI job summary): the same figures, in the same order."""

from __future__ import annotations

import datetime as dt
import html
import json

from identity_stitching.report.charts import chart_svg
from identity_stitching.report.figures import FIGURES

# Past this many rows a figure shows its first rows (charts and tables); the views hold them all.
SHOWN_ROWS = 40

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2731;margin:0;background:#f4f6f8}
header{background:#1d3b53;color:#fff;padding:18px 32px}header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;opacity:.85}main{max-width:1080px;margin:0 auto;padding:8px 32px 40px}
h2{margin:28px 0 8px;font-size:18px;border-bottom:1px solid #c9d6e3;padding-bottom:4px}
section.figure{background:#fff;border:1px solid #dde3ea;border-radius:6px;padding:12px 16px;margin:12px 0}
h3{margin:0 0 6px;font-size:15px}p.note{margin:0 0 8px;color:#52606d;font-size:13px}
div.chart{overflow-x:auto}table{border-collapse:collapse;font-size:12.5px;margin-top:8px}
th,td{border-bottom:1px solid #e4e9ee;padding:3px 10px 3px 0;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}code{font-size:12px}
td.id{font:11px ui-monospace,monospace;word-break:break-all;min-width:12em}td.list{white-space:nowrap}
div.table{overflow-x:auto}
details summary{cursor:pointer;color:#2f6f9f;font-size:12.5px;margin-top:6px}
div.tiles{display:flex;gap:12px}div.tile{background:#eef3f8;border-radius:6px;padding:8px 14px}
div.tile b{display:block;font-size:22px}
"""


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _cell(value):
    if value is None:
        return ""
    if _is_number(value):
        return f"{value:,}"
    return str(value)


def _shown(rows):
    return rows[:SHOWN_ROWS], max(len(rows) - SHOWN_ROWS, 0)


def _html_table(figure, rows):
    head = "".join(f"<th>{html.escape(label)}</th>" for label in figure.columns.values())
    body = []
    for row in rows:
        cells = []
        for column in figure.columns:
            value = row.get(column)
            css = ' class="num"' if _is_number(value) else (
                ' class="id"' if column.endswith("_id") else ' class="list"' if column.endswith("_by_source") else "")
            cells.append(f"<td{css}>{html.escape(_cell(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<div class="table"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def _tiles(figure, rows):
    row = rows[0] if rows else {}
    return '<div class="tiles">' + "".join(
        f'<div class="tile"><b>{html.escape(_cell(row.get(column)))}</b>{html.escape(label)}</div>'
        for column, label in figure.columns.items()
    ) + "</div>"


def _html_figure(figure, rows):
    parts = [f'<section class="figure" id="{figure.key}" data-figure="{figure.key}">',
             f"<h3>{html.escape(figure.title)}</h3>"]
    if figure.note:
        parts.append(f'<p class="note">{html.escape(figure.note)}</p>')
    shown, hidden = _shown(rows)
    if not rows:
        parts.append(f'<p class="empty">{html.escape(figure.empty)}</p>')
    elif figure.key == "lead_links_overall":
        parts.append(_tiles(figure, rows))
    else:
        svg = chart_svg(figure, shown)
        if svg is not None:
            parts.append(f'<div class="chart" data-chart="{figure.key}">{svg}</div>')
            parts.append(f"<details><summary>numbers</summary>{_html_table(figure, shown)}</details>")
        else:
            parts.append(_html_table(figure, shown))
        if hidden:
            parts.append(f'<p class="note">First {SHOWN_ROWS} rows shown; {hidden:,} more in the view.</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _shown_figures(figures_rows):
    """What the page shows of each figure (its first SHOWN_ROWS rows), for a reader or a test of the page."""
    return {key: _shown(rows)[0] for key, rows in figures_rows.items()}


def _script_json(data):
    """JSON that is safe inside a <script type="application/json"> element."""
    return json.dumps(data, sort_keys=True).replace("</", "<\\/")


def html_page(figures_rows, database, generated_at=None):
    generated_at = generated_at or dt.datetime.now(dt.timezone.utc)
    body, section = [], None
    for figure in FIGURES:
        if figure.section != section:
            section = figure.section
            body.append(f"<h2>{html.escape(section)}</h2>")
        body.append(_html_figure(figure, figures_rows[figure.key]))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>identity_stitching report</title><style>{STYLE}</style></head>
<body><header><h1>identity_stitching: what was stitched</h1>
<p>{html.escape(str(database))} · generated {generated_at:%Y-%m-%d %H:%M} UTC ·
hashes and ids only, no email or phone</p></header>
<main>
{chr(10).join(body)}
</main>
<script type="application/json" id="report-figures">{_script_json(_shown_figures(figures_rows))}</script>
</body></html>
"""


def _md_cell(value):
    return _cell(value).replace("|", "\\|").replace("\n", " ")


def markdown(figures_rows, heading_level=2):
    heading = "#" * heading_level
    lines = [f"{heading} identity_stitching report", ""]
    section = None
    for figure in FIGURES:
        if figure.section != section:
            section = figure.section
            lines += [f"{heading}# {section}", ""]
        rows = figures_rows[figure.key]
        lines += [f"**{figure.title}**", ""]
        if not rows:
            lines += [figure.empty, ""]
            continue
        shown, hidden = _shown(rows)
        lines.append("| " + " | ".join(figure.columns.values()) + " |")
        lines.append("|" + "|".join("---:" if _is_number(shown[0].get(c)) else "---" for c in figure.columns) + "|")
        for row in shown:
            lines.append("| " + " | ".join(_md_cell(row.get(column)) for column in figure.columns) + " |")
        if hidden:
            lines.append(f"\nFirst {SHOWN_ROWS} rows shown; {hidden:,} more in the view.")
        lines.append("")
    return "\n".join(lines)
