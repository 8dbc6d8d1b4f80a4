"""Loader for the Zoom files people download: every kind, every layout in use since 2020.

Four kinds of file are read, each recognized by its content (never its name or
folder; see `KINDS`):

* the webinar **attendee report**: a title block (`Attendee Report`, then
  `Report Generated:,"Apr 09, 2020 8:50 PM"` or `Report generated time,09/09/2026
  05:29:06 AM`), the webinar summary (one header line with `Webinar ID`, one
  value line), then sections, each a title line (`Host Details`, `Panelist
  Details`, `Attendee Details`, `Other Attended`), a header line and rows;
* the webinar **registration report**: the same title block and summary
  (`Scheduled Time` instead of `Actual Start Time`), then the registrants'
  table (`First Name, Last Name, Email, ..., Registration Time, ...`);
* the **meeting participants** export with the meeting's data: a summary
  (`Meeting ID,Topic,Start Time,End Time,User Email,...`), then the
  participants (`Name (Original Name),User Email,Join Time,Leave Time,...`);
* the flat **meeting participants** export (2023+): only the participants'
  table (`Name (original name),Email,Join time,Leave time,...`).

Header names are matched ignoring case, spaces and punctuation (header_key; vendors vary them). Lines may
be padded with empty cells, blank lines may separate blocks, NUL bytes are
removed, and a file saved by Excel as "Unicode Text" (UTF-16, TAB-separated)
is read like the CSV: the delimiter is detected from the content. Columns
beyond the known ones (registration questions the host added) are kept as
JSON in `extra_columns`. Values are kept as written; staging types them.

A value too long to be real (over MAX_VALUE_LENGTH) costs the row only when the
row's touch cannot do without it (`ESSENTIAL_COLUMNS`, and the email or phone
when it is the row's only identifier); any other such value is dropped (null)
and named in the row's `value_errors` (JSON: header -> reason).

A file that is none of the four kinds, or whose numeric dates cannot be in the
configured day/month order (var identity__zoom_date_order), stops the build
(zoom_errors.py), as a missing required column does (SchemaDriftError).
"""

import csv
import datetime as dt
import io
import itertools
import re
from functools import partial

from identity_stitching.loading.changes import FolderUpdate, folder_changes
from identity_stitching.loading.errors import SchemaDriftError
from identity_stitching.loading.files import (
    MAX_VALUE_LENGTH,
    header_key,
    malformed_csv_problem,
    oversized_value_dropped,
    oversized_value_problem,
    strip_trailing_empty,
)
from identity_stitching.loading.table import files_reader, to_json
from identity_stitching.loading.zoom_errors import (
    DATE_ORDER_VAR,
    DATE_ORDERS,
    UnknownZoomFileError,
    ZoomDateOrderError,
)

FOLDER = "zoom"

ATTENDEE_REPORT = "attendee_report"
REGISTRATION_REPORT = "registration_report"
MEETING = "meeting_participants"
MEETING_FLAT = "meeting_participants_flat"

# The kinds, as the message about an unknown file lists them.
KINDS = {
    ATTENDEE_REPORT: "webinar attendee report (title 'Attendee Report', a summary with Webinar ID, "
    "then Host Details, Panelist Details, Attendee Details, Other Attended)",
    REGISTRATION_REPORT: "webinar registration report (title 'Registration Report', a summary with "
    "Webinar ID, then registrants: First Name, Last Name, Email, ..., Registration Time)",
    MEETING: "meeting participants export with meeting data (Meeting ID, Topic, Start Time, ..., "
    "then Name (Original Name), User Email, Join Time, Leave Time, Duration (Minutes), Guest)",
    MEETING_FLAT: "meeting participants export (Name (original name), Email, Join time, Leave time, "
    "Duration (minutes), Guest, ...)",
}


def _keyed(names):
    """`names` (a dict or a collection) keyed as headers are compared: header_key, which ignores
    case, spaces and punctuation, as vendors vary them (`Join time`, `JOIN TIME`)."""
    if isinstance(names, dict):
        return {header_key(name): value for name, value in names.items()}
    return frozenset(header_key(name) for name in names)


