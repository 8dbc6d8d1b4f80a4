"""Where the push reads export rows and keeps its ledger: a small interface, one class per engine.

The connection comes from the project's own profiles.yml (its `target`, or
DBT_TARGET): DuckDB's file from `path` (DBT_DUCKDB_PATH), Spark's warehouse
and schema from the spark output. The ledger is `amplitude_push.push_ledger`,
one row per export row sent (models/exports/amplitude/_amplitude__sources.yml
declares it for dbt): dbt never builds it, so `--full-refresh` leaves it alone.

DuckDB is implemented and tested. The Spark class runs the same statements
through a SparkSession with MERGE INTO (a Delta table); it was not run here
(docs/push.md says what was and was not).
"""

import datetime as dt
import os
from pathlib import Path

import pyarrow as pa
import yaml

LEDGER_SCHEMA = "amplitude_push"
LEDGER_TABLE = "push_ledger"
LEDGER = f"{LEDGER_SCHEMA}.{LEDGER_TABLE}"
RELATIONS = {"identifies": "export_amplitude__identifies", "events": "export_amplitude__events"}

# the ledger's columns; the DDL repeats them for each engine (types both engines know)
LEDGER_COLUMNS = """
    export_kind string not null,
    insert_id string not null,
    first_sent_at timestamp,
    last_sent_at timestamp,
    attempts integer not null,
    outcome string,
    response_code integer,
    reject_reason string,
    answered_at timestamp,
    is_adopted boolean not null
"""
LEDGER_NAMES = ", ".join(line.split()[0] for line in LEDGER_COLUMNS.strip().splitlines())
ANSWER_SCHEMA = pa.schema(
    [("insert_id", pa.string()), ("outcome", pa.string()), ("response_code", pa.int32()),
     ("reject_reason", pa.string()), ("answered_at", pa.timestamp("us"))]
)


def now():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def read_profile(project_dir, target=None):
    """(target name, output settings) of profiles.yml, rendered as dbt would for env_var and var defaults."""
    import jinja2

    text = (Path(project_dir) / "profiles.yml").read_text(encoding="utf-8")

    def env_var(name, default=None):
        value = os.environ.get(name, default)
        if value is None:
            raise KeyError(f"profiles.yml needs the environment variable {name}")
        return value

    rendered = jinja2.Template(text).render(env_var=env_var, var=lambda name, default=None: default)
    (profile,) = yaml.safe_load(rendered).values()
    name = target or profile["target"]
    return name, profile["outputs"][name]


class Engine:
    """What the push needs from a warehouse: the export rows not answered yet, and the ledger."""

    name = "engine"

    def ensure_ledger(self):
        """Create the ledger (and the list of adopted acknowledgement files) when missing."""
        raise NotImplementedError

    def ledger_exists(self):
        raise NotImplementedError

    def pending(self, kind, after, limit):
        """Up to `limit` rows (dicts of the HTTP V2 columns) of the kind's export relation with no
        answer in the ledger, by insert_id, after the insert_id `after` (None: from the first)."""
        raise NotImplementedError

    def count_pending(self, kind):
        raise NotImplementedError

    def mark_sent(self, kind, insert_ids, at):
        """Before a request: each row sent once more (attempts + 1, last_sent_at), no answer yet."""
        raise NotImplementedError

    def record_answers(self, kind, answers, adopted=False):
        """Final answers, (insert_id, outcome, response_code, reject_reason, answered_at) tuples;
        an adopted answer (from a file) never overwrites one the ledger holds."""
        raise NotImplementedError

    def adopted_files(self):
        """Names of the acknowledgement files whose answers the ledger holds."""
        raise NotImplementedError

    def record_file(self, name, row_count):
        raise NotImplementedError

    def counts(self):
        """{(kind, outcome or 'unanswered'): rows} of the ledger."""
        raise NotImplementedError

    def close(self):
        pass


