"""What the warehouse holds about one identifier: its person, the shortest chain of evidence to the person's
user, the shared identifiers met, the refused links touching the person, and the person's id history.

Every query is scoped to one person (its identifiers, records and edges), so it reads few rows at any size.
The chain is a breadth-first search over the person's accepted evidence: two identifiers are one hop apart
when a record links them (a touch, or a user's own record). Among hops of equal length the earliest record
wins, then the smallest record_id, then the smallest identifier_id, as in the macro identity_evidence_chain.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Identifier:
    identifier_id: str
    identifier_type: str
    user_id: str | None = None
    is_shared: bool = False
    shared_reason: str | None = None

    @property
    def sha256(self):
        return self.identifier_id.split(":", 1)[1]


@dataclass(frozen=True)
class Record:
    record_id: str
    source_system: str | None
    what: str | None  # the touch's event type, or "user record"
    at: dt.datetime | None
    source_file: str | None
    source_row_number: int | None


@dataclass(frozen=True)
class Hop:
    source: Identifier
    record: Record
    target: Identifier


@dataclass
class Explanation:
    identifier: Identifier
    person: dict
    target: Identifier | None
    hops: list[Hop] = field(default_factory=list)
    shared: list[tuple[Identifier, list[Record]]] = field(default_factory=list)
    refusals: list[dict] = field(default_factory=list)
    history: list[dict] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)  # identifier_id -> normalized email / phone
    notes: list[str] = field(default_factory=list)


def _rows(connection, sql, params=()):
    result = connection.execute(sql, list(params))
    names = [column[0] for column in result.description]
    return [dict(zip(names, row)) for row in result.fetchall()]


IDENTIFIER_COLUMNS = "identifier_id, identifier_type, user_id, coalesce(is_shared, false) as is_shared, shared_reason"


def identifiers(connection, identifier_ids):
    if not identifier_ids:
        return {}
    rows = _rows(
        connection,
        f"select {IDENTIFIER_COLUMNS} from intermediate.int_identifiers where identifier_id in "
        "(select unnest(?))",
        [sorted(identifier_ids)],
    )
    return {row["identifier_id"]: Identifier(**row) for row in rows}


def person_of(connection, identifier_id):
    """The identifier's row of int_identifiers_clustered, or None when the project never saw it."""
    rows = _rows(
        connection,
        "select person_id, device_id, user_id, anchor_identifier_id from intermediate.int_identifiers_clustered"
        " where identifier_id = ?",
        [identifier_id],
    )
    return rows[0] if rows else None


def person_summary(connection, person_id):
    rows = _rows(
        connection,
        "select person_id, device_id, user_id, identifier_count, email_count, phone_count, touch_count,"
        " first_touch_at, signed_up_at from dim_persons where person_id = ?",
        [person_id],
    )
    return rows[0] if rows else {"person_id": person_id}


def person_edges(connection, person_id):
    """(identifier a, identifier b, record, observed_at) of every accepted record edge inside the person."""
    return connection.execute(
        """
        with person_identifiers as (
            select identifier_id from intermediate.int_identifiers_clustered where person_id = ?
        )
        select edges.identifier_a_id, edges.identifier_b_id, edges.record_id, edges.observed_at
        from intermediate.int_identity_edges as edges
        where edges.evidence_kind <> 'self'
            and edges.identifier_a_id in (select identifier_id from person_identifiers)
            and edges.identifier_b_id in (select identifier_id from person_identifiers)
            and edges.edge_id not in (select conflict_id from identity_conflicts)
        """,
        [person_id],
    ).fetchall()


def shortest_chain(edges, start, target):
    """[(from identifier_id, record_id, to identifier_id), ...] from start to target, fewest records first."""
    if start == target:
        return []
    members, observed = defaultdict(set), {}
    for identifier_a, identifier_b, record_id, observed_at in edges:
        members[record_id].update((identifier_a, identifier_b))
        observed[record_id] = min(observed.get(record_id, observed_at), observed_at)
    records_of = defaultdict(set)
    for record_id, held in members.items():
        for identifier_id in held:
            records_of[identifier_id].add(record_id)
    parent = {start: None}
    level = {start}
    while level and target not in parent:
        best = {}
        for node in level:
            for record_id in records_of[node]:
                key = (observed[record_id], record_id, node)
                for reached in members[record_id]:
                    if reached not in parent and (reached not in best or key < best[reached]):
                        best[reached] = key
        for reached, (_, record_id, node) in best.items():
            parent[reached] = (node, record_id)
        level = set(best)
    if target not in parent:
        return None
    chain, node = [], target
    while parent[node] is not None:
        previous, record_id = parent[node]
        chain.append((previous, record_id, node))
        node = previous
    return chain[::-1]