TITLES = _keyed({"Attendee Report": ATTENDEE_REPORT, "Registration Report": REGISTRATION_REPORT})

SECTIONS = _keyed({
    "host details": "host",
    "panelist details": "panelist",
    "attendee details": "attendee",
    "other attended": "other_attendee",  # joined without registering
})

# Summary header -> column.
WEBINAR_COLUMNS = _keyed({
    "topic": "webinar_topic",
    "webinar id": "webinar_id",
    "actual start time": "webinar_started_at",
    "actual duration (minutes)": "webinar_duration_minutes",
    "scheduled time": "webinar_scheduled_at",  # registration report
})
MEETING_COLUMNS = _keyed({
    "meeting id": "meeting_id",
    "topic": "meeting_topic",
    "start time": "meeting_started_at",
    "user email": "meeting_host_email",
})

# Person header -> column; a column's first header in a line wins.
PERSON_COLUMNS = _keyed({
    "attended": "attended",
    "user name (original name)": "user_name",
    "user name": "user_name",  # 2020
    "name (original name)": "user_name",  # meeting participants
    "first name": "first_name",
    "last name": "last_name",
    "email": "email",
    "user email": "email",  # meeting participants with meeting data
    "phone": "phone",
    "registration time": "registration_time",
    "approval status": "approval_status",
    "join time": "join_time",
    "leave time": "leave_time",
    "time in session (minutes)": "minutes_in_session",
    "duration (minutes)": "minutes_in_session",  # meeting participants
    "is guest": "is_guest",
    "guest": "is_guest",  # meeting participants
    "country/region name": "country_region_name",
    "source name": "source_name",
    "in waiting room": "in_waiting_room",
    "recording consent": "recording_consent",
    "recording disclaimer response": "recording_consent",
})

# The header names messages use, per column.
HEADER_NAMES = {
    "attended": "Attended",
    "email": "Email",
    "join_time": "Join Time",
    "leave_time": "Leave Time",
    "registration_time": "Registration Time",
    "webinar_topic": "Topic",
    "webinar_id": "Webinar ID",
    "meeting_id": "Meeting ID",
    "meeting_started_at": "Start Time",
}

# (required columns, the layout a message shows) of each table.
TABLES = {
    "attendee": (
        ["attended", "email", "join_time", "leave_time"],
        ["Attended", "User Name (Original Name)", "First Name", "Last Name", "Email", "Phone",
         "Registration Time", "Approval Status", "Join Time", "Leave Time", "Time in Session (minutes)",
         "Is Guest", "Country/Region Name", "Source Name"],
    ),
    "other_attendee": (
        ["join_time", "leave_time"],
        ["User Name", "Join Time", "Leave Time", "Time in Session (minutes)", "Country/Region Name"],
    ),
    "registrant": (
        ["email", "registration_time"],
        ["First Name", "Last Name", "Email", "Phone", "Registration Time", "Approval Status",
         "Source Name", "Country/Region Name"],
    ),
    "participant": (
        ["email", "join_time", "leave_time"],
        ["Name (Original Name)", "Email (or User Email)", "Join Time", "Leave Time", "Duration (Minutes)",
         "Guest", "Recording Consent", "In Waiting Room"],
    ),
}
WEBINAR_SUMMARY = (["webinar_topic", "webinar_id"], ["Topic", "Webinar ID", "Actual Start Time",
                   "Actual Duration (minutes)"])
MEETING_SUMMARY = (["meeting_id", "meeting_started_at"], ["Meeting ID", "Topic", "Start Time", "End Time",
                   "User Email", "Duration (Minutes)", "Participants"])

# A touch cannot do without these: an oversized one rejects the row.
ESSENTIAL_COLUMNS = frozenset(
    {"attended", "join_time", "leave_time", "registration_time", "approval_status", "in_waiting_room"}
)

DATA_COLUMNS = [
    "section",
    "webinar_topic",
    "webinar_id",
    "webinar_started_at",
    "webinar_duration_minutes",
    "attended",
    "user_name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "registration_time",
    "approval_status",
    "join_time",
    "leave_time",
    "minutes_in_session",
    "is_guest",
    "country_region_name",
    "source_name",
    "report_kind",
    "webinar_scheduled_at",
    "meeting_id",
    "meeting_topic",
    "meeting_started_at",
    "meeting_host_email",
    "in_waiting_room",
    "recording_consent",
    "value_errors",
]

