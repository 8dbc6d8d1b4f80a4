"""The health report (make report): what the identity graph did, as one self-contained HTML page and Markdown.

The figures are aggregates that the models of models/report/ compute in SQL; figures.py holds the few
statements that read them, charts.py draws them (Vega-Altair, rendered to inline SVG by vl-convert) and
render.py writes the page. See docs/report.md.
"""
