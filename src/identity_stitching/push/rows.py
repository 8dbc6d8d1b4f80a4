"""An export row (the HTTP V2 keys of export_amplitude__*) as an event of the Python SDK.

`amplitude-analytics` coerces nothing: a row reaches it already typed by the
export contract (time a BIGINT, ids strings, properties JSON objects). A
`$identify` row goes through `Identify` (the SDK's own identify event, whose
user_properties operations it checks); any other row is a `BaseEvent`.
"""

import json

from amplitude import BaseEvent, EventOptions, Identify

IDENTIFY_EVENT_TYPE = "$identify"
COLUMNS = ("insert_id", "event_type", "user_id", "device_id", "time", "event_properties", "user_properties")

# user_properties operation of a $identify row -> the Identify method that writes it
IDENTIFY_METHODS = {
    "$set": "set",
    "$setOnce": "set_once",
    "$add": "add",
    "$append": "append",
    "$prepend": "prepend",
    "$preInsert": "pre_insert",
    "$postInsert": "post_insert",
    "$remove": "remove",
}


def _object(value):
    """A JSON column as a dict (DuckDB returns JSON as text), or None."""
    if value is None or isinstance(value, dict):
        return value
    return json.loads(value)


def identify_of(user_properties):
    identify = Identify()
    for operation, values in (user_properties or {}).items():
        if operation == "$clearAll":
            identify.clear_all()
        elif operation == "$unset":
            for key in values:
                identify.unset(key)
        elif operation in IDENTIFY_METHODS:
            for key, value in values.items():
                getattr(identify, IDENTIFY_METHODS[operation])(key, value)
        else:
            raise ValueError(f"user_properties operation {operation!r} has no Identify method")
    return identify


def send_row(client, row):
    """Hand one export row (a dict of COLUMNS) to the SDK client."""
    event_properties = _object(row.get("event_properties"))
    user_properties = _object(row.get("user_properties"))
    if row["event_type"] == IDENTIFY_EVENT_TYPE:
        options = EventOptions(
            user_id=row.get("user_id"), device_id=row.get("device_id"), time=row["time"], insert_id=row["insert_id"]
        )
        client.identify(identify_of(user_properties), options, event_properties=event_properties)
    else:
        client.track(
            BaseEvent(
                row["event_type"],
                user_id=row.get("user_id"),
                device_id=row.get("device_id"),
                time=row["time"],
                insert_id=row["insert_id"],
                event_properties=event_properties,
                user_properties=user_properties,
            )
        )


def payload_size(row):
    """About the bytes a row adds to a request body (to cut batches under the API's size limit)."""
    return len(json.dumps({k: row.get(k) for k in COLUMNS}, default=str)) + 64