def records(connection, record_ids):
    """Provenance of touches (int_touches_resolved) and users' own records (their first usable row)."""
    found = {}
    touch_ids = sorted(r for r in record_ids if not r.startswith("user:"))
    user_ids = sorted(r[len("user:"):] for r in record_ids if r.startswith("user:"))
    if touch_ids:
        for row in connection.execute(
            "select touch_id, source_system, event_type, occurred_at, source_file, source_row_number"
            " from intermediate.int_touches_resolved where touch_id in (select unnest(?))",
            [touch_ids],
        ).fetchall():
            found[row[0]] = Record(*row)
    if user_ids:
        for row in connection.execute(
            """
            select 'user:' || user_id, source_system, 'user record', created_at, source_file, source_row_number
            from staging.stg_app__users
            where user_id in (select unnest(?)) and row_rejection_reason is null
            qualify row_number() over (
                partition by user_id order by created_at, source_file, source_row_number) = 1
            """,
            [user_ids],
        ).fetchall():
            found[row[0]] = Record(*row)
    return {r: found.get(r, Record(r, None, None, None, None, None)) for r in record_ids}


def record_identifiers(connection, record_ids):
    """record_id -> identifier_ids it holds (the evidence)."""
    held = defaultdict(set)
    if record_ids:
        for record_id, identifier_id in connection.execute(
            "select record_id, identifier_id from intermediate.int_identifiers_unioned"
            " where record_id in (select unnest(?))",
            [sorted(record_ids)],
        ).fetchall():
            held[record_id].add(identifier_id)
    return held


def records_holding(connection, identifier_id, limit=50):
    return [row[0] for row in connection.execute(
        "select record_id from intermediate.int_identifiers_unioned where identifier_id = ?"
        " order by observed_at, record_id limit ?",
        [identifier_id, limit],
    ).fetchall()]


def refusals(connection, person_id):
    return _rows(
        connection,
        """
        with person_identifiers as (
            select identifier_id from intermediate.int_identifiers_clustered where person_id = ?
        )
        select conflict_id, record_id, identifier_a_id, identifier_b_id, reason, observed_at
        from identity_conflicts
        where identifier_a_id in (select identifier_id from person_identifiers)
            or identifier_b_id in (select identifier_id from person_identifiers)
        order by observed_at, record_id, conflict_id
        """,
        [person_id],
    )


def history(connection, person_id):
    return _rows(
        connection,
        """
        select retired_person_id, retired_device_id, survivor_person_id, survivor_device_id, reason, retired_at
        from identity_id_history
        where retired_person_id = ? or survivor_person_id = ?
        order by retired_at, retired_person_id
        """,
        [person_id, person_id],
    )


def normalized_values(connection, identifier_ids):
    """identifier_id -> the normalized email or phone, from staging's lookups (the only layer holding them)."""
    by_type = defaultdict(list)
    for identifier_id in identifier_ids:
        kind, _, digest = identifier_id.partition(":")
        by_type[kind].append(digest)
    values = {}
    lookups = {"email": ("stg_identifiers__emails", "email_sha256", "email_normalized"),
               "phone": ("stg_identifiers__phones", "phone_sha256", "phone_e164")}
    for kind, (table, hash_column, value_column) in lookups.items():
        if by_type.get(kind):
            for digest, value in connection.execute(
                f"select distinct {hash_column}, {value_column} from staging.{table}"
                f" where {hash_column} in (select unnest(?))",
                [by_type[kind]],
            ).fetchall():
                values[f"{kind}:{digest}"] = value
    return values


def explain_identifier(connection, identifier_id):
    """The Explanation of an identifier the project saw, or None when it never saw it."""
    found = person_of(connection, identifier_id)
    if found is None:
        return None
    person_id = found["person_id"]
    person = person_summary(connection, person_id)
    members = {row[0] for row in connection.execute(
        "select identifier_id from intermediate.int_identifiers_clustered where person_id = ?", [person_id]
    ).fetchall()}
    known = identifiers(connection, members)
    start = known[identifier_id]
    user_targets = [i for i in known.values() if i.identifier_type == "user_id"]
    target = user_targets[0] if user_targets else known.get(found["anchor_identifier_id"])
    explanation = Explanation(identifier=start, person=person, target=target)

    chain = shortest_chain(person_edges(connection, person_id), identifier_id, target.identifier_id)
    if chain is None:  # cannot happen while the person is a component of its accepted edges
        explanation.notes.append("no chain of accepted evidence reaches the target: the build is inconsistent")
        chain = []
    chain_records = {record_id for _, record_id, _ in chain}
    start_records = set(records_holding(connection, identifier_id))
    person_refusals = refusals(connection, person_id)

    met_records = chain_records | start_records
    held = record_identifiers(connection, met_records)
    met_identifiers = set().union(*held.values()) if held else set()
    refused_identifiers = {row[k] for row in person_refusals for k in ("identifier_a_id", "identifier_b_id")}
    known.update(identifiers(connection, (met_identifiers | refused_identifiers) - set(known)))
    shared = sorted((known[i] for i in met_identifiers if i in known and known[i].is_shared and i != identifier_id),
                    key=lambda item: item.identifier_id)
    all_records = records(connection, met_records | {row["record_id"] for row in person_refusals})
    explanation.hops = [Hop(known[a], all_records[r], known[b]) for a, r, b in chain]
    explanation.shared = [
        (item, [all_records[r] for r in sorted(met_records) if item.identifier_id in held[r]]) for item in shared
    ]
    explanation.refusals = [dict(row, record=all_records[row["record_id"]]) for row in person_refusals]
    explanation.history = history(connection, person_id)
    explanation.identifiers = known
    explanation.values = normalized_values(
        connection, [i for i in known if i.startswith(("email:", "phone:"))]
    )
    return explanation
