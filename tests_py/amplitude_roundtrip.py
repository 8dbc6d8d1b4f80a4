"""Send export rows through Amplitude's official Python SDK to the loopback server.

Typical use::

    rows = load_export_rows("target/identity.duckdb", "export_amplitude__events")
    result = send_rows(rows, "events")          # type-checks, builds SDK objects, sends, waits
    assert_roundtrip(rows, result)              # every row accepted (2xx) and received unchanged

Why the pre-check: ``amplitude-analytics`` 1.3.0 does not coerce anything. A mistyped field
(``time`` as str/float, ``user_id`` as int, a list holding ``None`` inside properties, a
string longer than 1024 characters, ...) is silently dropped, replaced (``time`` becomes
*now*) or truncated, and the event may still be accepted. :func:`check_rows` refuses such rows
before any SDK object is built and names the row and the field.

Value rules that Amplitude's servers enforce (id length, invalid ids, 13-digit ms times,
user-property operations only on ``$identify``, ...) are left to the loopback server, so a
bad export shows up as a 400 callback in :func:`assert_roundtrip`.
"""

from __future__ import annotations

import gzip
import json
import math
import time as _time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from amplitude import Amplitude, BaseEvent, Config, EventOptions, Identify
from amplitude.event import EVENT_KEY_MAPPING
from amplitude.storage import InMemoryStorage, InMemoryStorageProvider

from amplitude_loopback import IDENTIFY_EVENT_TYPE, AmplitudeLoopbackServer

SDK_LIBRARY_KEY = "library"
MAX_STRING_LENGTH = 1024  # amplitude.constants.MAX_STRING_LENGTH: longer strings are truncated
MAX_PROPERTY_KEYS = 1024  # amplitude.constants.MAX_PROPERTY_KEYS: bigger objects become {}
KINDS = ("events", "identifies")

CORE_KEYS = ("insert_id", "event_type", "user_id", "device_id", "time", "event_properties", "user_properties")

# Other HTTP V2 keys the SDK can carry: API name -> (SDK attribute, required Python type).
_EXTRA_KEYS: dict[str, tuple[str, type]] = {
    api_name: (sdk_name, sdk_type)
    for sdk_name, (api_name, sdk_type) in EVENT_KEY_MAPPING.items()
    if api_name not in CORE_KEYS and api_name not in ("library", "plan", "ingestion_metadata")
}
# Keys that EventOptions (used for $identify rows) does not accept as constructor arguments.
_NOT_EVENT_OPTIONS = {"groups", "group_properties"}

# user_properties operation -> Identify method name (Python SDK 1.3.0).
IDENTIFY_OPERATIONS = {
    "$set": "set",
    "$setOnce": "set_once",
    "$add": "add",
    "$append": "append",
    "$prepend": "prepend",
    "$preInsert": "pre_insert",
    "$postInsert": "post_insert",
    "$remove": "remove",
    "$unset": "unset",
    "$clearAll": "clear_all",
}


class RowCheckError(ValueError):
    """A row would be altered or dropped by the SDK. Carries the row and the field."""

    def __init__(self, index: int, row: Any, field_name: str, reason: str) -> None:
        self.index = index
        self.row = row
        self.field = field_name
        self.reason = reason
        super().__init__(f"row {index}: field {field_name!r}: {reason}\n  row = {_short_repr(row)}")


def _short_repr(value: Any, limit: int = 600) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "...)"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# ----------------------------------------------------------------------------------------
# pre-check
# ----------------------------------------------------------------------------------------
def _property_problem(value: Any, path: str) -> tuple[str, str] | None:
    """First (path, reason) inside a property value that the SDK would drop or change."""
    if value is None:
        return path, "null value (the SDK removes top-level nulls; do not export nulls inside properties)"
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return path, f"non-finite float {value!r} is not valid JSON"
        return None
    if isinstance(value, str):
        if len(value) > MAX_STRING_LENGTH:
            return path, f"string of {len(value)} characters (> {MAX_STRING_LENGTH}; the SDK truncates it)"
        return None
    if isinstance(value, dict):
        return _object_problem(value, path)
    if isinstance(value, list):
        for i, element in enumerate(value):
            element_path = f"{path}[{i}]"
            if element is None:
                return element_path, "null inside a list (the SDK drops the whole properties object)"
            if isinstance(element, list):
                return element_path, "list nested in a list (the SDK drops the whole properties object)"
            problem = _property_problem(element, element_path)
            if problem:
                return problem
        return None
    return path, f"unsupported type {type(value).__name__} (the SDK drops the whole properties object)"