NO_ATTENDEE_SECTION = (
    "Zoom report has no Attendee Details section: none of its registrants or "
    "attendees could be read (a truncated download, or not an attendee report)"
)
NO_REGISTRANT_TABLE = (
    "Zoom registration report has no registrant table: none of its registrants "
    "could be read (a truncated download)"
)
NO_PARTICIPANT_TABLE = (
    "Zoom meeting participants export has no participant table after the meeting "
    "summary: none of its participants could be read (a truncated download)"
)

FLAT_DETECTION = _keyed(("join time", "leave time"))  # with a name or email: a flat participant list
FLAT_NAMES = _keyed(("name (original name)", "user name (original name)", "email", "user email"))
WEBINAR_ID, MEETING_ID = header_key("Webinar ID"), header_key("Meeting ID")
JOIN_TIME, REGISTRATION_TIME, EMAIL = header_key("Join Time"), header_key("Registration Time"), header_key("Email")


def read_zoom_attendee_reports(raw_path, folder=FOLDER, date_order="MDY"):
    """One row per person row of every Zoom file (hosts, panelists, attendees,
    registrants, meeting participants).

    Empty files add nothing. A row that cannot be read, and a report without
    its person table, become rows with a `load_error` (the latter on the
    file's first line) so staging quarantines them; a file of no known kind,
    a missing required column, or dates in the other day/month order raise
    SchemaDriftError.
    """
    return zoom_attendee_reports_reader(raw_path, folder, date_order).read_all()


def zoom_attendee_reports_reader(raw_path, folder=FOLDER, date_order="MDY"):
    """The rows of `read_zoom_attendee_reports` as a stream of record batches.

    Every file is checked before the reader is returned, so schema drift
    raises here, before a single row is handed over.
    """
    return zoom_attendee_reports_update(raw_path, folder=folder, date_order=date_order).reader


def zoom_attendee_reports_update(raw_path, loaded=frozenset(), folder=FOLDER, date_order="MDY"):
    """What a table holding the rows of the `loaded` files needs to mirror the Zoom folder.

    `loaded` holds the (source_file, source_file_sha256) pairs the table has
    rows of. The reader streams the rows of the other files only (new ones,
    and those whose bytes changed); `changes` says which loaded files are
    stale. Only the files to read are checked: a bad one raises here, before
    the table is changed.
    """
    date_order = _date_order(date_order)
    changes = folder_changes(raw_path, folder, loaded)
    check = partial(_check_report, date_order=date_order)
    reader = files_reader(raw_path, changes.to_load, DATA_COLUMNS, check=check, read=_read_report)
    return FolderUpdate(reader=reader, changes=changes)


def _date_order(value):
    order = str(value or "MDY").strip().upper()
    if order not in DATE_ORDERS:
        raise ValueError(f"var {DATE_ORDER_VAR} is {value!r}: expected one of {', '.join(DATE_ORDERS)}")
    return order


# ---------- text and records


def _clean(text):
    """The text without NUL bytes (some real reports carry dozens; a NUL can sit inside a header cell)."""
    return text.replace("\x00", "") if "\x00" in text else text


def _delimiter(text):
    """TAB for Excel's "Unicode Text" (tab-separated) saves, else comma: whichever the first lines use more."""
    head = "\n".join(text[:65536].splitlines()[:20])
    return "\t" if head.count("\t") > head.count(",") else ","


def _csv_reader(text, delimiter):
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)


def _parse(text, delimiter):
    """(line numbers, records, problem) of a file: each record's fields and the
    physical line it starts on; `problem` is (line, load error) of a record the
    csv module cannot read, which ends the readable part of the file."""
    reader = _csv_reader(text, delimiter)
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


def _readable_records(text, delimiter):
    """The fields of each record, up to the first one the csv module cannot read."""
    reader = _csv_reader(text, delimiter)
    try:
        yield from reader
    except csv.Error:
        return


