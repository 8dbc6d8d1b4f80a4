"""`python -m identity_stitching.explain --email VALUE` (make explain EMAIL=...): why a value is in its person.

Reads the warehouse at DBT_DUCKDB_PATH read-only. The value is normalized and hashed here, in Python, with
the key from IDENTITY_HASH_KEY when set; the warehouse is asked only about hashes and ids, and dbt is never
run, so neither the value nor the key reaches a dbt log, compiled SQL or target/.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb
import yaml

from identity_stitching.explain.evidence import explain_identifier
from identity_stitching.explain.normalize import (
    NotAnIdentifier,
    hash_scheme,
    identifier_hash,
    key_fingerprint,
    normalize_email,
    normalize_phone,
)
from identity_stitching.explain.text import render
from identity_stitching.hash_key import HashKeyError

PROJECT_DIR = Path(__file__).resolve().parents[3]


def project_var(name, default):
    try:
        project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
        return project["vars"].get(name, default)
    except (OSError, KeyError, TypeError):
        return default


class Refusal(Exception):
    """A clear message for the operator; exit status 2."""


def check_key(connection):
    """The key in the environment must be the one the warehouse hashed with, or every lookup misses."""
    found = connection.execute(
        "select hash_version, key_fingerprint from identity_hash_keys order by recorded_at desc limit 1"
    ).fetchone()
    if found is None:
        return
    if (found[0], found[1]) != (hash_scheme(), key_fingerprint()):
        raise Refusal(
            f"IDENTITY_HASH_KEY does not match the key this warehouse was built with ({found[0]}, fingerprint "
            f"{found[1][:12]}...): set the same key (or unset it for sha256) to look a value up; docs/hashing.md."
        )


def staging_rejection(connection, kind, normalized):
    """Why staging rejected the value, when it saw it and rejected it (else None)."""
    table, column, reason = {
        "email": ("stg_identifiers__emails", "email_normalized", "email_rejection_reason"),
        "phone": ("stg_identifiers__phones", "phone_e164", "phone_rejection_reason"),
    }[kind]
    raw = column.replace("normalized", "raw").replace("phone_e164", "phone_raw")
    found = connection.execute(
        f"select {reason} from staging.{table} where ({column} = ? or lower(trim({raw})) = ?)"
        f" and {reason} is not null limit 1",
        [normalized, normalized],
    ).fetchone()
    return found[0] if found else None


def resolve(connection, arguments):
    """(identifier_id, notes, whether the identifier is the typed email or phone, shown unmasked); raises
    Refusal when the project never saw the value."""
    if arguments.email is not None or arguments.phone is not None:
        kind = "email" if arguments.email is not None else "phone"
        try:
            normalized = (normalize_email(arguments.email, arguments.gmail_canonicalization) if kind == "email"
                          else normalize_phone(arguments.phone, arguments.region))
        except NotAnIdentifier as error:
            raise Refusal(f"the {kind} you typed is not one the project keeps: {error}") from None
        check_key(connection)
        identifier_id = f"{kind}:{identifier_hash(normalized)}"
        if not _seen(connection, identifier_id):
            rejected = staging_rejection(connection, kind, normalized)
            raise Refusal(f"the project never linked this {kind}"
                          + (f": staging saw it and rejected it ({rejected})" if rejected
                             else ": it is in no record of this warehouse (never seen)"))
        return identifier_id, [], True
    if arguments.user_id is not None:
        found = connection.execute(
            "select identifier_id from intermediate.int_identifiers where identifier_type = 'user_id' and user_id = ?",
            [arguments.user_id],
        ).fetchone()
        if found is None:
            raise Refusal(f"user_id {arguments.user_id} was never seen: no usable row of app/users holds it")
        return found[0], [], False
    device_id = arguments.device_id
    found = connection.execute(
        "select identifier_id from intermediate.int_identifiers_clustered"
        " where device_id = ? and identifier_id = anchor_identifier_id", [device_id]
    ).fetchone()
    if found is not None:
        return found[0], [], False
    retired = connection.execute(
        "select survivor_device_id, survivor_person_id, reason, retired_at from identity_id_history"
        " where retired_device_id = ? order by retired_at desc limit 1",
        [device_id],
    ).fetchone()
    if retired is not None:
        anchor = connection.execute(
            "select identifier_id from intermediate.int_identifiers_clustered"
            " where person_id = ? and identifier_id = anchor_identifier_id", [retired[1]]
        ).fetchone()
        if anchor is not None:
            return anchor[0], [f"device_id {device_id} was retired {retired[3]:%Y-%m-%d %H:%M:%S} ({retired[2]});"
                               f" its person is now {retired[1]}, device_id {retired[0]}", ""], False
    raise Refusal(f"device_id {device_id} was never seen: no person holds it, now or in identity_id_history")


def _seen(connection, identifier_id):
    return connection.execute(
        "select count(*) from intermediate.int_identifiers_clustered where identifier_id = ?", [identifier_id]
    ).fetchone()[0] > 0


def explain(database, arguments):
    """The printed explanation of the typed value (raises Refusal with the reason it cannot be explained)."""
    connection = duckdb.connect(str(database), read_only=True)
    try:
        identifier_id, notes, typed = resolve(connection, arguments)
        explanation = explain_identifier(connection, identifier_id)
    finally:
        connection.close()
    explanation.notes[:0] = notes
    return render(explanation, show_pii=arguments.show_pii, typed=typed)


def parser():
    result = argparse.ArgumentParser(
        prog="python -m identity_stitching.explain",
        description="Why a value is in its person: the person, the shortest chain of evidence to its user "
        "(each record with its file and row), shared identifiers met, refused links and id history.",
    )
    typed = result.add_mutually_exclusive_group(required=True)
    typed.add_argument("--email")
    typed.add_argument("--phone")
    typed.add_argument("--user-id")
    typed.add_argument("--device-id")
    result.add_argument("--database", default=os.environ.get("DBT_DUCKDB_PATH", "target/identity.duckdb"))
    result.add_argument("--show-pii", action="store_true",
                        help="show other people's emails and phones in full (masked by default)")
    result.add_argument("--region", default=str(project_var("identity__default_phone_region", "US")),
                        help="region of a phone typed without a country code (identity__default_phone_region)")
    result.add_argument("--gmail-canonicalization", type=lambda v: v.lower() in ("true", "1", "yes", "on"),
                        default=bool(project_var("identity__gmail_canonicalization", False)),
                        help="true when the warehouse was built with identity__gmail_canonicalization")
    return result


def main(argv=None):
    arguments = parser().parse_args(argv)
    if not Path(arguments.database).exists():
        print(f"no database at {arguments.database}: build the project first (make run)", file=sys.stderr)
        return 2
    try:
        print(explain(arguments.database, arguments))
    except (Refusal, HashKeyError) as error:
        print(str(error), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
