"""Loopback HTTP server that applies Amplitude's documented HTTP V2 / Batch rules.

The server binds to 127.0.0.1 on a free port, runs in a background thread and answers the
way Amplitude's ingestion endpoints are documented to answer (HTTP V2 API,
https://amplitude.com/docs/apis/analytics/http-v2, and Batch Event Upload API,
https://amplitude.com/docs/apis/analytics/batch-event-upload):

* ``POST /2/httpapi`` (HTTP V2, body < 1 MB) and ``POST /batch`` (Batch, body < 20 MB);
* 200 ``{"code": 200, "events_ingested": n, "payload_size_bytes": b, "server_upload_time": ms}``;
* 400 with ``error`` plus ``missing_field`` (request level) or ``events_with_invalid_fields`` /
  ``events_with_missing_fields`` / ``events_with_invalid_id_lengths`` (``{field: [indexes]}``);
* 413 ``{"code": 413, "error": "Payload too large"}`` for too many events or too many bytes.

A request is all or nothing: when any event is invalid, nothing is ingested (the SDK then
re-sends the events whose index was not reported). Every event of an accepted request is
recorded exactly as received (parsed JSON, untouched) in ``server.accepted_events``; every
request, accepted or not, is logged in ``server.requests``. ``server.ingested`` keeps each
accepted insert_id once, as Amplitude does (it drops a repeated insert_id within 7 days), and
``server.duplicates`` counts the repeats it dropped.

Faults for the push's tests: ``server.inject(Fault(...), ...)`` queues answers that the next
requests get instead of the rules above (429 with Retry-After, 5xx, 413, or an answer that comes
after the client gave up, with or without ingesting the events); ``server.delay`` slows every
answer (a long push to kill).

Rules that Amplitude documents as a silent fix-up (strings longer than 1024 characters are
truncated, too-short ids are removed) are turned into 400 errors here on purpose: an export
row that would be altered on ingestion must fail the test.
"""

from __future__ import annotations

import json
import threading
import time as _time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HTTP_V2_PATH = "/2/httpapi"
BATCH_PATH = "/batch"

# Request body limits. Documented as "< 1 MB" (HTTP V2) and "20 MB" (Batch); decimal megabytes
# are used because they are the stricter reading.
MAX_BODY_BYTES = {HTTP_V2_PATH: 1_000_000, BATCH_PATH: 20_000_000}
MAX_EVENTS_PER_REQUEST = 2000
MAX_STRING_LENGTH = 1024
MAX_ID_LENGTH = 1024
DEFAULT_MIN_ID_LENGTH = 5
MAX_PROPERTY_DEPTH = 40

# Section 3.2: event types reserved by Amplitude.
RESERVED_EVENT_TYPES = frozenset(
    {
        "[amplitude] start session",
        "[amplitude] end session",
        "[amplitude] revenue",
        "[amplitude] revenue (verified)",
        "[amplitude] revenue (unverified)",
        "[amplitude] merged user",
    }
)

# Section 3.4: "Invalid IDs that result in a 400 error", compared case-insensitively. The
# published entry rendered as `""""` is ambiguous, so both the empty string and the
# two-character string `""` are rejected.
INVALID_IDS = frozenset(
    {
        "anonymous",
        "nil",
        "none",
        "null",
        "n/a",
        "na",
        "undefined",
        "unknown",
        '""',
        "",
        "00000000-0000-0000-0000-000000000000",
        "{}",
        "lmy47d",
        "0",
        "-1",
    }
)

# Section 4.1: user property operations (plus `$clearAll`, emitted by the Python SDK).
USER_PROPERTY_OPERATIONS = frozenset(
    {
        "$set",
        "$setOnce",
        "$add",
        "$append",
        "$prepend",
        "$unset",
        "$preInsert",
        "$postInsert",
        "$remove",
        "$clearAll",
    }
)

IDENTIFY_EVENT_TYPE = "$identify"

