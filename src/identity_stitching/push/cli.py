"""`python -m identity_stitching.push` (`make push`): send what Amplitude has not answered yet.

Settings (docs/push.md):

- AMPLITUDE_API_KEY (required unless --dry-run): the project's API key;
- AMPLITUDE_SERVER_ZONE: `US` (default) or `EU` (Amplitude's EU data center);
- AMPLITUDE_SERVER_URL: another endpoint (a proxy, a test server);
- AMPLITUDE_API / --api: `http` (HTTP V2, default) or `batch` (Batch Event Upload);
- the database: profiles.yml's target (DBT_TARGET; DuckDB's file from DBT_DUCKDB_PATH);
- the export folder, where the acknowledgement files go: IDENTITY_EXPORT_PATH
  (default target/exports, as `make run`).

Exit codes: 0 every row answered (rejected rows are listed, and in
`export_amplitude__push_rejected`); 1 rows left unanswered for the next push
(Amplitude kept failing, the process was interrupted); 2 the push did not
start (settings, another run holding the lock, no database).
"""

import argparse
import os
import signal
import sys
import time
from pathlib import Path

from identity_stitching import run_lock
from identity_stitching.push import acks
from identity_stitching.push.engine import now, open_engine, read_profile
from identity_stitching.push.pusher import KINDS, Pusher, PushStopped, RetryPolicy

PROJECT_DIR = Path.cwd()


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m identity_stitching.push", description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print what would be sent; send and record nothing")
    parser.add_argument("--api", choices=["http", "batch"], default=os.environ.get("AMPLITUDE_API", "http"),
                        help="HTTP V2 (default) or the Batch Event Upload API")
    parser.add_argument("--batch-size", type=int, default=1000, help="events per request (at most 2000)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for one answer")
    parser.add_argument("--retry-budget", type=float, default=600.0,
                        help="seconds a batch may spend retrying 429, 5xx and timeouts before the push stops")
    parser.add_argument("--first-wait", type=float, default=1.0, help="first backoff wait, seconds (doubles)")
    parser.add_argument("--max-wait", type=float, default=60.0, help="longest backoff wait, seconds")
    parser.add_argument("--export-path", default=os.environ.get("IDENTITY_EXPORT_PATH", "target/exports"),
                        help="the export folder (acknowledgement files under amplitude/push/)")
    parser.add_argument("--project-dir", default=str(PROJECT_DIR), help="where profiles.yml is")
    parser.add_argument("--progress", choices=["auto", "bar", "lines"], default="auto",
                        help="a tqdm bar on a terminal, plain lines otherwise (CI)")
    return parser.parse_args(argv)


def say(message):
    print(message, file=sys.stderr, flush=True)


class Progress:
    """A tqdm bar on a terminal; elsewhere a plain line every 10 s and at the end."""

    def __init__(self, total, mode):
        self.total, self.done, self.started = total, 0, time.monotonic()
        self.bar = None
        if mode == "bar" or (mode == "auto" and sys.stderr.isatty()):
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="row", file=sys.stderr)
        self.last_line = self.started

    def __call__(self, rows):
        self.done += rows
        if self.bar is not None:
            self.bar.update(rows)
        elif time.monotonic() - self.last_line >= 10:
            self.last_line = time.monotonic()
            self.line()

    def line(self):
        elapsed = max(time.monotonic() - self.started, 1e-9)
        say(f"push: {self.done:,} of {self.total:,} rows answered, {self.done / elapsed:,.0f} rows/s")

    def close(self):
        if self.bar is not None:
            self.bar.close()
        self.line()


