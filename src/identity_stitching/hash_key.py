"""The identifier hash key: read from the environment, checked, turned into HMAC pads.

The key (environment variable IDENTITY_HASH_KEY) never goes through dbt's Jinja,
so it is never rendered into SQL text, logs or anything under target/. On DuckDB
the project's dbt-duckdb plugin (identity_stitching.duckdb_plugin) calls
`hash_settings()` when dbt opens its connection and hands the result to DuckDB
as session variables, which the SQL of hash_identifier reads with getvariable().
Spark reads the key itself (macros/identifiers/hash_key_setup.sql). See
docs/hashing.md.

HMAC-SHA256 (RFC 2104) is sha256((K0 xor opad) || sha256((K0 xor ipad) || value)),
where K0 is the key's bytes right-padded with zero bytes to SHA-256's 64-byte
block. The two pads are as secret as the key: whoever has them computes every hash.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

ENV_NAME = "IDENTITY_HASH_KEY"
BLOCK_SIZE = 64  # SHA-256's block: a longer key would first have to be hashed (RFC 2104)
DOCS = "docs/hashing.md"

SCHEME_PLAIN = "sha256"
SCHEME_KEYED = "hmac-sha256"

# The DuckDB session variables the plugin sets (hash_key_variable() names them in SQL).
VARIABLE_VERSION = "identity_hash_version"
VARIABLE_INNER_PAD = "identity_hash_inner_pad"
VARIABLE_OUTER_PAD = "identity_hash_outer_pad"


class HashKeyError(ValueError):
    """The key is set but unusable. The message never contains the key."""


def empty_key_message():
    return (
        f"{ENV_NAME} is set but empty. Unset it to hash with plain SHA-256, or set it to the key "
        f"(at most {BLOCK_SIZE} bytes, for example `openssl rand -hex 32`). An empty value is refused "
        f"so that a secret that failed to load cannot silently turn the hashing unkeyed: see {DOCS}."
    )


def long_key_message(length):
    return (
        f"{ENV_NAME} is {length} bytes long: use at most {BLOCK_SIZE} bytes "
        f"(for example 64 hex characters from `openssl rand -hex 32`); see {DOCS}."
    )


def key_bytes(environ=None):
    """The key's UTF-8 bytes, or None when the variable is unset. Raises HashKeyError when it is
    set but empty, longer than one SHA-256 block, or not valid UTF-8."""
    environ = os.environ if environ is None else environ
    if ENV_NAME not in environ:
        return None
    value = environ[ENV_NAME]
    if value == "":
        raise HashKeyError(empty_key_message())
    try:
        key = value.encode("utf-8")
    except UnicodeEncodeError:
        raise HashKeyError(f"{ENV_NAME} is not valid UTF-8 text; see {DOCS}.") from None
    if len(key) > BLOCK_SIZE:
        raise HashKeyError(long_key_message(len(key)))
    return key


def pads(key):
    """(inner pad, outer pad) of an HMAC-SHA256 key of at most 64 bytes."""
    block = key.ljust(BLOCK_SIZE, b"\0")
    return bytes(byte ^ 0x36 for byte in block), bytes(byte ^ 0x5C for byte in block)


@dataclass(frozen=True)
class HashSettings:
    """What the engine needs to hash: the scheme and, for HMAC, the two pads."""

    version: str
    inner_pad: bytes | None = field(default=None, repr=False)
    outer_pad: bytes | None = field(default=None, repr=False)


def hash_settings(environ=None):
    """The scheme and pads for the key in the environment (see key_bytes for the errors)."""
    key = key_bytes(environ)
    if key is None:
        return HashSettings(SCHEME_PLAIN)
    inner, outer = pads(key)
    return HashSettings(SCHEME_KEYED, inner, outer)
