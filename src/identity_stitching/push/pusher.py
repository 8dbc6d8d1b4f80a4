"""The push loop: batches of unanswered rows, one request each, every answer in the ledger.

Per batch: the ledger marks its rows sent (attempts + 1) and commits, then the
request goes out; its answer is written to the acknowledgement file, then
committed to the ledger. A process killed anywhere leaves rows either
answered or "sent, no answer", and the next push sends the latter again with
the same insert_id.

Answers (Amplitude's HTTP V2 and Batch APIs):

- a row the SDK itself refuses to send (its checks) is rejected with its reason;
- 2xx: every row accepted;
- 400 naming events (`events_with_invalid_fields`, `..._missing_fields`,
  `..._invalid_id_lengths`, `silenced_events`): nothing of the request was
  ingested; the named rows are rejected with Amplitude's reason, the others
  are sent again at once. A 400 naming none (a bad API key, a malformed
  request) stops the push: no row is to blame;
- 413: the batch is split in half (and later batches are cut to that size);
  a single row too large is rejected;
- 429, 5xx, no answer (refused, reset, timeout): the same batch again after
  the Retry-After the answer gives, else an exponential backoff with jitter,
  until the batch's retry budget is spent; then the push stops, the rows stay
  unanswered for the next run.
"""

import random
import time
from dataclasses import dataclass, field

from identity_stitching.push.engine import now
from identity_stitching.push.rows import payload_size
from identity_stitching.push.sdk import NO_ANSWER

KINDS = ("identifies", "events")  # identifies first: their user properties then reach the events (docs/push.md)
PAGE_ROWS = 10_000
# a request's limits: 2,000 events; < 1 MB (HTTP V2) or 20 MB (Batch)
MAX_EVENTS = 2000
MAX_BYTES = {False: 900_000, True: 19_000_000}
INDEX_FIELDS = {
    "events_with_invalid_fields": "invalid",
    "events_with_missing_fields": "missing",
    "events_with_invalid_id_lengths": "invalid id length",
}


class PushStopped(RuntimeError):
    """The push cannot go on now; rows not answered are sent again by the next push."""


@dataclass
class RetryPolicy:
    budget_seconds: float = 600.0  # per batch: waits and requests after its first failure
    first_wait: float = 1.0
    max_wait: float = 60.0

    def wait(self, failures, retry_after):
        if retry_after is not None:
            return retry_after
        ceiling = min(self.max_wait, self.first_wait * 2 ** (failures - 1))
        return random.uniform(ceiling / 2, ceiling)


@dataclass
class Tally:
    accepted: int = 0
    rejected: int = 0
    requests: int = 0
    retries: int = 0
    splits: int = 0
    reasons: dict = field(default_factory=dict)


def rejections(body, batch):
    """{row index: reason} of the rows a 400 answer names."""
    reasons = {}
    for key, label in INDEX_FIELDS.items():
        for field_name, indexes in (body.get(key) or {}).items():
            for index in indexes:
                if 0 <= index < len(batch):
                    reasons.setdefault(index, []).append(f"{label} {field_name}")
    for index in body.get("silenced_events") or []:
        if 0 <= index < len(batch):
            reasons.setdefault(index, []).append("silenced (a blocked device or user)")
    error = body.get("error") or "rejected"
    return {index: f"{error}: {', '.join(parts)}" for index, parts in reasons.items()}


def batches(rows, size, use_batch):
    """Cut rows into requests of at most `size` rows and the API's body size."""
    batch, batch_bytes = [], 0
    for row in rows:
        row_bytes = payload_size(row)
        if batch and (len(batch) >= size or batch_bytes + row_bytes > MAX_BYTES[use_batch]):
            yield batch
            batch, batch_bytes = [], 0
        batch.append(row)
        batch_bytes += row_bytes
    if batch:
        yield batch


class Pusher:
    def __init__(self, engine, sender, acks, *, use_batch=False, batch_size=1000, policy=None,
                 progress=None, sleep=time.sleep):
        self.engine, self.sender, self.acks = engine, sender, acks
        self.use_batch = use_batch
        self.batch_size = min(batch_size, MAX_EVENTS)
        self.policy = policy or RetryPolicy()
        self.progress = progress or (lambda rows: None)
        self.sleep = sleep
        self.tally = Tally()

    def run(self):
        for kind in KINDS:
            after = None
            while True:
                page = self.engine.pending(kind, after, PAGE_ROWS)
                if not page:
                    break
                after = page[-1]["insert_id"]
                queue = list(batches(page, self.batch_size, self.use_batch))
                while queue:
                    batch = queue.pop(0)
                    queue[:0] = self._send(kind, batch)
        return self.tally

    def _answer(self, kind, rows, outcome, code, reason=None):
        at = now()
        answers = [(row["insert_id"], outcome, code, reason, at) for row in rows]
        self.acks.write(kind, answers)  # on disk before the ledger says so (acks.py)
        self.engine.record_answers(kind, answers)
        if outcome == "accepted":
            self.tally.accepted += len(rows)
        else:
            self.tally.rejected += len(rows)
            self.tally.reasons[reason] = self.tally.reasons.get(reason, 0) + len(rows)
        self.progress(len(rows))

    def _send(self, kind, batch):
        """Send one batch until every row is answered or it must wait for a later run.

        Returns the batches to send next (the halves of a batch too large)."""
        failures, deadline = 0, None
        while batch:
            self.engine.mark_sent(kind, [row["insert_id"] for row in batch], now())
            answer, refused = self.sender.send(batch)
            for index, reason in refused.items():
                self._answer(kind, [batch[index]], "rejected", None, reason)
            if answer is None:
                return []
            batch = [row for index, row in enumerate(batch) if index not in refused]
            self.tally.requests += 1
            if answer.accepted:
                self._answer(kind, batch, "accepted", answer.code)
                return []
            if answer.code == 413:
                if len(batch) == 1:
                    self._answer(kind, batch, "rejected", 413, f"{answer.error or 'Payload too large'}: one event")
                    return []
                half = len(batch) // 2
                self.batch_size = min(self.batch_size, half)
                self.tally.splits += 1
                return [batch[:half], batch[half:]]
            if answer.code == 400:
                named = rejections(answer.body, batch)
                if not named:
                    raise PushStopped(
                        f"Amplitude answered 400 naming no event ({answer.error or answer.body}): check "
                        "AMPLITUDE_API_KEY and the endpoint; the batch stays unanswered"
                    )
                for index, reason in named.items():
                    self._answer(kind, [batch[index]], "rejected", 400, reason)
                batch = [row for index, row in enumerate(batch) if index not in named]
                continue
            if answer.code in (429, 408, NO_ANSWER) or answer.code >= 500:
                failures += 1
                self.tally.retries += 1
                deadline = deadline or time.monotonic() + self.policy.budget_seconds
                wait = self.policy.wait(failures, answer.retry_after)
                if time.monotonic() + wait > deadline:
                    raise PushStopped(
                        f"{len(batch)} {kind} rows still unanswered after {failures} tries "
                        f"(last: {answer.code if answer.code != NO_ANSWER else answer.error}); "
                        "the next push sends them again"
                    )
                self.sleep(wait)
                continue
            raise PushStopped(
                f"Amplitude answered {answer.code} ({answer.error or answer.body}); the batch stays unanswered"
            )
        return []