class DuckDBEngine(Engine):
    """The DuckDB file of profiles.yml, opened for writing for the whole push."""

    name = "duckdb"

    def __init__(self, path, read_only=False):
        import duckdb

        self.path = str(path)
        if not Path(self.path).exists():
            raise FileNotFoundError(f"no database at {self.path}: run dbt build first (DBT_DUCKDB_PATH)")
        self.connection = duckdb.connect(self.path, read_only=read_only)
        self.read_only = read_only

    def close(self):
        self.connection.close()

    def _qualified(self, relation):
        found = self.connection.execute(
            "select schema_name from duckdb_tables() where database_name = current_database() and table_name = ?"
            " union all select schema_name from duckdb_views() where database_name = current_database()"
            " and view_name = ?",
            [relation, relation],
        ).fetchall()
        if len(found) != 1:
            raise LookupError(f"{relation} is not in {self.path} ({len(found)} found): run dbt build first")
        return f'"{found[0][0]}"."{relation}"'

    def ledger_exists(self):
        return self.connection.execute(
            "select count(*) from duckdb_tables() where database_name = current_database()"
            " and schema_name = ? and table_name = ?",
            [LEDGER_SCHEMA, LEDGER_TABLE],
        ).fetchone()[0] > 0

    def ensure_ledger(self):
        self.connection.execute(f"create schema if not exists {LEDGER_SCHEMA}")
        self.connection.execute(f"create table if not exists {LEDGER} ({LEDGER_COLUMNS})")
        self.connection.execute(
            f"create table if not exists {LEDGER_SCHEMA}.push_ack_files"
            " (file_name string not null primary key, row_count bigint, adopted_at timestamp)"
        )

    def pending(self, kind, after, limit):
        relation = self._qualified(RELATIONS[kind])
        join = (
            f"left join {LEDGER} as ledger on ledger.export_kind = ? and ledger.insert_id = exported.insert_id"
            if self.ledger_exists() else "left join (select null as outcome) as ledger on false"
        )
        params = [kind] if self.ledger_exists() else []
        cursor = self.connection.execute(
            f"select exported.insert_id, exported.event_type, exported.user_id, exported.device_id, exported.time,"
            f" exported.event_properties, exported.user_properties from {relation} as exported {join}"
            " where ledger.outcome is null and exported.insert_id > ? order by exported.insert_id limit ?",
            [*params, after or "", limit],
        )
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, values)) for values in cursor.fetchall()]

    def count_pending(self, kind):
        relation = self._qualified(RELATIONS[kind])
        if not self.ledger_exists():
            return self.connection.execute(f"select count(*) from {relation}").fetchone()[0]
        return self.connection.execute(
            f"select count(*) from {relation} as exported left join {LEDGER} as ledger"
            " on ledger.export_kind = ? and ledger.insert_id = exported.insert_id where ledger.outcome is null",
            [kind],
        ).fetchone()[0]

    def mark_sent(self, kind, insert_ids, at):
        batch = pa.table({"insert_id": pa.array(insert_ids, pa.string())})
        with self._transaction():
            self.connection.register("sent_batch", batch)
            self.connection.execute(
                f"update {LEDGER} set last_sent_at = ?, attempts = attempts + 1"
                " from sent_batch where export_kind = ? and push_ledger.insert_id = sent_batch.insert_id",
                [at, kind],
            )
            self.connection.execute(
                f"insert into {LEDGER} select ?, insert_id, ?, ?, 1, null, null, null, null, false from sent_batch"
                f" where insert_id not in (select insert_id from {LEDGER} where export_kind = ?)",
                [kind, at, at, kind],
            )
            self.connection.unregister("sent_batch")

    def record_answers(self, kind, answers, adopted=False):
        if not answers:
            return
        batch = pa.table(list(zip(*answers)), schema=ANSWER_SCHEMA)
        only_open = " and push_ledger.outcome is null" if adopted else ""
        with self._transaction():
            self.connection.register("answer_batch", batch)
            self.connection.execute(
                f"update {LEDGER} set outcome = answer_batch.outcome, response_code = answer_batch.response_code,"
                " reject_reason = answer_batch.reject_reason, answered_at = answer_batch.answered_at,"
                " is_adopted = ? from answer_batch"
                f" where export_kind = ? and push_ledger.insert_id = answer_batch.insert_id{only_open}",
                [adopted, kind],
            )
            self.connection.execute(
                f"insert into {LEDGER} select ?, insert_id, null, null, 0, outcome, response_code, reject_reason,"
                f" answered_at, ? from answer_batch"
                f" where insert_id not in (select insert_id from {LEDGER} where export_kind = ?)",
                [kind, adopted, kind],
            )
            self.connection.unregister("answer_batch")

    def adopted_files(self):
        found = self.connection.execute(f"select file_name from {LEDGER_SCHEMA}.push_ack_files").fetchall()
        return {row[0] for row in found}

    def record_file(self, name, row_count):
        self.connection.execute(
            f"insert into {LEDGER_SCHEMA}.push_ack_files values (?, ?, ?) on conflict do nothing",
            [name, row_count, now()],
        )

    def counts(self):
        if not self.ledger_exists():
            return {}
        return {
            (kind, outcome or "unanswered"): count
            for kind, outcome, count in self.connection.execute(
                f"select export_kind, outcome, count(*) from {LEDGER} group by 1, 2"
            ).fetchall()
        }

    def _transaction(self):
        connection = self.connection

        class Transaction:
            def __enter__(self):
                connection.execute("begin transaction")

            def __exit__(self, kind, error, trace):
                connection.execute("rollback" if kind else "commit")

        return Transaction()