# Event keys with a documented scalar type (section 3.2). `time` is handled separately.
_STRING_KEYS = frozenset(
    {
        "user_id",
        "device_id",
        "event_type",
        "insert_id",
        "app_version",
        "platform",
        "os_name",
        "os_version",
        "device_brand",
        "device_manufacturer",
        "device_model",
        "carrier",
        "country",
        "region",
        "city",
        "dma",
        "language",
        "productId",
        "revenueType",
        "currency",
        "ip",
        "idfa",
        "idfv",
        "adid",
        "android_id",
        "android_app_set_id",
        "library",
        "partner_id",
        "user_agent",
        "version_name",
    }
)
_INTEGER_KEYS = frozenset({"quantity", "event_id", "session_id"})
_NUMBER_KEYS = frozenset({"price", "revenue", "location_lat", "location_lng"})
_OBJECT_KEYS = frozenset(
    {"event_properties", "user_properties", "groups", "group_properties", "plan", "ingestion_metadata"}
)

# 13-digit millisecond timestamps: 2001-09-09T01:46:40Z <= time < 2286-11-20T17:46:40Z.
MIN_TIME_MS = 10**12
MAX_TIME_MS = 10**13


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _longest_string(value: Any) -> int:
    """Length of the longest string (value or object key) anywhere inside value."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return max(
            [len(k) if isinstance(k, str) else 0 for k in value] + [_longest_string(v) for v in value.values()],
            default=0,
        )
    if isinstance(value, list):
        return max((_longest_string(v) for v in value), default=0)
    return 0


def _user_properties_problem(event_type: Any, user_properties: dict) -> str | None:
    """Why user_properties is invalid for this event type, or None."""
    operations = [k for k in user_properties if k in USER_PROPERTY_OPERATIONS]
    if not operations:
        return None
    if event_type != IDENTIFY_EVENT_TYPE:
        return f"user property operations {sorted(operations)} are only allowed on $identify events"
    if len(operations) != len(user_properties):
        return "operations and plain properties cannot be mixed in one user_properties object"
    for operation in operations:
        value = user_properties[operation]
        if operation == "$clearAll":
            if value != "-":
                return "$clearAll must have the value '-'"
            continue
        if not isinstance(value, dict):
            return f"{operation} must be an object"
        if operation == "$add" and not all(_is_number(v) for v in value.values()):
            return "$add values must be numbers"
        if operation == "$unset" and not all(v == "-" for v in value.values()):
            return "$unset values must be '-'"
    return None


def check_event(event: Any, min_id_length: int) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Validate one event.

    Returns three dicts ``{field: reason}``: missing fields, invalid fields, invalid id lengths.
    """
    missing: dict[str, str] = {}
    invalid: dict[str, str] = {}
    id_lengths: dict[str, str] = {}
    if not isinstance(event, dict):
        invalid["event"] = "event is not a JSON object"
        return missing, invalid, id_lengths

    event_type = event.get("event_type")
    if event_type is None:
        missing["event_type"] = "event_type is required"
    elif not isinstance(event_type, str) or not event_type.strip():
        invalid["event_type"] = "event_type must be a non-empty string"
    elif event_type.strip().lower() in RESERVED_EVENT_TYPES:
        invalid["event_type"] = f"event_type {event_type!r} is reserved by Amplitude"

    present_ids = [k for k in ("user_id", "device_id") if event.get(k) is not None]
    if not present_ids:
        missing["user_id"] = "user_id or device_id is required"
    for key in present_ids:
        value = event[key]
        if not isinstance(value, str):
            invalid[key] = f"{key} must be a string, got {type(value).__name__}"
        elif value.strip().lower() in INVALID_IDS:
            invalid[key] = f"{key} {value!r} is in Amplitude's invalid-id list"
        elif key == "device_id" and set(value.replace("-", "")) == {"0"}:
            invalid[key] = "all-zero device_id"
        elif len(value) < min_id_length or len(value) > MAX_ID_LENGTH:
            id_lengths[key] = f"{key} length {len(value)} outside [{min_id_length}, {MAX_ID_LENGTH}]"

    if "time" in event and event["time"] is not None:
        value = event["time"]
        if not _is_int(value):
            invalid["time"] = f"time must be an integer number of milliseconds, got {type(value).__name__}"
        elif not MIN_TIME_MS <= value < MAX_TIME_MS:
            invalid["time"] = f"time {value} is not a 13-digit millisecond timestamp"

    for key, value in event.items():
        if value is None or key in invalid or key in id_lengths or key == "time":
            continue
        if key in _STRING_KEYS and not isinstance(value, str):
            invalid[key] = f"{key} must be a string, got {type(value).__name__}"
        elif key in _INTEGER_KEYS and not _is_int(value):
            invalid[key] = f"{key} must be an integer, got {type(value).__name__}"
        elif key in _NUMBER_KEYS and not _is_number(value):
            invalid[key] = f"{key} must be a number, got {type(value).__name__}"
        elif key in _OBJECT_KEYS and not isinstance(value, dict):
            invalid[key] = f"{key} must be a JSON object, got {type(value).__name__}"
        elif key in _OBJECT_KEYS and _depth(value) > MAX_PROPERTY_DEPTH:
            invalid[key] = f"{key} is nested deeper than {MAX_PROPERTY_DEPTH}"
        elif _longest_string(value) > MAX_STRING_LENGTH:
            invalid[key] = f"{key} holds a string longer than {MAX_STRING_LENGTH} characters"
        elif key == "user_properties":
            problem = _user_properties_problem(event.get("event_type"), value)
            if problem:
                invalid[key] = problem
    return missing, invalid, id_lengths