def _object_problem(obj: dict, path: str) -> tuple[str, str] | None:
    if len(obj) > MAX_PROPERTY_KEYS:
        return path, f"object with {len(obj)} keys (> {MAX_PROPERTY_KEYS}; the SDK replaces it with {{}})"
    for key, value in obj.items():
        if not isinstance(key, str):
            return path, f"non-string key {key!r} (the SDK drops the whole properties object)"
        if len(key) > MAX_STRING_LENGTH:
            return path, f"key of {len(key)} characters (> {MAX_STRING_LENGTH})"
        problem = _property_problem(value, f"{path}.{key}")
        if problem:
            return problem
    return None


def _identify_problem(user_properties: dict) -> tuple[str, str] | None:
    """Why user_properties of a $identify row cannot be expressed exactly with an Identify."""
    if not user_properties:
        return "user_properties", "empty (the SDK sends nothing for an empty Identify)"
    seen: dict[str, str] = {}
    for operation, value in user_properties.items():
        path = f"user_properties.{operation}"
        if operation not in IDENTIFY_OPERATIONS:
            return path, (
                "not a user-property operation; a $identify row must hold only operations "
                f"{sorted(IDENTIFY_OPERATIONS)} (put plain properties under $set)"
            )
        if operation == "$clearAll":
            if value != "-" or len(user_properties) != 1:
                return path, "$clearAll must be the only operation and have the value '-'"
            continue
        if not isinstance(value, dict) or not value:
            return path, "an operation must be a non-empty object (the SDK omits empty ones)"
        for key, item in value.items():
            item_path = f"{path}.{key}"
            if key in seen:
                return item_path, f"key also used under {seen[key]} (the SDK keeps only the first use)"
            seen[key] = operation
            if operation == "$unset" and item != "-":
                return item_path, "$unset values must be '-' (the SDK always sends '-')"
            if operation == "$add" and (isinstance(item, bool) or not isinstance(item, (int, float))):
                return item_path, "$add values must be numbers (the SDK drops others)"
        problem = _object_problem(value, path)
        if problem:
            return problem
    return None


def check_row(row: Any, kind: str, index: int = 0) -> None:
    """Raise RowCheckError if the SDK would not carry this row unchanged."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")

    def fail(field_name: str, reason: str) -> None:
        raise RowCheckError(index, row, field_name, reason)

    if not isinstance(row, dict):
        fail("<row>", f"row must be a dict, got {type(row).__name__}")
    for key in row:
        if key not in CORE_KEYS and key not in _EXTRA_KEYS:
            fail(key, "not an HTTP V2 event key the SDK can send (nest extra attributes in event_properties)")

    event_type = row.get("event_type")
    if not isinstance(event_type, str) or not event_type:
        fail("event_type", f"must be a non-empty str, got {event_type!r}")
    insert_id = row.get("insert_id")
    if not isinstance(insert_id, str) or not insert_id:
        fail("insert_id", f"must be a non-empty str (the SDK invents a uuid otherwise), got {insert_id!r}")
    if len(insert_id) > MAX_STRING_LENGTH:
        fail("insert_id", f"{len(insert_id)} characters (> {MAX_STRING_LENGTH}; the SDK truncates it)")
    time_value = row.get("time")
    if not _is_int(time_value):
        fail("time", f"must be an int of epoch milliseconds (the SDK replaces others with now), got {time_value!r}")
    for key in ("user_id", "device_id"):
        value = row.get(key)
        if value is not None and not isinstance(value, str):
            fail(key, f"must be str or null (the SDK drops other types), got {type(value).__name__} {value!r}")
        if isinstance(value, str) and len(value) > MAX_STRING_LENGTH:
            fail(key, f"{len(value)} characters (> {MAX_STRING_LENGTH}; the SDK truncates it)")
    if not row.get("user_id") and not row.get("device_id"):
        fail("user_id/device_id", "neither user_id nor device_id is set (the SDK silently drops the event)")
    if kind == "identifies":
        for key in ("user_id", "device_id"):
            if not row.get(key):
                fail(key, "identify rows link a device to a user and need both user_id and device_id")

    for key in ("event_properties", "user_properties"):
        value = row.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            fail(key, f"must be a dict (parsed JSON object), got {type(value).__name__}")
        problem = _object_problem(value, key)
        if problem:
            fail(*problem)
    if event_type == IDENTIFY_EVENT_TYPE:
        user_properties = row.get("user_properties")
        if not isinstance(user_properties, dict):
            fail("user_properties", "a $identify row needs a user_properties object of operations")
        problem = _identify_problem(user_properties)
        if problem:
            fail(*problem)
        for key in _NOT_EVENT_OPTIONS:
            if row.get(key) is not None:
                fail(key, "cannot be sent on a $identify row through Identify + EventOptions")
    elif kind == "identifies" and not row.get("user_properties"):
        fail("user_properties", "a named identify event needs a non-empty user_properties object")

    for key, (_, sdk_type) in _EXTRA_KEYS.items():
        value = row.get(key)
        if value is None:
            continue
        if sdk_type is int and not _is_int(value) or not isinstance(value, sdk_type):
            fail(key, f"must be {sdk_type.__name__} (the SDK drops others), got {type(value).__name__}")
        if isinstance(value, str) and len(value) > MAX_STRING_LENGTH:
            fail(key, f"{len(value)} characters (> {MAX_STRING_LENGTH}; the SDK truncates it)")
        if isinstance(value, dict):
            problem = _object_problem(value, key)
            if problem:
                fail(*problem)


def check_rows(rows: Sequence[Any], kind: str) -> None:
    """check_row on every row, plus: insert_id unique (Amplitude deduplicates repeats)."""
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        check_row(row, kind, index)
        insert_id = row["insert_id"]
        if insert_id in seen:
            raise RowCheckError(
                index, row, "insert_id", f"duplicate of row {seen[insert_id]} (Amplitude would drop one of them)"
            )
        seen[insert_id] = index


# ----------------------------------------------------------------------------------------
# SDK objects
# ----------------------------------------------------------------------------------------
def _extras(row: dict, *, for_event_options: bool) -> dict:
    out = {}
    for key, (sdk_name, _) in _EXTRA_KEYS.items():
        if row.get(key) is None:
            continue
        if for_event_options and key in _NOT_EVENT_OPTIONS:
            continue
        out[sdk_name] = row[key]
    return out


def build_identify(user_properties: dict) -> Identify:
    """Identify holding exactly the operations of a $identify row's user_properties."""
    identify = Identify()
    for operation, values in user_properties.items():
        method = IDENTIFY_OPERATIONS[operation]
        if operation == "$clearAll":
            identify.clear_all()
            continue
        for key, value in values.items():
            if operation == "$unset":
                identify.unset(key)
            else:
                getattr(identify, method)(key, value)
    return identify


