"""The typed value -> the identifier the project computed for it: normalized, then hashed.

The normalization follows the SQL macros (clean_email and canonicalize_email; the phone parser, which
agrees with `phonenumbers`: scripts/spark_phone_agreement.py); tests_py/test_explain.py checks it against
every value of a build's staging lookups. The hash is the README's recipe: SHA-256, or HMAC-SHA256 under
IDENTITY_HASH_KEY (read by identity_stitching.hash_key, as the dbt-duckdb plugin reads it).
"""

from __future__ import annotations

import hashlib
import hmac
import re

import phonenumbers

from identity_stitching.hash_key import SCHEME_KEYED, SCHEME_PLAIN, key_bytes

BLANKS = re.compile(r"^[ \t\n\r]+|[ \t\n\r]+$")
ANGLE_ADDRESS = re.compile(r"<([^>]*)>")
MAILTO = re.compile(r"^mailto:", re.IGNORECASE)
FINGERPRINT_LABEL = b"identity_stitching hash key fingerprint v1"


class NotAnIdentifier(ValueError):
    """The typed value normalizes to nothing the project would keep."""


def _trim(value):
    return BLANKS.sub("", value)


def normalize_email(value, gmail_canonicalization=False):
    """clean_email (+ canonicalize_email when the var is on): trim, `Name <address>`, `mailto:`, lowercase."""
    address = value
    if "<" in value and ">" in value[value.index("<"):]:
        found = ANGLE_ADDRESS.search(value)
        address = found.group(1) if found else value
    cleaned = _trim(MAILTO.sub("", _trim(address), count=1)).lower()
    if not cleaned:
        raise NotAnIdentifier("the email is empty once trimmed")
    # Validity is not judged here: a value the project rejected was never an identifier, which the
    # lookup reports (with staging's rejection reason when the value was seen).
    local, _, domain = cleaned.partition("@")
    if gmail_canonicalization and cleaned.count("@") == 1 and domain in ("gmail.com", "googlemail.com"):
        cleaned = local.split("+", 1)[0].replace(".", "") + "@gmail.com"
    return cleaned


def normalize_phone(value, default_region="US"):
    """E.164, read in `default_region` when written without a country code, as the project's parser."""
    try:
        parsed = phonenumbers.parse(value, default_region)
    except phonenumbers.NumberParseException as error:
        raise NotAnIdentifier(f"not a phone number: {error}") from None
    if not phonenumbers.is_valid_number(parsed):
        raise NotAnIdentifier(f"not a valid phone number (read in region {default_region})")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def hash_scheme(environ=None):
    return SCHEME_PLAIN if key_bytes(environ) is None else SCHEME_KEYED


def identifier_hash(normalized, environ=None):
    """hash_identifier() of a normalized value: lowercase hex SHA-256, or HMAC-SHA256 under the key."""
    key = key_bytes(environ)
    data = normalized.encode("utf-8")
    if key is None:
        return hashlib.sha256(data).hexdigest()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def key_fingerprint(environ=None):
    """What identity_hash_keys records for the key in the environment (docs/hashing.md)."""
    key = key_bytes(environ)
    if key is None:
        return hashlib.sha256(FINGERPRINT_LABEL).hexdigest()
    return hmac.new(key, FINGERPRINT_LABEL, hashlib.sha256).hexdigest()
