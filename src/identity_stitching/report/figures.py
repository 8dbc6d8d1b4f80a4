"""Every figure of the report: its title, the SQL that reads it, and how to show it.

This is the one place that holds the report's SQL. Each statement reads the `report` schema's aggregate
views and ledgers (models/report/rpt_*), so the report reads a few rows per figure whatever the size of
the warehouse; tests_py/test_report.py compares each figure with SQL of its own over the marts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

REPORT_SCHEMA = "report"


@dataclass(frozen=True)
class Figure:
    key: str
    section: str
    title: str
    sql: str
    columns: dict[str, str]  # result column -> heading shown in tables
    chart: str | None = None  # a charts.py builder name; None: a table only
    note: str = ""
    empty: str = "Nothing to show."
    chart_options: dict = field(default_factory=dict)


def _rate(numerator, denominator):
    return f"round(100.0 * {numerator} / nullif({denominator}, 0), 1)"


FIGURES = [
    Figure(
        key="lead_links_overall",
        section="Leads linked to a user",
        title="All leads",
        sql=f"""
            select
                coalesce(sum(lead_count), 0) as leads,
                coalesce(sum(linked_lead_count), 0) as linked,
                {_rate('sum(linked_lead_count)', 'sum(lead_count)')} as linked_pct
            from report.rpt_lead_links
        """,
        columns={"leads": "leads", "linked": "linked to a user", "linked_pct": "% linked"},
        note="A lead is a person with an off-platform touch; linked: the person holds a product user.",
    ),
    Figure(
        key="lead_links_by_source",
        section="Leads linked to a user",
        title="By source of first touch",
        sql=f"""
            select
                first_touch_source as source,
                sum(lead_count) as leads,
                sum(linked_lead_count) as linked,
                {_rate('sum(linked_lead_count)', 'sum(lead_count)')} as linked_pct
            from report.rpt_lead_links
            group by 1
            order by 1
        """,
        columns={"source": "source", "leads": "leads", "linked": "linked", "linked_pct": "% linked"},
        chart="linked_bars",
        chart_options={"category": "source"},
    ),
    Figure(
        key="lead_links_by_month",
        section="Leads linked to a user",
        title="By month of first touch",
        sql=f"""
            select
                strftime(first_touch_month, '%Y-%m') as month,
                sum(lead_count) as leads,
                sum(linked_lead_count) as linked,
                {_rate('sum(linked_lead_count)', 'sum(lead_count)')} as linked_pct
            from report.rpt_lead_links
            group by 1
            order by 1
        """,
        columns={"month": "month", "leads": "leads", "linked": "linked", "linked_pct": "% linked"},
        chart="linked_bars",
        chart_options={"category": "month", "horizontal": False},
    ),
    Figure(
        key="conversion_after_touch",
        section="Conversion after a touch",
        title="Leads who signed up at or after their first touch, by its source and event type",
        sql=f"""
            select
                first_touch_source as source,
                first_touch_event_type as event_type,
                lead_count as leads,
                converted_lead_count as converted,
                {_rate('converted_lead_count', 'lead_count')} as converted_pct
            from report.rpt_conversion_after_touch
            order by 1, 2
        """,
        columns={"source": "source", "event_type": "event type", "leads": "leads", "converted": "converted",
                 "converted_pct": "% converted"},
        chart="conversion_bars",
        note="Each bar is labelled with its counts, so a small group shows as small.",
    ),
    Figure(
        key="person_sizes",
        section="Persons",
        title="Persons by number of identifiers (log scale)",
        sql="""
            select identifier_count as identifiers, person_count as persons, user_person_count as users
            from report.rpt_person_sizes
            order by 1
        """,
        columns={"identifiers": "identifiers", "persons": "persons", "users": "of which users"},
        chart="size_histogram",
        note="A long tail to the right is where over-merging would show.",
    ),
    Figure(
        key="largest_persons",
        section="Persons",
        title="The largest persons and what holds them together",
        sql="""
            select
                size_rank as rank,
                person_id,
                device_id,
                user_id,
                identifier_count as identifiers,
                email_count as emails,
                phone_count as phones,
                touch_count as touches,
                record_count as records,
                records_by_source
            from report.rpt_largest_persons
            order by size_rank
        """,
        columns={"rank": "#", "device_id": "device_id", "user_id": "user_id", "identifiers": "identifiers",
                 "emails": "emails", "phones": "phones", "touches": "touches", "records": "records",
                 "records_by_source": "records by source"},
        note="Records are the touches and the user's own record that carry the person's identifiers; "
        "`make explain DEVICE_ID=...` shows the chain.",
    ),
    Figure(
        key="shared_identifiers",
        section="Kept apart",
        title="Shared identifiers, by reason",
        sql="""
            select shared_rule as reason, identifier_type, identifier_count as identifiers
            from report.rpt_shared_identifiers
            order by 1, 2
        """,
        columns={"reason": "reason", "identifier_type": "type", "identifiers": "identifiers"},
        chart="reason_bars",
        chart_options={"value": "identifiers", "color": "identifier_type"},
        empty="No shared identifier.",
    ),
    Figure(
        key="refused_links",
        section="Kept apart",
        title="Refused links (would join two users), by reason",
        sql="""
            select refusal_rule as reason, refused_link_count as links, record_count as records
            from report.rpt_refused_links
            order by 1
        """,
        columns={"reason": "reason", "links": "links refused", "records": "records"},
        chart="reason_bars",
        chart_options={"value": "links"},
        empty="No link refused.",
    ),
    Figure(
        key="review_holds",
        section="Kept apart",
        title="Export rows held for review, by reason",
        sql="""
            select hold_reason as reason, export_kind as kind, held_row_count as rows
            from report.rpt_review_holds
            order by 1, 2
        """,
        columns={"reason": "reason", "kind": "kind", "rows": "rows held"},
        chart="reason_bars",
        chart_options={"value": "rows", "color": "kind"},
        empty="Nothing held for review.",
    ),
    Figure(
        key="quarantine",
        section="Kept apart",
        title="Quarantined rows and values, by file and reason (largest first)",
        sql="""
            select
                source_file as file,
                reason,
                rejected_row_count as rows_rejected,
                dropped_value_count as values_dropped,
                rejected_row_count + dropped_value_count as quarantined
            from report.rpt_quarantine
            order by quarantined desc, 1, 2
        """,
        columns={"file": "file", "reason": "reason", "rows_rejected": "rows rejected",
                 "values_dropped": "values dropped"},
        chart="quarantine_bars",
        empty="Nothing quarantined.",
    ),
    Figure(
        key="exports_per_run",
        section="Exports",
        title="Exports per run",
        sql="""
            select
                strftime(run_started_at, '%Y-%m-%d %H:%M:%S') as run,
                event_count as events,
                identify_count as identifies,
                file_count as files,
                file_row_count as file_rows
            from report.rpt_exports_per_run
            order by run_started_at
        """,
        columns={"run": "run started (UTC)", "events": "events", "identifies": "identifies", "files": "files",
                 "file_rows": "rows in files"},
        chart="exports_bars",
        empty="Nothing exported yet.",
    ),
    Figure(
        key="waiting",
        section="Exports",
        title="What is waiting",
        sql="""
            select export_kind as kind, sum(held_row_count) as rows
            from report.rpt_review_holds
            group by 1
            order by 1
        """,
        columns={"kind": "kind", "rows": "rows held for review"},
        note="Held rows wait in export_amplitude__review until the input is fixed; every other row is exported.",
        empty="Nothing is waiting: every gated row was exported.",
    ),
    Figure(
        key="run_changes",
        section="Since the previous run",
        title="What each of the last 10 builds changed",
        sql="""
            select
                strftime(run_started_at, '%Y-%m-%d %H:%M:%S') as run,
                merged_person_count as persons_merged,
                reanchored_person_count as persons_reanchored,
                new_user_link_count as new_links_to_users,
                new_refusal_count as new_refusals,
                person_count as persons,
                person_count_change as persons_change,
                linked_lead_count as linked_leads,
                linked_lead_count_change as linked_leads_change
            from (
                select * from report.rpt_run_changes order by run_started_at desc limit 10
            ) as latest
            order by run_started_at desc
        """,
        columns={"run": "build started (UTC)", "persons_merged": "persons merged",
                 "persons_reanchored": "re-anchored", "new_links_to_users": "new links to users",
                 "new_refusals": "new refusals", "persons": "persons", "persons_change": "persons change",
                 "linked_leads": "linked leads", "linked_leads_change": "linked leads change"},
        note="The first row is the latest build; a build that reached the report is one row (rpt_runs).",
        empty="No build has reached the report yet.",
    ),
]

FIGURES_BY_KEY = {figure.key: figure for figure in FIGURES}


def _plain(value):
    """A JSON-ready value (DuckDB gives Decimal for sums and rounded rates)."""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    number = float(value)
    return int(number) if number.is_integer() and not isinstance(value, float) else number


def read_figure(connection, figure):
    """The rows of one figure, as dicts keyed by the result's column names."""
    result = connection.execute(figure.sql)
    names = [column[0] for column in result.description]
    return [dict(zip(names, (_plain(value) for value in row))) for row in result.fetchall()]


def missing_relations(connection):
    """The report's relations missing from the database (built before models/report existed)."""
    present = {
        row[0]
        for row in connection.execute(
            "select table_name from duckdb_tables() where schema_name = ? "
            "union all select view_name from duckdb_views() where schema_name = ?",
            [REPORT_SCHEMA, REPORT_SCHEMA],
        ).fetchall()
    }
    needed = {"rpt_lead_links", "rpt_conversion_after_touch", "rpt_person_sizes", "rpt_largest_persons",
              "rpt_shared_identifiers", "rpt_refused_links", "rpt_review_holds", "rpt_quarantine",
              "rpt_exports_per_run", "rpt_run_changes"}
    return sorted(needed - present)


def read_figures(connection):
    """Every figure's rows: {figure key: [row dict, ...]}."""
    return {figure.key: read_figure(connection, figure) for figure in FIGURES}