@dataclass
class Answer:
    status: int
    body: dict
    events: list = field(default_factory=list)


def _error(status: int, error: str, **extra: Any) -> Answer:
    return Answer(status, {"code": status, "error": error, **extra})


def evaluate_request(path: str, content_type: str | None, body: bytes) -> Answer:
    """Apply the documented request and event rules to one request. Pure function."""
    if path not in MAX_BODY_BYTES:
        return _error(400, "Invalid request path")
    if not body:
        return _error(400, "Missing request body")
    if len(body) >= MAX_BODY_BYTES[path]:
        return _error(413, "Payload too large")
    if not content_type or content_type.split(";")[0].strip().lower() != "application/json":
        return _error(400, "Invalid JSON request body", detail="Content-Type must be application/json")
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _error(400, "Invalid JSON request body")
    if not isinstance(payload, dict):
        return _error(400, "Invalid JSON request body")
    api_key = payload.get("api_key")
    if not isinstance(api_key, str) or not api_key:
        return _error(400, "Request missing required field", missing_field="api_key")
    events = payload.get("events")
    if events is None:
        return _error(400, "Request missing required field", missing_field="events")
    if not isinstance(events, list) or not events:
        return _error(400, "Invalid event JSON")
    if len(events) > MAX_EVENTS_PER_REQUEST:
        return _error(413, "Payload too large")
    options = payload.get("options") or {}
    if not isinstance(options, dict):
        return _error(400, "Invalid JSON request body")
    min_id_length = options.get("min_id_length", DEFAULT_MIN_ID_LENGTH)
    if not _is_int(min_id_length) or min_id_length < 1:
        return _error(400, "Invalid JSON request body", detail="options.min_id_length must be a positive integer")

    missing_idx: dict[str, list[int]] = {}
    invalid_idx: dict[str, list[int]] = {}
    length_idx: dict[str, list[int]] = {}
    reasons: list[dict] = []
    for index, event in enumerate(events):
        missing, invalid, id_lengths = check_event(event, min_id_length)
        for target, found in ((missing_idx, missing), (invalid_idx, invalid), (length_idx, id_lengths)):
            for key in found:
                target.setdefault(key, []).append(index)
        if missing or invalid or id_lengths:
            insert_id = event.get("insert_id") if isinstance(event, dict) else None
            reasons.append({"index": index, "insert_id": insert_id, **missing, **invalid, **id_lengths})

    if reasons:
        if missing_idx:
            error = "Request missing required field"
        elif invalid_idx:
            error = "Invalid field values on some events"
        else:
            error = "Invalid id length for user_id or device_id"
        body_out = {
            "code": 400,
            "error": error,
            "events_with_invalid_fields": invalid_idx,
            "events_with_missing_fields": missing_idx,
            # Harness-only diagnostic key (ignored by the SDK): why each event was refused.
            "reasons": reasons,
        }
        if length_idx:
            # Not in the published docs; observed in real answers and read by the official SDKs.
            body_out["events_with_invalid_id_lengths"] = length_idx
        return Answer(400, body_out)

    return Answer(
        200,
        {
            "code": 200,
            "events_ingested": len(events),
            "payload_size_bytes": len(body),
            "server_upload_time": int(_time.time() * 1000),
        },
        events,
    )