def _is_blank(fields):
    return not any(field.strip() for field in fields)


def _header(fields):
    return [name.strip() for name in strip_trailing_empty(fields)]


def _lower(header):
    """The header's names as they are compared (header_key)."""
    return [header_key(name) for name in header]


def _filled(fields):
    return [field.strip() for field in fields if field.strip()]


def _is_title(fields):
    """The section a line opens, if it is a section title (its only non-empty cell)."""
    if len(fields) > 1 and fields[1].strip():
        return None  # most lines: a data row
    if any(field.strip() for field in fields[2:]):
        return None
    return SECTIONS.get(header_key(fields[0]))


def _is_generated_line(fields):
    return header_key(fields[0]).startswith("reportgenerated")


def _is_flat_header(keys):
    return FLAT_DETECTION <= set(keys) and not FLAT_NAMES.isdisjoint(keys)


# ---------- kinds


def _kind(records, relative_path):
    """(kind, the records read to decide it) of a file; kind None for a file without data.

    Decided by content: the title line, else the first header line (a webinar
    summary, a meeting summary, or a participants' table); a webinar summary
    without title is an attendee report if a section title follows, a
    registration report if a registrants' header follows.
    """
    head = []
    first = True
    for fields in records:
        head.append(fields)
        if _is_blank(fields):
            continue
        filled = _filled(fields)
        if first and len(filled) == 1:
            title = header_key(filled[0])
            if title in TITLES:
                return TITLES[title], head
            if title in SECTIONS:
                return ATTENDEE_REPORT, head  # no title block: sections from the start
            raise UnknownZoomFileError(relative_path, f"first line {_shown(filled[0])!r}", KINDS.values())
        first = False
        if _is_generated_line(fields):
            continue
        lower = _lower(_header(fields))
        if WEBINAR_ID in lower:
            return _webinar_kind(records, head, relative_path), head
        if MEETING_ID in lower and JOIN_TIME not in lower:
            return MEETING, head  # a usage report has both on one line: not read
        if _is_flat_header(lower):
            return MEETING_FLAT, head
        raise UnknownZoomFileError(relative_path, f"line {_shown(', '.join(_header(fields)))!r}", KINDS.values())
    return None, head


def _shown(text, limit=200):
    """A line as a message shows it: at most `limit` characters."""
    return text if len(text) <= limit else text[:limit] + "..."


def _webinar_kind(records, head, relative_path):
    """A webinar summary without a title line: attendee or registration report by what follows."""
    for fields in records:
        head.append(fields)
        if _is_blank(fields):
            continue
        if _is_title(fields):
            return ATTENDEE_REPORT
        lower = _lower(_header(fields))
        if REGISTRATION_TIME in lower and JOIN_TIME not in lower and EMAIL in lower:
            return REGISTRATION_REPORT
    raise UnknownZoomFileError(
        relative_path, "a webinar summary without sections or registrant table", KINDS.values()
    )


# ---------- checks: before any row is handed over


def _check_report(text, relative_path, date_order="MDY"):
    """Raise SchemaDriftError as reading the file would, without loading its rows.

    Reads only as far as it must (the kind, the summary, the tables'
    headers), then checks the day/month order of the file's times
    (_check_date_order: a whole-text search, a parse only on a candidate).
    """
    text = _clean(text)
    delimiter = _delimiter(text)
    records = _readable_records(text, delimiter)
    kind, head = _kind(records, relative_path)
    if kind is None:
        return
    records = itertools.chain(head, records)
    if kind == MEETING_FLAT:
        header = next(_header(fields) for fields in records if not _is_blank(fields))
        _check_table(relative_path, "participant", header)
    elif kind == MEETING:
        rest = _after_summary(relative_path, records, MEETING_COLUMNS, MEETING_SUMMARY, MEETING_ID)[1]
        header = next((_header(fields) for fields in rest if not _is_blank(fields)), None)
        if header is not None:
            _check_table(relative_path, "participant", header)
    elif kind == REGISTRATION_REPORT:
        rest = _after_summary(relative_path, records, WEBINAR_COLUMNS, WEBINAR_SUMMARY, WEBINAR_ID)[1]
        for fields in rest:
            if not _is_blank(fields) and len(_filled(fields)) > 1:
                _check_table(relative_path, "registrant", _header(fields))
                break
    else:
        _check_attendee_report(text, relative_path, records)
    _check_date_order(text, relative_path, date_order, delimiter)