class SparkEngine(Engine):
    """The Spark output of profiles.yml (dbt-spark `session`): not run in this project's tests.

    Reads the export relations of the output's schema and keeps the ledger as a
    Delta table (`MERGE INTO` for the updates; Spark has no `update ... from`).
    """

    name = "spark"

    def __init__(self, output):
        from pyspark.sql import SparkSession

        builder = SparkSession.builder.appName("identity_stitching push")
        for key, value in (output.get("server_side_parameters") or {}).items():
            builder = builder.config(key, value)
        self.spark = builder.enableHiveSupport().getOrCreate()
        self.schema = output["schema"]
        self.read_only = False


    def _qualified(self, relation):
        return f"{self.schema}.{relation}"

    def ledger_exists(self):
        return self.spark.catalog.tableExists(LEDGER)

    def ensure_ledger(self):
        self.spark.sql(f"create schema if not exists {LEDGER_SCHEMA}")
        self.spark.sql(f"create table if not exists {LEDGER} ({LEDGER_COLUMNS}) using delta")
        self.spark.sql(
            f"create table if not exists {LEDGER_SCHEMA}.push_ack_files"
            " (file_name string, row_count bigint, adopted_at timestamp) using delta"
        )

    def pending(self, kind, after, limit):
        rows = self.spark.sql(
            f"select exported.insert_id, exported.event_type, exported.user_id, exported.device_id, exported.time,"
            f" exported.event_properties, exported.user_properties from {self._qualified(RELATIONS[kind])} as exported"
            f" left join {LEDGER} as ledger on ledger.export_kind = '{kind}' and ledger.insert_id = exported.insert_id"
            " where ledger.outcome is null and exported.insert_id > :after"
            f" order by exported.insert_id limit {int(limit)}",
            args={"after": after or ""},
        ).collect()
        return [row.asDict() for row in rows]

    def count_pending(self, kind):
        return self.spark.sql(
            f"select count(*) from {self._qualified(RELATIONS[kind])} as exported left join {LEDGER} as ledger"
            f" on ledger.export_kind = '{kind}' and ledger.insert_id = exported.insert_id where ledger.outcome is null"
        ).collect()[0][0]

    def _merge(self, kind, frame, set_sql, insert_sql, condition=""):
        frame.createOrReplaceTempView("push_batch")
        self.spark.sql(
            f"merge into {LEDGER} as ledger using push_batch as batch"
            f" on ledger.export_kind = '{kind}' and ledger.insert_id = batch.insert_id"
            f" when matched{condition} then update set {set_sql}"
            f" when not matched then insert ({LEDGER_NAMES}) {insert_sql}"
        )

    def mark_sent(self, kind, insert_ids, at):
        frame = self.spark.createDataFrame([(i,) for i in insert_ids], "insert_id string")
        self._merge(
            kind, frame, f"last_sent_at = timestamp'{at}', attempts = ledger.attempts + 1",
            f"values ('{kind}', batch.insert_id, timestamp'{at}', timestamp'{at}', 1, null, null, null, null, false)",
        )

    def record_answers(self, kind, answers, adopted=False):
        if not answers:
            return
        frame = self.spark.createDataFrame(
            answers, "insert_id string, outcome string, response_code int, reject_reason string, answered_at timestamp"
        )
        self._merge(
            kind, frame,
            "outcome = batch.outcome, response_code = batch.response_code, reject_reason = batch.reject_reason,"
            f" answered_at = batch.answered_at, is_adopted = {str(adopted).lower()}",
            f"values ('{kind}', batch.insert_id, null, null, 0, batch.outcome, batch.response_code,"
            f" batch.reject_reason, batch.answered_at, {str(adopted).lower()})",
            " and ledger.outcome is null" if adopted else "",
        )

    def adopted_files(self):
        return {row[0] for row in self.spark.sql(f"select file_name from {LEDGER_SCHEMA}.push_ack_files").collect()}

    def record_file(self, name, row_count):
        self.spark.sql(
            f"insert into {LEDGER_SCHEMA}.push_ack_files values ('{name}', {int(row_count)}, current_timestamp())"
        )

    def counts(self):
        if not self.ledger_exists():
            return {}
        rows = self.spark.sql(f"select export_kind, outcome, count(*) from {LEDGER} group by 1, 2").collect()
        return {(kind, outcome or "unanswered"): count for kind, outcome, count in rows}


def open_engine(project_dir, target=None, read_only=False):
    """The engine of profiles.yml's target (DBT_TARGET), or a clear error."""
    name, output = read_profile(project_dir, target or os.environ.get("DBT_TARGET"))
    if output["type"] == "duckdb":
        return DuckDBEngine(output["path"], read_only=read_only)  # relative to the working folder, as for dbt
    if output["type"] == "spark":
        return SparkEngine(output)
    raise ValueError(f"profiles.yml target {name!r} is {output['type']}: the push knows duckdb and spark")