def build_event(row: dict) -> BaseEvent:
    """BaseEvent for a non-$identify row (events, and named identify events)."""
    return BaseEvent(
        row["event_type"],
        user_id=row.get("user_id"),
        device_id=row.get("device_id"),
        time=row["time"],
        insert_id=row["insert_id"],
        event_properties=row.get("event_properties"),
        user_properties=row.get("user_properties"),
        **_extras(row, for_event_options=False),
    )


def build_identify_options(row: dict) -> EventOptions:
    return EventOptions(
        user_id=row.get("user_id"),
        device_id=row.get("device_id"),
        time=row["time"],
        insert_id=row["insert_id"],
        **_extras(row, for_event_options=True),
    )


# ----------------------------------------------------------------------------------------
# sending
# ----------------------------------------------------------------------------------------
class _RememberingStorageProvider(InMemoryStorageProvider):
    """The SDK's in-memory storage, remembered so its consumer thread can be woken at the end.

    The SDK's consumer thread is not a daemon and sleeps up to ``flush_interval_millis`` on the
    storage condition; without a wake-up the interpreter would wait for it at exit."""

    def __init__(self) -> None:
        self.storages: list[InMemoryStorage] = []

    def get_storage(self) -> InMemoryStorage:
        storage = InMemoryStorage()
        self.storages.append(storage)
        return storage

    def wake_all(self) -> None:
        for storage in self.storages:
            with storage.lock:
                storage.lock.notify_all()


@dataclass
class RoundTrip:
    """What one send_rows call produced."""

    events: list[dict]  # accepted payload events, exactly as the server received them
    callbacks: list[tuple[str, int, str]]  # (insert_id, code, message) per SDK callback
    requests: list = field(default_factory=list)  # amplitude_loopback.RequestRecord per request
    seconds: float = 0.0