def _check_attendee_report(text, relative_path, records):
    """The summary, and the header of every Attendee Details and Other Attended section."""
    rest = _after_summary(relative_path, records, WEBINAR_COLUMNS, WEBINAR_SUMMARY, WEBINAR_ID)[1]
    lowered = text.lower()  # (a regex over the whole text costs ten times more)
    to_check = lowered.count("attendee details") + lowered.count("other attended")
    section = header = None
    for fields in rest:
        if to_check <= 0:
            return  # no other checked header can follow
        if _is_blank(fields):
            continue
        title = _is_title(fields)
        if title:
            section, header = title, None
        elif section is not None and header is None:
            header = _header(fields)
            if section in ("attendee", "other_attendee"):
                _check_table(relative_path, section, header)
                to_check -= 1


def _after_summary(relative_path, records, columns, layout, key):
    """(summary values by column, the records after its value line), or SchemaDriftError without a summary."""
    records = iter(records)
    for fields in records:
        header = _header(fields)
        if key in _lower(header):
            values = next((f for f in records if not _is_blank(f)), [])
            summary = {}
            for name, value in zip(header, values):
                column = columns.get(header_key(name))
                if column and column not in summary:
                    summary[column] = value.strip() or None
            required, expected = layout
            present = {columns.get(key) for key in _lower(header)}
            missing = [HEADER_NAMES[column] for column in required if column not in present]
            if missing:
                raise SchemaDriftError(relative_path, missing, expected, header)
            return summary, records
    required, expected = layout
    raise SchemaDriftError(relative_path, [HEADER_NAMES[column] for column in required], expected)


def _check_table(relative_path, table, header):
    required, expected = TABLES[table]
    present = {PERSON_COLUMNS.get(name) for name in _lower(header)}
    missing = [HEADER_NAMES[column] for column in required if column not in present]
    if missing:
        raise SchemaDriftError(relative_path, missing, expected, header)


_LATER = r"(?:1[3-9]|2\d|3[01])"  # a day, never a month
_MONTH = r"(?:0?[1-9]|1[0-2])"
_TIME = r"\s+\d{1,2}:\d{2}"
# Text that may be a time whose numeric date cannot be in the configured order
# (the part that must be the month is over 12): cheap to look for over the
# whole text; a file without any is never parsed for it.
_CANDIDATES = {
    "MDY": re.compile(rf"{_LATER}/{_MONTH}/\d{{4}}{_TIME}"),
    "DMY": re.compile(rf"{_MONTH}/{_LATER}/\d{{4}}{_TIME}"),
}
_NUMERIC_TIME = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?")
TIME_HEADERS = _keyed(
    {"actual start time", "scheduled time", "start time", "end time", "registration time", "join time", "leave time"}
)


def _check_date_order(text, relative_path, date_order, delimiter=","):
    """ZoomDateOrderError at the first time whose numeric date is a real date only in the other
    day/month order. Only the times are looked at (the generated line, the summary's times and
    the tables' Registration, Join and Leave Time), never other values such as answers."""
    if "/" not in text or _CANDIDATES[date_order].search(text) is None:
        return
    numbers, records, _ = _parse(text, delimiter)
    for line, value in _time_values(numbers, records):
        match = _NUMERIC_TIME.fullmatch(value.strip())
        if not match:
            continue
        first, second, year = (int(part) for part in match.group(1, 2, 3))
        month, day = (first, second) if date_order == "MDY" else (second, first)
        if month <= 12:
            continue
        try:
            dt.date(year, day, month)  # the other order
        except ValueError:
            continue  # no date in either order: staging rejects the row
        raise ZoomDateOrderError(relative_path, line, value.strip(), date_order)


