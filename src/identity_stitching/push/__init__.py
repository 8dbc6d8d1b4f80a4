"""Push the export relations to Amplitude through its Python SDK, with a ledger (docs/push.md).

`python -m identity_stitching.push` (`make push`) sends the rows of
`export_amplitude__identifies`, then of `export_amplitude__events`, that
Amplitude has not answered yet, and records every answer in the warehouse
table `amplitude_push.push_ledger` and in append-only acknowledgement files
beside the export files. Modules, one job each:

- `rows`: an export row as the SDK's event object;
- `sdk`: one request per batch through `amplitude-analytics`, with the status,
  body and Retry-After of its answer;
- `ledger`: the ledger table, through an engine (`engine`: DuckDB, Spark);
- `acks`: the acknowledgement files and their adoption after a lost database;
- `pusher`: batches, retries, splits and rejections;
- `cli`: settings, locks, progress, exit codes.
"""
