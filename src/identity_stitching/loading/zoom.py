"""Loader for Zoom webinar attendee reports, a multi-section CSV.

A report holds a title line, the webinar's summary (one header line and one
value line), then sections, each a title line ("Host Details", "Panelist
Details", "Attendee Details"), a header line and rows. Registration questions
the host added appear as extra attendee columns; they are kept as JSON.
"""

import json

from identity_stitching.loading.errors import SchemaDriftError
from identity_stitching.loading.files import (
    csv_rows,
    fit_to_header,
    list_export_files,
    open_export_file,
    strip_trailing_empty,
)
from identity_stitching.loading.table import RowCollector

FOLDER = "zoom/attendee_reports"

SECTIONS = {
    "host details": "host",
    "panelist details": "panelist",
    "attendee details": "attendee",
}

WEBINAR_COLUMNS = {
    "Topic": "webinar_topic",
    "Webinar ID": "webinar_id",
    "Actual Start Time": "webinar_started_at",
    "Actual Duration (minutes)": "webinar_duration_minutes",
}

PERSON_COLUMNS = {
    "Attended": "attended",
    "User Name (Original Name)": "user_name",
    "First Name": "first_name",
    "Last Name": "last_name",
    "Email": "email",
    "Phone": "phone",
    "Registration Time": "registration_time",
    "Approval Status": "approval_status",
    "Join Time": "join_time",
    "Leave Time": "leave_time",
    "Time in Session (minutes)": "minutes_in_session",
    "Is Guest": "is_guest",
    "Country/Region Name": "country_region_name",
    "Source Name": "source_name",
}

# Without these an attendee row cannot become a touch.
REQUIRED_ATTENDEE_HEADERS = ["Attended", "Email", "Join Time", "Leave Time"]
REQUIRED_WEBINAR_HEADERS = ["Topic", "Webinar ID"]

DATA_COLUMNS = ["section", *WEBINAR_COLUMNS.values(), *PERSON_COLUMNS.values()]


NO_ATTENDEE_SECTION = (
    "Zoom report has no Attendee Details section: none of its registrants or "
    "attendees could be read (a truncated download, or not an attendee report)"
)


def read_zoom_attendee_reports(raw_path):
    """One row per person row of every report (hosts, panelists, attendees).

    Empty reports add nothing. A row that cannot be read, and a report without
    an Attendee Details section, become rows with a `load_error` (the latter
    on the report's first line) so staging quarantines them; a report whose
    summary or attendee header misses required columns raises SchemaDriftError.
    """
    collector = RowCollector(DATA_COLUMNS)
    for path in list_export_files(raw_path, FOLDER):
        export_file = open_export_file(path, raw_path)
        _read_report(export_file, collector)
    return collector.to_arrow()


def _read_report(export_file, collector):
    rows = list(csv_rows(export_file.text))
    readable = [(number, fields) for number, fields, problem in rows if not problem]
    if not any(any(f.strip() for f in fields) for _, fields in readable):
        return  # an empty file is an empty report
    webinar = _webinar_summary(export_file, readable)
    section, header, has_attendee_section = None, None, False
    for row_number, fields, problem in rows:
        if problem:
            collector.add(export_file, row_number, {**webinar, "section": section}, None, problem)
            break
        cells = strip_trailing_empty(fields)
        if not cells:
            continue
        title = cells[0].strip().lower()
        if len(cells) == 1 and title in SECTIONS:
            section, header = SECTIONS[title], None
            has_attendee_section = has_attendee_section or section == "attendee"
            continue
        if section is None:
            continue  # report title and webinar summary
        if header is None:
            header = [name.strip() for name in cells]
            if section == "attendee":
                _check_attendee_header(export_file, header)
            continue
        values, extra, error = _parse_person(header, fields)
        values.update(webinar, section=section)
        collector.add(export_file, row_number, values, extra, error)
    if not has_attendee_section:
        collector.add(export_file, rows[0][0], dict(webinar), None, NO_ATTENDEE_SECTION)


def _webinar_summary(export_file, rows):
    """The webinar's topic, id and start from the line after its header."""
    for index, (_, fields) in enumerate(rows):
        header = [name.strip() for name in strip_trailing_empty(fields)]
        if "Webinar ID" in header and index + 1 < len(rows):
            values = rows[index + 1][1]
            summary = dict(zip(header, values))
            return {
                column: summary.get(name, "").strip() or None
                for name, column in WEBINAR_COLUMNS.items()
            }
    raise SchemaDriftError(
        export_file.relative_path, REQUIRED_WEBINAR_HEADERS, list(WEBINAR_COLUMNS)
    )


def _check_attendee_header(export_file, header):
    missing = [name for name in REQUIRED_ATTENDEE_HEADERS if name not in header]
    if missing:
        raise SchemaDriftError(export_file.relative_path, missing, list(PERSON_COLUMNS), header)


def _parse_person(header, fields):
    """(values, custom questions as JSON, load error) of one person row."""
    fields, problem = fit_to_header(header, fields)
    if problem:
        return {}, None, problem
    values, questions = {}, {}
    for name, value in zip(header, fields):
        if name in PERSON_COLUMNS:
            values[PERSON_COLUMNS[name]] = value
        elif name and value.strip() not in ("", "--"):
            questions[name] = value  # a registration question the host added
    extra = json.dumps(questions, ensure_ascii=False) if questions else None
    return values, extra, None