def send_rows(
    rows: Sequence[dict],
    kind: str,
    *,
    use_batch: bool = True,
    flush_queue_size: int = 1000,
    min_id_length: int = 5,
    server: AmplitudeLoopbackServer | None = None,
    timeout: float = 60.0,
    flush_interval_millis: int = 200,
    api_key: str = "loopback_test_key",
) -> RoundTrip:
    """Type-check rows, send them with amplitude-analytics to a loopback server, wait for callbacks.

    ``kind`` is "events" or "identifies". ``$identify`` rows go through
    ``client.identify(Identify, EventOptions, event_properties)``; every other row through
    ``client.track(BaseEvent)``. Returns once every row got a callback (or ``timeout`` passed).
    """
    start = _time.monotonic()
    check_rows(rows, kind)
    own_server = server is None
    if own_server:
        server = AmplitudeLoopbackServer().start()
    assert server is not None
    events_before = len(server.snapshot()[0])
    requests_before = len(server.snapshot()[1])
    callbacks: list[tuple[str, int, str]] = []

    def on_callback(event: Any, code: int, message: str) -> None:
        callbacks.append((event.insert_id, code, message))  # list.append is thread-safe

    storage_provider = _RememberingStorageProvider()
    config = Config(
        server_url=server.batch_url if use_batch else server.http_v2_url,
        use_batch=use_batch,
        min_id_length=min_id_length,
        flush_queue_size=flush_queue_size,
        flush_interval_millis=flush_interval_millis,
        callback=on_callback,
        storage_provider=storage_provider,
    )
    client = Amplitude(api_key, config)
    try:
        for row in rows:
            if row["event_type"] == IDENTIFY_EVENT_TYPE:
                client.identify(
                    build_identify(row["user_properties"]),
                    build_identify_options(row),
                    event_properties=row.get("event_properties"),
                )
            else:
                client.track(build_event(row))
        expected = {row["insert_id"] for row in rows}
        deadline = _time.monotonic() + timeout
        for future in client.flush():
            if future is not None:
                future.result(timeout=timeout)
        while _time.monotonic() < deadline:
            if expected <= {insert_id for insert_id, _, _ in list(callbacks)}:
                break
            _time.sleep(0.05)
            client.flush()
    finally:
        client.shutdown()
        storage_provider.wake_all()
        all_events, all_requests = server.snapshot()
        if own_server:
            server.stop()
    return RoundTrip(
        events=all_events[events_before:],
        callbacks=list(callbacks),
        requests=all_requests[requests_before:],
        seconds=_time.monotonic() - start,
    )


# ----------------------------------------------------------------------------------------
# comparison
# ----------------------------------------------------------------------------------------
def api_view(row: dict) -> dict:
    """The row as an HTTP V2 event: without update_time_column and without null keys."""
    return {k: v for k, v in row.items() if k != "update_time_column" and v is not None}


def diff_values(expected: Any, got: Any, path: str = "") -> list[str]:
    """Human-readable differences between two JSON-like values (type-sensitive)."""
    if isinstance(expected, dict) and isinstance(got, dict):
        lines = []
        for key in sorted(set(expected) | set(got), key=str):
            sub = f"{path}.{key}" if path else str(key)
            if key not in got:
                lines.append(f"  {sub}: missing in received event (expected {expected[key]!r})")
            elif key not in expected:
                lines.append(f"  {sub}: unexpected in received event ({got[key]!r})")
            else:
                lines.extend(diff_values(expected[key], got[key], sub))
        return lines
    if isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        lines = []
        for i, (a, b) in enumerate(zip(expected, got)):
            lines.extend(diff_values(a, b, f"{path}[{i}]"))
        return lines
    if type(expected) is not type(got) or expected != got:
        return [f"  {path}: expected {expected!r} ({type(expected).__name__}), received {got!r} ({type(got).__name__})"]
    return []


def roundtrip_problems(rows: Sequence[dict], result: RoundTrip) -> list[str]:
    """Every way in which result differs from 'each row accepted once, unchanged, with a 2xx callback'."""
    problems: list[str] = []
    received: dict[str, list[dict]] = {}
    for event in result.events:
        received.setdefault(event.get("insert_id"), []).append(event)
    codes: dict[str, list[tuple[int, str]]] = {}
    for insert_id, code, message in result.callbacks:
        codes.setdefault(insert_id, []).append((code, message))

    refusals: dict[str, list[str]] = {}
    for request in result.requests:
        for reason in (request.response or {}).get("reasons", []):
            details = {k: v for k, v in reason.items() if k not in ("index", "insert_id")}
            refusals.setdefault(reason.get("insert_id"), []).append(
                f"HTTP {request.status} {request.response.get('error')!r}: {details}"
            )

    row_ids = set()
    for index, row in enumerate(rows):
        expected = api_view(row)
        insert_id = expected.get("insert_id")
        row_ids.add(insert_id)
        got_codes = codes.get(insert_id, [])
        if not got_codes:
            problems.append(f"row {index} insert_id={insert_id!r}: no SDK callback (event dropped by the SDK?)")
        elif len(got_codes) != 1 or not 200 <= got_codes[0][0] < 300:
            why = "".join(f"\n    server: {text}" for text in refusals.get(insert_id, []))
            problems.append(f"row {index} insert_id={insert_id!r}: callbacks {got_codes} (expected one 2xx){why}")
        events = received.get(insert_id, [])
        if len(events) != 1:
            problems.append(f"row {index} insert_id={insert_id!r}: received {len(events)} times (expected once)")
            if not events:
                continue
        got = dict(events[0])
        library = got.pop(SDK_LIBRARY_KEY, None)
        if not (isinstance(library, str) and library.startswith("amplitude-python/")):
            problems.append(f"row {index} insert_id={insert_id!r}: library={library!r}, not sent by the Python SDK")
        diff = diff_values(expected, got)
        if diff:
            problems.append(f"row {index} insert_id={insert_id!r} differs after the round trip:\n" + "\n".join(diff))
    for insert_id in received:
        if insert_id not in row_ids:
            problems.append(f"received an event that matches no row: insert_id={insert_id!r}")
    return problems