@dataclass
class Fault:
    """One injected answer: ``status`` instead of the rules, after ``delay`` seconds.

    With ``ingest`` (and no status) the rules apply and the events are ingested, but the answer
    comes after ``delay``: Amplitude took a request whose answer the client never read. Without
    it the events are not ingested (a late 504 when no status is given)."""

    status: int | None = None
    retry_after: str | None = None
    delay: float = 0.0
    ingest: bool = False
    invalid_fields: dict | None = None  # a 400 naming these events: {field: [indexes]}

    def answer(self) -> Answer:
        if self.invalid_fields is not None:
            return _error(400, "Invalid field values on some events", events_with_invalid_fields=self.invalid_fields,
                          events_with_missing_fields={})
        if self.status == 429:
            return _error(429, "Too many requests for some devices and users", throttled_events=[])
        if self.status == 413:
            return _error(413, "Payload too large")
        if self.status is None:
            return _error(504, "Gateway timeout")
        return _error(self.status, "Internal server error" if self.status >= 500 else "Injected fault")


@dataclass
class RequestRecord:
    path: str
    status: int
    n_events: int | None
    n_bytes: int
    response: dict
    options: dict | None
    received_at: float = 0.0  # time.monotonic() when the request arrived
    insert_ids: list = field(default_factory=list)  # of the request's events, in order


class AmplitudeLoopbackServer:
    """Amplitude-like ingestion server on 127.0.0.1:<free port>, in a daemon thread.

    Use as a context manager::

        with AmplitudeLoopbackServer() as server:
            post to server.http_v2_url or server.batch_url
            server.accepted_events  # every accepted event, as received
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.accepted_events: list[dict] = []
        self.requests: list[RequestRecord] = []
        self.ingested: dict[str, dict] = {}
        self.duplicates = 0
        self.faults: list[Fault] = []
        self.delay = 0.0
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle -------------------------------------------------------------------------
    def start(self) -> "AmplitudeLoopbackServer":
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
                return

            def do_POST(self) -> None:  # noqa: N802 - stdlib name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                fault = server._next_fault()
                if fault is None or (fault.status is None and fault.ingest):
                    answer = evaluate_request(self.path, self.headers.get("Content-Type"), body)
                else:
                    answer = fault.answer()
                server._record(self.path, body, answer)
                _time.sleep((fault.delay if fault else 0.0) + server.delay)
                out = json.dumps(answer.body).encode("utf-8")
                try:
                    self.send_response(answer.status)
                    if fault is not None and fault.retry_after is not None:
                        self.send_header("Retry-After", fault.retry_after)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (an injected late answer)

            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                out = json.dumps({"code": 400, "error": "Invalid request path"}).encode("utf-8")
                self.send_response(400)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="amplitude-loopback", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "AmplitudeLoopbackServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # addresses ---------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server is not running")
        return self._httpd.server_address[1]

    @property
    def http_v2_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{HTTP_V2_PATH}"

    @property
    def batch_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{BATCH_PATH}"

    # records -----------------------------------------------------------------------------
    def _record(self, path: str, body: bytes, answer: Answer) -> None:
        n_events = None
        options = None
        insert_ids: list = []
        try:
            payload = json.loads(body.decode("utf-8"))
            if isinstance(payload, dict):
                if isinstance(payload.get("events"), list):
                    n_events = len(payload["events"])
                    insert_ids = [e.get("insert_id") for e in payload["events"] if isinstance(e, dict)]
                options = payload.get("options")
        except (UnicodeDecodeError, ValueError):
            pass
        with self._lock:
            self.requests.append(
                RequestRecord(
                    path, answer.status, n_events, len(body), answer.body, options, _time.monotonic(), insert_ids
                )
            )
            self.accepted_events.extend(answer.events)
            for event in answer.events:
                if event.get("insert_id") in self.ingested:
                    self.duplicates += 1
                else:
                    self.ingested[event.get("insert_id")] = event

    def inject(self, *faults: Fault) -> None:
        """Queue faults: each of the next requests gets the next one."""
        with self._lock:
            self.faults.extend(faults)

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self.faults.pop(0) if self.faults else None

    def snapshot(self) -> tuple[list[dict], list[RequestRecord]]:
        with self._lock:
            return list(self.accepted_events), list(self.requests)

    def reset(self) -> None:
        with self._lock:
            self.accepted_events.clear()
            self.requests.clear()
            self.ingested.clear()
            self.duplicates = 0
            self.faults.clear()
