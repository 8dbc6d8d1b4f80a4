"""The flat (single-table) exports: which layouts each source accepts, as vendors and people write them.

A flat source (`FLAT_SOURCES`, also reachable as `LAYOUTS` by its loader name)
has one loaded table (`data_columns`) and one or more layouts. Each file's
layout is recognized from its content, never from its name: a JSON document is
the RingCentral call-log API response; a CSV file's header is compared with
each layout's `signature` (header names only that layout has), and failing
that, the layout sharing the most header names is taken (so that a file of no
known layout is reported against the nearest one).

Header names are compared with `files.header_key`: case, spaces and punctuation
are ignored (`startTime` = `StartTime`, `Action Result` = `action result`).
Columns a file has beyond its layout are kept, as JSON, in `extra_columns`.

A file must carry its layout's `required` headers: without them no row could
be understood (SchemaDriftError). A row is rejected only when it cannot be
used: a value too long to be real (or not text, in JSON) in a column the row
needs (`row_required`) rejects the row; anywhere else the value is dropped
(null), recorded in the row's `value_errors`, and the row flows on.
"""

from dataclasses import dataclass, field
from functools import cached_property

from identity_stitching.loading.files import header_key

INBOUND_DIRECTIONS = frozenset({"inbound", "incoming"})
OUTBOUND_DIRECTIONS = frozenset({"outbound", "outgoing"})


@dataclass(frozen=True)
class Layout:
    """One header layout of a flat source."""

    name: str  # what `call_log_layout` says for its rows (RingCentral)
    columns: dict  # header as the vendor names it -> column (loaded, or `@...` for the row transform)
    required: tuple = ()  # headers a file must have
    aliases: dict = field(default_factory=dict)  # other spellings of a header -> column
    signature: frozenset = frozenset()  # header keys only this layout of its source has
    row_required: tuple = ()  # columns without whose value the row cannot be used
    # the column saying the direction, and the party column the row needs for inbound / outbound calls
    counterpart: tuple = ()
    ignored: frozenset = frozenset()  # header keys neither loaded nor kept (see RINGCENTRAL_API_CSV)

    @property
    def headers(self):
        return list(self.columns)

    def column_of(self, name):
        """The column a header name feeds, or None."""
        return self.keyed.get(header_key(name))

    @cached_property
    def keyed(self):
        keyed = {header_key(alias): column for alias, column in self.aliases.items()}
        keyed.update({header_key(name): column for name, column in self.columns.items()})
        return keyed

    def header_of(self, column):
        """The canonical header of a column, for messages."""
        return next((name for name, mapped in self.columns.items() if mapped == column), column)

    def required_columns(self, direction):
        """The columns a row with `direction` cannot be used without."""
        required = set(self.row_required)
        if self.counterpart:
            _, inbound, outbound = self.counterpart
            lowered = (direction or "").strip().lower()
            if lowered in OUTBOUND_DIRECTIONS:
                required.add(outbound)
            elif lowered in INBOUND_DIRECTIONS:
                required.add(inbound)
        return required


@dataclass(frozen=True)
class FlatSource:
    """A flat source: its loader's name, its default folder, its loaded columns and its layouts."""

    name: str
    folder: str
    data_columns: tuple
    layouts: tuple
    reads_json: bool = False  # a JSON document is the RingCentral call-log API response
    layout_column: str | None = None  # the column naming each row's layout
    hint: str = ""  # what a person can do when a file's header is not understood

    @property
    def headers(self):
        """The headers of the first (main) layout, as `Layout.headers`."""
        return self.layouts[0].headers

    @property
    def columns(self):
        """The main layout's columns, as `Layout.columns`."""
        return self.layouts[0].columns

    def detect(self, header):
        """The layout of a CSV file with `header` (a list of header names)."""
        keys = {header_key(name) for name in header if name}
        for layout in self.layouts:
            if keys & layout.signature:
                return layout
        return max(self.layouts, key=lambda layout: len(keys & layout.keyed.keys()))


# ---------- RingCentral call log

CALL_LOG_COLUMNS = (
    # the call-log API's record, flattened (the columns the project has always loaded)
    "call_id", "session_id", "start_time", "duration", "call_type", "direction", "action", "result",
    "from_phone_number", "from_name", "to_phone_number", "to_name",
    # which layout the row came in: api_json, api_csv or portal_csv
    "call_log_layout",
    # the admin portal / app download: its local date and time, as written
    "start_date", "start_clock",
    "result_description", "extension",
    # an internal party: the account's extension number, when a side is one
    "from_extension_number", "to_extension_number",
)

