"""The report's charts: Vega-Altair specifications rendered to SVG by vl-convert.

vl-convert runs Vega in an embedded engine, so a chart becomes static SVG text with no script, font
or data fetched when the page opens: the page works from disk, as a CI artifact, with no network.
Each builder takes a figure's rows (figures.py) and returns an Altair chart.
"""

from __future__ import annotations

import json

import altair as alt
import vl_convert

WIDTH = 560
BAR_COLORS = {"linked": "#2f6f9f", "not linked": "#c9d6e3"}
LABEL_LIMIT = 340
COUNT_AXIS = {"tickMinStep": 1, "format": "~s", "tickCount": 5, "labelOverlap": True}  # whole counts, 20k


def _data(rows):
    return alt.Data(values=rows)


def _band_height(count, step=22):
    return max(step * count, 40)


def linked_bars(rows, category, horizontal=True):
    """Leads per category, split linked / not linked, each bar labelled with its rate."""
    long_rows = []
    for row in rows:
        long_rows.append({category: row[category], "status": "linked", "leads": row["linked"],
                          "order": 0})
        long_rows.append({category: row[category], "status": "not linked",
                          "leads": row["leads"] - row["linked"], "order": 1})
    # beside a horizontal bar there is room for the counts; above a column, only for the rate
    labels = [{category: row[category], "leads": row["leads"],
               "label": (f"{row['linked']} of {row['leads']} ({row['linked_pct'] or 0}%)" if horizontal
                         else f"{row['linked_pct'] or 0}%")} for row in rows]
    color = alt.Color("status:N", scale=alt.Scale(domain=list(BAR_COLORS), range=list(BAR_COLORS.values())),
                      legend=alt.Legend(title=None, orient="bottom"))
    if horizontal:
        position = {"y": alt.Y(f"{category}:N", title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
                    "x": alt.X("sum(leads):Q", title="leads", stack="zero", axis=alt.Axis(**COUNT_AXIS))}
        text_position = {"y": alt.Y(f"{category}:N"), "x": alt.X("leads:Q")}
        text_mark = {"align": "left", "dx": 4}
        size = {"width": WIDTH - 200, "height": _band_height(len(rows), 26)}
    else:
        position = {"x": alt.X(f"{category}:O", title=None, axis=alt.Axis(labelAngle=0 if len(rows) <= 8 else -45)),
                    "y": alt.Y("sum(leads):Q", title="leads", stack="zero", axis=alt.Axis(**COUNT_AXIS))}
        text_position = {"x": alt.X(f"{category}:O"), "y": alt.Y("leads:Q")}
        text_mark = {"baseline": "bottom", "dy": -3, "fontSize": 10 if len(rows) > 8 else 11}
        size = {"width": max(WIDTH, 36 * len(rows)), "height": 200}
    bars = alt.Chart(_data(long_rows)).mark_bar().encode(
        color=color, order=alt.Order("order:Q"), tooltip=[f"{category}:N", "status:N", "leads:Q"], **position
    )
    text = alt.Chart(_data(labels)).mark_text(**{"fontSize": 11, **text_mark}).encode(text="label:N", **text_position)
    return alt.layer(bars, text).properties(**size)


def conversion_bars(rows):
    """Share of leads converted after their first touch, per source and event type, with the counts."""
    data = [{**row, "group": f"{row['source']} · {row['event_type']}",
             "label": f"{row['converted']} of {row['leads']} ({row['converted_pct'] or 0}%)"} for row in rows]
    base = alt.Chart(_data(data)).encode(
        y=alt.Y("group:N", title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        x=alt.X("converted_pct:Q", title="% converted after the touch", scale=alt.Scale(domain=[0, 100])),
    )
    bars = base.mark_bar(color="#2f6f9f").encode(tooltip=["group:N", "leads:Q", "converted:Q"])
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(text="label:N")
    return alt.layer(bars, text).properties(width=WIDTH - 260, height=_band_height(len(rows), 26))


def _powers_of_ten(largest):
    values, power = [0, 1], 10
    while power <= largest:
        values.append(power)
        power *= 10
    return values


def size_histogram(rows):
    """Persons per number of identifiers, on a log scale of persons (symlog: a bar starts at zero, which a
    plain log scale cannot draw)."""
    return alt.Chart(_data(rows)).mark_bar(color="#2f6f9f").encode(
        x=alt.X("identifiers:O", title="identifiers per person", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("persons:Q", title="persons (log scale)", scale=alt.Scale(type="symlog"),
                axis=alt.Axis(format=",d", values=_powers_of_ten(max((row["persons"] for row in rows), default=1)))),
        tooltip=["identifiers:O", "persons:Q", "users:Q"],
    ).properties(width=WIDTH, height=200)


def reason_bars(rows, value, color=None):
    """A count per reason (optionally split by a category)."""
    encoding = {
        "y": alt.Y("reason:N", title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        "x": alt.X(f"sum({value}):Q", title=value, axis=alt.Axis(**COUNT_AXIS)),
        "tooltip": ["reason:N", f"{value}:Q"] + ([f"{color}:N"] if color else []),
    }
    if color:
        encoding["color"] = alt.Color(f"{color}:N", legend=alt.Legend(orient="bottom"))
    else:
        encoding["color"] = alt.value("#2f6f9f")
    reasons = len({row["reason"] for row in rows})
    return alt.Chart(_data(rows)).mark_bar().encode(**encoding).properties(
        width=WIDTH - 200, height=_band_height(reasons, 26)
    )


def quarantine_bars(rows):
    """Quarantined rows and values per file, split by reason."""
    files = len({row["file"] for row in rows})
    return alt.Chart(_data(rows)).mark_bar().encode(
        y=alt.Y("file:N", title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        x=alt.X("sum(quarantined):Q", title="rows rejected + values dropped", axis=alt.Axis(**COUNT_AXIS)),
        color=alt.Color("reason:N", legend=alt.Legend(orient="bottom", columns=1, labelLimit=520)),
        tooltip=["file:N", "reason:N", "rows_rejected:Q", "values_dropped:Q"],
    ).properties(width=WIDTH - 200, height=_band_height(files, 26))


def exports_bars(rows):
    """Events and identifies appended per run."""
    long_rows = [{"run": row["run"], "kind": kind, "rows": row[kind]} for row in rows
                 for kind in ("events", "identifies")]
    return alt.Chart(_data(long_rows)).mark_bar().encode(
        x=alt.X("run:O", title="run started (UTC)", axis=alt.Axis(labelAngle=-30)),
        xOffset="kind:N",
        y=alt.Y("rows:Q", title="rows exported", axis=alt.Axis(**COUNT_AXIS)),
        color=alt.Color("kind:N", legend=alt.Legend(orient="bottom")),
        tooltip=["run:O", "kind:N", "rows:Q"],
    ).properties(width=WIDTH, height=200)


BUILDERS = {
    "linked_bars": linked_bars,
    "conversion_bars": conversion_bars,
    "size_histogram": size_histogram,
    "reason_bars": reason_bars,
    "quarantine_bars": quarantine_bars,
    "exports_bars": exports_bars,
}


def chart_svg(figure, rows):
    """The figure's chart as SVG text, or None for a figure without a chart or without rows."""
    if figure.chart is None or not rows:
        return None
    chart = BUILDERS[figure.chart](rows, **figure.chart_options)
    spec = chart.configure_view(stroke=None).configure_axis(labelFontSize=11, titleFontSize=11).to_dict()
    return vl_convert.vegalite_to_svg(json.dumps(spec))