def _time_values(numbers, records):
    """(line, value) of every cell under a time header, and the report's generated time."""
    positions = []
    for line, fields in zip(numbers, records):
        if _is_blank(fields):
            continue
        if _is_generated_line(fields):
            yield from ((line, value) for value in fields[1:2])
            continue
        lower = _lower(_header(fields))
        times = [position for position, name in enumerate(lower) if name in TIME_HEADERS]
        if times:
            positions = times  # a header line
        elif _is_title(fields):
            positions = []
        else:
            yield from ((line, fields[position]) for position in positions if position < len(fields))


# ---------- reading


class _Table:
    """The rows under one header line: cut to the header's width, oversized values handled."""

    def __init__(self, builder, export_file, header, constants, summary_errors):
        self.header = header
        self.width = len(header)
        self.index, self.questions = {}, []
        for position, name in enumerate(header):
            column = PERSON_COLUMNS.get(header_key(name))
            if column and column not in self.index:
                self.index[column] = position
            elif name:
                self.questions.append((name, position))
        self.essential = {self.index[c] for c in ESSENTIAL_COLUMNS if c in self.index}
        self.email, self.phone = self.index.get("email"), self.index.get("phone")
        self.summary_errors = summary_errors
        self.summary_json = to_json(summary_errors) if summary_errors else None
        # value_errors rides at position `width`, after the row's own cells
        index = {**self.index, "value_errors": self.width}
        self.segment = builder.segment(export_file, index, constants, self.width + 1)

    def add(self, row_number, fields, joined):
        segment = self.segment
        count, width = len(fields), self.width
        if count != width:
            if count > width and not "".join(fields[width:]).strip():
                fields = fields[:width]  # Zoom's and Excel's empty padding
            else:
                segment.add_error(row_number, f"ragged row: {count} fields, header has {width}")
                return
        value_errors = self.summary_json
        if len(joined) > MAX_VALUE_LENGTH:
            fields, dropped, problem = self._drop_oversized(fields)
            if problem:
                segment.add_error(row_number, problem)
                return
            if dropped:
                value_errors = to_json({**self.summary_errors, **dropped})
        if self.questions:
            answers = {}
            for name, position in self.questions:
                value = fields[position]
                if value is not None and value.strip() not in ("", "--"):
                    answers[name] = value  # a registration question the host added
            if answers:
                segment.extras[len(segment.numbers)] = to_json(answers)
        fields.append(value_errors)
        segment.rows.append(fields)
        segment.numbers.append(row_number)

    def _drop_oversized(self, fields):
        """(fields, dropped values' reasons, row problem): optional oversized values nulled."""
        long = [position for position, value in enumerate(fields) if len(value) > MAX_VALUE_LENGTH]
        if not long:
            return fields, {}, None

        def usable(position):
            return position is not None and position not in long and fields[position].strip()

        for position in long:
            needed = position in self.essential or (
                position == self.email and not usable(self.phone)
            ) or (position == self.phone and not usable(self.email))
            if needed:
                return fields, {}, oversized_value_problem(self.header[position], len(fields[position]))
        fields = list(fields)
        dropped = {}
        for position in long:
            dropped[self.header[position]] = oversized_value_dropped(len(fields[position]))
            fields[position] = None
        return fields, dropped, None


def _summary(lines, key, columns):
    """(summary values by column, their value errors, position after the value line).

    The line after the summary header (blank lines skipped) holds the values;
    an oversized value is dropped and named in every row's value_errors.
    """
    for position, (_, fields) in enumerate(lines):
        header = _header(fields)
        if key not in _lower(header):
            continue
        after = next((p for p in range(position + 1, len(lines)) if not _is_blank(lines[p][1])), None)
        values = lines[after][1] if after is not None else []
        summary, errors = {}, {}
        for name, value in zip(header, values):
            column = columns.get(header_key(name))
            if not column or column in summary:
                continue
            value = value.strip() or None
            if value is not None and len(value) > MAX_VALUE_LENGTH:
                errors[name] = oversized_value_dropped(len(value))
                value = None
            summary[column] = value
        return summary, errors, (len(lines) if after is None else after + 1)
    raise AssertionError("checked before reading")  # _check_report raised for a file without summary


