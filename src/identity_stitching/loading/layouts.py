"""The column layouts of the flat (single-table) exports, as their vendors write them.

Each layout maps the header a file carries to the column name staging uses.
Columns a file has beyond these are kept, as JSON, in `extra_columns`.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Layout:
    """A flat export: where its files live and which header it must have."""

    name: str
    folder: str
    columns: dict  # header as exported -> column name in the loaded table

    @property
    def headers(self):
        return list(self.columns)


RINGCENTRAL_CALL_LOG = Layout(
    name="ringcentral_call_log",
    folder="ringcentral/call_log",
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
        "to.phoneNumber": "to_phone_number",
        "to.name": "to_name",
    },
)

APP_USERS = Layout(
    name="app_users",
    folder="app/users",
    columns={
        "user_id": "user_id",
        "email": "email",
        "phone": "phone",
        "created_at": "created_at",
    },
)

OFFLINE_TOUCHES = Layout(
    name="offline_touches",
    folder="offline/touches",
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
)

LAYOUTS = {
    layout.name: layout for layout in (RINGCENTRAL_CALL_LOG, APP_USERS, OFFLINE_TOUCHES)
}
