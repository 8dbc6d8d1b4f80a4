"""Loader for Zoom webinar attendee reports, a multi-section CSV.

A report holds a title line, the webinar's summary (one header line and one
value line), then sections, each a title line ("Host Details", "Panelist
Details", "Attendee Details"), a header line and rows. Registration questions
the host added appear as extra attendee columns; they are kept as JSON.
"""

import csv
import io
import itertools

from identity_stitching.loading.changes import FolderUpdate, folder_changes
from identity_stitching.loading.errors import SchemaDriftError
from identity_stitching.loading.files import (
    MAX_VALUE_LENGTH,
    fit_to_header,
    malformed_csv_problem,
    split_header,
    strip_trailing_empty,
)
from identity_stitching.loading.table import files_reader, to_json

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
    return zoom_attendee_reports_reader(raw_path).read_all()


def zoom_attendee_reports_reader(raw_path):
    """The rows of `read_zoom_attendee_reports` as a stream of record batches.

    Every report's summary and attendee header are checked before the reader
    is returned, so schema drift raises here, before a single row is handed over.
    """
    return zoom_attendee_reports_update(raw_path).reader


def zoom_attendee_reports_update(raw_path, loaded=frozenset(), folder=FOLDER):
    """What a table holding the rows of the `loaded` reports needs to mirror the reports' folder.

    `loaded` holds the (source_file, source_file_sha256) pairs the table has
    rows of. The reader streams the rows of the other reports only (new ones,
    and those whose bytes changed); `changes` says which loaded reports are
    stale. Only the reports to read are checked: schema drift in one of them
    raises here, before the table is changed.
    """
    changes = folder_changes(raw_path, folder, loaded)
    reader = files_reader(raw_path, changes.to_load, DATA_COLUMNS, check=_check_report, read=_read_report)
    return FolderUpdate(reader=reader, changes=changes)


def _parse(text):
    """(line numbers, records, problem) of a report: each record's fields and the
    physical line it starts on; `problem` is (line, load error) of a record the
    csv module cannot read, which ends the readable part of the file."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    numbers, records = [], []
    number = 1
    try:
        for fields in reader:
            numbers.append(number)
            records.append(fields)
            number = reader.line_num + 1
    except csv.Error as error:
        return numbers, records, (number, malformed_csv_problem(error))
    return numbers, records, None


def _has_data(records):
    return any(any(field.strip() for field in fields) for fields in records)


def _header(fields):
    return [name.strip() for name in strip_trailing_empty(fields)]


def _is_title(fields, joined):
    """The section a line opens, if it is a section title (its only non-empty cell)."""
    first = fields[0]
    section = SECTIONS.get(first.strip().lower())
    if section is None:
        return None
    rest = joined[len(first):]
    return section if not rest or rest.isspace() else None


def _readable_records(text):
    """The fields of each record, up to the first one the csv module cannot read."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        yield from reader
    except csv.Error:
        return


def _check_report(text, relative_path):
    """Raise SchemaDriftError as reading the report would, without loading its rows.

    Reads only as far as it must: to the webinar summary, then to the first
    attendee header, and on through the file only when it names a second
    Attendee Details section.
    """
    records = _readable_records(text)
    head = []
    for fields in records:
        head.append(fields)
        if len(head) > 1 and "Webinar ID" in _header(head[-2]):
            break
    else:
        if _has_data(head):
            _webinar_summary(relative_path, head)  # raises: no summary
        return
    attendee_sections = None
    section = header = None
    for fields in itertools.chain(head, records):
        joined = "".join(fields)
        if not joined or joined.isspace():
            continue
        title = _is_title(fields, joined)
        if title:
            section, header = title, None
        elif section is not None and header is None:
            header = _header(fields)
            if section == "attendee":
                _check_attendee_header(relative_path, header)
                if attendee_sections is None:
                    attendee_sections = text.lower().count("attendee details")
                if attendee_sections <= 1:
                    return  # no other attendee header can follow


def _read_report(export_file, builder):
    """Add one report's person rows to `builder`, yielding a batch whenever one is full."""
    numbers, records, problem = _parse(export_file.text)
    if not _has_data(records):
        return  # an empty file is an empty report
    webinar = _webinar_summary(export_file.relative_path, records)
    limit = builder.batch_rows
    section = header = None
    has_attendee_section = False
    for row_number, fields in zip(numbers, records):
        joined = "".join(fields)
        if not joined or joined.isspace():
            continue
        title = _is_title(fields, joined)
        if title:
            section, header = title, None
            has_attendee_section = has_attendee_section or section == "attendee"
            continue
        if section is None:
            continue  # report title and webinar summary
        if header is None:
            header = _header(fields)
            if section == "attendee":
                _check_attendee_header(export_file.relative_path, header)
            width = len(header)
            index, questions = split_header(header, PERSON_COLUMNS)
            segment = builder.segment(export_file, index, {**webinar, "section": section}, width)
            rows, row_numbers, extras = segment.rows, segment.numbers, segment.extras
            continue
        count = len(fields)
        if count != width or len(joined) > MAX_VALUE_LENGTH:
            surplus = "".join(fields[width:]) if count > width else None
            if surplus is not None and len(joined) <= MAX_VALUE_LENGTH and (
                not surplus or surplus.isspace()
            ):
                fields = fields[:width]  # Zoom's and Excel's empty padding
            else:
                fields, error = fit_to_header(header, fields)
                if error:
                    segment.add_error(row_number, error)
                    continue
        if questions:
            answers = {}
            for name, position in questions:
                value = fields[position]
                if value.strip() not in ("", "--"):
                    answers[name] = value  # a registration question the host added
            if answers:
                extras[len(row_numbers)] = to_json(answers)
        rows.append(fields)
        row_numbers.append(row_number)
        if len(row_numbers) >= limit:
            yield builder.flush()
    if problem:
        builder.segment(export_file, None, {**webinar, "section": section}).add_error(*problem)
    if not has_attendee_section:
        builder.segment(export_file, None, dict(webinar)).add_error(numbers[0], NO_ATTENDEE_SECTION)


def _webinar_summary(relative_path, records):
    """The webinar's topic, id and start from the line after its header."""
    for index, fields in enumerate(records):
        header = _header(fields)
        if "Webinar ID" in header and index + 1 < len(records):
            summary = dict(zip(header, records[index + 1]))
            return {
                column: summary.get(name, "").strip() or None
                for name, column in WEBINAR_COLUMNS.items()
            }
    raise SchemaDriftError(relative_path, REQUIRED_WEBINAR_HEADERS, list(WEBINAR_COLUMNS))


def _check_attendee_header(relative_path, header):
    missing = [name for name in REQUIRED_ATTENDEE_HEADERS if name not in header]
    if missing:
        raise SchemaDriftError(relative_path, missing, list(PERSON_COLUMNS), header)