def dry_run(engine, arguments):
    for kind in KINDS:
        count = engine.count_pending(kind)
        requests = -(-count // min(arguments.batch_size, 2000))
        print(f"{kind}: {count:,} rows not answered yet, about {requests:,} request(s)")
        for row in engine.pending(kind, None, 5):
            print(f"  {row['insert_id']}  {row['event_type']}  device_id={row['device_id']}  user_id={row['user_id']}")
    print("dry run: nothing sent, nothing recorded")
    return 0


def _interrupt(signum, frame):
    """A SIGTERM (a scheduler's timeout) ends the push as Ctrl-C does: between two ledger writes."""
    raise KeyboardInterrupt


def main(argv=None):
    arguments = parse(argv)
    api_key = os.environ.get("AMPLITUDE_API_KEY", "")
    zone = os.environ.get("AMPLITUDE_SERVER_ZONE", "US").upper()
    if zone not in ("US", "EU"):
        say(f"push: AMPLITUDE_SERVER_ZONE is {zone!r}: US or EU")
        return 2
    if not arguments.dry_run and not api_key:
        say("push: set AMPLITUDE_API_KEY (the Amplitude project's API key), or use --dry-run")
        return 2
    signal.signal(signal.SIGTERM, _interrupt)
    # Ctrl-C too, even when started in the background of a shell, which starts its children with SIGINT
    # ignored (Python then keeps it ignored and the push would run to its end)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        _, output = read_profile(arguments.project_dir, os.environ.get("DBT_TARGET"))
        if output["type"] == "duckdb" and not arguments.dry_run:
            # the dbt run lock: no build, and no other push, while this push runs (run_lock.py)
            run_lock.lock_run(output["path"], arguments.export_path)
        engine = open_engine(arguments.project_dir, read_only=arguments.dry_run)
    except (run_lock.RunLockedError, FileNotFoundError, LookupError, ValueError, KeyError) as error:
        say(f"push: {error}")
        return 2
    except Exception as error:  # noqa: BLE001 - DuckDB's lock error when a non-dbt process holds the file
        say(f"push: cannot open the database: {error}")
        return 2
    try:
        if arguments.dry_run:
            return dry_run(engine, arguments)
        return push(engine, arguments, api_key, zone)
    except LookupError as error:  # an export relation missing: dbt build has not run
        say(f"push: {error}")
        return 2
    finally:
        engine.close()


def push(engine, arguments, api_key, zone):
    from identity_stitching.push.sdk import Sender

    started = now()
    engine.ensure_ledger()
    writer = acks.AckWriter(arguments.export_path, started)
    files, adopted = acks.adopt(engine, arguments.export_path)  # before this push writes its own file
    if files:
        say(f"push: adopted {adopted:,} answers from {files} acknowledgement file(s) this database had not recorded")
    total = sum(engine.count_pending(kind) for kind in KINDS)
    use_batch = arguments.api == "batch"
    sender = Sender(api_key, use_batch=use_batch, server_zone=zone,
                    server_url=os.environ.get("AMPLITUDE_SERVER_URL"), timeout=arguments.timeout)
    say(f"push: {total:,} rows to send to {sender.url} ({'Batch' if use_batch else 'HTTP V2'} API)")
    progress = Progress(total, arguments.progress)
    policy = RetryPolicy(arguments.retry_budget, arguments.first_wait, arguments.max_wait)
    pusher = Pusher(engine, sender, writer, use_batch=use_batch, batch_size=arguments.batch_size,
                    policy=policy, progress=progress)
    code, interrupted = 0, False
    try:
        pusher.run()
    except PushStopped as error:
        say(f"push: stopped: {error}")
        code = 1
    except KeyboardInterrupt:
        say("push: interrupted; rows sent without an answer are sent again by the next push")
        code, interrupted = 1, True
    finally:
        sender.close()
        writer.close()
        progress.close()
    if writer.rows and not interrupted:
        # the ledger holds every answer of the file; an interrupted push's file is read again by the
        # next push, in case the interruption fell between the file and the ledger
        engine.record_file(writer.path.name, writer.rows)
    tally = pusher.tally
    say(f"push: {tally.accepted:,} accepted, {tally.rejected:,} rejected, {tally.requests:,} requests "
        f"({tally.retries:,} retried, {tally.splits:,} split) in {(now() - started).total_seconds():.1f} s")
    for reason, rows in sorted(tally.reasons.items(), key=lambda item: -item[1]):
        say(f"push: rejected {rows:,}: {reason} (export_amplitude__push_rejected)")
    unanswered = sum(engine.count_pending(kind) for kind in KINDS)
    if unanswered and code == 0:
        code = 1
    if unanswered:
        say(f"push: {unanswered:,} rows not answered yet; run the push again")
    return code


if __name__ == "__main__":
    sys.exit(main())