class _Lines:
    """(line number, fields) of a file's records, by position, without a list of pairs."""

    def __init__(self, numbers, records):
        self.numbers, self.records = numbers, records

    def __len__(self):
        return len(self.records)

    def __getitem__(self, position):
        if isinstance(position, slice):
            return zip(self.numbers[position], self.records[position])
        return self.numbers[position], self.records[position]

    def __iter__(self):
        return zip(self.numbers, self.records)


class _Progress:
    """What a file's reader last wrote: the constants its error rows take."""

    def __init__(self, constants):
        self.constants = constants


def _read_report(export_file, builder):
    """Add one file's person rows to `builder`, yielding a batch whenever one is full."""
    text = _clean(export_file.text)
    numbers, records, problem = _parse(text, _delimiter(text))
    if all(_is_blank(fields) for fields in records):
        return  # an empty file is an empty report
    kind = _kind(iter(records), export_file.relative_path)[0]
    lines = _Lines(numbers, records)
    progress = _Progress({"report_kind": kind})
    if kind == MEETING_FLAT:
        yield from _flat_rows(export_file, builder, lines, progress)
    elif kind == MEETING:
        yield from _meeting_rows(export_file, builder, lines, progress)
    else:
        yield from _webinar_rows(export_file, builder, lines, kind, progress)
    if problem:
        builder.segment(export_file, None, progress.constants).add_error(*problem)


def _webinar_rows(export_file, builder, lines, kind, progress):
    """Attendee or registration report: the rows of its sections."""
    summary, summary_errors, start = _summary(lines, WEBINAR_ID, WEBINAR_COLUMNS)
    file_constants = {**summary, "report_kind": kind}
    section = "registrant" if kind == REGISTRATION_REPORT else None
    progress.constants = {**file_constants, "section": section}
    limit = builder.batch_rows
    table = None
    has_table = False
    for row_number, fields in lines[start:]:
        joined = "".join(fields)
        if not joined or joined.isspace():
            continue
        title = _is_title(fields)
        if title:
            section, table = title, None
            progress.constants = {**file_constants, "section": section}
            continue
        if section is None:
            continue  # nothing but blank lines comes before the first section
        if table is None:
            if section == "registrant" and len(_filled(fields)) == 1:
                continue  # a title over the registrants' table
            table = _Table(builder, export_file, _header(fields), progress.constants, summary_errors)
            has_table = has_table or section in ("attendee", "registrant")
            continue
        table.add(row_number, fields, joined)
        if len(table.segment.numbers) >= limit:
            yield builder.flush()
    if not has_table:
        message = NO_REGISTRANT_TABLE if kind == REGISTRATION_REPORT else NO_ATTENDEE_SECTION
        builder.segment(export_file, None, file_constants).add_error(lines[0][0], message)


def _meeting_rows(export_file, builder, lines, progress):
    """Participants export with meeting data: the summary, then one table."""
    summary, summary_errors, start = _summary(lines, MEETING_ID, MEETING_COLUMNS)
    progress.constants = {**summary, "report_kind": MEETING, "section": "participant"}
    missing = (lines[0][0], NO_PARTICIPANT_TABLE)  # on the file's first line
    yield from _table_rows(export_file, builder, lines[start:], progress, summary_errors, missing)


def _flat_rows(export_file, builder, lines, progress):
    """Flat participants export: one header line, then its rows."""
    progress.constants = {"report_kind": MEETING_FLAT, "section": "participant"}
    yield from _table_rows(export_file, builder, lines, progress, {}, None)


def _table_rows(export_file, builder, lines, progress, summary_errors, missing_table):
    """The rows under the first header line of `lines`; `missing_table` is the (line, load
    error) of a file without one (none: such a file has no rows)."""
    limit = builder.batch_rows
    table = None
    for row_number, fields in lines:
        joined = "".join(fields)
        if not joined or joined.isspace():
            continue
        if table is None:
            table = _Table(builder, export_file, _header(fields), progress.constants, summary_errors)
            continue
        table.add(row_number, fields, joined)
        if len(table.segment.numbers) >= limit:
            yield builder.flush()
    if table is None and missing_table:
        builder.segment(export_file, None, progress.constants).add_error(*missing_table)