# The call-log API record (GET /restapi/v1.0/account/~/call-log), flattened as
# pandas.json_normalize writes it: `from.phoneNumber`, `to.name`, and so on.
RINGCENTRAL_API_CSV = Layout(
    name="api_csv",
    columns={
        "id": "call_id",
        "sessionId": "session_id",
        "startTime": "start_time",
        "duration": "duration",
        "type": "call_type",
        "direction": "direction",
        "action": "action",
        "result": "result",
        "from.phoneNumber": "from_phone_number",
        "from.name": "from_name",
        "from.extensionNumber": "from_extension_number",
        "to.phoneNumber": "to_phone_number",
        "to.name": "to_name",
        "to.extensionNumber": "to_extension_number",
    },
    required=("id", "startTime", "direction", "from.phoneNumber", "to.phoneNumber"),
    signature=frozenset({"starttime", "sessionid", "telephonysessionid", "fromphonenumber", "tophonenumber"}),
    row_required=("call_id", "start_time", "direction"),
    counterpart=("direction", "from_phone_number", "to_phone_number"),
    # the Detailed view's legs: one cell holding the whole list of the call's
    # legs (kilobytes), which says nothing about who called
    ignored=frozenset({"legs"}),
)

# The call log a person downloads from the admin portal or the RingCentral app
# (`CallLog_*.csv`). No official column list was found; the names are those
# public scripts read from such downloads (docs/ringcentral_call_log.md).
# `From` and `To` hold a number, `Name <number>`, a name and a number, or an
# extension; `@` columns are split by the loader (flat.py, portal_row).
RINGCENTRAL_PORTAL_CSV = Layout(
    name="portal_csv",
    columns={
        "Type": "call_type",
        "Direction": "direction",
        "From": "@from",
        "To": "@to",
        "Name": "@name",
        "Date": "start_date",
        "Time": "start_clock",
        "Action": "action",
        "Action Result": "result",
        "Result Description": "result_description",
        "Duration": "duration",
        "Extension": "extension",
    },
    aliases={
        "From Number": "@from",
        "To Number": "@to",
        "From Name": "from_name",
        "To Name": "to_name",
    },
    required=("Date", "Time", "Direction", "From", "To"),
    signature=frozenset({"date", "time", "actionresult", "resultdescription", "extension"}),
    row_required=("start_date", "start_clock", "direction"),
    counterpart=("direction", "@from", "@to"),
)

RINGCENTRAL_CALL_LOG = FlatSource(
    name="ringcentral_call_log",
    folder="ringcentral",
    data_columns=CALL_LOG_COLUMNS,
    layouts=(RINGCENTRAL_API_CSV, RINGCENTRAL_PORTAL_CSV),
    reads_json=True,
    layout_column="call_log_layout",
    hint=(
        "RingCentral call logs are read as downloaded from the admin portal or the app "
        "(CallLog_*.csv with Date, Time, Direction, From, To), as the call-log API response "
        "saved as JSON, or as API records flattened to CSV (id, startTime, direction, "
        "from.phoneNumber, to.phoneNumber)."
    ),
)

APP_USERS = FlatSource(
    name="app_users",
    folder="app/users",
    data_columns=("user_id", "email", "phone", "created_at"),
    layouts=(
        Layout(
            name="app_users",
            columns={"user_id": "user_id", "email": "email", "phone": "phone", "created_at": "created_at"},
            required=("user_id", "email", "phone", "created_at"),
            # the user's anchor and its first-seen time; an email or phone can be dropped
            row_required=("user_id", "created_at"),
        ),
    ),
)

OFFLINE_TOUCHES = FlatSource(
    name="offline_touches",
    folder="offline/touches",
    data_columns=(
        "touch_id", "source", "event_type", "occurred_at", "email", "phone", "full_name", "properties",
    ),
    layouts=(
        Layout(
            name="offline_touches",
            columns={
                "touch_id": "touch_id",
                "source": "source",
                "event_type": "event_type",
                "occurred_at": "occurred_at",
                "email": "email",
                "phone": "phone",
                "full_name": "full_name",
                "properties": "properties",
            },
            required=(
                "touch_id", "source", "event_type", "occurred_at", "email", "phone", "full_name",
                "properties",
            ),
            # what the touch is and when; any one identifier, the name or the properties can be dropped
            row_required=("touch_id", "source", "event_type", "occurred_at"),
        ),
    ),
)

FLAT_SOURCES = {source.name: source for source in (RINGCENTRAL_CALL_LOG, APP_USERS, OFFLINE_TOUCHES)}
LAYOUTS = FLAT_SOURCES  # the name the loaders and scripts have always used


def registry_flat_source(source):
    """The FlatSource of a registry entry whose loader is `flat` (registry.Source).

    Its one layout is the entry's `columns` (header as exported -> loaded
    column), every header required; `required_columns` (default: all the
    loaded columns) are those a row cannot be used without.
    """
    columns = dict(source.columns)
    data_columns = tuple(dict.fromkeys(columns.values()))
    required = source.required_columns
    return FlatSource(
        name=source.name,
        folder=source.folder,
        data_columns=data_columns,
        layouts=(
            Layout(
                name=source.name,
                columns=columns,
                required=tuple(columns),
                row_required=tuple(data_columns if required is None else required),
            ),
        ),
    )


def flat_source(source):
    """The FlatSource a loader reads: given itself, or by its name in FLAT_SOURCES."""
    return source if isinstance(source, FlatSource) else FLAT_SOURCES[source]
