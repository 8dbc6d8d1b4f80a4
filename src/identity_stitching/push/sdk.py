"""One request per batch through Amplitude's Python SDK, and the whole answer to it.

The SDK (`amplitude-analytics` 1.3.0) builds the request (its event objects,
payload and `options.min_id_length`) and parses the answer, but its own retry
loop cannot be bounded in time, reads no Retry-After header and tells a
callback only a code and a message. So its retries are turned off
(`flush_max_retries=1`: an event the SDK would queue again is handed back at
once) and its worker's `send` is replaced by one that keeps the status, the
JSON body (which events a 400 names, and why) and the Retry-After header of
each answer; the pusher decides what to do next. The SDK's response processor
still runs on every answer.
"""

import json
import socket
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from amplitude import Amplitude, Config
from amplitude.constants import EventLogLevel
from amplitude.http_client import Response
from amplitude.exception import InvalidAPIKeyError
from amplitude.plugin import AmplitudeDestinationPlugin
from amplitude.storage import InMemoryStorage, InMemoryStorageProvider
from amplitude.worker import Workers

from identity_stitching.push.rows import send_row

NO_ANSWER = -1  # the request got no HTTP answer: refused connection, reset, timeout


@dataclass
class Answer:
    """What one request got back."""

    code: int  # the HTTP status, or NO_ANSWER
    body: dict = field(default_factory=dict)
    retry_after: float | None = None  # seconds, from the Retry-After header
    error: str = ""

    @property
    def accepted(self):
        return 200 <= self.code < 300


def _retry_after(headers):
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: not sent by Amplitude; the pusher's backoff applies


def post(url, payload, timeout):
    """POST a JSON payload; the Answer, never an exception for an HTTP or network failure."""
    request = urllib.request.Request(url, data=payload, headers={"Content-Type": "application/json; charset=UTF-8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, _json(response.read()), _retry_after(response.headers))
    except urllib.error.HTTPError as error:
        body = _json(error.read())
        return Answer(error.code, body, _retry_after(error.headers), str(body.get("error") or error.reason))
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        return Answer(NO_ANSWER, error=f"no answer: {reason}")


def _json(data):
    try:
        body = json.loads(data.decode("utf-8"))
        return body if isinstance(body, dict) else {}
    except ValueError:
        return {}


class _AnswerKeepingWorkers(Workers):
    """The SDK's worker with a `send` that keeps each batch's Answer for the pusher."""

    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout
        self.answers = {}  # id(first event of the batch) -> Answer

    def send(self, events):
        answer = post(self.configuration.server_url, self.get_payload(events), self.timeout)
        self.answers[id(events[0])] = answer
        response = Response()
        response.code = answer.code if answer.code != NO_ANSWER else 408
        response.status = Response.get_status(response.code)
        response.body = answer.body or {"error": answer.error}
        try:
            self.response_processor.process_response(response, events)
        except InvalidAPIKeyError:
            pass  # a 400 the pusher reports (its body names the key)


class _Client(Amplitude):
    """The SDK client, whose destination uses _AnswerKeepingWorkers."""

    def __init__(self, api_key, configuration, timeout):
        self._timeout = timeout
        self.workers = None
        super().__init__(api_key, configuration)

    def add(self, plugin):
        if type(plugin) is AmplitudeDestinationPlugin:
            plugin.workers = self.workers = _AnswerKeepingWorkers(self._timeout)
        return super().add(plugin)


class _Storages(InMemoryStorageProvider):
    def __init__(self):
        self.made = []

    def get_storage(self):
        storage = InMemoryStorage()
        self.made.append(storage)
        return storage


class Sender:
    """Send batches of export rows, one request each, and return each request's Answer."""

    def __init__(self, api_key, *, use_batch=False, server_zone="US", server_url=None, timeout=30.0,
                 min_id_length=None):
        self.storages = _Storages()
        config = Config(
            use_batch=use_batch,
            server_zone=server_zone,
            server_url=server_url or None,
            flush_max_retries=1,
            flush_queue_size=1 << 30,  # one request per flush: the pusher cuts the batches
            flush_interval_millis=200,
            min_id_length=min_id_length,
            storage_provider=self.storages,
            event_log_level=EventLogLevel.NONE,
        )
        self.client = _Client(api_key, config, timeout)
        self.url = config.server_url
        self._lock = threading.Lock()

    def send(self, rows):
        """One request holding `rows`: (its Answer, {index: why} of the rows the SDK refused to send).

        The Answer's code is NO_ANSWER when none came back, None when the SDK refused every row."""
        (storage,) = self.storages.made
        workers = self.client.workers
        refused = {}
        with self._lock, storage.lock:
            # holding the storage's lock keeps the SDK's timer thread from sending part of the batch
            for index, row in enumerate(rows):
                queued = storage.total_events
                try:
                    send_row(self.client, row)
                except (ValueError, TypeError, KeyError) as error:
                    refused[index] = f"refused by the Python SDK: {error}"
                    continue
                if storage.total_events == queued:
                    refused[index] = "refused by the Python SDK (an empty identify, or no user_id nor device_id)"
            if len(refused) == len(rows):
                return None, refused
            first = storage.ready_queue[0]
            futures = [future for future in self.client.flush() if future is not None]
        for future in futures:
            future.result()
        return workers.answers.pop(id(first), Answer(NO_ANSWER, error="no answer recorded")), refused

    def close(self):
        self.client.shutdown()
        for storage in self.storages.made:
            with storage.lock:
                storage.lock.notify_all()  # the SDK's timer thread is no daemon: let it see the end