def assert_roundtrip(rows: Sequence[dict], result: RoundTrip, max_shown: int = 20) -> None:
    """Assert every row got exactly one 2xx callback and was received once, equal on every key."""
    problems = roundtrip_problems(rows, result)
    if problems:
        shown = "\n".join(problems[:max_shown])
        more = f"\n... and {len(problems) - max_shown} more" if len(problems) > max_shown else ""
        raise AssertionError(f"{len(problems)} round-trip problem(s) for {len(rows)} rows:\n{shown}{more}")


# ----------------------------------------------------------------------------------------
# readers
# ----------------------------------------------------------------------------------------
def resolve_relation(con: Any, relation: str) -> str:
    """Quoted, schema-qualified name of relation (bare name looked up in every schema)."""
    if "." in relation:
        schema, name = relation.rsplit(".", 1)
        found = con.execute(
            "select table_schema, table_name from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchall()
    else:
        found = con.execute(
            "select table_schema, table_name from information_schema.tables where table_name = ?", [relation]
        ).fetchall()
    if not found:
        raise LookupError(f"relation {relation!r} not found in the DuckDB database")
    if len(found) > 1:
        raise LookupError(f"relation {relation!r} is ambiguous: {found}")
    schema, name = found[0]
    return '"{}"."{}"'.format(schema.replace('"', '""'), name.replace('"', '""'))


def relation_columns(duckdb_path: str | Path, relation: str) -> dict[str, str]:
    """{column: DuckDB type} of relation, in order."""
    import duckdb

    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        qualified = resolve_relation(con, relation)
        return {name: col_type for name, col_type, *_ in con.execute(f"describe {qualified}").fetchall()}
    finally:
        con.close()


def load_export_rows(duckdb_path: str | Path, relation: str, *, drop_nulls: bool = True) -> list[dict]:
    """Rows of an export relation as HTTP V2 events (JSON columns parsed, update_time_column
    dropped, null keys dropped), ordered by insert_id. Opens the database read-only and closes it."""
    import duckdb

    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        qualified = resolve_relation(con, relation)
        columns = con.execute(f"describe {qualified}").fetchall()
        json_columns = {name for name, col_type, *_ in columns if col_type.upper() == "JSON"}
        order = " order by insert_id" if any(c[0] == "insert_id" for c in columns) else ""
        cursor = con.execute(f"select * from {qualified}{order}")
        names = [d[0] for d in cursor.description]
        raw = cursor.fetchall()
    finally:
        con.close()
    rows = []
    for values in raw:
        row = {}
        for name, value in zip(names, values):
            if name == "update_time_column":
                continue
            if name in json_columns and isinstance(value, str):
                value = json.loads(value)
            if value is None and drop_nulls:
                continue
            row[name] = value
        rows.append(row)
    rows.sort(key=lambda r: str(r.get("insert_id")))
    return rows


def load_export_file_rows(folder: str | Path, *, drop_nulls: bool = True) -> list[dict]:
    """Objects of every ``*.json.gz`` NDJSON file in folder (not recursive), ordered by insert_id.

    Each non-empty line must be one JSON object. With ``drop_nulls`` null-valued keys are removed
    (use ``drop_nulls=False`` to check that the files omit them themselves)."""
    rows = []
    for path in sorted(Path(folder).glob("*.json.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line_number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError(f"{path}:{line_number}: not a JSON object: {line[:200]!r}")
                if drop_nulls:
                    obj = {k: v for k, v in obj.items() if v is not None}
                rows.append(obj)
    rows.sort(key=lambda r: str(r.get("insert_id")))
    return rows
